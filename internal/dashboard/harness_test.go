package dashboard

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/record"
)

const (
	testOperator = "ana"
	testPassword = "correct horse battery"
)

// site is central with the dashboard mounted as `central serve` mounts it:
// the device API under /api/, metrics, and the dashboard for the rest.
type site struct {
	central *centraltest.Central
	dash    *Handler
	metrics *central.Metrics
	srv     *httptest.Server
	logs    *bytes.Buffer
}

func newSite(t *testing.T) *site {
	t.Helper()
	return newSiteWith(t, Config{})
}

// newSiteWith is newSite with the dashboard configured by cfg (its Store
// and Logger are filled in).
func newSiteWith(t *testing.T, cfg Config) *site {
	t.Helper()
	c := centraltest.Start(t)
	logs := &bytes.Buffer{}
	cfg.Store, cfg.Logger = c.Store, slog.New(slog.NewJSONHandler(logs, nil))
	if cfg.Audit == nil {
		cfg.Audit = c.Node.AuditLog()
	}
	if cfg.Keys == nil {
		cfg.Keys = c.Keys
	}
	if cfg.Publisher == nil {
		cfg.Publisher = c.Server
	}
	if cfg.Moderation == nil {
		cfg.Moderation = c.Node.Moderation()
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := central.NewMetrics(c.Store, time.Now)
	c.Server.Metrics = m
	mux := http.NewServeMux()
	mux.Handle("/api/", c.Server)
	mux.Handle("/metrics", m.Handler())
	mux.Handle("/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	hash, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	// The tests that came before roles act as an operator who may do
	// everything they do (revoke devices included): an admin.
	if err := c.Store.CreateOperator(context.Background(), central.Operator{Name: testOperator, PasswordHash: hash, Role: central.RoleAdmin, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return &site{central: c, dash: h, metrics: m, srv: srv, logs: logs}
}

// browser is an HTTP client with cookies that does not follow redirects,
// so tests see where each answer sends it.
type browser struct {
	t    *testing.T
	site *site
	c    *http.Client
}

func (s *site) browser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, site: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.site.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.site.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the anti-forgery token in a page's first form.
func (b *browser) csrf(p page) string {
	b.t.Helper()
	m := csrfRe.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("no csrf field in page:\n%s", p.body)
	}
	return m[1]
}

func (b *browser) login(name, password string) page {
	b.t.Helper()
	form := b.get("/login")
	return b.post("/login", url.Values{"csrf": {b.csrf(form)}, "name": {name}, "password": {password}})
}

func (b *browser) mustLogin() {
	b.t.Helper()
	if p := b.login(testOperator, testPassword); p.status != http.StatusSeeOther || p.header.Get("Location") != "/" {
		b.t.Fatalf("login: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
}

// campaignOf is the built-in campaign as central published it.
func campaignOf(t *testing.T, s *site) *campaign.Campaign {
	t.Helper()
	cs, err := s.dash.campaignsFor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cs.latest
}

// aggregate files the survey answers central holds, as the survey worker
// of `central serve` does.
func aggregate(t *testing.T, s *site) {
	t.Helper()
	c := campaignOf(t, s)
	_, _, err := central.AggregateSurveys(context.Background(), s.central.Store, s.central.Keys.SealPublic, s.central.Keys.SealPrivate,
		func(int) *campaign.Survey { return &c.Survey })
	if err != nil {
		t.Fatal(err)
	}
}

// quarantine has a new device upload a correctly signed record sealed to
// a key that is not the campaign's, and runs the body check as the worker
// of `central serve` does, so the record is quarantined. It returns the
// device and the record.
func quarantine(t *testing.T, s *site) (*centraltest.Device, *record.Record) {
	t.Helper()
	d := s.central.NewDevice(t, record.ModeCanvasser)
	other, _, err := record.NewCampaignKey()
	if err != nil {
		t.Fatal(err)
	}
	keys := d.Keys
	keys.SealTo = other
	r, err := record.Build(d.Draft(record.KindComment), d.Campaign, &keys, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r.Seq = d.NextSeq()
	r.Sign(d.Key)
	if res := d.Upload(t, [][]byte{r.Marshal()}).Results; len(res) != 1 || res[0].Status != "accepted" {
		t.Fatalf("upload of the record sealed to another key: %+v", res)
	}
	if _, n, err := central.CheckBodies(context.Background(), s.central.Store, s.central.Keys.SealPublic, s.central.Keys.SealPrivate, time.Now); err != nil || n != 1 {
		t.Fatalf("body check quarantined %d (%v), want 1", n, err)
	}
	return d, r
}
