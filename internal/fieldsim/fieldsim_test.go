package fieldsim

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/voterid"
)

func TestPeopleHaveValidVoterIDs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		p := NewPerson(rng)
		if err := voterid.Validate(voterid.CURP, p.CURP); err != nil {
			t.Fatalf("person %d %q: CURP %s: %v", i, p.Name(), p.CURP, err)
		}
		if err := voterid.Validate(voterid.INE, p.INE); err != nil {
			t.Fatalf("person %d %q: INE %s: %v", i, p.Name(), p.INE, err)
		}
	}
}

func TestCURPCheckDigit(t *testing.T) {
	// The worked example from the RENAPO rules: SABC560626MDFLRN01.
	if got := curpCheck("SABC560626MDFLRN0"); got != '1' {
		t.Fatalf("check digit of SABC560626MDFLRN0 = %c, want 1", got)
	}
}

func TestIDLettersDropAccentsAndWriteÑAsX(t *testing.T) {
	for in, want := range map[string]string{"Ibáñez": "IBAXEZ", "Núñez": "NUXEZ", "Álvarez": "ALVAREZ", "José": "JOSE"} {
		if got := idLetters(in); got != want {
			t.Errorf("idLetters(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDraftsPassValidation(t *testing.T) {
	c := defaultCampaign(t)
	c.Kinds = []string{string(record.KindProposal), string(record.KindEventProposal)} // as central publishes it
	for _, mode := range []string{record.ModeKiosk, record.ModeCanvasser} {
		t.Run(mode, func(t *testing.T) {
			g := New(c, mode, 7)
			kinds := map[record.Kind]int{}
			answered := map[campaign.QuestionType]int{}
			for i := range 600 {
				d, _ := g.Next()
				if err := d.Validate(c); err != nil {
					t.Fatalf("draft %d (%s): %v", i, d.Kind, err)
				}
				kinds[d.Kind]++
				for id := range d.Body.Answers {
					answered[c.Question(id).Type]++
				}
				if mode == record.ModeCanvasser && (d.EventID == "" || d.Body.Canvasser == "") {
					t.Fatalf("canvasser draft %d has event %q and canvasser %q", i, d.EventID, d.Body.Canvasser)
				}
			}
			for _, k := range record.Kinds {
				if kinds[k] == 0 {
					t.Errorf("no %s among 600 drafts", k)
				}
			}
			if share := float64(kinds[record.KindSignature]) / 600; share < 0.4 || share > 0.6 {
				t.Errorf("signatures are %.0f%% of drafts, want about half", 100*share)
			}
			for _, qt := range []campaign.QuestionType{campaign.TypeSingle, campaign.TypeMultiple, campaign.TypeScale,
				campaign.TypeText, campaign.TypeNumber, campaign.TypeAlcaldia} {
				if answered[qt] == 0 {
					t.Errorf("no answer to a %s question", qt)
				}
			}
		})
	}
}

func TestCanvasserSignsTheAssemblysProposals(t *testing.T) {
	c := defaultCampaign(t)
	g := New(c, record.ModeCanvasser, 3)
	g.RepeatShare = 0
	ev := c.Event(g.EventID())
	for range 100 {
		d := g.Signature()
		if !slices.Contains(ev.Proposals, d.SubjectID) {
			t.Fatalf("signature for %q at %s, which signs %v", d.SubjectID, ev.ID, ev.Proposals)
		}
	}
}

func TestSameSeedSameDrafts(t *testing.T) {
	c := defaultCampaign(t)
	a, b := New(c, record.ModeKiosk, 42), New(c, record.ModeKiosk, 42)
	for i := range 50 {
		da, _ := a.Next()
		db, _ := b.Next()
		if !reflect.DeepEqual(da, db) {
			t.Fatalf("draft %d differs between two generators with the same seed", i)
		}
	}
}

func TestFill(t *testing.T) {
	ctx := context.Background()
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	g := New(dev.Campaign, record.ModeKiosk, 1)
	g.RepeatShare = 0.5 // many crowd signatures, so some repeat on this device

	sum, err := Fill(ctx, dev.Store, g, 500)
	if err != nil {
		t.Fatal(err)
	}
	c, err := dev.Store.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("stores exactly the records asked for", func(t *testing.T) {
		if sum.Records != 500 || c.Pending != 500 {
			t.Fatalf("summary says %d records, outbox has %d pending; want 500", sum.Records, c.Pending)
		}
		total := 0
		for _, n := range sum.ByKind {
			total += n
		}
		if total != 500 {
			t.Fatalf("records by kind add up to %d", total)
		}
	})
	t.Run("crowd members sign and repeats on the device are refused", func(t *testing.T) {
		if sum.CrowdSignatures == 0 || sum.RefusedOnDevice == 0 {
			t.Fatalf("crowd signatures %d, refused on device %d; want both above 0", sum.CrowdSignatures, sum.RefusedOnDevice)
		}
	})
	t.Run("records open to valid bodies", func(t *testing.T) {
		for _, r := range dev.Records(t)[:50] {
			b := dev.Open(t, r)
			if r.Kind == record.KindSignature && (b.Signer == nil || len(b.Strokes) == 0) {
				t.Fatalf("signature record %d has no signer or strokes", r.Seq)
			}
		}
	})
	t.Run("a second fill on the same device never stores a repeat", func(t *testing.T) {
		again, err := Fill(ctx, dev.Store, New(dev.Campaign, record.ModeKiosk, 1), 100)
		if err != nil {
			t.Fatal(err)
		}
		if again.Records != 100 || again.RefusedOnDevice == 0 {
			t.Fatalf("second fill stored %d and refused %d; want 100 stored and some refused", again.Records, again.RefusedOnDevice)
		}
	})
}

func defaultCampaign(t *testing.T) *campaign.Campaign {
	t.Helper()
	c, err := campaign.Parse("default campaign", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClosedProposalsGetNoNewSupports(t *testing.T) {
	c := defaultCampaign(t)
	closed := map[string]bool{}
	for i := range c.Proposals {
		if i%2 == 0 {
			c.Proposals[i].Closed = true
			closed[c.Proposals[i].ID] = true
		}
	}
	for _, mode := range []string{record.ModeKiosk, record.ModeCanvasser} {
		g := New(c, mode, 11)
		signed := 0
		for i := range 400 {
			d, _ := g.Next()
			if err := d.Validate(c); err != nil {
				t.Fatalf("%s draft %d: %v", mode, i, err)
			}
			if d.Kind == record.KindSignature {
				signed++
				if closed[d.SubjectID] {
					t.Fatalf("%s draft %d supports closed proposal %s", mode, i, d.SubjectID)
				}
			}
		}
		if signed == 0 {
			t.Errorf("%s: no signatures at all", mode)
		}
	}
}

// TestNoSubmissionsWhereCentralTakesNone: a campaign that lists no
// submission kinds gets none, as a kiosk offers none.
func TestNoSubmissionsWhereCentralTakesNone(t *testing.T) {
	c := defaultCampaign(t)
	g := New(c, record.ModeCanvasser, 7)
	for i := range 600 {
		d, _ := g.Next()
		if d.Kind == record.KindProposal || d.Kind == record.KindEventProposal {
			t.Fatalf("draft %d is a %s, which the campaign does not accept", i, d.Kind)
		}
	}
}

// TestImpromptuAssemblyCollectsSignatures: in canvasser mode, the
// signatures after an assembly opened on the spot carry its id.
func TestImpromptuAssemblyCollectsSignatures(t *testing.T) {
	c := defaultCampaign(t)
	c.Kinds = []string{string(record.KindEventProposal)}
	g := New(c, record.ModeCanvasser, 7)
	a := g.Assembly()
	if err := a.Validate(c); err != nil {
		t.Fatal(err)
	}
	s := g.Signature()
	if s.EventID != a.SubjectID {
		t.Fatalf("the next signature's event is %q, want the impromptu assembly %q", s.EventID, a.SubjectID)
	}
	if err := s.Validate(c); err != nil {
		t.Fatal(err)
	}
}
