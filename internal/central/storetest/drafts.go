package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

func testDrafts(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	if _, err := s.Draft(ctx); !errors.Is(err, central.ErrNotFound) {
		t.Fatalf("draft of an empty store: %v, want ErrNotFound", err)
	}
	if err := s.DeleteDraft(ctx, 1); err != nil {
		t.Errorf("deleting no draft: %v", err)
	}
	if err := s.SaveDraft(ctx, central.Draft{Content: []byte(`{"a":1}`), Base: 3, Revision: 2, SavedAt: Base, SavedBy: "ana"}, 1); !errors.Is(err, central.ErrDraftChanged) {
		t.Errorf("saving revision 2 over no draft: %v, want ErrDraftChanged", err)
	}
	first := central.Draft{Content: []byte(`{"a":1}`), Base: 3, Revision: 1, SavedAt: Base, SavedBy: "ana"}
	if err := s.SaveDraft(ctx, first, 0); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Draft(ctx); err != nil || string(got.Content) != `{"a":1}` || got.Base != 3 || got.Revision != 1 ||
		!got.SavedAt.Equal(Base) || got.SavedBy != "ana" {
		t.Errorf("draft %+v, %v; want %+v", got, err, first)
	}

	// Two operators save over revision 1 at once: exactly one wins, the
	// other is told the draft changed.
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.SaveDraft(ctx, central.Draft{Content: []byte{'{', '}'}, Base: 3, Revision: 2, SavedAt: Base.Add(time.Duration(i) * time.Minute), SavedBy: "op"}, 1)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, central.ErrDraftChanged):
			t.Errorf("racing save: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d racing saves of revision 2 won, want 1", won)
	}
	// A second draft cannot be started over the first.
	if err := s.SaveDraft(ctx, central.Draft{Content: []byte(`{}`), Revision: 1000, SavedAt: Base, SavedBy: "luis"}, 0); !errors.Is(err, central.ErrDraftChanged) {
		t.Errorf("a new draft over an open one: %v, want ErrDraftChanged", err)
	}
	if err := s.SaveDraft(ctx, central.Draft{Content: []byte(`{"b":2}`), Base: 4, Revision: 3, SavedAt: Base.Add(time.Hour), SavedBy: "luis"}, 2); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Draft(ctx); err != nil || string(got.Content) != `{"b":2}` || got.Base != 4 || got.Revision != 3 || got.SavedBy != "luis" {
		t.Errorf("draft after revision 3: %+v, %v", got, err)
	}
	if err := s.DeleteDraft(ctx, 2); !errors.Is(err, central.ErrDraftChanged) {
		t.Errorf("deleting revision 2 when 3 is stored: %v, want ErrDraftChanged", err)
	}
	if err := s.DeleteDraft(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Draft(ctx); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("draft after delete: %v, want ErrNotFound", err)
	}
	// A form left open on the deleted draft saves nothing.
	if err := s.SaveDraft(ctx, central.Draft{Content: []byte(`{}`), Base: 4, Revision: 4, SavedAt: Base, SavedBy: "luis"}, 3); !errors.Is(err, central.ErrDraftChanged) {
		t.Errorf("saving over the deleted draft: %v, want ErrDraftChanged", err)
	}
	if err := s.SaveDraft(ctx, central.Draft{Content: []byte(`{}`), Base: 5, Revision: 5000, SavedAt: Base, SavedBy: "ana"}, 0); err != nil {
		t.Errorf("a new draft after delete: %v", err)
	}
	if got, err := s.Draft(ctx); err != nil || got.Revision != 5000 {
		t.Errorf("the new draft: %+v, %v", got, err)
	}
}

func testVersionsRecordWhoAndWhence(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	in := []central.PublishedCampaign{
		{Version: 1, CampaignID: "cdmx-2016", Content: []byte(`{"v":1}`), Signature: []byte{1}, PublishedAt: Base, PublishedBy: "built-in campaign", Source: central.SourceFile},
		{Version: 2, CampaignID: "cdmx-2016", Content: []byte(`{"v":2}`), Signature: []byte{2}, PublishedAt: Base.Add(time.Hour), PublishedBy: "ana", Source: central.SourceDashboard},
	}
	for _, c := range in {
		if err := s.PublishCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Campaigns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].PublishedBy != "built-in campaign" || all[0].Source != central.SourceFile ||
		all[1].PublishedBy != "ana" || all[1].Source != central.SourceDashboard {
		t.Errorf("versions %+v", all)
	}
}
