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

	"github.com/voces-cdmx/voces/internal/record"
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
	extra    []fyne.CanvasObject // more buttons in the bottom bar, left of next
}

// action is a labelled button handler.
type action struct {
	label string
	run   func()
}

// frame is the furniture around every screen: the top bar (start over,
// language, the hidden technician corner), the bottom bar (back, text size,
// contrast, sync status, next), the on-screen keyboard and the full-screen
// prompts that cover it all.
type frame struct {
	k *Kiosk

	root    *fyne.Container // stack: page, prompt layer
	page    *fyne.Container // the composed screen
	prompt  *fyne.Container // "are you still there?" and confirmations
	corner  *widgets.Corner // technician gesture
	status  *widget.Label   // pending count and last sync
	next    *widget.Button  // the primary action on screen, if any
	nextRun func()
	back    *widget.Button // "back", if the screen has one
	start   *widget.Button // "start over" (or the screen's own label)
	langBtn *widget.Button // the language switch
	large   *widget.Button // large-text toggle
	hc      *widget.Button // high-contrast toggle

	keyboard *widgets.Keyboard // the keyboard on screen, if any
	v        *view             // the view on screen

	// The prompt's controls, kept to update the countdown and for tests.
	promptText  *widget.Label
	promptCount *widget.Label
	promptYes   *widget.Button
	promptNo    *widget.Button
}

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
	f.root = container.NewStack(f.page, f.prompt)
	if k.cfg.OnFirstFrame != nil {
		f.root.Add(paintProbe(k.cfg.OnFirstFrame))
	}
	return f
}

// set puts a view on screen.
func (f *frame) set(v *view) {
	k := f.k
	f.v = v
	f.keyboard = v.keyboard
	f.next, f.nextRun, f.back, f.start, f.langBtn, f.large, f.hc = nil, nil, nil, nil, nil, nil, nil
	var content fyne.CanvasObject
	if v.bare {
		// The corner floats over the top right of a full-screen view.
		corner := container.NewBorder(container.NewBorder(nil, nil, nil, f.corner), nil, nil, nil)
		content = container.NewStack(container.NewBorder(nil, f.status, nil, nil, v.body), corner)
	} else {
		content = container.NewBorder(f.topBar(v), f.bottom(v), nil, nil, f.middle(v))
	}
	f.page.Objects = []fyne.CanvasObject{content}
	f.refreshStatus()
	f.settle()
	c := k.win.Canvas()
	if v.focus != nil {
		c.Focus(v.focus)
	} else {
		c.Unfocus()
	}
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
	if v.noTop {
		return container.NewBorder(nil, nil, nil, f.corner)
	}
	label := v.startTo
	if label == "" {
		label = k.startOverLabel()
	}
	start := widget.NewButtonWithIcon(label, theme.HomeIcon(), k.StartOver)
	other := k.lang().Other()
	// The switch is written in the language it switches to: someone who
	// cannot read the current one still recognises their own.
	langBtn := widget.NewButtonWithIcon(other.T("frame.language"), theme.ViewRefreshIcon(), func() { k.SetLang(other) })
	f.start, f.langBtn = start, langBtn
	right := container.NewHBox(big(langBtn), f.corner)
	// Where the person is (question 3 of 15, step 2 of 6) sits in the
	// middle of the bar, leaving the screen below to the question itself.
	var where fyne.CanvasObject
	if v.kicker != "" {
		kick := widget.NewLabel(v.kicker)
		kick.TextStyle = fyne.TextStyle{Bold: true}
		kick.Alignment = fyne.TextAlignCenter
		kick.Truncation = fyne.TextTruncateEllipsis
		where = kick
	}
	bar := container.NewBorder(nil, nil, big(start), right, where)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	return container.NewStack(bg, container.NewPadded(bar))
}

// middle is the heading, the body and the keyboard.
func (f *frame) middle(v *view) fyne.CanvasObject {
	head := container.NewVBox()
	if v.title != "" {
		h := widget.NewLabel(v.title)
		h.SizeName = theme.SizeNameHeadingText
		h.TextStyle = fyne.TextStyle{Bold: true}
		h.Wrapping = fyne.TextWrapWord
		head.Add(h)
	}
	body := v.body
	if body == nil {
		body = layout.NewSpacer()
	}
	pad := layout.NewCustomPaddedLayout(4, 4, 24, 24)
	if v.keyboard != nil {
		// The keyboard takes half the screen. The field being typed in
		// stays in view just above it; the question and its help scroll if
		// they must, rather than push the keyboard off the bottom.
		head.Add(body)
		lower := container.NewVBox(v.keyboard)
		if v.field != nil {
			lower = container.NewVBox(container.New(pad, v.field), v.keyboard)
		}
		return container.NewBorder(nil, container.NewPadded(lower), nil, nil, container.New(pad, f.k.scroll(head)))
	}
	var top fyne.CanvasObject
	if len(head.Objects) > 0 {
		top = head
	}
	return container.New(pad, container.NewBorder(top, nil, nil, nil, body))
}

func (f *frame) bottom(v *view) fyne.CanvasObject {
	k := f.k
	var left []fyne.CanvasObject
	if v.back != nil {
		back := widget.NewButtonWithIcon(k.T("frame.back"), theme.NavigateBackIcon(), func() {
			k.Touch()
			v.back()
		})
		left = append(left, wide(back))
		f.back = back
	}
	large := widget.NewButtonWithIcon(k.T("frame.largetext"), theme.ZoomInIcon(), k.ToggleLargeText)
	if k.sess.look.LargeText {
		large.Importance = widget.HighImportance
	}
	contrast := widget.NewButtonWithIcon(k.T("frame.contrast"), theme.ColorAchromaticIcon(), k.ToggleHighContrast)
	if k.sess.look.HighContrast {
		contrast.Importance = widget.HighImportance
	}
	left = append(left, big(large), big(contrast))
	f.large, f.hc = large, contrast
	left = append(left, v.extra...)
	var right fyne.CanvasObject
	if v.next != nil {
		a := v.next
		run := func() {
			k.Touch()
			a.run()
		}
		b := widget.NewButtonWithIcon(a.label, theme.NavigateNextIcon(), run)
		b.IconPlacement = widget.ButtonIconTrailingText
		b.Importance = widget.HighImportance
		f.next, f.nextRun = b, run
		right = wide(b)
	}
	bar := container.NewBorder(nil, nil, container.NewHBox(left...), right, f.status)
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
	f.promptYes = widget.NewButtonWithIcon(yes, theme.ConfirmIcon(), func() {
		k.Touch()
		f.hidePrompt()
		if onYes != nil {
			onYes()
		}
	})
	f.promptYes.Importance = widget.HighImportance
	buttons := []fyne.CanvasObject{wide(f.promptYes)}
	f.promptNo = nil
	if no != "" {
		f.promptNo = widget.NewButtonWithIcon(no, theme.CancelIcon(), func() {
			k.Touch()
			f.hidePrompt()
			if onNo != nil {
				onNo()
			}
		})
		buttons = append([]fyne.CanvasObject{wide(f.promptNo)}, buttons...)
	}
	box := container.NewVBox(head, f.promptText, f.promptCount,
		container.NewCenter(container.NewHBox(buttons...)))
	card := container.NewGridWrap(fyne.NewSize(760, box.MinSize().Height), box)
	f.prompt.Objects = []fyne.CanvasObject{newBlocker(), container.NewCenter(card)}
	f.prompt.Show()
	f.prompt.Refresh()
	k.win.Canvas().Unfocus()
}

// showConfirm asks a yes/no question; yes runs onYes.
func (f *frame) showConfirm(text, yes, no string, onYes func()) {
	f.showPrompt(text, "", yes, onYes, no, nil)
}

func (f *frame) hidePrompt() {
	f.prompt.Hide()
	f.prompt.Objects = nil
	f.promptText, f.promptCount, f.promptYes, f.promptNo = nil, nil, nil, nil
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
	return widgets.AtLeast(o, fyne.NewSize(220, 72))
}

// blocker is an opaque layer that swallows taps, drags and scrolls, so a
// prompt over a screen really covers it.
type blocker struct{ widget.BaseWidget }

func newBlocker() *blocker {
	b := &blocker{}
	b.ExtendBaseWidget(b)
	return b
}

func (b *blocker) Tapped(*fyne.PointEvent)    {}
func (b *blocker) Dragged(*fyne.DragEvent)    {}
func (b *blocker) DragEnd()                   {}
func (b *blocker) Scrolled(*fyne.ScrollEvent) {}
func (b *blocker) CreateRenderer() fyne.WidgetRenderer {
	// Opaque: whoever walks up to a prompt must not read the screen under it.
	return widget.NewSimpleRenderer(canvas.NewRectangle(theme.Color(theme.ColorNameBackground)))
}

// kindOf names a record kind in the language on screen.
func (k *Kiosk) kindOf(kind record.Kind) string { return k.T("kind." + string(kind)) }
