package central_test

import (
	"context"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/record"
)

// TestARCOUnnamesAPublishedAuthor: cancelling the records of an author
// named on a published proposal publishes the next campaign version
// without the name (the proposal stays, as others signed it); cancelling a
// merged author takes their support for the target back.
func TestARCOUnnamesAPublishedAuthor(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	rng := mrand.New(mrand.NewPCG(5, 5))
	author, merger := centraltest.RandomINE(rng), centraltest.RandomINE(rng)
	named, merged := d.Proposal(t, author, true), d.Proposal(t, merger, false)
	d.Upload(t, [][]byte{named.Marshal(), merged.Marshal()})
	openQueue(t, c)
	mod := c.Node.Moderation()
	target := d.Campaign.Proposals[0].ID
	if _, err := mod.Publish(ctx, "mod", nil, named.ID); err != nil {
		t.Fatal(err)
	}
	if err := mod.Merge(ctx, "mod", target, merged.ID); err != nil {
		t.Fatal(err)
	}
	camp, err := mod.Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := camp.Proposal(named.SubjectID)
	if p == nil || p.Author == "" {
		t.Fatalf("the published proposal %+v does not name its author: the test proves nothing", p)
	}
	published, before := camp.Version, signers(t, c, target)
	log := c.Node.AuditLog()
	for _, voter := range []string{author, merger} {
		found, err := central.FindByVoterID(ctx, c.Store, c.Keys.Dedupe, voter)
		if err != nil || len(found) != 1 {
			t.Fatalf("found %d records by voter id (%v), want the proposal", len(found), err)
		}
		if n, err := mod.Cancel(ctx, c.Store, log, "rosa", found, time.Now()); err != nil || n != 1 {
			t.Fatalf("cancel: %d %v", n, err)
		}
	}
	camp, err = mod.Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p := camp.Proposal(named.SubjectID); camp.Version != published+1 || p == nil || p.Author != "" {
		t.Errorf("after the cancellation the campaign is version %d (published %d) with the proposal %+v; want the next version, without the author's name",
			camp.Version, published, p)
	}
	if n := signers(t, c, target); n != before-1 {
		t.Errorf("the merge target has %d signers after its merged author's cancellation, want %d", n, before-1)
	}
	if n := signers(t, c, named.SubjectID); n != 0 {
		t.Errorf("the cancelled author still counts for their proposal: %d signers", n)
	}
	entries, err := c.Store.AuditPage(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	unnamed := 0
	for _, e := range entries {
		if e.Action == central.AuditAuthorUnnamed {
			unnamed++
		}
	}
	if unnamed != 1 {
		t.Errorf("%d audit entries of an author unnamed, want 1", unnamed)
	}
}
