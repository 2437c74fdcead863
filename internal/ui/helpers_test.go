package ui

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// testNow is a weekday morning before the default campaign's assemblies.
var testNow = time.Date(2026, 11, 20, 10, 30, 0, 0, time.FixedZone("CST", -6*3600))

// clock is the kiosk's fake clock: tests move it and call Tick.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

// rig is a kiosk on an enrolled test outbox, driven through Fyne's test
// driver.
type rig struct {
	t     *testing.T
	k     *Kiosk
	dev   *outboxtest.Device
	clock *clock
	exits int
}

func newRig(t *testing.T, cfg Config) *rig {
	t.Helper()
	test.NewTempApp(t)
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	return newRigOn(t, dev, dev.Store, cfg)
}

// rigPIN is the technician PIN of a rig's enrolled device, set as syncd
// enroll --pin-file would: a kiosk without one does not collect.
const rigPIN = "246810"

// newRigOn starts a kiosk on store (which may wrap dev.Store to inject
// faults). An enrolled dev gets the technician PIN rigPIN first.
func newRigOn(t *testing.T, dev *outboxtest.Device, store Store, cfg Config) *rig {
	t.Helper()
	if dev != nil {
		g := pinguard.New(dev.Store)
		g.Params = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
		if set, err := g.IsSet(context.Background()); err != nil {
			t.Fatal(err)
		} else if !set {
			if err := g.Set(context.Background(), rigPIN); err != nil {
				t.Fatal(err)
			}
		}
	}
	return newRigNoPIN(t, dev, store, cfg)
}

// newRigNoPIN starts a kiosk on store as it is, PIN or not.
func newRigNoPIN(t *testing.T, dev *outboxtest.Device, store Store, cfg Config) *rig {
	t.Helper()
	r := &rig{t: t, dev: dev, clock: &clock{t: testNow}}
	if dev != nil {
		dev.Store.Now = r.clock.Now
	}
	cfg.Now = r.clock.Now
	if cfg.Lang == "" {
		cfg.Lang = i18n.Spanish
	}
	cfg.OnExit = func() { r.exits++ }
	r.k = New(fyne.CurrentApp(), store, cfg)
	r.k.pin.Params = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	t.Cleanup(r.k.win.Close)
	return r
}

// screen returns the current screen as a T, failing the test otherwise.
func screenAs[T screen](r *rig) T {
	r.t.Helper()
	s, ok := r.k.cur.(T)
	if !ok {
		var want T
		r.t.Fatalf("on screen %s (%T), want %T", r.k.cur.kind(), r.k.cur, want)
	}
	return s
}

func (r *rig) expect(kind screenKind) {
	r.t.Helper()
	if got := r.k.cur.kind(); got != kind {
		r.t.Fatalf("on screen %s, want %s", got, kind)
	}
}

// next taps the primary button at the bottom right.
func (r *rig) next() {
	r.t.Helper()
	if r.k.fr.next == nil {
		r.t.Fatalf("screen %s has no next button", r.k.cur.kind())
	}
	test.Tap(r.k.fr.next)
}

// begin goes from attract through the language choice to home.
func (r *rig) begin(l i18n.Lang) {
	r.t.Helper()
	r.expect(kindAttract)
	test.Tap(screenAs[*attractScreen](r).touch)
	r.expect(kindLanguage)
	test.TapCanvas(r.k.win.Canvas(), r.find(l.T("language.name")))
	r.expect(kindHome)
}

// find returns the centre of the first visible tappable object showing
// text, for tests that tap what a person would read.
func (r *rig) find(text string) fyne.Position {
	r.t.Helper()
	var pos fyne.Position
	found := false
	walk(r.k.win.Canvas(), func(o fyne.CanvasObject, abs fyne.Position) {
		if found {
			return
		}
		switch w := o.(type) {
		case *widgets.Tile:
			if w.Title == text {
				pos, found = abs.Add(fyne.NewPos(w.Size().Width/2, w.Size().Height/2)), true
			}
		case *widget.Button:
			if w.Text == text {
				pos, found = abs.Add(fyne.NewPos(w.Size().Width/2, w.Size().Height/2)), true
			}
		case *widgets.Button:
			if w.Text == text {
				pos, found = abs.Add(fyne.NewPos(w.Size().Width/2, w.Size().Height/2)), true
			}
		}
	})
	if !found {
		r.t.Fatalf("nothing on screen %s shows %q", r.k.cur.kind(), text)
	}
	return pos
}

// tapText taps the tile or button showing text.
func (r *rig) tapText(text string) {
	r.t.Helper()
	test.TapCanvas(r.k.win.Canvas(), r.find(text))
}

// typeKeys types s on the on-screen keyboard, key by key, as a person
// would: shift for capitals, the symbols page for digits.
func (r *rig) typeKeys(s string) {
	r.t.Helper()
	kb := r.k.fr.keyboard
	if kb == nil {
		r.t.Fatalf("screen %s has no keyboard", r.k.cur.kind())
	}
	for _, ch := range s {
		key := kb.Key(ch)
		if key == nil && kb.Layout() == widgets.Text {
			if kb.Shifted() {
				kb.ToggleShift()
			}
			lower := []rune(strings.ToLower(string(ch)))[0]
			switch {
			case lower != ch:
				kb.ToggleShift()
			case kb.Key(ch) == nil:
				kb.ShowSymbols(!kb.Symbols())
			}
			key = kb.Key(ch)
		}
		if key == nil {
			r.t.Fatalf("no key for %q on the %v keyboard", ch, kb.Layout())
		}
		test.Tap(key)
	}
}

// field is the entry of the current text step.
func (r *rig) field() *widgets.Entry {
	r.t.Helper()
	switch s := r.k.cur.(type) {
	case *textStep:
		return s.input
	case *questionScreen:
		return s.input
	case *pinScreen:
		return s.input
	}
	r.t.Fatalf("screen %s has no text field", r.k.cur.kind())
	return nil
}

// message is the validation line of the current screen.
func (r *rig) message() string {
	r.t.Helper()
	switch s := r.k.cur.(type) {
	case *textStep:
		return s.msg.Text
	case *questionScreen:
		return s.msg.Text
	case *areaStep:
		return s.msg.Text
	case *consentStep:
		return s.msg.Text
	case *padStep:
		return s.msg.Text
	case *reviewStep:
		return s.msg.Text
	case *pinScreen:
		return s.msg.Text
	case *surveyReview:
		return s.msg.Text
	case *choiceStep:
		return s.msg.Text
	case *whenStep:
		return s.msg.Text
	}
	r.t.Fatalf("screen %s has no message line", r.k.cur.kind())
	return ""
}

// sign draws a six-stroke scrawl across the signature pad with drags.
func (r *rig) sign() {
	r.t.Helper()
	pad := screenAs[*padStep](r).pad
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(pad)
	size := pad.Size()
	for i := range 6 {
		x := at.X + size.Width*(0.2+0.1*float32(i))
		y := at.Y + size.Height*0.5
		test.Drag(r.k.win.Canvas(), fyne.NewPos(x, y), size.Width*0.05, size.Height*0.3*float32(1-2*(i%2)))
	}
}

// tick moves the clock and runs the kiosk's timers.
func (r *rig) tick(d time.Duration) {
	r.clock.Advance(d)
	r.k.Tick()
}

// records returns what the outbox holds.
func (r *rig) records() []*record.Record {
	return r.dev.Records(r.t)
}

// onlyRecord returns the one record in the outbox and its opened body.
func (r *rig) onlyRecord() (*record.Record, *record.Body) {
	r.t.Helper()
	recs := r.records()
	if len(recs) != 1 {
		r.t.Fatalf("outbox holds %d records, want 1", len(recs))
	}
	return recs[0], r.dev.Open(r.t, recs[0])
}

// walk visits every visible object on the canvas, content and overlays,
// with its absolute position.
func walk(c fyne.Canvas, fn func(o fyne.CanvasObject, abs fyne.Position)) {
	var visit func(o fyne.CanvasObject, at fyne.Position)
	visit = func(o fyne.CanvasObject, at fyne.Position) {
		if o == nil || !o.Visible() {
			return
		}
		abs := at.Add(o.Position())
		fn(o, abs)
		switch w := o.(type) {
		case *fyne.Container:
			for _, ch := range w.Objects {
				visit(ch, abs)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(w).Objects() {
				visit(ch, abs)
			}
		}
	}
	visit(c.Content(), fyne.Position{})
	for _, o := range c.Overlays().List() {
		visit(o, fyne.Position{})
	}
}

// textsOn returns every text the canvas shows, with what holds it.
func textsOn(c fyne.Canvas) map[string]string {
	out := map[string]string{}
	walk(c, func(o fyne.CanvasObject, _ fyne.Position) {
		switch w := o.(type) {
		case *widget.Entry:
			out[w.Text] = "entry"
		case *widgets.Entry:
			out[w.Text] = "entry"
		case *widget.Label:
			out[w.Text] = "label"
		case *canvas.Text:
			out[w.Text] = "text"
		case *widgets.Tile:
			out[w.Title+"\n"+w.Detail] = "tile"
		}
	})
	return out
}

// leaks reports where any of secrets is still reachable from v, following
// pointers, slices, maps, interfaces and struct fields (unexported too).
// Types that hold no input of the person (the outbox, the logger, the
// Fyne app) are not followed.
func leaks(v any, secrets ...string) []string {
	seen := map[uintptr]bool{}
	var out []string
	var visit func(rv reflect.Value, path string, depth int)
	visit = func(rv reflect.Value, path string, depth int) {
		if depth > 40 || !rv.IsValid() {
			return
		}
		switch rv.Kind() {
		case reflect.String:
			s := rv.String()
			for _, sec := range secrets {
				if strings.Contains(s, sec) {
					out = append(out, fmt.Sprintf("%s = %q", path, s))
				}
			}
		case reflect.Pointer:
			if rv.IsNil() || seen[rv.Pointer()] {
				return
			}
			seen[rv.Pointer()] = true
			visit(rv.Elem(), path, depth+1)
		case reflect.Interface:
			if rv.IsNil() {
				return
			}
			e := rv.Elem()
			if skipType(e.Type()) {
				return
			}
			visit(e, path, depth+1)
		case reflect.Struct:
			if skipType(rv.Type()) {
				return
			}
			for i := range rv.NumField() {
				f := rv.Type().Field(i)
				if skipType(f.Type) {
					continue
				}
				visit(rv.Field(i), path+"."+f.Name, depth+1)
			}
		case reflect.Slice, reflect.Array:
			if rv.Kind() == reflect.Slice && rv.IsNil() {
				return
			}
			if rv.Type().Elem().Kind() == reflect.Uint8 {
				for _, sec := range secrets {
					if strings.Contains(string(rv.Bytes()), sec) {
						out = append(out, path+" holds a secret in bytes")
					}
				}
				return
			}
			for i := range rv.Len() {
				visit(rv.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
			}
		case reflect.Map:
			it := rv.MapRange()
			for it.Next() {
				visit(it.Key(), path+"{key}", depth+1)
				visit(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key()), depth+1)
			}
		}
	}
	visit(reflect.ValueOf(v), "kiosk", 0)
	return out
}

func skipType(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeOf(outbox.Store{}), reflect.TypeOf(pinguard.Guard{}):
		return true
	}
	name := t.PkgPath()
	return strings.HasPrefix(name, "log/slog") || t.Kind() == reflect.Func ||
		(t.Kind() == reflect.Interface && (t == reflect.TypeOf((*fyne.App)(nil)).Elem() ||
			t == reflect.TypeOf((*fyne.Window)(nil)).Elem() || t == reflect.TypeOf((*Store)(nil)).Elem()))
}

// failingStore is the outbox with a disk that fills up on demand.
type failingStore struct {
	*outbox.Store
	full bool
}

var errDiskFull = fmt.Errorf("save record: database or disk is full (13)")

func (s *failingStore) Append(ctx context.Context, d *record.Draft, c *campaign.Campaign) (*record.Record, error) {
	if s.full {
		return nil, errDiskFull
	}
	return s.Store.Append(ctx, d, c)
}
