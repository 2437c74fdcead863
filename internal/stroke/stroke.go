// Package stroke holds handwritten signatures as pen strokes: their compact
// binary encoding, the checks a signature must pass, rendering to PNG and
// SVG, and a generator of realistic synthetic signatures.
package stroke

import (
	"errors"
	"fmt"
	"math"
)

// Point is one sample of the pen. X and Y are fractions of the pad's width
// and height, in [0,1], with Y growing downwards as on screen; T is
// milliseconds since the first point of the signature.
type Point struct {
	X, Y float32
	T    uint32
}

// Stroke is the path of the pen between touching the pad and lifting off.
type Stroke []Point

// Signature is a handwritten signature. W and H are the pad's size in pixels
// when it was captured: they keep the aspect ratio and give lengths a scale.
type Signature struct {
	W, H    uint16
	Strokes []Stroke
}

// Limits that bound what a device may send and what Decode will allocate.
const (
	// MaxStrokes is far above the ~12 strokes of a real signature and still
	// small enough that a hostile count cannot cost much memory.
	MaxStrokes = 512
	// MaxPoints is several minutes of continuous ink at 60 Hz; nobody signs
	// for that long, and it caps an encoding at a few hundred kilobytes.
	MaxPoints = 20000
)

// Thresholds below which a signature is refused as too small. A refusal only
// costs the person another try, so they are set to catch taps, dots and
// swipes, not to judge handwriting.
const (
	// MinPoints: a touch digitiser reports about 60 points a second, so
	// fewer than 8 is under ~130 ms of ink — a tap or a brush of the hand.
	MinPoints = 8
	// MinInkLength, in pad pixels, is about two handwritten letters at kiosk
	// size; less is a tick or an initial too small to tell apart.
	MinInkLength = 60
	// MinSpan is the least fraction of the pad's width and of its height the
	// ink must cover: a scribble in a corner or a straight swipe covers less
	// in one direction.
	MinSpan = 0.08
)

var (
	// ErrCorrupt is returned by Decode for input that is not a canonical
	// encoding: truncated, garbled, out of range or with trailing bytes.
	ErrCorrupt = errors.New("corrupt signature encoding")
	// ErrTooLarge is returned for more than MaxStrokes strokes or
	// MaxPoints points.
	ErrTooLarge = errors.New("signature too large")
	// ErrInvalid is returned for a signature that cannot be encoded: a zero
	// pad size, an empty stroke, a coordinate outside [0,1] or not a
	// number, or time going backwards.
	ErrInvalid = errors.New("invalid signature")
	// ErrEmpty is returned by Validate when there is no ink at all.
	ErrEmpty = errors.New("signature is empty")
	// ErrTooSmall is returned by Validate for ink too short, too few points
	// or too small on the pad to be a signature.
	ErrTooSmall = errors.New("signature too small")
)

// NumPoints returns the number of points in all strokes.
func (s *Signature) NumPoints() int {
	n := 0
	for _, st := range s.Strokes {
		n += len(st)
	}
	return n
}

// check reports what would make s unencodable, wrapping ErrInvalid or
// ErrTooLarge.
func (s *Signature) check() error {
	if s.W == 0 || s.H == 0 {
		return fmt.Errorf("pad size %dx%d: %w", s.W, s.H, ErrInvalid)
	}
	if len(s.Strokes) > MaxStrokes {
		return fmt.Errorf("%d strokes, at most %d: %w", len(s.Strokes), MaxStrokes, ErrTooLarge)
	}
	if n := s.NumPoints(); n > MaxPoints {
		return fmt.Errorf("%d points, at most %d: %w", n, MaxPoints, ErrTooLarge)
	}
	var last uint32
	for i, st := range s.Strokes {
		if len(st) == 0 {
			return fmt.Errorf("stroke %d has no points: %w", i, ErrInvalid)
		}
		for j, p := range st {
			if !inUnit(p.X) || !inUnit(p.Y) {
				return fmt.Errorf("stroke %d point %d is off the pad: %w", i, j, ErrInvalid)
			}
			if p.T < last {
				return fmt.Errorf("stroke %d point %d goes back in time: %w", i, j, ErrInvalid)
			}
			last = p.T
		}
	}
	return nil
}

// inUnit reports whether v is in [0,1]; NaN is not.
func inUnit(v float32) bool { return v >= 0 && v <= 1 }

// Validate refuses a signature that is malformed (ErrInvalid, ErrTooLarge),
// has no ink (ErrEmpty) or is too small to be one (ErrTooSmall).
func (s *Signature) Validate() error {
	if err := s.check(); err != nil {
		return err
	}
	n := s.NumPoints()
	if n == 0 {
		return ErrEmpty
	}
	if n < MinPoints {
		return fmt.Errorf("%d points, need %d: %w", n, MinPoints, ErrTooSmall)
	}
	if ink := s.InkLength(); ink < MinInkLength {
		return fmt.Errorf("ink %.0f px long, need %d: %w", ink, MinInkLength, ErrTooSmall)
	}
	b, _ := s.Bounds()
	if b.Dx() < MinSpan || b.Dy() < MinSpan {
		return fmt.Errorf("ink covers %.0f%% x %.0f%% of the pad, need %.0f%% each way: %w",
			100*b.Dx(), 100*b.Dy(), 100*MinSpan, ErrTooSmall)
	}
	return nil
}

// InkLength returns the total length of the strokes in pad pixels.
func (s *Signature) InkLength() float64 {
	w, h := float64(s.W), float64(s.H)
	var sum float64
	for _, st := range s.Strokes {
		for i := 1; i < len(st); i++ {
			dx := float64(st[i].X-st[i-1].X) * w
			dy := float64(st[i].Y-st[i-1].Y) * h
			sum += math.Hypot(dx, dy)
		}
	}
	return sum
}

// Box is a rectangle in pad fractions, like the coordinates of a Point.
type Box struct {
	MinX, MinY, MaxX, MaxY float32
}

// Dx is the box's width as a fraction of the pad's width.
func (b Box) Dx() float32 { return b.MaxX - b.MinX }

// Dy is the box's height as a fraction of the pad's height.
func (b Box) Dy() float32 { return b.MaxY - b.MinY }

// Bounds returns the smallest box holding every point; ok is false when
// there are no points.
func (s *Signature) Bounds() (b Box, ok bool) {
	for _, st := range s.Strokes {
		for _, p := range st {
			if !ok {
				b = Box{p.X, p.Y, p.X, p.Y}
				ok = true
				continue
			}
			b.MinX = min(b.MinX, p.X)
			b.MinY = min(b.MinY, p.Y)
			b.MaxX = max(b.MaxX, p.X)
			b.MaxY = max(b.MaxY, p.Y)
		}
	}
	return b, ok
}
