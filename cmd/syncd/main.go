// Command syncd is the only process on a device that talks to the
// network: it enrolls the device with central, drains the outbox the
// kiosk writes to, pulls campaign content and sends heartbeats.
//
//	syncd enroll --db PATH --code CODE [--name NAME] [--mode kiosk|canvasser] [--pin-file FILE|-]
//	syncd pin    --db PATH --pin-file FILE|-
//	syncd run    --db PATH
//	syncd push   --db PATH [--retry-for DURATION]
//	syncd status --db PATH [--json]
//	syncd export --db PATH --out FILE
//
// Exit status: 0 success; 1 failure; 2 bad command line; 3 push left
// records pending; 4 central refused the device for good.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/voces-cdmx/voces/internal/outbox"
)

// Exit statuses, for scripts and packaging.
const (
	exitOK      = 0
	exitFailed  = 1 // not enrolled, enrollment refused, outbox unreadable…
	exitUsage   = 2 // bad command line
	exitPending = 3 // push: records still pending
	exitStopped = 4 // central refused the device for good (revoked, unknown)
)

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "syncd:", err)
	}
	os.Exit(exitCode(err))
}

// Main is the syncd program. Tests run it in-process with their own
// output writers.
type Main struct {
	Stdin  io.Reader // for --pin-file -
	Stdout io.Writer
	Stderr io.Writer
}

// NewMain returns a Main writing to the process's standard output and
// error.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

const usage = `syncd moves a device's records to central and keeps its campaign current.

Usage:

	syncd <command> [flags]

Commands:

	enroll   enroll this device with central using a provisioning code
	pin      set the technician PIN (the kiosk collects only once one is set)
	run      the daemon: sync continuously until SIGTERM or SIGINT
	push     upload everything pending once, then exit
	status   show the device's sync state
	export   write every pending record to an offline bundle file

Run "syncd <command> --help" for a command's flags.

Exit status: 0 success; 1 failure; 2 bad command line; 3 push left records
pending; 4 central refused the device for good (revoked or unknown): a
technician must enroll it again.
`

// Run runs the command named by args[0].
func (m *Main) Run(ctx context.Context, args []string) error {
	var cmd interface {
		Run(ctx context.Context, args []string) error
	}
	name := ""
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	switch name {
	case "enroll":
		cmd = &EnrollCommand{m: m}
	case "pin":
		cmd = &PINCommand{m: m}
	case "run":
		cmd = &RunCommand{m: m}
	case "push":
		cmd = &PushCommand{m: m}
	case "status":
		cmd = &StatusCommand{m: m}
	case "export":
		cmd = &ExportCommand{m: m}
	case "", "help", "-h", "-help", "--help":
		fmt.Fprint(m.Stdout, usage)
		if name == "" {
			return usageError{errors.New("no command given")}
		}
		return nil
	default:
		fmt.Fprint(m.Stderr, usage)
		return usageError{fmt.Errorf("unknown command %q", name)}
	}
	err := cmd.Run(ctx, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// logger writes the daemon's log lines to stderr; verbose adds the
// routine ones.
func (m *Main) logger(verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: level}))
}

// flagSet makes a command's flag set, printing its usage on --help or a
// flag error.
func (m *Main) flagSet(name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet("syncd "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: syncd %s %s\n\n%s\nFlags:\n", name, synopsis, about)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses a command's flags, refusing stray arguments and a missing
// --db.
func parse(fs *flag.FlagSet, args []string, db *string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if *db == "" {
		fs.Usage()
		return usageError{errors.New("--db is required")}
	}
	return nil
}

// openExisting opens an outbox that must already exist: reading the
// status of, or pushing from, a mistyped path should not create an empty
// device.
func openExisting(ctx context.Context, path string) (*outbox.Store, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no outbox at %s", path)
	} else if err != nil {
		return nil, err
	}
	return outbox.Open(ctx, path)
}

// usageError is a bad command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitError carries the exit status a failure should end with.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ue usageError
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &ee):
		return ee.code
	}
	return exitFailed
}
