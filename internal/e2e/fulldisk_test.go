//go:build linux

package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
)

// gate passes requests to central, or answers 503 while closed.
type gate struct {
	next   http.Handler
	closed atomic.Bool
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.closed.Load() {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	g.next.ServeHTTP(w, r)
}

// TestFullDiskDrains fills a device's file system to the last block
// after it collected records, and syncs it with the real engine and a
// real central: the failure while central is down is recorded, then every
// record reaches central once, is marked synced, and nothing is sent again.
// Before the outbox kept a disk reserve, the accepted records stayed
// pending and every try re-sent the same batch as duplicates.
func TestFullDiskDrains(t *testing.T) {
	const n = 300
	ctx := context.Background()
	c := centraltest.Start(t)
	g := &gate{next: c.Server}
	hs := httptest.NewServer(g)
	t.Cleanup(hs.Close)
	dir := outboxtest.TinyDisk(t, 32<<20)
	d := newDevice(t, dir, "full", issueCode(t, c.Store, c.Keys, hs.URL), n, deviceOptions{})
	// An empty WAL: every write from here on must grow a file.
	if _, err := d.store.DB().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	outboxtest.FillDisk(t, dir)

	g.closed.Store(true)
	if _, err := d.sync.PushOnce(ctx); err == nil {
		t.Fatal("a push to a central that answers 503 succeeded")
	}
	st, err := d.store.SyncStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.LastError == "" || st.LastErrorAt.IsZero() {
		t.Errorf("the failed push was not recorded on the full disk: %+v", st)
	}

	g.closed.Store(false)
	ps, err := d.sync.PushOnce(ctx)
	if err != nil {
		t.Fatalf("push on a full disk: %v", err)
	}
	if ps.Pending != 0 || ps.Accepted != n || ps.Duplicate != 0 {
		t.Errorf("push on a full disk: %+v; want %d accepted, none duplicate or pending", ps, n)
	}
	again, err := d.sync.PushOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again.Batches != 0 || again.Sent() != 0 {
		t.Errorf("a second push sent %d records in %d batches: the first push's answers were not kept", again.Sent(), again.Batches)
	}
	cs := c.Stats(t)
	if cs.Records != n || cs.Duplicates != 0 {
		t.Errorf("central holds %d records with %d duplicate arrivals, want %d and 0", cs.Records, cs.Duplicates, n)
	}
	if st, err = d.store.SyncStatus(ctx); err != nil {
		t.Fatal(err)
	}
	if st.LastSuccess.IsZero() {
		t.Errorf("the successful push was not recorded: %+v", st)
	}
}
