// Command screenshots renders every main screen of the kiosk to PNG, in
// Spanish and English, in the default and the high-contrast look, with
// Fyne's software renderer: no display or GPU needed.
//
//	screenshots --out DIR [--size 1280x800] [--large]
//
// Files are DIR/<lang>-<look>/<NN-screen>.png. Each run uses a fresh demo
// outbox in a temporary directory and a fixed clock, so the pictures only
// change when the screens do.
package main

import (
	"context"
	"flag"
	"fmt"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/voces-cdmx/voces/internal/demo"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui"
)

// shotTime is the clock of every screenshot: a weekday morning before the
// default campaign's assemblies.
var shotTime = time.Date(2026, 11, 20, 10, 30, 0, 0, time.FixedZone("CST", -6*3600))

// submissionKinds are the kinds the demo campaign says its central takes
// beyond the base ones, so the flows of proposals and assemblies residents
// bring are shot too.
var submissionKinds = []string{string(record.KindProposal), string(record.KindEventProposal)}

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

// keypad is --keypad: every screen with its first control focused.
var keypad bool

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("screenshots", flag.ContinueOnError)
	out := fs.String("out", "screenshots", "directory to write PNG files to")
	size := fs.String("size", "1280x800", "window size in pixels, WIDTHxHEIGHT")
	large := fs.Bool("large", false, "also render the large-text look")
	fs.BoolVar(&keypad, "keypad", false, "as a keypad user sees them: each screen with its first control focused")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var w, h float32
	if _, err := fmt.Sscanf(*size, "%fx%f", &w, &h); err != nil || w < 320 || h < 240 {
		return fmt.Errorf("bad --size %q: want WIDTHxHEIGHT", *size)
	}
	looks := []struct {
		name string
		look ui.Look
	}{{"default", ui.Look{}}, {"contrast", ui.Look{HighContrast: true}}}
	if *large {
		looks = append(looks, struct {
			name string
			look ui.Look
		}{"large", ui.Look{LargeText: true}})
	}
	for _, l := range i18n.Langs {
		for _, lk := range looks {
			dir := filepath.Join(*out, string(l)+"-"+lk.name)
			n, err := shoot(ctx, dir, l, lk.look, fyne.NewSize(w, h))
			if err != nil {
				return fmt.Errorf("%s: %w", dir, err)
			}
			m, err := shootField(ctx, dir, l, lk.look, fyne.NewSize(w, h))
			if err != nil {
				return fmt.Errorf("%s: field screens: %w", dir, err)
			}
			n += m
			fmt.Printf("%s: %d screens\n", dir, n)
		}
	}
	return nil
}

// shoot renders the tour of one language and look into dir.
func shoot(ctx context.Context, dir string, l i18n.Lang, look ui.Look, size fyne.Size) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp("", "voces-screenshots-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	store, err := outbox.Open(ctx, filepath.Join(tmp, "outbox.db"))
	if err != nil {
		return 0, err
	}
	defer store.Close()
	if _, err := demo.EnrollKinds(ctx, store, record.ModeKiosk, submissionKinds); err != nil {
		return 0, err
	}
	store.Now = func() time.Time { return shotTime }
	app := test.NewApp()
	defer app.Quit()
	k := ui.New(app, store, ui.Config{
		Lang: l, Look: &look,
		Now:    func() time.Time { return shotTime },
		Logger: slog.New(slog.DiscardHandler),
		Keypad: keypad,
	})
	win := k.Window()
	win.Resize(size)
	n := 0
	var shotErr error
	err = k.Tour(func(name string) {
		if shotErr != nil {
			return
		}
		img := win.Canvas().Capture()
		f, err := os.Create(filepath.Join(dir, name+".png"))
		if err != nil {
			shotErr = err
			return
		}
		if err := png.Encode(f, img); err != nil {
			f.Close()
			shotErr = err
			return
		}
		shotErr = f.Close()
		n++
	})
	if err != nil {
		return n, err
	}
	return n, shotErr
}
