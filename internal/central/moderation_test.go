package central_test

import (
	"context"
	"errors"
	mrand "math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// openQueue files what has arrived, as the key worker does.
func openQueue(t *testing.T, c *centraltest.Central) {
	t.Helper()
	if _, _, err := central.OpenSubmissions(context.Background(), c.Store, c.Keys.SealPublic, c.Keys.SealPrivate); err != nil {
		t.Fatal(err)
	}
}

func signers(t *testing.T, c *centraltest.Central, id string) int64 {
	t.Helper()
	got, err := c.Store.SignerCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return got[id]
}

func TestCentralPublishesTheKindsItAccepts(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	if !d.Campaign.AcceptsKind(string(record.KindProposal)) || !d.Campaign.AcceptsKind(string(record.KindEventProposal)) {
		t.Fatalf("the published campaign lists kinds %v, want the submission kinds", d.Campaign.Kinds)
	}
	// A central that stops taking submissions publishes a version that
	// says so; a record made under it anyway is refused by name, and
	// one made under the version before is still taken.
	before := d.Record(t, record.KindProposal)
	c.Server.Kinds = nil
	v, changed, err := c.Server.PublishResponses(context.Background())
	if err != nil || !changed {
		t.Fatalf("publish without submissions: version %d, changed %v, %v", v, changed, err)
	}
	d.Campaign = d.FetchCampaign(t)
	if len(d.Campaign.Kinds) != 0 {
		t.Fatalf("kinds %v after turning submissions off", d.Campaign.Kinds)
	}
	if _, err := record.Build(d.Draft(record.KindProposal), d.Campaign, &d.Keys, time.Now()); err == nil {
		t.Fatal("a device builds a proposal its campaign does not accept")
	}
	d.Campaign.Kinds = central.DefaultKinds // a device that ignores its campaign
	after := d.Record(t, record.KindProposal)
	br := d.Upload(t, [][]byte{before.Marshal(), after.Marshal()})
	if br.Results[0].Status != protocol.Accepted {
		t.Errorf("a proposal made under a version that accepted it: %+v", br.Results[0])
	}
	if r := br.Results[1]; r.Status != protocol.Rejected || r.Reason != protocol.ReasonKindNotAccepted {
		t.Errorf("a proposal made under a version that does not accept it: %+v, want rejected %s", r, protocol.ReasonKindNotAccepted)
	}
}

func TestModerationDesk(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	mod := c.Node.Moderation()
	kiosk := c.NewDevice(t, record.ModeKiosk)
	canvasser := c.NewDevice(t, record.ModeCanvasser)
	target := kiosk.Campaign.Proposals[0].ID
	other := kiosk.Campaign.Proposals[1].ID

	published := kiosk.Proposal(t, "", true)
	twice := centraltest.RandomINE(mrand.New(mrand.NewPCG(16, 16)))
	mergedSigned := kiosk.Proposal(t, twice, false) // its author also signs target directly
	mergedNew := kiosk.Proposal(t, "", false)       // its author never signed target
	declined := kiosk.Proposal(t, "", false)
	direct := kiosk.Signature(t, target, twice)
	assembly := canvasser.Record(t, record.KindEventProposal)
	var atAssembly [][]byte
	for range 10 {
		atAssembly = append(atAssembly, canvasser.SignatureAt(t, other, assembly.SubjectID).Marshal())
	}
	for _, br := range []*protocol.BatchResponse{
		kiosk.Upload(t, [][]byte{published.Marshal(), mergedSigned.Marshal(), mergedNew.Marshal(), declined.Marshal(), direct.Marshal()}),
		canvasser.Upload(t, append([][]byte{assembly.Marshal()}, atAssembly...)),
	} {
		for _, r := range br.Results {
			if r.Status != protocol.Accepted {
				t.Fatalf("upload: %+v", r)
			}
		}
	}
	openQueue(t, c)
	openQueue(t, c) // a second pass files nothing twice
	page, total, err := mod.Store().Submissions(ctx, central.SubmissionFilter{Status: central.SubmissionPending})
	if err != nil || total != 5 || len(page) != 5 {
		t.Fatalf("pending: %d of %d, %v; want 5", len(page), total, err)
	}
	before := signers(t, c, target)

	// Publish, with an English version added.
	edit := central.Edit{Title: map[string]string{"en": "Drinking fountains in every park"}, Text: map[string]string{"en": "Every park gets a fountain."}}
	v, err := mod.Publish(ctx, "mod-ana", map[[16]byte]central.Edit{published.ID: edit}, published.ID)
	if err != nil {
		t.Fatal(err)
	}
	kiosk.Campaign = kiosk.FetchCampaign(t)
	p := kiosk.Campaign.Proposal(published.SubjectID)
	if kiosk.Campaign.Version != v || p == nil {
		t.Fatalf("version %d does not list the published proposal %s", kiosk.Campaign.Version, published.SubjectID)
	}
	if p.Title["en"] != "Drinking fountains in every park" || p.Title["es"] == "" || p.Author == "" {
		t.Errorf("published proposal %+v: want both languages and the named author", p)
	}
	if n := signers(t, c, published.SubjectID); n != 1 {
		t.Errorf("the published proposal has %d signers, want its author's 1", n)
	}
	long := central.Edit{Title: map[string]string{"es": strings.Repeat("a", central.MaxPublishedTitle+1)}, Text: map[string]string{"es": "x"}}
	if _, err := mod.Publish(ctx, "mod-ana", map[[16]byte]central.Edit{declined.ID: long}, declined.ID); !errors.Is(err, central.ErrInvalidDecision) {
		t.Errorf("publishing a title longer than a campaign takes: %v, want ErrInvalidDecision", err)
	}
	if _, err := mod.Publish(ctx, "mod-ana", nil, published.ID); !errors.Is(err, central.ErrDecided) {
		t.Errorf("publishing twice: %v, want ErrDecided", err)
	}

	// Merge: the author who signed target directly stays one signer; the
	// other author adds one.
	if err := mod.Merge(ctx, "mod-ana", target, mergedSigned.ID, mergedNew.ID); err != nil {
		t.Fatal(err)
	}
	if n := signers(t, c, target); n != before+1 {
		t.Errorf("target has %d signers after two merges, want %d (one author had signed it)", n, before+1)
	}
	if err := mod.Merge(ctx, "mod-ana", "no-such", declined.ID); !errors.Is(err, central.ErrInvalidDecision) {
		t.Errorf("merging into an unknown proposal: %v", err)
	}

	// Decline with a reason from the list, and only from the list.
	if err := mod.Decline(ctx, "mod-ana", "boring", "", declined.ID); !errors.Is(err, central.ErrInvalidDecision) {
		t.Errorf("an unknown reason: %v", err)
	}
	if err := mod.Decline(ctx, "mod-ana", central.DeclineOutOfScope, "Le toca a la alcaldía.", declined.ID); err != nil {
		t.Fatal(err)
	}
	s, err := mod.Store().Submission(ctx, declined.ID)
	if err != nil || s.Status != central.SubmissionDeclined || s.Reason != central.DeclineOutOfScope || s.DecidedBy != "mod-ana" || s.DecidedAt.IsZero() {
		t.Errorf("declined: %+v, %v", s, err)
	}

	// The canvasser's impromptu assembly: published under its own id, the
	// 10 supports collected there count under it.
	if _, err := mod.Publish(ctx, "mod-ana", nil, assembly.ID); err != nil {
		t.Fatal(err)
	}
	canvasser.Campaign = canvasser.FetchCampaign(t)
	if canvasser.Campaign.Event(assembly.SubjectID) == nil {
		t.Fatalf("the published campaign has no event %s", assembly.SubjectID)
	}
	if n, err := mod.Store().EventSupports(ctx, assembly.SubjectID); err != nil || n != 10 {
		t.Errorf("supports under the published assembly: %d, %v; want 10", n, err)
	}

	// Every decision is audited, naming the submission, never its author.
	actions := map[string]int{}
	if err := c.Store.EachAudit(ctx, func(e central.AuditEntry) error {
		if e.Actor == "mod-ana" {
			actions[e.Action]++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if actions[central.AuditSubmissionPublished] != 2 || actions[central.AuditSubmissionMerged] != 2 || actions[central.AuditSubmissionDeclined] != 1 {
		t.Errorf("audited decisions %v", actions)
	}
}

// TestNoSubmissionsPublishesNoKinds is `central serve --no-submissions`:
// the version the node publishes lists no submission kinds.
func TestNoSubmissionsPublishesNoKinds(t *testing.T) {
	dir := t.TempDir()
	node, err := central.Open(context.Background(), central.Config{
		DataDir: dir, Init: true, NoSubmissions: true, AbuseThreshold: 7,
		OpenStore: func(ctx context.Context) (central.OperationsStore, error) {
			return sqlitestore.Open(ctx, filepath.Join(dir, central.DBFile))
		},
		Campaign: assets.DefaultCampaign, CampaignSource: "built-in campaign",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer node.Close()
	c, err := node.Moderation().Campaign(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Kinds) != 0 || c.AcceptsKind(string(record.KindProposal)) {
		t.Errorf("with submissions off the campaign lists kinds %v", c.Kinds)
	}
	if node.Moderation().AbuseThreshold != 7 {
		t.Errorf("abuse threshold %d, want the configured 7", node.Moderation().AbuseThreshold)
	}
}

// TestARCOFindsAndWithdrawsAProposal: a person's voter id finds the
// proposal they wrote with their supports; cancelling it withdraws it
// from the desk and from what it counts.
func TestARCOFindsAndWithdrawsAProposal(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	voter := centraltest.RandomINE(mrand.New(mrand.NewPCG(3, 3)))
	p := d.Proposal(t, voter, true)
	sig := d.Signature(t, d.Campaign.Proposals[0].ID, voter)
	d.Upload(t, [][]byte{p.Marshal(), sig.Marshal(), d.Proposal(t, "", false).Marshal()})
	openQueue(t, c)
	mod := c.Node.Moderation()
	if _, err := mod.Publish(ctx, "mod", nil, p.ID); err != nil {
		t.Fatal(err)
	}
	found, err := central.FindByVoterID(ctx, c.Store, c.Keys.Dedupe, voter)
	if err != nil || len(found) != 2 {
		t.Fatalf("found %d records by voter id (%v), want the proposal and the support", len(found), err)
	}
	if _, err := central.Cancel(ctx, c.Store, c.Node.AuditLog(), "rosa", found, time.Now()); err != nil {
		t.Fatal(err)
	}
	s, err := mod.Store().Submission(ctx, p.ID)
	if err != nil || s.Status != central.SubmissionWithdrawn || s.AuthorName != "" {
		t.Errorf("the cancelled proposal on the desk: %q by %q (%v), want withdrawn with no name", s.Status, s.AuthorName, err)
	}
	if n := signers(t, c, p.SubjectID); n != 0 {
		t.Errorf("the withdrawn proposal still counts %d signers", n)
	}
}

// TestRestartKeepsCitizenContent: central serve publishes its campaign
// file on every start; the proposals and assemblies the desk published
// stay in the campaign.
func TestRestartKeepsCitizenContent(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "central")
	c := centraltest.StartDir(t, dir)
	d := c.NewDevice(t, record.ModeCanvasser)
	p, a := d.Proposal(t, "", false), d.Record(t, record.KindEventProposal)
	d.Upload(t, [][]byte{p.Marshal(), a.Marshal()})
	openQueue(t, c)
	v, err := c.Node.Moderation().Publish(ctx, "mod", nil, p.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c = centraltest.StartDir(t, dir) // publishes the built-in campaign again
	newest, err := c.Node.Moderation().Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if newest.Version != v || newest.Proposal(p.SubjectID) == nil || newest.Event(a.SubjectID) == nil {
		t.Errorf("after a restart the campaign is version %d (published %d), with the citizen proposal %v and assembly %v",
			newest.Version, v, newest.Proposal(p.SubjectID) != nil, newest.Event(a.SubjectID) != nil)
	}
}
