// Package dashboard is central's operator dashboard and the public receipt
// check: server-rendered pages in Spanish and English that work without
// JavaScript, on a laptop and on a phone. It shows counts, fleet health and
// campaign labels, never anything a person gave (names, voter ids,
// contacts, comment text), except in the ARCO access report, which only a
// data officer can download. Who may see what is one route table
// (access.go) over central's roles.
package dashboard

import (
	"cmp"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Limits of the in-memory rate limiters. The sign-in limits are made so
// that no stranger can keep an operator out (see handleLogin):
//   - every address gets LoginAttempts sign-ins a minute, on any accounts;
//   - an account and address pair gets FreeFailures failures, then waits
//     FailureBackoff, twice that after the next failure, and so on up to
//     MaxFailureBackoff; a success forgives the pair;
//   - once an account has had AccountAlarm failures from all addresses in
//     accountWindow, each pair gets one free failure instead, while an
//     address that has not failed still gets its attempt.
const (
	LoginAttempts     = 10 // per address per minute, on any accounts
	FreeFailures      = 3
	FailureBackoff    = 5 * time.Second
	MaxFailureBackoff = 15 * time.Minute
	AccountAlarm      = 10
	accountWindow     = 15 * time.Minute
	forgetFailures    = time.Hour
	ReceiptAttempts   = 20 // per address per minute
	limitWindow       = time.Minute
	// SessionTTL is how long a sign-in lasts.
	SessionTTL = 12 * time.Hour
)

// DefaultLocation is the campaign's time zone: what "today" means.
const DefaultLocation = "America/Mexico_City"

// Config is what the dashboard needs.
type Config struct {
	Store  central.OperationsStore
	Logger *slog.Logger // nil: slog.Default()
	// Now returns the current time; tests replace it. nil: time.Now.
	Now func() time.Time
	// Location decides what "today" is and how times are shown. nil:
	// DefaultLocation.
	Location *time.Location
	// PublicURL is the address operators reach central at. When it is
	// https:// every cookie is Secure; when it is http:// (a demo, or a
	// network without TLS) cookies are Secure only on requests that came
	// over TLS. The Host header a request names plays no part: a proxy
	// may send anything there.
	PublicURL string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed; rate limits count against the client address they
	// report. Requests from anywhere else count against their own peer
	// address, whatever they claim.
	TrustedProxies []netip.Prefix
	// MaxHashes bounds the password checks running at once; each holds
	// argonMemory. 0: DefaultMaxHashes().
	MaxHashes int
	// Audit records sign-ins and every operator decision, and its key
	// verifies the chain shown on the audit page. Required.
	Audit *central.AuditLog
	// Keys are central's keys: the dedupe key finds a person's signatures
	// by voter id for ARCO, and the campaign key pair, when the server
	// holds it, opens their records for the access report. Required.
	Keys *central.Keys
	// Publisher publishes the campaign draft and recorded responses as
	// new signed versions: the node's central.Server. nil: the publish
	// buttons answer that publishing is not available here.
	Publisher Publisher
	// RollKey reads the electoral roll's key (central.LoadRollKey), for
	// the review desk to look up the clave of a credential a signer
	// showed. nil: the desk offers no lookup.
	RollKey func() ([]byte, error)
	// Moderation is the moderation desk's engine (central.Node.Moderation);
	// nil leaves the desk unavailable.
	Moderation *central.Moderation
	// HashWait is how long a sign-in waits for a free password check
	// before it is told to come back (503). 0: DefaultHashWait; negative:
	// no wait.
	HashWait time.Duration
}

// Handler serves the dashboard and the receipt check.
type Handler struct {
	cfg     Config
	log     *slog.Logger
	pages   map[string]*template.Template
	mux     *http.ServeMux
	https   bool      // every cookie is Secure (PublicURL is https)
	hashes  *hashGate // bounds concurrent password checks
	logins  *limiter  // sign-ins per address
	fails   *backoff  // failed sign-ins per account and address
	alarms  *limiter  // failed sign-ins per account, from every address
	receipt *limiter  // receipt checks per address

	mu        sync.Mutex
	campaigns *campaignSet // parsed published versions; replaced when a new one appears

	reviewState // the review desk's body opener (review.go)
}

// New returns the dashboard handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("dashboard: no store")
	}
	if cfg.Audit == nil || cfg.Keys == nil {
		return nil, fmt.Errorf("dashboard: no audit log or keys")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		loc, err := time.LoadLocation(DefaultLocation)
		if err != nil {
			return nil, fmt.Errorf("dashboard: %w", err)
		}
		cfg.Location = loc
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	h := &Handler{
		cfg:     cfg,
		log:     cfg.Logger,
		pages:   pages,
		https:   strings.HasPrefix(strings.ToLower(cfg.PublicURL), "https://"),
		hashes:  newHashGate(cmp.Or(cfg.MaxHashes, DefaultMaxHashes()), cmp.Or(cfg.HashWait, DefaultHashWait)),
		logins:  newLimiter(LoginAttempts, limitWindow),
		fails:   newBackoff(FailureBackoff, MaxFailureBackoff, forgetFailures),
		alarms:  newLimiter(AccountAlarm, accountWindow),
		receipt: newLimiter(ReceiptAttempts, limitWindow),
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	mux := http.NewServeMux()
	for _, rt := range h.routes(http.StripPrefix("/static/", staticHandler(http.FileServerFS(static)))) {
		mux.Handle(rt.pattern, h.guard(rt))
	}
	h.mux = mux
	return h, nil
}

// ServeHTTP serves a page and logs one line for it: method, path (never
// the query or a form value), status and duration.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	// Pages are never framed, sniffed or cached by a shared proxy, and
	// run no script at all.
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "same-origin")
	h.mux.ServeHTTP(sw, r)
	h.log.LogAttrs(r.Context(), slog.LevelInfo, "dashboard request",
		slog.String("method", clip(r.Method)), slog.String("path", clip(r.URL.Path)),
		slog.Int("status", sw.status), slog.Float64("ms", float64(time.Since(start).Microseconds())/1000))
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

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func staticHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// campaignSet is every published campaign version, for labels. Records
// made under an old version name subjects by ids that later versions keep,
// so the newest version that has a subject supplies its title.
type campaignSet struct {
	latestVersion int
	latest        *campaign.Campaign
	versions      []*campaign.Campaign // newest first
}

// campaignsFor returns the parsed campaigns, parsing again only when a new
// version has been published.
func (h *Handler) campaignsFor(ctx context.Context) (*campaignSet, error) {
	v, err := h.cfg.Store.LatestCampaignVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("campaign version: %w", err)
	}
	h.mu.Lock()
	cs := h.campaigns
	h.mu.Unlock()
	if cs != nil && cs.latestVersion == v {
		return cs, nil
	}
	pubs, err := h.cfg.Store.Campaigns(ctx)
	if err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	cs = &campaignSet{}
	for i := len(pubs) - 1; i >= 0; i-- {
		c, err := campaign.Parse(fmt.Sprintf("campaign version %d", pubs[i].Version), pubs[i].Content)
		if err != nil {
			return nil, err
		}
		cs.versions = append(cs.versions, c)
	}
	if len(cs.versions) > 0 {
		cs.latest, cs.latestVersion = cs.versions[0], pubs[len(pubs)-1].Version
	}
	h.mu.Lock()
	h.campaigns = cs
	h.mu.Unlock()
	return cs, nil
}

func (cs *campaignSet) proposal(id string) *campaign.Proposal {
	for _, c := range cs.versions {
		if p := c.Proposal(id); p != nil {
			return p
		}
	}
	return nil
}

// goal is the first tier's signers for p under the newest version that
// has it: tiers live on the campaign as well as on the proposal.
func (cs *campaignSet) goal(p *campaign.Proposal) int {
	for _, c := range cs.versions {
		if q := c.Proposal(p.ID); q != nil {
			return c.Goal(q)
		}
	}
	return p.Threshold
}

func (cs *campaignSet) event(id string) *campaign.Event {
	for _, c := range cs.versions {
		if e := c.Event(id); e != nil {
			return e
		}
	}
	return nil
}

func (cs *campaignSet) article(id string) *campaign.Article {
	for _, c := range cs.versions {
		if a := c.Article(id); a != nil {
			return a
		}
	}
	return nil
}

func (cs *campaignSet) survey(id string) *campaign.Survey {
	for _, c := range cs.versions {
		if c.Survey.ID == id {
			return &c.Survey
		}
	}
	return nil
}
