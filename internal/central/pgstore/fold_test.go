package pgstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/storetest"
	"github.com/voces-cdmx/voces/internal/record"
)

func TestFoldKeepsTallies(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	s.HoldFolds()
	storetest.Enrolled(t, s, "dev-f", record.ModeKiosk)
	ingestRound := func(from int) {
		var recs []central.Incoming
		for i := from; i < from+50; i++ {
			recs = append(recs, storetest.Incoming(t, storetest.Rec{Device: "dev-f", Seq: uint64(i + 1), Signer: fmt.Sprintf("V%d", i%20),
				Subject: fmt.Sprintf("p-%d", i%3), Alcaldia: "tlalpan"}))
		}
		if _, err := s.Ingest(ctx, storetest.Base, []central.IngestBatch{{DeviceID: "dev-f", Records: recs}}); err != nil {
			t.Fatal(err)
		}
	}
	tallies := func() string {
		tl, err := s.Tallies(ctx, storetest.Base, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%+v", *tl)
	}
	deltas := func() int {
		var n int
		if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM counter_deltas`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ingestRound(0)
	ingestRound(50)
	if deltas() == 0 {
		t.Fatal("the second ingest left no deltas to fold")
	}
	before := tallies()
	if err := s.Fold(ctx); err != nil {
		t.Fatal(err)
	}
	if n := deltas(); n != 0 {
		t.Errorf("%d deltas left after a fold", n)
	}
	if after := tallies(); after != before {
		t.Errorf("tallies changed by folding:\nbefore %s\nafter  %s", before, after)
	}
	if err := s.Fold(ctx); err != nil {
		t.Errorf("folding nothing: %v", err)
	}
	if after := tallies(); after != before {
		t.Errorf("tallies changed by an empty fold")
	}
}

// TestFailedFoldIsLogged: a fold that fails (here: its context is already
// cancelled) is reported, not dropped.
func TestFailedFoldIsLogged(t *testing.T) {
	s := mustOpen(t)
	var buf bytes.Buffer
	s.Log = slog.New(slog.NewTextHandler(&buf, nil))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.FoldOrLog(ctx)
	if !strings.Contains(buf.String(), "fold of counter deltas failed") || !strings.Contains(buf.String(), "canceled") {
		t.Fatalf("log after a failed fold: %q", buf.String())
	}
	buf.Reset()
	s.FoldOrLog(context.Background())
	if buf.Len() != 0 {
		t.Fatalf("a fold that worked logged %q", buf.String())
	}
}
