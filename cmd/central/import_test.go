package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/bundle"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
)

// bundleDevice is an enrolled device outbox holding n pending records.
func bundleDevice(t *testing.T, c *centraltest.Central, n int, seed uint64) *outbox.Store {
	t.Helper()
	ctx := context.Background()
	store, err := outbox.Open(ctx, filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := syncer.Enroll(ctx, store, c.Code(t, record.ModeCanvasser), "usb tablet", record.ModeCanvasser, c.Client); err != nil {
		t.Fatal(err)
	}
	sc, err := store.LatestCampaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	camp, err := campaign.Parse("campaign", sc.Content)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fieldsim.Fill(ctx, store, fieldsim.New(camp, record.ModeCanvasser, seed), n); err != nil {
		t.Fatal(err)
	}
	return store
}

func exportBundle(t *testing.T, store *outbox.Store) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "device.bundle")
	if _, err := bundle.Export(context.Background(), store, path, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// runImport runs central import in-process with small batches, so a
// bundle of a few hundred records goes through several ingest calls.
func runImport(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut, Logger: slog.New(slog.NewTextHandler(&errOut, nil))}
	err = (&ImportCommand{main: m, batch: 40}).Run(context.Background(), args)
	return out.String(), errOut.String(), err
}

func TestImportTwiceThenSyncCountsEachRecordOnce(t *testing.T) {
	const n = 150
	c := centraltest.Start(t)
	store := bundleDevice(t, c, n, 1)
	path := exportBundle(t, store)

	out, errOut, err := runImport(t, "--data", c.Dir, path)
	if err != nil {
		t.Fatalf("first import: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "150 accepted, 0 duplicate, 0 conflict, 0 rejected") {
		t.Errorf("first import printed %q", out)
	}
	if !strings.Contains(errOut, "150/150 records imported") {
		t.Errorf("first import drew no finished progress bar: %q", errOut)
	}
	out, _, err = runImport(t, path, "--data", c.Dir)
	if err != nil {
		t.Fatalf("second import: %v", err)
	}
	if !strings.Contains(out, "0 accepted, 150 duplicate, 0 conflict, 0 rejected") {
		t.Errorf("second import printed %q", out)
	}

	// The device later reaches central and uploads the same records.
	st, err := syncer.New(store).PushOnce(context.Background())
	if err != nil {
		t.Fatalf("push after import: %v", err)
	}
	if st.Accepted != 0 || st.Duplicate != n || st.Pending != 0 {
		t.Errorf("push after import: %+v, want %d duplicates and nothing pending", st, n)
	}
	stats := c.Stats(t)
	if stats.Records != n || stats.ByChannel[central.ChannelBundle] != n || stats.Duplicates != 2*n {
		t.Errorf("stats: %d records, %d by bundle, %d duplicates; want %d, %d, %d",
			stats.Records, stats.ByChannel[central.ChannelBundle], stats.Duplicates, n, n, 2*n)
	}
	t.Logf("bundle totals: %d records; import 1: %d accepted; import 2: %d duplicate; sync: %d duplicate; central holds %d, %d duplicate arrivals",
		n, n, n, st.Duplicate, stats.Records, stats.Duplicates)
}

func TestImportRefusesDamagedBundlesAndImportsNothing(t *testing.T) {
	c := centraltest.Start(t)
	good := exportBundle(t, bundleDevice(t, c, 60, 2))
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, p []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, p, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	flipped := bytes.Clone(data)
	flipped[len(flipped)/2] ^= 0x01
	tests := []struct {
		name, path, want string
	}{
		{"truncated bundle", write("truncated.bundle", data[:len(data)-500]), "damaged or truncated"},
		{"one flipped byte", write("flipped.bundle", flipped), "damaged or truncated"},
		{"forged signature", write("forged.bundle", append(bytes.Clone(data[:len(data)-1]), data[len(data)-1]^0x80)), "signature does not match"},
		{"not a bundle", write("notes.txt", []byte(strings.Repeat("hello ", 40))), "not a Voces bundle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The good bundle comes first: one bad file stops them all.
			_, _, err := runImport(t, "--data", c.Dir, good, tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "nothing was imported") {
				t.Fatalf("import: %v, want a refusal saying %q", err, tt.want)
			}
			if st := c.Stats(t); st.Records != 0 || st.Duplicates != 0 {
				t.Errorf("central holds %d records after a refused import", st.Records)
			}
		})
	}
}

func TestImportRefusesUnknownDevices(t *testing.T) {
	c := centraltest.Start(t)
	other := centraltest.Start(t)
	path := exportBundle(t, bundleDevice(t, other, 5, 3))
	_, _, err := runImport(t, "--data", c.Dir, path)
	if err == nil || !strings.Contains(err.Error(), "is not enrolled with this central") {
		t.Fatalf("import of another central's device: %v", err)
	}
}

func TestImportFromARevokedDeviceNeedsTheFlag(t *testing.T) {
	c := centraltest.Start(t)
	store := bundleDevice(t, c, 30, 4)
	path := exportBundle(t, store)
	id, err := store.Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Store.RevokeDevice(context.Background(), id.DeviceID, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, _, err = runImport(t, "--data", c.Dir, path)
	if err == nil || !strings.Contains(err.Error(), "--allow-revoked") {
		t.Fatalf("import from a revoked device without the flag: %v", err)
	}
	if st := c.Stats(t); st.Records != 0 {
		t.Fatalf("refused import stored %d records", st.Records)
	}
	out, _, err := runImport(t, "--data", c.Dir, "--allow-revoked", path)
	if err != nil {
		t.Fatalf("import with --allow-revoked: %v", err)
	}
	if !strings.Contains(out, "30 accepted") {
		t.Errorf("import with --allow-revoked printed %q", out)
	}
	d, err := c.Store.Device(context.Background(), id.DeviceID)
	if err != nil || d.State() != central.DeviceRevoked {
		t.Errorf("device after the import: %v, %v; the revocation must stay", d.State(), err)
	}
}

func TestImportCommandLine(t *testing.T) {
	_, _, err := run(t, "import", "--data", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "no BUNDLE given") {
		t.Errorf("import without bundles: %v", err)
	}
	out, _, _ := run(t, "help")
	if !strings.Contains(out, "central import") {
		t.Errorf("usage does not list import: %q", out)
	}
}
