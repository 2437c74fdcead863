package central_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// TestAbuseIsRefusedAndChangesNothing sends what a thief, a broken device
// or an attacker on the network would, and checks each gets the right
// status, error code and a message that says what is wrong, and that
// central's counts do not move.
func TestAbuseIsRefusedAndChangesNothing(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	other := c.NewDevice(t, record.ModeKiosk)
	revoked := c.NewDevice(t, record.ModeKiosk)
	if err := c.Store.RevokeDevice(context.Background(), revoked.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, strangerKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// One history for the counts to stay at.
	allStatus(t, d.Upload(t, d.Records(t, 6)), protocol.Accepted)

	// batch makes an upload from d whose body is sent and whose signature
	// is made by key over signed, so each test can get one of them wrong.
	batch := func(sent []byte, key ed25519.PrivateKey, signed []byte) *http.Request {
		req := d.SignedRequest(t, protocol.PathBatches, sent, false)
		req.Header.Set("Content-Encoding", "gzip")
		req.Header.Set(protocol.HeaderSignature, base64.StdEncoding.EncodeToString(protocol.SignRequest(key, protocol.PathBatches, signed)))
		return req
	}
	withBody := func(body []byte) *http.Request { return batch(body, d.Key, body) }
	gzBatch := func(n int) []byte { return centraltest.Gzip(d.BatchJSON(t, d.Records(t, n))) }

	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		code   protocol.ErrorCode
		words  string
	}{
		{"a forged batch signature", func() *http.Request {
			req := d.BatchRequest(t, d.Records(t, 2))
			req.Header.Set(protocol.HeaderSignature, base64.StdEncoding.EncodeToString(make([]byte, ed25519.SignatureSize)))
			return req
		}, 401, protocol.CodeBadSignature, "does not verify"},
		{"a batch signed by another enrolled device", func() *http.Request {
			body := gzBatch(2)
			return batch(body, other.Key, body)
		}, 401, protocol.CodeBadSignature, "does not verify"},
		{"a body tampered with after signing", func() *http.Request {
			body := gzBatch(2)
			tampered := bytes.Clone(body)
			tampered[len(tampered)/2] ^= 0x40
			return batch(tampered, d.Key, body)
		}, 401, protocol.CodeBadSignature, "altered"},
		{"an unknown device", func() *http.Request {
			req := d.BatchRequest(t, d.Records(t, 1))
			req.Header.Set(protocol.HeaderDevice, "dev-0000000000")
			return req
		}, 401, protocol.CodeUnknownDevice, "not enrolled"},
		{"no device header", func() *http.Request {
			req := d.BatchRequest(t, d.Records(t, 1))
			req.Header.Del(protocol.HeaderDevice)
			return req
		}, 401, protocol.CodeUnknownDevice, protocol.HeaderDevice},
		{"a stranger's key claiming an enrolled device", func() *http.Request {
			body := gzBatch(1)
			return batch(body, strangerKey, body)
		}, 401, protocol.CodeBadSignature, "does not verify"},
		{"a revoked device", func() *http.Request {
			return revoked.BatchRequest(t, revoked.Records(t, 1))
		}, 403, protocol.CodeRevoked, "revoked"},
		{"a body over the size limit", func() *http.Request {
			big := make([]byte, protocol.MaxBatchBody+1)
			rand.Read(big)
			return withBody(big)
		}, 413, protocol.CodeTooLarge, "limit"},
		{"a gzip bomb", func() *http.Request {
			// A few KB on the wire that inflate past MaxBatchDecoded.
			bomb := centraltest.Gzip(bytes.Repeat([]byte(" "), protocol.MaxBatchDecoded+1024))
			if len(bomb) > 64<<10 {
				t.Fatalf("bomb is %d bytes compressed", len(bomb))
			}
			return withBody(bomb)
		}, 413, protocol.CodeTooLarge, "decompressed"},
		{"a body that is not gzip", func() *http.Request {
			return withBody(d.BatchJSON(t, d.Records(t, 1)))
		}, 400, protocol.CodeMalformed, "gzip"},
		{"invalid JSON", func() *http.Request {
			return withBody(centraltest.Gzip([]byte(`{"device_id": "` + d.ID + `", "records": [`)))
		}, 400, protocol.CodeMalformed, "not valid JSON"},
		{"JSON with unknown fields", func() *http.Request {
			return withBody(centraltest.Gzip([]byte(`{"device_id": "` + d.ID + `", "records": [], "admin": true}`)))
		}, 400, protocol.CodeMalformed, "admin"},
		{"a batch naming another device inside", func() *http.Request {
			body, _ := json.Marshal(protocol.Batch{DeviceID: other.ID, Records: d.Records(t, 1)})
			return withBody(centraltest.Gzip(body))
		}, 400, protocol.CodeMalformed, "does not match"},
		{"too many records", func() *http.Request {
			recs := make([][]byte, protocol.MaxBatchRecords+1)
			for i := range recs {
				recs[i] = []byte{1}
			}
			return d.BatchRequest(t, recs)
		}, 413, protocol.CodeTooLarge, "limit"},
		{"the wrong content type", func() *http.Request {
			req := d.BatchRequest(t, d.Records(t, 1))
			req.Header.Set("Content-Type", "text/plain")
			return req
		}, 415, protocol.CodeUnsupported, "application/json"},
		{"no content encoding", func() *http.Request {
			req := d.BatchRequest(t, d.Records(t, 1))
			req.Header.Del("Content-Encoding")
			return req
		}, 415, protocol.CodeUnsupported, "gzip"},
		{"the wrong method", func() *http.Request {
			req, _ := http.NewRequest(http.MethodGet, c.URL+protocol.PathBatches, nil)
			return req
		}, 405, protocol.CodeMethodNotAllowed, "POST"},
		{"a path central does not serve", func() *http.Request {
			req, _ := http.NewRequest(http.MethodGet, c.URL+"/api/v1/records", nil)
			return req
		}, 404, "not_found", "no such endpoint"},
		{"a heartbeat signed by another device", func() *http.Request {
			body, _ := json.Marshal(protocol.Heartbeat{DeviceID: d.ID, LastSeq: 1000})
			req := d.SignedRequest(t, protocol.PathHeartbeat, body, false)
			req.Header.Set(protocol.HeaderSignature, base64.StdEncoding.EncodeToString(protocol.SignRequest(other.Key, protocol.PathHeartbeat, body)))
			return req
		}, 401, protocol.CodeBadSignature, "does not verify"},
		{"a batch signature replayed as a heartbeat", func() *http.Request {
			body, _ := json.Marshal(protocol.Heartbeat{DeviceID: d.ID, LastSeq: 1000})
			req := d.SignedRequest(t, protocol.PathHeartbeat, body, false)
			req.Header.Set(protocol.HeaderSignature, base64.StdEncoding.EncodeToString(protocol.SignRequest(d.Key, protocol.PathBatches, body)))
			return req
		}, 401, protocol.CodeBadSignature, "does not verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := c.Stats(t)
			resp := centraltest.Do(t, c.Client, tt.req())
			if resp.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.Status, tt.status, resp.Body)
			}
			e := resp.Error(t)
			if e.Code != tt.code || !strings.Contains(e.Message, tt.words) {
				t.Errorf("error %+v, want code %s and a message mentioning %q", e, tt.code, tt.words)
			}
			if after := c.Stats(t); !reflect.DeepEqual(after, before) {
				t.Errorf("stats changed:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// TestAbuseInsideABatchIsRejectedPerRecord covers abuse that arrives in a
// properly signed batch: the batch is answered, the bad records rejected,
// and nothing is counted.
func TestAbuseInsideABatchIsRejectedPerRecord(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	other := c.NewDevice(t, record.ModeKiosk)
	allStatus(t, d.Upload(t, d.Records(t, 3)), protocol.Accepted)
	tests := []struct {
		name   string
		record func() []byte
		reason string
	}{
		{"a record signed by another enrolled device", func() []byte {
			r := d.Record(t, record.KindSignature)
			r.Sign(other.Key)
			return r.Marshal()
		}, protocol.ReasonBadSignature},
		{"a record another device made, relayed", func() []byte {
			return other.Record(t, record.KindSignature).Marshal()
		}, protocol.ReasonWrongDevice},
		{"an unknown campaign version", func() []byte {
			r := d.Record(t, record.KindSignature)
			r.CampaignVersion = 7
			return d.Resign(r)
		}, protocol.ReasonUnknownVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := c.Stats(t)
			br := d.Upload(t, [][]byte{tt.record()})
			if r := br.Results[0]; r.Status != protocol.Rejected || r.Reason != tt.reason {
				t.Errorf("result %+v, want rejected %s", r, tt.reason)
			}
			if after := c.Stats(t); !reflect.DeepEqual(after, before) {
				t.Errorf("stats changed:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// panicOnDevice is a store with a bug: it panics looking up one device.
type panicOnDevice struct {
	central.Store
	id string
}

func (s panicOnDevice) Device(ctx context.Context, id string) (central.Device, error) {
	if id == s.id {
		panic("store bug")
	}
	return s.Store.Device(ctx, id)
}

func TestPanicInAHandlerAnswers500AndTheServerCarriesOn(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	srv := central.NewServer(panicOnDevice{Store: c.Store, id: d.ID}, c.Keys)
	srv.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := srv.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hs := httptest.NewServer(srv)
	defer hs.Close()
	d.URL = hs.URL
	resp := centraltest.Do(t, c.Client, d.BatchRequest(t, d.Records(t, 1)))
	if resp.Status != http.StatusInternalServerError || resp.Error(t).Code != protocol.CodeInternal {
		t.Fatalf("status %d %s, want 500 internal", resp.Status, resp.Body)
	}
	req, _ := http.NewRequest(http.MethodGet, hs.URL+protocol.PathCampaign, nil)
	if resp := centraltest.Do(t, c.Client, req); resp.Status != http.StatusOK {
		t.Errorf("after the panic: status %d %s", resp.Status, resp.Body)
	}
}

// blockingStore holds every Ingest until release is closed, and says when
// one has started.
type blockingStore struct {
	central.Store
	entered chan struct{}
	release chan struct{}
}

func (s blockingStore) Ingest(ctx context.Context, at time.Time, batches []central.IngestBatch) ([][]protocol.Status, error) {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.release
	return s.Store.Ingest(ctx, at, batches)
}

// TestFullQueueAnswers429: when the database falls behind and the queue of
// batches waiting for it is full, an upload is told to come back (429,
// rate_limited, Retry-After) at once instead of being held; nothing of it
// is stored, and it is taken when it comes back.
func TestFullQueueAnswers429(t *testing.T) {
	c := centraltest.Start(t)
	store := blockingStore{Store: c.Store, entered: make(chan struct{}, 1), release: make(chan struct{})}
	srv := central.NewServer(store, c.Keys)
	srv.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv.WriterQueue = 1
	srv.Metrics = central.NewMetrics(store, time.Now)
	if err := srv.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer srv.Close()
	defer hs.Close()
	released := false
	defer func() {
		if !released {
			close(store.release)
		}
	}()

	const late, per = 5, 3
	devices := make([]*centraltest.Device, 1+late)
	batches := make([][][]byte, len(devices))
	reqs := make([]*http.Request, len(devices))
	for i := range devices {
		devices[i] = c.NewDevice(t, record.ModeKiosk)
		devices[i].URL = hs.URL
		batches[i] = devices[i].Records(t, per)
		reqs[i] = devices[i].BatchRequest(t, batches[i])
	}
	before := c.Stats(t)
	// The first batch is being committed, and the commit hangs.
	first := make(chan *centraltest.Response, 1)
	go func() { first <- centraltest.Do(t, c.Client, reqs[0]) }()
	<-store.entered
	// Five more arrive: one fits in the queue, the others are turned away.
	answers := make(chan *centraltest.Response, late)
	for _, req := range reqs[1:] {
		go func() { answers <- centraltest.Do(t, c.Client, req) }()
	}
	var refused []*centraltest.Response
	for range late - 1 {
		resp := <-answers
		refused = append(refused, resp)
	}
	for _, resp := range refused {
		if resp.Status != http.StatusTooManyRequests || resp.Error(t).Code != protocol.CodeRateLimited || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("status %d %s (Retry-After %q), want 429 rate_limited with Retry-After", resp.Status, resp.Body, resp.Header.Get("Retry-After"))
		}
	}
	if after := c.Stats(t); after.Records != before.Records {
		t.Fatalf("records stored while the commit hung: %d, want %d", after.Records, before.Records)
	}
	if n := busyCount(t, srv.Metrics); n != late-1 {
		t.Fatalf("voces_batches_busy_total = %v, want %d", n, late-1)
	}

	close(store.release)
	released = true
	if resp := <-first; resp.Status != http.StatusOK {
		t.Fatalf("first batch: %d %s", resp.Status, resp.Body)
	}
	if resp := <-answers; resp.Status != http.StatusOK {
		t.Fatalf("queued batch: %d %s", resp.Status, resp.Body)
	}
	if after := c.Stats(t); after.Records != before.Records+2*per {
		t.Fatalf("after the hang: %d records, want %d", after.Records, before.Records+2*per)
	}
	// Every late device sends its batch again, as syncd does after
	// Retry-After: the turned-away ones are taken, the queued one's come
	// back as duplicates.
	accepted, duplicates := 0, 0
	for i := 1; i < len(devices); i++ {
		for _, res := range devices[i].Upload(t, batches[i]).Results {
			switch res.Status {
			case protocol.Accepted:
				accepted++
			case protocol.Duplicate:
				duplicates++
			}
		}
	}
	if accepted != (late-1)*per || duplicates != per {
		t.Fatalf("retries: %d accepted, %d duplicates; want %d, %d", accepted, duplicates, (late-1)*per, per)
	}
	if after := c.Stats(t); after.Records != before.Records+(1+late)*per {
		t.Fatalf("in the end %d records, want %d, each once", after.Records, before.Records+(1+late)*per)
	}
}

// busyCount reads voces_batches_busy_total from the server's registry.
func busyCount(t *testing.T, m *central.Metrics) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "voces_batches_busy_total" {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatal("no voces_batches_busy_total metric")
	return 0
}
