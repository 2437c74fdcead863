// Package techtools holds the technician tools plugged into the kiosk's
// technician menu (ui.TechTool): device health, sync now, dead records,
// USB bundle export, device settings, canvasser accounts and wiping the
// device.
//
// The tools read the outbox and hand work to syncd through it (package
// handoff), as the kiosk does; none of them touches the network.
package techtools

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/ui"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Options configure the tools.
type Options struct {
	// ExportDirs are offered for bundles besides the mounted removable
	// media (directories under /media and /run/media).
	ExportDirs []string
	// Versions describes the software, for the health screen.
	Versions string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Tool ids, for logs and tests.
const (
	IDHealth     = "health"
	IDSync       = "sync"
	IDDead       = "dead"
	IDExport     = "export"
	IDSettings   = "settings"
	IDCanvassers = "canvassers"
	IDWipe       = "wipe"
)

// Tools returns every technician tool, in menu order.
func Tools(opt Options) []ui.TechTool {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	tool := func(id string, build func(h ui.TechHost, opt Options) fyne.CanvasObject) ui.TechTool {
		return ui.TechTool{
			ID:    id,
			Title: func(l i18n.Lang) string { return l.T("tool." + id) },
			Build: func(h ui.TechHost) fyne.CanvasObject { return build(h, opt) },
		}
	}
	return []ui.TechTool{
		tool(IDHealth, func(h ui.TechHost, opt Options) fyne.CanvasObject { return newHealth(h, opt).root }),
		tool(IDSync, func(h ui.TechHost, opt Options) fyne.CanvasObject { return newSyncNow(h, opt).root }),
		tool(IDDead, func(h ui.TechHost, opt Options) fyne.CanvasObject { return newDead(h, opt).root }),
		tool(IDExport, func(h ui.TechHost, opt Options) fyne.CanvasObject { return newExport(h, opt).root }),
		tool(IDSettings, func(h ui.TechHost, opt Options) fyne.CanvasObject { return newSettings(h, opt).root }),
		withKeys(tool(IDCanvassers, func(h ui.TechHost, opt Options) fyne.CanvasObject { return newAccounts(h, opt).root })),
		tool(IDWipe, func(h ui.TechHost, opt Options) fyne.CanvasObject { return newWipe(h, opt).root }),
	}
}

// withKeys marks a tool whose screen ends in an on-screen keyboard.
func withKeys(t ui.TechTool) ui.TechTool {
	t.Keys = true
	return t
}

// form lays label/value pairs in two columns.
func form(rows ...[2]string) *fyne.Container {
	f := container.New(layout.NewFormLayout())
	for _, r := range rows {
		l := widget.NewLabel(r[0])
		l.TextStyle = fyne.TextStyle{Bold: true}
		v := widget.NewLabel(r[1])
		v.Wrapping = fyne.TextWrapWord
		f.Add(l)
		f.Add(v)
	}
	return f
}

func para(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// button is a touch-sized button that marks activity.
func button(h ui.TechHost, label string, icon fyne.Resource, tapped func()) *widget.Button {
	return widget.NewButtonWithIcon(label, icon, func() {
		h.Touch()
		tapped()
	})
}

func big(o fyne.CanvasObject) fyne.CanvasObject {
	return widgets.AtLeast(o, fyne.NewSize(260, ui.TouchTarget))
}

// scroll scrolls o, with a gutter on the right as wide as the scroll bar
// grows when touched, so the bar never covers the right-hand column.
func scroll(o fyne.CanvasObject) fyne.CanvasObject {
	gutter := canvas.NewRectangle(color.Transparent)
	gutter.SetMinSize(fyne.NewSize(2*theme.Size(theme.SizeNameScrollBar), 0))
	return widgets.NewScroller(container.NewPadded(container.NewBorder(nil, nil, nil, gutter, o)))
}

// keyboard makes an on-screen keyboard in the host's language.
func keyboard(h ui.TechHost, l widgets.KeyLayout, target *widget.Entry) *widgets.Keyboard {
	lang := h.Lang()
	kb := widgets.NewKeyboard(l, widgets.KeyLabels{
		Shift: lang.T("key.shift"), Space: lang.T("key.space"), Backspace: lang.T("key.backspace"),
		Symbols: lang.T("key.symbols"), Letters: lang.T("key.letters"),
	})
	kb.SetTarget(target)
	kb.OnKey = h.Touch
	return kb
}

// when formats a time for the technician, "never" when unset.
func when(l i18n.Lang, t *time.Time, now time.Time) string {
	if t == nil || t.IsZero() {
		return l.T("tool.never")
	}
	return l.Date(*t) + " " + l.Clock(*t) + " (" + l.Ago(*t, now) + ")"
}

func bytesText(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d kB", n>>10)
}
