package outbox_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/record"
)

func TestWipeNeverLosesAPendingRecord(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	s := dev.Store
	d := newDrafts(dev.Campaign, 11)
	var last *record.Record
	for i := 0; i < 5; i++ {
		r, err := s.Append(ctx, d.signature(), dev.Campaign)
		if err != nil {
			t.Fatal(err)
		}
		last = r
	}
	if err := s.MarkSynced(ctx, 1, 2); err != nil {
		t.Fatal(err)
	}
	if err := s.Wipe(ctx, 0); !errors.Is(err, outbox.ErrWipeWouldLose) {
		t.Fatalf("wipe with 3 pending and no bundle: err = %v", err)
	}
	if err := s.Wipe(ctx, 4); !errors.Is(err, outbox.ErrWipeWouldLose) {
		t.Fatalf("wipe with record 5 outside the bundle: err = %v", err)
	}
	if n, _ := s.Counts(ctx); n.Total() != 5 {
		t.Fatalf("a refused wipe erased something: %+v", n)
	}
	if err := s.Wipe(ctx, 5); err != nil {
		t.Fatalf("wipe with every pending record in a bundle: %v", err)
	}
	if _, err := s.Identity(ctx); !errors.Is(err, outbox.ErrNotEnrolled) {
		t.Fatalf("identity after wipe: %v", err)
	}
	if _, err := s.LatestCampaign(ctx); !errors.Is(err, outbox.ErrNoCampaign) {
		t.Fatalf("campaign after wipe: %v", err)
	}
	if n, _ := s.Counts(ctx); n.Total() != 0 {
		t.Fatalf("counts after wipe: %+v", n)
	}
	// The sealed bytes are gone from the file, not just unlinked.
	raw, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, last.Body[:32]) {
		t.Fatal("a wiped record's bytes are still in the file")
	}
}
