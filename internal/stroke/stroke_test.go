package stroke

import (
	"errors"
	"math"
	"testing"
)

// line samples n points evenly from (x0,y0) to (x1,y1), 16 ms apart from t0.
func line(x0, y0, x1, y1 float32, n int, t0 uint32) Stroke {
	st := make(Stroke, n)
	for i := range st {
		f := float32(i) / float32(max(n-1, 1))
		st[i] = Point{X: x0 + (x1-x0)*f, Y: y0 + (y1-y0)*f, T: t0 + uint32(16*i)}
	}
	return st
}

// zigzag samples n points alternating between two heights across [x0,x1].
func zigzag(x0, x1, yTop, yBottom float32, n int) Stroke {
	st := make(Stroke, n)
	for i := range st {
		y := yTop
		if i%2 == 1 {
			y = yBottom
		}
		st[i] = Point{X: x0 + (x1-x0)*float32(i)/float32(n-1), Y: y, T: uint32(16 * i)}
	}
	return st
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		sig  Signature
		want error // nil for valid
	}{
		{"synthetic signature", *Synthetic(seeded(1), 600, 250, 12), nil},
		{"eight-point zigzag over a tenth of the pad", Signature{W: 600, H: 250, Strokes: []Stroke{zigzag(0.4, 0.5, 0.4, 0.5, 8)}}, nil},
		{"no strokes", Signature{W: 600, H: 250}, ErrEmpty},
		{"zero-size pad", Signature{W: 0, H: 0, Strokes: []Stroke{zigzag(0.1, 0.9, 0.2, 0.8, 20)}}, ErrInvalid},
		{"point off the pad", Signature{W: 600, H: 250, Strokes: []Stroke{{{X: 2, Y: 0.5}}}}, ErrInvalid},
		{"a tap", Signature{W: 600, H: 250, Strokes: []Stroke{line(0.5, 0.5, 0.5, 0.5, 3, 0)}}, ErrTooSmall},
		{"seven points", Signature{W: 600, H: 250, Strokes: []Stroke{zigzag(0.1, 0.9, 0.2, 0.8, 7)}}, ErrTooSmall},
		{"short ink", Signature{W: 600, H: 250, Strokes: []Stroke{zigzag(0.5, 0.51, 0.5, 0.51, 12)}}, ErrTooSmall},
		{"straight horizontal swipe", Signature{W: 600, H: 250, Strokes: []Stroke{line(0.1, 0.5, 0.9, 0.52, 30, 0)}}, ErrTooSmall},
		{"straight vertical swipe", Signature{W: 600, H: 250, Strokes: []Stroke{line(0.5, 0.1, 0.51, 0.9, 30, 0)}}, ErrTooSmall},
		{"scribble in a corner", Signature{W: 600, H: 250, Strokes: []Stroke{zigzag(0.01, 0.06, 0.01, 0.06, 40)}}, ErrTooSmall},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.sig.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestInkLength(t *testing.T) {
	s := Signature{W: 600, H: 250, Strokes: []Stroke{
		{{X: 0, Y: 0}, {X: 1, Y: 0, T: 10}, {X: 1, Y: 1, T: 20}}, // 600 + 250
		{{X: 0, Y: 0, T: 30}, {X: 0.5, Y: 0.48, T: 40}},          // 300 by 120 px
	}}
	want := 600 + 250 + math.Hypot(300, 120)
	if got := s.InkLength(); math.Abs(got-want) > 1e-3 {
		t.Errorf("InkLength = %v, want %v", got, want)
	}
	// Lifting the pen draws nothing: the jump between strokes is not ink.
	single := Signature{W: 600, H: 250, Strokes: []Stroke{{{X: 0, Y: 0}}, {{X: 1, Y: 1, T: 5}}}}
	if got := single.InkLength(); got != 0 {
		t.Errorf("two dots: InkLength = %v, want 0", got)
	}
}

func TestBounds(t *testing.T) {
	if _, ok := (&Signature{W: 600, H: 250}).Bounds(); ok {
		t.Error("empty signature has bounds")
	}
	s := Signature{W: 600, H: 250, Strokes: []Stroke{
		{{X: 0.3, Y: 0.6}, {X: 0.2, Y: 0.7, T: 1}},
		{{X: 0.8, Y: 0.4, T: 2}},
	}}
	b, ok := s.Bounds()
	want := Box{MinX: 0.2, MinY: 0.4, MaxX: 0.8, MaxY: 0.7}
	if !ok || b != want {
		t.Errorf("Bounds = %+v, %v; want %+v", b, ok, want)
	}
	if math.Abs(float64(b.Dx())-0.6) > 1e-6 || math.Abs(float64(b.Dy())-0.3) > 1e-6 {
		t.Errorf("Dx, Dy = %v, %v; want 0.6, 0.3", b.Dx(), b.Dy())
	}
}
