package dashboard

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
)

// waitUntil checks cond every 50 ms until it holds, failing the test
// after within: what a real process does is seen, not slept on.
func waitUntil(t *testing.T, within time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		select {
		case <-deadline.C:
			t.Fatalf("%s: not within %s", what, within)
		case <-tick.C:
		}
	}
}

// startSyncd runs the real `syncd run` on the outbox until the test ends.
func startSyncd(t *testing.T, bin, db string) {
	t.Helper()
	cmd := exec.Command(bin, "run", "--db", db)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("syncd run: %v\n%s", err, out.String())
		}
	})
}

// deviceCampaign asks the running syncd to sync now, waits until it did,
// and returns the newest campaign the device's outbox holds (verified by
// syncd before it stored it).
func deviceCampaign(t *testing.T, db string, want int) *campaign.Campaign {
	t.Helper()
	ctx := context.Background()
	st, err := outbox.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got *campaign.Campaign
	token, err := handoff.RequestSync(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 30*time.Second, "syncd pulls the new version", func() (bool, error) {
		if done, err := handoff.SyncHandled(ctx, st, token); err != nil || !done {
			return false, err
		}
		sc, err := st.LatestCampaign(ctx)
		if err != nil {
			return false, err
		}
		if sc.Version < want {
			return false, nil
		}
		got, err = campaign.Parse("outbox", sc.Content)
		return true, err
	})
	return got
}

func signIn(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	signInAt(t, ctx, base+"/login", name)
}

// signInAt opens url, which must show the sign-in form (a page that
// needs an operator, or the language switch on its way to one), and signs
// in as name: the session then lands on the overview.
func signInAt(t *testing.T, ctx context.Context, url, name string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#name"), name),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Click(chromedp.CSS("form.stack button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#records-total")),
	)
	if err != nil {
		t.Fatalf("sign in as %s: %v", name, err)
	}
}

func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.CSS("#password"))); err != nil {
		t.Fatalf("sign out: %v", err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// TestPublishInChromium: in headless Chromium a moderator adds a
// proposal and an assembly, fixes the validation error the form points
// at, an admin publishes, and a real syncd stores the new version in the
// device's outbox; supports from two devices then cross the proposal's
// tier, it is owed, the moderator answers, the admin publishes the
// answer, and the device gets it with the next version. Every page passes
// axe-core; with VOCES_SHOTS set it saves the screenshots of
// docs/screenshots/publish.
func TestPublishInChromium(t *testing.T) {
	ctx := browserCtx(t)
	axe := newAxeChecker(t)
	fieldsim, syncd := deviceBinaries(t)
	s := newSite(t)
	bg := context.Background()
	base := s.srv.URL
	hash, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.central.Store.CreateOperator(bg, central.Operator{Name: "mara", PasswordHash: hash, Role: central.RoleModerator, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	code, err := central.IssueToken(bg, s.central.Store, s.central.Keys, base, record.ModeKiosk, "Quiosco Zócalo", central.DefaultTokenTTL, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "outbox.db")
	if out, err := runBin(t, fieldsim, "--db", db, "--code", code.String(), "--records", "5", "--seed", "3"); err != nil {
		t.Fatalf("fieldsim: %v\n%s", err, out)
	}
	startSyncd(t, syncd, db)
	if c := deviceCampaign(t, db, 1); c.Version != 1 {
		t.Fatalf("the device holds version %d", c.Version)
	}
	theme := campaignOf(t, s).Themes[0].ID

	// The moderator opens a draft and adds a proposal, forgetting its
	// English title.
	signIn(t, ctx, base, "mara")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/lang?to=es&back=/draft"),
		chromedp.WaitVisible(chromedp.CSS("#draft-start")),
		chromedp.Click(chromedp.CSS("#draft-start")),
		chromedp.WaitVisible(chromedp.CSS("#draft-status")),
		chromedp.Click(chromedp.CSS("#add-proposal")),
		chromedp.WaitVisible(chromedp.CSS("#f-title-es")),
		chromedp.SendKeys(chromedp.CSS("#f-title-es"), "Huertos urbanos en Iztapalapa"),
		chromedp.SendKeys(chromedp.CSS("#f-summary-es"), "Un huerto comunitario en cada colonia."),
		chromedp.SendKeys(chromedp.CSS("#f-summary-en"), "A community garden in every neighbourhood."),
		chromedp.SetValue(chromedp.CSS("#f-theme-in"), theme),
		chromedp.SetValue(chromedp.CSS("#f-alcaldia-in"), "iztapalapa"),
		chromedp.SendKeys(chromedp.CSS("#f-threshold-in"), "2"),
		chromedp.Click(chromedp.CSS("#edit-save")),
		chromedp.WaitVisible(chromedp.CSS("fieldset#f-title.invalid")),
	)
	if err != nil {
		t.Fatalf("add a proposal: %v", err)
	}
	if msg := text(t, ctx, "#f-title-err"); !strings.Contains(msg, "Falta el texto en inglés.") {
		t.Errorf("the title field says %q", msg)
	}
	shoot(t, ctx, "authoring-error-es")
	axe.check(t, ctx, "authoring-error-es")
	// The draft page lists the problem; its link leads to the field.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/draft"),
		chromedp.WaitVisible(chromedp.CSS("#draft-problems ul.problems a")),
		chromedp.Click(chromedp.CSS("#draft-problems ul.problems a")),
		chromedp.WaitVisible(chromedp.CSS("#f-title-en")),
		chromedp.SendKeys(chromedp.CSS("#f-title-en"), "Urban gardens in Iztapalapa"),
		chromedp.Click(chromedp.CSS("#edit-save")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	)
	if err != nil {
		t.Fatalf("fix the title: %v", err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.field.invalid').length`)); err != nil || n != 0 {
		t.Errorf("after the fix %d fields still show problems (%v)", n, err)
	}
	const id = "huertos-urbanos-en-iztapalapa"
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/draft"),
		chromedp.WaitVisible(chromedp.CSS("#add-event")),
		chromedp.Click(chromedp.CSS("#add-event")),
		chromedp.WaitVisible(chromedp.CSS("#f-title-es")),
		chromedp.SendKeys(chromedp.CSS("#f-title-es"), "Asamblea en Iztapalapa"),
		chromedp.SendKeys(chromedp.CSS("#f-title-en"), "Assembly in Iztapalapa"),
		chromedp.SendKeys(chromedp.CSS("#f-place-es"), "Parque Cuitláhuac"),
		chromedp.SendKeys(chromedp.CSS("#f-place-en"), "Cuitláhuac Park"),
		chromedp.SetValue(chromedp.CSS("#f-alcaldia-in"), "iztapalapa"),
		chromedp.SetValue(chromedp.CSS("#f-starts-in"), "2026-12-12T10:00"),
		chromedp.SetValue(chromedp.CSS("#f-ends-in"), "2026-12-12T13:00"),
		chromedp.Click(chromedp.CSS(`input[value="`+id+`"]`)),
		chromedp.Click(chromedp.CSS("#edit-save")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	)
	if err != nil {
		t.Fatalf("add an assembly: %v", err)
	}
	if flash := text(t, ctx, "p.flash"); flash != "Borrador guardado." {
		t.Errorf("saving the assembly says %q", flash)
	}
	axe.check(t, ctx, "authoring-event-es")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/draft"), chromedp.WaitVisible(chromedp.CSS("#draft-changes"))); err != nil {
		t.Fatal(err)
	}
	axe.check(t, ctx, "draft-es")
	// And a new subtitle, so the diff shows a text before and after.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/draft/edit?kind=general"),
		chromedp.WaitVisible(chromedp.CSS("#f-subtitle-es")),
		chromedp.SetValue(chromedp.CSS("#f-subtitle-es"), "Imagina tu ciudad, barrio por barrio"),
		chromedp.SetValue(chromedp.CSS("#f-subtitle-en"), "Imagine your city, one neighbourhood at a time"),
		chromedp.Click(chromedp.CSS("#edit-save")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	)
	if err != nil {
		t.Fatalf("change the subtitle: %v", err)
	}
	signOut(t, ctx)

	// The admin reviews and publishes.
	signIn(t, ctx, base, testOperator)
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/draft/publish"),
		chromedp.WaitVisible(chromedp.CSS("#publish")),
	)
	if err != nil {
		t.Fatalf("publish page: %v", err)
	}
	axe.check(t, ctx, "publish-es")
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#publish")), chromedp.WaitVisible(chromedp.CSS("table.versions")))
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if flash := text(t, ctx, "p.flash"); !strings.Contains(flash, "Versión 2 publicada") {
		t.Errorf("after publishing: %q", flash)
	}
	shoot(t, ctx, "versions-es")
	axe.check(t, ctx, "versions-es")
	for _, lang := range []string{"es", "en"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/lang?to="+lang+"&back=/versions/2"), chromedp.WaitVisible(chromedp.CSS("#version-changes"))); err != nil {
			t.Fatal(err)
		}
		shoot(t, ctx, "version-diff-"+lang)
		axe.check(t, ctx, "version-diff-"+lang)
	}
	if diff := text(t, ctx, "#version-changes"); !strings.Contains(diff, "Urban gardens in Iztapalapa") || !strings.Contains(diff, "Assembly in Iztapalapa") ||
		!strings.Contains(diff, "Imagine your city, one neighbourhood at a time") {
		t.Errorf("the diff of version 2:\n%s", diff)
	}

	// A real syncd stores it in the device's outbox.
	got := deviceCampaign(t, db, 2)
	e := got.Event("asamblea-en-iztapalapa")
	if got.Version != 2 || got.Proposal(id) == nil || e == nil || len(e.Proposals) != 1 || e.Proposals[0] != id {
		t.Fatalf("the device holds version %d with proposal %v and assembly %+v", got.Version, got.Proposal(id) != nil, e)
	}

	// Supports from two devices cross the proposal's first tier (2).
	kiosk, canvasser := s.central.NewDevice(t, record.ModeKiosk), s.central.NewDevice(t, record.ModeCanvasser)
	supportBy(t, kiosk, id, testVoters[0])
	supportBy(t, canvasser, id, testVoters[0], testVoters[1])
	signOut(t, ctx)
	signIn(t, ctx, base, "mara")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/lang?to=es&back=/obligations"),
		chromedp.WaitVisible(chromedp.CSS("#owed-"+id+"-answer")),
	)
	if err != nil {
		t.Fatalf("obligations list: %v", err)
	}
	shoot(t, ctx, "obligations-es")
	axe.check(t, ctx, "obligations-es")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#owed-"+id+"-answer a.button")),
		chromedp.WaitVisible(chromedp.CSS("#f-text-es")),
		chromedp.SendKeys(chromedp.CSS("#f-text-es"), "El Grupo Redactor incorpora los huertos urbanos al artículo 13."),
		chromedp.SendKeys(chromedp.CSS("#f-text-en"), "The Drafting Group adds urban gardens to article 13."),
		chromedp.SendKeys(chromedp.CSS("#f-signed_by-in"), "Grupo Redactor"),
	)
	if err != nil {
		t.Fatalf("answer form: %v", err)
	}
	axe.check(t, ctx, "answer-es")
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#answer-save")), chromedp.WaitVisible(chromedp.CSS("#owed-none")))
	if err != nil {
		t.Fatalf("save the answer: %v", err)
	}
	signOut(t, ctx)
	signIn(t, ctx, base, testOperator)
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/lang?to=en&back=/obligations"),
		chromedp.WaitVisible(chromedp.CSS("#publish-answers")),
	)
	if err != nil {
		t.Fatalf("obligations as admin: %v", err)
	}
	axe.check(t, ctx, "obligations-pending-en")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#publish-answers")), chromedp.WaitVisible(chromedp.CSS("table.versions"))); err != nil {
		t.Fatalf("publish the answer: %v", err)
	}

	// The device gets the answer with version 3.
	got = deviceCampaign(t, db, 3)
	r := got.Proposal(id).Response(campaign.TierAnswer)
	if got.Version != 3 || r == nil || r.SignedBy != "Grupo Redactor" || !strings.Contains(r.Text["en"], "urban gardens") {
		t.Fatalf("the device holds version %d with response %+v", got.Version, r)
	}
}
