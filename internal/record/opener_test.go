package record_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/voces-cdmx/voces/internal/record"
)

// TestOpenerOpensWhatOpenBodyOpens seals signatures and checks that the
// Opener gives exactly OpenBody's body for each, refuses another
// campaign's boxes and any flipped byte, as OpenBody does.
func TestOpenerOpensWhatOpenBodyOpens(t *testing.T) {
	f := newFixture(t)
	o, err := record.NewOpener(f.pub, f.priv)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 20 {
		r := f.signed(t, f.signatureDraft(rng), uint64(i+1))
		want, err := record.OpenBody(r.Body, f.pub, f.priv)
		if err != nil {
			t.Fatal(err)
		}
		got, err := o.Open(r.Body)
		if err != nil {
			t.Fatalf("body %d: %v", i, err)
		}
		if *got.Signer != *want.Signer || !bytes.Equal(got.Strokes, want.Strokes) || got.Canvasser != want.Canvasser {
			t.Fatalf("body %d: opener gave %+v, OpenBody %+v", i, got.Signer, want.Signer)
		}
		bad := bytes.Clone(r.Body)
		bad[len(bad)/2] ^= 1
		if _, err := o.Open(bad); !errors.Is(err, record.ErrOpen) {
			t.Fatalf("body %d with a flipped byte: %v, want ErrOpen", i, err)
		}
	}
	otherPub, otherPriv, _ := record.NewCampaignKey()
	other, err := record.NewOpener(otherPub, otherPriv)
	if err != nil {
		t.Fatal(err)
	}
	r := f.signed(t, f.signatureDraft(rng), 99)
	if _, err := other.Open(r.Body); !errors.Is(err, record.ErrOpen) {
		t.Fatalf("opened with another campaign's key: %v", err)
	}
	if _, err := o.Open(r.Body[:40]); !errors.Is(err, record.ErrOpen) {
		t.Fatalf("a short box: %v, want ErrOpen", err)
	}
}

// BenchmarkOpenBody compares opening a signature body with OpenBody and
// with an Opener.
func BenchmarkOpenBody(b *testing.B) {
	f := newFixture(b)
	r := f.signed(b, f.signatureDraft(rand.New(rand.NewPCG(7, 8))), 1)
	b.Run("OpenBody", func(b *testing.B) {
		for b.Loop() {
			if _, err := record.OpenBody(r.Body, f.pub, f.priv); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Opener", func(b *testing.B) {
		o, err := record.NewOpener(f.pub, f.priv)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := o.Open(r.Body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
