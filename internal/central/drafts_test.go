package central_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/record"
)

func TestDraftPublishesTheNextSignedVersion(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	audit := c.Node.AuditLog()
	kiosk := c.NewDevice(t, record.ModeKiosk)
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)

	if _, err := c.Server.PublishDraft(ctx, audit, "alma", 1); !errors.Is(err, central.ErrNoDraft) {
		t.Fatalf("publishing without a draft: %v", err)
	}
	d, err := central.StartDraft(ctx, c.Store, audit, "mara", 0, 0, now)
	if err != nil || d.Base != 1 || d.Revision != now.UnixMicro() {
		t.Fatalf("start draft: %+v, %v", d, err)
	}
	if _, err := central.StartDraft(ctx, c.Store, audit, "mara", 0, 0, now); !errors.Is(err, central.ErrDraftExists) {
		t.Errorf("a second draft over an open one: %v", err)
	}
	if _, err := c.Server.PublishDraft(ctx, audit, "alma", d.Revision); !errors.Is(err, central.ErrNoChange) {
		t.Errorf("publishing an unchanged draft: %v", err)
	}

	// A proposal without its English title is saved, but not published.
	var id string
	d, err = central.EditDraft(ctx, c.Store, audit, "mara", "proposal added", d.Revision, now, func(camp *campaign.Campaign) error {
		id, err = central.UnusedID(ctx, c.Store, camp, campaign.KindProposal, "Árboles en Tláhuac")
		camp.Proposals = append(camp.Proposals, campaign.Proposal{ID: id, Theme: camp.Themes[0].ID,
			Title: campaign.Text{"es": "Árboles en Tláhuac"}, Summary: campaign.Text{"es": "Mil árboles.", "en": "A thousand trees."}})
		return err
	})
	if err != nil || id != "arboles-en-tlahuac" {
		t.Fatalf("edit: id %q, %v", id, err)
	}
	_, err = c.Server.PublishDraft(ctx, audit, "alma", d.Revision)
	var inv *central.InvalidError
	if !errors.As(err, &inv) || len(inv.Problems) != 1 || inv.Problems[0].Path == "" {
		t.Fatalf("publishing an invalid draft: %v", err)
	}
	if _, err := central.EditDraft(ctx, c.Store, audit, "mara", "late", d.Revision-1, now, func(*campaign.Campaign) error { return nil }); !errors.Is(err, central.ErrDraftChanged) {
		t.Errorf("an edit of an old revision: %v", err)
	}
	d, err = central.EditDraft(ctx, c.Store, audit, "mara", "proposal fixed", d.Revision, now, func(camp *campaign.Campaign) error {
		camp.Proposal(id).Title["en"] = "Trees in Tláhuac"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Server.PublishDraft(ctx, audit, "alma", d.Revision)
	if err != nil || v != 2 {
		t.Fatalf("publish: version %d, %v", v, err)
	}
	got := kiosk.FetchCampaign(t)
	if got.Version != 2 || got.Proposal(id) == nil || got.Proposal(id).Title["en"] != "Trees in Tláhuac" {
		t.Errorf("the device got version %d with %+v", got.Version, got.Proposal(id))
	}
	pcs, err := c.Store.Campaigns(ctx)
	if err != nil || len(pcs) != 2 || pcs[1].PublishedBy != "alma" || pcs[1].Source != central.SourceDashboard || pcs[0].Source != central.SourceFile {
		t.Errorf("versions %+v, %v", pcs, err)
	}
	if _, err := c.Store.Draft(ctx); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("the published draft is still open: %v", err)
	}
	// The id of a published proposal is never handed out again, even once
	// a later draft removes it.
	d, _ = central.StartDraft(ctx, c.Store, audit, "mara", 1, 0, now)
	camp, _ := central.ParseDraft(d)
	if again, _ := central.UnusedID(ctx, c.Store, camp, campaign.KindProposal, "Arboles en Tlahuac"); again != "arboles-en-tlahuac-2" {
		t.Errorf("a new proposal of the same title gets id %q", again)
	}
	if err := central.DiscardDraft(ctx, c.Store, audit, "mara", d.Revision); err != nil {
		t.Fatal(err)
	}

	// Supports make a proposal unremovable; closing it is allowed.
	p0 := got.Proposals[0].ID
	supports(t, kiosk, p0, "VOTER-A")
	d, err = central.EditDraft(ctx, c.Store, audit, "mara", "proposal removed", central.AnyRevision, now, func(camp *campaign.Campaign) error {
		camp.Proposals = camp.Proposals[1:]
		for i := range camp.Events {
			camp.Events[i].Proposals = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Server.PublishDraft(ctx, audit, "alma", d.Revision)
	var rm *central.RemovalError
	if !errors.As(err, &rm) || len(rm.Proposals) != 1 || rm.Proposals[0] != p0 {
		t.Fatalf("removing a supported proposal: %v", err)
	}
	central.DiscardDraft(ctx, c.Store, audit, "mara", d.Revision)
	d, _ = central.EditDraft(ctx, c.Store, audit, "mara", "proposal closed", central.AnyRevision, now, func(camp *campaign.Campaign) error {
		camp.Proposal(p0).Closed = true
		return nil
	})
	if v, err := c.Server.PublishDraft(ctx, audit, "alma", d.Revision); err != nil || v != 3 {
		t.Fatalf("closing: version %d, %v", v, err)
	}
	if got := kiosk.FetchCampaign(t); !got.Proposal(p0).Closed {
		t.Error("the device does not see the proposal closed")
	}

	var actions []string
	c.Store.EachAudit(ctx, func(e central.AuditEntry) error {
		actions = append(actions, e.Actor+" "+e.Action+" "+e.Details["what"]+e.Details["version"])
		return nil
	})
	for _, want := range []string{"mara draft-saved started from version 1", "mara draft-saved proposal fixed", "alma publish 2", "alma publish 3"} {
		found := false
		for _, a := range actions {
			found = found || a == want
		}
		if !found {
			t.Errorf("audit log %q lacks %q", actions, want)
		}
	}
}

func TestDraftAndFileNeverOverwriteEachOther(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	audit := c.Node.AuditLog()
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	edit := func(rev int64, title string) central.Draft {
		t.Helper()
		d, err := central.EditDraft(ctx, c.Store, audit, "mara", "title", rev, now, func(camp *campaign.Campaign) error {
			camp.Title["en"] = title
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	// A draft overtaken by a file version is refused until rebased.
	d := edit(central.AnyRevision, "From the dashboard")
	if v, changed, err := c.Server.PublishFile(ctx, "campaign.json", changedCampaign(t, "Desde el archivo"), false); err != nil || !changed || v != 2 {
		t.Fatalf("file publish: %d %v %v", v, changed, err)
	}
	if _, err := c.Server.PublishDraft(ctx, audit, "alma", d.Revision); !errors.Is(err, central.ErrDraftStale) {
		t.Fatalf("an overtaken draft: %v, want ErrDraftStale", err)
	}
	if stale, newest, err := central.DraftStale(ctx, c.Store, d); err != nil || !stale || newest.Title["es"] != "Desde el archivo" {
		t.Errorf("stale %v newest %v: %v", stale, newest, err)
	}
	d, err := central.RebaseDraft(ctx, c.Store, audit, "alma", d.Revision, now)
	if err != nil || d.Base != 2 {
		t.Fatalf("rebase: %+v %v", d, err)
	}
	if v, err := c.Server.PublishDraft(ctx, audit, "alma", d.Revision); err != nil || v != 3 {
		t.Fatalf("publish after rebase: %d %v", v, err)
	}

	// A version that only adds responses does not overtake a draft.
	d = edit(central.AnyRevision, "Second edit")
	if _, err := central.Obligations(ctx, c.Store, now); err != nil {
		t.Fatal(err)
	}
	camp, _ := central.ParseDraft(d)
	p := camp.Proposals[0].ID
	if err := central.RecordResponse(ctx, c.Store, audit, p, campaign.Response{Tier: campaign.TierAnswer, Date: now,
		Text: campaign.Text{"es": "Respuesta.", "en": "Answer."}, SignedBy: "Grupo Redactor"}, "mara", now); err != nil {
		t.Fatal(err)
	}
	if v, changed, err := c.Server.PublishAnswers(ctx, "alma"); err != nil || !changed || v != 4 {
		t.Fatalf("publish answers: %d %v %v", v, changed, err)
	}
	if v, err := c.Server.PublishDraft(ctx, audit, "alma", d.Revision); err != nil || v != 5 {
		t.Fatalf("a draft after an answers-only version: %d %v", v, err)
	}
	latest := c.NewDevice(t, record.ModeKiosk).FetchCampaign(t)
	if latest.Title["en"] != "Second edit" || latest.Proposal(p).Response(campaign.TierAnswer) == nil {
		t.Errorf("version 5 has title %q and response %v", latest.Title["en"], latest.Proposal(p).Response(campaign.TierAnswer))
	}

	// serve --campaign over the dashboard's version: the same file as
	// before changes nothing, the built-in campaign never replaces it, a
	// changed file is refused unless told.
	if v, changed, err := c.Server.PublishFile(ctx, "campaign.json", changedCampaign(t, "Desde el archivo"), false); err != nil || changed || v != 5 {
		t.Errorf("the unchanged file: %d %v %v", v, changed, err)
	}
	if v, changed, err := c.Server.PublishFile(ctx, central.BuiltInCampaign, assets.DefaultCampaign, false); err != nil || changed || v != 5 {
		t.Errorf("the built-in campaign: %d %v %v", v, changed, err)
	}
	_, _, err = c.Server.PublishFile(ctx, "campaign.json", changedCampaign(t, "Otro archivo"), false)
	var fc *central.FileConflictError
	if !errors.As(err, &fc) || fc.Version != 5 || fc.By != "alma" || fc.FileSince != 2 {
		t.Fatalf("a changed file over the dashboard: %v", err)
	}
	if v, changed, err := c.Server.PublishFile(ctx, "campaign.json", changedCampaign(t, "Otro archivo"), true); err != nil || !changed || v != 6 {
		t.Errorf("--campaign-replace: %d %v %v", v, changed, err)
	}
}

func TestAProposalJoinsTheDraftFromElsewhere(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	audit := c.Node.AuditLog()
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	theme := c.NewDevice(t, record.ModeKiosk).Campaign.Themes[0].ID
	p := campaign.Proposal{Theme: theme, Title: campaign.Text{"es": "Bebederos en el Zócalo", "en": "Drinking fountains in the Zócalo"},
		Summary: campaign.Text{"es": "Agua potable gratuita.", "en": "Free drinking water."}}
	// No draft is open: one is started from the newest version.
	id, err := central.AddProposal(ctx, c.Store, audit, "moderation desk", p, now)
	if err != nil || id != "bebederos-en-el-zocalo" {
		t.Fatalf("add: %q %v", id, err)
	}
	// Into the open draft, next to an operator's edit.
	if id2, err := central.AddProposal(ctx, c.Store, audit, "moderation desk", p, now); err != nil || id2 != "bebederos-en-el-zocalo-2" {
		t.Fatalf("add again: %q %v", id2, err)
	}
	if v, err := c.Server.PublishDraft(ctx, audit, "alma", central.AnyRevision); err != nil || v != 2 {
		t.Fatalf("publish: %d %v", v, err)
	}
	got := c.NewDevice(t, record.ModeKiosk).FetchCampaign(t)
	if got.Proposal(id) == nil || got.Proposal(id+"-2") == nil {
		t.Errorf("version %d lacks the added proposals", got.Version)
	}
}

// TestCitizenContentKeepsTheDashboardsVersionSafe: the moderation desk
// publishing a resident's proposal over a dashboard version does not make
// that version look like a file's, so serve --campaign still refuses to
// publish a changed file over the dashboard's work.
func TestCitizenContentKeepsTheDashboardsVersionSafe(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	audit := c.Node.AuditLog()
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	if _, err := central.EditDraft(ctx, c.Store, audit, "mara", "title", central.AnyRevision, now, func(camp *campaign.Campaign) error {
		camp.Title["en"] = "From the dashboard"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Server.PublishDraft(ctx, audit, "alma", central.AnyRevision); err != nil {
		t.Fatal(err)
	}
	camp := c.NewDevice(t, record.ModeKiosk).Campaign
	p := campaign.Proposal{ID: record.NewSubmissionID(record.KindProposal), Theme: camp.Themes[0].ID,
		Title: campaign.Text{"es": "Bebederos", "en": "Fountains"}, Summary: campaign.Text{"es": "Agua.", "en": "Water."}}
	v, err := central.AddCitizenContent(ctx, c.Server, []campaign.Proposal{p}, nil)
	if err != nil || v != 3 {
		t.Fatalf("citizen content: %d %v", v, err)
	}
	pcs, _ := c.Store.Campaigns(ctx)
	if pcs[2].Source != central.SourceDashboard {
		t.Errorf("the desk's version has source %q, want the dashboard's", pcs[2].Source)
	}
	var fc *central.FileConflictError
	if _, _, err := c.Server.PublishFile(ctx, "campaign.json", changedCampaign(t, "Otro archivo"), false); !errors.As(err, &fc) {
		t.Errorf("a changed file over the dashboard's work after the desk published: %v", err)
	}
}
