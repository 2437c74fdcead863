package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// Suite floor from the sync issue: the fault suite as a whole delivers at
// least this many records from at least this many devices.
const (
	suiteMinRecords = 10_000
	suiteMinDevices = 3
)

// TestDelivery runs every delivery scenario and checks each ends with
// every record in central once; the suite totals are logged at the end.
func TestDelivery(t *testing.T) {
	scenarios := []struct {
		name string
		run  func(t *testing.T, name string)
	}{
		{"end to end with real processes", testEndToEnd},
		{"latency with jitter", toxicScenario(500, slows, toxic{"lag up", "latency", "upstream", map[string]int{"latency": 40, "jitter": 30}}, toxic{"lag down", "latency", "downstream", map[string]int{"latency": 40, "jitter": 30}})},
		{"bandwidth limit", toxicScenario(300, slows, toxic{"narrow up", "bandwidth", "upstream", map[string]int{"rate": 32}}, toxic{"narrow down", "bandwidth", "downstream", map[string]int{"rate": 32}})},
		{"slicer", toxicScenario(500, slows, toxic{"slices up", "slicer", "upstream", map[string]int{"average_size": 100, "size_variation": 60, "delay": 20}}, toxic{"slices down", "slicer", "downstream", map[string]int{"average_size": 60, "size_variation": 40, "delay": 20}})},
		// Reset as central's answer starts: central has committed, the
		// device never hears it and must replay.
		{"reset_peer on the answer", toxicScenario(500, losesAnswers, toxic{"reset", "reset_peer", "downstream", map[string]int{"timeout": 0}})},
		{"reset_peer on the upload", toxicScenario(500, breaks, toxic{"reset", "reset_peer", "upstream", map[string]int{"timeout": 5}})},
		// A stall that never closes: only the engine's request timeout
		// gets the device out.
		{"timeout", toxicScenario(500, breaks, toxic{"stall", "timeout", "upstream", map[string]int{"timeout": 0}})},
		{"limit_data", toxicScenario(500, breaks, toxic{"cut", "limit_data", "upstream", map[string]int{"bytes": 6000}})},
		{"commit then drop the connection", testCommitThenDrop},
		{"central killed and restarted mid-drain", testKillRestart},
		{"device clocks years off", testClockOff},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, sc.name) })
	}
	suite.Lock()
	defer suite.Unlock()
	t.Logf("suite: %d scenarios, %d device runs, %d records sent (%d proposals and assemblies), %d lost, %d duplicated (%d replays recognised by central)",
		suite.scenarios, suite.devices, suite.sent, suite.submitted, suite.lost, suite.duplicated, suite.replays)
	if suite.sent > 0 && suite.submitted == 0 {
		t.Error("no proposal or assembly went through the suite: fieldsim makes them only for a campaign that accepts them")
	}
	// Under -run only some scenarios run; the floor is for the whole suite.
	if suite.scenarios == len(scenarios) && (suite.sent < suiteMinRecords || suite.devices < suiteMinDevices) {
		t.Errorf("the suite sent %d records from %d devices, want at least %d from %d", suite.sent, suite.devices, suiteMinRecords, suiteMinDevices)
	}
}

// testEndToEnd runs everything as the field does: `central serve`, three
// devices enrolled and filled by `fieldsim`, `syncd push` for each, then
// `central stats --json` against what the outboxes hold.
func testEndToEnd(t *testing.T, name string) {
	dir := t.TempDir()
	data := filepath.Join(dir, "central")
	addrFile := filepath.Join(dir, "addr")
	p := centraltest.StartProcess(t, centralBin, data, "--addr-file", addrFile)
	if raw, err := os.ReadFile(addrFile); err != nil || strings.TrimSpace(string(raw)) != p.Addr {
		t.Fatalf("--addr-file holds %q (%v), central listens on %s", raw, err, p.Addr)
	}

	type summary struct {
		DeviceID        string         `json:"device_id"`
		Records         int            `json:"records"`
		ByKind          map[string]int `json:"by_kind"`
		CrowdSignatures int            `json:"crowd_signatures"`
		Pending         int            `json:"pending"`
	}
	devices := []struct{ mode, records string }{
		{"kiosk", "1000"},
		{"kiosk", "1000"},
		{"canvasser", "1000"},
	}
	var outboxes []string
	madeByKind := map[string]int{}
	made, crowd := 0, 0
	for i, d := range devices {
		code := strings.TrimSpace(string(p.Run(t, "token")))
		db := filepath.Join(dir, fmt.Sprintf("device%d.db", i))
		out := runBin(t, fieldsimBin, "--db", db, "--code", code, "--records", d.records, "--mode", d.mode, "--json")
		var s summary
		if err := json.Unmarshal(out, &s); err != nil {
			t.Fatalf("fieldsim --json: %v\n%s", err, out)
		}
		if s.Pending != s.Records {
			t.Fatalf("fieldsim: %d pending of %d made", s.Pending, s.Records)
		}
		for k, n := range s.ByKind {
			madeByKind[k] += n
		}
		made += s.Records
		crowd += s.CrowdSignatures
		outboxes = append(outboxes, db)
	}
	for _, db := range outboxes {
		runBin(t, syncdBin, "push", "--db", db, "--retry-for", "2m")
		var status struct {
			Pending int `json:"pending"`
			Synced  int `json:"synced"`
			Dead    int `json:"dead"`
		}
		if err := json.Unmarshal(runBin(t, syncdBin, "status", "--db", db, "--json"), &status); err != nil {
			t.Fatalf("syncd status --json: %v", err)
		}
		if status.Pending != 0 || status.Dead != 0 || status.Synced != 1000 {
			t.Errorf("%s after push: %+v, want all 1000 synced", filepath.Base(db), status)
		}
	}

	// The fault suite covers residents' submissions because fieldsim
	// makes them for a central that accepts them, as every central does
	// by default.
	for _, k := range record.SubmissionKinds {
		if madeByKind[string(k)] == 0 {
			t.Errorf("fieldsim made no %s record: the suite would not cover them", k)
		}
	}
	st := statsCLI(t, data)
	for _, k := range record.Kinds {
		if st.ByKind[string(k)] != int64(madeByKind[string(k)]) {
			t.Errorf("central counts %d %s records, fieldsim made %d", st.ByKind[string(k)], k, madeByKind[string(k)])
		}
	}
	if st.Devices[central.DeviceActive] != int64(len(devices)) {
		t.Errorf("central counts %d active devices, want %d", st.Devices[central.DeviceActive], len(devices))
	}

	// Supports and unique signers as the outboxes tell them: the blind
	// index is keyed by central's dedupe key, the same on every device.
	supports := map[string]int64{}
	signers := map[string]map[string]bool{}
	for _, db := range outboxes {
		rows, err := openRO(t, db).Query(`SELECT subject_id, signer_index FROM records WHERE kind = ?`, string(record.KindSignature))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var subject string
			var index []byte
			if err := rows.Scan(&subject, &index); err != nil {
				t.Fatal(err)
			}
			supports[subject]++
			if signers[subject] == nil {
				signers[subject] = map[string]bool{}
			}
			signers[subject][string(index)] = true
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	var totalSupports, totalUnique int64
	for _, ps := range st.Proposals {
		if ps.Supports != supports[ps.ID] || ps.UniqueSigners != int64(len(signers[ps.ID])) {
			t.Errorf("proposal %s: central counts %d supports by %d signers, the outboxes hold %d by %d",
				ps.ID, ps.Supports, ps.UniqueSigners, supports[ps.ID], len(signers[ps.ID]))
		}
		totalSupports += ps.Supports
		totalUnique += ps.UniqueSigners
	}
	if int(totalSupports) != madeByKind[string(record.KindSignature)] {
		t.Errorf("proposals add up to %d supports, fieldsim made %d signatures", totalSupports, madeByKind[string(record.KindSignature)])
	}
	// fieldsim's shared crowd signs on several devices: those repeats are
	// supports but not new signers, and only they can be.
	if repeats := totalSupports - totalUnique; repeats <= 0 || repeats > int64(crowd) {
		t.Errorf("%d supports by %d unique signers: want some repeats, at most the %d crowd signatures", totalSupports, totalUnique, crowd)
	}
	t.Logf("end to end: %d supports by %d unique signers (%d crowd signatures)", totalSupports, totalUnique, crowd)
	account(t, name, data, st, outboxes...)
}

// runBin runs a binary and returns its standard output, failing the test
// if it exits non-zero.
func runBin(tb testing.TB, bin string, args ...string) []byte {
	tb.Helper()
	cmd := exec.Command(bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// effect is what a toxic does to batch uploads while it is on.
type effect int

const (
	slows        effect = iota // batches still get through
	breaks                     // uploads fail
	losesAnswers               // uploads fail after central committed them
)

// toxicScenario drains three devices through a toxiproxy link to an
// in-process central: the toxics go on once a few batches got through and
// come off once they have bitten (uploads failed, or more batches got
// through under them), and the drain must then complete.
func toxicScenario(perDevice int, e effect, toxics ...toxic) func(t *testing.T, name string) {
	return func(t *testing.T, name string) {
		c := centraltest.Start(t)
		proxy := newToxiproxy(t, c.HTTP.Listener.Addr().String())
		code := func() string { return issueCode(t, c.Store, c.Keys, "http://"+proxy.Listen) }
		p := newProgress()
		dir := t.TempDir()
		var devs []*device
		var paths []string
		for i := range 3 {
			d := newDevice(t, dir, fmt.Sprintf("device%d", i), code(), perDevice, deviceOptions{p: p})
			devs = append(devs, d)
			paths = append(paths, d.path)
		}
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		done, errs := drainAll(ctx, devs)
		if !p.waitFor(t, done, func(ok, _ int) bool { return ok >= 3 }) {
			t.Fatal("the drain finished before the toxics went on: too few records")
		}
		ok0, failed0 := p.counts()
		// Twice on and off: the link recovers, then fails again mid-drain.
		for round := range 2 {
			if round > 0 {
				ok1, _ := p.counts()
				if !p.waitFor(t, done, func(ok, _ int) bool { return ok >= ok1+2 }) {
					t.Fatal("the drain finished before the toxics went on again: too few records")
				}
			}
			addToxics(t, proxy, toxics...)
			ok1, failed1 := p.counts()
			bitten := p.waitFor(t, done, func(ok, failed int) bool {
				if e != slows {
					return failed >= failed1+4
				}
				return ok >= ok1+8
			})
			removeToxics(t, proxy, toxics...)
			if !bitten {
				t.Fatalf("round %d: the drain finished before the toxics had an effect: too few records", round)
			}
		}
		finish(t, done, errs)
		ok, failed := p.counts()
		t.Logf("%d batches answered (%d once the toxics first went on), %d failed", ok, ok-ok0, failed-failed0)
		st := c.Stats(t)
		if e == losesAnswers && st.Duplicates == 0 {
			t.Error("central recognised no replay although answers were lost after the commit")
		}
		account(t, name, c.Dir, st, paths...)
	}
}

// dropAfterCommit wraps central's handler: while armed, it lets central
// ingest a batch and commit, then closes the connection instead of
// answering, as a link that fails on the way back does.
type dropAfterCommit struct {
	next    http.Handler
	armed   atomic.Int64 // batches still to drop
	dropped atomic.Int64 // batches central answered 200 to and the device never heard
}

func (d *dropAfterCommit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != protocol.PathBatches || d.armed.Add(-1) < 0 {
		d.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	d.next.ServeHTTP(rec, r)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not counted as dropped, so the test fails on the shortfall.
		http.Error(w, "cannot hijack the connection: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	conn.Close()
	if rec.Code == http.StatusOK {
		d.dropped.Add(1)
	}
}

// testCommitThenDrop drops the answers to batches central committed: the
// devices send them again, central recognises every one, stores nothing
// twice.
func testCommitThenDrop(t *testing.T, name string) {
	const drops = 12
	c := centraltest.Start(t)
	drop := &dropAfterCommit{next: c.Server}
	hs := httptest.NewServer(drop)
	t.Cleanup(hs.Close)
	p := newProgress()
	dir := t.TempDir()
	var devs []*device
	var paths []string
	for i := range 3 {
		d := newDevice(t, dir, fmt.Sprintf("device%d", i), issueCode(t, c.Store, c.Keys, hs.URL), 500, deviceOptions{p: p})
		devs = append(devs, d)
		paths = append(paths, d.path)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	done, errs := drainAll(ctx, devs)
	if !p.waitFor(t, done, func(ok, _ int) bool { return ok >= 3 }) {
		t.Fatal("the drain finished before drops were armed: too few records")
	}
	drop.armed.Store(drops)
	finish(t, done, errs)
	if n := drop.dropped.Load(); n < drops/2 {
		t.Errorf("only %d committed batches lost their answer, want at least %d", n, drops/2)
	}
	st := c.Stats(t)
	if st.Duplicates == 0 {
		t.Error("central recognised no replay although committed answers were dropped")
	}
	t.Logf("%d committed batches lost their answer", drop.dropped.Load())
	account(t, name, c.Dir, st, paths...)
}

// testKillRestart kills the real central with SIGKILL twice while three
// devices drain, restarting it each time on the same data directory and
// port.
func testKillRestart(t *testing.T, name string) {
	dir := t.TempDir()
	data := filepath.Join(dir, "central")
	proc := centraltest.StartProcess(t, centralBin, data)
	p := newProgress()
	var devs []*device
	var paths []string
	for i := range 3 {
		code := strings.TrimSpace(string(proc.Run(t, "token")))
		d := newDevice(t, dir, fmt.Sprintf("device%d", i), code, 1000, deviceOptions{p: p})
		devs = append(devs, d)
		paths = append(paths, d.path)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	done, errs := drainAll(ctx, devs)
	for round := range 2 {
		ok0, _ := p.counts()
		if !p.waitFor(t, done, func(ok, _ int) bool { return ok >= ok0+5 }) {
			t.Fatalf("round %d: the drain finished before central was killed: too few records", round)
		}
		proc.Kill(t)
		_, failed0 := p.counts()
		if !p.waitFor(t, done, func(_, failed int) bool { return failed >= failed0+3 }) {
			t.Fatalf("round %d: the drain finished while central was dead", round)
		}
		proc = centraltest.StartProcess(t, centralBin, data, "--addr", proc.Addr)
	}
	finish(t, done, errs)
	_, failed := p.counts()
	t.Logf("%d batch requests failed across two kills", failed)
	account(t, name, data, statsCLI(t, data), paths...)
}

// testClockOff syncs devices whose clocks are years behind and ahead:
// central stores and counts their records with the device times they
// carry.
func testClockOff(t *testing.T, name string) {
	c := centraltest.Start(t)
	dir := t.TempDir()
	offsets := []time.Duration{-7 * 365 * 24 * time.Hour, 9 * 365 * 24 * time.Hour}
	var paths []string
	for i, off := range offsets {
		d := newDevice(t, dir, fmt.Sprintf("device%d", i), c.Code(t, ""), 150, deviceOptions{clockOff: off})
		if _, err := d.sync.Drain(context.Background()); err != nil {
			t.Fatalf("clock %s off: drain: %v", off, err)
		}
		id, err := d.store.Identity(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var lo, hi int64
		db := openRO(t, filepath.Join(c.Dir, central.DBFile))
		if err := db.QueryRow(`SELECT min(device_time), max(device_time) FROM records WHERE device_id = ?`, id.DeviceID).Scan(&lo, &hi); err != nil {
			t.Fatal(err)
		}
		want := time.Now().Add(off)
		for _, ms := range []int64{lo, hi} {
			if got := time.UnixMilli(ms); got.Sub(want).Abs() > 24*time.Hour {
				t.Errorf("clock %s off: central stored device time %s, want about %s", off, got.Format(time.DateOnly), want.Format(time.DateOnly))
			}
		}
		paths = append(paths, d.path)
	}
	account(t, name, c.Dir, c.Stats(t), paths...)
}
