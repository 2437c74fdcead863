package campaign

import (
	"testing"
	"time"
)

func TestLookups(t *testing.T) {
	c := validCampaign()
	tests := []struct {
		name  string
		found bool
		want  bool
	}{
		{"proposal", c.Proposal("canales") != nil && c.Proposal("canales").Alcaldia == "xochimilco", true},
		{"missing proposal", c.Proposal("metro") != nil, false},
		{"event", c.Event("coyoacan") != nil, true},
		{"missing event", c.Event("tlalpan") != nil, false},
		{"article", c.Article("art-13") != nil && c.Article("art-13").Number == "13", true},
		{"missing article", c.Article("art-1") != nil, false},
		{"question", c.Question("vida") != nil && c.Question("vida").Type == TypeScale, true},
		{"missing question", c.Question("edad") != nil, false},
		{"theme", c.Theme("agua") != nil, true},
		{"missing theme", c.Theme("salud") != nil, false},
		{"accepted id type", c.AcceptsIDType(IDTypeCURP), true},
		{"unknown id type", c.AcceptsIDType("pasaporte"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.found != tt.want {
				t.Errorf("found %v, want %v", tt.found, tt.want)
			}
		})
	}
	t.Run("lookups point into the campaign", func(t *testing.T) {
		c.Proposal("rios").Threshold = 1
		if c.Proposals[0].Threshold != 1 {
			t.Error("Proposal returned a copy")
		}
	})
	t.Run("proposals in a theme keep campaign order", func(t *testing.T) {
		ps := c.ProposalsInTheme("agua")
		if len(ps) != 2 || ps[0].ID != "rios" || ps[1].ID != "canales" {
			t.Errorf("got %v", ps)
		}
	})
}

func TestUpcomingEvents(t *testing.T) {
	mx := time.FixedZone("", -6*3600)
	at := func(day, hour int) time.Time { return time.Date(2027, 1, day, hour, 0, 0, 0, mx) }
	c := &Campaign{Events: []Event{
		{ID: "xochimilco", Starts: at(16, 10), Ends: at(16, 14)},
		{ID: "coyoacan", Starts: at(5, 10), Ends: at(5, 14)},
		{ID: "milpa-alta", Starts: at(23, 10), Ends: at(23, 14)},
		{ID: "cuauhtemoc", Starts: at(9, 10), Ends: at(9, 14)},
		{ID: "azcapotzalco", Starts: at(16, 10), Ends: at(16, 13)},
	}}
	tests := []struct {
		name string
		now  time.Time
		want []string
	}{
		{"before all, sorted by start then id", at(1, 0), []string{"coyoacan", "cuauhtemoc", "azcapotzalco", "xochimilco", "milpa-alta"}},
		{"an assembly under way is still upcoming", at(9, 12), []string{"cuauhtemoc", "azcapotzalco", "xochimilco", "milpa-alta"}},
		{"an assembly that just ended is not", at(9, 14), []string{"azcapotzalco", "xochimilco", "milpa-alta"}},
		{"in UTC, same instants", at(16, 13).UTC(), []string{"xochimilco", "milpa-alta"}},
		{"after all", at(31, 0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.UpcomingEvents(tt.now)
			var ids []string
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if len(ids) != len(tt.want) {
				t.Fatalf("got %v, want %v", ids, tt.want)
			}
			for i := range ids {
				if ids[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", ids, tt.want)
				}
			}
		})
	}
}
