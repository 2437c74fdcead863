// Package syncer is a device's sync engine: it enrolls the device with
// central, drains the outbox in signed, compressed batches sized for the
// link, pulls signed campaign content and sends heartbeats. syncd runs it
// as a daemon; a kiosk on a platform without services can embed it.
//
// The engine never holds records in memory between attempts: the outbox is
// the queue, and a record leaves the pending state only in the transaction
// that applies central's answer for it. An abandoned request therefore
// loses nothing; central answers "duplicate" when it comes again.
package syncer

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// Defaults for a Syncer's configuration.
const (
	// DefaultRequestTimeout is long enough for a full batch on a slow 2G
	// link (256 KB at ~40 kbit/s); a timeout also halves the next batch.
	DefaultRequestTimeout = 60 * time.Second
	// DefaultPollInterval is how often Run looks at the outbox for new
	// records and for a "sync now" request from the kiosk.
	DefaultPollInterval = 2 * time.Second
	// DefaultCampaignInterval is how often Run asks for new campaign content.
	DefaultCampaignInterval = 5 * time.Minute
	// DefaultHeartbeatInterval is how often Run reports the device's health.
	DefaultHeartbeatInterval = time.Minute
	// DefaultInitialBackoff and DefaultMaxBackoff bound the wait between
	// failed attempts before jitter. A two-minute cap keeps a device that
	// has been offline for hours from waiting long once the link is back.
	DefaultInitialBackoff = time.Second
	DefaultMaxBackoff     = 2 * time.Minute
	// DefaultBackoffMultiplier doubles the wait after each failure.
	DefaultBackoffMultiplier = 2
	// DefaultJitter spreads each wait over ±50%, so a fleet that lost the
	// network together does not come back in lockstep.
	DefaultJitter = 0.5
)

// Syncer syncs one device outbox with central. Set the exported fields
// before the first call; New fills them with the defaults. Its methods are
// safe to call from several goroutines: uploads are serialised.
type Syncer struct {
	mu      sync.Mutex // held for a whole push: pushes share the batch budget
	store   *outbox.Store
	budget  int                        // batch byte budget now, 0 until the first push; halves on a choking link, grows back slowly
	cmu     sync.Mutex                 // guards clients
	clients map[clientKey]*http.Client // Client with the device's checks, per peer (see clientFor)
	noDelta atomic.Bool                // the last delta was refused: ask for the whole version next

	Client *http.Client // no overall timeout: RequestTimeout applies per request
	// WrapTransport, when set, wraps the transport the engine makes from
	// Client's (with the TLS pin of the provisioning code added), for
	// instrumentation. A pinned connection needs Client.Transport to be
	// an *http.Transport (or nil), so wrap here rather than there.
	WrapTransport func(http.RoundTripper) http.RoundTripper
	Clock         Clock
	Logger        *slog.Logger
	AppVersion    string // reported in heartbeats and the User-Agent

	BatchBytes        int // largest batch, in stored record bytes (see protocol.DefaultBatchBytes)
	RequestTimeout    time.Duration
	PollInterval      time.Duration
	CampaignInterval  time.Duration
	HeartbeatInterval time.Duration
	InitialBackoff    time.Duration
	MaxBackoff        time.Duration
}

// New returns a Syncer for an open outbox with the default configuration.
func New(store *outbox.Store) *Syncer {
	return &Syncer{
		store:             store,
		Client:            &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()},
		Clock:             SystemClock,
		Logger:            slog.Default(),
		AppVersion:        AppVersion(),
		BatchBytes:        protocol.DefaultBatchBytes,
		RequestTimeout:    DefaultRequestTimeout,
		PollInterval:      DefaultPollInterval,
		CampaignInterval:  DefaultCampaignInterval,
		HeartbeatInterval: DefaultHeartbeatInterval,
		InitialBackoff:    DefaultInitialBackoff,
		MaxBackoff:        DefaultMaxBackoff,
	}
}

// Store is the outbox the Syncer drains.
func (s *Syncer) Store() *outbox.Store { return s.store }

// init sets the batch budget from the configuration, once, so that
// fields set after New take effect. The caller holds s.mu.
func (s *Syncer) init() {
	if s.budget == 0 {
		s.budget = s.maxBudget()
	}
}

// maxBudget is BatchBytes clamped to what central accepts: stored bytes
// barely compress (sealed bodies are random), so the compressed body is
// about as large as the records in it.
func (s *Syncer) maxBudget() int {
	return min(max(s.BatchBytes, 1), protocol.MaxBatchBody*3/4)
}

// Budget returns the current batch byte budget.
func (s *Syncer) Budget() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	return s.budget
}

// shrink halves the batch budget after a batch of size stored bytes timed
// out or was refused as too large: half of what failed, which may be less
// than the budget when little was pending. A budget under one record still
// sends one record: NextBatch never returns an empty batch while something
// is pending.
func (s *Syncer) shrink(size int) {
	s.budget = max(min(s.budget, size)/2, 1)
}

// grow raises the budget by a quarter after a batch got through, so a
// link that recovered is used fully again after a dozen batches, without
// swinging straight back to the size that choked it.
func (s *Syncer) grow() {
	s.budget = min(s.budget+max(s.budget/4, 1024), s.maxBudget())
}

// updateStatus changes the stored sync status. It runs even when ctx is
// cancelled, so the status never lags what happened; a failure to write
// it is logged, since it must not stop the sync itself.
func (s *Syncer) updateStatus(ctx context.Context, fn func(*outbox.SyncStatus)) {
	ctx = context.WithoutCancel(ctx)
	st, err := s.store.SyncStatus(ctx)
	if err == nil {
		fn(&st)
		err = s.store.SetSyncStatus(ctx, st)
	}
	if err != nil {
		s.Logger.Warn("cannot record sync status", "err", err)
	}
}

// noteError records a failed exchange with central.
func (s *Syncer) noteError(ctx context.Context, err error) {
	now := s.Clock.Now()
	s.updateStatus(ctx, func(st *outbox.SyncStatus) {
		st.LastAttempt = now
		st.LastError = err.Error()
		st.LastErrorAt = now
		if Permanent(err) {
			st.Stopped = err.Error()
			st.NextAttempt = time.Time{}
		}
	})
}

// AppVersion is the version of the running binary, from its build
// information.
func AppVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return "devel"
	}
	return bi.Main.Version
}
