package ui

import (
	"context"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// view is what a screen shows, for the frame to put in place.
type view struct {
	title    string              // heading above the body; "" for none
	kicker   string              // small line above the heading: progress, step
	body     fyne.CanvasObject   // the screen's own content
	back     func()              // "back" at the bottom left; nil hides it
	next     *action             // primary action at the bottom right
	keyboard *widgets.Keyboard   // on-screen keyboard under the body
	field    fyne.CanvasObject   // with a keyboard: the field typed in, kept in view above it
	focus    fyne.Focusable      // focused when shown, for a physical keyboard
	bare     bool                // full-screen content without bars (attract)
	idle     idlePolicy          // what idleness does here
	startTo  string              // label of the top-left button; "" for "start over"
	noTop    bool                // no top bar (technician PIN, not set up)
	staff    bool                // staff screen: shows the sync status strip
	extra    []fyne.CanvasObject // more buttons in the bottom bar, left of next
	wide     bool                // body has its own keyboard: no side margins, as for the frame's
	aside    fyne.CanvasObject   // a control at the right of a short title, where it costs no height

	// What the screen says when spoken guidance is on (speech.go): its
	// kicker and title, then say if set, else the text of its body (with
	// readAll, its tiles too).
	say     []string
	readAll bool
}

// action is a labelled button handler.
type action struct {
	label string
	run   func()
}

// frame is the furniture around every screen: the top bar (start over,
// where the person is, text size, contrast, language, the hidden
// technician corner), the bottom bar (back, the sync status on staff
// screens, next), the on-screen keyboard and the full-screen prompts that
// cover it all.
type frame struct {
	k *Kiosk

	root      *fyne.Container // stack: page, prompt layer
	page      *fyne.Container // the composed screen
	prompt    *fyne.Container // "are you still there?" and confirmations
	corner    *widgets.Corner // technician gesture
	status    *widget.Label   // pending count and last sync
	next      *widgets.Button // the primary action on screen, if any
	nextRun   func()
	back      *widgets.Button   // "back", if the screen has one
	start     *widgets.Button   // "start over" (or the screen's own label)
	langBtn   *widgets.Button   // the language switch
	large     *widgets.Button   // large-text toggle
	hc        *widgets.Button   // high-contrast toggle
	listen    *widgets.Button   // Escuchar / Listen: spoken guidance
	body      fyne.CanvasObject // the screen's own part, between the bars
	topBarBox fyne.CanvasObject // the top bar on screen; nil on a bare screen
	bottomBar fyne.CanvasObject // the bottom bar on screen; nil on a bare screen
	bars      []*widgets.Button // the frame's own buttons on screen

	keyboard *widgets.Keyboard // the keyboard on screen, if any
	v        *view             // the view on screen

	// The prompt's controls, kept to update the countdown and for tests.
	promptText  *widget.Label
	promptCount *widget.Label
	promptYes   *widgets.Button
	promptNo    *widgets.Button
	promptBack  *blocker // the layer under the prompt's card
	promptTitle string   // the prompt's question, for speech
}

// promptGap is the space between a prompt's two buttons.
const promptGap = 48

func newFrame(k *Kiosk) *frame {
	f := &frame{k: k}
	f.page = container.NewStack()
	f.prompt = container.NewStack()
	f.prompt.Hide()
	f.corner = widgets.NewCorner(k.techGesture)
	f.corner.Now = k.now
	f.status = widget.NewLabel("")
	f.status.SizeName = theme.SizeNameCaptionText
	f.status.Alignment = fyne.TextAlignTrailing
	f.status.Wrapping = fyne.TextWrapWord
	stack := container.NewStack(f.page, f.prompt)
	if k.cfg.OnFirstFrame != nil {
		stack.Add(paintProbe(k.cfg.OnFirstFrame))
	}
	// The window must never grow past the display: a screen asking for
	// more than the smallest supported one is a bug the fit test catches,
	// not a reason to push the bottom bar off screen for every later
	// person.
	f.root = widgets.AtMost(stack, SmallestScreen)
	return f
}

// set puts a view on screen.
func (f *frame) set(v *view) {
	k := f.k
	f.v = v
	f.keyboard = v.keyboard
	f.next, f.nextRun, f.back, f.start, f.langBtn, f.large, f.hc, f.listen = nil, nil, nil, nil, nil, nil, nil, nil
	f.bars = nil
	var content fyne.CanvasObject
	if v.bare {
		// The corner floats over the top right of a full-screen view,
		// Listen over its top left: a person who cannot see the screen
		// turns speech on before anything else.
		f.body, f.bottomBar = v.body, nil
		f.topBarBox = container.NewBorder(nil, nil, container.NewPadded(big(f.listenButton())), f.corner)
		corner := container.NewBorder(f.topBarBox, nil, nil, nil)
		content = container.NewStack(v.body, corner)
	} else {
		f.body = f.middle(v)
		f.topBarBox, f.bottomBar = f.topBar(v), f.bottom(v)
		content = container.NewBorder(f.topBarBox, f.bottomBar, nil, nil, f.body)
	}
	f.page.Objects = []fyne.CanvasObject{content}
	f.refreshStatus()
	f.settle()
	c := k.win.Canvas()
	focus := v.focus
	if focus == nil && k.sess.keypad {
		// Someone working the keypad starts each screen on its first
		// control, so Enter does what a tap on it would.
		if fs := focusables(f.body); len(fs) > 0 {
			focus = fs[0]
		}
	}
	if focus != nil {
		c.Focus(focus)
		if e, ok := focus.(*widgets.Entry); ok {
			cursorToEnd(e)
		}
		k.reveal(focus)
	} else {
		c.Unfocus()
	}
	k.rendering = false
	k.announce()
}

// button makes one of the frame's own buttons.
func (f *frame) button(label string, icon fyne.Resource, tapped func()) *widgets.Button {
	b := widgets.NewButton(label, icon, tapped, f.k.hooks)
	f.bars = append(f.bars, b)
	return b
}

// listenButton is Escuchar / Listen, written in both languages until the
// person has chosen one: it is what a person who cannot read the screen
// looks for first.
func (f *frame) listenButton() *widgets.Button {
	k := f.k
	b := f.button(k.T("frame.listen"), theme.VolumeUpIcon(), k.ToggleListen)
	f.listen = b
	f.refreshListen()
	return b
}

// refreshListen shows whether speech is on.
func (f *frame) refreshListen() {
	if f.listen == nil {
		return
	}
	f.listen.Importance = widget.MediumImportance
	if f.k.sess.listen.on {
		f.listen.Importance = widget.HighImportance
	}
	f.listen.Refresh()
}

// toggled reports whether b is one of the top bar's switches, and if so
// whether it is on.
func (f *frame) toggled(b *widgets.Button) (on, toggle bool) {
	s := f.k.sess
	switch b {
	case nil:
	case f.large:
		return s.look.LargeText, true
	case f.hc:
		return s.look.HighContrast, true
	case f.listen:
		return s.listen.on, true
	}
	return false, false
}

// inBody reports whether b belongs to the screen rather than to the bars
// or a prompt.
func (f *frame) inBody(b *widgets.Button) bool {
	return indexOf(f.bars, b) < 0 && b != f.promptYes && b != f.promptNo
}

// spells reports whether the field on screen is read back one character
// at a time: a voter id, a code or a number, typed on the keyboard for
// them.
func (f *frame) spells() bool {
	return f.keyboard != nil && f.keyboard.Layout() != widgets.Text
}

// settle lays the page out until wrapped text has found its height. A
// wrapping label only knows how tall it is once it knows how wide it is,
// so the first layout pass can leave it overlapping what follows. Fyne's
// GL driver re-lays out on the next frame; doing it here makes the first
// frame right, and the software renderer of tests and screenshots too.
func (f *frame) settle() {
	for range 3 {
		f.page.Refresh()
	}
}

// primary runs the screen's primary action, for the Enter key.
func (f *frame) primary() {
	if f.next != nil && !f.next.Disabled() && f.nextRun != nil {
		f.nextRun()
	}
}

func (f *frame) topBar(v *view) fyne.CanvasObject {
	k := f.k
	f.large, f.hc = nil, nil
	if v.noTop {
		return container.NewBorder(nil, nil, nil, f.corner)
	}
	label := v.startTo
	if label == "" {
		label = k.startOverLabel()
	}
	start := f.button(label, theme.HomeIcon(), k.StartOver)
	other := k.lang().Other()
	// The switch is written in the language it switches to: someone who
	// cannot read the current one still recognises their own.
	// A word, not an icon: Fyne has no globe, and its reload arrows read
	// as "start again".
	langBtn := f.button(other.T("frame.language"), nil, func() { k.SetLang(other) })
	f.start, f.langBtn = start, langBtn
	// The look switches sit with the language, in the bar whose middle
	// can give way: the bottom bar's buttons cannot shrink, and with large
	// text they would no longer fit a 1024-wide screen beside them.
	large := f.button(k.T("frame.largetext"), theme.ZoomInIcon(), k.ToggleLargeText)
	if k.sess.look.LargeText {
		large.Importance = widget.HighImportance
	}
	contrast := f.button(k.T("frame.contrast"), theme.ColorAchromaticIcon(), k.ToggleHighContrast)
	if k.sess.look.HighContrast {
		contrast.Importance = widget.HighImportance
	}
	f.large, f.hc = large, contrast
	// Listen is its loudspeaker alone here (it says its name when
	// focused): the bar has no room for a sixth word on a 1024-wide
	// screen. The attract screen, where a person starts, spells it out.
	listen := f.listenButton()
	listen.Text = ""
	right := container.NewHBox(big(listen), big(large), big(contrast), big(langBtn), f.corner)
	bar := container.NewBorder(nil, nil, big(start), right)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	// The top bar keeps the default text size in large text: it is the
	// same on every screen and its five controls must fit a 1024-wide
	// screen; large text enlarges what changes from screen to screen.
	look := k.sess.look
	look.LargeText = false
	return container.NewThemeOverride(container.NewStack(bg, container.NewPadded(bar)), NewTheme(look))
}

// middle is the heading, the body and the keyboard.
func (f *frame) middle(v *view) fyne.CanvasObject {
	head := container.NewVBox()
	// Where the person is (question 3 of 15, step 2 of 6) is a small line
	// over the heading: in the top bar, beside five controls, it was cut
	// to a few letters on a 1024-wide screen.
	if v.kicker != "" {
		kick := caption(v.kicker)
		kick.TextStyle = fyne.TextStyle{Bold: true}
		head.Add(kick)
	}
	if v.title != "" {
		h := widget.NewLabel(v.title)
		h.SizeName = theme.SizeNameHeadingText
		h.TextStyle = fyne.TextStyle{Bold: true}
		h.Wrapping = fyne.TextWrapWord
		if v.aside != nil {
			head.Add(container.NewBorder(nil, nil, nil, v.aside, h))
		} else {
			head.Add(h)
		}
	}
	body := v.body
	if body == nil {
		body = layout.NewSpacer()
	}
	pad := layout.NewCustomPaddedLayout(4, 4, 24, 24)
	if v.keyboard != nil {
		// The keyboard takes the lower half of the screen. The field being
		// typed in stays in view just above it; the question and its help
		// come first, and scroll only when even smaller keys leave them too
		// little room.
		head.Add(body)
		sc := f.k.scroll(head)
		var fieldBox fyne.CanvasObject = layout.NewSpacer()
		if v.field != nil {
			fieldBox = container.New(pad, v.field)
		}
		t := &typingLayout{kb: v.keyboard}
		keys := container.NewThemeOverride(v.keyboard, keysTheme(f.k.sess.look))
		return container.New(t, container.New(pad, sc), fieldBox, container.NewPadded(keys))
	}
	var top fyne.CanvasObject
	if len(head.Objects) > 0 {
		top = head
	}
	if v.wide {
		if top != nil {
			top = container.New(pad, top)
		}
		return container.NewBorder(top, nil, nil, nil, container.NewPadded(body))
	}
	return container.New(pad, container.NewBorder(top, nil, nil, nil, body))
}

// typingLayout stacks a screen's question, the field typed in and the
// on-screen keyboard (its three objects, in that order). The keys are full
// size and the question takes the rest, scrolling if it must; only when a
// short screen cannot give the question its minimum do the keys shrink,
// towards KeyMinHeight.
type typingLayout struct {
	kb *widgets.Keyboard
}

// compact is how much less than its minimum height the keyboard (in its
// padded box) can take.
func (l *typingLayout) compact() float32 {
	return l.kb.MinSize().Height - l.kb.CompactHeight()
}

// MinSize is the field's and the compact keys' height: the question
// scrolls in whatever is left, so a long message under the field (a
// mistyped provisioning code, in large text) takes room from the question
// rather than pushing the keys off a short screen.
func (l *typingLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for i, o := range objs {
		s := o.MinSize()
		if i == 0 {
			s.Height = 0
		}
		m = fyne.NewSize(max(m.Width, s.Width), m.Height+s.Height)
	}
	m.Height -= l.compact()
	return m
}

func (l *typingLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	head, field, kb := objs[0], objs[1], objs[2]
	fieldH := field.MinSize().Height
	kbFull := kb.MinSize().Height
	avail := size.Height - fieldH
	kbH := max(min(kbFull, avail-head.MinSize().Height), kbFull-l.compact())
	headH := max(avail-kbH, 0)
	head.Move(fyne.NewPos(0, 0))
	head.Resize(fyne.NewSize(size.Width, headH))
	field.Move(fyne.NewPos(0, headH))
	field.Resize(fyne.NewSize(size.Width, fieldH))
	kb.Move(fyne.NewPos(0, headH+fieldH))
	kb.Resize(fyne.NewSize(size.Width, kbH))
}

func (f *frame) bottom(v *view) fyne.CanvasObject {
	k := f.k
	var left []fyne.CanvasObject
	if v.back != nil {
		back := f.button(k.T("frame.back"), theme.NavigateBackIcon(), func() {
			k.Touch()
			v.back()
		})
		left = append(left, wide(back))
		f.back = back
	}
	left = append(left, v.extra...)
	var right fyne.CanvasObject
	if v.next != nil {
		a := v.next
		run := func() {
			k.Touch()
			a.run()
		}
		b := f.button(a.label, theme.NavigateNextIcon(), run)
		b.IconPlacement = widget.ButtonIconTrailingText
		b.Importance = widget.HighImportance
		f.next, f.nextRun = b, run
		right = wide(b)
	}
	// Records waiting and the last sync are for staff: a passer-by would
	// only read them as jargon, so they show on staff screens alone.
	var status fyne.CanvasObject
	if v.staff {
		status = f.status
	}
	bar := container.NewBorder(nil, nil, container.NewHBox(left...), right, status)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	return container.NewStack(bg, container.NewPadded(bar))
}

// refreshStatus writes the staff strip: records waiting to be sent and
// the last successful sync, from what syncd wrote to the outbox.
func (f *frame) refreshStatus() {
	k := f.k
	ctx := context.Background()
	c, err := k.store.Counts(ctx)
	if err != nil {
		f.status.SetText(k.T("status.unavailable"))
		return
	}
	st, err := k.store.SyncStatus(ctx)
	if err != nil {
		f.status.SetText(k.T("status.unavailable"))
		return
	}
	text := k.lang().N("status.pending", c.Pending)
	switch {
	case st.Stopped != "":
		text += " · " + k.T("status.stopped")
	case st.LastSuccess.IsZero():
		text += " · " + k.T("status.never")
	default:
		text += " · " + k.F("status.synced", k.lang().Ago(st.LastSuccess, k.now()))
	}
	f.status.SetText(text)
}

// showPrompt covers the screen with a question and one or two buttons.
// Everything under it is out of reach until it is answered.
func (f *frame) showPrompt(title, text, yes string, onYes func(), no string, onNo func()) {
	k := f.k
	head := widget.NewLabel(title)
	head.SizeName = theme.SizeNameHeadingText
	head.TextStyle = fyne.TextStyle{Bold: true}
	head.Alignment = fyne.TextAlignCenter
	head.Wrapping = fyne.TextWrapWord
	f.promptText = widget.NewLabel(text)
	f.promptText.Alignment = fyne.TextAlignCenter
	f.promptText.Wrapping = fyne.TextWrapWord
	f.promptCount = widget.NewLabel("")
	f.promptCount.SizeName = theme.SizeNameHeadingText
	f.promptCount.Alignment = fyne.TextAlignCenter
	f.promptYes = widgets.NewButton(yes, theme.ConfirmIcon(), func() {
		k.Touch()
		f.hidePrompt()
		if onYes != nil {
			onYes()
		}
	}, k.hooks)
	f.promptYes.Importance = widget.HighImportance
	buttons := []fyne.CanvasObject{wide(f.promptYes)}
	f.promptNo = nil
	if no != "" {
		f.promptNo = widgets.NewButton(no, theme.CancelIcon(), func() {
			k.Touch()
			f.hidePrompt()
			if onNo != nil {
				onNo()
			}
		}, k.hooks)
		buttons = append([]fyne.CanvasObject{wide(f.promptNo)}, buttons...)
	}
	// Two answers side by side need a clear gap, or a finger aimed at one
	// lands on the other.
	row := container.New(layout.NewCustomPaddedHBoxLayout(promptGap), buttons...)
	box := container.NewVBox(head, f.promptText, f.promptCount, container.NewCenter(row))
	card := container.NewGridWrap(fyne.NewSize(760, box.MinSize().Height), box)
	f.promptBack = newBlocker()
	f.prompt.Objects = []fyne.CanvasObject{f.promptBack, container.NewCenter(card)}
	f.promptTitle = title
	// The screen under the prompt is hidden, not only covered: the focus
	// cannot wander onto it, and nothing of it can be read.
	f.page.Hide()
	f.prompt.Show()
	f.prompt.Refresh()
	k.win.Canvas().Unfocus()
	k.announcePrompt()
}

// showConfirm asks a yes/no question; yes runs onYes. The keypad's focus
// starts on no, which loses nothing.
func (f *frame) showConfirm(text, yes, no string, onYes func()) {
	f.showPrompt(text, "", yes, onYes, no, nil)
	f.focusPrompt(f.promptNo)
}

// focusPrompt gives b, a button of the prompt, the focus, and says the
// prompt.
func (f *frame) focusPrompt(b *widgets.Button) {
	if b != nil {
		f.k.focusQuietly(b)
	}
	f.k.announcePrompt()
}

// announcePrompt says the prompt on screen and the button with the focus.
func (k *Kiosk) announcePrompt() {
	if !k.fr.promptShown() {
		return
	}
	lines := k.promptLines()
	if fo := k.win.Canvas().Focused(); fo != nil {
		lines = append(lines, k.describe(fo))
	}
	k.sayAfresh(lines...)
}

// promptLines are what the prompt on screen says, before its buttons.
func (k *Kiosk) promptLines() []string {
	f := k.fr
	lines := []string{f.promptTitle}
	if f.promptText != nil {
		lines = append(lines, f.promptText.Text)
	}
	if !k.promptEnd.IsZero() {
		lines = append(lines, k.lang().N("speech.countdown", secondsLeft(k.promptEnd.Sub(k.now()))))
	}
	return lines
}

func (f *frame) hidePrompt() {
	f.page.Show()
	f.prompt.Hide()
	f.prompt.Objects = nil
	f.promptText, f.promptCount, f.promptYes, f.promptNo, f.promptBack = nil, nil, nil, nil, nil
	if f.v != nil && f.v.focus != nil {
		f.k.win.Canvas().Focus(f.v.focus)
	}
}

// promptShown reports whether a prompt covers the screen.
func (f *frame) promptShown() bool { return f.prompt.Visible() }

// paintProbe is a one-pixel transparent raster: a painter draws it with
// the rest of the window, calling its generator, which reports the paint.
func paintProbe(painted func()) fyne.CanvasObject {
	r := canvas.NewRaster(func(w, h int) image.Image {
		painted()
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	})
	r.Resize(fyne.NewSize(1, 1))
	return container.NewWithoutLayout(r)
}

// big makes a button at least a touch target in both directions.
func big(o fyne.CanvasObject) fyne.CanvasObject {
	return widgets.AtLeast(o, fyne.NewSize(TouchTarget, TouchTarget))
}

// wide makes a navigation button: wide and tall, easy to hit with a thumb.
func wide(o fyne.CanvasObject) fyne.CanvasObject {
	return widgets.AtLeast(o, fyne.NewSize(220, TouchTarget))
}

// blocker is an opaque layer that swallows taps, drags and scrolls, so a
// prompt over a screen really covers it. A tap on it runs onTap, if set.
type blocker struct {
	widget.BaseWidget
	onTap func()
}

func newBlocker() *blocker {
	b := &blocker{}
	b.ExtendBaseWidget(b)
	return b
}

func (b *blocker) Tapped(*fyne.PointEvent) {
	if b.onTap != nil {
		b.onTap()
	}
}
func (b *blocker) Dragged(*fyne.DragEvent)    {}
func (b *blocker) DragEnd()                   {}
func (b *blocker) Scrolled(*fyne.ScrollEvent) {}
func (b *blocker) CreateRenderer() fyne.WidgetRenderer {
	// Opaque: whoever walks up to a prompt must not read the screen under it.
	return widget.NewSimpleRenderer(canvas.NewRectangle(theme.Color(theme.ColorNameBackground)))
}
