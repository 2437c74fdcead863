//go:build linux

package outbox_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/record"
)

// A device whose disk is full can still take central's answers and its
// own status: the kiosk cannot save new input (and says so), but what was
// collected drains, so syncd does not send the same batch forever.
func TestFullDiskStillDrains(t *testing.T) {
	ctx := context.Background()
	dir := outboxtest.TinyDisk(t, 32<<20)
	path := filepath.Join(dir, "outbox.db")
	dev := outboxtest.NewEnrolledAt(t, path, record.ModeKiosk)
	if _, err := os.Stat(outbox.ReservePath(path)); err != nil {
		t.Fatalf("an enrolled device has no disk reserve: %v", err)
	}
	d := newDrafts(dev.Campaign, 7)
	const n = 40
	for range n {
		if _, err := dev.Store.Append(ctx, d.any(), dev.Campaign); err != nil {
			t.Fatal(err)
		}
	}
	// Closing the last handle checkpoints and deletes the WAL, so the
	// next write must grow a file: the hardest case on a full disk.
	dev.Store.Close()
	s, err := outbox.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	clock := time.Now()
	s.Now = func() time.Time { return clock }

	filler := outboxtest.FillDisk(t, dir)
	if _, err := s.Append(ctx, d.any(), dev.Campaign); err == nil {
		t.Fatal("a record was saved on a full disk: the disk is not full and the test proves nothing")
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Pending != n {
		t.Fatalf("after a refused append %d records pending, want %d", c.Pending, n)
	}

	results := make([]outbox.Result, 0, n)
	for seq := uint64(1); seq <= n; seq++ {
		results = append(results, outbox.Result{Seq: seq, State: outbox.StateSynced})
	}
	if err := s.Apply(ctx, results); err != nil {
		t.Fatalf("central's answers not kept on a full disk: %v", err)
	}
	st := outbox.SyncStatus{LastSuccess: clock, LastError: "disk full", LastErrorAt: clock}
	if err := s.SetSyncStatus(ctx, st); err != nil {
		t.Fatalf("sync status not kept on a full disk: %v", err)
	}
	if c, err = s.Counts(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Pending != 0 || c.Synced != n {
		t.Errorf("on a full disk: %d pending, %d synced; want 0 and %d", c.Pending, c.Synced, n)
	}
	got, err := s.SyncStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastError != "disk full" || !got.LastSuccess.Equal(clock) {
		t.Errorf("status read back as %+v", got)
	}
	if _, err := os.Stat(outbox.ReservePath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the reserve is still there after the disk filled (%v): the writes did not need it and the test proves nothing", err)
	}

	// Space comes back: the next drain write makes the reserve again.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(2 * time.Minute)
	if err := s.SetSyncStatus(ctx, st); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(outbox.ReservePath(path))
	if err != nil {
		t.Fatalf("the reserve was not made again once the disk had room: %v", err)
	}
	if fi.Size() != outbox.DefaultReserve {
		t.Errorf("reserve is %d bytes, want %d", fi.Size(), outbox.DefaultReserve)
	}
}

// The kiosk's appends never spend the reserve: it is kept for draining.
func TestAppendLeavesTheReserve(t *testing.T) {
	ctx := context.Background()
	dir := outboxtest.TinyDisk(t, 32<<20)
	path := filepath.Join(dir, "outbox.db")
	dev := outboxtest.NewEnrolledAt(t, path, record.ModeKiosk)
	outboxtest.FillDisk(t, dir)
	d := newDrafts(dev.Campaign, 9)
	var err error
	for i := 0; i < 200 && err == nil; i++ {
		_, err = dev.Store.Append(ctx, d.any(), dev.Campaign)
	}
	if err == nil {
		t.Fatal("200 records saved on a full disk")
	}
	if _, serr := os.Stat(outbox.ReservePath(path)); serr != nil {
		t.Errorf("an append on a full disk (%v) gave up the drain's reserve: %v", err, serr)
	}
}
