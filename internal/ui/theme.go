package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// Look is how the screen is drawn for the person in front of it: the
// palette and the text size. Both can be switched from any screen and go
// back to the device defaults when the next person starts.
type Look struct {
	HighContrast bool
	LargeText    bool
}

// Theme is the kiosk's Fyne theme for one Look. It is light by default —
// kiosks stand in bright plazas — and white on black in high contrast. Text
// is far larger than Fyne's desktop defaults: the screen is read from
// arm's length, often by older eyes.
type Theme struct {
	look    Look
	palette *palette
	keys    bool // for the on-screen keyboard: tighter padding in keys
}

var _ fyne.Theme = (*Theme)(nil)

// NewTheme returns the theme for a look.
func NewTheme(l Look) *Theme {
	p := &defaultPalette
	if l.HighContrast {
		p = &highContrastPalette
	}
	return &Theme{look: l, palette: p}
}

// keysTheme is the theme of the on-screen keyboard: keys keep less
// padding around their word, so that with large text the widest rows
// still fit a 1024-wide screen without cutting a label.
func keysTheme(l Look) *Theme {
	t := NewTheme(l)
	t.keys = true
	return t
}

// KeysTheme is keysTheme for the keyboards a technician tool puts on its
// own screen.
func KeysTheme(l Look) *Theme { return keysTheme(l) }

// Look is the look the theme draws.
func (t *Theme) Look() Look { return t.look }

// palette holds every colour the theme hands out. The contrast test reads
// it through Color, so a colour added here is checked the same way.
type palette struct {
	background, foreground        color.NRGBA
	primary, onPrimary            color.NRGBA
	button, disabledButton        color.NRGBA
	disabled, placeholder         color.NRGBA
	errorText, onError            color.NRGBA
	success, onSuccess            color.NRGBA
	warning, onWarning            color.NRGBA
	inputBackground, inputBorder  color.NRGBA
	hover, pressed, focus         color.NRGBA
	selection, separator, shadow  color.NRGBA
	overlay, header, scrollBar    color.NRGBA
	menuBackground, scrollBarBack color.NRGBA
	focusRing                     color.NRGBA // the keypad's focus outline
}

func rgb(r, g, b uint8) color.NRGBA { return color.NRGBA{R: r, G: g, B: b, A: 0xff} }

func rgba(r, g, b, a uint8) color.NRGBA { return color.NRGBA{R: r, G: g, B: b, A: a} }

// The palettes. Every text/background pair in them is checked by
// TestContrast: at least 4.5:1 here (WCAG AA) and 7:1 in high contrast
// (WCAG AAA).
var (
	defaultPalette = palette{
		background:      rgb(0xf7, 0xf6, 0xf2), // warm paper white, less glare than #fff
		foreground:      rgb(0x1a, 0x1a, 0x1a),
		primary:         rgb(0x0a, 0x55, 0xa3), // civic blue
		onPrimary:       rgb(0xff, 0xff, 0xff),
		button:          rgb(0xe1, 0xe5, 0xea),
		disabledButton:  rgb(0xea, 0xea, 0xe6),
		disabled:        rgb(0x5c, 0x5c, 0x5c),
		placeholder:     rgb(0x5c, 0x5c, 0x5c),
		errorText:       rgb(0xa8, 0x10, 0x20),
		onError:         rgb(0xff, 0xff, 0xff),
		success:         rgb(0x1b, 0x6b, 0x2c),
		onSuccess:       rgb(0xff, 0xff, 0xff),
		warning:         rgb(0x8a, 0x4b, 0x00),
		onWarning:       rgb(0xff, 0xff, 0xff),
		inputBackground: rgb(0xff, 0xff, 0xff),
		inputBorder:     rgb(0x6b, 0x6b, 0x6b),
		hover:           rgba(0x00, 0x00, 0x00, 0x12),
		pressed:         rgba(0x00, 0x00, 0x00, 0x26),
		focus:           rgba(0x0a, 0x55, 0xa3, 0xcc),
		selection:       rgba(0x0a, 0x55, 0xa3, 0x40),
		separator:       rgb(0xc4, 0xc4, 0xc0),
		shadow:          rgba(0x00, 0x00, 0x00, 0x33),
		overlay:         rgb(0xf7, 0xf6, 0xf2),
		header:          rgb(0xe9, 0xe8, 0xe3),
		scrollBar:       rgba(0x00, 0x00, 0x00, 0x80),
		scrollBarBack:   rgba(0x00, 0x00, 0x00, 0x14),
		menuBackground:  rgb(0xff, 0xff, 0xff),
		// Burnt orange, not the civic blue of a chosen tile's border: the
		// focus must read apart from the selection.
		focusRing: rgb(0x9a, 0x3d, 0x00),
	}
	highContrastPalette = palette{
		background:      rgb(0x00, 0x00, 0x00),
		foreground:      rgb(0xff, 0xff, 0xff),
		primary:         rgb(0xff, 0xd6, 0x00), // signal yellow
		onPrimary:       rgb(0x00, 0x00, 0x00),
		button:          rgb(0x24, 0x24, 0x24),
		disabledButton:  rgb(0x14, 0x14, 0x14),
		disabled:        rgb(0xb8, 0xb8, 0xb8),
		placeholder:     rgb(0xc8, 0xc8, 0xc8),
		errorText:       rgb(0xff, 0x8a, 0x80),
		onError:         rgb(0x00, 0x00, 0x00),
		success:         rgb(0x7d, 0xe3, 0x8d),
		onSuccess:       rgb(0x00, 0x00, 0x00),
		warning:         rgb(0xff, 0xc2, 0x4d),
		onWarning:       rgb(0x00, 0x00, 0x00),
		inputBackground: rgb(0x00, 0x00, 0x00),
		inputBorder:     rgb(0xff, 0xff, 0xff),
		hover:           rgba(0xff, 0xff, 0xff, 0x1a),
		pressed:         rgba(0xff, 0xff, 0xff, 0x33),
		focus:           rgba(0xff, 0xd6, 0x00, 0xaa),
		selection:       rgba(0xff, 0xd6, 0x00, 0x66),
		separator:       rgb(0xb0, 0xb0, 0xb0),
		shadow:          rgba(0x00, 0x00, 0x00, 0x00),
		overlay:         rgb(0x00, 0x00, 0x00),
		header:          rgb(0x12, 0x12, 0x12),
		scrollBar:       rgba(0xff, 0xff, 0xff, 0xb0),
		scrollBarBack:   rgba(0xff, 0xff, 0xff, 0x26),
		menuBackground:  rgb(0x00, 0x00, 0x00),
		// Cyan, apart from the signal yellow of the selection.
		focusRing: rgb(0x00, 0xe5, 0xff),
	}
)

// Color returns the theme's colour for name; the variant is ignored, since
// the kiosk picks light or high contrast itself rather than following the
// system.
func (t *Theme) Color(name fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	p := t.palette
	switch name {
	case theme.ColorNameBackground:
		return p.background
	case theme.ColorNameForeground:
		return p.foreground
	case theme.ColorNamePrimary, theme.ColorNameHyperlink:
		return p.primary
	case theme.ColorNameForegroundOnPrimary:
		return p.onPrimary
	case theme.ColorNameButton:
		return p.button
	case theme.ColorNameDisabledButton:
		return p.disabledButton
	case theme.ColorNameDisabled:
		return p.disabled
	case theme.ColorNamePlaceHolder:
		return p.placeholder
	case theme.ColorNameError:
		return p.errorText
	case theme.ColorNameForegroundOnError:
		return p.onError
	case theme.ColorNameSuccess:
		return p.success
	case theme.ColorNameForegroundOnSuccess:
		return p.onSuccess
	case theme.ColorNameWarning:
		return p.warning
	case theme.ColorNameForegroundOnWarning:
		return p.onWarning
	case theme.ColorNameInputBackground:
		return p.inputBackground
	case theme.ColorNameInputBorder:
		return p.inputBorder
	case theme.ColorNameHover:
		return p.hover
	case theme.ColorNamePressed:
		return p.pressed
	case theme.ColorNameFocus:
		return p.focus
	case theme.ColorNameSelection:
		return p.selection
	case theme.ColorNameSeparator:
		return p.separator
	case theme.ColorNameShadow:
		return p.shadow
	case theme.ColorNameOverlayBackground:
		return p.overlay
	case theme.ColorNameHeaderBackground:
		return p.header
	case theme.ColorNameScrollBar:
		return p.scrollBar
	case theme.ColorNameScrollBarBackground:
		return p.scrollBarBack
	case theme.ColorNameMenuBackground:
		return p.menuBackground
	case widgets.ColorNameFocusRing:
		return p.focusRing
	}
	return p.foreground
}

// Font returns Fyne's bundled Noto Sans, which has every Spanish letter.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

// Icon returns Fyne's icons; they take the foreground colour of the theme.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Sizes in Fyne units (pixels at scale 1). Fyne's desktop text is 14;
// kiosk text is read standing, at arm's length.
const (
	textNormal = 22
	textLarge  = 28

	// TouchTarget is the smallest side of anything a person taps, after
	// the usual guidance for public touchscreens (at least 9 mm; 64 px on
	// a 22" 1080p panel is about 16 mm).
	TouchTarget = widgets.TouchMin
)

// SmallestScreen is the smallest display the kiosk is made for: every
// screen fits it in every look, and the window never asks for more.
var SmallestScreen = fyne.NewSize(1024, 600)

// Size returns the theme's sizes, scaled up for large text.
func (t *Theme) Size(name fyne.ThemeSizeName) float32 {
	k := float32(1)
	if t.look.LargeText {
		k = float32(textLarge) / textNormal
	}
	switch name {
	case theme.SizeNameText:
		return textNormal * k
	case SizeNameDisplay:
		return 44 * k
	case theme.SizeNameHeadingText:
		return 34 * k
	case theme.SizeNameSubHeadingText:
		return 27 * k
	case theme.SizeNameCaptionText:
		return 17 * k
	case theme.SizeNameInlineIcon:
		return 28 * k
	case theme.SizeNamePadding:
		return 6
	case theme.SizeNameInnerPadding:
		if t.keys {
			return 6
		}
		return 14
	case theme.SizeNameLineSpacing:
		return 6
	case theme.SizeNameInputBorder:
		return 2
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 8
	case theme.SizeNameScrollBar:
		return 16 // wide enough to drag with a finger
	case theme.SizeNameScrollBarSmall:
		return 8
	case theme.SizeNameScrollBarRadius:
		return 8
	case theme.SizeNameSeparatorThickness:
		return 2
	}
	return theme.DefaultTheme().Size(name)
}
