package demo

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

func TestEnrollOnce(t *testing.T) {
	ctx := context.Background()
	s, err := outbox.Open(ctx, filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if done, err := Enroll(ctx, s, record.ModeKiosk); err != nil || !done {
		t.Fatalf("first Enroll = %v, %v; want enrolled", done, err)
	}
	id, err := s.Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.LatestCampaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !protocol.VerifyCampaign(id.ServerKey, c.Version, c.Content, c.Signature) {
		t.Fatal("the demo campaign is not signed by the demo server key")
	}
	if done, err := Enroll(ctx, s, record.ModeKiosk); err != nil || done {
		t.Fatalf("second Enroll = %v, %v; want no change", done, err)
	}
	again, _ := s.Identity(ctx)
	if again.DeviceID != id.DeviceID || string(again.DedupeKey) != string(id.DedupeKey) {
		t.Fatal("a second Enroll replaced the identity")
	}
}

func TestEnrollKindsListsThemInTheSignedCampaign(t *testing.T) {
	ctx := context.Background()
	s, err := outbox.Open(ctx, filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	kinds := []string{string(record.KindProposal), string(record.KindEventProposal)}
	if _, err := EnrollKinds(ctx, s, record.ModeKiosk, kinds); err != nil {
		t.Fatal(err)
	}
	id, _ := s.Identity(ctx)
	sc, err := s.LatestCampaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !protocol.VerifyCampaign(id.ServerKey, sc.Version, sc.Content, sc.Signature) {
		t.Fatal("the campaign with kinds is not signed by the demo server key")
	}
	c, err := campaign.Parse("stored", sc.Content)
	if err != nil {
		t.Fatal(err)
	}
	if !c.AcceptsKind("proposal") || !c.AcceptsKind("event_proposal") || len(c.Proposals) == 0 {
		t.Fatalf("the stored campaign takes %v with %d proposals", c.Kinds, len(c.Proposals))
	}
}
