package syncer

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

func TestPushAppliesEveryResult(t *testing.T) {
	ctx := context.Background()
	fc := newFakeCentral(t)
	d := newDevice(t, fc)
	d.fill(t, 40, 1)
	// Central's verdicts by sequence number: a quarter each.
	fc.verdict = func(r *record.Record) (protocol.Status, string, bool) {
		switch r.Seq % 4 {
		case 1:
			return protocol.Rejected, protocol.ReasonUnknownSubject, true
		case 2:
			return protocol.Conflict, "", true
		case 3:
			return protocol.Duplicate, "", true
		}
		return "", "", false
	}
	st, err := d.s.PushOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("stats count each answer", func(t *testing.T) {
		want := PushStats{Batches: 1, Accepted: 10, Duplicate: 10, Conflict: 10, Rejected: 10}
		if st != want {
			t.Fatalf("stats = %+v, want %+v", st, want)
		}
	})
	t.Run("accepted and duplicate are synced, conflict and rejected dead", func(t *testing.T) {
		if c := d.counts(t); c.Pending != 0 || c.Synced != 20 || c.Dead != 20 {
			t.Fatalf("counts = %+v, want 0 pending, 20 synced, 20 dead", c)
		}
	})
	t.Run("dead records keep central's reason", func(t *testing.T) {
		dead, err := d.store.DeadRecords(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range dead {
			want := map[uint64]string{1: protocol.ReasonUnknownSubject, 2: "conflict"}[r.Seq%4]
			if r.Reason != want {
				t.Fatalf("dead record %d has reason %q, want %q", r.Seq, r.Reason, want)
			}
		}
	})
	t.Run("status records the success", func(t *testing.T) {
		if s := d.status(t); s.LastSuccess.IsZero() || s.LastAttempt.IsZero() || s.LastError != "" {
			t.Fatalf("status = %+v", s)
		}
	})
}

func TestAnswerLostAfterCommitCountsOnce(t *testing.T) {
	ctx := context.Background()
	fc := newFakeCentral(t)
	d := newDevice(t, fc)
	d.fill(t, 25, 2)
	fc.addFaults(fault{path: protocol.PathBatches, dropAfter: true})

	_, err := d.s.PushOnce(ctx)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("push through a dropped answer: err = %v, want ErrUnreachable", err)
	}
	if c := d.counts(t); c.Pending != 25 || fc.stored() != 25 {
		t.Fatalf("after the dropped answer: %d pending on the device, %d stored centrally; want 25 and 25", c.Pending, fc.stored())
	}
	st, err := d.s.PushOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Duplicate != 25 || st.Accepted != 0 || fc.stored() != 25 || d.counts(t).Synced != 25 {
		t.Fatalf("replay: %+v, %d stored centrally; want 25 duplicates and nothing new", st, fc.stored())
	}
}

func TestBatchBudget(t *testing.T) {
	ctx := context.Background()

	t.Run("a size refusal splits the batch at once", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 40, 3)
		fc.tooLarge = 6
		st, err := d.s.PushOnce(ctx)
		if err != nil {
			t.Fatalf("PushOnce: %v", err)
		}
		if st.Accepted != 40 || len(d.clock.Waits()) != 0 {
			t.Fatalf("stats %+v after %d waits; want 40 accepted without waiting", st, len(d.clock.Waits()))
		}
		for i, n := range fc.batches {
			if n > 6 {
				t.Fatalf("batch %d of %d records got through a limit of 6", i, n)
			}
		}
	})

	t.Run("timeouts halve the budget down to one record, successes grow it back", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 60, 4)
		var errs []error
		for range 12 {
			errs = append(errs, errTimeout)
		}
		flaky(d, errs...)
		before := d.s.Budget()
		if _, err := d.s.PushOnce(ctx); !errors.Is(err, ErrTimeout) {
			t.Fatalf("err = %v, want ErrTimeout", err)
		}
		if got := d.s.Budget(); got >= before/2+1 {
			t.Fatalf("budget %d after a timeout, was %d", got, before)
		}
		st, err := d.s.Drain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Accepted != 60 {
			t.Fatalf("accepted %d, want 60", st.Accepted)
		}
		if fc.batches[0] != 1 {
			t.Fatalf("first batch after 12 timeouts had %d records, want 1", fc.batches[0])
		}
		if !slices.IsSorted(fc.batches[:len(fc.batches)-1]) || len(fc.batches) < 4 {
			t.Fatalf("batch sizes %v: want growing slowly from one record", fc.batches)
		}
	})

	t.Run("a refused connection does not shrink the batch", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 5, 5)
		flaky(d, errRefused)
		before := d.s.Budget()
		if _, err := d.s.PushOnce(ctx); !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrTimeout) {
			t.Fatalf("err = %v, want unreachable and no timeout", err)
		}
		if got := d.s.Budget(); got != before {
			t.Fatalf("budget %d after a refused connection, was %d", got, before)
		}
	})

	t.Run("the request timeout cuts a silent server off", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 5, 6)
		d.s.RequestTimeout = 50 * time.Millisecond
		fc.addFaults(fault{path: protocol.PathBatches, hang: true})
		if _, err := d.s.PushOnce(ctx); !errors.Is(err, ErrTimeout) {
			t.Fatalf("err = %v, want ErrTimeout", err)
		}
		if c := d.counts(t); c.Pending != 5 {
			t.Fatalf("%d pending after a timeout, want 5", c.Pending)
		}
	})
}

func TestCancelAbandonsRequestAndKeepsRecordsPending(t *testing.T) {
	fc := newFakeCentral(t)
	d := newDevice(t, fc)
	d.fill(t, 8, 7)
	ctx, cancel := context.WithCancel(context.Background())
	fc.addFaults(fault{path: protocol.PathBatches, hang: true})
	fc.onHang = cancel
	if _, err := d.s.PushOnce(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if c := d.counts(t); c.Pending != 8 {
		t.Fatalf("%d pending after cancel, want 8", c.Pending)
	}
	if st := d.status(t); st.LastError != "" || st.Stopped != "" {
		t.Fatalf("a cancel is not a sync error, status = %+v", st)
	}
	st, err := d.s.PushOnce(context.Background())
	if err != nil || st.Accepted != 8 {
		t.Fatalf("push after cancel = %+v, %v", st, err)
	}
}

func TestAnswersThatDoNotFitTheBatch(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mangle  func(*protocol.BatchResponse)
		synced  int
		pending int
	}{
		{"a missing result applies nothing", func(r *protocol.BatchResponse) { r.Results = r.Results[1:] }, 0, 4},
		{"results out of order apply nothing", func(r *protocol.BatchResponse) {
			r.Results[0], r.Results[1] = r.Results[1], r.Results[0]
		}, 0, 4},
		{"an unknown status leaves that record pending", func(r *protocol.BatchResponse) { r.Results[2].Status = "postponed" }, 3, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc := newFakeCentral(t)
			d := newDevice(t, fc)
			d.fill(t, 4, 8)
			fc.mangle = tc.mangle
			if _, err := d.s.PushOnce(context.Background()); !errors.Is(err, ErrBadAnswer) {
				t.Fatalf("err = %v, want ErrBadAnswer", err)
			}
			if c := d.counts(t); c.Synced != tc.synced || c.Pending != tc.pending {
				t.Fatalf("counts %+v, want %d synced and %d pending", c, tc.synced, tc.pending)
			}
		})
	}
}
