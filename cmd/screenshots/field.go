package main

import (
	"context"
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
	"github.com/voces-cdmx/voces/internal/ui/techtools"
)

// shootField renders the field-operations screens into dir: the setup
// wizard on a device with no identity, the technician tools on a kiosk,
// and the canvasser loop on a canvasser tablet. Files are named
// setup-NN-…, tech-NN-… and canvass-NN-….
func shootField(ctx context.Context, dir string, l i18n.Lang, look ui.Look, size fyne.Size) (int, error) {
	tours := []struct {
		mode string // "" for a device with no identity
		run  func(k *ui.Kiosk, shot func(string)) error
	}{
		{"", (*ui.Kiosk).SetupTour},
		{record.ModeKiosk, (*ui.Kiosk).TechTour},
		{record.ModeCanvasser, (*ui.Kiosk).CanvassTour},
	}
	n := 0
	for _, t := range tours {
		m, err := shootOne(ctx, dir, l, look, size, t.mode, t.run)
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func shootOne(ctx context.Context, dir string, l i18n.Lang, look ui.Look, size fyne.Size, mode string, tour func(*ui.Kiosk, func(string)) error) (int, error) {
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
	if mode != "" {
		if _, err := demo.EnrollKinds(ctx, store, mode, submissionKinds); err != nil {
			return 0, err
		}
	}
	store.Now = func() time.Time { return shotTime }
	app := test.NewApp()
	defer app.Quit()
	k := ui.New(app, store, ui.Config{
		Lang: l, Look: &look,
		Now:    func() time.Time { return shotTime },
		Logger: slog.New(slog.DiscardHandler),
		Tools:  techtools.Tools(techtools.Options{Now: func() time.Time { return shotTime }, Versions: "voces screenshots"}),
		Keypad: keypad,
	})
	win := k.Window()
	win.Resize(size)
	n := 0
	var shotErr error
	err = tour(k, func(name string) {
		if shotErr != nil {
			return
		}
		f, err := os.Create(filepath.Join(dir, name+".png"))
		if err != nil {
			shotErr = err
			return
		}
		if err := png.Encode(f, win.Canvas().Capture()); err != nil {
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
