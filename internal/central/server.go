package central

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// Defaults for Server's configuration fields.
const (
	// DefaultMaxGroupRecords bounds one group commit. Many batches share
	// one fsync, but a group is kept to a fraction of what a hundred
	// devices have in flight, so some batches commit while others are
	// still having their signatures checked and both cores stay busy.
	// Past a few hundred records the fsync is a small part of a commit,
	// and a longer commit only makes every batch in it wait longer: with
	// 100 devices sending 25 records, 400 instead of 5,000 took about
	// 20 ms off the 99th-percentile acknowledgement at the same records/s
	// (BenchmarkIngest).
	DefaultMaxGroupRecords = 400
	// DefaultWriterQueue is how many batches may wait for the writer.
	DefaultWriterQueue = 1024
	// DefaultBodyTimeout and DefaultMinUploadRate make the deadline for
	// reading a request body: 10 s plus the body at 4 KiB/s, below what
	// a GPRS link carries. A default batch (256 KiB) gets 74 s, more
	// than syncd waits for its answer; a heartbeat gets 14 s. The
	// server-wide read timeout (minutes) is for everything else.
	DefaultBodyTimeout   = 10 * time.Second
	DefaultMinUploadRate = 4 << 10 // bytes per second
	// DefaultBodyBudget is how many bytes of request bodies may be
	// being read, across all requests, before their signatures are
	// checked: 64 full-size batches, or 256 default ones. Past it an
	// upload is told to come back (429, Retry-After) instead of making
	// central hold more memory for strangers.
	DefaultBodyBudget = 64 << 20
	// DefaultBodyReadsPerDevice is how many bodies claiming one device
	// may be read at once. A device sends one batch at a time; a few
	// leave room for a heartbeat and for a retry while central still
	// reads the upload the device gave up on.
	DefaultBodyReadsPerDevice = 4
	// DefaultHealthLogEvery is how often a healthy health check is
	// logged: load balancers ask every few seconds, and a line each time
	// would drown the log. Failed checks are always logged.
	DefaultHealthLogEvery = 5 * time.Minute
)

// Server is central's HTTP API and ingest pipeline. Create it with
// NewServer, adjust the exported fields, then Open it; it is an
// http.Handler.
type Server struct {
	store     Store         // the database
	keys      *Keys         // central's secrets
	campaigns campaignCache // every published version, parsed
	prog      progressCache // the newest signed progress document
	writer    *writer       // group commits for ingest
	verifier  *verifier     // record signature checks, on every core
	bodies    *bodyGate     // bounds bodies read before authentication; remade by Open
	mux       *http.ServeMux

	healthMu     sync.Mutex
	healthLogged time.Time // when a healthy check was last logged
	healthQuiet  int       // healthy checks since, not logged

	// Logger receives one line per request and errors; never personal data.
	Logger *slog.Logger
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// MaxGroupRecords caps the records of one group commit.
	MaxGroupRecords int
	// WriterQueue is how many batches may wait for a commit.
	WriterQueue int
	// Metrics counts ingested records; nil counts nothing.
	Metrics *Metrics
	// BodyTimeout and MinUploadRate set the deadline for reading a
	// request body: BodyTimeout plus its size at MinUploadRate bytes/s.
	BodyTimeout   time.Duration
	MinUploadRate int64
	// BodyBudget bounds the bytes of bodies being read before they are
	// authenticated; BodyReadsPerDevice bounds how many of them may
	// claim one device.
	BodyBudget         int64
	BodyReadsPerDevice int
	// HealthLogEvery is how often a healthy health check is logged.
	HealthLogEvery time.Duration
	// ProgressTTL and ProgressRefresh set how fresh the progress
	// document is (see DefaultProgressTTL).
	ProgressTTL, ProgressRefresh time.Duration
	// Kinds are the record kinds beyond campaign.BaseKinds this central
	// accepts; Publish lists them in every version. DefaultKinds unless
	// changed before Publish (nil: no submissions).
	Kinds []string
}

// DefaultKinds are the extra kinds a central accepts unless told
// otherwise (central serve --no-submissions): residents' proposals and
// assemblies, for the moderation desk.
var DefaultKinds = []string{string(record.KindProposal), string(record.KindEventProposal)}

// NewServer returns a server over store with defaults set.
func NewServer(store Store, keys *Keys) *Server {
	s := &Server{
		store:           store,
		keys:            keys,
		Logger:          slog.Default(),
		Now:             time.Now,
		MaxGroupRecords: DefaultMaxGroupRecords,
		WriterQueue:     DefaultWriterQueue,
		verifier:        newVerifier(runtime.GOMAXPROCS(0)),

		BodyTimeout:        DefaultBodyTimeout,
		MinUploadRate:      DefaultMinUploadRate,
		BodyBudget:         DefaultBodyBudget,
		BodyReadsPerDevice: DefaultBodyReadsPerDevice,
		HealthLogEvery:     DefaultHealthLogEvery,
		ProgressTTL:        DefaultProgressTTL,
		ProgressRefresh:    DefaultProgressRefresh,
		Kinds:              slices.Clone(DefaultKinds),
	}
	// Open makes it again from the fields as adjusted.
	s.bodies = newBodyGate(s.BodyBudget, s.BodyReadsPerDevice)
	mux := http.NewServeMux()
	s.route(mux, "POST "+protocol.PathEnroll, s.handleEnroll)
	s.route(mux, "POST "+protocol.PathBatches, s.handleBatches)
	s.route(mux, "POST "+protocol.PathHeartbeat, s.handleHeartbeat)
	s.route(mux, "GET "+protocol.PathCampaign, s.handleCampaign)
	s.route(mux, "GET "+protocol.PathHealth, s.handleHealth)
	s.route(mux, "GET "+protocol.PathProgress, s.handleProgress)
	for _, p := range []string{protocol.PathEnroll, protocol.PathBatches, protocol.PathHeartbeat, protocol.PathCampaign, protocol.PathHealth, protocol.PathProgress} {
		s.route(mux, p, methodNotAllowed)
	}
	s.route(mux, "/", func(w http.ResponseWriter, r *http.Request) error {
		return refuse(codeNotFound, "no such endpoint: %s", r.URL.Path)
	})
	s.mux = mux
	return s
}

// Open loads the published campaigns and starts the ingest writer.
func (s *Server) Open(ctx context.Context) error {
	if err := s.refreshCampaigns(ctx); err != nil {
		return fmt.Errorf("open server: %w", err)
	}
	s.bodies = newBodyGate(max(s.BodyBudget, protocol.MaxBatchBody), max(s.BodyReadsPerDevice, 1))
	s.MinUploadRate = max(s.MinUploadRate, 1)
	s.writer = newWriter(s.store, s.Now, s.Logger, s.MaxGroupRecords, s.WriterQueue, s.verifier.writerBusy)
	s.writer.start()
	return nil
}

// Close stops the ingest writer after committing what it was given. Call
// it after the HTTP server has shut down, so no handler still waits.
func (s *Server) Close() error {
	if s.writer != nil {
		s.writer.stop()
	}
	return nil
}

// Store returns the server's store.
func (s *Server) Store() Store { return s.store }

// Keys returns the server's keys.
func (s *Server) Keys() *Keys { return s.keys }

// ServeHTTP serves the device API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// handlerFunc is a handler that reports a refusal by returning it, so each
// handler reads top to bottom as the checks it makes.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func methodNotAllowed(w http.ResponseWriter, r *http.Request) error {
	allow := http.MethodPost
	if r.URL.Path == protocol.PathCampaign || r.URL.Path == protocol.PathHealth || r.URL.Path == protocol.PathProgress {
		allow = "GET, HEAD"
	}
	w.Header().Set("Allow", allow)
	return refuse(protocol.CodeMethodNotAllowed, "%s is not allowed on %s; use %s", r.Method, r.URL.Path, allow)
}

// route registers h behind logging and panic recovery.
func (s *Server) route(mux *http.ServeMux, pattern string, h handlerFunc) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		lw := &logWriter{ResponseWriter: w, status: http.StatusOK}
		info := &requestInfo{}
		info.binding = protocol.AnswerBinding(r.URL.Path, nil, requestSignature(r))
		r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Logger.Error("handler panic", "path", clip(r.URL.Path), "panic", clip(fmt.Sprint(p)), "stack", string(debug.Stack()))
				if !lw.wrote {
					info.code = protocol.CodeInternal
					writeError(lw, refuse(protocol.CodeInternal, "internal error"))
				}
			}
			info.release()
			if info.buf != nil {
				bodyBuffers.Put(info.buf)
			}
			s.logRequest(r, lw, info, time.Since(start))
		}()
		if err := h(lw, r); err != nil {
			ae := asAPIError(err)
			info.code = ae.code
			if ae.code == protocol.CodeInternal || ae.code == protocol.CodeUnavailable {
				s.Logger.Error("request failed", "path", clip(r.URL.Path), "err", err)
			}
			if !lw.wrote {
				s.writeRefusal(lw, r, ae)
			}
		}
	})
}

// requestInfo collects what a handler learned for the request log line.
type requestInfo struct {
	device  string
	code    protocol.ErrorCode
	records int
	stored  int

	binding []byte        // what answers are signed over (protocol.AnswerBinding); nil: not bound
	dev     *Device       // the device the headers name, once readBody found it
	leave   func()        // gives back the body's share of the read budget
	buf     *bytes.Buffer // the body's pooled buffer, returned when the request ends
}

// release gives back the body's share of the budget of unauthenticated
// reads, if it still holds one.
func (i *requestInfo) release() {
	if i.leave != nil {
		i.leave()
	}
}

type requestInfoKey struct{}

func infoOf(r *http.Request) *requestInfo {
	if i, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		return i
	}
	return &requestInfo{}
}

func (s *Server) logRequest(r *http.Request, lw *logWriter, info *requestInfo, d time.Duration) {
	var quiet int
	if r.URL.Path == protocol.PathHealth && lw.status == http.StatusOK {
		var log bool
		if quiet, log = s.sampleHealth(); !log {
			return
		}
	}
	attrs := []slog.Attr{
		slog.String("method", clip(r.Method)),
		slog.String("path", clip(r.URL.Path)),
		slog.Int("status", lw.status),
		slog.Int64("bytes_in", r.ContentLength),
		slog.Int64("bytes_out", lw.bytes),
		slog.Float64("ms", float64(d.Microseconds())/1000),
	}
	if info.device != "" {
		attrs = append(attrs, slog.String("device", info.device))
	}
	if info.code != "" {
		attrs = append(attrs, slog.String("error", string(info.code)))
	}
	if info.records > 0 {
		attrs = append(attrs, slog.Int("records", info.records), slog.Int("stored", info.stored))
	}
	if quiet > 0 {
		attrs = append(attrs, slog.Int("unlogged_checks", quiet))
	}
	level := slog.LevelInfo
	if lw.status >= 500 {
		level = slog.LevelError
	}
	s.Logger.LogAttrs(r.Context(), level, "request", attrs...)
}

// sampleHealth reports whether a healthy health check is logged (the first,
// then one per HealthLogEvery) and how many went unlogged before it.
func (s *Server) sampleHealth() (quiet int, log bool) {
	now := s.Now()
	s.healthMu.Lock()
	defer s.healthMu.Unlock()
	if !s.healthLogged.IsZero() && now.Sub(s.healthLogged) < s.HealthLogEvery {
		s.healthQuiet++
		return 0, false
	}
	quiet, s.healthQuiet, s.healthLogged = s.healthQuiet, 0, now
	return quiet, true
}

// maxLogValue bounds a value a client chose (a path, a method) in a log
// line: a 60 KB URL must not make a 60 KB line.
const maxLogValue = 200

// clip shortens v to maxLogValue bytes, cut on a character boundary, and
// says how long it was.
func clip(v string) string {
	if len(v) <= maxLogValue {
		return v
	}
	n := maxLogValue
	for n > 0 && !utf8.RuneStart(v[n]) {
		n--
	}
	return fmt.Sprintf("%s…(%d bytes)", v[:n], len(v))
}

// logWriter records what was written, for the log line and so a panic
// after the header went out does not write a second one.
type logWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (w *logWriter) WriteHeader(status int) {
	if !w.wrote {
		w.status, w.wrote = status, true
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.wrote = true
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// healthTimeout bounds the health check's database round trip: a load
// balancer must hear "unavailable" rather than wait.
const healthTimeout = 2 * time.Second

// handleHealth answers a load balancer: 200 when the database answers a
// query, 503 (unavailable) when it does not. It tells nothing else.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	v, err := s.store.LatestCampaignVersion(ctx)
	if err != nil {
		s.Logger.Warn("health check: database does not answer", "err", err)
		w.Header().Set("Retry-After", "5")
		return refuse(protocol.CodeUnavailable, "the database does not answer")
	}
	writeJSON(w, http.StatusOK, struct {
		Status          string `json:"status"`
		CampaignVersion int    `json:"campaign_version"`
	}{"ok", v})
	return nil
}
