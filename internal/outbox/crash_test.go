package outbox_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
)

// crashKills is how many times the crash test kills the writer: 200 by
// default, more with VOCES_CRASH_KILLS (the soak runs 1,000+).
func crashKills() int {
	if n, err := strconv.Atoi(os.Getenv("VOCES_CRASH_KILLS")); err == nil && n > 0 {
		return n
	}
	return 200
}

// TestCrashNeverLosesACommittedRecord kills a process that is appending
// records with SIGKILL at random moments, reopens the file after each kill,
// and checks that the file is intact, that every record the writer reported
// as saved is there, and that sequence numbers have no gaps.
func TestCrashNeverLosesACommittedRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	path := filepath.Join(t.TempDir(), "outbox.db")
	dev := outboxtest.NewEnrolledAt(t, path, "kiosk")
	dev.Store.Close()
	pub := dev.Identity.DeviceKey.Public().(ed25519.PublicKey)

	kills := crashKills()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	reported := map[string]uint64{}
	stop := time.Now().Add(deadline(t))
	for i := 0; i < kills; i++ {
		if time.Now().After(stop) {
			t.Fatalf("ran out of time after %d kills", i)
		}
		lines := runAndKill(t, path, uint64(i+1), time.Duration(rng.IntN(200))*time.Millisecond)
		for _, l := range lines {
			seq, id, ok := strings.Cut(l, " ")
			if !ok {
				continue
			}
			n, _ := strconv.ParseUint(seq, 10, 64)
			reported[id] = n
		}
		if i%20 == 19 || i == kills-1 {
			checkOutbox(t, path, reported, pub)
		}
	}
	t.Logf("survived %d SIGKILLs; %d records reported saved, all present", kills, len(reported))
}

// runAndKill starts the append helper, lets it run for about d, kills it
// with SIGKILL and returns the complete lines it printed.
func runAndKill(t *testing.T, path string, seed uint64, d time.Duration) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "VOCES_OUTBOX_HELPER=append", "VOCES_OUTBOX_PATH="+path,
		"VOCES_OUTBOX_SEED="+strconv.FormatUint(seed, 10))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
	}()
	time.Sleep(d) // the process under test runs meanwhile; this is the kill moment, not a wait for a result
	cmd.Process.Signal(syscall.SIGKILL)
	wg.Wait()
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("helper ended on its own before the kill (%v): %s", err, stderr.String())
	}
	// A line without its newline was cut by the kill mid-write; the
	// scanner still returns it, so drop anything that is not "seq id".
	var whole []string
	for _, l := range lines {
		if f := strings.Fields(l); len(f) == 2 && len(f[1]) == 36 {
			whole = append(whole, l)
		}
	}
	return whole
}

func checkOutbox(t *testing.T, path string, reported map[string]uint64, pub ed25519.PublicKey) {
	t.Helper()
	ctx := context.Background()
	s, err := outbox.Open(ctx, path) // runs the integrity check
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	rows, err := s.DB().QueryContext(ctx, `SELECT seq, id FROM records ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	have := map[string]uint64{}
	var want uint64 = 1
	for rows.Next() {
		var seq uint64
		var id string
		if err := rows.Scan(&seq, &id); err != nil {
			t.Fatal(err)
		}
		if seq != want {
			t.Fatalf("sequence gap: expected %d, found %d", want, seq)
		}
		want++
		have[id] = seq
	}
	for id, seq := range reported {
		if have[id] != seq {
			t.Fatalf("record %s reported saved as seq %d is missing (found seq %d)", id, seq, have[id])
		}
	}
	// Every stored record still decodes and verifies.
	n, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n.Pending != len(have) {
		t.Fatalf("pending = %d, stored = %d", n.Pending, len(have))
	}
	for seq := uint64(1); seq <= n.LastSeq; seq += 7 {
		r, _, err := s.Get(ctx, seq)
		if err != nil {
			t.Fatalf("record %d: %v", seq, err)
		}
		if err := r.Verify(pub); err != nil {
			t.Fatalf("record %d: %v", seq, err)
		}
	}
}
