package ui

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

func TestDiskFullShowsOutOfServiceAndKeepsTrying(t *testing.T) {
	test.NewTempApp(t)
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	store := &failingStore{Store: dev.Store}
	r := newRigOn(t, dev, store, Config{})
	r.begin(i18n.Spanish)
	r.k.sess.comment.article = r.k.camp.Articles[0].ID
	r.k.sess.comment.text = "Que se escuche a los barrios"
	r.k.show(r.k.commenting().stepOf(kindCommentRev))

	store.full = true
	r.next()
	r.expect(kindOutOfService)
	if got := screenAs[*outOfServiceScreen](r).state.Text; got != i18n.Spanish.T("oos.pending") {
		t.Fatalf("out of service says %q, want that nothing was saved yet", got)
	}
	for text := range textsOn(r.k.win.Canvas()) {
		if strings.Contains(text, i18n.Spanish.T("saved.code")) || strings.Contains(text, "Gracias") {
			t.Fatalf("unsaved input is reported as saved: %q", text)
		}
	}
	if n := len(r.records()); n != 0 {
		t.Fatalf("%d records stored while the disk was full", n)
	}
	// Still full: it keeps trying, and keeps the input, without asking
	// "are you still there?".
	for range 20 {
		r.tick(retryEvery)
	}
	r.expect(kindOutOfService)
	if r.k.pending == nil || r.k.pending.Body.Comment.Text != "Que se escuche a los barrios" {
		t.Fatal("the input was dropped while out of service")
	}

	store.full = false
	r.tick(retryEvery)
	r.expect(kindSaved)
	rec, body := r.onlyRecord()
	if body.Comment.Text != "Que se escuche a los barrios" {
		t.Fatalf("saved comment %q", body.Comment.Text)
	}
	if got := screenAs[*savedScreen](r).code.Text; got != record.ReceiptCode(rec.ID) {
		t.Fatalf("receipt %q, want %q", got, record.ReceiptCode(rec.ID))
	}
	if r.k.pending != nil || r.k.sess.comment.text != "" {
		t.Fatal("the input stays in memory after it was saved")
	}
}

func TestStartOverWhileOutOfServiceForgetsThePendingInput(t *testing.T) {
	test.NewTempApp(t)
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	store := &failingStore{Store: dev.Store, full: true}
	r := newRigOn(t, dev, store, Config{})
	r.begin(i18n.Spanish)
	r.k.sess.comment.article = r.k.camp.Articles[0].ID
	r.k.sess.comment.text = secretText
	r.k.show(r.k.commenting().stepOf(kindCommentRev))
	r.next()
	r.expect(kindOutOfService)
	test.Tap(r.k.fr.start)
	test.Tap(r.k.fr.promptYes)
	r.expect(kindAttract)
	if found := leaks(r.k, secretText); len(found) > 0 {
		t.Fatalf("pending input survives start over: %v", found)
	}
	store.full = false
	r.tick(retryEvery)
	if n := len(r.records()); n != 0 {
		t.Fatalf("a forgotten draft was saved later: %d records", n)
	}
}

func TestUnenrolledDeviceOpensTheSetupWizard(t *testing.T) {
	test.NewTempApp(t)
	path := t.TempDir() + "/outbox.db"
	store, err := outbox.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	r := newRigOn(t, nil, store, Config{})
	r.expect(kindSetupCode)
	shown := textsOn(r.k.win.Canvas())
	if _, ok := shown[i18n.Spanish.T("setup.code.help")]; !ok {
		t.Fatalf("the setup wizard does not say what to type: %v", shown)
	}
	r.tick(setupEvery)
	r.expect(kindSetupCode)

	// Enrolled from a shell meanwhile: the kiosk comes up by itself.
	store.Close()
	outboxtest.NewEnrolledAt(t, path, record.ModeKiosk)
	store2, err := outbox.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store2.Close() })
	r.k.store = store2
	r.k.pin = pinguard.New(store2)
	r.k.pin.Params = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	// syncd enroll --pin-file set the technician PIN too.
	if err := r.k.pin.Set(context.Background(), rigPIN); err != nil {
		t.Fatal(err)
	}
	r.tick(setupEvery)
	r.expect(kindAttract)
}

func TestCampaignWithABadSignatureIsNotShown(t *testing.T) {
	test.NewTempApp(t)
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	ctx := context.Background()
	// A newer version someone wrote into the file without central's key.
	if err := dev.Store.SaveCampaign(ctx, outbox.StoredCampaign{
		Version: dev.Campaign.Version + 1, Content: retitled(t, dev.Campaign.Version+1, "Forged"), Signature: []byte("forged"),
	}); err != nil {
		t.Fatal(err)
	}
	r := newRigOn(t, dev, dev.Store, Config{})
	r.expect(kindNotSetUp)
	if s := screenAs[*notSetupScreen](r); s.reason != "setup.reason.badcampaign" {
		t.Fatalf("reason %q", s.reason)
	}
}

// retitled is the default campaign as a new version with another title.
func retitled(t *testing.T, version int, title string) []byte {
	t.Helper()
	var c map[string]any
	if err := json.Unmarshal(assets.DefaultCampaign, &c); err != nil {
		t.Fatal(err)
	}
	c["version"] = version
	c["title"] = map[string]string{"es": title, "en": title}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCampaignUpdateWaitsForTheNextPerson(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	r.k.sess.sign.proposal = r.k.camp.Proposals[0].ID
	r.k.show(r.k.kioskSigning().stepOf(kindSignName))
	r.typeKeys("Ana")

	v := r.dev.Campaign.Version + 1
	content := retitled(t, v, "Nueva versión")
	err := r.dev.Store.SaveCampaign(context.Background(), outbox.StoredCampaign{
		Version: v, Content: content, Signature: protocol.SignCampaign(r.dev.ServerKey, v, content),
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		r.tick(campaignEvery)
		r.typeKeys("a") // still there
	}
	if r.k.camp.Version != r.dev.Campaign.Version {
		t.Fatal("the campaign changed in the middle of a session")
	}
	if r.field().Text != "Anaaaaaa" {
		t.Fatalf("the name became %q", r.field().Text)
	}
	test.Tap(r.k.fr.start)
	test.Tap(r.k.fr.promptYes)
	r.expect(kindAttract)
	if r.k.camp.Version != v {
		t.Fatalf("at attract the campaign is version %d, want %d", r.k.camp.Version, v)
	}
	if _, ok := textsOn(r.k.win.Canvas())["Nueva versión"]; !ok {
		t.Fatal("the attract screen does not show the new title")
	}
}

func TestCampaignUpdateArrivesWhileIdleAtAttract(t *testing.T) {
	r := newRig(t, Config{})
	v := r.dev.Campaign.Version + 1
	content := retitled(t, v, "Otra versión")
	if err := r.dev.Store.SaveCampaign(context.Background(), outbox.StoredCampaign{
		Version: v, Content: content, Signature: protocol.SignCampaign(r.dev.ServerKey, v, content),
	}); err != nil {
		t.Fatal(err)
	}
	r.tick(campaignEvery)
	if r.k.camp.Version != v {
		t.Fatal("the attract screen did not pick up the new campaign")
	}
	r.expect(kindAttract)
}

func TestAttractShowsTodayAndRotates(t *testing.T) {
	r := newRig(t, Config{})
	a := screenAs[*attractScreen](r)
	if got := a.today.Text; got != i18n.Spanish.N("attract.today", 0) {
		t.Fatalf("today line %q", got)
	}
	first := a.hlTitle.Text
	r.tick(rotateEvery)
	if a.hlTitle.Text == first {
		t.Fatal("the highlight did not rotate")
	}
	r.tick(time.Hour)
	r.expect(kindAttract) // attract never times out
}

func TestStatusStripShowsPendingAndLastSync(t *testing.T) {
	r := newRig(t, Config{})
	ctx := context.Background()
	if got := r.k.fr.status.Text; got != "0 registros por enviar · sin sincronizar todavía" {
		t.Fatalf("status %q", got)
	}
	r.k.sess.comment.article = r.k.camp.Articles[0].ID
	r.k.sess.comment.text = "Hola"
	r.k.show(r.k.commenting().stepOf(kindCommentRev))
	r.next()
	if err := r.dev.Store.SetSyncStatus(ctx, outbox.SyncStatus{LastSuccess: testNow.Add(-30 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	r.tick(statusEvery)
	if got := r.k.fr.status.Text; got != "1 registro por enviar · última sincronización: hoy 10:00" {
		t.Fatalf("status %q", got)
	}
	if err := r.dev.Store.SetSyncStatus(ctx, outbox.SyncStatus{Stopped: "revoked"}); err != nil {
		t.Fatal(err)
	}
	r.tick(statusEvery)
	if !strings.Contains(r.k.fr.status.Text, "técnico") {
		t.Fatalf("a stopped sync is not flagged: %q", r.k.fr.status.Text)
	}
}

// gesture taps the hidden corner five times in quick succession.
func gesture(r *rig) {
	for range 5 {
		r.clock.Advance(300 * time.Millisecond)
		test.Tap(r.k.fr.corner)
	}
}

func typePIN(r *rig, pin string) {
	r.t.Helper()
	r.typeKeys(pin)
	r.next()
}

// TestTechnicianChangesThePINThenExits: the gesture asks for the PIN the
// device was enrolled with; from the menu the technician sets a new one,
// typed twice.
func TestTechnicianChangesThePINThenExits(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	r.k.sess.sign.proposal = r.k.camp.Proposals[0].ID
	r.k.show(r.k.kioskSigning().stepOf(kindSignName))
	r.typeKeys(secretName)
	gesture(r)
	r.expect(kindPIN)
	if found := leaks(r.k, secretName); len(found) > 0 {
		t.Fatalf("the technician's gesture keeps the passer-by's input: %v", found)
	}
	if screenAs[*pinScreen](r).create {
		t.Fatal("the gesture offers to set a new PIN")
	}
	typePIN(r, rigPIN)
	r.expect(kindTechMenu)
	r.tapText(i18n.Spanish.T("tech.changepin"))
	r.expect(kindPIN)
	if !screenAs[*pinScreen](r).create {
		t.Fatal("changing the PIN does not ask for a new one")
	}
	typePIN(r, "12345")
	if got := r.message(); got != i18n.Spanish.F("pin.format", pinguard.MinLength, pinguard.MaxLength) {
		t.Fatalf("short PIN: message %q", got)
	}
	typePIN(r, "135790")
	typePIN(r, "135791")
	if got := r.message(); got != i18n.Spanish.T("pin.mismatch") {
		t.Fatalf("mismatched PINs: message %q", got)
	}
	typePIN(r, "135790")
	typePIN(r, "135790")
	r.expect(kindTechMenu)
	stored, _ := r.dev.Store.Setting(context.Background(), handoff.SettingTechPIN, "")
	if ok, err := pinguard.Verify(stored, "135790"); !ok || err != nil || strings.Contains(stored, "135790") {
		t.Fatalf("stored PIN %q is not an argon2id hash of the PIN", stored)
	}
	test.Tap(screenAs[*techMenu](r).exit)
	if !r.k.fr.promptShown() {
		t.Fatal("exit did not ask to confirm")
	}
	test.Tap(r.k.fr.promptYes)
	if r.exits != 1 {
		t.Fatalf("exit ran %d times, want 1", r.exits)
	}
}

func TestPINLocksAfterFiveFailures(t *testing.T) {
	r := newRig(t, Config{})
	g := pinguard.New(r.dev.Store)
	g.Params = r.k.pin.Params
	if err := g.Set(context.Background(), "246810"); err != nil {
		t.Fatal(err)
	}
	gesture(r)
	r.expect(kindPIN)
	for i := 1; i <= 4; i++ {
		typePIN(r, "000000")
		if got, want := r.message(), i18n.Spanish.N("pin.wrong", 5-i); got != want {
			t.Fatalf("failure %d: message %q, want %q", i, got, want)
		}
		if r.field().Text != "" {
			t.Fatal("a wrong PIN stays in the field")
		}
	}
	typePIN(r, "000000")
	if !strings.Contains(r.message(), "Bloqueado hasta hoy 10:3") {
		t.Fatalf("fifth failure: message %q, want locked", r.message())
	}
	typePIN(r, "246810")
	r.expect(kindPIN)

	// Restarting the kiosk does not lift the lockout.
	r2 := newRigOn(t, r.dev, r.dev.Store, Config{})
	r2.clock.t = r.clock.t
	gesture(r2)
	typePIN(r2, "246810")
	r2.expect(kindPIN)
	if !strings.Contains(r2.message(), "Bloqueado") {
		t.Fatalf("after a restart: message %q, want still locked", r2.message())
	}
	r2.clock.Advance(pinguard.DefaultCooldown)
	typePIN(r2, "246810")
	r2.expect(kindTechMenu)
}

func TestTechnicianToolsPlugIn(t *testing.T) {
	opened := 0
	tool := TechTool{
		ID: "health",
		Title: func(l i18n.Lang) string {
			return map[i18n.Lang]string{i18n.Spanish: "Salud", i18n.English: "Health"}[l]
		},
		Build: func(h TechHost) fyne.CanvasObject {
			opened++
			if h.Store() == nil || h.Window() == nil {
				t.Error("the tool gets no store or window")
			}
			return caption("ok")
		},
	}
	r := newRig(t, Config{Tools: []TechTool{tool}})
	g := pinguard.New(r.dev.Store)
	g.Params = r.k.pin.Params
	if err := g.Set(context.Background(), "246810"); err != nil {
		t.Fatal(err)
	}
	gesture(r)
	typePIN(r, "246810")
	r.tapText("Salud")
	r.expect(kindTechTool)
	if opened != 1 {
		t.Fatalf("tool built %d times", opened)
	}
	test.Tap(r.k.fr.back)
	r.expect(kindTechMenu)
	// Technicians who walk away are logged out too.
	r.tick(DefaultIdle)
	r.expect(kindAttract)
}
