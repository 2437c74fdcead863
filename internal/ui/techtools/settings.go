package techtools

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Choices the settings tool offers.
var (
	idleChoices      = []time.Duration{30 * time.Second, ui.DefaultIdle, 60 * time.Second, 90 * time.Second}
	countdownChoices = []time.Duration{10 * time.Second, ui.DefaultCountdown, 30 * time.Second}
	canvassChoices   = []time.Duration{5 * time.Minute, ui.DefaultCanvassSession, 20 * time.Minute, 30 * time.Minute}
)

// settings changes the device settings the kiosk starts each person
// with. They apply from the next person on.
type settings struct {
	h    ui.TechHost
	root *fyne.Container
	msg  *widget.Label
	// The choice tiles by setting key, for tests.
	tiles map[string][]*widgets.Tile
}

func newSettings(h ui.TechHost, opt Options) *settings {
	l := h.Lang()
	s := &settings{h: h, msg: para(""), tiles: map[string][]*widgets.Tile{}}
	ctx := context.Background()
	get := func(key, def string) string {
		v, err := h.Store().Setting(ctx, key, def)
		if err != nil || v == "" {
			return def
		}
		return v
	}
	var rows []fyne.CanvasObject
	durations := func(key, title string, choices []time.Duration, def time.Duration) {
		cur := get(key, def.String())
		var vals, labels []string
		for _, d := range choices {
			vals = append(vals, d.String())
			if d >= time.Minute && d%time.Minute == 0 {
				labels = append(labels, l.N("tool.settings.minutes", int(d/time.Minute)))
				continue
			}
			labels = append(labels, l.N("tool.settings.seconds", int(d/time.Second)))
		}
		rows = append(rows, s.group(key, title, vals, labels, cur)...)
	}
	durations(handoff.SettingIdle, l.T("tool.settings.idle"), idleChoices, ui.DefaultIdle)
	durations(handoff.SettingCountdown, l.T("tool.settings.countdown"), countdownChoices, ui.DefaultCountdown)
	durations(handoff.SettingCanvassSession, l.T("tool.settings.canvass"), canvassChoices, ui.DefaultCanvassSession)
	var langs, langNames []string
	for _, lg := range i18n.Langs {
		langs, langNames = append(langs, string(lg)), append(langNames, lg.T("language.name"))
	}
	rows = append(rows, s.group(handoff.SettingLang, l.T("tool.settings.lang"), langs, langNames, get(handoff.SettingLang, string(i18n.Spanish)))...)
	rows = append(rows, s.group(handoff.SettingLargeText, l.T("tool.settings.text"), []string{"0", "1"},
		[]string{l.T("tool.settings.text.normal"), l.T("tool.settings.text.large")}, get(handoff.SettingLargeText, "0"))...)
	s.root = container.NewBorder(nil, s.msg, nil, nil, scroll(container.NewVBox(rows...)))
	return s
}

// group is a heading and one tile per value; a tap saves at once.
func (s *settings) group(key, title string, vals, labels []string, cur string) []fyne.CanvasObject {
	head := widget.NewLabel(title)
	head.TextStyle = fyne.TextStyle{Bold: true}
	// Some titles are a sentence: in large text they wrap rather than
	// widen the screen.
	head.Wrapping = fyne.TextWrapWord
	var objs []fyne.CanvasObject
	for i := range vals {
		val := vals[i]
		var t *widgets.Tile
		t = widgets.NewTile(labels[i], "", widgets.Radio, func() {
			s.h.Touch()
			s.set(key, val, t)
		})
		t.Selected = val == cur
		s.tiles[key] = append(s.tiles[key], t)
		objs = append(objs, t)
	}
	return []fyne.CanvasObject{head, container.NewGridWithColumns(len(objs), objs...)}
}

func (s *settings) set(key, val string, picked *widgets.Tile) {
	l := s.h.Lang()
	if err := s.h.Store().SetSetting(context.Background(), key, val); err != nil {
		s.msg.Importance = widget.DangerImportance
		s.msg.SetText(l.F("tool.error", err))
		return
	}
	for _, t := range s.tiles[key] {
		t.SetSelected(t == picked)
	}
	s.msg.Importance = widget.SuccessImportance
	s.msg.SetText(l.T("tool.settings.saved"))
}

// accounts manages canvasser accounts: names and PINs.
type accounts struct {
	h    ui.TechHost
	root *fyne.Container
	list *fyne.Container
	form *fyne.Container
	msg  *widget.Label

	name, pin           *widget.Entry
	nameField, pinField *focusEntry // the widgets on screen holding name and pin
	kb                  *widgets.Keyboard
	add                 *widget.Button
	removes             map[string]*widget.Button // by name, for tests
}

func newAccounts(h ui.TechHost, opt Options) *accounts {
	l := h.Lang()
	s := &accounts{h: h, list: container.NewVBox(), msg: para(""), removes: map[string]*widget.Button{}}
	// The keyboard types into the field last tapped or focused, the
	// entry itself or its button: digits for the PIN.
	var focusOn func(e *widget.Entry, layout widgets.KeyLayout)
	name := newFocusEntry(false, func(e *widget.Entry) { focusOn(e, widgets.Text) })
	pin := newFocusEntry(true, func(e *widget.Entry) { focusOn(e, widgets.Digits) })
	s.name, s.pin = &name.Entry, &pin.Entry
	s.nameField, s.pinField = name, pin
	s.name.SetPlaceHolder(l.T("tool.accounts.name"))
	s.pin.SetPlaceHolder(l.T("tool.accounts.pin"))
	s.kb = keyboard(h, widgets.Text, s.name)
	focusOn = func(e *widget.Entry, layout widgets.KeyLayout) {
		if s.kb.Target() != e {
			s.kb.SetTarget(e)
			s.kb.SetLayout(layout)
		}
	}
	focus := func(e *focusEntry) func() {
		return func() { h.Window().Canvas().Focus(e) }
	}
	nameBtn := button(h, l.T("tool.accounts.name"), theme.AccountIcon(), focus(name))
	pinBtn := button(h, l.T("tool.accounts.pin"), theme.VisibilityOffIcon(), focus(pin))
	s.add = button(h, l.T("tool.accounts.add"), theme.ContentAddIcon(), s.save)
	s.add.Importance = widget.HighImportance
	fields := container.NewVBox(
		container.NewBorder(nil, nil, big(nameBtn), nil, name),
		container.NewBorder(nil, nil, big(pinBtn), nil, pin),
		container.NewBorder(nil, nil, nil, big(s.add), s.msg))
	s.form = container.NewVBox(fields, s.kb)
	// The list sits beside the fields, above the keyboard, so it keeps
	// the fields' height for its rows instead of what the keyboard
	// leaves.
	// On a short screen the keys shrink towards KeyMinHeight to leave the
	// fields their height, and the fields scroll when even that is not
	// enough, as on the kiosk's own typing screens.
	top := container.NewGridWithColumns(2, scroll(s.list), scroll(fields))
	s.root = container.New(&keysBelow{kb: s.kb, want: fields}, top, keysThemed(h, s.kb))
	s.refresh()
	return s
}

func (s *accounts) refresh() {
	l := s.h.Lang()
	list, err := ui.Canvassers(context.Background(), s.h.Store())
	s.list.Objects = nil
	clear(s.removes)
	if err != nil {
		s.list.Add(para(l.F("tool.error", err)))
	}
	if len(list) == 0 && err == nil {
		s.list.Add(para(l.T("tool.accounts.none")))
	}
	for _, c := range list {
		name := c.Name
		rm := button(s.h, l.T("tool.accounts.remove"), theme.DeleteIcon(), func() { s.remove(name) })
		s.removes[name] = rm
		label := widget.NewLabel(name)
		label.TextStyle = fyne.TextStyle{Bold: true}
		s.list.Add(container.NewBorder(nil, nil, nil, big(rm), label))
	}
	s.list.Refresh()
}

func (s *accounts) save() {
	l := s.h.Lang()
	name, pin := s.name.Text, s.pin.Text
	s.pin.SetText("")
	if err := ui.SetCanvasser(context.Background(), s.h.Store(), name, pin); err != nil {
		s.msg.Importance = widget.DangerImportance
		switch {
		case errors.Is(err, pinguard.ErrFormat):
			s.msg.SetText(l.F("pin.format", pinguard.MinLength, pinguard.MaxLength))
		case errors.Is(err, ui.ErrCanvasserName):
			s.msg.SetText(l.F("tool.accounts.badname", record.MaxNameLen))
		default:
			s.msg.SetText(l.F("tool.error", err))
		}
		return
	}
	s.name.SetText("")
	s.msg.Importance = widget.SuccessImportance
	s.msg.SetText(l.F("tool.accounts.saved", name))
	s.refresh()
}

func (s *accounts) remove(name string) {
	l := s.h.Lang()
	if err := ui.RemoveCanvasser(context.Background(), s.h.Store(), name); err != nil {
		s.msg.Importance = widget.DangerImportance
		s.msg.SetText(l.F("tool.error", err))
		return
	}
	s.msg.Importance = widget.MediumImportance
	s.msg.SetText(l.F("tool.accounts.removed", name))
	s.refresh()
}

// focusEntry is an entry that says when it gets the focus, so the
// on-screen keyboard follows a tap on the field itself.
type focusEntry struct {
	widget.Entry
	onFocus func(*widget.Entry)
}

func newFocusEntry(password bool, onFocus func(*widget.Entry)) *focusEntry {
	e := &focusEntry{onFocus: onFocus}
	e.Password = password
	e.ExtendBaseWidget(e)
	return e
}

// FocusGained points the keyboard at this entry.
func (e *focusEntry) FocusGained() {
	e.onFocus(&e.Entry)
	e.Entry.FocusGained()
}

// Tapped points the keyboard at this entry too: a touch screen may tap
// an entry that already has the focus.
func (e *focusEntry) Tapped(ev *fyne.PointEvent) {
	e.onFocus(&e.Entry)
	e.Entry.Tapped(ev)
}

// keysBelow lays out its two objects, the content and the keyboard under
// it. The keyboard is full size when the content (whose natural height is
// want's) has room; otherwise its keys shrink, down to its compact height,
// and the content, which scrolls, takes the rest.
type keysBelow struct {
	kb   *widgets.Keyboard
	want fyne.CanvasObject
}

func (l *keysBelow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	top := objs[0].MinSize()
	return fyne.NewSize(max(top.Width, l.kb.MinSize().Width), top.Height+l.kb.CompactHeight())
}

func (l *keysBelow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	top, kb := objs[0], objs[1]
	kbH := max(min(l.kb.MinSize().Height, size.Height-l.want.MinSize().Height), l.kb.CompactHeight())
	kbH = min(kbH, size.Height)
	top.Move(fyne.NewPos(0, 0))
	top.Resize(fyne.NewSize(size.Width, size.Height-kbH))
	kb.Move(fyne.NewPos(0, size.Height-kbH))
	kb.Resize(fyne.NewSize(size.Width, kbH))
}

// keysThemed gives a tool's keyboard the kiosk's keyboard theme (less
// padding around each key's word), so that in large text its rows fit a
// 1024-wide screen as the kiosk's own keyboards do.
func keysThemed(h ui.TechHost, kb *widgets.Keyboard) fyne.CanvasObject {
	t, ok := h.App().Settings().Theme().(*ui.Theme)
	if !ok {
		return kb
	}
	return container.NewThemeOverride(kb, ui.KeysTheme(t.Look()))
}
