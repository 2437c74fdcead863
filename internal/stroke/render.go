package stroke

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"strconv"

	"golang.org/x/image/vector"
)

// PenWidth is the pen's diameter as a fraction of the shorter side of the
// drawn pad: 3 px on a 600×250 pad, and the same look at any output size.
const PenWidth = 0.012

// MaxRenderSide bounds the output size so a bad request cannot ask for
// gigabytes of pixels.
const MaxRenderSide = 8192

// circleK places the control points of a cubic Bézier that approximates a
// quarter circle (4/3·(√2−1)).
const circleK = 0.5522847498

// RenderOption changes how Image and PNG draw.
type RenderOption func(*renderConfig)

type renderConfig struct {
	transparent bool // black ink on a transparent background instead of white
}

// Transparent draws black ink on a transparent background, for overlaying a
// signature on a form or a PDF sheet.
func Transparent() RenderOption {
	return func(c *renderConfig) { c.transparent = true }
}

// Image draws the signature on a w×h image: anti-aliased black strokes with
// round caps and joins, on white (an *image.Gray) or, with Transparent, on
// nothing (an *image.NRGBA). The pad is scaled to fit with its aspect ratio
// kept, centred, and inset by the pen's radius so ink at the edge stays whole.
func (s *Signature) Image(w, h int, opts ...RenderOption) (image.Image, error) {
	var cfg renderConfig
	for _, o := range opts {
		o(&cfg)
	}
	if w < 1 || h < 1 || w > MaxRenderSide || h > MaxRenderSide {
		return nil, fmt.Errorf("render signature: size %dx%d outside 1..%d", w, h, MaxRenderSide)
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("render signature: %w", err)
	}
	mask := s.mask(w, h)
	if cfg.transparent {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for i, a := range mask.Pix {
			img.Pix[4*i+3] = a // colour stays black
		}
		return img, nil
	}
	// Invert the coverage in place: ink is dark on white.
	for i, a := range mask.Pix {
		mask.Pix[i] = 255 - a
	}
	return &image.Gray{Pix: mask.Pix, Stride: mask.Stride, Rect: mask.Rect}, nil
}

// PNG draws the signature as Image does and encodes it as PNG.
func (s *Signature) PNG(w, h int, opts ...RenderOption) ([]byte, error) {
	img, err := s.Image(w, h, opts...)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode signature png: %w", err)
	}
	return buf.Bytes(), nil
}

// mask rasterises the ink as coverage: every segment as a rectangle as wide
// as the pen, every point as a disc. The rasteriser adds up the coverage of
// overlapping shapes with the same winding and clamps it, so all shapes are
// wound the same way; opposite windings would cancel and punch holes.
func (s *Signature) mask(w, h int) *image.Alpha {
	// The pen is proportional to the drawn pad (radius c·scale) and the pad
	// is inset by that radius: scale·W + 2·c·scale = w, likewise for h.
	c := PenWidth * float64(min(s.W, s.H)) / 2
	scale := min(float64(w)/(float64(s.W)+2*c), float64(h)/(float64(s.H)+2*c))
	r := max(0.5, c*scale) // thinner than a pixel would fade to grey
	ox := (float64(w) - float64(s.W)*scale) / 2
	oy := (float64(h) - float64(s.H)*scale) / 2
	at := func(p Point) (float64, float64) {
		return ox + float64(p.X)*float64(s.W)*scale, oy + float64(p.Y)*float64(s.H)*scale
	}

	z := vector.NewRasterizer(w, h)
	for _, st := range s.Strokes {
		px, py := at(st[0])
		disc(z, px, py, r)
		for _, p := range st[1:] {
			qx, qy := at(p)
			segment(z, px, py, qx, qy, r)
			disc(z, qx, qy, r)
			px, py = qx, qy
		}
	}
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	z.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	return mask
}

// segment adds the rectangle of half-width r around p→q, wound clockwise
// in the plane's usual orientation (negative signed area).
func segment(z *vector.Rasterizer, px, py, qx, qy, r float64) {
	dx, dy := qx-px, qy-py
	l := math.Hypot(dx, dy)
	if l < 1e-6 {
		return // the discs at both ends already cover it
	}
	nx, ny := -dy/l*r, dx/l*r
	z.MoveTo(f32(px+nx), f32(py+ny))
	z.LineTo(f32(qx+nx), f32(qy+ny))
	z.LineTo(f32(qx-nx), f32(qy-ny))
	z.LineTo(f32(px-nx), f32(py-ny))
	z.ClosePath()
}

// disc adds a circle of radius r around (cx, cy) as four cubic arcs, with
// the angle decreasing so it winds like segment.
func disc(z *vector.Rasterizer, cx, cy, r float64) {
	k := circleK * r
	z.MoveTo(f32(cx+r), f32(cy))
	z.CubeTo(f32(cx+r), f32(cy-k), f32(cx+k), f32(cy-r), f32(cx), f32(cy-r))
	z.CubeTo(f32(cx-k), f32(cy-r), f32(cx-r), f32(cy-k), f32(cx-r), f32(cy))
	z.CubeTo(f32(cx-r), f32(cy+k), f32(cx-k), f32(cy+r), f32(cx), f32(cy+r))
	z.CubeTo(f32(cx+k), f32(cy+r), f32(cx+r), f32(cy+k), f32(cx+r), f32(cy))
	z.ClosePath()
}

func f32(v float64) float32 { return float32(v) }

// SVG returns a standalone SVG document of the signature at pad size
// (viewBox 0 0 W H), one path of M and L commands per stroke, round caps and
// joins. Coordinates off the pad are clamped so the document stays
// well-formed whatever it is given.
func (s *Signature) SVG() []byte {
	w, h := float64(s.W), float64(s.H)
	pen := PenWidth * min(w, h)
	var b []byte
	b = append(b, `<svg xmlns="http://www.w3.org/2000/svg" width="`...)
	b = strconv.AppendUint(b, uint64(s.W), 10)
	b = append(b, `" height="`...)
	b = strconv.AppendUint(b, uint64(s.H), 10)
	b = append(b, `" viewBox="0 0 `...)
	b = strconv.AppendUint(b, uint64(s.W), 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(s.H), 10)
	b = append(b, `"><g fill="none" stroke="#000" stroke-width="`...)
	b = appendNum(b, pen)
	b = append(b, `" stroke-linecap="round" stroke-linejoin="round">`...)
	for _, st := range s.Strokes {
		if len(st) == 0 {
			continue
		}
		b = append(b, `<path d="`...)
		for i, p := range st {
			cmd := byte('L')
			if i == 0 {
				cmd = 'M'
			}
			b = append(b, cmd)
			b = appendNum(b, float64(clampUnit(p.X))*w)
			b = append(b, ' ')
			b = appendNum(b, float64(clampUnit(p.Y))*h)
		}
		if len(st) == 1 {
			// A zero-length segment, which round caps draw as a dot.
			b = append(b, 'L')
			b = appendNum(b, float64(clampUnit(st[0].X))*w)
			b = append(b, ' ')
			b = appendNum(b, float64(clampUnit(st[0].Y))*h)
		}
		b = append(b, `"/>`...)
	}
	b = append(b, "</g></svg>\n"...)
	return b
}

// appendNum writes v with at most two decimals: a hundredth of a pad pixel
// is below anything visible and keeps the document short.
func appendNum(b []byte, v float64) []byte {
	return strconv.AppendFloat(b, math.Round(v*100)/100, 'f', -1, 64)
}

// clampUnit maps v into [0,1], NaN to 0.
func clampUnit(v float32) float32 {
	if !(v >= 0) {
		return 0
	}
	return min(v, 1)
}
