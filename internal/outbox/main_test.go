package outbox_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/outbox"
)

// The test binary doubles as the helper processes of the crash and
// two-process tests: when VOCES_OUTBOX_HELPER names a role it plays that
// role against the outbox in VOCES_OUTBOX_PATH instead of running tests.
func TestMain(m *testing.M) {
	switch role := os.Getenv("VOCES_OUTBOX_HELPER"); role {
	case "":
		os.Exit(m.Run())
	case "append":
		if err := helperAppend(os.Getenv("VOCES_OUTBOX_PATH"), os.Getenv("VOCES_OUTBOX_COUNT"), os.Getenv("VOCES_OUTBOX_SEED")); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "unknown helper role", role)
		os.Exit(2)
	}
}

// helperAppend appends records one per transaction and prints "seq id"
// after each commit returns, until count records (0: forever).
func helperAppend(path, count, seed string) error {
	ctx := context.Background()
	s, err := outbox.Open(ctx, path)
	if err != nil {
		return err
	}
	defer s.Close()
	stored, err := s.LatestCampaign(ctx)
	if err != nil {
		return err
	}
	c, err := campaign.Parse("stored campaign", stored.Content)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(count)
	sd, _ := strconv.ParseUint(seed, 10, 64)
	d := newDrafts(c, sd)
	// Offset signer numbers per run so restarts never repeat a signer.
	d.n = int(sd%100000) * 1000
	out := bufio.NewWriter(os.Stdout)
	for i := 0; n == 0 || i < n; i++ {
		r, err := s.Append(ctx, d.any(), c)
		if errors.Is(err, outbox.ErrDuplicate) {
			continue
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%d %s\n", r.Seq, r.ID)
		// Flush per record: the parent must only ever see ids whose
		// commit has returned.
		if err := out.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// deadline gives a test's child processes a bound so a hang fails the test
// instead of the whole run.
func deadline(t *testing.T) time.Duration {
	if d, ok := t.Deadline(); ok {
		return time.Until(d) - 5*time.Second
	}
	return 5 * time.Minute
}
