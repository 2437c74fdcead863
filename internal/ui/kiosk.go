// Package ui is the kiosk's touchscreen app: the screens a passer-by walks
// through (attract, language, home, survey, supporting a proposal,
// registering for an assembly, commenting on a draft article, the receipt),
// the forgetting that wipes one person's input before the next arrives, and
// the technician's door behind a hidden gesture and a PIN.
//
// The kiosk never touches the network. It reads campaign content and sync
// status from the device's outbox and writes finished records to it.
//
// Where things are: kiosk.go runs the window, the session and forgetting;
// session.go holds one person's drafts. Everything a person does that ends
// in a record is a flow (flow.go says what a flow is and how to add one):
// flow_survey.go, flow_sign.go (the public kiosk's and the canvasser's
// attendees' signing, defined once), flow_register.go, flow_comment.go,
// flow_propose.go and flow_organise.go (what residents bring, offered only
// when the campaign's central takes it), made of the step types of
// steps.go. save.go is the one path from a draft
// to the outbox, explain.go the sentences for what the kiosk cannot take,
// and screen_outcomes.go the screens a save ends on. Canvasser mode is in
// the canvass*.go files (canvass_assembly.go: an impromptu assembly); controls.go is the control factory every screen
// builds its widgets with, frame.go the furniture around each screen.
package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"fyne.io/fyne/v2"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/speech"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Timing defaults.
const (
	DefaultIdle      = 45 * time.Second // no input before "are you still there?"
	DefaultCountdown = 15 * time.Second // that prompt's countdown
	DefaultSavedFor  = 20 * time.Second // the receipt stays up this long

	retryEvery    = 5 * time.Second  // out of service: try saving again
	statusEvery   = 10 * time.Second // refresh the status strip
	campaignEvery = 30 * time.Second // at attract: look for new campaign content
	rotateEvery   = 7 * time.Second  // attract highlights
	setupEvery    = 5 * time.Second  // not set up: look for enrollment
)

// Config is how a kiosk is set up. Zero values take the device settings,
// then the defaults.
type Config struct {
	Mode      string        // record.ModeKiosk or ModeCanvasser; "" takes the enrolled mode
	Lang      i18n.Lang     // language each person starts in; "" takes the setting
	Look      *Look         // look each person starts with; nil takes the settings
	Idle      time.Duration // before "are you still there?"
	Countdown time.Duration // that prompt's countdown
	SavedFor  time.Duration // how long the receipt stays up

	// Now is the clock; tests replace it and drive time with Tick.
	Now func() time.Time
	// Tools are the technician screens plugged into the technician menu.
	Tools []TechTool
	// CodeDirs are searched, besides /media and /run/media, for files
	// holding a provisioning code, for the setup wizard.
	CodeDirs []string
	// Fleet is a full provisioning code of the fleet's central (spent or
	// not), given once per fleet; with it the wizard takes short codes.
	Fleet string
	// OnExit runs when a technician chooses "exit kiosk"; nil quits the app.
	OnExit func()
	// Logger gets operational events, never personal data.
	Logger *slog.Logger
	// OnFirstFrame, if set, runs on the render thread when the window's
	// content is first painted: start-up measurements hang off it.
	OnFirstFrame func()
	// Speaker says the spoken guidance; nil opens espeak-ng as the device
	// setting handoff.SettingSpeechDir says (speech.Open). Tests pass a
	// speech.Recorder.
	Speaker speech.Speaker
	// Keypad starts every person as if they had pressed a key: each
	// screen opens with its first control focused (screenshots of the
	// focus outline).
	Keypad bool
	// SpeechDir, when set, overrides the device setting
	// handoff.SettingSpeechDir: spoken guidance goes to WAV files there.
	SpeechDir string
}

// Kiosk is the running app: one window, one person at a time.
type Kiosk struct {
	app   fyne.App
	win   fyne.Window
	store Store
	cfg   Config
	now   func() time.Time
	log   *slog.Logger
	pin   *pinguard.Guard

	mode      string        // record mode of the drafts
	defLang   i18n.Lang     // each person starts in it
	defLook   Look          // each person starts with it
	idle      time.Duration // before the prompt
	countdown time.Duration // prompt length

	ident *outbox.Identity   // nil until enrolled
	camp  *campaign.Campaign // nil until there is verified content

	sess *session // the person at the screen
	cur  screen   // what is shown
	live []func() // wipers of the input widgets on screen
	fr   *frame   // window furniture around the screen

	lastInput time.Time // last touch, key or stroke
	promptEnd time.Time // non-zero while "are you still there?" is up
	lastTick  struct{ status, campaign, rotate, retry, setup time.Time }

	// Out of service: what is waiting to be saved, and what the flow that
	// made it shows once it is saved, or refused as a duplicate (the kiosk
	// receipt, or the canvasser's hub for the next attendee).
	pending          *record.Draft
	pendingSaved     func(*record.Record)
	pendingDuplicate func()

	canv     *canvass    // canvasser mode: who is signed in and where; nil when locked
	canvLock canvassLock // canvasser mode: wrong PINs
	canvPrev *canvass    // canvasser mode: the last sign-in's assembly and proposals, for signing in again

	pub publishState // what central published back: the proposal index, the city-wide count shown

	// Spoken guidance and the keypad (speech.go, keypad.go).
	speaker      speech.Speaker
	hooks        *widgets.Hooks  // every control's keys and focus come here
	tiles        []*widgets.Tile // the options on screen, in order
	renders      int             // screens put up so far: a tap that shows a new one says nothing itself
	rendering    bool            // a screen is being built: it is announced once it is up
	quietFocus   bool            // the focus is being moved by something that says more
	heldMessages []string        // messages shown while the screen was built, said after it
	saidLeft     int             // the idle countdown's seconds last said
}

// New builds the kiosk in a new window of app. It reads the device
// settings and the campaign, and shows the attract screen (or the "not set
// up" screen). Call Start to run its clock.
func New(app fyne.App, store Store, cfg Config) *Kiosk {
	k := &Kiosk{app: app, store: store, cfg: cfg, now: cfg.Now, log: cfg.Logger}
	if k.now == nil {
		k.now = time.Now
	}
	if k.log == nil {
		k.log = slog.New(slog.DiscardHandler)
	}
	k.pin = pinguard.New(store)
	k.pin.Now = k.now
	k.win = app.NewWindow("Voces")
	k.win.SetPadded(false)
	k.readSettings()
	k.openSpeaker()
	k.hooks = k.newHooks()
	k.sess = newSession(k.defLang, k.defLook)
	k.sess.keypad = k.cfg.Keypad
	k.applyLook()
	k.fr = newFrame(k)
	k.win.SetContent(k.fr.root)
	k.win.Resize(fyne.NewSize(1280, 800))
	k.installKeys()
	k.lastInput = k.now()
	k.rememberFleet(cfg.Fleet)
	k.reload()
	return k
}

// Window is the kiosk's window.
func (k *Kiosk) Window() fyne.Window { return k.win }

// Start runs the kiosk's clock: once a second, on the UI goroutine, it
// advances idle timeouts, retries, the attract rotation and the status
// strip. It returns at once; the clock stops when ctx is done.
func (k *Kiosk) Start(ctx context.Context) {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fyne.Do(k.Tick)
			}
		}
	}()
}

func (k *Kiosk) readSettings() {
	ctx := context.Background()
	get := func(key string) string {
		v, err := k.store.Setting(ctx, key, "")
		if err != nil {
			k.log.Warn("read setting", "key", key, "err", err)
		}
		return v
	}
	k.defLang = k.cfg.Lang
	if k.defLang == "" {
		k.defLang = i18n.Spanish
		if v := get(handoff.SettingLang); v != "" {
			if l, err := i18n.Parse(v); err == nil {
				k.defLang = l
			}
		}
	}
	if k.cfg.Look != nil {
		k.defLook = *k.cfg.Look
	} else {
		k.defLook = Look{LargeText: get(handoff.SettingLargeText) == "1", HighContrast: get(handoff.SettingHighContrast) == "1"}
	}
	dur := func(flag time.Duration, key string, def time.Duration) time.Duration {
		if flag > 0 {
			return flag
		}
		if d, err := time.ParseDuration(get(key)); err == nil && d > 0 {
			return d
		}
		return def
	}
	k.idle = dur(k.cfg.Idle, handoff.SettingIdle, DefaultIdle)
	k.countdown = dur(k.cfg.Countdown, handoff.SettingCountdown, DefaultCountdown)
	if k.cfg.SavedFor <= 0 {
		k.cfg.SavedFor = DefaultSavedFor
	}
}

// reload reads the device identity and campaign and shows what fits: the
// attract screen, or why the kiosk cannot work yet.
func (k *Kiosk) reload() {
	ctx := context.Background()
	id, err := k.store.Identity(ctx)
	switch {
	case errors.Is(err, outbox.ErrNotEnrolled):
		k.ident, k.camp = nil, nil
		k.showSetup()
		return
	case err != nil:
		k.log.Error("read identity", "err", err)
		if _, ok := k.cur.(*outOfServiceScreen); !ok {
			k.show(&outOfServiceScreen{k: k})
		}
		return
	}
	k.ident = id
	k.mode = k.cfg.Mode
	if k.mode == "" {
		k.mode = id.Mode
	}
	if k.mode != record.ModeCanvasser {
		k.mode = record.ModeKiosk
	}
	if err := k.loadCampaign(ctx); err != nil {
		k.log.Error("load campaign", "err", err)
		if k.camp == nil {
			reason := "setup.reason.campaign"
			if !errors.Is(err, outbox.ErrNoCampaign) {
				reason = "setup.reason.badcampaign"
			}
			k.showNotSetup(reason)
			return
		}
	}
	// A device enrolled from a shell without a technician PIN does not
	// collect: the technician menu would belong to whoever made the
	// corner gesture first. syncd sets one (syncd pin, or enroll
	// --pin-file), and this screen looks again every few seconds.
	switch set, err := k.pin.IsSet(ctx); {
	case err != nil:
		k.log.Error("read technician pin", "err", err)
		k.showNotSetup("setup.reason.pinunreadable")
		return
	case !set:
		k.showNotSetup("setup.reason.nopin")
		return
	}
	k.show(k.restScreen())
}

// showNotSetup shows why the device cannot work yet, unless it already
// does: the screen is re-checked every few seconds and must not flicker.
func (k *Kiosk) showNotSetup(reason string) {
	if s, ok := k.cur.(*notSetupScreen); ok && s.reason == reason {
		return
	}
	k.show(&notSetupScreen{k: k, reason: reason})
}

// loadCampaign reads the newest campaign from the outbox and uses it if it
// is newer than the one in use, signed by central and for this device's
// campaign. It is called only between two people.
func (k *Kiosk) loadCampaign(ctx context.Context) error {
	sc, err := k.store.LatestCampaign(ctx)
	if err != nil {
		return err
	}
	if k.camp != nil && sc.Version <= k.camp.Version {
		return nil
	}
	// syncd verified it before storing; check again, since a file that
	// anyone could write to would otherwise decide what the kiosk shows.
	if !protocol.VerifyCampaign(k.ident.ServerKey, sc.Version, sc.Content, sc.Signature) {
		return fmt.Errorf("campaign version %d: bad signature", sc.Version)
	}
	c, err := campaign.Parse("campaign v"+strconv.Itoa(sc.Version), sc.Content)
	if err != nil {
		return fmt.Errorf("campaign version %d: %w", sc.Version, err)
	}
	if c.Version != sc.Version || (k.ident.CampaignID != "" && c.ID != k.ident.CampaignID) {
		return fmt.Errorf("campaign version %d: content is %s v%d, device is enrolled in %s",
			sc.Version, c.ID, c.Version, k.ident.CampaignID)
	}
	if k.camp != nil {
		k.log.Info("campaign updated", "from", k.camp.Version, "to", c.Version)
	}
	k.camp = c
	return nil
}

// Touch records input: the idle timer starts again.
func (k *Kiosk) Touch() {
	k.lastInput = k.now()
}

// lang is the language on screen.
func (k *Kiosk) lang() i18n.Lang { return k.sess.lang }

// T is a message in the language on screen.
func (k *Kiosk) T(id string) string { return k.sess.lang.T(id) }

// F is a formatted message in the language on screen.
func (k *Kiosk) F(id string, args ...any) string { return k.sess.lang.F(id, args...) }

// text is campaign text in the language on screen.
func (k *Kiosk) text(t campaign.Text) string { return t.Get(string(k.sess.lang)) }

// show replaces the screen. The widgets of the screen being left are
// wiped before the new one is built.
func (k *Kiosk) show(s screen) {
	k.cur = s
	k.render()
}

// render builds the current screen from the session, as after a language
// or look switch.
func (k *Kiosk) render() {
	k.wipeLive()
	k.rendering, k.tiles, k.heldMessages = true, nil, nil
	k.renders++
	v := k.cur.view()
	k.fr.set(v)
}

// addWiper registers how to empty an input widget of the current screen.
func (k *Kiosk) addWiper(f func()) { k.live = append(k.live, f) }

// wipeLive empties every input widget of the screen on display, so
// nothing lingers in widgets that Fyne may keep in its caches.
func (k *Kiosk) wipeLive() {
	for _, f := range k.live {
		f()
	}
	clear(k.live)
	k.live = k.live[:0]
}

// forget ends the session: every field, selection and stroke is wiped, a
// fresh session starts in the device's defaults, and the attract screen
// comes back, with new campaign content if any arrived.
func (k *Kiosk) forget() {
	// Nothing said for this person reaches the next: speech stops, and
	// any audio kept of it goes, before anything else is shown.
	k.speaker.Forget()
	k.wipeLive()
	k.dropPending()
	k.sess.wipe()
	// Settings a technician changed apply from the next person on.
	k.readSettings()
	k.sess = newSession(k.defLang, k.defLook)
	k.sess.keypad = k.cfg.Keypad
	k.canvassSignOut()
	k.promptEnd = time.Time{}
	k.fr.hidePrompt()
	k.win.Canvas().Unfocus()
	k.applyLook()
	if k.ident == nil || k.camp == nil {
		k.reload()
		return
	}
	if err := k.loadCampaign(context.Background()); err != nil {
		k.log.Error("load campaign", "err", err)
	}
	k.show(k.restScreen())
}

// StartOver is the "start over" button: it asks first when the person has
// typed or chosen something, then forgets.
func (k *Kiosk) StartOver() {
	k.Touch()
	forget := k.forget
	if k.canv != nil && k.canv.attending {
		// A canvasser's attendee starting over: back to the hub, still
		// signed in.
		forget = k.canvassAbandon
	}
	if !k.sess.dirty() {
		forget()
		return
	}
	k.fr.showConfirm(k.T("startover.confirm"), k.T("startover.yes"), k.T("startover.no"), forget)
}

// SetLang switches the language on screen, keeping everything typed.
func (k *Kiosk) SetLang(l i18n.Lang) {
	k.Touch()
	k.sess.lang = l
	k.render()
	k.fr.refreshStatus()
}

// ToggleLargeText switches large text for this person.
func (k *Kiosk) ToggleLargeText() {
	k.Touch()
	k.sess.look.LargeText = !k.sess.look.LargeText
	k.applyLook()
	k.render()
}

// ToggleHighContrast switches high contrast for this person.
func (k *Kiosk) ToggleHighContrast() {
	k.Touch()
	k.sess.look.HighContrast = !k.sess.look.HighContrast
	k.applyLook()
	k.render()
}

func (k *Kiosk) applyLook() {
	if t, ok := k.app.Settings().Theme().(*Theme); ok && t.Look() == k.sess.look {
		return
	}
	k.app.Settings().SetTheme(NewTheme(k.sess.look))
}

// installKeys lets a physical keyboard type into the field on screen even
// when a tap on an on-screen key took the focus away from it, and makes
// Enter the primary action.
func (k *Kiosk) installKeys() {
	// With no control focused, keys land on the canvas; the kiosk's
	// controls pass on the keys they do not use to the same handlers
	// (keypad.go). Over a prompt nothing types into the field underneath,
	// and someone typing is clearly still there, so "are you still
	// there?" goes away.
	c := k.win.Canvas()
	c.SetOnTypedRune(func(r rune) {
		if !k.typedRune(r) {
			if kb := k.fr.keyboard; kb != nil && kb.Target() != nil {
				kb.Press(r)
			}
		}
	})
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		if k.key(e) {
			return
		}
		switch e.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			k.hush()
			k.fr.primary()
		case fyne.KeyBackspace:
			if kb := k.fr.keyboard; kb != nil {
				kb.Backspace()
			}
		}
	})
}

// screenKind names a screen for the idle policy, tests and screenshots.
type screenKind string

// Screens.
const (
	kindAttract      screenKind = "attract"
	kindLanguage     screenKind = "language"
	kindHome         screenKind = "home"
	kindSurveyIntro  screenKind = "survey-intro"
	kindQuestion     screenKind = "survey-question"
	kindSurveyReview screenKind = "survey-review"
	kindBrowse       screenKind = "proposals"
	kindPickTheme    screenKind = "proposals-theme"
	kindPickArea     screenKind = "proposals-alcaldia"
	kindSearch       screenKind = "proposals-search"
	kindProposal     screenKind = "proposal"
	kindSignName     screenKind = "sign-name"
	kindSignID       screenKind = "sign-voterid"
	kindSignArea     screenKind = "sign-alcaldia"
	kindSignConsent  screenKind = "sign-consent"
	kindSignPad      screenKind = "sign-signature"
	kindSignReview   screenKind = "sign-review"
	kindDuplicate    screenKind = "sign-duplicate"
	kindEvents       screenKind = "events"
	kindRegName      screenKind = "register-name"
	kindRegContact   screenKind = "register-contact"
	kindRegConsent   screenKind = "register-consent"
	kindRegReview    screenKind = "register-review"
	kindArticles     screenKind = "articles"
	kindArticle      screenKind = "article"
	kindCommentText  screenKind = "comment-text"
	kindCommentName  screenKind = "comment-name"
	kindCommentArea  screenKind = "comment-alcaldia"
	kindCommentRev   screenKind = "comment-review"
	kindSaved        screenKind = "saved"
	kindOutOfService screenKind = "out-of-service"
	kindNotSetUp     screenKind = "not-set-up"
	kindPIN          screenKind = "tech-pin"
	kindTechMenu     screenKind = "tech-menu"
	kindTechTool     screenKind = "tech-tool"
)

// idlePolicy is what a long time without input does on a screen.
type idlePolicy int

const (
	idleAsk    idlePolicy = iota // "are you still there?", then forget
	idleReturn                   // back to attract at once: nothing to lose
	idleNever                    // stay: attract, not set up, out of service
)

// screen is one screen of the kiosk. view builds its widgets from the
// session; it is called again whenever the language or look changes.
type screen interface {
	kind() screenKind
	view() *view
}
