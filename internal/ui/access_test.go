package ui

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// luminance is WCAG 2's relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio, from 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// over composites a translucent colour on an opaque one, as Fyne draws
// hover, pressed and selection highlights over a surface.
func over(top, base color.Color) color.Color {
	t := color.NRGBAModel.Convert(top).(color.NRGBA)
	b := color.NRGBAModel.Convert(base).(color.NRGBA)
	a := float64(t.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(t.R, b.R), G: mix(t.G, b.G), B: mix(t.B, b.B), A: 0xff}
}

func TestContrast(t *testing.T) {
	for _, tc := range []struct {
		name string
		look Look
		min  float64 // WCAG AA for the default theme, AAA for high contrast
	}{
		{"default theme", Look{}, 4.5},
		{"high contrast", Look{HighContrast: true}, 7},
	} {
		th := NewTheme(tc.look)
		c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, theme.VariantLight) }
		pairs := []struct {
			what     string
			fg, bg   color.Color
			nonText  bool // borders and marks: WCAG asks 3:1
			minRatio float64
		}{
			{what: "text on the background", fg: c(theme.ColorNameForeground), bg: c(theme.ColorNameBackground)},
			{what: "text on the top and bottom bars", fg: c(theme.ColorNameForeground), bg: c(theme.ColorNameHeaderBackground)},
			{what: "button text on a button", fg: c(theme.ColorNameForeground), bg: c(theme.ColorNameButton)},
			{what: "button text on a hovered button", fg: c(theme.ColorNameForeground), bg: over(c(theme.ColorNameHover), c(theme.ColorNameButton))},
			{what: "button text on a pressed button", fg: c(theme.ColorNameForeground), bg: over(c(theme.ColorNamePressed), c(theme.ColorNameButton))},
			{what: "text on the primary button", fg: c(theme.ColorNameForegroundOnPrimary), bg: c(theme.ColorNamePrimary)},
			{what: "text on a hovered primary button", fg: c(theme.ColorNameForegroundOnPrimary), bg: over(c(theme.ColorNameHover), c(theme.ColorNamePrimary))},
			{what: "disabled text on a disabled button", fg: c(theme.ColorNameDisabled), bg: c(theme.ColorNameDisabledButton)},
			{what: "disabled text on the background", fg: c(theme.ColorNameDisabled), bg: c(theme.ColorNameBackground)},
			{what: "typed text in a field", fg: c(theme.ColorNameForeground), bg: c(theme.ColorNameInputBackground)},
			{what: "selected text in a field", fg: c(theme.ColorNameForeground), bg: over(c(theme.ColorNameSelection), c(theme.ColorNameInputBackground))},
			{what: "placeholder in a field", fg: c(theme.ColorNamePlaceHolder), bg: c(theme.ColorNameInputBackground)},
			{what: "error message", fg: c(theme.ColorNameError), bg: c(theme.ColorNameBackground)},
			{what: "text on an error badge", fg: c(theme.ColorNameForegroundOnError), bg: c(theme.ColorNameError)},
			{what: "success message", fg: c(theme.ColorNameSuccess), bg: c(theme.ColorNameBackground)},
			{what: "text on a success badge", fg: c(theme.ColorNameForegroundOnSuccess), bg: c(theme.ColorNameSuccess)},
			{what: "warning", fg: c(theme.ColorNameWarning), bg: c(theme.ColorNameBackground)},
			{what: "text on a warning badge", fg: c(theme.ColorNameForegroundOnWarning), bg: c(theme.ColorNameWarning)},
			{what: "primary-coloured text and links", fg: c(theme.ColorNamePrimary), bg: c(theme.ColorNameBackground)},
			{what: "a chosen option's mark on its tile", fg: c(theme.ColorNamePrimary), bg: c(theme.ColorNameButton)},
			{what: "the attract call to touch", fg: c(theme.ColorNameForegroundOnPrimary), bg: c(theme.ColorNamePrimary)},
			{what: "field border", fg: c(theme.ColorNameInputBorder), bg: c(theme.ColorNameInputBackground), nonText: true},
			{what: "tile border on the background", fg: c(theme.ColorNameInputBorder), bg: c(theme.ColorNameBackground), nonText: true},
			{what: "the focus ring", fg: over(c(theme.ColorNameFocus), c(theme.ColorNameInputBackground)), bg: c(theme.ColorNameInputBackground), nonText: true},
		}
		// The keypad's focus outline meets 3:1 against every surface it is
		// drawn on or next to (the page, the top and bottom bars, a button,
		// a tile chosen or not, a field, the primary button): its outer
		// band (widgets.FocusStroke wide) or its inner one in the
		// background colour (widgets.FocusInner wide) does.
		ring, inner := c(widgets.ColorNameFocusRing), c(theme.ColorNameBackground)
		band := func(bg color.Color) color.Color {
			if contrast(inner, bg) > contrast(ring, bg) {
				return inner
			}
			return ring
		}
		for _, s := range []struct {
			what string
			bg   color.Color
		}{
			{"the background", c(theme.ColorNameBackground)},
			{"the top and bottom bars", c(theme.ColorNameHeaderBackground)},
			{"a button or tile", c(theme.ColorNameButton)},
			{"a hovered button", over(c(theme.ColorNameHover), c(theme.ColorNameButton))},
			{"a focused button's tint", over(c(theme.ColorNameFocus), c(theme.ColorNameButton))},
			{"a chosen tile", over(c(theme.ColorNameSelection), c(theme.ColorNameButton))},
			{"the primary button", c(theme.ColorNamePrimary)},
			{"a field", c(theme.ColorNameInputBackground)},
		} {
			pairs = append(pairs, struct {
				what     string
				fg, bg   color.Color
				nonText  bool
				minRatio float64
			}{what: "the focus outline on " + s.what, fg: band(s.bg), bg: s.bg, nonText: true})
		}
		if ring == c(theme.ColorNamePrimary) {
			t.Errorf("%s: the focus outline has the colour of a chosen tile's border", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range pairs {
				min := tc.min
				if p.nonText {
					min = 3
				}
				if got := contrast(p.fg, p.bg); got < min {
					t.Errorf("%s: %.2f:1, want at least %.1f:1", p.what, got, min)
				}
			}
		})
	}
}

func TestSignaturePadContrast(t *testing.T) {
	// The pad is paper white in every theme; its hint and ink must read.
	paper := color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	if got := contrast(color.NRGBA{R: 0x5c, G: 0x5c, B: 0x5c, A: 0xff}, paper); got < 4.5 {
		t.Fatalf("pad hint %.2f:1", got)
	}
}

func TestLargeTextIsLarger(t *testing.T) {
	normal, large := NewTheme(Look{}), NewTheme(Look{LargeText: true})
	for _, n := range []fyne.ThemeSizeName{theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameCaptionText, SizeNameDisplay} {
		if large.Size(n) <= normal.Size(n) {
			t.Errorf("%s: large %v, normal %v", n, large.Size(n), normal.Size(n))
		}
	}
	if normal.Size(theme.SizeNameText) < 20 || normal.Size(theme.SizeNameCaptionText) < 16 {
		t.Errorf("body text %v and captions %v are too small for a kiosk", normal.Size(theme.SizeNameText), normal.Size(theme.SizeNameCaptionText))
	}
}

// TestTouchTargets walks every main screen, in both languages and in
// large text, and measures everything a person can tap.
func TestTouchTargets(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		look Look
	}{
		{i18n.Spanish, Look{}},
		{i18n.English, Look{}},
		{i18n.Spanish, Look{LargeText: true}},
	} {
		t.Run(fmt.Sprintf("%s %+v", tc.lang, tc.look), func(t *testing.T) {
			look := tc.look
			r := newRig(t, Config{Lang: tc.lang, Look: &look})
			screens := 0
			err := r.k.Tour(func(name string) {
				screens++
				walk(r.k.win.Canvas(), func(o fyne.CanvasObject, _ fyne.Position) {
					if _, ok := o.(fyne.Tappable); !ok {
						return
					}
					if s := o.Size(); s.Width < TouchTarget || s.Height < TouchTarget {
						t.Errorf("%s: %T is %.0f×%.0f, smaller than %d×%d", name, o, s.Width, s.Height, TouchTarget, TouchTarget)
					}
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if screens < 30 {
				t.Fatalf("the tour showed %d screens", screens)
			}
		})
	}
}
