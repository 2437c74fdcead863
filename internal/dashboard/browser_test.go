package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

// chromiumPath is where the CI image installs Chromium.
const chromiumPath = "/usr/bin/chromium"

// browserCtx starts headless Chromium with a fresh profile. Without
// Chromium the test is skipped, except under CI=true, where a missing
// browser must not pass silently.
func browserCtx(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is required under CI=true but %s is missing: %v", chromiumPath, err)
		}
		t.Skipf("Chromium not installed at %s; skipping the browser test", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// deviceBinaries builds the real fieldsim and syncd once per test run.
func deviceBinaries(t *testing.T) (fieldsim, syncd string) {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "dashboard-bin-*")
		if buildErr != nil {
			return
		}
		for _, cmd := range []string{"fieldsim", "syncd"} {
			out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, cmd), "github.com/voces-cdmx/voces/cmd/"+cmd).CombinedOutput()
			if err != nil {
				buildErr = &buildError{cmd, err, string(out)}
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, "fieldsim"), filepath.Join(binDir, "syncd")
}

type buildError struct {
	cmd string
	err error
	out string
}

func (e *buildError) Error() string {
	return "go build cmd/" + e.cmd + ": " + e.err.Error() + "\n" + e.out
}

func runBin(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	return string(out), err
}

// shoot saves a full-page screenshot into $VOCES_SHOTS, when set.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("VOCES_SHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, ctx context.Context, sel string) int64 {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	n, err := strconv.ParseInt(strings.NewReplacer(",", "", " ", "").Replace(s), 10, 64)
	if err != nil {
		t.Fatalf("%s shows %q, not a count", sel, s)
	}
	return n
}

// TestDashboardInChromium drives the dashboard in headless Chromium with
// real devices: the fieldsim and syncd binaries. Every page it shows, in
// both languages, must pass axe-core with no violation.
func TestDashboardInChromium(t *testing.T) {
	ctx := browserCtx(t)
	axe := newAxeChecker(t)
	fieldsim, syncd := deviceBinaries(t)
	s := newSite(t)
	base := s.srv.URL
	code, err := central.IssueToken(context.Background(), s.central.Store, s.central.Keys, base, record.ModeKiosk, "Quiosco Zócalo", central.DefaultTokenTTL, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	outbox := filepath.Join(t.TempDir(), "outbox.db")

	// Signed out: the sign-in page and a missing page pass axe-core in both
	// languages, Spanish last, as a first visit finds them.
	for _, lang := range []string{"en", "es"} {
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/lang?to="+lang+"&back=/login"),
			chromedp.WaitVisible(chromedp.CSS("#password")),
		)
		if err != nil {
			t.Fatalf("sign-in page (%s): %v", lang, err)
		}
		axe.check(t, ctx, "login-"+lang)
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/no-such-page"), chromedp.WaitVisible(chromedp.CSS("#error-message"))); err != nil {
			t.Fatalf("missing page (%s): %v", lang, err)
		}
		axe.check(t, ctx, "notfound-signedout-"+lang)
	}

	// Sign in.
	signInAt(t, ctx, base+"/", testOperator)
	if n := count(t, ctx, "#records-total"); n != 0 {
		t.Fatalf("records before any upload = %d", n)
	}

	// A device collects and syncs; the counts on the page follow.
	if out, err := runBin(t, fieldsim, "--db", outbox, "--code", code.String(), "--records", "60", "--seed", "7"); err != nil {
		t.Fatalf("fieldsim: %v\n%s", err, out)
	}
	if out, err := runBin(t, syncd, "push", "--db", outbox); err != nil {
		t.Fatalf("syncd push: %v\n%s", err, out)
	}
	aggregate(t, s)
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#records-total"))); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ctx, "#records-total"); n != 60 {
		t.Errorf("records after the push = %d, want 60", n)
	}
	if n := count(t, ctx, "#records-today"); n != 60 {
		t.Errorf("records today after the push = %d, want 60", n)
	}
	if n := count(t, ctx, "#devices-online"); n != 1 {
		t.Errorf("devices online = %d, want 1", n)
	}

	pages := []struct{ path, sel, name string }{
		{"/", "#records-total", "overview"},
		{"/proposals", ".proposal", "proposals"},
		{"/survey", ".question", "survey"},
		{"/participation", "table.list", "participation"},
		{"/fleet", "table.fleet", "fleet"},
		{"/audit", "#audit-status", "audit"},
		{"/no-such-page", "#error-message", "notfound"},
	}
	for _, lang := range []string{"es", "en"} {
		for _, p := range pages {
			err := chromedp.Do(ctx,
				chromedp.Navigate(base+"/lang?to="+lang+"&back="+p.path),
				chromedp.WaitVisible(chromedp.CSS(p.sel)),
			)
			if err != nil {
				t.Fatalf("%s %s: %v", lang, p.path, err)
			}
			shoot(t, ctx, "dashboard-"+p.name+"-"+lang)
			axe.check(t, ctx, p.name+"-"+lang)
		}
	}
	// A chart's data table, opened, is in the accessibility tree with the
	// store's counts: what the SVG alone never gave a screen reader.
	checkChartTableInAXTree(t, ctx, s, base)
	axe.check(t, ctx, "survey-table-open-es")

	// A phone.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ path, sel, name string }{{"/", "#records-total", "overview"}, {"/fleet", "table.fleet", "fleet"}, {"/survey", ".question", "survey"}} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.sel))); err != nil {
			t.Fatal(err)
		}
		shoot(t, ctx, "dashboard-"+p.name+"-en-phone")
		axe.check(t, ctx, p.name+"-en-phone")
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/lang?to=es&back=/fleet"), chromedp.WaitVisible(chromedp.CSS("table.fleet"))); err != nil {
		t.Fatal(err)
	}

	// A form whose anti-forgery token is gone is refused.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("a.button.danger")),
		chromedp.WaitVisible(chromedp.CSS("#confirm-revoke")),
	)
	if err != nil {
		t.Fatalf("open the revoke confirmation: %v", err)
	}
	shoot(t, ctx, "dashboard-revoke-es")
	axe.check(t, ctx, "revoke-es")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('form[action="/fleet/revoke"] input[name=csrf]').remove(), true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#confirm-revoke")), chromedp.WaitVisible(chromedp.CSS("#error-message"))); err != nil {
		t.Fatalf("submit without token: %v\n%s", err, s.logs.String())
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#error-message")))
	if err != nil || !strings.Contains(msg, "El formulario caducó") {
		t.Errorf("refusal says %q (%v)", msg, err)
	}
	axe.check(t, ctx, "refused-form-es")
	devices, err := s.central.Store.Devices(context.Background())
	if err != nil || len(devices) != 1 || !devices[0].RevokedAt.IsZero() {
		t.Fatalf("after a tokenless POST the device is %+v (%v); want it active", devices, err)
	}

	// Revoke through the UI; the device's next upload is refused.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/fleet"),
		chromedp.WaitVisible(chromedp.CSS("table.fleet")),
		chromedp.Click(chromedp.CSS("a.button.danger")),
		chromedp.WaitVisible(chromedp.CSS("#confirm-revoke")),
		chromedp.Click(chromedp.CSS("#confirm-revoke")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	)
	if err != nil {
		t.Fatalf("revoke: %v", err)
	}
	state, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("tr.state-revoked .badge")))
	if err != nil || state != "revocado" {
		t.Errorf("fleet page shows state %q (%v), want revocado", state, err)
	}
	shoot(t, ctx, "dashboard-fleet-revoked-es")
	axe.check(t, ctx, "fleet-revoked-es")
	if out, err := runBin(t, fieldsim, "--db", outbox, "--records", "5", "--seed", "8"); err != nil {
		t.Fatalf("fieldsim: %v\n%s", err, out)
	}
	out, err := runBin(t, syncd, "push", "--db", outbox)
	if err == nil {
		t.Fatalf("syncd push from a revoked device succeeded:\n%s", out)
	}
	if !strings.Contains(strings.ToLower(out), "revoked") {
		t.Errorf("syncd push does not say the device is revoked:\n%s", out)
	}
	if st := s.central.Stats(t); st.Records != 60 {
		t.Errorf("central holds %d records after the revoked push, want 60", st.Records)
	}

	// A record whose sealed body does not open: the fleet page lists it.
	quarantine(t, s)
	for _, lang := range []string{"es", "en"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/lang?to="+lang+"&back=/fleet"), chromedp.WaitVisible(chromedp.CSS("table.quarantine"))); err != nil {
			t.Fatalf("fleet page with a quarantined record (%s): %v", lang, err)
		}
		shoot(t, ctx, "dashboard-fleet-quarantine-"+lang)
		axe.check(t, ctx, "fleet-quarantine-"+lang)
	}

	// The public receipt check, signed out, in both languages.
	var receipt string
	if err := s.central.Store.EachRecord(context.Background(), string(record.KindSignature), func(sr central.StoredRecord) error {
		if receipt == "" {
			receipt = sr.Receipt
		}
		return nil
	}); err != nil || receipt == "" {
		t.Fatalf("no signature receipt (%v)", err)
	}
	for _, lang := range []string{"es", "en"} {
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/lang?to="+lang+"&back=/receipt"),
			chromedp.WaitVisible(chromedp.CSS("#code")),
			chromedp.SendKeys(chromedp.CSS("#code"), strings.ToLower(receipt)),
			chromedp.Click(chromedp.CSS("form.stack button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("#receipt-result")),
		)
		if err != nil {
			t.Fatalf("receipt check (%s): %v", lang, err)
		}
		res, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#receipt-result h2")))
		want := map[string]string{"es": "Recibido", "en": "Received"}[lang]
		if err != nil || !strings.Contains(res, want) {
			t.Errorf("receipt answer (%s) = %q (%v), want %q", lang, res, err, want)
		}
		shoot(t, ctx, "dashboard-receipt-"+lang)
		axe.check(t, ctx, "receipt-result-"+lang)
	}
	checkArcoDesk(t, ctx, s, axe, receipt)
}

// checkArcoDesk signs out, signs in as a data officer and runs the ARCO
// desk's search by receipt code in both languages through axe-core.
func checkArcoDesk(t *testing.T, ctx context.Context, s *site, axe *axeChecker, receipt string) {
	t.Helper()
	hash, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.central.Store.CreateOperator(context.Background(), central.Operator{Name: "rosa", PasswordHash: hash, Role: central.RoleDataOfficer, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	base := s.srv.URL
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/fleet")); err != nil {
		t.Fatal(err)
	}
	signOut(t, ctx)
	signIn(t, ctx, base, "rosa")
	for _, lang := range []string{"es", "en"} {
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/lang?to="+lang+"&back=/arco"),
			chromedp.WaitVisible(chromedp.CSS("#q")),
			chromedp.Click(chromedp.CSS(`input[value="receipt"]`)),
			chromedp.SendKeys(chromedp.CSS("#q"), receipt),
			chromedp.Click(chromedp.CSS("#arco-find")),
			chromedp.WaitVisible(chromedp.CSS("#arco-result table")),
		)
		if err != nil {
			t.Fatalf("ARCO search (%s): %v", lang, err)
		}
		shoot(t, ctx, "dashboard-arco-"+lang)
		axe.check(t, ctx, "arco-"+lang)
	}
}

// checkChartTableInAXTree opens the first chart's data table on the
// Spanish survey page and finds each option of that question as a row
// header, with its count from the store as a cell, in Chromium's
// accessibility tree.
func checkChartTableInAXTree(t *testing.T, ctx context.Context, s *site, base string) {
	t.Helper()
	tl, err := s.central.Store.Tallies(context.Background(), time.Now(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	c := campaignOf(t, s)
	var q *campaign.Question
	var qi int
	for i := range c.Survey.Questions {
		qq := &c.Survey.Questions[i]
		if qq.Type == campaign.TypeSingle && tl.Survey.Questions[qq.ID].Answered > 0 {
			q, qi = qq, i
			break
		}
	}
	if q == nil {
		t.Fatal("no single-choice question was answered")
	}
	// The page lists the questions in campaign order, each heading with
	// its index as id.
	summary := fmt.Sprintf("#question-%d ~ details.chart-data summary", qi)
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/lang?to=es&back=/survey"),
		chromedp.WaitVisible(chromedp.CSS(".question")),
		chromedp.Click(chromedp.CSS(summary)),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#question-%d ~ details.chart-data table", qi))),
	)
	if err != nil {
		t.Fatalf("open the data table of %s: %v", q.ID, err)
	}
	shoot(t, ctx, "dashboard-survey-table-es")
	tree, err := chromedp.Run(ctx, chromedp.Action[*accessibility.GetFullAXTreeResult](func(ctx context.Context, tg *chromedp.Target) (*accessibility.GetFullAXTreeResult, error) {
		r, err := cdp.Call(ctx, tg, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
		return &r, err
	}))
	if err != nil {
		t.Fatalf("accessibility tree: %v", err)
	}
	byID := map[accessibility.NodeID]*accessibility.Node{}
	for _, n := range tree.Nodes {
		byID[n.NodeID] = n
	}
	str := func(v *accessibility.Value) string {
		var s string
		if v != nil {
			json.Unmarshal(v.Value, &s)
		}
		return s
	}
	// Rows: a row header's name and the name of the first cell beside it.
	rows := map[string]string{}
	for _, n := range tree.Nodes {
		if str(n.Role) != "row" {
			continue
		}
		var head, cell string
		for _, id := range n.ChildIDs {
			ch := byID[id]
			switch {
			case ch == nil:
			case str(ch.Role) == "rowheader":
				head = str(ch.Name)
			case str(ch.Role) == "cell" && cell == "":
				cell = str(ch.Name)
			}
		}
		if head != "" {
			rows[head] = cell
		}
	}
	for _, o := range q.Options {
		label, want := o.Label.Get("es"), es.N(tl.Survey.Questions[q.ID].Options[o.ID])
		if got, ok := rows[label]; !ok || got != want {
			t.Errorf("accessibility tree: row %q has count %q (found %v), want %q", label, got, ok, want)
		}
	}
}
