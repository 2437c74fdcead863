package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

func testSignerCounts(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	if got, err := s.SignerCounts(ctx); err != nil || len(got) != 0 {
		t.Fatalf("signer counts of an empty store: %v, %v", got, err)
	}
	Enrolled(t, s, "dev-g", record.ModeKiosk)
	ingest(t, s, Base, "dev-g",
		Incoming(t, Rec{Device: "dev-g", Seq: 1, Signer: "A"}),
		Incoming(t, Rec{Device: "dev-g", Seq: 2, Signer: "A"}),
		Incoming(t, Rec{Device: "dev-g", Seq: 3, Signer: "B"}),
		Incoming(t, Rec{Device: "dev-g", Seq: 4, Signer: "A", Subject: "p-luz"}),
		Incoming(t, Rec{Device: "dev-g", Seq: 5, Kind: record.KindComment, Subject: "art-1"}),
	)
	// A second batch: the same person again adds nothing, a new one adds one.
	ingest(t, s, Base.Add(time.Minute), "dev-g",
		Incoming(t, Rec{Device: "dev-g", Seq: 6, Signer: "B"}),
		Incoming(t, Rec{Device: "dev-g", Seq: 7, Signer: "C"}),
	)
	got, err := s.SignerCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int64{"p-agua": 3, "p-luz": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("signer counts %v, want %v", got, want)
	}
}

func testCrossings(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	if got, err := s.Crossings(ctx); err != nil || len(got) != 0 {
		t.Fatalf("crossings of an empty store: %v, %v", got, err)
	}
	first := []central.Crossing{
		{Proposal: "p-luz", Tier: "answer", Signers: 5001, At: Base.Add(2 * time.Hour)},
		{Proposal: "p-agua", Tier: "answer", Signers: 5000, At: Base.Add(time.Hour)},
	}
	if err := s.RecordCrossings(ctx, first); err != nil {
		t.Fatal(err)
	}
	// Seen again later, by another node or check: the first time stays.
	again := []central.Crossing{
		{Proposal: "p-agua", Tier: "answer", Signers: 7000, At: Base.Add(5 * time.Hour)},
		{Proposal: "p-agua", Tier: "meeting", Signers: 10000, At: Base.Add(3 * time.Hour)},
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.RecordCrossings(ctx, again) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordCrossings(ctx, nil); err != nil {
		t.Errorf("no crossings: %v", err)
	}
	got, err := s.Crossings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []central.Crossing{first[1], first[0], again[1]}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("crossings\n%v\nwant oldest first, first times kept\n%v", got, want)
	}
}

func testResponses(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	if got, err := s.Responses(ctx); err != nil || len(got) != 0 {
		t.Fatalf("responses of an empty store: %v, %v", got, err)
	}
	rs := []central.StoredResponse{
		{Proposal: "p-luz", Tier: "answer", Content: []byte(`{"tier":"answer"}`), RecordedAt: Base, RecordedBy: "ana"},
		{Proposal: "p-agua", Tier: "meeting", Content: []byte(`{"tier":"meeting"}`), RecordedAt: Base.Add(time.Hour), RecordedBy: "ana"},
		{Proposal: "p-agua", Tier: "answer", Content: []byte(`{"tier":"answer"}`), RecordedAt: Base.Add(2 * time.Hour), RecordedBy: "beto"},
	}
	for _, r := range rs {
		if err := s.SaveResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	fixed := central.StoredResponse{Proposal: "p-luz", Tier: "answer", Content: []byte(`{"tier":"answer","signed_by":"GR"}`),
		RecordedAt: Base.Add(3 * time.Hour), RecordedBy: "beto"}
	if err := s.SaveResponse(ctx, fixed); err != nil {
		t.Fatal(err)
	}
	got, err := s.Responses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []central.StoredResponse{rs[2], rs[1], fixed}
	if len(got) != len(want) {
		t.Fatalf("%d responses, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Proposal != w.Proposal || g.Tier != w.Tier || string(g.Content) != string(w.Content) ||
			!g.RecordedAt.Equal(w.RecordedAt) || g.RecordedBy != w.RecordedBy {
			t.Errorf("response %d: %+v, want %+v", i, g, w)
		}
	}
}
