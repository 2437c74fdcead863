package dashboard

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
// real devices: the fieldsim and syncd binaries.
func TestDashboardInChromium(t *testing.T) {
	ctx := browserCtx(t)
	fieldsim, syncd := deviceBinaries(t)
	s := newSite(t)
	base := s.srv.URL
	code, err := central.IssueToken(context.Background(), s.central.Store, s.central.Keys, base, record.ModeKiosk, "Quiosco Zócalo", central.DefaultTokenTTL, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	outbox := filepath.Join(t.TempDir(), "outbox.db")

	// Sign in.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#name"), testOperator),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Click(chromedp.CSS("form.stack button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#records-total")),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
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
		}
	}
	// A phone.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ path, sel, name string }{{"/", "#records-total", "overview"}, {"/fleet", "table.fleet", "fleet"}, {"/survey", ".question", "survey"}} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.sel))); err != nil {
			t.Fatal(err)
		}
		shoot(t, ctx, "dashboard-"+p.name+"-en-phone")
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
	}
}
