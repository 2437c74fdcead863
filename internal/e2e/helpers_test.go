package e2e

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/cenkalti/backoff/v4"
	"github.com/google/uuid"
	"github.com/rs/zerolog"
	_ "modernc.org/sqlite"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
)

// waitLimit bounds every wait for progress, so a stuck drain fails the
// test instead of hanging it; it is generous for a loaded CI machine.
const waitLimit = 3 * time.Minute

// progress counts batch uploads that got an answer and those that failed,
// across the devices of one scenario, so a test can act "after a few
// batches went through" or "once the fault has bitten" without sleeping.
type progress struct {
	mu      sync.Mutex
	ok      int           // batch requests answered 200
	failed  int           // batch requests that ended in an error or a 5xx
	changed chan struct{} // closed and replaced on every change
}

func newProgress() *progress { return &progress{changed: make(chan struct{})} }

func (p *progress) note(ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ok {
		p.ok++
	} else {
		p.failed++
	}
	close(p.changed)
	p.changed = make(chan struct{})
}

// counts returns the answered and failed batch requests so far.
func (p *progress) counts() (ok, failed int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ok, p.failed
}

// waitFor waits until cond holds or done is closed, and reports whether
// cond held.
func (p *progress) waitFor(tb testing.TB, done <-chan struct{}, cond func(ok, failed int) bool) bool {
	tb.Helper()
	limit := time.NewTimer(waitLimit)
	defer limit.Stop()
	for {
		p.mu.Lock()
		held, ch := cond(p.ok, p.failed), p.changed
		p.mu.Unlock()
		if held {
			return true
		}
		select {
		case <-ch:
		case <-done:
			return false
		case <-limit.C:
			ok, failed := p.counts()
			tb.Fatalf("no progress within %s (%d batches answered, %d failed)", waitLimit, ok, failed)
		}
	}
}

// countingTransport tells a progress about every batch upload.
type countingTransport struct {
	base http.RoundTripper
	p    *progress
}

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if r.URL.Path == protocol.PathBatches {
		c.p.note(err == nil && resp.StatusCode == http.StatusOK)
	}
	return resp, err
}

// offsetClock is the system clock moved by off, for a device whose clock
// is wrong.
type offsetClock struct{ off time.Duration }

func (c offsetClock) Now() time.Time { return time.Now().Add(c.off) }

func (c offsetClock) NewTimer() backoff.Timer { return syncer.SystemClock.NewTimer() }

// device is a simulated device driven in-process: an outbox filled by
// fieldsim and the real sync engine.
type device struct {
	path  string
	store *outbox.Store
	sync  *syncer.Syncer
}

// deviceOptions shape a simulated device.
type deviceOptions struct {
	mode     string         // record.ModeKiosk or record.ModeCanvasser; "" for kiosk
	only     string         // make only this kind, or "" for fieldsim's mix
	clockOff time.Duration  // how wrong the device clock is
	p        *progress      // told about every batch upload, if set
	roots    *x509.CertPool // CAs the device trusts for HTTPS; nil for the system's
}

// newDevice enrolls a device with code and fills its outbox with n
// records. The engine gets short timeouts and backoff so faults cost
// seconds, and small batches so a drain takes many of them.
func newDevice(tb testing.TB, dir, name, code string, n int, o deviceOptions) *device {
	tb.Helper()
	ctx := context.Background()
	if o.mode == "" {
		o.mode = "kiosk"
	}
	path := filepath.Join(dir, name+".db")
	store, err := outbox.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	clock := offsetClock{o.clockOff}
	store.Now = clock.Now
	s := syncer.New(store)
	s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s.Clock = clock
	s.RequestTimeout = 3 * time.Second
	s.InitialBackoff = 20 * time.Millisecond
	s.MaxBackoff = 250 * time.Millisecond
	s.BatchBytes = 16 << 10
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if o.roots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: o.roots}
	}
	tb.Cleanup(tr.CloseIdleConnections)
	s.Client = &http.Client{Transport: tr}
	if o.p != nil {
		s.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return countingTransport{rt, o.p} }
	}
	e, err := s.Enroll(ctx, code, name, o.mode)
	if err != nil {
		tb.Fatalf("enroll %s: %v", name, err)
	}
	if o.clockOff.Abs() > syncer.ClockTolerance && !e.ClockFarOff {
		tb.Errorf("enroll %s: a clock %s off is not reported as far off", name, o.clockOff)
	}
	fill(tb, store, o.only, n)
	return &device{path: path, store: store, sync: s}
}

// fill adds n fieldsim records to an enrolled outbox.
func fill(tb testing.TB, store *outbox.Store, only string, n int) {
	tb.Helper()
	ctx := context.Background()
	id, err := store.Identity(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	sc, err := store.LatestCampaign(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := campaign.Parse("campaign", sc.Content)
	if err != nil {
		tb.Fatal(err)
	}
	// Seeded from the device id as fieldsim's command does: devices differ.
	h := sha256.Sum256([]byte(id.DeviceID))
	g := fieldsim.New(c, id.Mode, binary.BigEndian.Uint64(h[:8]))
	if only != "" {
		g.Mix = fieldsim.Mix{record.Kind(only): 1}
	}
	sum, err := fieldsim.Fill(ctx, store, g, n)
	if err != nil {
		tb.Fatal(err)
	}
	if sum.Records != n {
		tb.Fatalf("fieldsim stored %d records, want %d", sum.Records, n)
	}
}

// drainAll drains every device concurrently. done closes when all have
// returned; errs then holds each device's error.
func drainAll(ctx context.Context, devs []*device) (done chan struct{}, errs []error) {
	done = make(chan struct{})
	errs = make([]error, len(devs))
	var wg sync.WaitGroup
	for i, d := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = d.sync.Drain(ctx)
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	return done, errs
}

// finish waits for drainAll and fails the test if a drain failed.
func finish(tb testing.TB, done <-chan struct{}, errs []error) {
	tb.Helper()
	select {
	case <-done:
	case <-time.After(waitLimit):
		tb.Fatalf("drain did not finish within %s", waitLimit)
	}
	for i, err := range errs {
		if err != nil {
			tb.Errorf("device %d: drain: %v", i, err)
		}
	}
}

// openRO opens an SQLite file read-only, next to the process writing it.
func openRO(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// outboxRecords returns every record id an outbox holds and how many of
// them are not synced.
func outboxRecords(tb testing.TB, path string) (ids []uuid.UUID, unsynced int) {
	tb.Helper()
	rows, err := openRO(tb, path).Query(`SELECT id, state FROM records`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var state int
		if err := rows.Scan(&id, &state); err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, uuid.MustParse(id))
		if outbox.State(state) != outbox.StateSynced {
			unsynced++
		}
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return ids, unsynced
}

// centralIDs counts the rows of central's record table by id.
func centralIDs(tb testing.TB, dataDir string) map[uuid.UUID]int {
	tb.Helper()
	rows, err := openRO(tb, filepath.Join(dataDir, central.DBFile)).Query(`SELECT id FROM records`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	got := make(map[uuid.UUID]int)
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			tb.Fatal(err)
		}
		id, err := uuid.FromBytes(raw)
		if err != nil {
			tb.Fatalf("central record id: %v", err)
		}
		got[id]++
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return got
}

// ledger is what a scenario sent and what central made of it.
type ledger struct {
	devices    int
	sent       int   // records the devices made
	lost       int   // made but not in central
	duplicated int   // stored more than once, or stored but never made
	replays    int64 // arrivals central recognised as duplicates
	submitted  int   // of sent, residents' proposals and assemblies
}

// suite adds up the ledgers of every scenario that ran.
var suite struct {
	sync.Mutex
	ledger
	scenarios int
}

// account checks that central at dataDir, whose `central stats` counts are
// st, holds every record of the outboxes exactly once and that every
// outbox record ended synced; it logs and returns the ledger.
func account(tb testing.TB, scenario, dataDir string, st *central.Stats, outboxes ...string) ledger {
	tb.Helper()
	return accountStored(tb, scenario, centralIDs(tb, dataDir), st, outboxes...)
}

// accountStored is account for a central whose record rows by id are
// stored (read from whichever database it uses).
func accountStored(tb testing.TB, scenario string, stored map[uuid.UUID]int, st *central.Stats, outboxes ...string) ledger {
	tb.Helper()
	l := ledger{devices: len(outboxes), replays: st.Duplicates}
	made := make(map[uuid.UUID]bool)
	for _, path := range outboxes {
		ids, unsynced := outboxRecords(tb, path)
		if unsynced > 0 {
			tb.Errorf("%s: %d records of %s are not synced", scenario, unsynced, filepath.Base(path))
		}
		for _, id := range ids {
			made[id] = true
			l.sent++
			if stored[id] == 0 {
				l.lost++
			}
		}
		var n int
		if err := openRO(tb, path).QueryRow(`SELECT count(*) FROM records WHERE kind IN (?, ?)`,
			string(record.KindProposal), string(record.KindEventProposal)).Scan(&n); err != nil {
			tb.Fatal(err)
		}
		l.submitted += n
	}
	for id, n := range stored {
		l.duplicated += n - 1
		if !made[id] {
			l.duplicated++
		}
	}
	if st.Records != int64(len(made)) {
		tb.Errorf("%s: central stats counts %d records, the devices made %d", scenario, st.Records, len(made))
	}
	if l.lost != 0 || l.duplicated != 0 {
		tb.Errorf("%s: %d records lost, %d duplicated", scenario, l.lost, l.duplicated)
	}
	if st.Missing != 0 {
		tb.Errorf("%s: central reports %d missing sequence numbers", scenario, st.Missing)
	}
	tb.Logf("%s: %d devices, %d records sent, %d stored, %d lost, %d duplicated (%d replays recognised)",
		scenario, l.devices, l.sent, len(stored), l.lost, l.duplicated, l.replays)
	suite.Lock()
	suite.devices += l.devices
	suite.sent += l.sent
	suite.lost += l.lost
	suite.duplicated += l.duplicated
	suite.replays += l.replays
	suite.submitted += l.submitted
	suite.scenarios++
	suite.Unlock()
	return l
}

// statsCLI runs the real `central stats --json` on dataDir.
func statsCLI(tb testing.TB, dataDir string) *central.Stats {
	tb.Helper()
	var st central.Stats
	if err := json.Unmarshal(runCentral(tb, dataDir, "stats", "--json"), &st); err != nil {
		tb.Fatalf("central stats --json: %v", err)
	}
	return &st
}

// runCentral runs a central subcommand on dataDir.
func runCentral(tb testing.TB, dataDir string, args ...string) []byte {
	tb.Helper()
	return centraltest.RunCLI(tb, centralBin, dataDir, args...)
}

// newToxiproxy runs a toxiproxy server in the test process with one proxy
// from a free loopback port to upstream.
func newToxiproxy(tb testing.TB, upstream string) *toxiproxy.Proxy {
	tb.Helper()
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
	p := toxiproxy.NewProxy(srv, "central", "127.0.0.1:0", upstream)
	if err := srv.Collection.Add(p, true); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Stop)
	return p
}

// toxic is one toxiproxy toxic as its JSON API spells it.
type toxic struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Stream     string         `json:"stream"` // upstream (device to central) or downstream
	Attributes map[string]int `json:"attributes"`
}

// addToxics adds toxics to p.
func addToxics(tb testing.TB, p *toxiproxy.Proxy, ts ...toxic) {
	tb.Helper()
	for _, t := range ts {
		raw, err := json.Marshal(t)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := p.Toxics.AddToxicJson(strings.NewReader(string(raw))); err != nil {
			tb.Fatalf("add toxic %s: %v", t.Name, err)
		}
	}
}

// removeToxics removes toxics from p.
func removeToxics(tb testing.TB, p *toxiproxy.Proxy, ts ...toxic) {
	tb.Helper()
	for _, t := range ts {
		if err := p.Toxics.RemoveToxic(context.Background(), t.Name); err != nil {
			tb.Fatalf("remove toxic %s: %v", t.Name, err)
		}
	}
}

// issueCode makes a provisioning code for an in-process central that
// sends devices to url (a proxy in front of central, say).
func issueCode(tb testing.TB, store central.Store, keys *central.Keys, url string) string {
	tb.Helper()
	code, err := central.IssueToken(context.Background(), store, keys, url, "", "", central.DefaultTokenTTL, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	return code.String()
}
