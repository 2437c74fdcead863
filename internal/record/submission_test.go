package record_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/record"
)

// proposalDraft is a resident's proposal with its author's signature, for a
// campaign that accepts submissions.
func (f *fixture) proposalDraft(rng *rand.Rand) *record.Draft {
	d := f.signatureDraft(rng)
	d.Kind = record.KindProposal
	d.SubjectID = record.NewSubmissionID(record.KindProposal)
	d.Body.Proposal = &record.Submission{Title: "  Bebederos\u200b en  cada\tparque ", Text: "Agua potable gratuita.\r\n\r\n\r\n\r\nEn todos los parques.  ",
		Theme: f.c.Themes[0].ID, Alcaldia: "iztapalapa", Lang: "es"}
	return d
}

func (f *fixture) assemblyDraft() *record.Draft {
	return &record.Draft{Kind: record.KindEventProposal, SubjectID: record.NewSubmissionID(record.KindEventProposal),
		Mode: record.ModeCanvasser, Body: record.Body{Assembly: &record.Assembly{
			Title: "Asamblea del mercado", Starts: time.Date(2026, 12, 5, 17, 0, 0, 0, time.FixedZone("CST", -6*3600)),
			Alcaldia: "tlalpan", Venue: "Mercado de Santa Úrsula", About: "Agua y transporte",
			Organiser: "Colectivo Ajusco", Lang: "es", ConsentVersion: f.c.Privacy.Version}}}
}

func TestSubmissionsNeedACentralThatAcceptsThem(t *testing.T) {
	f := newFixture(t)
	rng := rand.New(rand.NewPCG(1, 2))
	f.c.Kinds = nil
	for _, d := range []*record.Draft{f.proposalDraft(rng), f.assemblyDraft()} {
		_, err := record.Build(d, f.c, f.keys, time.Now())
		var fe *record.FieldError
		if !errors.As(err, &fe) || fe.Reason != record.ReasonNotAccepted || !errors.Is(err, record.ErrRefused) {
			t.Fatalf("%s for a campaign without it: err = %v, want %s", d.Kind, err, record.ReasonNotAccepted)
		}
	}
}

func TestProposalIsSealedNormalisedAndSigned(t *testing.T) {
	f := newFixture(t)
	f.c.Kinds = []string{string(record.KindProposal), string(record.KindEventProposal)}
	d := f.proposalDraft(rand.New(rand.NewPCG(3, 4)))
	r := f.signed(t, d, 1)
	if err := r.Verify(f.devPub); err != nil {
		t.Fatal(err)
	}
	if r.Alcaldia != "iztapalapa" || r.SubjectID != d.SubjectID || len(r.SignerIndex) != record.BlindIndexLen {
		t.Fatalf("envelope = %+v: want the proposal's alcaldía, its device-made id and the author's signer index", r.Envelope)
	}
	b, err := record.OpenBody(r.Body, f.pub, f.priv)
	if err != nil {
		t.Fatal(err)
	}
	if b.Proposal.Title != "Bebederos en cada parque" {
		t.Errorf("title sealed as %q, want white space collapsed and the zero-width space gone", b.Proposal.Title)
	}
	if b.Proposal.Text != "Agua potable gratuita.\n\nEn todos los parques." {
		t.Errorf("text sealed as %q, want one blank line between paragraphs and no trailing space", b.Proposal.Text)
	}
	if b.Signer == nil || len(b.Strokes) == 0 {
		t.Error("the author's own support (signer and signature) was not sealed with the proposal")
	}
}

func TestSubmissionValidation(t *testing.T) {
	f := newFixture(t)
	f.c.Kinds = []string{string(record.KindProposal), string(record.KindEventProposal)}
	rng := rand.New(rand.NewPCG(5, 6))
	cases := []struct {
		name   string
		draft  func() *record.Draft
		change func(d *record.Draft)
		want   string
	}{
		{"proposal without a title", func() *record.Draft { return f.proposalDraft(rng) }, func(d *record.Draft) { d.Body.Proposal.Title = " \u200b " }, "title"},
		{"proposal text too long", func() *record.Draft { return f.proposalDraft(rng) },
			func(d *record.Draft) { d.Body.Proposal.Text = strings.Repeat("a", record.MaxProposalTextLen+1) }, "text"},
		{"proposal with an unknown theme", func() *record.Draft { return f.proposalDraft(rng) }, func(d *record.Draft) { d.Body.Proposal.Theme = "nope" }, "theme"},
		{"proposal with an unknown alcaldía", func() *record.Draft { return f.proposalDraft(rng) }, func(d *record.Draft) { d.Body.Proposal.Alcaldia = "springfield" }, "alcaldia"},
		{"proposal without its author", func() *record.Draft { return f.proposalDraft(rng) }, func(d *record.Draft) { d.Body.Signer = nil }, "body"},
		{"proposal with a campaign id as subject", func() *record.Draft { return f.proposalDraft(rng) }, func(d *record.Draft) { d.SubjectID = f.c.Proposals[0].ID }, "subject"},
		{"proposal with an assembly's id", func() *record.Draft { return f.proposalDraft(rng) },
			func(d *record.Draft) { d.SubjectID = record.NewSubmissionID(record.KindEventProposal) }, "subject"},
		{"proposal in no language", func() *record.Draft { return f.proposalDraft(rng) }, func(d *record.Draft) { d.Body.Proposal.Lang = "fr" }, "lang"},
		{"assembly without a venue", f.assemblyDraft, func(d *record.Draft) { d.Body.Assembly.Venue = "" }, "venue"},
		{"assembly without a date", f.assemblyDraft, func(d *record.Draft) { d.Body.Assembly.Starts = time.Time{} }, "starts"},
		{"assembly for the whole city", f.assemblyDraft, func(d *record.Draft) { d.Body.Assembly.Alcaldia = "" }, "alcaldia"},
		{"assembly without consent", f.assemblyDraft, func(d *record.Draft) { d.Body.Assembly.ConsentVersion = "old" }, "consent"},
		{"assembly with a signature", f.assemblyDraft, func(d *record.Draft) { d.Body.Strokes = []byte{1} }, "body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := c.draft()
			c.change(d)
			_, err := record.Build(d, f.c, f.keys, time.Now())
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), c.want) || !errors.Is(err, record.ErrRefused) {
				t.Fatalf("err = %v, want a refusal mentioning %q", err, c.want)
			}
		})
	}
}

func TestSignaturesUnderAnImpromptuAssembly(t *testing.T) {
	f := newFixture(t)
	f.c.Kinds = []string{string(record.KindEventProposal)}
	rng := rand.New(rand.NewPCG(7, 8))
	asm := f.assemblyDraft()
	if _, err := record.Build(asm, f.c, f.keys, time.Now()); err != nil {
		t.Fatal(err)
	}
	d := f.signatureDraft(rng)
	d.Mode, d.EventID = record.ModeCanvasser, asm.SubjectID
	r, err := record.Build(d, f.c, f.keys, time.Now())
	if err != nil || r.EventID != asm.SubjectID {
		t.Fatalf("signature under the device-made assembly: %v, event %q", err, r.EventID)
	}
	d.EventID = "ca-not-made-here"
	if _, err := record.Build(d, f.c, f.keys, time.Now()); err == nil {
		t.Fatal("a signature under an unknown, not device-made, event was accepted")
	}
}

func TestSubmissionIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := record.NewSubmissionID(record.KindProposal)
		if !record.IsSubmissionID(record.KindProposal, id) || record.IsSubmissionID(record.KindEventProposal, id) || seen[id] {
			t.Fatalf("id %q: wrong form, wrong kind or repeated", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"cp-", "cp-ABCDEFGHIJKLMNOP", "cp-abcdefghijklmno1", "p-abcdefghijklmnop", "cp-abcdefghijklmnopq"} {
		if record.IsSubmissionID(record.KindProposal, bad) {
			t.Errorf("%q taken for a device-made proposal id", bad)
		}
	}
}

func TestNormalizeText(t *testing.T) {
	for in, want := range map[string]string{
		"e\u0301xito":             "éxito", // NFC
		"a\u202eb":                "ab",    // a bidi override cannot reorder what the moderator sees
		"uno\n\n\n\ndos\n":        "uno\n\ndos",
		"\n\n  hola   mundo  \n ": "hola mundo",
	} {
		if got := record.NormalizeText(in); got != want {
			t.Errorf("NormalizeText(%q) = %q, want %q", in, got, want)
		}
	}
}
