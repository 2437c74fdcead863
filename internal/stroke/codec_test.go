package stroke

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"
)

// seeded returns a deterministic generator for a test.
func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

func TestEncodingLayout(t *testing.T) {
	// Pins the format: central decodes what devices in the field wrote
	// years ago, so any change here needs a new version byte.
	s := &Signature{W: 600, H: 250, Strokes: []Stroke{{
		{X: 0.5, Y: 0.25, T: 0},
		{X: 0.5 + 1.0/Quantum, Y: 0.25 - 1.0/Quantum, T: 16},
	}}}
	want := []byte{
		0x01,       // version
		0xD8, 0x04, // W = 600
		0xFA, 0x01, // H = 250
		0x01,       // one stroke
		0x02,       // two points
		0x80, 0x20, // x +2048 (zigzag 4096)
		0x80, 0x10, // y +1024 (zigzag 2048)
		0x00, // t +0
		0x02, // x +1
		0x01, // y −1
		0x10, // t +16
	}
	got, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encoding\n got % X\nwant % X", got, want)
	}
	back, err := Decode(want)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("decoded %+v, want %+v", back, s)
	}
}

func TestRoundTripWithinQuantum(t *testing.T) {
	rng := seeded(1)
	s := &Signature{W: 1024, H: 300}
	var tm uint32
	for range 20 {
		st := make(Stroke, 1+rng.IntN(80))
		for j := range st {
			tm += uint32(rng.IntN(40))
			st[j] = Point{X: rng.Float32(), Y: rng.Float32(), T: tm}
		}
		s.Strokes = append(s.Strokes, st)
	}
	// The pad's edges must survive exactly.
	s.Strokes[0][0].X, s.Strokes[0][0].Y = 0, 1
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.W != s.W || got.H != s.H || len(got.Strokes) != len(s.Strokes) {
		t.Fatalf("got %dx%d with %d strokes, want %dx%d with %d", got.W, got.H, len(got.Strokes), s.W, s.H, len(s.Strokes))
	}
	for i, st := range s.Strokes {
		if len(got.Strokes[i]) != len(st) {
			t.Fatalf("stroke %d: %d points, want %d", i, len(got.Strokes[i]), len(st))
		}
		for j, p := range st {
			q := got.Strokes[i][j]
			if math.Abs(float64(q.X-p.X)) > 1.0/Quantum || math.Abs(float64(q.Y-p.Y)) > 1.0/Quantum || q.T != p.T {
				t.Fatalf("stroke %d point %d: got %+v, want %+v within 1/%d", i, j, q, p, Quantum)
			}
		}
	}
	if got.Strokes[0][0].X != 0 || got.Strokes[0][0].Y != 1 {
		t.Errorf("edge point came back as %+v", got.Strokes[0][0])
	}
}

func TestReencodingIsCanonical(t *testing.T) {
	for seed := range uint64(50) {
		s := Synthetic(seeded(seed), 600, 250, 12)
		b, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		d, err := Decode(b)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		b2, err := d.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, b2) {
			t.Fatalf("seed %d: re-encoding differs", seed)
		}
	}
}

func TestEmptySignatureRoundTrips(t *testing.T) {
	s := &Signature{W: 600, H: 250}
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("got %+v, want %+v", got, s)
	}
}

// enc builds an encoding by hand from bytes and varints.
type enc []byte

func (e enc) u(v uint64) enc { return appendUvarint(e, v) }
func (e enc) i(v int64) enc  { return appendUvarint(e, uint64(v<<1)^uint64(v>>63)) }
func (e enc) raw(b ...byte) enc {
	return append(e, b...)
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// header is version 1, a 600×250 pad.
func header() enc { return enc{1}.u(600).u(250) }

func TestDecodeRefuses(t *testing.T) {
	onePoint := header().u(1).u(1).i(10).i(10).u(0)
	zeros := header().u(2).u(15000)
	for range 15000 {
		zeros = zeros.raw(0, 0, 0)
	}
	zeros = zeros.u(6000)

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"nothing", nil, ErrCorrupt},
		{"unknown version", enc{2}.u(600).u(250).u(0), ErrCorrupt},
		{"zero width", enc{1}.u(0).u(250).u(0), ErrCorrupt},
		{"width over 65535", enc{1}.u(70000).u(250).u(0), ErrCorrupt},
		{"over-long varint for the width", enc{1}.raw(0xD8, 0x84, 0x00).u(250).u(0), ErrCorrupt},
		{"varint overflowing 64 bits", enc{1}.raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F), ErrCorrupt},
		{"trailing byte", append(onePoint, 0), ErrCorrupt},
		{"stroke without points", header().u(1).u(0), ErrCorrupt},
		{"x below the pad", header().u(1).u(1).i(-1).i(0).u(0), ErrCorrupt},
		{"y beyond the pad", header().u(1).u(1).i(0).i(Quantum + 1).u(0), ErrCorrupt},
		{"huge delta", header().u(1).u(1).i(math.MaxInt64).i(0).u(0), ErrCorrupt},
		{"x leaves the pad after accumulating", header().u(1).u(2).i(4000).i(0).u(0).i(97).i(0).u(0), ErrCorrupt},
		{"time overflows", header().u(1).u(2).i(0).i(0).u(math.MaxUint32).i(0).i(0).u(1), ErrCorrupt},
		{"more strokes declared than bytes", header().u(500).u(1).i(0).i(0).u(0), ErrCorrupt},
		{"more points declared than bytes", header().u(1).u(20000).i(0).i(0).u(0), ErrCorrupt},
		{"513 strokes", header().u(MaxStrokes + 1), ErrTooLarge},
		{"absurd stroke count", header().u(1 << 40), ErrTooLarge},
		{"20001 points in one stroke", header().u(1).u(MaxPoints + 1).i(0).i(0).u(0), ErrTooLarge},
		{"absurd point count", header().u(1).u(1 << 62).i(0).i(0).u(0), ErrTooLarge},
		{"over 20000 points across strokes", zeros, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Decode(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode = %v, %v; want %v", s, err, tt.want)
			}
			if s != nil {
				t.Errorf("returned a signature with the error")
			}
		})
	}
}

func TestDecodeRefusesEveryTruncation(t *testing.T) {
	b, err := Synthetic(seeded(3), 600, 250, 12).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(b) {
		if _, err := Decode(b[:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("prefix of %d of %d bytes: got %v, want ErrCorrupt", n, len(b), err)
		}
	}
}

func TestDecodeRefusesFlippedBytes(t *testing.T) {
	// Any change to a canonical encoding either fails or decodes to a
	// signature that encodes to the changed bytes: nothing is silently
	// repaired.
	b, err := Synthetic(seeded(4), 600, 250, 12).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	rng := seeded(5)
	for range 2000 {
		c := bytes.Clone(b)
		c[rng.IntN(len(c))] ^= byte(1 + rng.IntN(255))
		s, err := Decode(c)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("untyped error: %v", err)
			}
			continue
		}
		again, err := s.MarshalBinary()
		if err != nil || !bytes.Equal(again, c) {
			t.Fatalf("decoded garbled input that does not re-encode to itself: %v", err)
		}
	}
}

func TestDecodeDoesNotTrustDeclaredCounts(t *testing.T) {
	// A few bytes claiming the maximum number of points must not cost the
	// memory of that many points.
	in := header().u(1).u(MaxPoints).i(0).i(0).u(0)
	var before, after runtime.MemStats
	const runs = 100
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range runs {
		if _, err := Decode(in); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("got %v, want ErrCorrupt", err)
		}
	}
	runtime.ReadMemStats(&after)
	perRun := (after.TotalAlloc - before.TotalAlloc) / runs
	if perRun > 4096 {
		t.Errorf("allocated %d bytes per decode of a %d-byte input", perRun, len(in))
	}
}

func TestMarshalRefuses(t *testing.T) {
	ok := Stroke{{X: 0.1, Y: 0.1, T: 0}, {X: 0.2, Y: 0.2, T: 10}}
	many := make([]Stroke, MaxStrokes+1)
	for i := range many {
		many[i] = Stroke{{X: 0.5, Y: 0.5}}
	}
	long := make(Stroke, MaxPoints+1)
	tests := []struct {
		name string
		sig  Signature
		want error
	}{
		{"zero width", Signature{W: 0, H: 250, Strokes: []Stroke{ok}}, ErrInvalid},
		{"zero height", Signature{W: 600, H: 0, Strokes: []Stroke{ok}}, ErrInvalid},
		{"empty stroke", Signature{W: 600, H: 250, Strokes: []Stroke{ok, {}}}, ErrInvalid},
		{"x beyond the pad", Signature{W: 600, H: 250, Strokes: []Stroke{{{X: 1.01, Y: 0.5}}}}, ErrInvalid},
		{"negative y", Signature{W: 600, H: 250, Strokes: []Stroke{{{X: 0.5, Y: -0.01}}}}, ErrInvalid},
		{"not a number", Signature{W: 600, H: 250, Strokes: []Stroke{{{X: float32(math.NaN()), Y: 0.5}}}}, ErrInvalid},
		{"time going backwards across strokes", Signature{W: 600, H: 250, Strokes: []Stroke{ok, {{X: 0.5, Y: 0.5, T: 5}}}}, ErrInvalid},
		{"too many strokes", Signature{W: 600, H: 250, Strokes: many}, ErrTooLarge},
		{"too many points", Signature{W: 600, H: 250, Strokes: []Stroke{long}}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.sig.MarshalBinary(); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	// The corpus in testdata/fuzz/FuzzDecode holds valid encodings and
	// garbage; this adds one more of each.
	b, err := Synthetic(seeded(9), 600, 250, 3).MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte{1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F})
	f.Fuzz(func(t *testing.T, in []byte) {
		s, err := Decode(in)
		if err != nil {
			if s != nil {
				t.Fatal("signature returned with an error")
			}
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		out, err := s.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded signature does not encode: %v", err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("re-encoding differs:\n in % X\nout % X", in, out)
		}
		again, err := Decode(out)
		if err != nil || !reflect.DeepEqual(again, s) {
			t.Fatalf("re-encoding decodes to something else: %v", err)
		}
		// Whatever decodes must be safe to measure and draw.
		_ = s.Validate()
		_ = s.SVG()
		if _, err := s.PNG(32, 16); err != nil {
			t.Fatalf("decoded signature does not render: %v", err)
		}
	})
}
