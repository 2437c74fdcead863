package main

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/dashboard"
)

// TestServeBehindAProxy runs `central serve` as the guide says to behind a
// TLS-terminating proxy on the same machine: cookies are Secure although
// the proxy sends Host: 127.0.0.1, and receipt checks count per client
// address from X-Forwarded-For, not per proxy.
func TestServeBehindAProxy(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	p := centraltest.StartProcess(t, bin, dir, "--public-url", "https://voces.example.mx", "--trusted-proxy", "127.0.0.1")
	resp, err := http.Get(p.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var form *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "voces_form" {
			form = c
		}
	}
	if form == nil || !form.Secure {
		t.Fatalf("form cookie behind an https public URL with Host %s: %+v, want Secure", p.Addr, form)
	}
	check := func(client string) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, p.URL+"/receipt", strings.NewReader(url.Values{"csrf": {form.Value}, "code": {"00000-00000"}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", client)
		req.AddCookie(&http.Cookie{Name: form.Name, Value: form.Value})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range dashboard.ReceiptAttempts {
		if code := check("198.51.100.7"); code != http.StatusOK {
			t.Fatalf("receipt check %d: %d", i+1, code)
		}
	}
	if code := check("198.51.100.7"); code != http.StatusTooManyRequests {
		t.Errorf("the same citizen past the limit: %d, want 429", code)
	}
	if code := check("198.51.100.8"); code != http.StatusOK {
		t.Errorf("another citizen through the same proxy: %d, want 200", code)
	}
	p.Stop(t)
}
