package ui

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
)

// TestEnrolledWithoutAPINRefusesToCollect: a device enrolled the way
// `syncd enroll` without --pin-file does it (syncer.Enroll, nothing more)
// has no technician PIN. The kiosk does not collect, says to ask a
// technician, and the public corner gesture opens neither the menu nor a
// "choose a PIN" screen; once syncd sets a PIN the kiosk comes up by
// itself and the gesture asks for that PIN.
func TestEnrolledWithoutAPINRefusesToCollect(t *testing.T) {
	test.NewTempApp(t)
	c := centraltest.Start(t)
	ctx := context.Background()
	store, err := outbox.Open(ctx, filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	s := syncer.New(store)
	s.Logger = slog.New(slog.DiscardHandler)
	s.Client = c.Client
	if _, err := s.Enroll(ctx, c.Code(t, ""), "kiosk sin pin", record.ModeKiosk); err != nil {
		t.Fatal(err)
	}

	for _, l := range i18n.Langs {
		r := newRigNoPIN(t, nil, store, Config{Lang: l})
		r.expect(kindNotSetUp)
		if got := screenAs[*notSetupScreen](r).reason; got != "setup.reason.nopin" {
			t.Fatalf("%s: not set up because %q", l, got)
		}
		texts := textsOn(r.k.win.Canvas())
		for _, id := range []string{"setup.call", "setup.reason.nopin"} {
			if texts[l.T(id)] == "" {
				t.Errorf("%s: the screen does not say %q", l, l.T(id))
			}
		}
		gesture(r)
		if kind := r.k.cur.kind(); kind != kindNotSetUp {
			t.Fatalf("%s: the public gesture opened %s", l, kind)
		}
		if set, _ := pinguard.New(store).IsSet(ctx); set {
			t.Fatalf("%s: a PIN was set from the public screen", l)
		}
		// A start-over or idle tick does not get past it either.
		r.tick(DefaultIdle)
		r.expect(kindNotSetUp)
	}

	// syncd pin sets one; the kiosk sees it on its next look.
	r := newRigNoPIN(t, nil, store, Config{})
	g := pinguard.New(store)
	g.Params = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	if err := g.Set(ctx, rigPIN); err != nil {
		t.Fatal(err)
	}
	r.tick(setupEvery)
	r.expect(kindAttract)
	gesture(r)
	r.expect(kindPIN)
	if screenAs[*pinScreen](r).create {
		t.Fatal("the gesture offers to set a new PIN")
	}
	typePIN(r, rigPIN)
	r.expect(kindTechMenu)
}
