package syncer

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// fakeClock is a Clock whose timers fire as soon as they start, moving
// time forward by their duration: a wait costs nothing and is recorded.
// onWait, when set, runs inside each wait, in the waiting goroutine, so a
// test can act at a precise point of virtual time.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	waits  []time.Duration
	onWait func(now time.Time, d time.Duration)
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer() backoff.Timer { return &fakeTimer{c: c} }

func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

type fakeTimer struct {
	c  *fakeClock
	ch chan time.Time
}

func (t *fakeTimer) Start(d time.Duration) {
	c := t.c
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.waits = append(c.waits, d)
	now, hook := c.now, c.onWait
	c.mu.Unlock()
	if hook != nil {
		hook(now, d)
	}
	t.ch = make(chan time.Time, 1)
	t.ch <- now
}

func (t *fakeTimer) Stop()               {}
func (t *fakeTimer) C() <-chan time.Time { return t.ch }

// fault is a canned failure for the next request to a path.
type fault struct {
	path       string
	status     int
	code       protocol.ErrorCode
	retryAfter string
	hang       bool // hold the request until the client gives up
	dropAfter  bool // handle and commit the request, then cut the connection
}

// fakeCentral speaks the device protocol faithfully enough for the engine:
// it checks request signatures and every record's signature, stores
// records by id (duplicate on same bytes, conflict on different ones) and
// serves signed campaign content with an ETag.
type fakeCentral struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	serverKey ed25519.PrivateKey
	sealPub   *[32]byte
	dedupe    []byte
	campaign  protocol.CampaignResponse
	tokens    map[string]string // token → "", "used" or "expired"
	devices   map[string]ed25519.PublicKey
	revoked   map[string]bool
	records   map[uuid.UUID][]byte
	beats     []protocol.Heartbeat
	batches   []int // records in each batch that reached the handler
	requests  map[string]int
	faults    []fault
	// verdict, when set, decides a record's fate before the normal checks.
	verdict func(r *record.Record) (protocol.Status, string, bool)
	// tooLarge refuses batches of more records than this with 413 (0: off).
	tooLarge int
	// serverTime is what enrollment reports as central's clock.
	serverTime func() time.Time
	// wrongKey makes enrollment answer with a key the codes do not name.
	wrongKey bool
	// onHang, when set, runs as a hanging request starts.
	onHang func()
	// campaignBodies counts campaign answers with content (not 304).
	campaignBodies int
	// mangle, when set, changes a batch answer before it is sent.
	mangle func(*protocol.BatchResponse)
}

func newFakeCentral(t testing.TB) *fakeCentral {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	sealPub, _, _ := record.NewCampaignKey()
	dedupe := make([]byte, 32)
	rand.Read(dedupe)
	fc := &fakeCentral{
		t:          t,
		serverKey:  key,
		sealPub:    sealPub,
		dedupe:     dedupe,
		tokens:     map[string]string{},
		devices:    map[string]ed25519.PublicKey{},
		revoked:    map[string]bool{},
		records:    map[uuid.UUID][]byte{},
		requests:   map[string]int{},
		serverTime: time.Now,
	}
	fc.publish(assets.DefaultCampaign, 1, true)
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+protocol.PathEnroll, fc.enroll)
	mux.HandleFunc("POST "+protocol.PathBatches, fc.batch)
	mux.HandleFunc("POST "+protocol.PathHeartbeat, fc.heartbeat)
	mux.HandleFunc("GET "+protocol.PathCampaign, fc.getCampaign)
	fc.srv = httptest.NewServer(fc.withFaults(mux))
	t.Cleanup(fc.srv.Close)
	return fc
}

// publish makes content the current campaign, with the version field
// rewritten to version, signed by central's key (or by another key).
func (fc *fakeCentral) publish(content []byte, version int, goodSignature bool) {
	var doc map[string]any
	if err := json.Unmarshal(content, &doc); err == nil {
		doc["version"] = version
		content, _ = json.MarshalIndent(doc, "", "  ")
	}
	key := fc.serverKey
	if !goodSignature {
		_, key, _ = ed25519.GenerateKey(rand.Reader)
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.campaign = protocol.CampaignResponse{Version: version, Content: content, Signature: protocol.SignCampaign(key, version, content)}
}

// code issues a provisioning code in state "" (fresh), "used" or "expired".
func (fc *fakeCentral) code(state string) string {
	tok, _ := protocol.NewToken()
	fc.mu.Lock()
	fc.tokens[tok] = state
	fc.mu.Unlock()
	pc := protocol.ProvisioningCode{URL: fc.srv.URL, Token: tok, Fingerprint: protocol.Fingerprint(fc.serverKey.Public().(ed25519.PublicKey))}
	return pc.String()
}

func (fc *fakeCentral) addFaults(fs ...fault) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.faults = append(fc.faults, fs...)
}

func (fc *fakeCentral) count(path string) int {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	return fc.requests[path]
}

func (fc *fakeCentral) stored() int {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	return len(fc.records)
}

// signingWriter signs what a handler answers, as central does, with the
// fake's server key over the request's binding.
type signingWriter struct {
	http.ResponseWriter
	key     ed25519.PrivateKey
	path    string
	binding []byte
	signed  bool
}

func (w *signingWriter) sign(status int, body []byte) {
	w.signed = true
	if sig := protocol.SignAnswer(w.key, w.path, w.binding, status, body); sig != nil {
		w.Header().Set(protocol.HeaderAnswerSignature, base64.StdEncoding.EncodeToString(sig))
	}
}

func (w *signingWriter) WriteHeader(status int) {
	if !w.signed {
		w.sign(status, nil)
	}
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *signingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (fc *fakeCentral) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(raw))
		sig, _ := base64.StdEncoding.DecodeString(r.Header.Get(protocol.HeaderSignature))
		w := &signingWriter{ResponseWriter: rw, key: fc.serverKey, path: r.URL.Path, binding: protocol.AnswerBinding(r.URL.Path, raw, sig)}
		fc.mu.Lock()
		fc.requests[r.URL.Path]++
		var f *fault
		for i := range fc.faults {
			if fc.faults[i].path == r.URL.Path {
				ff := fc.faults[i]
				f = &ff
				fc.faults = append(fc.faults[:i], fc.faults[i+1:]...)
				break
			}
		}
		fc.mu.Unlock()
		switch {
		case f == nil:
			next.ServeHTTP(w, r)
		case f.hang:
			fc.mu.Lock()
			onHang := fc.onHang
			fc.mu.Unlock()
			// The server notices a client going away only once the body
			// is read.
			io.Copy(io.Discard, r.Body)
			if onHang != nil {
				onHang()
			}
			<-r.Context().Done()
		case f.dropAfter:
			next.ServeHTTP(httptest.NewRecorder(), r)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		default:
			if f.retryAfter != "" {
				w.Header().Set("Retry-After", f.retryAfter)
			}
			writeJSON(w, f.status, protocol.Error{Code: f.code, Message: "injected " + string(f.code)})
		}
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	b = append(b, '\n')
	if sw, ok := w.(*signingWriter); ok {
		sw.sign(status, b)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func refuse(w http.ResponseWriter, status int, code protocol.ErrorCode, msg string) {
	writeJSON(w, status, protocol.Error{Code: code, Message: msg})
}

func (fc *fakeCentral) enroll(w http.ResponseWriter, r *http.Request) {
	var req protocol.EnrollRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		refuse(w, 400, protocol.CodeMalformed, err.Error())
		return
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	state, ok := fc.tokens[req.Token]
	switch {
	case !ok:
		refuse(w, 403, protocol.CodeBadCode, "unknown code")
		return
	case state == "used":
		refuse(w, 403, protocol.CodeCodeUsed, "code already used")
		return
	case state == "expired":
		refuse(w, 403, protocol.CodeCodeExpired, "code expired")
		return
	}
	fc.tokens[req.Token] = "used"
	id := fmt.Sprintf("dev-%d", len(fc.devices)+1)
	fc.devices[id] = ed25519.PublicKey(req.DeviceKey)
	serverKey := fc.serverKey.Public().(ed25519.PublicKey)
	if fc.wrongKey {
		serverKey, _, _ = ed25519.GenerateKey(rand.Reader)
	}
	writeJSON(w, 200, protocol.EnrollResponse{
		DeviceID: id, CampaignID: "cdmx-2016", SealKey: fc.sealPub[:], DedupeKey: fc.dedupe,
		ServerKey: serverKey, ServerTime: fc.serverTime(),
	})
}

// authenticate checks the device and its request signature, and returns
// the raw body and the device id, or writes the refusal.
func (fc *fakeCentral) authenticate(w http.ResponseWriter, r *http.Request) ([]byte, string, bool) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, protocol.MaxBatchBody+1))
	if err != nil {
		return nil, "", false
	}
	if len(raw) > protocol.MaxBatchBody {
		refuse(w, 413, protocol.CodeTooLarge, "body too large")
		return nil, "", false
	}
	dev := r.Header.Get(protocol.HeaderDevice)
	fc.mu.Lock()
	pub, known := fc.devices[dev]
	revoked := fc.revoked[dev]
	fc.mu.Unlock()
	sig, _ := base64.StdEncoding.DecodeString(r.Header.Get(protocol.HeaderSignature))
	switch {
	case !known:
		refuse(w, 401, protocol.CodeUnknownDevice, "unknown device")
	case revoked:
		refuse(w, 403, protocol.CodeRevoked, "device revoked")
	case !protocol.VerifyRequest(pub, r.URL.Path, raw, sig):
		refuse(w, 401, protocol.CodeBadSignature, "bad signature")
	default:
		return raw, dev, true
	}
	return nil, "", false
}

func (fc *fakeCentral) batch(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Content-Encoding") != "gzip" {
		refuse(w, 415, protocol.CodeUnsupported, "gzip required")
		return
	}
	raw, dev, ok := fc.authenticate(w, r)
	if !ok {
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		refuse(w, 400, protocol.CodeMalformed, err.Error())
		return
	}
	plain, err := io.ReadAll(io.LimitReader(zr, protocol.MaxBatchDecoded))
	if err != nil {
		refuse(w, 400, protocol.CodeMalformed, err.Error())
		return
	}
	var b protocol.Batch
	if err := json.Unmarshal(plain, &b); err != nil || b.DeviceID != dev {
		refuse(w, 400, protocol.CodeMalformed, "bad batch")
		return
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.tooLarge > 0 && len(b.Records) > fc.tooLarge {
		refuse(w, 413, protocol.CodeTooLarge, fmt.Sprintf("at most %d records", fc.tooLarge))
		return
	}
	fc.batches = append(fc.batches, len(b.Records))
	resp := protocol.BatchResponse{ServerTime: time.Now()}
	for _, data := range b.Records {
		rec, err := record.Unmarshal(data)
		if err != nil {
			resp.Results = append(resp.Results, protocol.Result{Status: protocol.Rejected, Reason: protocol.ReasonUndecodable})
			continue
		}
		res := protocol.Result{ID: rec.ID.String(), Seq: rec.Seq}
		if fc.verdict != nil {
			if st, reason, ok := fc.verdict(rec); ok {
				res.Status, res.Reason = st, reason
				resp.Results = append(resp.Results, res)
				continue
			}
		}
		switch old, seen := fc.records[rec.ID]; {
		case rec.DeviceID != dev:
			res.Status, res.Reason = protocol.Rejected, protocol.ReasonWrongDevice
		case rec.Verify(fc.devices[dev]) != nil:
			res.Status, res.Reason = protocol.Rejected, protocol.ReasonBadSignature
		case seen && bytes.Equal(old, data):
			res.Status = protocol.Duplicate
		case seen:
			res.Status = protocol.Conflict
		default:
			fc.records[rec.ID] = data
			res.Status = protocol.Accepted
		}
		resp.Results = append(resp.Results, res)
	}
	if fc.mangle != nil {
		fc.mangle(&resp)
	}
	writeJSON(w, 200, resp)
}

func (fc *fakeCentral) heartbeat(w http.ResponseWriter, r *http.Request) {
	raw, _, ok := fc.authenticate(w, r)
	if !ok {
		return
	}
	var hb protocol.Heartbeat
	if err := json.Unmarshal(raw, &hb); err != nil {
		refuse(w, 400, protocol.CodeMalformed, err.Error())
		return
	}
	fc.mu.Lock()
	fc.beats = append(fc.beats, hb)
	fc.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (fc *fakeCentral) getCampaign(w http.ResponseWriter, r *http.Request) {
	fc.mu.Lock()
	c := fc.campaign
	fc.mu.Unlock()
	etag := `"` + strconv.Itoa(c.Version) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	fc.mu.Lock()
	fc.campaignBodies++
	fc.mu.Unlock()
	writeJSON(w, 200, c)
}

// device is an outbox enrolled with a fake central, and a Syncer for it
// on a fake clock.
type device struct {
	store *outbox.Store
	s     *Syncer
	clock *fakeClock
	c     *campaign.Campaign
}

func newDevice(t testing.TB, fc *fakeCentral) *device {
	t.Helper()
	ctx := context.Background()
	store, err := outbox.Open(ctx, filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	d := &device{store: store, s: New(store), clock: newFakeClock()}
	d.s.Clock = d.clock
	d.s.Logger = slog.New(slog.DiscardHandler)
	if _, err := d.s.Enroll(ctx, fc.code(""), "test device", record.ModeKiosk); err != nil {
		t.Fatalf("enroll: %v", err)
	}
	sc, err := store.LatestCampaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.c, err = campaign.Parse("campaign", sc.Content); err != nil {
		t.Fatal(err)
	}
	return d
}

// fill stores n records of every kind.
func (d *device) fill(t testing.TB, n int, seed uint64) {
	t.Helper()
	if _, err := fieldsim.Fill(context.Background(), d.store, fieldsim.New(d.c, record.ModeKiosk, seed), n); err != nil {
		t.Fatalf("fill: %v", err)
	}
}

func (d *device) counts(t testing.TB) outbox.Counts {
	t.Helper()
	c, err := d.store.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (d *device) status(t testing.TB) outbox.SyncStatus {
	t.Helper()
	st, err := d.store.SyncStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (s *Syncer) mustIdentity(t testing.TB) *outbox.Identity {
	t.Helper()
	id, err := s.store.Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return id
}
