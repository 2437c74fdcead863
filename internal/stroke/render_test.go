package stroke

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"
)

// vee is a sharp V and a separate dot on a 600×250 pad: a joint where the
// rectangle and disc shapes overlap, two stroke ends, and a one-point stroke.
func vee() *Signature {
	return &Signature{W: 600, H: 250, Strokes: []Stroke{
		{{X: 0.1, Y: 0.2, T: 0}, {X: 0.3, Y: 0.8, T: 100}, {X: 0.5, Y: 0.2, T: 200}},
		{{X: 0.8, Y: 0.5, T: 400}},
	}}
}

func decodePNG(t *testing.T, b []byte, w, h int) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got != image.Pt(w, h) {
		t.Fatalf("PNG is %v, want %dx%d", got, w, h)
	}
	return img
}

// gray is the luminance of the pixel at (x, y), 0 black to 255 white.
func gray(img image.Image, x, y int) uint8 {
	return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
}

func TestPNGDrawsInkAndNothingElse(t *testing.T) {
	s := vee()
	b, err := s.PNG(600, 250)
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, b, 600, 250)
	// The pad fills the image less a pen-radius margin, so pad positions
	// map to nearly the same pixels.
	px := func(x, y float64) (int, int) {
		c := PenWidth * 250 / 2
		scale := min(600/(600+2*c), 250/(250+2*c))
		return int(math.Round((600-600*scale)/2 + x*600*scale)), int(math.Round((250-250*scale)/2 + y*250*scale))
	}
	dark := []struct {
		name string
		x, y float64
	}{
		{"stroke start", 0.1, 0.2},
		{"middle of the first segment", 0.2, 0.5},
		{"the joint at the bottom of the V", 0.3, 0.8},
		{"a quarter along the second segment", 0.35, 0.65},
		{"stroke end", 0.5, 0.2},
		{"the single-point dot", 0.8, 0.5},
	}
	for _, p := range dark {
		x, y := px(p.x, p.y)
		if g := gray(img, x, y); g > 64 {
			t.Errorf("%s at (%d,%d): gray %d, want dark", p.name, x, y, g)
		}
	}
	light := []struct {
		name string
		x, y float64
	}{
		{"inside the V", 0.3, 0.4},
		{"beyond the start", 0.05, 0.2},
		{"beside the dot", 0.8, 0.45},
		{"top left corner", 0, 0},
		{"bottom right corner", 1, 1},
		{"empty right side", 0.95, 0.9},
	}
	for _, p := range light {
		x, y := px(p.x, p.y)
		x, y = min(x, 599), min(y, 249)
		if g := gray(img, x, y); g != 255 {
			t.Errorf("%s at (%d,%d): gray %d, want white", p.name, x, y, g)
		}
	}
	// The edges are anti-aliased: some pixels are neither black nor white.
	grey := 0
	for y := range 250 {
		for x := range 600 {
			if g := gray(img, x, y); g > 0 && g < 255 {
				grey++
			}
		}
	}
	if grey < 100 {
		t.Errorf("%d grey pixels; edges are not anti-aliased", grey)
	}
}

func TestPNGTransparent(t *testing.T) {
	// The same ink as on white, carried by alpha over black.
	s := vee()
	ob, err := s.PNG(300, 125)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := s.PNG(300, 125, Transparent())
	if err != nil {
		t.Fatal(err)
	}
	opaque, clear := decodePNG(t, ob, 300, 125), decodePNG(t, tb, 300, 125)
	inked := 0
	for y := range 125 {
		for x := range 300 {
			c := color.NRGBAModel.Convert(clear.At(x, y)).(color.NRGBA)
			if c.A != 0 && (c.R != 0 || c.G != 0 || c.B != 0) {
				t.Fatalf("pixel (%d,%d) is %v, want black", x, y, c)
			}
			if want := 255 - gray(opaque, x, y); c.A != want {
				t.Fatalf("pixel (%d,%d) alpha %d, want %d", x, y, c.A, want)
			}
			if c.A > 128 {
				inked++
			}
		}
	}
	if inked < 100 {
		t.Errorf("only %d inked pixels", inked)
	}
}

func TestPNGKeepsAspectRatio(t *testing.T) {
	// A 600×250 pad in a square image is letterboxed: ink only in the
	// middle band, never in the top and bottom margins.
	s := &Signature{W: 600, H: 250, Strokes: []Stroke{zigzag(0, 1, 0, 1, 40)}}
	b, err := s.PNG(300, 300)
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, b, 300, 300)
	band := 250 * 300 / 600 // pad height at 300 px wide
	top := (300 - band) / 2
	for y := range 300 {
		inked := false
		for x := range 300 {
			if gray(img, x, y) < 255 {
				inked = true
				break
			}
		}
		inBand := y >= top-2 && y <= top+band+2
		if inked && !inBand {
			t.Fatalf("ink on row %d, outside the band %d..%d", y, top, top+band)
		}
		if !inked && y >= top+5 && y <= top+band-5 {
			t.Fatalf("no ink on row %d inside the band", y)
		}
	}
}

func TestPNGPenScalesWithSize(t *testing.T) {
	s := &Signature{W: 600, H: 250, Strokes: []Stroke{line(0.1, 0.5, 0.9, 0.5, 10, 0)}}
	width := func(w, h int) int {
		b, err := s.PNG(w, h)
		if err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, b, w, h)
		n := 0
		for y := range h {
			if gray(img, w/2, y) < 128 {
				n++
			}
		}
		return n
	}
	small, large := width(600, 250), width(1800, 750)
	if small < 2 || large < 3*small-2 || large > 3*small+2 {
		t.Errorf("pen %d px at 600×250 and %d px at 1800×750; want about 3 and three times as wide", small, large)
	}
}

func TestPNGRefuses(t *testing.T) {
	tests := []struct {
		name string
		sig  *Signature
		w, h int
	}{
		{"zero width", vee(), 0, 100},
		{"negative height", vee(), 100, -1},
		{"too large", vee(), MaxRenderSide + 1, 100},
		{"point off the pad", &Signature{W: 600, H: 250, Strokes: []Stroke{{{X: 1.5, Y: 0.5}}}}, 100, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.sig.PNG(tt.w, tt.h); err == nil {
				t.Error("rendered")
			}
		})
	}
	_, err := (&Signature{W: 600, H: 250, Strokes: []Stroke{{}}}).PNG(10, 10)
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("empty stroke: got %v, want ErrInvalid", err)
	}
}

func TestPNGOfEmptySignatureIsBlank(t *testing.T) {
	b, err := (&Signature{W: 600, H: 250}).PNG(60, 25)
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, b, 60, 25)
	for y := range 25 {
		for x := range 60 {
			if g := gray(img, x, y); g != 255 {
				t.Fatalf("pixel (%d,%d) is %d", x, y, g)
			}
		}
	}
}

// svgDoc is the part of an SVG document the tests look at.
type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	ViewBox string   `xml:"viewBox,attr"`
	Group   struct {
		Linecap string `xml:"stroke-linecap,attr"`
		Paths   []struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	} `xml:"g"`
}

func TestSVG(t *testing.T) {
	s := Synthetic(seeded(2), 600, 250, 12)
	s.Strokes = append(s.Strokes, Stroke{{X: 0.9, Y: 0.1, T: 1 << 20}})
	out := s.SVG()
	var doc svgDoc
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out)
	}
	// Strict parsing of the whole document, not only the fields above.
	dec := xml.NewDecoder(bytes.NewReader(out))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("malformed: %v", err)
		}
	}
	if doc.ViewBox != "0 0 600 250" {
		t.Errorf("viewBox %q", doc.ViewBox)
	}
	if doc.Group.Linecap != "round" {
		t.Errorf("stroke-linecap %q, want round", doc.Group.Linecap)
	}
	if len(doc.Group.Paths) != len(s.Strokes) {
		t.Fatalf("%d paths for %d strokes", len(doc.Group.Paths), len(s.Strokes))
	}
	for i, p := range doc.Group.Paths {
		if !strings.HasPrefix(p.D, "M") || strings.Count(p.D, "M") != 1 {
			t.Errorf("path %d does not start with a single move: %.40q", i, p.D)
		}
		wantL := max(len(s.Strokes[i])-1, 1)
		if got := strings.Count(p.D, "L"); got != wantL {
			t.Errorf("path %d has %d lines, want %d", i, got, wantL)
		}
	}
	if last := doc.Group.Paths[len(doc.Group.Paths)-1].D; last != "M540 25L540 25" {
		t.Errorf("single-point stroke drawn as %q, want a zero-length line in pad pixels", last)
	}
}

func TestSVGStaysWellFormed(t *testing.T) {
	s := &Signature{W: 10, H: 10, Strokes: []Stroke{{{X: float32(math.NaN()), Y: float32(math.Inf(1))}, {X: -3, Y: 0.5}}}}
	var doc svgDoc
	if err := xml.Unmarshal(s.SVG(), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Group.Paths[0].D; got != "M0 10L0 5" {
		t.Errorf("clamped path %q, want %q", got, "M0 10L0 5")
	}
}
