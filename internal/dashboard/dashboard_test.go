package dashboard

import (
	"context"
	"crypto/tls"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

func TestPasswordHash(t *testing.T) {
	hash, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Fatalf("hash %q is not argon2id in PHC form", hash)
	}
	other, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if other == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		name     string
		hash     string
		password string
		match    bool
		fails    bool
	}{
		{"the right password matches", hash, testPassword, true, false},
		{"a wrong password does not", hash, testPassword + "!", false, false},
		{"an empty password does not", hash, "", false, false},
		{"a bcrypt hash is refused", "$2a$10$abcdefghijklmnopqrstuv", testPassword, false, true},
		{"absurd memory is refused", strings.Replace(hash, "m=65536", "m=99999999", 1), testPassword, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match, err := CheckPassword(tt.hash, tt.password)
			if (err != nil) != tt.fails || match != tt.match {
				t.Errorf("CheckPassword = %v, %v; want match %v, error %v", match, err, tt.match, tt.fails)
			}
		})
	}
	if _, err := HashPassword("short"); err != ErrWeakPassword {
		t.Errorf("HashPassword(short) = %v, want ErrWeakPassword", err)
	}
}

func TestLimiterAllowsFiveAMinute(t *testing.T) {
	l := newLimiter(5, time.Minute)
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		if ok, _ := l.allow("a", t0.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	ok, wait := l.allow("a", t0.Add(10*time.Second))
	if ok || wait != 50*time.Second {
		t.Errorf("sixth attempt: allowed %v, wait %s; want refused, 50s", ok, wait)
	}
	if ok, _ := l.allow("b", t0.Add(10*time.Second)); !ok {
		t.Error("another key was refused")
	}
	if ok, _ := l.allow("a", t0.Add(time.Minute)); !ok {
		t.Error("refused after the window ended")
	}
}

func TestCatalogueHasEveryMessageInBothLanguages(t *testing.T) {
	used := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := catalogue[m[1]]; !ok {
				t.Errorf("%s uses message %q, which the catalogue lacks", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, m := range catalogue {
		if m.es == "" || m.en == "" {
			t.Errorf("message %q is missing a language", id)
		}
	}
}

func TestPagesNeedSignIn(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	for _, path := range []string{"/", "/proposals", "/survey", "/participation", "/fleet", "/fleet/revoke?device=x"} {
		t.Run(path, func(t *testing.T) {
			p := b.get(path)
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
				t.Errorf("GET %s signed out = %d to %q, want 303 to /login", path, p.status, p.header.Get("Location"))
			}
		})
	}
}

func TestSignInShowsEveryPageInBothLanguages(t *testing.T) {
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeKiosk)
	d.Upload(t, d.Records(t, 12))
	aggregate(t, s)
	b := s.browser(t)
	if p := b.login(testOperator, "wrong password!"); p.status != http.StatusUnauthorized || !strings.Contains(p.body, "Usuario o contraseña incorrectos") {
		t.Fatalf("wrong password: %d\n%s", p.status, p.body)
	}
	b.mustLogin()
	c := campaignOf(t, s)
	tests := []struct {
		path   string
		lang   string
		expect []string
	}{
		{"/", "es", []string{"Registros hoy", `id="records-total">12<`, "Dispositivos en línea"}},
		{"/", "en", []string{"Records today", `id="records-total">12<`, "Devices online"}},
		{"/proposals", "es", []string{c.Proposals[0].Title.Get("es"), "Firmantes únicos", `class="progress`}},
		{"/proposals", "en", []string{c.Proposals[0].Title.Get("en"), "Unique signers"}},
		{"/survey", "es", []string{c.Survey.Questions[0].Prompt.Get("es"), "<svg", "2 respuestas agregadas"}},
		{"/survey", "en", []string{c.Survey.Questions[0].Prompt.Get("en"), "<svg", "2 responses aggregated"}},
		{"/participation", "es", []string{c.Events[0].Title.Get("es"), c.Articles[0].Title.Get("es")}},
		{"/participation", "en", []string{c.Events[0].Title.Get("en"), c.Articles[0].Title.Get("en")}},
		{"/fleet", "es", []string{d.ID, "en línea", "Revocar"}},
		{"/fleet", "en", []string{d.ID, "online", "Revoke"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+tt.path, func(t *testing.T) {
			sw := b.get("/lang?to=" + tt.lang + "&back=" + url.QueryEscape(tt.path))
			if sw.status != http.StatusSeeOther || sw.header.Get("Location") != tt.path {
				t.Fatalf("language switch: %d to %q", sw.status, sw.header.Get("Location"))
			}
			p := b.get(tt.path)
			if p.status != http.StatusOK {
				t.Fatalf("GET %s = %d\n%s", tt.path, p.status, p.body)
			}
			if !strings.Contains(p.body, `<html lang="`+tt.lang+`">`) {
				t.Errorf("page is not in %s", tt.lang)
			}
			for _, want := range tt.expect {
				if !strings.Contains(p.body, want) {
					t.Errorf("GET %s lacks %q", tt.path, want)
				}
			}
			if strings.Contains(p.body, "ZgotmplZ") {
				t.Errorf("GET %s has a value html/template refused:\n%s", tt.path, p.body)
			}
		})
	}
}

func TestLanguageSwitchStaysOnSite(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	for _, back := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example"} {
		p := b.get("/lang?to=en&back=" + url.QueryEscape(back))
		if p.header.Get("Location") != "/" {
			t.Errorf("back=%q redirected to %q, want /", back, p.header.Get("Location"))
		}
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	clock := newClock()
	s := newSiteWith(t, Config{Now: clock.now})
	b := s.browser(t)
	for i := range FreeFailures {
		if p := b.login(testOperator, "not the password"); p.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, p.status)
		}
	}
	// Past the free failures even the right password waits, twice as
	// long after each further failure.
	for _, wait := range []time.Duration{FailureBackoff, 2 * FailureBackoff} {
		p := b.login(testOperator, testPassword)
		if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") != strconv.Itoa(int(wait/time.Second)) {
			t.Fatalf("attempt after the free failures: %d, Retry-After %q; want 429 after %s", p.status, p.header.Get("Retry-After"), wait)
		}
		if !strings.Contains(p.body, "Demasiados intentos") {
			t.Errorf("429 page does not say why:\n%s", p.body)
		}
		clock.advance(wait)
		if p := b.login(testOperator, "still not the password"); p.status != http.StatusUnauthorized {
			t.Fatalf("attempt once the wait is over: %d", p.status)
		}
	}
	clock.advance(4 * FailureBackoff)
	b.mustLogin()

	// The address limit holds whatever names one address tries.
	clock.advance(limitWindow)
	other := s.browser(t)
	for i := range LoginAttempts {
		if p := other.login(fmt.Sprintf("guess%d", i), "not the password"); p.status != http.StatusUnauthorized {
			t.Fatalf("name %d: %d", i+1, p.status)
		}
	}
	if p := other.login("guess-more", "not the password"); p.status != http.StatusTooManyRequests {
		t.Errorf("attempt %d from one address in a minute = %d, want 429", LoginAttempts+1, p.status)
	}
}

func TestFormsWithoutTokenAreRefused(t *testing.T) {
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeKiosk)
	b := s.browser(t)
	b.get("/login") // gets the form cookie, but the posts below leave the token out
	if p := b.post("/login", url.Values{"name": {testOperator}, "password": {testPassword}}); p.status != http.StatusForbidden {
		t.Errorf("login without token = %d, want 403", p.status)
	}
	b.mustLogin()
	tests := []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{"device": {d.ID}}},
		{"wrong token", url.Values{"device": {d.ID}, "csrf": {"forged"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.post("/fleet/revoke", tt.form)
			if p.status != http.StatusForbidden || !strings.Contains(p.body, "El formulario caducó") {
				t.Errorf("revoke with %s = %d\n%s", tt.name, p.status, p.body)
			}
		})
	}
	dev, err := s.central.Store.Device(context.Background(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !dev.RevokedAt.IsZero() {
		t.Error("a forged form revoked the device")
	}
	if p := b.post("/logout", nil); p.status != http.StatusForbidden {
		t.Errorf("logout without token = %d, want 403", p.status)
	}
}

func TestRevokeThroughDashboardStopsUploads(t *testing.T) {
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeCanvasser)
	d.Upload(t, d.Records(t, 3))
	b := s.browser(t)
	b.mustLogin()
	confirm := b.get("/fleet/revoke?device=" + url.QueryEscape(d.ID))
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Sí, revocar") {
		t.Fatalf("confirmation page: %d\n%s", confirm.status, confirm.body)
	}
	p := b.post("/fleet/revoke", url.Values{"csrf": {b.csrf(confirm)}, "device": {d.ID}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", p.status, p.body)
	}
	fleet := b.get(p.header.Get("Location"))
	if !strings.Contains(fleet.body, `class="state-revoked" id="device-`+d.ID) || !strings.Contains(fleet.body, "revocado") {
		t.Errorf("fleet page does not show the device revoked:\n%s", fleet.body)
	}
	resp := centraltest.Do(t, s.central.Client, d.BatchRequest(t, d.Records(t, 1)))
	if resp.Status != http.StatusForbidden || resp.Error(t).Code != protocol.CodeRevoked {
		t.Errorf("upload after revoke = %d %s, want 403 revoked", resp.Status, resp.Body)
	}
	if !strings.Contains(s.logs.String(), `"device revoked"`) {
		t.Error("revocation not logged")
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	b.mustLogin()
	home := b.get("/")
	if p := b.post("/logout", url.Values{"csrf": {b.csrf(home)}}); p.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", p.status)
	}
	if p := b.get("/"); p.status != http.StatusSeeOther {
		t.Errorf("after logout GET / = %d, want a redirect to sign in", p.status)
	}
}

func TestCookieFlags(t *testing.T) {
	// The public URL decides, never the Host header: a proxy in front of
	// central may send Host: 127.0.0.1 for every request.
	tests := []struct {
		name      string
		publicURL string
		host      string
		tls       bool
		secure    bool
	}{
		{"an https public URL, Host 127.0.0.1 from a proxy", "https://voces.example.org", "127.0.0.1:8080", false, true},
		{"an https public URL, Host localhost", "https://voces.example.org", "localhost", false, true},
		{"an https public URL, a LAN address", "HTTPS://192.168.1.10", "192.168.1.10:8080", false, true},
		{"an http public URL on a LAN address", "http://192.168.1.10:8080", "192.168.1.10:8080", false, false},
		{"an http public URL, a name", "http://central.example.org", "central.example.org", false, false},
		{"no public URL, plain HTTP", "", "127.0.0.1:8080", false, false},
		{"an http public URL, but the request came over TLS", "http://127.0.0.1:8080", "localhost:8443", true, true},
	}
	proxied := newSiteWith(t, Config{PublicURL: "https://voces.example.org"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := New(Config{Store: proxied.central.Store, Audit: proxied.dash.cfg.Audit, Keys: proxied.dash.cfg.Keys, PublicURL: tt.publicURL})
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Host = tt.host
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if got := h.secure(r); got != tt.secure {
				t.Errorf("secure = %v, want %v", got, tt.secure)
			}
		})
	}
	// Through the whole sign-in: the session cookie of a request a proxy
	// sent with Host: 127.0.0.1 is Secure.
	formRec := httptest.NewRecorder()
	proxied.dash.ServeHTTP(formRec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/login", nil))
	for _, c := range formRec.Result().Cookies() {
		if c.Name == formCookie && !c.Secure {
			t.Errorf("form cookie behind an https public URL is not Secure: %+v", c)
		}
	}
	rec := postLogin(proxied, "127.0.0.1:5555", testOperator, testPassword, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in behind the proxy = %d", rec.Code)
	}
	found := false
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			found = true
			if !c.Secure {
				t.Errorf("session cookie for Host 127.0.0.1 behind an https public URL is not Secure: %+v", c)
			}
		}
	}
	if !found {
		t.Fatalf("sign-in set no session cookie: %d", rec.Code)
	}

	s := newSite(t)
	b := s.browser(t)
	form := b.get("/login")
	p := b.post("/login", url.Values{"csrf": {b.csrf(form)}, "name": {testOperator}, "password": {testPassword}})
	var sc *http.Cookie
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		if c.Name == sessionCookie {
			sc = c
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteStrictMode || sc.MaxAge <= 0 {
		t.Fatalf("session cookie = %+v", sc)
	}
	ctx := context.Background()
	if _, err := s.central.Store.GetSession(ctx, []byte(sc.Value), time.Now()); err == nil {
		t.Error("the store holds the session token itself, not its hash")
	}
	if _, err := s.central.Store.GetSession(ctx, hashToken(sc.Value), time.Now()); err != nil {
		t.Errorf("session not stored by hash: %v", err)
	}
}

func TestTemplatesUseNoInlineStyles(t *testing.T) {
	// The Content-Security-Policy allows stylesheets from the site only,
	// so a style attribute would silently do nothing in a browser.
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "style=") || strings.Contains(string(b), "<script") {
			t.Errorf("%s has an inline style or a script", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNumberBars(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]int64
		want   []labelled
	}{
		{"few values get a bar each, in order", map[string]int64{"10": 2, "3": 1}, []labelled{{"3", 1}, {"10", 2}}},
		{"many values are grouped into ranges", func() map[string]int64 {
			m := map[string]int64{}
			for n := 1; n <= 24; n++ {
				m[strconv.Itoa(n)] = 1
			}
			return m
		}(), []labelled{{"1–2", 2}, {"3–4", 2}, {"5–6", 2}, {"7–8", 2}, {"9–10", 2}, {"11–12", 2}, {"13–14", 2}, {"15–16", 2}, {"17–18", 2}, {"19–20", 2}, {"21–22", 2}, {"23–24", 2}}},
		{"nothing answered", map[string]int64{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := numberBars(tt.values); !slices.Equal(got, tt.want) {
				t.Errorf("numberBars = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFleetHighlightsStaleDevices(t *testing.T) {
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeKiosk)
	d.Heartbeat(t, protocol.Heartbeat{DeviceID: d.ID, SentAt: time.Now(), Pending: 12, OldestPending: time.Now().Add(-3 * time.Hour), Dead: 1, AppVersion: "1.2.3", CampaignVersion: 1, Mode: record.ModeKiosk})
	b := s.browser(t)
	b.mustLogin()
	p := b.get("/fleet")
	if !strings.Contains(p.body, `class="state-online" id="device-`+d.ID) {
		t.Errorf("a device just seen is not online:\n%s", p.body)
	}
	for _, want := range []string{">12<", "hace 3 h", "app 1.2.3", "campaña v1"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("fleet page lacks %q", want)
		}
	}
	s.dash.cfg.Now = func() time.Time { return time.Now().Add(central.StaleAfter + time.Minute) }
	p = b.get("/fleet")
	if !strings.Contains(p.body, `class="state-stale" id="device-`+d.ID) {
		t.Errorf("a device unseen for longer than StaleAfter is not stale:\n%s", p.body)
	}
	if o := b.get("/"); !strings.Contains(o.body, `<div class="tile warn"><span class="big" id="devices-stale">1<`) {
		t.Errorf("overview does not count the stale device:\n%s", o.body)
	}
}

// TestSurveyChartsHaveADataTable checks that every chart of a choice
// question comes with a table of the same options and counts, the store's
// own, in each language: an SVG tells a screen reader only its name.
func TestSurveyChartsHaveADataTable(t *testing.T) {
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeKiosk)
	d.Upload(t, d.Records(t, 24))
	aggregate(t, s)
	tl, err := s.central.Store.Tallies(context.Background(), time.Now(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	c := campaignOf(t, s)
	b := s.browser(t)
	b.mustLogin()
	for _, l := range []lang{es, en} {
		b.get("/lang?to=" + string(l) + "&back=/survey")
		p := b.get("/survey")
		if p.status != http.StatusOK {
			t.Fatalf("GET /survey = %d", p.status)
		}
		tables := 0
		for _, q := range c.Survey.Questions {
			qt := tl.Survey.Questions[q.ID]
			if (q.Type != campaign.TypeSingle && q.Type != campaign.TypeMultiple) || qt.Answered == 0 {
				continue
			}
			tables++
			caption := "<caption>" + template.HTMLEscapeString(q.Prompt.Get(string(l))) + "</caption>"
			i := strings.Index(p.body, caption)
			if i < 0 {
				t.Errorf("%s: question %s has no data table captioned with its prompt", l, q.ID)
				continue
			}
			table := p.body[i:]
			table = table[:strings.Index(table, "</table>")]
			for _, o := range q.Options {
				row := `<tr><th scope="row">` + template.HTMLEscapeString(o.Label.Get(string(l))) + `</th><td class="num">` + l.N(qt.Options[o.ID]) + `</td>`
				if !strings.Contains(table, row) {
					t.Errorf("%s: question %s: the table lacks the row %q", l, q.ID, row)
				}
			}
		}
		if tables == 0 {
			t.Fatalf("%s: no choice question was answered; the test checked nothing", l)
		}
		if want := l.T("survey.table.show"); strings.Count(p.body, want) < tables {
			t.Errorf("%s: %d tables but %d %q toggles", l, tables, strings.Count(p.body, want), want)
		}
	}
}

// TestErrorPageBackLink checks where an error page's Back link leads: home
// for a missing page, never the missing page itself; the form again for a
// refused form.
func TestErrorPageBackLink(t *testing.T) {
	s := newSite(t)
	back := regexp.MustCompile(`<a class="button secondary" href="([^"]*)">`)
	tests := []struct {
		name   string
		signIn bool
		method string
		path   string
		status int
		want   string
	}{
		{"a missing page, signed out", false, http.MethodGet, "/no-such-page", http.StatusNotFound, "/"},
		{"a missing page, signed in", true, http.MethodGet, "/no-such-page", http.StatusNotFound, "/"},
		{"a receipt check without its token", false, http.MethodPost, "/receipt", http.StatusForbidden, "/receipt"},
		{"a sign-in without its token", false, http.MethodPost, "/login", http.StatusForbidden, "/login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.browser(t)
			if tt.signIn {
				b.mustLogin()
			}
			var p page
			if tt.method == http.MethodPost {
				p = b.post(tt.path, url.Values{"code": {"7K3QP-X9M2D"}})
			} else {
				p = b.get(tt.path)
			}
			if p.status != tt.status {
				t.Fatalf("%s %s = %d, want %d", tt.method, tt.path, p.status, tt.status)
			}
			m := back.FindStringSubmatch(p.body)
			if m == nil || m[1] != tt.want {
				t.Errorf("Back link %v, want %q", m, tt.want)
			}
		})
	}
}

// TestLandmarksHaveUniqueNames checks that both navigation landmarks are
// named, each differently, in each language.
func TestLandmarksHaveUniqueNames(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	b.mustLogin()
	nav := regexp.MustCompile(`<nav[^>]*aria-label="([^"]+)"`)
	for _, l := range []lang{es, en} {
		b.get("/lang?to=" + string(l) + "&back=/")
		p := b.get("/")
		names := nav.FindAllStringSubmatch(p.body, -1)
		if n := strings.Count(p.body, "<nav"); n != 2 || len(names) != 2 || names[0][1] == names[1][1] {
			t.Errorf("%s: %d <nav>, named %v; want two with different names", l, n, names)
		}
	}
}

func TestQuarantineShownOnOverviewAndFleet(t *testing.T) {
	s := newSite(t)
	good := s.central.NewDevice(t, record.ModeKiosk)
	good.Upload(t, good.Records(t, 4))
	b := s.browser(t)
	b.mustLogin()
	if p := b.get("/"); !strings.Contains(p.body, `id="quarantined">0<`) {
		t.Errorf("overview without quarantined records lacks the 0:\n%s", p.body)
	}
	if p := b.get("/fleet"); strings.Contains(p.body, `id="quarantine"`) {
		t.Error("fleet page lists a quarantine when there is none")
	}
	d, r := quarantine(t, s)
	id := uuid.UUID(r.ID).String()
	tests := []struct {
		lang, path string
		expect     []string
	}{
		{"es", "/", []string{"En cuarentena (no se abren)", `id="quarantined">1<`, `href="/fleet#quarantine"`}},
		{"en", "/", []string{"Quarantined (do not open)", `id="quarantined">1<`}},
		{"es", "/fleet", []string{"Registros en cuarentena", "1 registros firmados", id, d.ID, `<a href="#quarantine">1</a>`, "guardado", "Comentarios a artículos"}},
		{"en", "/fleet", []string{"Quarantined records", "1 records signed", id, d.ID, "kept", "central quarantine purge"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+tt.path, func(t *testing.T) {
			b.get("/lang?to=" + tt.lang + "&back=" + url.QueryEscape(tt.path))
			p := b.get(tt.path)
			for _, want := range tt.expect {
				if !strings.Contains(p.body, want) {
					t.Errorf("GET %s (%s) lacks %q", tt.path, tt.lang, want)
				}
			}
		})
	}
	if _, err := s.central.Store.PurgeQuarantined(context.Background(), nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	b.get("/lang?to=en&back=/fleet")
	if p := b.get("/fleet"); !strings.Contains(p.body, "purged ") || !strings.Contains(p.body, id) {
		t.Errorf("fleet page does not show the record purged:\n%s", p.body)
	}
}
