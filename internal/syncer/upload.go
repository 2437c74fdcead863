package syncer

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// PushStats counts central's answers over one or more pushes.
type PushStats struct {
	Batches   int // batches central answered
	Accepted  int // stored by central now
	Duplicate int // central already had them: an earlier answer was lost on the way
	Conflict  int // same id, different bytes: moved to dead
	Rejected  int // refused: moved to dead with central's reason
	Pending   int // still pending when the push ended
}

// Sent is the number of records central answered for.
func (p PushStats) Sent() int { return p.Accepted + p.Duplicate + p.Conflict + p.Rejected }

func (p *PushStats) add(o PushStats) {
	p.Batches += o.Batches
	p.Accepted += o.Accepted
	p.Duplicate += o.Duplicate
	p.Conflict += o.Conflict
	p.Rejected += o.Rejected
	p.Pending = o.Pending
}

// PushOnce uploads pending records, batch after batch, until none is left
// or an attempt fails; it neither waits nor retries, except that a batch
// central refuses as too large is split at once. A device central refuses
// for good gets an error matching ErrStopped, and the stored status says
// why. A stopped device still tries when asked: PushOnce is what a person
// runs, and only the daemon's automatic retries stop.
func (s *Syncer) PushOnce(ctx context.Context) (PushStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	var st PushStats
	id, err := s.store.Identity(ctx)
	if err != nil {
		return st, err
	}
	err = s.push(ctx, id, &st)
	if c, cerr := s.store.Counts(context.WithoutCancel(ctx)); cerr == nil {
		st.Pending = c.Pending
	} else if err == nil {
		err = cerr
	}
	switch {
	case err == nil:
		if st.Batches > 0 || st.Pending == 0 {
			s.updateStatus(ctx, func(ss *outbox.SyncStatus) {
				if st.Batches > 0 {
					ss.Stopped = ""
				}
				ss.NextAttempt = time.Time{}
			})
		}
		return st, nil
	case ctx.Err() != nil:
		// Cancelled: not a fault of the link, and nothing to report.
		return st, ctx.Err()
	}
	s.noteError(ctx, err)
	if Permanent(err) {
		return st, fmt.Errorf("%w: %w", ErrStopped, err)
	}
	return st, err
}

// push sends batches until the queue is empty or one fails. The caller
// holds s.mu.
func (s *Syncer) push(ctx context.Context, id *outbox.Identity, st *PushStats) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch, err := s.store.NextBatch(ctx, s.budget, protocol.MaxBatchRecords)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		size := 0
		for _, p := range batch {
			size += len(p.Data)
		}
		body, err := encodeBatch(id.DeviceID, batch, s.Clock.Now())
		if err != nil {
			return err
		}
		if len(body) > protocol.MaxBatchBody && len(batch) > 1 {
			s.shrink(size)
			continue
		}
		now := s.Clock.Now()
		s.updateStatus(ctx, func(ss *outbox.SyncStatus) { ss.LastAttempt = now })
		ans, err := s.send(ctx, signed(id, protocol.PathBatches, body, true))
		if err != nil {
			var se *StatusError
			var ne *NetError
			switch {
			case errors.As(err, &se) && se.TooLarge() && len(batch) > 1:
				// A size refusal is about this request, not the link's
				// health: split and go on without waiting.
				s.shrink(size)
				s.Logger.Info("central refused a batch as too large, splitting", "records", len(batch), "bytes", len(body), "budget", s.budget)
				continue
			case errors.As(err, &ne) && ne.midTransfer():
				s.shrink(size)
				s.Logger.Info("link broke during an upload, smaller batches next", "records", len(batch), "budget", s.budget)
			}
			return err
		}
		if err := s.apply(ctx, batch, ans.body, st); err != nil {
			return err
		}
		s.grow()
		done := s.Clock.Now()
		s.updateStatus(ctx, func(ss *outbox.SyncStatus) { ss.LastSuccess = done })
	}
}

// encodeBatch is the request body: the batch as JSON, gzip-compressed. The
// signature covers these exact bytes.
func encodeBatch(deviceID string, batch []outbox.Pending, now time.Time) ([]byte, error) {
	b := protocol.Batch{DeviceID: deviceID, BatchID: uuid.NewString(), SentAt: now.UTC(), Records: make([][]byte, len(batch))}
	for i, p := range batch {
		b.Records[i] = p.Data
	}
	js, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode batch: %w", err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(js); err != nil {
		return nil, fmt.Errorf("compress batch: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress batch: %w", err)
	}
	return buf.Bytes(), nil
}

// apply stores central's per-record answers in one outbox transaction:
// accepted and duplicate records are synced, conflicts and rejections are
// dead with the reason. Nothing is applied from an answer that does not
// match the batch record for record.
func (s *Syncer) apply(ctx context.Context, batch []outbox.Pending, body []byte, st *PushStats) error {
	var resp protocol.BatchResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return fmt.Errorf("%w: batch answer: %v", ErrBadAnswer, err)
	}
	if len(resp.Results) != len(batch) {
		return fmt.Errorf("%w: %d results for a batch of %d records", ErrBadAnswer, len(resp.Results), len(batch))
	}
	var (
		results []outbox.Result
		n       PushStats
		odd     error
	)
	for i, r := range resp.Results {
		p := batch[i]
		if (r.ID != "" && r.ID != p.ID.String()) || (r.Seq != 0 && r.Seq != p.Seq) {
			return fmt.Errorf("%w: result %d is for record %s (seq %d), not %s (seq %d)", ErrBadAnswer, i, r.ID, r.Seq, p.ID, p.Seq)
		}
		switch r.Status {
		case protocol.Accepted:
			n.Accepted++
			results = append(results, outbox.Result{Seq: p.Seq, State: outbox.StateSynced})
		case protocol.Duplicate:
			n.Duplicate++
			results = append(results, outbox.Result{Seq: p.Seq, State: outbox.StateSynced})
		case protocol.Conflict:
			n.Conflict++
			reason := "conflict"
			if r.Reason != "" {
				reason += ": " + r.Reason
			}
			results = append(results, outbox.Result{Seq: p.Seq, State: outbox.StateDead, Reason: reason})
		case protocol.Rejected:
			n.Rejected++
			reason := r.Reason
			if reason == "" {
				reason = string(protocol.Rejected)
			}
			results = append(results, outbox.Result{Seq: p.Seq, State: outbox.StateDead, Reason: reason})
		default:
			// Leave it pending: a status this version does not know may be
			// one a later version handles.
			odd = fmt.Errorf("%w: record %d has status %q", ErrBadAnswer, p.Seq, r.Status)
		}
	}
	// Central has durably stored what it answered, so the answers are
	// applied even if the caller gave up meanwhile: that saves sending
	// them again.
	if err := s.store.Apply(context.WithoutCancel(ctx), results); err != nil {
		return err
	}
	n.Batches = 1
	st.add(n)
	return odd
}
