package ui

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// The first-start setup wizard. A device with no identity opens here: the
// technician enters the provisioning code (typed, or read from a file on
// a USB stick), chooses the mode and names the device, sets the
// technician PIN, and the kiosk hands the enrollment to syncd through the
// outbox and shows how it ends. The kiosk itself never touches the
// network.

// Setup wizard screens.
const (
	kindSetupCode   screenKind = "setup-code"
	kindSetupFiles  screenKind = "setup-files"
	kindSetupMode   screenKind = "setup-mode"
	kindSetupDevice screenKind = "setup-name"
	kindSetupPIN    screenKind = "setup-pin"
	kindSetupRun    screenKind = "setup-enroll"
	kindSetupDone   screenKind = "setup-done"
)

const (
	setupSteps = 5
	// setupPollEvery is how often the wizard looks for syncd's answer.
	setupPollEvery = time.Second
	// setupQuietAfter is how long the wizard waits for syncd before it
	// says syncd may not be running.
	setupQuietAfter = 20 * time.Second
	// maxCodeFile bounds a code file: a code is one short line.
	maxCodeFile = 4 << 10
)

// DefaultCodeDirs are where removable media are mounted.
var DefaultCodeDirs = []string{"/media", "/run/media"}

// setupState is what the technician entered so far. Nothing in it is
// personal; the PIN is stored hashed as soon as it is confirmed.
type setupState struct {
	code string
	mode string
	name string
	note string // message id shown on the code screen (code loaded from a file)
	file string // file the code came from

	token   string    // syncd's enrollment request
	started time.Time // when it was handed over
	polled  time.Time
	outcome *handoff.EnrollOutcome
}

// showSetup opens the setup wizard on a device with no identity.
func (k *Kiosk) showSetup() {
	k.show(&setupCode{k: k, st: &setupState{mode: record.ModeKiosk}})
}

// setupTick notices a device enrolled from a shell (syncd enroll) while
// the wizard waits, and brings the kiosk up.
func (k *Kiosk) setupTick(now time.Time) {
	if now.Sub(k.lastTick.setup) < setupEvery {
		return
	}
	k.lastTick.setup = now
	if _, err := k.store.Identity(context.Background()); err == nil {
		k.reload()
	}
}

func (s *setupCode) tick(now time.Time)   { s.k.setupTick(now) }
func (s *setupFiles) tick(now time.Time)  { s.k.setupTick(now) }
func (s *setupMode) tick(now time.Time)   { s.k.setupTick(now) }
func (s *setupDevice) tick(now time.Time) { s.k.setupTick(now) }
func (s *setupPIN) tick(now time.Time)    { s.k.setupTick(now) }

func (k *Kiosk) setupKicker(n int) string { return k.F("setup.step", n, setupSteps) }

// setupCode asks for the provisioning code.
type setupCode struct {
	k     *Kiosk
	st    *setupState
	input *widgets.Entry
	kb    *widgets.Keyboard
	msg   message
	files *widgets.Button
}

func (s *setupCode) kind() screenKind { return kindSetupCode }

func (s *setupCode) view() *view {
	k := s.k
	s.msg = k.newMessage()
	placeholder, help, layout := "http://…#XXXXXXXXXXXX-XXXXXXXXXXXXXXXX-XX", k.T("setup.code.help"), widgets.Text
	if fleet, ok := k.fleet(); ok {
		// The short code is letters and digits only: one keyboard page.
		placeholder, layout = strings.Repeat("X", protocol.ShortLen), widgets.ID
		help = k.F("setup.code.short.help", fleet.URL)
	}
	s.input = k.entry(s.st.code, placeholder, false, func(v string) {
		s.st.code = v
		s.msg.clear()
	})
	s.kb = k.keyboard(layout, s.input)
	if s.st.note != "" {
		s.msg.ok(k.F(s.st.note, filepath.Base(s.st.file)))
	}
	s.files = k.button(k.T("setup.code.usb"), theme.StorageIcon(), func() { k.show(&setupFiles{k: k, st: s.st}) })
	return &view{
		kicker: k.setupKicker(1), title: k.T("setup.code.title"),
		body:     para(help),
		field:    fieldBox(s.input, s.msg, nil),
		keyboard: s.kb, focus: s.input,
		idle: idleNever, startTo: k.T("setup.restart"),
		extra: []fyne.CanvasObject{wide(s.files)},
		next:  &action{label: k.T("step.next"), run: s.submit},
	}
}

func (s *setupCode) submit() {
	k := s.k
	if problem := k.codeProblem(s.st.code); problem != "" {
		s.msg.fail(problem)
		return
	}
	// From here on the wizard and syncd see the full code.
	s.st.code = k.resolveCode(s.st.code)
	s.st.note = ""
	k.show(&setupMode{k: k, st: s.st})
}

// fleet is the device's fleet, when it knows one.
func (k *Kiosk) fleet() (protocol.ProvisioningCode, bool) {
	v, err := k.store.Setting(context.Background(), handoff.SettingFleet, "")
	if err != nil {
		k.log.Warn("read setting", "key", handoff.SettingFleet, "err", err)
	}
	if v == "" {
		return protocol.ProvisioningCode{}, false
	}
	f, err := protocol.ParseFleet(v)
	return f, err == nil
}

// rememberFleet keeps a full code's central and trust, so the wizard
// takes short codes for it from now on. Anything else is ignored.
func (k *Kiosk) rememberFleet(code string) {
	if _, err := protocol.ParseFleet(code); err != nil || strings.TrimSpace(code) == "" {
		return
	}
	if err := k.store.SetSetting(context.Background(), handoff.SettingFleet, strings.TrimSpace(code)); err != nil {
		k.log.Warn("save setting", "key", handoff.SettingFleet, "err", err)
	}
}

// resolveCode is the full code a typed one stands for: a short code
// resolved against the fleet, or the code as typed.
func (k *Kiosk) resolveCode(code string) string {
	if fleet, ok := k.fleet(); ok && protocol.IsShortCode(code) {
		if c, err := protocol.ParseShortCode(code, fleet); err == nil {
			return c.String()
		}
	}
	return code
}

// codeProblem checks a code on the device, before anything is sent: a
// full code, or, when the device knows its fleet, a short one.
func (k *Kiosk) codeProblem(code string) string {
	_, err := protocol.ParseCode(code)
	if fleet, ok := k.fleet(); ok && protocol.IsShortCode(code) {
		_, err = protocol.ParseShortCode(code, fleet)
	}
	switch {
	case strings.TrimSpace(code) == "":
		return k.T("setup.code.empty")
	case errors.Is(err, protocol.ErrCodeMistyped):
		return k.T("setup.fail.code_mistyped")
	case err != nil:
		return k.T("setup.code.format")
	}
	return ""
}

// setupFiles lists code files on removable media.
type setupFiles struct {
	k     *Kiosk
	st    *setupState
	tiles []*widgets.Tile
	msg   message
}

func (s *setupFiles) kind() screenKind { return kindSetupFiles }

func (s *setupFiles) view() *view {
	k := s.k
	s.msg = k.newMessage()
	s.tiles = nil
	var objs []fyne.CanvasObject
	for _, f := range codeFiles(append(slices.Clone(DefaultCodeDirs), k.cfg.CodeDirs...)) {
		path := f
		t := k.tile(filepath.Base(path), filepath.Dir(path), widgets.Arrow, false, func() { s.load(path) })
		s.tiles = append(s.tiles, t)
		objs = append(objs, t)
	}
	if len(objs) == 0 {
		s.msg.note(k.T("setup.files.none"))
	}
	again := k.button(k.T("setup.files.again"), theme.ViewRefreshIcon(), func() { k.show(&setupFiles{k: k, st: s.st}) })
	return &view{
		kicker: k.setupKicker(1), title: k.T("setup.files.title"),
		body: k.scroll(container.NewVBox(para(k.T("setup.files.help")), s.msg, container.NewVBox(objs...))),
		idle: idleNever, startTo: k.T("setup.restart"),
		back:  func() { k.show(&setupCode{k: k, st: s.st}) },
		extra: []fyne.CanvasObject{wide(again)},
	}
}

// load reads a code from a file: the first line that is a valid code, or
// else the first line that looks like one, for the technician to see why
// it is refused.
func (s *setupFiles) load(path string) {
	k := s.k
	code, err := readCodeFile(path)
	if err != nil {
		k.log.Warn("read code file", "err", err)
		s.msg.fail(k.T("setup.files.unreadable"))
		return
	}
	s.st.code, s.st.file, s.st.note = code, path, "setup.files.loaded"
	k.show(&setupCode{k: k, st: s.st})
}

// codeFiles finds *.txt and *.code files up to three levels under dirs
// (a stick mounts at /media/USER/LABEL), sorted.
func codeFiles(dirs []string) []string {
	var out []string
	for _, dir := range dirs {
		base := strings.Count(filepath.Clean(dir), string(filepath.Separator))
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if strings.Count(filepath.Clean(path), string(filepath.Separator))-base >= 3 || (path != dir && strings.HasPrefix(d.Name(), ".")) {
					return fs.SkipDir
				}
				return nil
			}
			ext := strings.ToLower(filepath.Ext(path))
			if (ext == ".txt" || ext == ".code") && !strings.HasPrefix(d.Name(), ".") {
				if info, err := d.Info(); err == nil && info.Size() <= maxCodeFile {
					out = append(out, path)
				}
			}
			return nil
		})
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func readCodeFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(&limitedReader{f: f, n: maxCodeFile})
	var candidate string
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if _, err := protocol.ParseCode(line); err == nil {
			return line, nil
		}
		if candidate == "" && strings.Contains(line, "#") {
			candidate = line
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	if candidate == "" {
		return "", errors.New("no provisioning code in the file")
	}
	return candidate, nil
}

type limitedReader struct {
	f *os.File
	n int
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errors.New("file too large for a code")
	}
	if len(p) > l.n {
		p = p[:l.n]
	}
	n, err := l.f.Read(p)
	l.n -= n
	return n, err
}

// setupMode asks whether the device is a public kiosk or a canvasser's
// tablet.
type setupMode struct {
	k     *Kiosk
	st    *setupState
	modes []*widgets.Tile
}

func (s *setupMode) kind() screenKind { return kindSetupMode }

var setupModes = []string{record.ModeKiosk, record.ModeCanvasser}

func (s *setupMode) view() *view {
	k := s.k
	s.modes = nil
	var objs []fyne.CanvasObject
	for _, m := range setupModes {
		mode := m
		t := k.tile(k.T("setup.mode."+mode), k.T("setup.mode."+mode+".detail"), widgets.Radio, s.st.mode == mode, func() {
			s.st.mode = mode
			for i, t := range s.modes {
				t.SetSelected(setupModes[i] == mode)
			}
		})
		s.modes = append(s.modes, t)
		objs = append(objs, t)
	}
	return &view{
		kicker: k.setupKicker(2), title: k.T("setup.mode.title"),
		body: k.scroll(container.NewVBox(objs...)),
		idle: idleNever, startTo: k.T("setup.restart"),
		back: func() { k.show(&setupCode{k: k, st: s.st}) },
		next: &action{label: k.T("step.next"), run: func() { k.show(&setupDevice{k: k, st: s.st}) }},
	}
}

// setupDevice asks the device's name.
type setupDevice struct {
	k     *Kiosk
	st    *setupState
	input *widgets.Entry
	kb    *widgets.Keyboard
	msg   message
}

func (s *setupDevice) kind() screenKind { return kindSetupDevice }

func (s *setupDevice) view() *view {
	k := s.k
	s.msg = k.newMessage()
	s.input = k.entry(s.st.name, k.T("setup.name.placeholder"), false, func(v string) {
		s.st.name = v
		s.msg.clear()
	})
	s.kb = k.keyboard(widgets.Text, s.input)
	return &view{
		kicker: k.setupKicker(3), title: k.T("setup.name.title"),
		body:     para(k.T("setup.name.help")),
		field:    fieldBox(s.input, s.msg, nil),
		keyboard: s.kb, focus: s.input,
		idle: idleNever, startTo: k.T("setup.restart"),
		back: func() { k.show(&setupMode{k: k, st: s.st}) },
		next: &action{label: k.T("step.next"), run: s.submit},
	}
}

func (s *setupDevice) submit() {
	k := s.k
	name := strings.TrimSpace(s.st.name)
	switch {
	case name == "":
		s.msg.fail(k.T("setup.name.empty"))
		return
	case len([]rune(name)) > record.MaxNameLen:
		s.msg.fail(k.T("field.toolong"))
		return
	}
	s.st.name = name
	set, err := k.pin.IsSet(context.Background())
	if err == nil && set {
		// Set up before (the device was wiped): the technician keeps the
		// PIN they know.
		k.startEnroll(s.st)
		return
	}
	k.show(&setupPIN{k: k, st: s.st})
}

// setupPIN sets the technician PIN, typed twice.
type setupPIN struct {
	k     *Kiosk
	st    *setupState
	first string // the PIN typed the first time
	typed string
	input *widgets.Entry
	kb    *widgets.Keyboard
	msg   message
}

func (s *setupPIN) kind() screenKind { return kindSetupPIN }

func (s *setupPIN) view() *view {
	k := s.k
	s.msg = k.newMessage()
	s.input = k.entry(s.typed, "", false, func(v string) { s.typed = v })
	s.input.Password = true
	s.kb = k.keyboard(widgets.Digits, s.input)
	help := k.F("setup.pin.help", pinguard.MinLength, pinguard.MaxLength)
	if s.first != "" {
		help = k.T("pin.confirm.help")
	}
	return &view{
		kicker: k.setupKicker(4), title: k.T("setup.pin.title"),
		body:     para(help),
		field:    container.NewVBox(container.NewGridWrap(fyne.NewSize(360, TouchTarget), s.input), s.msg),
		keyboard: s.kb, focus: s.input,
		idle: idleNever, startTo: k.T("setup.restart"),
		back: func() { k.show(&setupDevice{k: k, st: s.st}) },
		next: &action{label: k.T("step.next"), run: s.submit},
	}
}

func (s *setupPIN) submit() {
	k := s.k
	pin := s.typed
	s.typed = ""
	s.input.SetText("")
	if err := pinguard.CheckFormat(pin); err != nil {
		s.msg.fail(k.F("pin.format", pinguard.MinLength, pinguard.MaxLength))
		return
	}
	if s.first == "" {
		k.show(&setupPIN{k: k, st: s.st, first: pin})
		return
	}
	if pin != s.first {
		k.show(&setupPIN{k: k, st: s.st})
		k.cur.(*setupPIN).msg.fail(k.T("pin.mismatch"))
		return
	}
	if err := k.pin.Set(context.Background(), pin); err != nil {
		k.log.Error("save technician pin", "err", err)
		s.msg.fail(k.T("error.generic"))
		return
	}
	k.startEnroll(s.st)
}

// startEnroll hands the enrollment to syncd and shows its progress.
func (k *Kiosk) startEnroll(st *setupState) {
	k.rememberFleet(st.code)
	tok, err := handoff.RequestEnroll(context.Background(), k.store, strings.TrimSpace(st.code), st.name, st.mode)
	if err != nil {
		k.log.Error("request enrollment", "err", err)
		st.outcome = &handoff.EnrollOutcome{Kind: "outbox", Message: err.Error()}
		k.show(&setupDone{k: k, st: st})
		return
	}
	st.token, st.started, st.outcome = tok, k.now(), nil
	k.log.Info("enrollment requested")
	k.show(&setupRun{k: k, st: st})
}

// setupRun waits for syncd's answer.
type setupRun struct {
	k     *Kiosk
	st    *setupState
	state *widget.Label
	bar   *widget.ProgressBarInfinite
}

func (s *setupRun) kind() screenKind { return kindSetupRun }

func (s *setupRun) view() *view {
	k := s.k
	s.bar = widget.NewProgressBarInfinite()
	s.state = para(k.T("setup.run.waiting"))
	s.update(k.now())
	server := ""
	if pc, err := protocol.ParseCode(s.st.code); err == nil {
		server = pc.URL
	}
	return &view{
		kicker: k.setupKicker(5), title: k.T("setup.run.title"),
		body:  container.NewVBox(para(k.F("setup.run.server", server)), s.bar, s.state),
		idle:  idleNever,
		noTop: true,
	}
}

func (s *setupRun) update(now time.Time) {
	if now.Sub(s.st.started) >= setupQuietAfter {
		s.state.SetText(s.k.T("setup.run.quiet"))
	}
}

// tick looks for syncd's answer.
func (s *setupRun) tick(now time.Time) {
	k := s.k
	if now.Sub(s.st.polled) < setupPollEvery {
		return
	}
	s.st.polled = now
	out, err := handoff.EnrollResult(context.Background(), k.store, s.st.token)
	if err != nil {
		k.log.Warn("read enrollment result", "err", err)
	}
	if out == nil {
		s.update(now)
		return
	}
	s.bar.Stop()
	s.st.outcome = out
	k.log.Info("enrollment finished", "kind", out.Kind)
	k.show(&setupDone{k: k, st: s.st})
}

// setupDone says how the enrollment ended.
type setupDone struct {
	k      *Kiosk
	st     *setupState
	reason *widget.Label
}

func (s *setupDone) kind() screenKind { return kindSetupDone }

// enrolled reports whether the device has its identity: a campaign that
// could not be downloaded yet is syncd's to fetch later.
func (s *setupDone) enrolled() bool {
	o := s.st.outcome
	return o != nil && (o.Kind == "" || o.Kind == handoff.KindCampaignPending)
}

func (s *setupDone) view() *view {
	k := s.k
	o := s.st.outcome
	if s.enrolled() {
		icon := widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		parts := []fyne.CanvasObject{
			container.NewCenter(container.NewGridWrap(fyne.NewSize(96, 96), icon)),
			subheading(k.F("setup.done.device", o.DeviceID)),
		}
		if o.Kind == handoff.KindCampaignPending {
			parts = append(parts, para(k.T("setup.done.campaign")))
		}
		if o.ClockFarOff {
			m := k.newMessage()
			m.fail(k.F("setup.done.clock", (time.Duration(o.ClockSkew) * time.Second).Abs().Round(time.Minute).String()))
			parts = append(parts, m.Label)
		}
		s.reason = para(k.T("setup.done.next"))
		parts = append(parts, s.reason)
		return &view{
			title: k.T("setup.done.title"), body: k.scroll(container.NewVBox(parts...)), idle: idleNever, noTop: true,
			next: &action{label: k.T("setup.done.start"), run: k.reload},
		}
	}
	icon := widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon()))
	id := "setup.fail." + o.Kind
	if o.Kind == "" || !i18n.Has(id) {
		id = "setup.fail.generic"
	}
	s.reason = subheading(k.T(id))
	parts := []fyne.CanvasObject{
		container.NewCenter(container.NewGridWrap(fyne.NewSize(96, 96), icon)),
		s.reason,
		caption(o.Message),
	}
	return &view{
		title: k.T("setup.fail.title"), body: k.scroll(container.NewVBox(parts...)), idle: idleNever, noTop: true,
		next: &action{label: k.T("setup.fail.again"), run: s.again},
	}
}

// again goes back to the code, keeping it only when it may still work.
func (s *setupDone) again() {
	switch s.st.outcome.Kind {
	case handoff.KindCodeUsed, handoff.KindCodeExpired, handoff.KindUnknownCode, handoff.KindServerKeyMismatch:
		s.st.code = ""
	}
	s.st.outcome, s.st.token = nil, ""
	s.k.show(&setupCode{k: s.k, st: s.st})
}
