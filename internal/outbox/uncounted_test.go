package outbox_test

import (
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/record"
)

func TestUncountedSupportsCountsWhatCentralHasNotCounted(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	dev.Store.Now = func() time.Time { return now }
	d := newDrafts(dev.Campaign, 7)
	p := dev.Campaign.Proposals[0].ID
	add := func(kind record.Kind) uint64 {
		t.Helper()
		var dr *record.Draft
		if kind == record.KindSignature {
			dr = d.signature()
			dr.SubjectID = p
		} else {
			dr = d.comment()
		}
		r, err := dev.Store.Append(ctx, dr, dev.Campaign)
		if err != nil {
			t.Fatal(err)
		}
		return r.Seq
	}
	before := add(record.KindSignature) // synced before the document arrived: counted
	dead := add(record.KindSignature)   // refused by central: never counted
	if err := dev.Store.MarkSynced(ctx, before); err != nil {
		t.Fatal(err)
	}
	if err := dev.Store.MarkDead(ctx, dead, "rejected"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	received := now // the progress document arrives
	now = now.Add(time.Minute)
	after := add(record.KindSignature) // synced after it: not in its count
	if err := dev.Store.MarkSynced(ctx, after); err != nil {
		t.Fatal(err)
	}
	add(record.KindSignature) // still pending
	add(record.KindSignature)
	add(record.KindComment) // not a support

	got, err := dev.Store.UncountedSupports(ctx, received)
	if err != nil {
		t.Fatal(err)
	}
	if want := (outbox.Uncounted{Pending: 2, Sent: 1}); got[p] != want || len(got) != 1 {
		t.Fatalf("got %+v, want %s: %+v only", got, p, want)
	}
	t.Run("without a document only pending supports are apart", func(t *testing.T) {
		got, err := dev.Store.UncountedSupports(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if want := (outbox.Uncounted{Pending: 2}); got[p] != want {
			t.Fatalf("got %+v, want %+v", got[p], want)
		}
	})
}
