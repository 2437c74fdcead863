package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
)

// TestDevicesReachCentral is the command's contract: each simulated device
// enrolls, its records all reach central when pushed, central counts
// exactly what the summaries said, and the shared crowd shows up as
// repeat signers across devices.
func TestDevicesReachCentral(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	want := map[string]int64{}
	var total int64
	for i, mode := range []string{record.ModeKiosk, record.ModeCanvasser, record.ModeKiosk} {
		db := filepath.Join(t.TempDir(), "outbox.db")
		var out bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &out}
		err := m.Run(ctx, []string{"--db", db, "--code", c.Code(t, ""), "--records", "400", "--mode", mode, "--repeat-share", "0.5", "--json"})
		if err != nil {
			t.Fatalf("device %d: %v\n%s", i, err, out.String())
		}
		var sum Summary
		if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
			t.Fatalf("device %d printed %q: %v", i, out.String(), err)
		}
		if sum.Records != 400 || sum.Pending != 400 || sum.Mode != mode {
			t.Fatalf("device %d summary %+v", i, sum)
		}
		for k, n := range sum.ByKind {
			if n == 0 {
				t.Errorf("device %d made no %s", i, k)
			}
			want[k] += int64(n)
		}
		total += int64(sum.Records)

		store, err := outbox.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		st, err := syncer.New(store).PushOnce(ctx)
		store.Close()
		if err != nil || st.Accepted != 400 {
			t.Fatalf("device %d push: %+v, %v", i, st, err)
		}
	}
	st := c.Stats(t)
	if st.Records != total {
		t.Fatalf("central holds %d records, devices made %d", st.Records, total)
	}
	for k, n := range want {
		if st.ByKind[k] != n {
			t.Errorf("central holds %d %s, devices made %d", st.ByKind[k], k, n)
		}
	}
	var supports, unique int64
	for _, p := range st.Proposals {
		supports += p.Supports
		unique += p.UniqueSigners
	}
	if unique >= supports {
		t.Fatalf("%d supports from %d unique signers: the shared crowd should repeat across devices", supports, unique)
	}
}

func TestOnlyOneKind(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &out}
	db := filepath.Join(t.TempDir(), "outbox.db")
	if err := m.Run(ctx, []string{"--db", db, "--code", c.Code(t, ""), "--records", "50", "--only", "signature", "--json"}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var sum Summary
	json.Unmarshal(out.Bytes(), &sum)
	if sum.ByKind["signature"] != 50 {
		t.Fatalf("summary %+v", sum)
	}
	t.Run("an enrolled outbox takes more records without a code", func(t *testing.T) {
		out.Reset()
		if err := m.Run(ctx, []string{"--db", db, "--records", "10", "--json"}); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		json.Unmarshal(out.Bytes(), &sum)
		if sum.Records != 10 || sum.Pending != 60 {
			t.Fatalf("summary %+v", sum)
		}
	})
	t.Run("an unenrolled outbox needs a code", func(t *testing.T) {
		if err := m.Run(ctx, []string{"--db", filepath.Join(t.TempDir(), "x.db"), "--records", "1"}); err == nil {
			t.Fatal("filled an outbox that is not enrolled")
		}
	})
}

func TestBigCampaignFlag(t *testing.T) {
	file := filepath.Join(t.TempDir(), "big.json")
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &out}
	if err := m.Run(context.Background(), []string{"--big-campaign", file, "--seed", "3"}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c, err := campaign.Parse(file, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Proposals) != 400 || len(c.Events) != 100 || len(c.Articles) != 10 {
		t.Errorf("%d proposals, %d events, %d articles", len(c.Proposals), len(c.Events), len(c.Articles))
	}
}
