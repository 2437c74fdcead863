package ui_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui"
	"github.com/voces-cdmx/voces/internal/ui/techtools"
)

// TestEveryTechScreenFitsEveryDisplay walks the technician PIN, the menu
// and every plugged-in tool in every language, look and display size, as
// TestEveryScreenFitsEveryDisplay does for the public screens.
func TestEveryTechScreenFitsEveryDisplay(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC) }
	tools := techtools.Tools(techtools.Options{Now: now, Versions: "voces test", ExportDirs: []string{t.TempDir()}})
	// The PIN screen and the menu, then one screen per tool.
	ui.CheckTourFits(t, 2+len(tools), func(t *testing.T, cfg ui.Config) *ui.Kiosk {
		dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
		dev.Store.Now = now
		cfg.Now, cfg.Tools = now, tools
		return ui.New(fyne.CurrentApp(), dev.Store, cfg)
	}, (*ui.Kiosk).TechTour)
}
