package record_test

import (
	"bytes"
	"crypto/ed25519"
	crand "crypto/rand"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// fixture is a device and the central keys its records are for.
type fixture struct {
	c         *campaign.Campaign
	keys      *record.Keys
	pub, priv *[32]byte
	devPub    ed25519.PublicKey
	devKey    ed25519.PrivateKey
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	c, err := campaign.Parse("default", assets.DefaultCampaign)
	if err != nil {
		tb.Fatal(err)
	}
	pub, priv, err := record.NewCampaignKey()
	if err != nil {
		tb.Fatal(err)
	}
	devPub, devKey, _ := ed25519.GenerateKey(crand.Reader)
	dedupe := make([]byte, 32)
	crand.Read(dedupe)
	return &fixture{c: c, pub: pub, priv: priv, devPub: devPub, devKey: devKey,
		keys: &record.Keys{DeviceID: "dev-TEST000001", SealTo: pub, DedupeKey: dedupe}}
}

func (f *fixture) signatureDraft(rng *rand.Rand) *record.Draft {
	sig := stroke.Synthetic(rng, 600, 250, 12)
	b, err := sig.MarshalBinary()
	if err != nil {
		panic(err)
	}
	return &record.Draft{
		Kind: record.KindSignature, SubjectID: f.c.Proposals[0].ID, Mode: record.ModeKiosk,
		Body: record.Body{
			Signer: &record.Signer{Name: "María de los Ángeles Ñúñez", IDType: "curp", VoterID: "sabc 560626 mdflrn01",
				Alcaldia: "coyoacan", ConsentVersion: f.c.Privacy.Version},
			Strokes: b,
		},
	}
}

// signed builds, numbers and signs a record as the outbox would.
func (f *fixture) signed(tb testing.TB, d *record.Draft, seq uint64) *record.Record {
	tb.Helper()
	r, err := record.Build(d, f.c, f.keys, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	r.Seq = seq
	r.Sign(f.devKey)
	return r
}

func TestSealedBodyOpensOnlyWithTheCampaignKey(t *testing.T) {
	f := newFixture(t)
	d := f.signatureDraft(rand.New(rand.NewPCG(1, 2)))
	r := f.signed(t, d, 1)
	if bytes.Contains(r.Marshal(), []byte("SABC560626MDFLRN01")) || bytes.Contains(r.Marshal(), []byte("Ángeles")) {
		t.Fatal("personal data visible in the stored record")
	}
	body, err := record.OpenBody(r.Body, f.pub, f.priv)
	if err != nil {
		t.Fatal(err)
	}
	if body.Signer.VoterID != "SABC560626MDFLRN01" {
		t.Fatalf("voter id = %q, want the normalised form", body.Signer.VoterID)
	}
	if body.Signer.Name != d.Body.Signer.Name || !bytes.Equal(body.Strokes, d.Body.Strokes) {
		t.Fatalf("body = %+v, want what was sealed", body.Signer)
	}
	otherPub, otherPriv, _ := record.NewCampaignKey()
	if _, err := record.OpenBody(r.Body, otherPub, otherPriv); !errors.Is(err, record.ErrOpen) {
		t.Fatalf("opened with another campaign's key: %v", err)
	}
	// The index is the blind index of the normalised id.
	if want := record.BlindIndex(f.keys.DedupeKey, voterid.Normalize("SABC560626MDFLRN01"), r.SubjectID); !bytes.Equal(r.SignerIndex, want) {
		t.Fatal("signer index is not the blind index of the normalised voter id")
	}
}

func TestEncodingRoundTrip(t *testing.T) {
	f := newFixture(t)
	r := f.signed(t, f.signatureDraft(rand.New(rand.NewPCG(3, 4))), 42)
	got, err := record.Unmarshal(r.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Marshal(), r.Marshal()) || got.ID != r.ID || got.Seq != 42 || !got.DeviceTime.Equal(r.DeviceTime) {
		t.Fatalf("round trip changed the record: %+v", got.Envelope)
	}
	if err := got.Verify(f.devPub); err != nil {
		t.Fatal(err)
	}
}

// TestAnyFlippedByteIsCaught flips every bit position of a stored record in
// turn: each change must make the record undecodable or fail verification.
func TestAnyFlippedByteIsCaught(t *testing.T) {
	f := newFixture(t)
	for _, d := range []*record.Draft{
		f.signatureDraft(rand.New(rand.NewPCG(5, 6))),
		{Kind: record.KindComment, SubjectID: f.c.Articles[0].ID, Mode: record.ModeCanvasser,
			Body: record.Body{Comment: &record.Comment{Text: "Me parece bien."}, Canvasser: "Ana"}},
	} {
		good := f.signed(t, d, 7).Marshal()
		for i := range good {
			for _, bit := range []byte{0x01, 0x80} {
				b := bytes.Clone(good)
				b[i] ^= bit
				r, err := record.Unmarshal(b)
				if err == nil && r.Verify(f.devPub) == nil {
					t.Fatalf("%s: flipping bit %#x of byte %d went unnoticed", d.Kind, bit, i)
				}
			}
		}
		// Another device's key never verifies it.
		r, _ := record.Unmarshal(good)
		otherPub, _, _ := ed25519.GenerateKey(crand.Reader)
		if r.Verify(otherPub) == nil {
			t.Fatal("verified with another device's key")
		}
	}
}

func TestUnmarshalRefusesNonCanonicalInput(t *testing.T) {
	f := newFixture(t)
	good := f.signed(t, f.signatureDraft(rand.New(rand.NewPCG(7, 8))), 1).Marshal()
	cases := map[string][]byte{
		"empty":           nil,
		"truncated":       good[:len(good)-1],
		"trailing byte":   append(bytes.Clone(good), 0),
		"unknown version": append([]byte{9}, good[1:]...),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := record.Unmarshal(b); !errors.Is(err, record.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestDraftValidation(t *testing.T) {
	f := newFixture(t)
	rng := rand.New(rand.NewPCG(9, 10))
	tiny, _ := (&stroke.Signature{W: 600, H: 250, Strokes: []stroke.Stroke{{{X: 0.5, Y: 0.5}, {X: 0.51, Y: 0.5, T: 10}}}}).MarshalBinary()
	cases := []struct {
		name   string
		change func(d *record.Draft)
		want   string // substring of the error
	}{
		{"voter id in the wrong format", func(d *record.Draft) { d.Body.Signer.VoterID = "12345" }, "18"},
		{"CURP with a wrong check digit", func(d *record.Draft) { d.Body.Signer.VoterID = "SABC560626MDFLRN09" }, "check"},
		{"no name", func(d *record.Draft) { d.Body.Signer.Name = "  " }, "name"},
		{"no consent", func(d *record.Draft) { d.Body.Signer.ConsentVersion = "" }, "consent"},
		{"unknown alcaldía", func(d *record.Draft) { d.Body.Signer.Alcaldia = "springfield" }, "alcaldia"},
		{"unknown proposal", func(d *record.Draft) { d.SubjectID = "p-nope" }, "proposal"},
		{"empty signature", func(d *record.Draft) { d.Body.Strokes = nil }, "signature"},
		{"too small signature", func(d *record.Draft) { d.Body.Strokes = tiny }, "small"},
		{"stray survey answers", func(d *record.Draft) { d.Body.Answers = campaign.Answers{} }, "body"},
		{"a witnessed mark at a public kiosk", func(d *record.Draft) { d.Body.Signer.Witnessed = true }, "witness"},
		{"a witnessed mark without its witness", func(d *record.Draft) {
			d.Mode, d.Body.Signer.Witnessed = record.ModeCanvasser, true
		}, "witness"},
		{"a witnessed mark that is not strokes", func(d *record.Draft) {
			d.Mode, d.Body.Canvasser, d.Body.Signer.Witnessed = record.ModeCanvasser, "Lupita", true
			d.Body.Strokes = []byte{0xff, 0x00, 0x13}
		}, "mark"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := f.signatureDraft(rng)
			c.change(d)
			_, err := record.Build(d, f.c, f.keys, time.Now())
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), c.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, c.want)
			}
			if !errors.Is(err, record.ErrRefused) {
				t.Fatalf("err = %v does not match ErrRefused", err)
			}
		})
	}
	t.Run("a missing required survey answer", func(t *testing.T) {
		d := &record.Draft{Kind: record.KindSurvey, Mode: record.ModeKiosk, Body: record.Body{Answers: campaign.Answers{}}}
		_, err := record.Build(d, f.c, f.keys, time.Now())
		var ae *campaign.AnswerError
		if !errors.As(err, &ae) || ae.Reason != "required" || !errors.Is(err, record.ErrRefused) {
			t.Fatalf("err = %v, want a refused required-answer error", err)
		}
	})
	t.Run("a canvasser's witnessed mark, with or without strokes", func(t *testing.T) {
		for _, strokes := range [][]byte{nil, tiny} {
			d := f.signatureDraft(rng)
			d.Mode, d.Body.Canvasser, d.Body.Signer.Witnessed, d.Body.Strokes = record.ModeCanvasser, "Lupita", true, strokes
			r, err := record.Build(d, f.c, f.keys, time.Now())
			if err != nil {
				t.Fatalf("witnessed mark refused: %v", err)
			}
			b, err := record.OpenBody(r.Body, f.pub, f.priv)
			if err != nil {
				t.Fatal(err)
			}
			if !b.Signer.Witnessed || b.Canvasser != "Lupita" {
				t.Fatalf("opened body %+v lost the witness", b.Signer)
			}
		}
	})
	t.Run("a closed proposal takes no new support", func(t *testing.T) {
		closed, err := campaign.Parse("default", assets.DefaultCampaign)
		if err != nil {
			t.Fatal(err)
		}
		d := f.signatureDraft(rng)
		if _, err := record.Build(d, closed, f.keys, time.Now()); err != nil {
			t.Fatalf("support while open: %v", err)
		}
		closed.Proposal(d.SubjectID).Closed = true
		_, err = record.Build(d, closed, f.keys, time.Now())
		var fe *record.FieldError
		if !errors.As(err, &fe) || fe.Reason != record.ReasonClosed || !errors.Is(err, record.ErrRefused) {
			t.Fatalf("err = %v, want a refused closed-proposal error", err)
		}
	})
	t.Run("a device without keys is not a refused draft", func(t *testing.T) {
		_, err := record.Build(f.signatureDraft(rng), f.c, &record.Keys{}, time.Now())
		if !errors.Is(err, record.ErrNoKeys) || errors.Is(err, record.ErrRefused) {
			t.Fatalf("err = %v, want ErrNoKeys only", err)
		}
	})
}

func TestReceiptCode(t *testing.T) {
	id := uuid.Must(uuid.NewV7())
	code := record.ReceiptCode(id)
	if len(code) != 11 || code[5] != '-' || code != record.ReceiptCode(id) {
		t.Fatalf("code %q is not a stable XXXXX-XXXXX code", code)
	}
	if strings.Contains(code, id.String()[:8]) {
		t.Fatal("code reveals the id")
	}
	typed := strings.ToLower(strings.ReplaceAll(code, "-", ""))
	if got := record.NormalizeReceipt(typed); got != code {
		t.Fatalf("NormalizeReceipt(%q) = %q, want %q", typed, got, code)
	}
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		c := record.ReceiptCode(uuid.Must(uuid.NewV7()))
		if seen[c] {
			t.Fatalf("collision after %d codes", i)
		}
		seen[c] = true
	}
}

func TestBlindIndexSeparatesSubjectsAndKeys(t *testing.T) {
	k1, k2 := []byte("key one"), []byte("key two")
	a := record.BlindIndex(k1, "SABC560626MDFLRN01", "p-1")
	if !bytes.Equal(a, record.BlindIndex(k1, "SABC560626MDFLRN01", "p-1")) {
		t.Fatal("not deterministic")
	}
	for name, b := range map[string][]byte{
		"other subject": record.BlindIndex(k1, "SABC560626MDFLRN01", "p-2"),
		"other key":     record.BlindIndex(k2, "SABC560626MDFLRN01", "p-1"),
		"other person":  record.BlindIndex(k1, "SABC560626MDFLRN02", "p-1"),
		"shifted split": record.BlindIndex(k1, "1SABC560626MDFLRN0", "p-"),
	} {
		if bytes.Equal(a, b) {
			t.Errorf("%s gives the same index", name)
		}
	}
}

func FuzzUnmarshal(f *testing.F) {
	fx := newFixture(f)
	rng := rand.New(rand.NewPCG(11, 12))
	f.Add(fx.signed(f, fx.signatureDraft(rng), 1).Marshal())
	f.Add(fx.signed(f, &record.Draft{Kind: record.KindComment, SubjectID: fx.c.Articles[0].ID, Mode: record.ModeKiosk,
		Body: record.Body{Comment: &record.Comment{Text: "hola"}}}, 2).Marshal())
	f.Add([]byte{1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := record.Unmarshal(b)
		if err != nil {
			return
		}
		// Whatever decodes is canonical and survives a round trip.
		if !bytes.Equal(r.Marshal(), b) {
			t.Fatal("decoded record does not re-encode to the same bytes")
		}
		if r.CheckEnvelope() != nil {
			t.Fatal("decoded an invalid envelope")
		}
		r.Verify(fx.devPub)
		record.OpenBody(r.Body, fx.pub, fx.priv)
	})
}

func FuzzOpenBody(f *testing.F) {
	fx := newFixture(f)
	f.Add(fx.signed(f, fx.signatureDraft(rand.New(rand.NewPCG(13, 14))), 1).Body)
	f.Add([]byte("not sealed"))
	f.Fuzz(func(t *testing.T, sealed []byte) {
		// Must fail cleanly, never panic, on anything but a real box.
		record.OpenBody(sealed, fx.pub, fx.priv)
	})
}
