package campaign_test

import (
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
)

func TestKindsCentralAccepts(t *testing.T) {
	c, err := campaign.Parse("default", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	if !c.AcceptsKind("signature") || c.AcceptsKind("proposal") {
		t.Fatal("a campaign without kinds must accept exactly the base kinds")
	}
	c.Kinds = []string{"proposal", "event_proposal"}
	if err := c.Validate(); err != nil || !c.AcceptsKind("proposal") || !c.AcceptsKind("comment") {
		t.Fatalf("listing the submission kinds: %v", err)
	}
	for _, bad := range [][]string{{"proposal", "proposal"}, {"signature"}, {"no spaces"}} {
		c.Kinds = bad
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "kinds") {
			t.Errorf("kinds %q: err = %v, want a problem at kinds", bad, err)
		}
	}
}
