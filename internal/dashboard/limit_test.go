package dashboard

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a time tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// postLogin signs in as a browser at remote would (form cookie and token),
// with extra headers, straight through the handler.
func postLogin(s *site, remote, name, password string, header http.Header) *httptest.ResponseRecorder {
	token := strings.Repeat("t", 43)
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{
		"csrf": {token}, "name": {name}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	req.AddCookie(&http.Cookie{Name: formCookie, Value: token})
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	s.dash.ServeHTTP(rec, req)
	return rec
}

// TestAStrangerCannotLockAnOperatorOut: a guesser hammering the operator's
// account from one address for twenty minutes, and a crowd of addresses each
// trying once, leave the operator able to sign in from their own address
// at the first try. Before, five wrong tries a minute from anywhere kept
// the account shut.
func TestAStrangerCannotLockAnOperatorOut(t *testing.T) {
	clock := newClock()
	s := newSiteWith(t, Config{Now: clock.now})
	refused := 0
	for range 20 {
		for range LoginAttempts {
			switch rec := postLogin(s, "192.0.2.66:4000", testOperator, "guess", nil); rec.Code {
			case http.StatusUnauthorized:
			case http.StatusTooManyRequests:
				refused++
			default:
				t.Fatalf("guess = %d", rec.Code)
			}
		}
		clock.advance(time.Minute)
	}
	if refused == 0 {
		t.Fatal("twenty minutes of guessing from one address were never slowed down")
	}
	for i := range AccountAlarm {
		if rec := postLogin(s, fmt.Sprintf("203.0.113.%d:4000", i+1), testOperator, "guess", nil); rec.Code != http.StatusUnauthorized {
			t.Fatalf("one guess from a fresh address = %d, want it checked (401)", rec.Code)
		}
	}
	// Under attack, a guesser's second try from one address waits.
	if rec := postLogin(s, "203.0.113.1:4000", testOperator, "guess", nil); rec.Code != http.StatusTooManyRequests {
		t.Errorf("a second guess from an address while the account is under attack = %d, want 429", rec.Code)
	}
	rec := postLogin(s, "198.51.100.10:5000", testOperator, testPassword, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("the operator signing in from their own address = %d, want 303\n%s", rec.Code, rec.Body)
	}
}

func TestBackoffDoublesUpToItsCap(t *testing.T) {
	b := newBackoff(5*time.Second, time.Minute, time.Hour)
	t0 := newClock().now()
	for i := range 3 {
		if w := b.wait("k", 3, t0); w != 0 {
			t.Fatalf("wait after %d failures = %s, want none", i, w)
		}
		b.failed("k", t0)
	}
	want := []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second, time.Minute, time.Minute}
	for i, w := range want {
		if got := b.wait("k", 3, t0); got != w {
			t.Fatalf("wait after %d failures = %s, want %s", 3+i, got, w)
		}
		if got := b.wait("k", 3, t0.Add(w)); got != 0 {
			t.Fatalf("wait once %s passed = %s", w, got)
		}
		b.failed("k", t0)
	}
	if got := b.wait("k", 3, t0.Add(59*time.Second)); got != time.Second {
		t.Errorf("wait with 1s to go = %s", got)
	}
	if got := b.wait("other", 3, t0); got != 0 {
		t.Errorf("another key waits %s", got)
	}
	if got := b.wait("k", 3, t0.Add(time.Hour)); got != 0 {
		t.Errorf("failures an hour old still cost %s", got)
	}
	b.forgive("k")
	if got := b.wait("k", 0, t0); got != 0 || b.len() != 0 {
		t.Errorf("after forgive: wait %s, %d entries", got, b.len())
	}
}

// TestALimitedAddressRecordsNothing: once an address is over its limit, the
// names it submits are not looked at, so 10,000 of them add no entry (they
// used to add one each: 40,000 cost 140 MB and made sign-in ten times
// slower).
func TestALimitedAddressRecordsNothing(t *testing.T) {
	clock := newClock()
	s := newSiteWith(t, Config{Now: clock.now})
	for i := range LoginAttempts {
		postLogin(s, "192.0.2.9:1", fmt.Sprintf("name%d", i), "guess", nil)
	}
	fails, alarms, logins := s.dash.fails.len(), s.dash.alarms.len(), s.dash.logins.len()
	for i := range 10000 {
		if rec := postLogin(s, "192.0.2.9:1", fmt.Sprintf("flood%d", i), "guess", nil); rec.Code != http.StatusTooManyRequests {
			t.Fatalf("name %d from a limited address = %d, want 429", i, rec.Code)
		}
	}
	if s.dash.fails.len() != fails || s.dash.alarms.len() != alarms || s.dash.logins.len() != logins {
		t.Errorf("entries grew from %d/%d/%d to %d/%d/%d while the address was limited",
			fails, alarms, logins, s.dash.fails.len(), s.dash.alarms.len(), s.dash.logins.len())
	}
}

// TestLimitersHaveAFixedCapacity: however many keys arrive, a limiter holds
// at most limiterCapacity.
func TestLimitersHaveAFixedCapacity(t *testing.T) {
	l := newLimiter(5, time.Minute)
	b := newBackoff(time.Second, time.Minute, time.Hour)
	t0 := newClock().now()
	for i := range limiterCapacity + 5000 {
		k := fmt.Sprintf("key%d", i)
		l.allow(k, t0)
		b.failed(k, t0)
	}
	if l.len() != limiterCapacity || b.len() != limiterCapacity {
		t.Errorf("limiter holds %d keys, backoff %d; want %d", l.len(), b.len(), limiterCapacity)
	}
}

func TestClientAddressBehindTrustedProxies(t *testing.T) {
	h := &Handler{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}}}
	tests := []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"a direct client", "198.51.100.7:1234", nil, "198.51.100.7"},
		{"a direct client claiming another address", "198.51.100.7:1234", []string{"203.0.113.1"}, "198.51.100.7"},
		{"through the proxy", "10.0.0.2:80", []string{"198.51.100.7"}, "198.51.100.7"},
		{"through the proxy, the client's own claim ignored", "10.0.0.2:80", []string{"203.0.113.1, 198.51.100.7"}, "198.51.100.7"},
		{"through two proxies", "10.0.0.2:80", []string{"198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		{"through two proxies, two headers", "10.0.0.2:80", []string{"203.0.113.1, 198.51.100.7", "10.1.2.3"}, "198.51.100.7"},
		{"through the proxy over IPv6", "[fd00::1]:80", []string{"2001:db8::7"}, "2001:db8::7"},
		{"the proxy without the header", "10.0.0.2:80", nil, "10.0.0.2"},
		{"garbage a proxy never writes", "10.0.0.2:80", []string{"198.51.100.7, unknown"}, "10.0.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := h.clientIP(r); got != tt.want {
				t.Errorf("clientIP = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestReceiptChecksBehindAProxyCountPerClient: behind the reverse proxy
// every request has the proxy's address, and one citizen's 20 checks used
// to lock the receipt page for everyone.
func TestReceiptChecksBehindAProxyCountPerClient(t *testing.T) {
	s := newSiteWith(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	check := func(remote, xff string) int {
		t.Helper()
		token := strings.Repeat("r", 43)
		req := httptest.NewRequest(http.MethodPost, "/receipt", strings.NewReader(url.Values{"csrf": {token}, "code": {"00000-00000"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: formCookie, Value: token})
		req.RemoteAddr = remote
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		rec := httptest.NewRecorder()
		s.dash.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := range ReceiptAttempts {
		if code := check("10.0.0.2:80", "198.51.100.7"); code != http.StatusOK {
			t.Fatalf("check %d = %d", i+1, code)
		}
	}
	if code := check("10.0.0.2:80", "198.51.100.7"); code != http.StatusTooManyRequests {
		t.Errorf("the same citizen's check %d = %d, want 429", ReceiptAttempts+1, code)
	}
	if code := check("10.0.0.2:80", "198.51.100.8"); code != http.StatusOK {
		t.Errorf("another citizen through the same proxy = %d, want 200", code)
	}
	// Someone reaching central directly cannot dodge the limit by naming
	// a new address each time.
	for i := range ReceiptAttempts {
		check("192.0.2.50:80", fmt.Sprintf("203.0.113.%d", i))
	}
	if code := check("192.0.2.50:80", "203.0.113.99"); code != http.StatusTooManyRequests {
		t.Errorf("a direct client with a made-up X-Forwarded-For = %d, want 429", code)
	}
}

// TestSignInsBeyondThePasswordChecksAreTurnedAway: with every password
// check busy, a sign-in is answered 503 with Retry-After at once instead of
// adding another 64 MiB hash; once a check is free it goes through.
func TestSignInsBeyondThePasswordChecksAreTurnedAway(t *testing.T) {
	s := newSiteWith(t, Config{MaxHashes: 1, HashWait: -1})
	s.dash.hashes.slots <- struct{}{} // a sign-in in progress
	rec := postLogin(s, "198.51.100.1:1", testOperator, testPassword, nil)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "ocupado") {
		t.Fatalf("sign-in with every check busy = %d, Retry-After %q\n%s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	<-s.dash.hashes.slots
	if rec := postLogin(s, "198.51.100.1:1", testOperator, testPassword, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in with a free check = %d, want 303", rec.Code)
	}
}

// TestLongPathsAreClippedInTheLog: a 60 KB URL used to make a 60 KB log
// line.
func TestLongPathsAreClippedInTheLog(t *testing.T) {
	s := newSite(t)
	long := "/" + strings.Repeat("a", 60<<10)
	rec := httptest.NewRecorder()
	s.dash.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, long, nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("GET a long path = %d", rec.Code)
	}
	var line string
	for l := range strings.SplitSeq(s.logs.String(), "\n") {
		if strings.Contains(l, `"dashboard request"`) {
			line = l
		}
	}
	if line == "" || len(line) > 1024 || !strings.Contains(line, fmt.Sprintf("(%d bytes)", len(long))) {
		t.Errorf("log line for a %d-byte path is %d bytes: %.300s", len(long), len(line), line)
	}
}
