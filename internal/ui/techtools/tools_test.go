package techtools

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/bundle"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
	"github.com/voces-cdmx/voces/internal/ui"
)

var testNow = time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)

// host is the kiosk as a tool sees it.
type host struct {
	app     fyne.App
	win     fyne.Window
	store   ui.Store
	reloads int
}

func (h *host) App() fyne.App       { return h.app }
func (h *host) Window() fyne.Window { return h.win }
func (h *host) Store() ui.Store     { return h.store }
func (h *host) Lang() i18n.Lang     { return i18n.Spanish }
func (h *host) Touch()              {}
func (h *host) Back()               {}
func (h *host) Reload()             { h.reloads++ }
func (h *host) Exit()               {}

var _ ui.TechHost = (*host)(nil)

func newHost(t *testing.T, store ui.Store) *host {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	return &host{app: a, win: w, store: store}
}

// show puts a tool's screen in the window, as the kiosk does.
func (h *host) show(o fyne.CanvasObject) { h.win.SetContent(o) }

func fill(t *testing.T, store *outbox.Store, c *campaign.Campaign, n int, seed uint64) {
	t.Helper()
	if _, err := fieldsim.Fill(context.Background(), store, fieldsim.New(c, record.ModeKiosk, seed), n); err != nil {
		t.Fatal(err)
	}
}

func opts() Options { return Options{Now: func() time.Time { return testNow }, Versions: "voces test"} }

func TestToolsAreAllTitledInBothLanguages(t *testing.T) {
	for _, tool := range Tools(opts()) {
		for _, l := range i18n.Langs {
			if title := tool.Title(l); title == "" || strings.HasPrefix(title, "tool.") {
				t.Errorf("tool %s has no %s title: %q", tool.ID, l, title)
			}
		}
	}
}

func TestHealthShowsTheQueue(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	fill(t, dev.Store, dev.Campaign, 12, 1)
	h := newHost(t, dev.Store)
	s := newHealth(h, opts())
	h.show(s.root)
	texts := labels(s.rows)
	// 12 pending and syncd has not scheduled a try yet: said calmly, not
	// "never".
	for _, want := range []string{dev.Identity.DeviceID, "12", "voces test", i18n.Spanish.T("tool.never"), i18n.Spanish.T("tool.health.next.soon")} {
		if !contains(texts, want) {
			t.Errorf("health does not show %q: %q", want, texts)
		}
	}
}

func TestHealthIsCalmWithNothingPending(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	h := newHost(t, dev.Store)
	s := newHealth(h, opts())
	h.show(s.root)
	if texts := labels(s.rows); !contains(texts, i18n.Spanish.T("tool.health.next.idle")) {
		t.Errorf("a healthy device with nothing pending shows %q", texts)
	}
}

func TestSettingsOffersTheCanvasserSession(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeCanvasser)
	h := newHost(t, dev.Store)
	s := newSettings(h, opts())
	h.show(s.root)
	tiles := s.tiles[handoff.SettingCanvassSession]
	if len(tiles) != len(canvassChoices) {
		t.Fatalf("%d canvasser session choices", len(tiles))
	}
	test.Tap(tiles[2])
	if v, _ := dev.Store.Setting(context.Background(), handoff.SettingCanvassSession, ""); v != canvassChoices[2].String() {
		t.Errorf("setting is %q after tapping %s", v, canvassChoices[2])
	}
	// The right-hand column is not under the scroll bar.
	last := tiles[len(tiles)-1]
	end := fyne.CurrentApp().Driver().AbsolutePositionForObject(last).X + last.Size().Width
	if limit := h.Window().Canvas().Size().Width - theme.Size(theme.SizeNameScrollBar); end > limit {
		t.Errorf("the last option ends at x=%v, under the scroll bar from x=%v", end, limit)
	}
}

func TestSyncNowDrainsTheQueueThroughSyncd(t *testing.T) {
	c := centraltest.Start(t)
	ctx := context.Background()
	store, err := outbox.Open(ctx, filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := syncer.Enroll(ctx, store, c.Code(t, ""), "tablet", record.ModeKiosk, c.Client); err != nil {
		t.Fatal(err)
	}
	camp := campaignOf(t, store)
	fill(t, store, camp, 30, 2)

	s := syncer.New(store)
	s.Logger = slog.New(slog.DiscardHandler)
	s.Client = c.Client
	s.PollInterval = 5 * time.Millisecond
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.Run(runCtx) })
	t.Cleanup(func() { cancel(); wg.Wait() })

	h := newHost(t, store)
	tool := newSyncNow(h, Options{Now: time.Now})
	h.show(tool.root)
	if !tool.request() {
		t.Fatalf("request refused: %s", tool.state.Text)
	}
	if !tool.start.Disabled() {
		t.Error("sync now can be pressed again while it runs")
	}
	deadline := time.Now().Add(20 * time.Second)
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for !tool.check() {
		if time.Now().After(deadline) {
			t.Fatalf("syncd never handled the request: %s", tool.state.Text)
		}
		<-poll.C
	}
	if want := i18n.Spanish.F("tool.sync.done", 30); tool.state.Text != want || tool.bar.Value != 1 {
		t.Errorf("after sync: %q at %v, want %q at 1", tool.state.Text, tool.bar.Value, want)
	}
	if n := c.Stats(t).Records; n != 30 {
		t.Errorf("central holds %d records, want 30", n)
	}
}

func campaignOf(t *testing.T, store *outbox.Store) *campaign.Campaign {
	t.Helper()
	sc, err := store.LatestCampaign(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, err := campaign.Parse("campaign", sc.Content)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDeadRecordsShowNothingPersonal(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	ctx := context.Background()
	fill(t, dev.Store, dev.Campaign, 6, 3)
	var secrets []string
	for _, r := range dev.Records(t) {
		if b := dev.Open(t, r); b.Signer != nil {
			secrets = append(secrets, b.Signer.Name, b.Signer.VoterID)
		}
	}
	if err := dev.Store.MarkDead(ctx, 2, "unknown_subject"); err != nil {
		t.Fatal(err)
	}
	if err := dev.Store.MarkDead(ctx, 5, "bad_signature"); err != nil {
		t.Fatal(err)
	}
	h := newHost(t, dev.Store)
	s := newDead(h, opts())
	h.show(s.root)
	if len(s.rows) != 2 || !strings.Contains(s.rows[0], "bad_signature") || !strings.Contains(s.rows[1], "unknown_subject") {
		t.Fatalf("rows %q", s.rows)
	}
	for _, row := range s.rows {
		for _, secret := range secrets {
			if secret != "" && strings.Contains(row, secret) {
				t.Errorf("row %q shows personal data", row)
			}
		}
	}
}

func TestExportWritesABundleOfEveryPendingRecord(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	fill(t, dev.Store, dev.Campaign, 40, 4)
	stick := t.TempDir()
	h := newHost(t, dev.Store)
	o := opts()
	o.ExportDirs = []string{stick}
	s := newExport(h, o)
	h.show(s.root)
	if !s.start.Disabled() {
		t.Error("export can start before a directory is chosen")
	}
	tile := s.tiles[len(s.tiles)-1]
	test.Tap(tile)
	if s.dir != stick || !tile.Selected || s.start.Disabled() {
		t.Fatalf("after choosing the stick: dir %q, selected %v", s.dir, tile.Selected)
	}
	var last float64
	path, hdr, err := writeBundle(h, s.dir, o, func(done, total int) { last = float64(done) / float64(total) })
	s.finish(path, hdr, err)
	if err != nil {
		t.Fatal(err)
	}
	if last != 1 || s.bar.Value != 1 {
		t.Errorf("progress ended at %v, bar at %v", last, s.bar.Value)
	}
	b, err := bundle.Open(path, nil)
	if err != nil || b.Header.Records != 40 || filepath.Dir(path) != stick {
		t.Fatalf("bundle %s: %+v, %v", path, b, err)
	}
	if want := i18n.Spanish.N("tool.export.done", 40, filepath.Base(path)); s.state.Text != want {
		t.Errorf("export says %q, want %q", s.state.Text, want)
	}
}

func TestWipeNeedsNothingPendingOrABundleAndTwoConfirmations(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	ctx := context.Background()
	fill(t, dev.Store, dev.Campaign, 10, 5)
	h := newHost(t, dev.Store)

	s := newWipe(h, opts())
	h.show(s.root)
	if !s.first.Disabled() || s.info.Text != i18n.Spanish.F("tool.wipe.pending", 10) {
		t.Fatalf("with 10 records in no bundle: enabled %v, %q", !s.first.Disabled(), s.info.Text)
	}

	o := opts()
	if _, _, err := writeBundle(h, t.TempDir(), o, nil); err != nil {
		t.Fatal(err)
	}
	s = newWipe(h, o)
	h.show(s.root)
	if s.first.Disabled() || !s.state.covered {
		t.Fatalf("after exporting every pending record: %q", s.info.Text)
	}

	t.Run("cancel after the first confirmation keeps everything", func(t *testing.T) {
		test.Tap(s.first)
		if !s.confirm.Visible() || s.first.Visible() {
			t.Fatal("no confirmation asked")
		}
		test.Tap(s.cancel)
		if s.step != 0 || !s.first.Visible() || s.confirm.Visible() {
			t.Fatal("cancel did not go back")
		}
		if _, err := dev.Store.Identity(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a record made after the export blocks the wipe", func(t *testing.T) {
		fill(t, dev.Store, dev.Campaign, 1, 6)
		test.Tap(s.first)
		test.Tap(s.confirm)
		test.Tap(s.confirm)
		if h.reloads != 0 || !strings.Contains(s.msg.Text, "no bundle") {
			t.Fatalf("wiped with a record in no bundle: %q", s.msg.Text)
		}
		if c, _ := dev.Store.Counts(ctx); c.Pending != 11 {
			t.Fatalf("%d pending, want 11", c.Pending)
		}
	})
	t.Run("two confirmations wipe", func(t *testing.T) {
		if _, _, err := writeBundle(h, t.TempDir(), o, nil); err != nil {
			t.Fatal(err)
		}
		s = newWipe(h, o)
		h.show(s.root)
		test.Tap(s.first)
		test.Tap(s.confirm)
		if h.reloads != 0 {
			t.Fatal("wiped after one confirmation")
		}
		test.Tap(s.confirm)
		if h.reloads != 1 {
			t.Fatalf("not wiped after two confirmations: %q", s.msg.Text)
		}
		if _, err := dev.Store.Identity(ctx); !errors.Is(err, outbox.ErrNotEnrolled) {
			t.Errorf("identity after wipe: %v", err)
		}
		if c, _ := dev.Store.Counts(ctx); c.Pending+c.Synced+c.Dead != 0 {
			t.Errorf("records after wipe: %+v", c)
		}
		if set, _ := pinguard.New(dev.Store).IsSet(ctx); set {
			t.Error("the technician PIN survives the wipe")
		}
	})
}

func TestSettingsAreSavedForTheNextPerson(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	h := newHost(t, dev.Store)
	s := newSettings(h, opts())
	h.show(s.root)
	tests := []struct {
		key  string
		pick int
		want string
	}{
		{handoff.SettingIdle, 3, "1m30s"},
		{handoff.SettingCountdown, 0, "10s"},
		{handoff.SettingLang, 1, "en"},
		{handoff.SettingLargeText, 1, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			tiles := s.tiles[tt.key]
			test.Tap(tiles[tt.pick])
			if v, _ := dev.Store.Setting(context.Background(), tt.key, ""); v != tt.want {
				t.Errorf("setting %s = %q, want %q", tt.key, v, tt.want)
			}
			for i, tl := range tiles {
				if tl.Selected != (i == tt.pick) {
					t.Errorf("tile %d selected=%v", i, tl.Selected)
				}
			}
		})
	}
}

func TestCanvasserAccountsAreAddedAndRemoved(t *testing.T) {
	saved := ui.CanvasserPINParams
	ui.CanvasserPINParams = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	t.Cleanup(func() { ui.CanvasserPINParams = saved })
	dev := outboxtest.NewEnrolled(t, record.ModeCanvasser)
	h := newHost(t, dev.Store)
	s := newAccounts(h, opts())
	h.show(s.root)
	s.kb.ToggleShift()
	test.Tap(s.kb.Key('R'))
	for _, ch := range "osa" {
		test.Tap(s.kb.Key(ch))
	}
	if s.name.Text != "Rosa" {
		t.Fatalf("the keyboard typed %q into the name", s.name.Text)
	}
	// Tapping the PIN field itself moves the keyboard there, in digits.
	test.Tap(s.pinField)
	if s.kb.Target() != s.pin {
		t.Fatal("after tapping the PIN field the keyboard still types into the name")
	}
	for _, ch := range "12" {
		test.Tap(s.kb.Key(ch))
	}
	if s.name.Text != "Rosa" || s.pin.Text != "12" {
		t.Fatalf("name %q, PIN %q", s.name.Text, s.pin.Text)
	}
	test.Tap(s.add)
	if s.msg.Importance != widget.DangerImportance {
		t.Errorf("a two-digit PIN was taken: %q", s.msg.Text)
	}
	if want := i18n.Spanish.F("pin.format", pinguard.MinLength, pinguard.MaxLength); s.msg.Text != want {
		t.Errorf("the Spanish screen says %q, want %q", s.msg.Text, want)
	}
	test.Tap(s.nameField)
	if s.kb.Target() != s.name {
		t.Error("tapping the name field does not bring the keyboard back to it")
	}
	s.pin.SetText("864209")
	test.Tap(s.add)
	list, _ := ui.Canvassers(context.Background(), dev.Store)
	if len(list) != 1 || list[0].Name != "Rosa" || s.removes["Rosa"] == nil || s.pin.Text != "" {
		t.Fatalf("accounts %+v, pin field %q", list, s.pin.Text)
	}
	if rm := s.removes["Rosa"]; rm.Size().Width < rm.MinSize().Width || rm.Size().Height < rm.MinSize().Height {
		t.Errorf("the remove button is clipped: %v of %v", rm.Size(), rm.MinSize())
	}
	test.Tap(s.removes["Rosa"])
	if list, _ := ui.Canvassers(context.Background(), dev.Store); len(list) != 0 {
		t.Errorf("after remove: %+v", list)
	}
}

func labels(o fyne.CanvasObject) []string {
	var out []string
	var visit func(o fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *fyne.Container:
			for _, c := range w.Objects {
				visit(c)
			}
		}
	}
	visit(o)
	return out
}

func contains(texts []string, want string) bool {
	for _, s := range texts {
		if strings.Contains(s, want) {
			return true
		}
	}
	return false
}
