package dashboard

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

// defaultNPMDir is where scripts/npm-deps.sh installs the npm tools the
// accessibility checks run; VOCES_NPM_DIR overrides it.
const defaultNPMDir = "/var/cache/voces/npm"

// npmTool returns the path of a file of an npm package that
// scripts/npm-deps.sh installs (rel is under node_modules). Without it the
// test is skipped, except under CI=true, where a check that cannot run must
// not pass silently.
func npmTool(t *testing.T, rel string) string {
	t.Helper()
	dir := os.Getenv("VOCES_NPM_DIR")
	if dir == "" {
		dir = defaultNPMDir
	}
	p := filepath.Join(dir, "node_modules", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI=true but missing (run scripts/npm-deps.sh): %v", p, err)
		}
		t.Skipf("%s not installed (run scripts/npm-deps.sh); skipping the check", p)
	}
	return p
}

// htmlValidator collects pages and runs html-validate (recommended preset)
// on them at the end of a test. Without node or the npm package it skips,
// except under CI=true, where it fails.
type htmlValidator struct {
	t         *testing.T
	cli, node string
	dir       string
	files     []string
}

func newHTMLValidator(t *testing.T) *htmlValidator {
	t.Helper()
	cli := npmTool(t, "html-validate/bin/html-validate.mjs")
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is required under CI=true to run html-validate")
		}
		t.Skip("node (Debian package nodejs) is not installed; skipping html-validate")
	}
	return &htmlValidator{t: t, cli: cli, node: node, dir: t.TempDir()}
}

// add keeps p for the check, after checking it came with status want.
func (h *htmlValidator) add(name string, p page, want int) {
	h.t.Helper()
	if p.status != want {
		h.t.Fatalf("%s: status %d, want %d\n%s", name, p.status, want, p.body)
	}
	f := filepath.Join(h.dir, name+".html")
	if err := os.WriteFile(f, []byte(p.body), 0o644); err != nil {
		h.t.Fatal(err)
	}
	h.files = append(h.files, f)
}

// check runs html-validate over every page added.
func (h *htmlValidator) check() {
	h.t.Helper()
	config := filepath.Join(h.dir, "htmlvalidate.json")
	if err := os.WriteFile(config, []byte(`{"extends": ["html-validate:recommended"]}`), 0o644); err != nil {
		h.t.Fatal(err)
	}
	out, err := exec.Command(h.node, append([]string{h.cli, "--config", config, "--formatter", "text"}, h.files...)...).CombinedOutput()
	if err != nil {
		h.t.Errorf("html-validate found problems (%v):\n%s", err, out)
	}
}

// axeViolation is the part of an axe-core result a failure message needs.
type axeViolation struct {
	ID    string `json:"id"`
	Help  string `json:"help"`
	Nodes []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeChecker runs axe-core in the page a browser context shows.
type axeChecker struct {
	source string // axe.min.js
}

func newAxeChecker(t *testing.T) *axeChecker {
	t.Helper()
	b, err := os.ReadFile(npmTool(t, "axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	return &axeChecker{source: string(b)}
}

// check runs every axe-core rule (WCAG 2.x A and AA and best practices) on
// the page now shown and fails the test on any violation. The script goes
// in through the DevTools protocol: the dashboard's Content-Security-Policy
// allows no script, and that is how it should stay.
func (a *axeChecker) check(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	vs, err := a.violations(ctx)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, v := range vs {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v: %s", n.Target, n.Summary))
		}
		t.Errorf("%s: axe-core %s (%s) at:\n  %s", name, v.ID, v.Help, strings.Join(where, "\n  "))
	}
}

// violations runs axe-core on the page now shown.
func (a *axeChecker) violations(ctx context.Context) ([]axeViolation, error) {
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](a.source+";true")); err != nil {
		return nil, fmt.Errorf("inject axe-core: %w", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		return nil, fmt.Errorf("axe-core result: %w", err)
	}
	return vs, nil
}

// TestAxeCheckFindsViolations makes sure the check can fail: on a page
// with an unlabelled image and an unnamed field, under the dashboard's own
// Content-Security-Policy, axe-core must report both.
func TestAxeCheckFindsViolations(t *testing.T) {
	ctx := browserCtx(t)
	axe := newAxeChecker(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!DOCTYPE html><html lang="es"><head><title>x</title></head><body><main><h1>x</h1>`+
			`<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10"><input type="text"></main></body></html>`)
	}))
	defer srv.Close()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	vs, err := axe.violations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, v := range vs {
		found[v.ID] = true
	}
	for _, want := range []string{"image-alt", "label"} {
		if !found[want] {
			t.Errorf("axe-core did not report %s; it reported %v", want, found)
		}
	}
}

// TestEveryPageIsValidHTML runs html-validate (recommended preset) on every
// page the dashboard serves, signed out and signed in, in both languages.
func TestEveryPageIsValidHTML(t *testing.T) {
	hv := newHTMLValidator(t)
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeKiosk)
	d.Upload(t, d.Records(t, 12))
	aggregate(t, s)
	quarantine(t, s) // the fleet page's quarantine list is checked too
	b := s.browser(t)
	save := hv.add
	for _, lang := range []string{"es", "en"} {
		b.get("/lang?to=" + lang + "&back=/")
		save("login-"+lang, b.get("/login"), http.StatusOK)
		save("notfound-signedout-"+lang, b.get("/no-such-page"), http.StatusNotFound)
		form := b.get("/receipt")
		save("receipt-"+lang, form, http.StatusOK)
		save("receipt-result-"+lang, b.post("/receipt", url.Values{"csrf": {b.csrf(form)}, "code": {"7K3QP-X9M2D"}}), http.StatusOK)
	}
	b.mustLogin()
	for _, lang := range []string{"es", "en"} {
		b.get("/lang?to=" + lang + "&back=/")
		for _, p := range []struct{ name, path string }{
			{"overview", "/"}, {"proposals", "/proposals"}, {"survey", "/survey"},
			{"participation", "/participation"}, {"fleet", "/fleet"}, {"audit", "/audit"},
			{"revoke", "/fleet/revoke?device=" + url.QueryEscape(d.ID)},
		} {
			save(p.name+"-"+lang, b.get(p.path), http.StatusOK)
		}
		save("notfound-"+lang, b.get("/no-such-page"), http.StatusNotFound)
	}
	officer, csrf := s.signedIn(t, "rosa", central.RoleDataOfficer)
	var receipt string
	s.central.Store.EachRecord(context.Background(), "", func(sr central.StoredRecord) error {
		receipt = cmp.Or(receipt, sr.Receipt)
		return nil
	})
	officer.post("/arco/requests", url.Values{"csrf": {csrf}, "kind": {"opposition"}, "folio": {"UT-1"}, "received": {"2026-03-10"}})
	for _, lang := range []string{"es", "en"} {
		officer.get("/lang?to=" + lang + "&back=/")
		save("arco-"+lang, officer.get("/arco"), http.StatusOK)
		save("arco-result-"+lang, officer.post("/arco", url.Values{"csrf": {csrf}, "by": {"receipt"}, "q": {receipt}}), http.StatusOK)
	}
	// The moderation desk: the queue, a pending submission, a decided one.
	kiosk := s.central.NewDevice(t, record.ModeKiosk)
	pending, _ := submitted(t, s, kiosk, "Bebederos "+hostile)
	decided, _ := submitted(t, s, kiosk, "Otra")
	if err := s.central.Node.Moderation().Decline(context.Background(), "mona", central.DeclineOffensive, "", decided.ID); err != nil {
		t.Fatal(err)
	}
	mod, _ := s.signedIn(t, "mona", central.RoleModerator)
	for _, lang := range []string{"es", "en"} {
		mod.get("/lang?to=" + lang + "&back=/")
		save("moderation-"+lang, mod.get("/moderation?status=all"), http.StatusOK)
		save("moderation-item-"+lang, mod.get("/moderation/item?id="+idOf(pending)), http.StatusOK)
		save("moderation-decided-"+lang, mod.get("/moderation/item?id="+idOf(decided)), http.StatusOK)
	}
	hv.check()
}
