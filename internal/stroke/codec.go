package stroke

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
)

// The encoding, version 1:
//
//	byte     version (1)
//	uvarint  W, H (1..65535)
//	uvarint  number of strokes
//	per stroke:
//	  uvarint  number of points (at least 1)
//	  per point:
//	    varint   X − previous X, in 1/4096 of the width (zigzag)
//	    varint   Y − previous Y, in 1/4096 of the height (zigzag)
//	    uvarint  T − previous T, in milliseconds
//
// "Previous" runs across strokes and starts at (0, 0, 0), so the first point
// of a stroke is a delta from the last point of the one before. Pen samples
// are a few pixels and ~16 ms apart, so most points take 3 bytes.
//
// Every signature has exactly one encoding: Decode refuses over-long
// varints, so re-encoding what it returns gives back the same bytes.
const (
	formatVersion = 1
	// Quantum is the number of steps across the pad's side. 4096 is finer
	// than any touch pad's pixel and keeps most deltas in one byte.
	Quantum = 4096
	// minPointBytes and minStrokeBytes are the fewest bytes a point and a
	// stroke can take; Decode checks declared counts against the bytes left
	// before allocating for them.
	minPointBytes  = 3
	minStrokeBytes = 1 + minPointBytes
)

// quantize maps a pad fraction in [0,1] to its step.
func quantize(v float32) int64 { return int64(math.Round(float64(v) * Quantum)) }

// MarshalBinary encodes s. Coordinates are rounded to 1/Quantum of the side,
// so Decode returns each within 1/(2·Quantum) of what was encoded.
func (s *Signature) MarshalBinary() ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("encode signature: %w", err)
	}
	// Most points take 3 or 4 bytes; sizing for 4 avoids growing the slice.
	b := make([]byte, 0, 16+4*s.NumPoints()+2*len(s.Strokes))
	b = append(b, formatVersion)
	b = binary.AppendUvarint(b, uint64(s.W))
	b = binary.AppendUvarint(b, uint64(s.H))
	b = binary.AppendUvarint(b, uint64(len(s.Strokes)))
	var x, y int64
	var t uint32
	for _, st := range s.Strokes {
		b = binary.AppendUvarint(b, uint64(len(st)))
		for _, p := range st {
			qx, qy := quantize(p.X), quantize(p.Y)
			b = binary.AppendVarint(b, qx-x)
			b = binary.AppendVarint(b, qy-y)
			b = binary.AppendUvarint(b, uint64(p.T-t))
			x, y, t = qx, qy, p.T
		}
	}
	return b, nil
}

// Decode parses an encoding made by MarshalBinary. It trusts nothing: counts
// are bounded (ErrTooLarge) and checked against the bytes present before
// anything is allocated, coordinates must stay on the pad, and anything
// truncated, over-long or trailing is ErrCorrupt.
func Decode(b []byte) (*Signature, error) {
	d := decoder{b: b}
	s, err := d.signature()
	if err != nil {
		return nil, fmt.Errorf("decode signature: %w", err)
	}
	return s, nil
}

// decoder reads b from off onwards.
type decoder struct {
	b   []byte
	off int
}

func (d *decoder) left() int { return len(d.b) - d.off }

// uvarint reads a minimally encoded unsigned varint.
func (d *decoder) uvarint(what string) (uint64, error) {
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		return 0, fmt.Errorf("%s at byte %d truncated or overflowing: %w", what, d.off, ErrCorrupt)
	}
	if n != uvarintLen(v) {
		return 0, fmt.Errorf("%s at byte %d is over-long: %w", what, d.off, ErrCorrupt)
	}
	d.off += n
	return v, nil
}

// varint reads a minimally encoded zigzag varint.
func (d *decoder) varint(what string) (int64, error) {
	u, err := d.uvarint(what)
	if err != nil {
		return 0, err
	}
	return int64(u>>1) ^ -int64(u&1), nil
}

// uvarintLen is the length of the minimal encoding of v.
func uvarintLen(v uint64) int { return max(1, (bits.Len64(v)+6)/7) }

func (d *decoder) signature() (*Signature, error) {
	if d.left() < 1 {
		return nil, fmt.Errorf("no version byte: %w", ErrCorrupt)
	}
	if v := d.b[0]; v != formatVersion {
		return nil, fmt.Errorf("unknown version %d: %w", v, ErrCorrupt)
	}
	d.off = 1
	s := &Signature{}
	for _, side := range []struct {
		name string
		dst  *uint16
	}{{"width", &s.W}, {"height", &s.H}} {
		v, err := d.uvarint(side.name)
		if err != nil {
			return nil, err
		}
		if v == 0 || v > math.MaxUint16 {
			return nil, fmt.Errorf("pad %s %d: %w", side.name, v, ErrCorrupt)
		}
		*side.dst = uint16(v)
	}
	n, err := d.uvarint("stroke count")
	if err != nil {
		return nil, err
	}
	if n > MaxStrokes {
		return nil, fmt.Errorf("%d strokes, at most %d: %w", n, MaxStrokes, ErrTooLarge)
	}
	if int(n)*minStrokeBytes > d.left() {
		return nil, fmt.Errorf("%d strokes in %d bytes: %w", n, d.left(), ErrCorrupt)
	}
	if n > 0 {
		s.Strokes = make([]Stroke, n)
	}
	var (
		x, y  int64
		t     uint32
		total int
	)
	for i := range s.Strokes {
		np, err := d.uvarint("point count")
		if err != nil {
			return nil, fmt.Errorf("stroke %d: %w", i, err)
		}
		if np == 0 {
			return nil, fmt.Errorf("stroke %d has no points: %w", i, ErrCorrupt)
		}
		if np > MaxPoints || total+int(np) > MaxPoints {
			return nil, fmt.Errorf("more than %d points: %w", MaxPoints, ErrTooLarge)
		}
		total += int(np)
		if int(np)*minPointBytes > d.left() {
			return nil, fmt.Errorf("stroke %d: %d points in %d bytes: %w", i, np, d.left(), ErrCorrupt)
		}
		st := make(Stroke, np)
		for j := range st {
			if x, err = d.coord(x, "x"); err != nil {
				return nil, fmt.Errorf("stroke %d point %d: %w", i, j, err)
			}
			if y, err = d.coord(y, "y"); err != nil {
				return nil, fmt.Errorf("stroke %d point %d: %w", i, j, err)
			}
			dt, err := d.uvarint("time")
			if err != nil {
				return nil, fmt.Errorf("stroke %d point %d: %w", i, j, err)
			}
			if dt > uint64(math.MaxUint32-t) {
				return nil, fmt.Errorf("stroke %d point %d: time overflows: %w", i, j, ErrCorrupt)
			}
			t += uint32(dt)
			st[j] = Point{X: float32(x) / Quantum, Y: float32(y) / Quantum, T: t}
		}
		s.Strokes[i] = st
	}
	if d.left() != 0 {
		return nil, fmt.Errorf("%d trailing bytes: %w", d.left(), ErrCorrupt)
	}
	return s, nil
}

// coord reads a delta and applies it to prev, refusing to leave the pad.
func (d *decoder) coord(prev int64, what string) (int64, error) {
	dv, err := d.varint(what)
	if err != nil {
		return 0, err
	}
	// Bound the delta first so the sum cannot overflow.
	if dv < -Quantum || dv > Quantum || prev+dv < 0 || prev+dv > Quantum {
		return 0, fmt.Errorf("%s leaves the pad: %w", what, ErrCorrupt)
	}
	return prev + dv, nil
}
