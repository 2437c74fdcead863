package dashboard

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/voces-cdmx/voces/internal/central"
)

// TestReviewDeskInChromium has a data officer sign in through the form
// and decide three supports on the desk in headless Chromium, the way
// the desk is meant to be used: the proposal's verified count, the tiers
// owed and the kiosks' progress document change by what was decided, the
// desk and the audit log say who decided, and the desk and the counts
// pass axe-core in both languages. With VOCES_SHOTS set it saves the
// screenshots of docs/screenshots/roll
// (VOCES_SHOTS=$PWD/docs/screenshots/roll).
func TestReviewDeskInChromium(t *testing.T) {
	ctx := browserCtx(t)
	axe := newAxeChecker(t)
	s, f := newRollSite(t)
	bg := context.Background()
	base := s.srv.URL
	hash, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.central.Store.CreateOperator(bg, central.Operator{Name: "rosa", PasswordHash: hash, Role: central.RoleDataOfficer, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	owed, reached := tierState(t, s, f.proposal)
	if !slices.Equal(owed, []string{"answer"}) || reached != 1 {
		t.Fatalf("before review: tiers owed %v, progress at tier %d; want the answer (5 verified) and 1", owed, reached)
	}
	queue, err := s.central.Store.UnverifiedSupports(bg, [16]byte{}, 3)
	if err != nil || len(queue) != 3 {
		t.Fatalf("queue %d (%v)", len(queue), err)
	}
	signInAt(t, ctx, base+"/lang?to=es&back=/review", "rosa")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/proposals"),
		chromedp.WaitVisible(chromedp.CSS("#proposal-"+f.proposal+" .verified"))); err != nil {
		t.Fatalf("proposals as a data officer: %v", err)
	}
	if n := count(t, ctx, "#proposal-"+f.proposal+" .verified"); n != 5 {
		t.Fatalf("verified before review = %d, want 5", n)
	}
	if n := count(t, ctx, "#proposal-"+f.proposal+" .supports"); n != 10 {
		t.Fatalf("supports = %d, want 10", n)
	}
	shoot(t, ctx, "proposal-verified-before-es")

	// Three decisions: a support not in the roll is a typo corrected
	// against the credential; one registered outside the city is invalid.
	valid := 0
	for i, c := range queue {
		choice := `input[value="valid:id-typo-corrected"]`
		if c.Status == central.StatusOutsideCity {
			choice = `input[value="invalid:not-a-city-voter"]`
		} else {
			valid++
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/review"), chromedp.WaitVisible(chromedp.CSS("#review-signature"))); err != nil {
			t.Fatalf("desk before decision %d: %v", i+1, err)
		}
		if i == 0 {
			// The credential shown has a clave the roll holds.
			err := chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS("#review-clave"), f.inRoll[0]),
				chromedp.Click(chromedp.CSS("#review-lookup")),
				chromedp.WaitVisible(chromedp.CSS("#review-lookup-result")),
			)
			if err != nil {
				t.Fatalf("clave lookup: %v", err)
			}
			said, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#review-lookup-result")))
			if err != nil || !strings.Contains(said, es.T("review.lookup.verified", 100, "Tlalpan")) {
				t.Errorf("the lookup says %q (%v)", said, err)
			}
			axe.check(t, ctx, "review-lookup-es")
			shoot(t, ctx, "review-desk-es")
		}
		err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(choice)),
			chromedp.SendKeys(chromedp.CSS("#review-note"), "credencial vista en la asamblea"),
			chromedp.Click(chromedp.CSS("#review-decide")),
			chromedp.WaitVisible(chromedp.CSS("p.flash")),
		)
		if err != nil {
			t.Fatalf("decision %d: %v", i+1, err)
		}
		shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#review-record")))
		if err != nil {
			t.Fatal(err)
		}
		if want := central.RecordIDString(queue[i].RecordID); shown == want {
			t.Errorf("after deciding %s the desk still shows it", want)
		}
	}
	if valid < 2 {
		t.Fatalf("only %d of the three decisions were valid: the fixture has one support outside the city", valid)
	}
	want := int64(5 + valid)

	// The desk lists the three decisions with who made them.
	by, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.review-done td.by")].map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(by, []string{"rosa", "rosa", "rosa"}) {
		t.Errorf("the desk's decisions say they were made by %q, want rosa three times", by)
	}
	if n := count(t, ctx, "#review-decided"); n != 3 {
		t.Errorf("desk says %d decided, want 3", n)
	}
	if n := count(t, ctx, "#review-queue"); n != 2 {
		t.Errorf("desk says %d to review, want 2", n)
	}
	for _, lang := range []string{"en", "es"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/lang?to="+lang+"&back=/review"), chromedp.WaitVisible(chromedp.CSS("#review-signature"))); err != nil {
			t.Fatalf("desk (%s): %v", lang, err)
		}
		axe.check(t, ctx, "review-"+lang)
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/roll"), chromedp.WaitVisible(chromedp.CSS("#roll-verified"))); err != nil {
			t.Fatalf("roll counts (%s): %v", lang, err)
		}
		axe.check(t, ctx, "roll-"+lang)
		shoot(t, ctx, "roll-counts-"+lang)
	}
	if n := count(t, ctx, "#roll-verified"); n != want {
		t.Errorf("roll counts page says %d verified, want %d", n, want)
	}

	// Counts and tiers follow the decisions.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/proposals"), chromedp.WaitVisible(chromedp.CSS("#proposal-"+f.proposal+" .verified"))); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ctx, "#proposal-"+f.proposal+" .verified"); n != want {
		t.Errorf("verified after review = %d, want %d", n, want)
	}
	if n := count(t, ctx, "#proposal-"+f.proposal+" .supports"); n != 10 {
		t.Errorf("supports after review = %d, want still 10", n)
	}
	shoot(t, ctx, "proposal-verified-after-es")
	owed, reached = tierState(t, s, f.proposal)
	if !slices.Equal(owed, []string{"answer", "meeting"}) || reached != 2 {
		t.Errorf("after review: tiers owed %v, progress at tier %d; want answer and meeting (%d verified ≥ %d), 2", owed, reached, want, fixtureMeeting)
	}

	// The audit log has who saw and who decided each support.
	decided := audited(t, s, central.AuditSupportDecided)
	viewed := audited(t, s, central.AuditSupportViewed)
	for _, c := range queue {
		entry := "rosa " + central.RecordIDString(c.RecordID)
		if !slices.Contains(decided, entry) || !slices.Contains(viewed, entry) {
			t.Errorf("audit log lacks %q among decisions %q or views %q", entry, decided, viewed)
		}
	}
	if len(decided) != 3 {
		t.Errorf("%d decisions audited, want 3", len(decided))
	}
	// The audit page, which an admin reads, names the desk's actions.
	if label := es.T("audit.action." + central.AuditSupportDecided); strings.HasPrefix(label, "audit.action.") {
		t.Errorf("the audit page has no label for %s", central.AuditSupportDecided)
	}
}
