package stroke

import (
	"reflect"
	"testing"
)

func TestSyntheticAlwaysValidates(t *testing.T) {
	pads := []struct{ w, h uint16 }{{600, 250}, {1280, 400}, {800, 800}, {320, 120}, {SyntheticMinW, SyntheticMinH}}
	for _, pad := range pads {
		for _, n := range []int{1, 2, 3, 5, 12, 20, 40} {
			for seed := range uint64(60) {
				s := Synthetic(seeded(seed), pad.w, pad.h, n)
				if err := s.Validate(); err != nil {
					t.Fatalf("%dx%d, %d strokes, seed %d: %v", pad.w, pad.h, n, seed, err)
				}
				if len(s.Strokes) != n {
					t.Fatalf("%d strokes, want %d", len(s.Strokes), n)
				}
				if s.W != pad.w || s.H != pad.h {
					t.Fatalf("pad %dx%d, want %dx%d", s.W, s.H, pad.w, pad.h)
				}
			}
		}
	}
}

func TestSyntheticSamplesLikeADigitiser(t *testing.T) {
	for seed := range uint64(200) {
		s := Synthetic(seeded(seed), 600, 250, 12)
		if s.Strokes[0][0].T != 0 {
			t.Fatalf("seed %d: first point at %d ms, want 0", seed, s.Strokes[0][0].T)
		}
		for i, st := range s.Strokes {
			if len(st) < synthMinPoints || len(st) > synthMaxPoints {
				t.Fatalf("seed %d stroke %d: %d points, want %d..%d", seed, i, len(st), synthMinPoints, synthMaxPoints)
			}
			if i > 0 {
				pause := st[0].T - s.Strokes[i-1][len(s.Strokes[i-1])-1].T
				if pause < synthMinPause || pause > synthMaxPause {
					t.Fatalf("seed %d stroke %d: pause %d ms", seed, i, pause)
				}
			}
			for j := 1; j < len(st); j++ {
				if dt := st[j].T - st[j-1].T; dt < synthMinDT || dt > synthMaxDT {
					t.Fatalf("seed %d stroke %d point %d: %d ms after the previous", seed, i, j, dt)
				}
			}
		}
	}
}

func TestSyntheticSpansThePad(t *testing.T) {
	// A name written across the pad, not a blot: wide, and with the height
	// of handwriting.
	for seed := range uint64(200) {
		b, _ := Synthetic(seeded(seed), 600, 250, 12).Bounds()
		if b.Dx() < 0.6 || b.Dy() < 0.15 {
			t.Fatalf("seed %d covers %.2f x %.2f of the pad", seed, b.Dx(), b.Dy())
		}
	}
}

func TestSyntheticIsDeterministic(t *testing.T) {
	a := Synthetic(seeded(42), 600, 250, 12)
	b := Synthetic(seeded(42), 600, 250, 12)
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different signatures")
	}
	if c := Synthetic(seeded(43), 600, 250, 12); reflect.DeepEqual(a, c) {
		t.Error("different seeds, same signature")
	}
}

func TestSyntheticClampsItsArguments(t *testing.T) {
	s := Synthetic(seeded(1), 10, 10, 0)
	if s.W != SyntheticMinW || s.H != SyntheticMinH || len(s.Strokes) != 1 {
		t.Errorf("got %dx%d with %d strokes, want %dx%d with 1", s.W, s.H, len(s.Strokes), SyntheticMinW, SyntheticMinH)
	}
	s = Synthetic(seeded(1), 600, 250, 10000)
	if len(s.Strokes) != synthMaxStrokes {
		t.Errorf("%d strokes, want %d", len(s.Strokes), synthMaxStrokes)
	}
	if _, err := s.MarshalBinary(); err != nil {
		t.Errorf("largest synthetic signature does not encode: %v", err)
	}
}
