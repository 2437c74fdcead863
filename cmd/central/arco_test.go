package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
)

// TestCancelledRecordStaysCancelled is the ARCO cancellation round trip: a
// record imported from a bundle is cancelled, then the same bundle is
// imported again and the device uploads the same batch; both are answered
// duplicate, nothing comes back, the count and the export stay one lower
// and the sequence shows no gap.
func TestCancelledRecordStaysCancelled(t *testing.T) {
	const n = 60
	ctx := context.Background()
	c := centraltest.Start(t)
	store := bundleDevice(t, c, n, 7)
	path := exportBundle(t, store)
	if _, errOut, err := runImport(t, "--data", c.Dir, path); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	var target central.StoredRecord
	if err := c.Store.EachRecord(ctx, string(record.KindSignature), func(r central.StoredRecord) error {
		if target.Receipt == "" {
			target = r
		}
		return nil
	}); err != nil || target.Receipt == "" {
		t.Fatalf("no signature among the bundle's records (%v)", err)
	}
	found, err := central.FindByReceipt(ctx, c.Store, strings.ToLower(target.Receipt))
	if err != nil || len(found) != 1 {
		t.Fatalf("find by receipt: %d %v", len(found), err)
	}
	before := c.Stats(t)
	if n, err := central.Cancel(ctx, c.Store, c.Node, "rosa", found, time.Now()); err != nil || n != 1 {
		t.Fatalf("cancel: %d %v", n, err)
	}
	out, _, err := runImport(t, "--data", c.Dir, path)
	if err != nil || !strings.Contains(out, "0 accepted, 60 duplicate, 0 conflict, 0 rejected") {
		t.Errorf("re-import after cancel: %q %v", out, err)
	}
	st, err := syncer.New(store).PushOnce(ctx)
	if err != nil || st.Accepted != 0 || st.Duplicate != n {
		t.Errorf("re-send after cancel: %+v %v, want %d duplicates", st, err, n)
	}
	after := c.Stats(t)
	if after.Records != before.Records-1 || after.Missing != 0 {
		t.Errorf("after cancel, re-import and re-send: %d records, %d missing; want %d, 0", after.Records, after.Missing, before.Records-1)
	}
	var held central.StoredRecord
	c.Store.EachRecord(ctx, "", func(r central.StoredRecord) error {
		if r.ID == target.ID {
			held = r
		}
		return nil
	})
	if held.BodyState != central.BodyCancelled || len(held.Data) != 0 || held.Seq != target.Seq {
		t.Errorf("the cancelled record came back: state %d, %d bytes", held.BodyState, len(held.Data))
	}
	stdout, _, err := run(t, "export", "--data", c.Dir, "--out", filepath.Join(t.TempDir(), "all.csv"))
	if err != nil || !strings.Contains(strings.Join(strings.Fields(stdout), " "), "records exported 59") {
		t.Errorf("export after cancel: %q %v, want 59 records", stdout, err)
	}
	out, _, err = run(t, "audit", "--data", c.Dir, "verify")
	if err != nil || !strings.Contains(out, "intact") {
		t.Errorf("audit after cancel: %q %v", out, err)
	}
}
