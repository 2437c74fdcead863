package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/ui"
)

func TestShootWritesEveryScreen(t *testing.T) {
	dir := t.TempDir()
	n, err := shoot(context.Background(), dir, i18n.English, ui.Look{HighContrast: true}, fyne.NewSize(1280, 800))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	if n < 30 || len(files) != n {
		t.Fatalf("wrote %d files for %d screens", len(files), n)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() < 5000 {
			t.Fatalf("%s is missing or nearly empty", f)
		}
	}
}

func TestBadSizeIsRefused(t *testing.T) {
	if err := run(context.Background(), []string{"--out", t.TempDir(), "--size", "huge"}); err == nil {
		t.Fatal("--size huge was accepted")
	}
}

func TestShootFieldWritesTheWizardToolsAndCanvasserLoop(t *testing.T) {
	dir := t.TempDir()
	n, err := shootField(context.Background(), dir, i18n.Spanish, ui.Look{}, fyne.NewSize(1280, 800))
	if err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"setup-", "tech-", "canvass-"} {
		files, _ := filepath.Glob(filepath.Join(dir, prefix+"*.png"))
		if len(files) < 5 {
			t.Errorf("%d %s screens", len(files), prefix)
		}
		for _, f := range files {
			if st, err := os.Stat(f); err != nil || st.Size() < 5000 {
				t.Errorf("%s is missing or nearly empty", f)
			}
		}
	}
	if all, _ := filepath.Glob(filepath.Join(dir, "*.png")); len(all) != n {
		t.Errorf("wrote %d files for %d screens", len(all), n)
	}
}
