package central_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// answerWait bounds how long a test waits for an answer that should come
// at once; central used to wait minutes for the body instead.
const answerWait = 10 * time.Second

// rawPost sends a request's headers declaring a body of size bytes, and
// the first sent bytes of some body, then reads the answer.
func rawPost(t *testing.T, addr, path string, header http.Header, size, sent int) (*http.Response, net.Conn) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var h bytes.Buffer
	fmt.Fprintf(&h, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", path, addr, size)
	header.Write(&h)
	h.WriteString("\r\n")
	h.Write(make([]byte, sent))
	if _, err := c.Write(h.Bytes()); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(answerWait))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer within %s: %v", answerWait, err)
	}
	return resp, c
}

func errorOf(t *testing.T, resp *http.Response) protocol.Error {
	t.Helper()
	defer resp.Body.Close()
	var e protocol.Error
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatalf("answer is not a protocol error: %v", err)
	}
	return e
}

// TestDevicesAreCheckedBeforeTheBodyIsRead: a batch from a device central
// does not know, or one it revoked, is refused from its headers, before a
// byte of its 1 MiB body has arrived. Central used to allocate the
// declared length and wait for the body first.
func TestDevicesAreCheckedBeforeTheBodyIsRead(t *testing.T) {
	c := centraltest.Start(t)
	revoked := c.NewDevice(t, record.ModeKiosk)
	if err := c.Store.RevokeDevice(context.Background(), revoked.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(c.URL, "http://")
	tests := []struct {
		name   string
		device string
		status int
		code   protocol.ErrorCode
	}{
		{"an unknown device", "dev-0000000000", http.StatusUnauthorized, protocol.CodeUnknownDevice},
		{"no device header", "", http.StatusUnauthorized, protocol.CodeUnknownDevice},
		{"a revoked device", revoked.ID, http.StatusForbidden, protocol.CodeRevoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"}, protocol.HeaderSignature: {"AAAA"}}
			if tt.device != "" {
				h.Set(protocol.HeaderDevice, tt.device)
			}
			resp, _ := rawPost(t, addr, protocol.PathBatches, h, protocol.MaxBatchBody, 0)
			if e := errorOf(t, resp); resp.StatusCode != tt.status || e.Code != tt.code {
				t.Errorf("answer %d %+v, want %d %s", resp.StatusCode, e, tt.status, tt.code)
			}
		})
	}
}

// TestASlowBodyMeetsItsDeadline: a body that stops arriving is given up on
// after the body deadline, not after the server's minutes-long timeout.
func TestASlowBodyMeetsItsDeadline(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	srv := central.NewServer(c.Store, c.Keys)
	srv.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv.BodyTimeout = 100 * time.Millisecond
	srv.MinUploadRate = 1 << 30
	if err := srv.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	req := d.BatchRequest(t, d.Records(t, 1))
	start := time.Now()
	resp, _ := rawPost(t, strings.TrimPrefix(hs.URL, "http://"), protocol.PathBatches, req.Header, 64<<10, 1000)
	if e := errorOf(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(e.Message, "could not read") {
		t.Errorf("a stalled body: %d %+v, want 400 could not read", resp.StatusCode, e)
	}
	t.Logf("answered after %s", time.Since(start).Round(time.Millisecond))
}

// stalled is an upload whose body central is reading, held open by the
// test: central has taken its share of the read budget once start returns.
type stalled struct {
	w    *io.PipeWriter
	rec  *httptest.ResponseRecorder
	done chan struct{}
}

// stall starts an upload from d, with a valid header but a body that
// arrives only as far as the first byte, straight into srv.
func stall(t *testing.T, srv *central.Server, d *centraltest.Device) *stalled {
	t.Helper()
	req := d.BatchRequest(t, d.Records(t, 1))
	pr, pw := io.Pipe()
	req.Body, req.ContentLength = pr, protocol.MaxBatchBody
	s := &stalled{w: pw, rec: httptest.NewRecorder(), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		srv.ServeHTTP(s.rec, req)
	}()
	// An io.Pipe write returns once the reader took it: central is
	// reading the body.
	if _, err := pw.Write([]byte{0x1f}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.finish)
	return s
}

// finish cuts the body off and waits for central's answer.
func (s *stalled) finish() {
	s.w.CloseWithError(io.ErrUnexpectedEOF)
	<-s.done
}

func serveOne(srv *central.Server, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

// TestUnauthenticatedBodiesAreBounded: bodies being read before their
// signature is checked share a budget of bytes, and only a few at a time
// may claim one device; past either an upload is told to come back (429
// with Retry-After) and central holds nothing more for it.
func TestUnauthenticatedBodiesAreBounded(t *testing.T) {
	c := centraltest.Start(t)
	victim := c.NewDevice(t, record.ModeKiosk)
	honest := c.NewDevice(t, record.ModeKiosk)
	newServer := func(budget int64, perDevice int) *central.Server {
		srv := central.NewServer(c.Store, c.Keys)
		srv.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		srv.BodyBudget, srv.BodyReadsPerDevice = budget, perDevice
		if err := srv.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		return srv
	}
	refused := func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		var e protocol.Error
		json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != http.StatusTooManyRequests || e.Code != protocol.CodeRateLimited || rec.Header().Get("Retry-After") == "" || !strings.Contains(e.Message, "too many uploads") {
			t.Fatalf("answer %d %s (Retry-After %q), want 429 rate_limited with Retry-After", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
		}
	}

	t.Run("the budget of bytes", func(t *testing.T) {
		srv := newServer(protocol.MaxBatchBody, 10)
		s := stall(t, srv, victim)
		refused(t, serveOne(srv, honest.BatchRequest(t, honest.Records(t, 1))))
		s.finish()
		if s.rec.Code != http.StatusBadRequest {
			t.Errorf("the stalled upload, cut off: %d %s", s.rec.Code, s.rec.Body)
		}
		if rec := serveOne(srv, honest.BatchRequest(t, honest.Records(t, 1))); rec.Code != http.StatusOK {
			t.Errorf("an upload once the budget is free: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("reads per device", func(t *testing.T) {
		srv := newServer(central.DefaultBodyBudget, 2)
		var ss []*stalled
		for range 2 {
			ss = append(ss, stall(t, srv, victim))
		}
		refused(t, serveOne(srv, victim.BatchRequest(t, victim.Records(t, 1))))
		if rec := serveOne(srv, honest.BatchRequest(t, honest.Records(t, 1))); rec.Code != http.StatusOK {
			t.Errorf("another device while one is flooded: %d %s", rec.Code, rec.Body)
		}
		for _, s := range ss {
			s.finish()
		}
		if rec := serveOne(srv, victim.BatchRequest(t, victim.Records(t, 1))); rec.Code != http.StatusOK {
			t.Errorf("the flooded device once the flood ends: %d %s", rec.Code, rec.Body)
		}
	})
}

// logBuffer collects log lines from many goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the request lines logged so far.
func (b *logBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for l := range strings.SplitSeq(b.buf.String(), "\n") {
		if strings.Contains(l, `"msg":"request"`) {
			out = append(out, l)
		}
	}
	return out
}

// loggedServer is central's handler logging JSON lines into the returned
// buffer, with a clock the test moves.
func loggedServer(t *testing.T, store central.Store, keys *central.Keys, now func() time.Time) (*central.Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	srv := central.NewServer(store, keys)
	srv.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	srv.Now = now
	if err := srv.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, logs
}

// TestLongValuesAreClippedInTheLog: a 60 KB URL used to make a 60 KB log
// line.
func TestLongValuesAreClippedInTheLog(t *testing.T) {
	c := centraltest.Start(t)
	srv, logs := loggedServer(t, c.Store, c.Keys, time.Now)
	long := "/api/v1/" + strings.Repeat("x", 60<<10)
	req := httptest.NewRequest(strings.Repeat("GETX", 100), long, nil)
	if rec := serveOne(srv, req); rec.Code != http.StatusNotFound {
		t.Fatalf("a 60 KB path: %d", rec.Code)
	}
	lines := logs.lines()
	if len(lines) != 1 || len(lines[0]) > 1024 || !strings.Contains(lines[0], fmt.Sprintf("(%d bytes)", len(long))) {
		t.Errorf("log for a %d-byte path: %d lines, the first %.300s", len(long), len(lines), strings.Join(lines, "\n"))
	}
}

// TestHealthChecksAreSampledInTheLog: a load balancer's health checks are
// logged once per HealthLogEvery with how many went unlogged, not once
// each; failed checks are logged every time.
func TestHealthChecksAreSampledInTheLog(t *testing.T) {
	c := centraltest.Start(t)
	var mu sync.Mutex
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	srv, logs := loggedServer(t, c.Store, c.Keys, clock)
	health := func() int {
		return serveOne(srv, httptest.NewRequest(http.MethodGet, protocol.PathHealth, nil)).Code
	}
	for range 10 {
		if code := health(); code != http.StatusOK {
			t.Fatalf("health: %d", code)
		}
	}
	if n := len(logs.lines()); n != 1 {
		t.Fatalf("10 health checks within a minute made %d log lines, want 1", n)
	}
	mu.Lock()
	now = now.Add(central.DefaultHealthLogEvery)
	mu.Unlock()
	health()
	lines := logs.lines()
	if len(lines) != 2 || !strings.Contains(lines[1], `"unlogged_checks":9`) {
		t.Fatalf("after %s: %d lines, the last %s; want 2 with unlogged_checks 9", central.DefaultHealthLogEvery, len(lines), lines[len(lines)-1])
	}
	c.Store.Close()
	for range 2 {
		if code := health(); code != http.StatusServiceUnavailable {
			t.Fatalf("health with the database closed: %d", code)
		}
	}
	if n := len(logs.lines()); n != 4 {
		t.Errorf("two failed health checks added %d log lines, want 2", n-2)
	}
}
