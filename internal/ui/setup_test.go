package ui

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/cenkalti/backoff/v4"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
)

// setupRig is a kiosk on a fresh outbox, with syncd running on the same
// outbox in the test process.
type setupRig struct {
	*rig
	store *outbox.Store
}

func newSetupRig(t *testing.T, c *centraltest.Central, clock syncer.Clock, codeDirs ...string) *setupRig {
	t.Helper()
	return newSetupRigCfg(t, c, clock, Config{CodeDirs: codeDirs})
}

// newSetupRigCfg is newSetupRig with the kiosk's configuration.
func newSetupRigCfg(t *testing.T, c *centraltest.Central, clock syncer.Clock, cfg Config) *setupRig {
	t.Helper()
	test.NewTempApp(t)
	store, err := outbox.Open(context.Background(), filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	s := syncer.New(store)
	s.Logger = slog.New(slog.DiscardHandler)
	s.PollInterval = 5 * time.Millisecond
	s.Client = c.Client
	if clock != nil {
		s.Clock = clock
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { s.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	r := newRigOn(t, nil, store, cfg)
	r.expect(kindSetupCode)
	return &setupRig{rig: r, store: store}
}

// enter goes through the wizard with code, mode and name, setting the
// technician PIN, and waits for syncd's answer.
func (r *setupRig) enter(code, mode, name string) {
	r.t.Helper()
	screenAs[*setupCode](r.rig).input.SetText(code)
	r.next()
	r.expect(kindSetupMode)
	r.tapText(i18n.Spanish.T("setup.mode." + mode))
	r.next()
	r.expect(kindSetupDevice)
	r.typeKeys(name)
	r.next()
	r.expect(kindSetupPIN)
	r.typeKeys("135790")
	r.next()
	r.typeKeys("135790")
	r.next()
	r.expect(kindSetupRun)
	r.wait()
}

// wait ticks the kiosk until syncd has answered. syncd runs on the real
// clock in another goroutine, so this polls; it never sleeps a guess.
func (r *setupRig) wait() {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for r.k.cur.kind() == kindSetupRun {
		if time.Now().After(deadline) {
			r.t.Fatal("syncd did not answer the enrollment request")
		}
		<-poll.C
		r.tick(setupPollEvery)
	}
	r.expect(kindSetupDone)
}

// offsetClock is the system clock moved by a fixed amount: a device whose
// clock was never set.
type offsetClock struct{ by time.Duration }

func (c offsetClock) Now() time.Time          { return time.Now().Add(c.by) }
func (c offsetClock) NewTimer() backoff.Timer { return syncer.SystemClock.NewTimer() }

func TestSetupWizardEnrollsThroughSyncd(t *testing.T) {
	c := centraltest.Start(t)
	r := newSetupRig(t, c, nil)
	r.k.pin.Params = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	r.enter(c.Code(t, ""), record.ModeCanvasser, "Tableta Uno")
	done := screenAs[*setupDone](r.rig)
	if !done.enrolled() {
		t.Fatalf("outcome %+v", done.st.outcome)
	}
	id, err := r.store.Identity(context.Background())
	if err != nil || id.Mode != record.ModeCanvasser || id.Name != "Tableta Uno" || id.DeviceID != done.st.outcome.DeviceID {
		t.Fatalf("identity %+v, %v", id, err)
	}
	if ok, _ := r.k.pin.Check(context.Background(), "135790"); !ok.OK {
		t.Error("the technician PIN set in the wizard does not open the menu")
	}
	if code, _ := r.store.Setting(context.Background(), handoff.SettingEnrollRequest, ""); code != "" {
		t.Errorf("the one-time code stays in the outbox: %q", code)
	}
	r.next()
	r.expect(kindCanvassSignIn)
}

func TestSetupWizardShowsEachFailure(t *testing.T) {
	c := centraltest.Start(t)
	gone := httptest.NewServer(nil)
	gone.Close()
	valid := func(t *testing.T) protocol.ProvisioningCode {
		pc, err := protocol.ParseCode(c.Code(t, ""))
		if err != nil {
			t.Fatal(err)
		}
		return pc
	}
	tests := []struct {
		name string
		code func(t *testing.T) string
		kind string
	}{
		{"code already used", func(t *testing.T) string {
			code := c.Code(t, "")
			centraltest.Enroll(t, c.Client, code, record.ModeKiosk)
			return code
		}, handoff.KindCodeUsed},
		{"code expired", func(t *testing.T) string {
			return c.CodeAt(t, "", time.Now().Add(-2*time.Hour), time.Hour)
		}, handoff.KindCodeExpired},
		{"code unknown to central", func(t *testing.T) string {
			pc := valid(t)
			pc.Token = "0123456789AB"
			return pc.String()
		}, handoff.KindUnknownCode},
		{"central unreachable", func(t *testing.T) string {
			pc := valid(t)
			pc.URL = gone.URL
			return pc.String()
		}, handoff.KindUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newSetupRig(t, c, nil)
			r.k.pin.Params = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
			r.enter(tt.code(t), record.ModeKiosk, "Modulo")
			done := screenAs[*setupDone](r.rig)
			if done.enrolled() || done.st.outcome.Kind != tt.kind {
				t.Fatalf("outcome %+v, want %s", done.st.outcome, tt.kind)
			}
			if want := i18n.Spanish.T("setup.fail." + tt.kind); done.reason.Text != want {
				t.Errorf("the screen says %q, want %q", done.reason.Text, want)
			}
			if _, err := r.store.Identity(context.Background()); err == nil {
				t.Error("the device has an identity after a failed enrollment")
			}
			r.next()
			r.expect(kindSetupCode)
		})
	}
}

func TestSetupWizardCatchesAMistypedCodeBeforeSending(t *testing.T) {
	c := centraltest.Start(t)
	r := newSetupRig(t, c, nil)
	code := c.Code(t, "")
	// One character of the token changed, as a person misreading it would.
	i := strings.LastIndexByte(code, '#') + 3
	typo := code[:i] + string("0123456789ABCDEFGH"[(strings.IndexByte("0123456789ABCDEFGH", code[i])+1)%18]) + code[i+1:]
	tests := []struct {
		name, code, want string
	}{
		{"empty", "", i18n.Spanish.T("setup.code.empty")},
		{"not a code", "hola", i18n.Spanish.T("setup.code.format")},
		{"one character mistyped", typo, i18n.Spanish.T("setup.fail.code_mistyped")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			screenAs[*setupCode](r.rig).input.SetText(tt.code)
			r.next()
			r.expect(kindSetupCode)
			if got := screenAs[*setupCode](r.rig).msg.Text; got != tt.want {
				t.Errorf("message %q, want %q", got, tt.want)
			}
			if req, _ := r.store.Setting(context.Background(), handoff.SettingEnrollRequest, ""); req != "" {
				t.Error("a mistyped code was handed to syncd")
			}
		})
	}
}

func TestSetupWizardWarnsAboutAClockFarOff(t *testing.T) {
	c := centraltest.Start(t)
	r := newSetupRig(t, c, offsetClock{by: -72 * time.Hour})
	r.k.pin.Params = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	r.enter(c.Code(t, ""), record.ModeKiosk, "Reloj Atrasado")
	done := screenAs[*setupDone](r.rig)
	if !done.enrolled() || !done.st.outcome.ClockFarOff {
		t.Fatalf("outcome %+v, want enrolled with the clock far off", done.st.outcome)
	}
	want := i18n.Spanish.F("setup.done.clock", "72h0m0s")
	if _, ok := textsOn(r.k.win.Canvas())[want]; !ok {
		t.Errorf("the done screen does not say %q", want)
	}
	r.next()
	r.expect(kindAttract)
}

func TestSetupWizardReadsTheCodeFromAStick(t *testing.T) {
	c := centraltest.Start(t)
	stick := t.TempDir()
	code := c.Code(t, "")
	if err := os.MkdirAll(filepath.Join(stick, "tecnico", "VOCES"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		"tecnico/VOCES/alta.code":   "# código para el módulo del Zócalo\n\n" + code + "\n",
		"tecnico/notas.txt":         "nada que ver\n",
		"tecnico/foto.jpg":          "not a code file",
		"tecnico/VOCES/.oculto.txt": code,
	} {
		if err := os.WriteFile(filepath.Join(stick, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := newSetupRig(t, c, nil, stick)
	r.tapText(i18n.Spanish.T("setup.code.usb"))
	r.expect(kindSetupFiles)
	files := screenAs[*setupFiles](r.rig)
	var names []string
	for _, tl := range files.tiles {
		names = append(names, tl.Title)
	}
	if strings.Join(names, ",") != "alta.code,notas.txt" {
		t.Fatalf("files listed: %v", names)
	}
	test.Tap(files.tiles[1])
	r.expect(kindSetupFiles)
	if got := files.msg.Text; got != i18n.Spanish.T("setup.files.unreadable") {
		t.Errorf("a file with no code: %q", got)
	}
	test.Tap(files.tiles[0])
	r.expect(kindSetupCode)
	if got := screenAs[*setupCode](r.rig).input.Text; got != code {
		t.Fatalf("code field holds %q, want %q", got, code)
	}
}
