// Command kiosk is the Voces touchscreen app. It reads campaign content and
// sync status from the device's outbox and writes finished records to it;
// it never touches the network (syncd does).
//
//	kiosk --db PATH [--mode kiosk|canvasser] [--fullscreen] [--lang es|en]
//	      [--idle 45s] [--countdown 15s] [--size 1280x800]
//	kiosk --db PATH --set-pin          # reads the technician PIN from stdin
//	kiosk --db PATH --demo             # enroll a stand-alone demo device first
//	kiosk --db PATH --measure-startup  # print time to first frame and RSS, exit
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/voces-cdmx/voces/internal/demo"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
	"github.com/voces-cdmx/voces/internal/ui"
	"github.com/voces-cdmx/voces/internal/ui/techtools"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Log: log}
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "kiosk:", err)
		}
		os.Exit(2)
	}
}

// Main is the kiosk command: flags, then wiring.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Log    *slog.Logger

	DB         string
	Mode       string
	Fullscreen bool
	Lang       string
	Idle       time.Duration
	Countdown  time.Duration
	Size       string
	SetPIN     bool
	Demo       bool
	Measure    bool
	CodeDir    string
	ExportDir  string
	SpeechDir  string
	FleetFile  string
	// DisplayWait is how long start-up waits for a slow X server.
	DisplayWait time.Duration
}

// ParseFlags reads the command line.
func (m *Main) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("kiosk", flag.ContinueOnError)
	fs.StringVar(&m.DB, "db", "", "path of the device's outbox file (required)")
	fs.StringVar(&m.Mode, "mode", "", "collection mode, kiosk or canvasser (default: the mode the device was enrolled in)")
	fs.BoolVar(&m.Fullscreen, "fullscreen", false, "open full screen without decorations and refuse to close")
	fs.StringVar(&m.Lang, "lang", "", "language each person starts in, es or en (default: the device setting, else es)")
	fs.DurationVar(&m.Idle, "idle", 0, "time without input before \"are you still there?\" (default: setting, else 45s)")
	fs.DurationVar(&m.Countdown, "countdown", 0, "countdown of that prompt before everything is forgotten (default: setting, else 15s)")
	fs.StringVar(&m.Size, "size", "1280x800", "window size when not full screen, WIDTHxHEIGHT")
	fs.BoolVar(&m.SetPIN, "set-pin", false, "read a technician PIN (6 to 12 digits) from the first line of stdin, store its hash, and exit")
	fs.BoolVar(&m.Demo, "demo", false, "if the outbox is not enrolled, enroll it as a stand-alone demo device with the default campaign")
	fs.StringVar(&m.CodeDir, "code-dir", "", "directory the setup wizard also searches for provisioning code files (*.txt, *.code), besides /media and /run/media")
	fs.DurationVar(&m.DisplayWait, "display-wait", 30*time.Second, "how long start-up waits for an X server that is slow to answer before it gives up with an error")
	fs.StringVar(&m.FleetFile, "fleet", "", "`file` whose first line is a provisioning code of the fleet's central (spent or not): the setup wizard then takes its short codes")
	fs.StringVar(&m.ExportDir, "export-dir", "", "directory the technician's bundle export also offers, besides mounted USB sticks")
	fs.StringVar(&m.SpeechDir, "speech-dir", "", "write spoken guidance to WAV files in this directory instead of playing it (default: the device setting kiosk.speech_dir)")
	fs.BoolVar(&m.Measure, "measure-startup", false, "print the time from process start to the first painted attract screen and the resident memory, then exit")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: kiosk --db PATH [--mode kiosk|canvasser] [--fullscreen] [--lang es|en] [flags]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if m.DB == "" {
		return errors.New("--db is required")
	}
	if m.Mode != "" && m.Mode != record.ModeKiosk && m.Mode != record.ModeCanvasser {
		return fmt.Errorf("--mode must be %s or %s", record.ModeKiosk, record.ModeCanvasser)
	}
	if m.Lang != "" {
		if _, err := i18n.Parse(m.Lang); err != nil {
			return fmt.Errorf("--lang: %w", err)
		}
	}
	return nil
}

// Run parses args and runs the kiosk until it is closed, exited from the
// technician menu, or ctx ends.
func (m *Main) Run(ctx context.Context, args []string) error {
	if err := m.ParseFlags(args); err != nil {
		return err
	}
	store, err := outbox.Open(ctx, m.DB)
	if err != nil {
		return err
	}
	defer store.Close()
	if m.SetPIN {
		return m.setPIN(ctx, store)
	}
	if m.Demo {
		enrolled, err := demo.Enroll(ctx, store, record.ModeKiosk)
		if err != nil {
			return err
		}
		if enrolled {
			m.Log.Info("enrolled demo device", "db", m.DB)
		}
	}
	return m.runUI(ctx, store)
}

func (m *Main) setPIN(ctx context.Context, store *outbox.Store) error {
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read pin: %w", err)
	}
	if err := pinguard.New(store).Set(ctx, strings.TrimSpace(line)); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "technician PIN set")
	return nil
}

func (m *Main) runUI(ctx context.Context, store *outbox.Store) error {
	if err := checkDisplay(os.Getenv, m.DisplayWait); err != nil {
		return err
	}
	if err := openDisplay(os.Getenv, m.DisplayWait); err != nil {
		return err
	}
	a := app.NewWithID("mx.voces.kiosk")
	cfg := m.uiConfig()
	if m.FleetFile != "" {
		b, err := os.ReadFile(m.FleetFile)
		if err != nil {
			return fmt.Errorf("--fleet: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		if _, err := protocol.ParseFleet(line); err != nil {
			return fmt.Errorf("--fleet %s: %w", m.FleetFile, err)
		}
		cfg.Fleet = line
	}
	painted := watchFirstFrame(&cfg)
	k := ui.New(a, store, cfg)
	w := k.Window()
	if err := m.placeWindow(w); err != nil {
		return err
	}
	w.SetMaster()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The clock starts once the driver runs its loop, with the window
	// made: a tick queued before then would run against a window the
	// driver has not created yet, or never will.
	a.Lifecycle().SetOnStarted(func() { k.Start(runCtx) })
	defer quitOnCancel(ctx, a)()
	if m.Measure {
		go m.measure(painted, a)
	}
	// Reading and checking the campaign left garbage; hand it back before
	// the GL driver and the fonts take their share.
	debug.FreeOSMemory()
	w.ShowAndRun()
	return nil
}

// uiConfig is the kiosk's configuration from the flags, with the
// technician tools plugged in.
func (m *Main) uiConfig() ui.Config {
	cfg := ui.Config{Mode: m.Mode, Idle: m.Idle, Countdown: m.Countdown, Logger: m.Log, SpeechDir: m.SpeechDir}
	opt := techtools.Options{Versions: fmt.Sprintf("voces %s, %s", syncer.AppVersion(), runtime.Version())}
	if m.CodeDir != "" {
		cfg.CodeDirs = []string{m.CodeDir}
	}
	if m.ExportDir != "" {
		opt.ExportDirs = []string{m.ExportDir}
	}
	cfg.Tools = techtools.Tools(opt)
	if m.Lang != "" {
		cfg.Lang, _ = i18n.Parse(m.Lang)
	}
	return cfg
}

// watchFirstFrame makes cfg report the first painted frame on the
// returned channel, which --measure-startup waits for.
func watchFirstFrame(cfg *ui.Config) <-chan struct{} {
	painted := make(chan struct{})
	var once sync.Once
	cfg.OnFirstFrame = func() {
		once.Do(func() {
			close(painted)
			// Start-up garbage (the campaign JSON, font tables read once)
			// goes back to the system rather than sit in the heap all day.
			go debug.FreeOSMemory()
		})
	}
	return painted
}

// placeWindow opens the window full screen, or at --size.
func (m *Main) placeWindow(w fyne.Window) error {
	if m.Fullscreen {
		w.SetFullScreen(true)
		// A passer-by cannot close the kiosk; the technician menu can.
		w.SetCloseIntercept(func() { m.Log.Warn("close refused: use the technician menu") })
		return nil
	}
	var width, height float32
	if _, err := fmt.Sscanf(m.Size, "%fx%f", &width, &height); err != nil {
		return fmt.Errorf("--size %q: want WIDTHxHEIGHT", m.Size)
	}
	w.Resize(fyne.NewSize(width, height))
	return nil
}

// quitOnCancel quits the app when ctx ends (SIGTERM from the session
// manager), until the returned stop is called.
func quitOnCancel(ctx context.Context, a fyne.App) (stop func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			fyne.Do(a.Quit)
		case <-done:
		}
	}()
	return func() { close(done) }
}
