package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/record"
)

// badRecords makes two correctly signed records whose sealed body does not
// open: a signature sealed to a key that is not the campaign's, and a
// comment whose ciphertext is garbage.
func badRecords(t *testing.T, d *centraltest.Device) (wrongKey, garbage []byte) {
	t.Helper()
	other, _, err := record.NewCampaignKey()
	if err != nil {
		t.Fatal(err)
	}
	keys := d.Keys
	keys.SealTo = other
	r, err := record.Build(d.Draft(record.KindSignature), d.Campaign, &keys, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r.Seq = d.NextSeq()
	r.Sign(d.Key)
	g := d.Record(t, record.KindComment)
	g.Body = make([]byte, len(g.Body))
	rand.Read(g.Body)
	return r.Marshal(), d.Resign(g)
}

// words is text with runs of spaces (table padding) folded to one.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestOneBadRecordIsQuarantinedAndEveryExportStillWrites(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	good := d.Records(t, 8) // kinds in rotation: 4 signatures, 1 comment, 2 surveys, 1 event
	wrongKey, garbage := badRecords(t, d)
	allAccepted(t, d.Upload(t, append(append(good[:4:4], wrongKey, garbage), good[4:]...)))
	outDir := t.TempDir()
	out := func(name string) string { return filepath.Join(outDir, name) }
	const skippedLine = "skipped %d records whose sealed body does not open; list them with `central quarantine list`"

	// Before any body check (no worker ran): the export opens and skips.
	stdout, _, err := run(t, "export", "--data", c.Dir, "--out", out("early.csv"))
	if err != nil {
		t.Fatalf("export before the body check: %v", err)
	}
	if w := words(stdout); !strings.Contains(w, "records exported 8") || !strings.Contains(w, strings.Replace(skippedLine, "%d", "2", 1)) {
		t.Errorf("export before the body check says:\n%s", stdout)
	}

	// The worker's pass: each record's body opened once.
	checked, quarantined, err := central.CheckBodies(context.Background(), c.Store, c.Keys.SealPublic, c.Keys.SealPrivate, time.Now)
	if err != nil || checked != 10 || quarantined != 2 {
		t.Fatalf("CheckBodies: %d checked, %d quarantined (%v); want 10, 2", checked, quarantined, err)
	}
	if again, _, err := central.CheckBodies(context.Background(), c.Store, c.Keys.SealPublic, c.Keys.SealPrivate, time.Now); err != nil || again != 0 {
		t.Errorf("a second pass checked %d (%v), want 0", again, err)
	}

	exports := []struct {
		name     string
		args     []string
		exported string
		skipped  int
	}{
		{"csv", []string{"--out", out("all.csv")}, "records exported 8", 2},
		{"xlsx", []string{"--out", out("all.xlsx"), "--format", "xlsx"}, "records exported 8", 2},
		{"pdf", []string{"--out", out("firmas.pdf"), "--format", "pdf"}, "records exported 4", 1},
		{"csv of comments", []string{"--out", out("comments.csv"), "--kind", "comment"}, "records exported 1", 1},
		{"csv of surveys", []string{"--out", out("surveys.csv"), "--kind", "survey_response"}, "records exported 2", 0},
	}
	for _, tt := range exports {
		t.Run("export "+tt.name, func(t *testing.T) {
			stdout, _, err := run(t, append([]string{"export", "--data", c.Dir}, tt.args...)...)
			if err != nil {
				t.Fatalf("export: %v", err)
			}
			w := words(stdout)
			if !strings.Contains(w, tt.exported) {
				t.Errorf("export says %q, want %q", w, tt.exported)
			}
			line := strings.Replace(skippedLine, "%d", string(rune('0'+tt.skipped)), 1)
			if strings.Contains(w, line) != (tt.skipped > 0) || (tt.skipped == 0 && strings.Contains(w, "skipped")) {
				t.Errorf("export says %q; want the line %q: %v", w, line, tt.skipped > 0)
			}
			if fi, err := os.Stat(tt.args[1]); err != nil || fi.Size() == 0 {
				t.Errorf("export wrote no file: %v", err)
			}
		})
	}

	// Counted: stats, metrics.
	stdout, _, err = run(t, "stats", "--data", c.Dir, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var st central.Stats
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatal(err)
	}
	if st.Quarantined != 2 || st.QuarantinedByDevice[d.ID] != 2 || len(st.QuarantinedByDevice) != 1 || st.Records != 10 || st.Missing != 0 {
		t.Errorf("stats: %d quarantined %v, %d records, %d missing; want 2 from %s, 10, 0", st.Quarantined, st.QuarantinedByDevice, st.Records, st.Missing, d.ID)
	}
	if m := metrics(t, c); !strings.Contains(m, "\nvoces_quarantined_records 2\n") {
		t.Errorf("/metrics has no voces_quarantined_records 2")
	}

	// Listed.
	stdout, _, err = run(t, "quarantine", "--data", c.Dir, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list []central.QuarantinedRecord
	if err := json.Unmarshal([]byte(stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].DeviceID != d.ID || list[0].Seq != 9 || list[1].Seq != 10 || list[0].Kind != "signature" || list[1].Kind != "comment" ||
		!strings.Contains(list[0].Reason, "does not open") || !list[0].PurgedAt.IsZero() {
		t.Fatalf("quarantine list: %+v", list)
	}
	stdout, _, err = run(t, "quarantine", "--data", c.Dir, "list")
	if err != nil || !strings.Contains(stdout, list[0].ID.String()) || !strings.Contains(stdout, list[1].ID.String()) {
		t.Errorf("quarantine list (%v) does not name both records:\n%s", err, stdout)
	}

	// Purged: one by id, then the rest.
	for _, args := range [][]string{{"purge", list[0].ID.String()}, {"purge", "--all"}} {
		stdout, _, err := run(t, append([]string{"quarantine", "--data", c.Dir}, args...)...)
		if err != nil || !strings.Contains(stdout, "purged the sealed bodies of 1 quarantined records") {
			t.Errorf("quarantine %v: %v\n%s", args, err, stdout)
		}
	}
	recs := map[[16]byte]central.StoredRecord{}
	if err := c.Store.EachRecord(context.Background(), "", func(r central.StoredRecord) error { recs[r.ID] = r; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, q := range list {
		if r := recs[q.ID]; len(r.Data) != 0 || r.BodyState != central.BodyPurged || r.Seq != q.Seq {
			t.Errorf("record %s after purge: %d bytes, state %d, seq %d", q.ID, len(r.Data), r.BodyState, r.Seq)
		}
	}

	// A re-sent copy is a duplicate, never stored again; exports still work.
	for _, res := range d.Upload(t, [][]byte{wrongKey, garbage}).Results {
		if res.Status != "duplicate" {
			t.Errorf("re-sent purged record %s: %s %s, want duplicate", res.ID, res.Status, res.Reason)
		}
	}
	stdout, _, err = run(t, "export", "--data", c.Dir, "--out", out("after.csv"))
	if w := words(stdout); err != nil || !strings.Contains(w, "records exported 8") || !strings.Contains(w, strings.Replace(skippedLine, "%d", "2", 1)) {
		t.Errorf("export after purge (%v):\n%s", err, stdout)
	}
	if after := c.Stats(t); after.Records != 10 || after.Missing != 0 || after.Duplicates != 2 {
		t.Errorf("after purge and re-send: %d records, %d missing, %d duplicates; want 10, 0, 2", after.Records, after.Missing, after.Duplicates)
	}
}

func metrics(t *testing.T, c *centraltest.Central) string {
	t.Helper()
	resp, err := c.Client.Get(c.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %v", resp.StatusCode, err)
	}
	return string(b)
}

func TestQuarantineCommandLine(t *testing.T) {
	c := centraltest.Start(t)
	tests := []struct {
		name  string
		args  []string
		words string
	}{
		{"purge without ids", []string{"purge"}, "purge ID… (or --all)"},
		{"purge with ids and --all", []string{"--all", "purge", "0190a4f4-0000-7000-8000-000000000000"}, "not both"},
		{"list with --all", []string{"--all", "list"}, "--all and record ids are for purge"},
		{"a bad id", []string{"purge", "nope"}, `record id "nope"`},
		{"an unknown action", []string{"burn"}, `unknown quarantine action "burn"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := run(t, append([]string{"quarantine", "--data", c.Dir}, tt.args...)...)
			var ue *usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.words) {
				t.Errorf("err %v, want a usage error saying %q", err, tt.words)
			}
		})
	}
	stdout, _, err := run(t, "quarantine", "--data", c.Dir)
	if err != nil || !strings.Contains(stdout, "no quarantined records") {
		t.Errorf("an empty quarantine (%v): %q", err, stdout)
	}
	if m := metrics(t, c); !strings.Contains(m, "\nvoces_quarantined_records 0\n") {
		t.Error("/metrics has no voces_quarantined_records 0 at start-up")
	}
}
