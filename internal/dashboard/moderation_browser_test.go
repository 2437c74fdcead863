package dashboard

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
)

// TestModerationInChromium drives the moderation desk in headless
// Chromium: a moderator signs in, publishes, merges and declines from
// the desk's forms; the authors' receipts say where each stands; a real
// syncd pulls the version with the published proposal into its outbox.
// Every page passes axe-core. With VOCES_SHOTS set, the screenshots of
// docs/screenshots/propose are written there.
func TestModerationInChromium(t *testing.T) {
	ctx := browserCtx(t)
	axe := newAxeChecker(t)
	fieldsim, syncd := deviceBinaries(t)
	s := newSite(t)
	base := s.srv.URL
	bg := context.Background()

	// A real device, enrolled and synced, whose campaign is watched below.
	code, err := central.IssueToken(bg, s.central.Store, s.central.Keys, base, record.ModeKiosk, "Quiosco Iztapalapa", central.DefaultTokenTTL, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	outboxPath := filepath.Join(t.TempDir(), "outbox.db")
	if out, err := runBin(t, fieldsim, "--db", outboxPath, "--code", code.String(), "--records", "5", "--seed", "3"); err != nil {
		t.Fatalf("fieldsim: %v\n%s", err, out)
	}
	if out, err := runBin(t, syncd, "push", "--db", outboxPath); err != nil {
		t.Fatalf("syncd push: %v\n%s", err, out)
	}

	// Three residents write proposals; the author of the one to merge has
	// also signed its target directly.
	d := s.central.NewDevice(t, record.ModeKiosk)
	c := campaignOf(t, s)
	target := c.Proposals[0]
	author := "GOMEZL80010109H400"
	proposal := func(title, text, voter string, named bool) *record.Record {
		dr := d.Draft(record.KindProposal)
		dr.Body.Proposal.Title, dr.Body.Proposal.Text, dr.Body.Proposal.Named = title, text, named
		dr.Body.Proposal.Alcaldia, dr.Body.Proposal.Theme = "iztapalapa", c.Themes[0].ID
		if voter != "" {
			dr.Body.Signer.VoterID = voter
		}
		return d.Seal(t, dr)
	}
	pub := proposal("Bebederos en cada parque", "Que cada parque tenga un bebedero de agua potable que funcione todo el año.", "", true)
	merge := proposal("Agua potable para todos", "Lo mismo que ya propusieron: agua en cada casa.", author, false)
	decline := proposal("Fuera de lugar "+hostile, "Un texto que no trata de la Constitución. "+hostile, "", false)
	direct := d.Signature(t, target.ID, author)
	d.Upload(t, [][]byte{pub.Marshal(), merge.Marshal(), decline.Marshal(), direct.Marshal()})
	fileQueue(t, s)
	signersBefore := signerCount(t, s, target.ID)
	// Three in an hour from one kiosk is plausible; with the threshold at
	// three the desk flags it, so the screenshots show the flag.
	s.central.Node.Moderation().AbuseThreshold = 3

	// The moderator signs in through the form.
	hash, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.central.Store.CreateOperator(bg, central.Operator{Name: "mona", PasswordHash: hash, Role: central.RoleModerator, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	signInAt(t, ctx, base+"/lang?to=es&back=/login", "mona")
	for _, lang := range []string{"en", "es"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/lang?to="+lang+"&back=/moderation"), chromedp.WaitVisible(chromedp.CSS("#mod-bulk"))); err != nil {
			t.Fatalf("queue (%s): %v", lang, err)
		}
		shoot(t, ctx, "desk-queue-"+lang)
		axe.check(t, ctx, "desk-queue-"+lang)
	}
	flag, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#mod-flagged")))
	if err != nil || !strings.Contains(flag, d.ID) {
		t.Errorf("the desk does not flag the device that sent 3 (%v): %q", err, flag)
	}
	// The fleet page flags it too, and links a moderator to what it sent.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/fleet"), chromedp.WaitVisible(chromedp.CSS("#device-"+d.ID+" a.badge.flag"))); err != nil {
		t.Fatalf("the fleet page does not flag the device: %v", err)
	}
	shoot(t, ctx, "fleet-flagged-es")
	axe.check(t, ctx, "fleet-flagged-es")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/moderation"), chromedp.WaitVisible(chromedp.CSS("#mod-bulk"))); err != nil {
		t.Fatal(err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.moderation tbody")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rows, hostile) {
		t.Errorf("the queue does not show the hostile title as text: %q", rows)
	}
	scripts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("script, img[src=x]").length`))
	if err != nil || scripts != 0 {
		t.Errorf("the desk holds %d script or injected image elements (%v): residents' text became HTML", scripts, err)
	}

	// Publish, with an English version.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/lang?to=en&back=/moderation/item?id="+idOf(pub)),
		chromedp.WaitVisible(chromedp.CSS("#mod-publish")),
	)
	if err != nil {
		t.Fatal(err)
	}
	axe.check(t, ctx, "desk-submission-en")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/lang?to=es&back=/moderation/item?id="+idOf(pub)),
		chromedp.WaitVisible(chromedp.CSS("#mod-publish")),
	)
	if err != nil {
		t.Fatal(err)
	}
	shoot(t, ctx, "desk-submission-es")
	axe.check(t, ctx, "desk-submission-es")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#title_en"), "Drinking fountains in every park"),
		chromedp.SendKeys(chromedp.CSS("#text_en"), "Every park gets a drinking fountain that works all year."),
		chromedp.Click(chromedp.CSS("#mod-do-publish")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}

	// Merge into the campaign's first proposal.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/moderation/item?id="+idOf(merge)),
		chromedp.WaitVisible(chromedp.CSS("#mod-merge")),
		chromedp.SetValue(chromedp.CSS("#target"), target.ID),
		chromedp.Click(chromedp.CSS("#mod-do-merge")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	)
	if err != nil {
		t.Fatalf("merge: %v", err)
	}

	// Decline, with a reason from the list and a note.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/moderation/item?id="+idOf(decline)),
		chromedp.WaitVisible(chromedp.CSS("#mod-decline")),
		chromedp.ScrollIntoView(chromedp.CSS("#mod-decline")),
	)
	if err != nil {
		t.Fatal(err)
	}
	shootElement(t, ctx, "#mod-decline", "desk-decline-es")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#mod-decline input[value="`+central.DeclineOutOfScope+`"]`)),
		chromedp.SendKeys(chromedp.CSS("#note"), "Le corresponde a la alcaldía."),
		chromedp.Click(chromedp.CSS("#mod-do-decline")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	)
	if err != nil {
		t.Fatalf("decline: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/moderation/item?id="+idOf(decline)), chromedp.WaitVisible(chromedp.CSS("#sub-decision"))); err != nil {
		t.Fatal(err)
	}
	axe.check(t, ctx, "desk-decided-es")

	for id, want := range map[[16]byte]string{pub.ID: central.SubmissionPublished, merge.ID: central.SubmissionMerged, decline.ID: central.SubmissionDeclined} {
		sub, err := s.central.Store.Submission(bg, id)
		if err != nil || sub.Status != want || sub.DecidedBy != "mona" {
			t.Errorf("submission %s: %+v, %v; want %s by mona", sub.SubjectID, sub.Status, err, want)
		}
	}
	if n := signerCount(t, s, target.ID); n != signersBefore {
		t.Errorf("the merged author, who had signed the target, made it %d signers from %d: counted twice", n, signersBefore)
	}
	if n := signerCount(t, s, pub.SubjectID); n != 1 {
		t.Errorf("the published proposal has %d signers, want its author", n)
	}

	// The authors' receipts, in a fresh browser tab with no session.
	newest := campaignOf(t, s)
	for _, rc := range []struct {
		r          *record.Record
		name, want string
	}{
		{pub, "receipt-published-es", "Publicada como «Bebederos en cada parque»"},
		{merge, "receipt-merged-es", "Unida a la propuesta «" + newest.Proposals[0].Title.Get("es") + "»"},
		{decline, "receipt-declined-es", "Motivo: " + es.T("mod.reason.out_of_scope")},
	} {
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/receipt"),
			chromedp.WaitVisible(chromedp.CSS("#code")),
			chromedp.SendKeys(chromedp.CSS("#code"), record.ReceiptCode(rc.r.ID)),
			chromedp.Submit(chromedp.CSS("#code")),
			chromedp.WaitVisible(chromedp.CSS("#receipt-result")),
		)
		if err != nil {
			t.Fatalf("%s: %v", rc.name, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#receipt-result")))
		if err != nil || !strings.Contains(got, rc.want) {
			t.Errorf("%s says %q (%v), want %q", rc.name, got, err, rc.want)
		}
		if strings.Contains(got, "Le corresponde") || strings.Contains(got, "mona") {
			t.Errorf("%s shows the moderator's note or name: %q", rc.name, got)
		}
		shoot(t, ctx, rc.name)
		axe.check(t, ctx, rc.name)
	}

	// A real syncd pulls the new version: its outbox's campaign lists the
	// published proposal, in both languages.
	pulled := pullCampaign(t, syncd, outboxPath, newest.Version)
	p := pulled.Proposal(pub.SubjectID)
	if p == nil || p.Title["en"] != "Drinking fountains in every park" || p.Alcaldia != "iztapalapa" || p.Author == "" {
		t.Errorf("the device's campaign version %d has the published proposal as %+v", pulled.Version, p)
	}
	if pulled.Proposal(decline.SubjectID) != nil || pulled.Proposal(merge.SubjectID) != nil {
		t.Error("the device's campaign lists a declined or merged submission")
	}
}

func signerCount(t *testing.T, s *site, id string) int64 {
	t.Helper()
	got, err := s.central.Store.SignerCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return got[id]
}

// shootElement saves a screenshot of one element into $VOCES_SHOTS, when
// set.
func shootElement(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	dir := os.Getenv("VOCES_SHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
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

// pullCampaign runs `syncd run` until the outbox holds campaign version
// want (syncd pulls content as it starts), then stops it with SIGTERM as
// its service does, and returns what the outbox holds.
func pullCampaign(t *testing.T, syncd, path string, want int) *campaign.Campaign {
	t.Helper()
	cmd := exec.Command(syncd, "run", "--db", path, "-q")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	store, err := outbox.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(30 * time.Second)
	for {
		sc, err := store.LatestCampaign(context.Background())
		if err == nil && sc.Version >= want {
			c, err := campaign.Parse("outbox campaign", sc.Content)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("syncd did not store campaign version %d in 30 s", want)
		}
	}
}
