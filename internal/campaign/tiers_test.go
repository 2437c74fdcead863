package campaign

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
)

func TestTiersOf(t *testing.T) {
	c := validCampaign()
	t.Run("a format 1 file without tiers: threshold earns a written answer, higher default tiers follow", func(t *testing.T) {
		p := c.Proposal("rios") // threshold 20000
		got := c.TiersOf(p)
		if len(got) != 2 || got[0].ID != TierAnswer || got[0].Signers != 20000 || got[1].ID != TierSession || got[1].Signers != 50000 {
			t.Errorf("got %+v", got)
		}
		if c.Goal(p) != 20000 {
			t.Errorf("goal %d", c.Goal(p))
		}
	})
	t.Run("the campaign's tiers when a proposal sets nothing", func(t *testing.T) {
		c := validCampaign()
		c.Tiers = []Tier{{ID: "a", Signers: 3, Earns: tx("a", "a")}, {ID: "b", Signers: 6, Earns: tx("b", "b")}}
		p := c.Proposal("rios")
		p.Threshold = 0
		if got := c.TiersOf(p); !reflect.DeepEqual(got, c.Tiers) {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("a proposal's own tiers replace the campaign's", func(t *testing.T) {
		c := validCampaign()
		p := c.Proposal("rios")
		p.Threshold = 0
		p.Tiers = []Tier{{ID: TierAnswer, Signers: 2, Earns: tx("a", "a")}}
		got := c.TiersOf(p)
		if !reflect.DeepEqual(got, p.Tiers) {
			t.Errorf("got %+v", got)
		}
		got[0].Signers = 99
		if p.Tiers[0].Signers != 2 {
			t.Error("TiersOf returned the proposal's own slice")
		}
	})
	t.Run("without tiers or threshold, the 2016 rules", func(t *testing.T) {
		c := validCampaign()
		p := c.Proposal("rios")
		p.Threshold = 0
		if got := c.TiersOf(p); !reflect.DeepEqual(got, DefaultTiers()) {
			t.Errorf("got %+v", got)
		}
	})
}

func TestStand(t *testing.T) {
	ladder := DefaultTiers()
	tests := []struct {
		signers int64
		reached int
		next    string
		missing int
	}{
		{0, 0, TierAnswer, 5000},
		{4999, 0, TierAnswer, 1},
		{5000, 1, TierMeeting, 5000},
		{12480, 2, TierSession, 37520},
		{50000, 3, "", 0},
	}
	for _, tt := range tests {
		s := Stand(ladder, tt.signers)
		next := ""
		if s.Next != nil {
			next = s.Next.ID
		}
		if s.Reached != tt.reached || next != tt.next || s.Missing != tt.missing {
			t.Errorf("%d signers: %+v, want reached %d next %q missing %d", tt.signers, s, tt.reached, tt.next, tt.missing)
		}
		if (s.Reached == 0) != (s.Tier == nil) || s.Tier != nil && s.Tier.ID != ladder[s.Reached-1].ID {
			t.Errorf("%d signers: tier %+v with %d reached", tt.signers, s.Tier, s.Reached)
		}
	}
}

func TestValidateTiersAndResponses(t *testing.T) {
	answered := time.Date(2016, 9, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		mutate  func(c *Campaign)
		path    string
		problem string
	}{
		{"tiers that do not grow", func(c *Campaign) {
			c.Tiers = DefaultTiers()
			c.Tiers[2].Signers = 10000
		}, "$.tiers[2].signers", "10000 signers is not more than the tier before (10000); list tiers from the lowest"},
		{"a tier without what it earns", func(c *Campaign) {
			c.Tiers = DefaultTiers()
			c.Tiers[1].Earns = nil
		}, "$.tiers[1].earns", `a text in Spanish ("es") and English ("en") is required`},
		{"a tier id twice", func(c *Campaign) {
			c.Tiers = DefaultTiers()
			c.Tiers[1].ID = TierAnswer
		}, "$.tiers[1].id", `duplicate id "answer", also used by $.tiers[0]`},
		{"a proposal tier with no signers", func(c *Campaign) {
			c.Proposals[0].Threshold = 0
			c.Proposals[0].Tiers = []Tier{{ID: "x", Earns: tx("x", "x")}}
		}, "$.proposals[0].tiers[0].signers", "a tier needs from 1 to 10000000 signers, found 0"},
		{"a proposal with tiers and a threshold", func(c *Campaign) {
			c.Proposals[0].Tiers = DefaultTiers()
		}, "$.proposals[0].threshold", "a proposal with its own tiers takes no threshold; put the number in its first tier"},
		{"a response for a tier the proposal lacks", func(c *Campaign) {
			c.Proposals[0].Responses = []Response{{Tier: "meeting", Date: answered, Minute: tx("m", "m")}}
		}, "$.proposals[0].responses[0].tier", `unknown tier "meeting" for this proposal`},
		{"a written answer nobody signed", func(c *Campaign) {
			c.Proposals[0].Responses = []Response{{Tier: TierAnswer, Date: answered, Text: tx("Sí.", "Yes.")}}
		}, "$.proposals[0].responses[0].signed_by", "say who signed the written answer"},
		{"a response that says nothing", func(c *Campaign) {
			c.Proposals[0].Responses = []Response{{Tier: TierAnswer, Date: answered}}
		}, "$.proposals[0].responses[0].text", "a response needs a written answer (text) or the minute of the meeting or session"},
		{"a response without a date", func(c *Campaign) {
			c.Proposals[0].Responses = []Response{{Tier: TierAnswer, Text: tx("Sí.", "Yes."), SignedBy: "GR"}}
		}, "$.proposals[0].responses[0].date", "a date between the years 2000 and 2100 is required"},
		{"a tier answered twice", func(c *Campaign) {
			r := Response{Tier: TierAnswer, Date: answered, Text: tx("Sí.", "Yes."), SignedBy: "GR"}
			c.Proposals[0].Responses = []Response{r, r}
		}, "$.proposals[0].responses[1].tier", `tier "answer" is answered twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCampaign()
			tt.mutate(c)
			data, err := Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse("campaign.json", data)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.Path != tt.path || pe.Problem != tt.problem {
				t.Errorf("got   %s: %s\nwant  %s: %s", pe.Path, pe.Problem, tt.path, tt.problem)
			}
		})
	}
	t.Run("with campaign tiers a proposal needs no threshold, and a response round-trips", func(t *testing.T) {
		c := validCampaign()
		c.Tiers = DefaultTiers()
		for i := range c.Proposals {
			c.Proposals[i].Threshold = 0
		}
		c.Proposals[0].Responses = []Response{{Tier: TierAnswer, Date: answered, Text: tx("Sí.", "Yes."), SignedBy: "Grupo Redactor"}}
		data, err := Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse("campaign.json", data)
		if err != nil {
			t.Fatal(err)
		}
		if r := got.Proposals[0].Response(TierAnswer); r == nil || r.SignedBy != "Grupo Redactor" || !r.Date.Equal(answered) {
			t.Errorf("response %+v", r)
		}
	})
}

func TestDefaultCampaignTiers(t *testing.T) {
	c, err := Parse("cdmx-2016.json", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Tiers, DefaultTiers()) {
		t.Errorf("tiers %+v, want the 2016 rules", c.Tiers)
	}
	for i := range c.Proposals {
		if got := c.TiersOf(&c.Proposals[i]); !reflect.DeepEqual(got, DefaultTiers()) {
			t.Errorf("proposal %s: tiers %+v", c.Proposals[i].ID, got)
		}
	}
}

func tx(es, en string) Text { return Text{"es": es, "en": en} }

func TestAnswered(t *testing.T) {
	c := validCampaign()
	week := time.Date(2016, 9, 5, 0, 0, 0, 0, time.UTC)
	c.Proposals[0].Responses = []Response{{Tier: TierAnswer, Date: week.Add(24 * time.Hour)}}
	c.Proposals[1].Responses = []Response{{Tier: TierAnswer, Date: week.Add(-time.Hour)}}
	c.Proposals[2].Responses = []Response{{Tier: TierAnswer, Date: week.Add(-time.Hour)}, {Tier: TierSession, Date: week.Add(48 * time.Hour)}}
	got := c.Answered(week)
	if len(got) != 2 || got[0].ID != c.Proposals[2].ID || got[1].ID != c.Proposals[0].ID {
		var ids []string
		for _, p := range got {
			ids = append(ids, p.ID)
		}
		t.Errorf("answered since the week began: %v, want the newest response first and none from before", ids)
	}
}
