package outbox_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
)

// TestTwoProcessesShareTheOutbox runs the kiosk's side (a child process
// appending records) and syncd's side (this process taking batches and
// marking them synced) on one file at the same time. Neither side may see
// an error, and at the end every record is synced exactly once.
func TestTwoProcessesShareTheOutbox(t *testing.T) {
	if testing.Short() {
		t.Skip("two-process test skipped in -short mode")
	}
	const total = 600
	path := filepath.Join(t.TempDir(), "outbox.db")
	dev := outboxtest.NewEnrolledAt(t, path, "kiosk")
	dev.Store.Close()

	ctx := context.Background()
	s, err := outbox.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "VOCES_OUTBOX_HELPER=append", "VOCES_OUTBOX_PATH="+path,
		"VOCES_OUTBOX_COUNT="+strconv.Itoa(total), "VOCES_OUTBOX_SEED=7")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	synced := map[uint64]int{}
	stop := time.Now().Add(deadline(t))
	writerDone := false
	for {
		batch, err := s.NextBatch(ctx, 16<<10, 50)
		if err != nil {
			t.Fatalf("syncd side: next batch: %v", err)
		}
		seqs := make([]uint64, len(batch))
		for i, p := range batch {
			seqs[i] = p.Seq
			synced[p.Seq]++
		}
		if err := s.MarkSynced(ctx, seqs...); err != nil {
			t.Fatalf("syncd side: mark synced: %v", err)
		}
		if len(batch) == 0 && writerDone {
			break
		}
		if !writerDone {
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("kiosk side failed: %v\n%s", err, stderr.String())
				}
				writerDone = true
			default:
			}
		}
		if time.Now().After(stop) {
			t.Fatal("timed out")
		}
	}

	if got := strings.Count(stdout.String(), "\n"); got != total {
		t.Fatalf("kiosk side reported %d saved records, want %d", got, total)
	}
	for seq := uint64(1); seq <= total; seq++ {
		if synced[seq] != 1 {
			t.Fatalf("record %d was taken in %d batches, want exactly 1", seq, synced[seq])
		}
	}
	n, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n.Pending != 0 || n.Synced != total || n.Dead != 0 || n.LastSeq != total {
		t.Fatalf("counts = %+v, want %d synced and nothing else", n, total)
	}
}
