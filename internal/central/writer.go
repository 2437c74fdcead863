package central

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/voces-cdmx/voces/internal/protocol"
)

// writer is the group commit: one goroutine owns the writes, and every
// batch that arrives while a transaction is committing waits to go into the
// next one. A hundred devices uploading at once then cost a few fsyncs, not
// a hundred, and SQLite's single writer never contends with itself.
type writer struct {
	mu     sync.RWMutex // held for reading while sending a job, for writing to close
	closed bool
	jobs   chan *job
	done   chan struct{} // closed when run returns

	store      Store
	now        func() time.Time
	log        *slog.Logger
	maxRecords int
	busy       func(bool) // told when a commit starts and ends
}

type job struct {
	batch  IngestBatch
	result chan jobResult // buffered, so the writer never waits for a handler
}

type jobResult struct {
	statuses []protocol.Status
	err      error
}

func newWriter(store Store, now func() time.Time, log *slog.Logger, maxRecords, queue int, busy func(bool)) *writer {
	return &writer{
		jobs:       make(chan *job, queue),
		done:       make(chan struct{}),
		store:      store,
		now:        now,
		log:        log,
		maxRecords: maxRecords,
		busy:       busy,
	}
}

func (w *writer) start() {
	go func() {
		defer close(w.done)
		w.run()
	}()
}

// stop refuses new jobs, lets run commit those already queued, and waits.
func (w *writer) stop() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.jobs)
	}
	w.mu.Unlock()
	<-w.done
}

// full reports whether the queue has no room for another batch.
func (w *writer) full() bool { return len(w.jobs) == cap(w.jobs) }

// submit queues a batch and waits for its commit. If ctx ends first the
// batch may still be committed; the device's retry then finds duplicates.
// With wait false, a full queue is ErrBusy at once instead of a wait: an
// upload is better told to come back than held, with its batch in memory,
// behind a queue that is not shrinking.
func (w *writer) submit(ctx context.Context, b IngestBatch, wait bool) ([]protocol.Status, error) {
	j := &job{batch: b, result: make(chan jobResult, 1)}
	if err := w.enqueue(ctx, j, wait); err != nil {
		return nil, err
	}
	select {
	case res := <-j.result:
		return res.statuses, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// enqueue hands j to the writer, or says why it could not.
func (w *writer) enqueue(ctx context.Context, j *job, wait bool) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return ErrClosed
	}
	if !wait {
		select {
		case w.jobs <- j:
			return nil
		default:
			return ErrBusy
		}
	}
	select {
	case w.jobs <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (w *writer) run() {
	for first := range w.jobs {
		group := []*job{first}
		n := len(first.batch.Records)
	gather:
		for n < w.maxRecords {
			select {
			case j, ok := <-w.jobs:
				if !ok {
					break gather
				}
				group = append(group, j)
				n += len(j.batch.Records)
			default:
				break gather
			}
		}
		w.busy(true)
		w.commit(group)
		w.busy(false)
	}
}

// commit stores a group in one transaction. If that fails, each batch is
// tried on its own, so one batch the store cannot take does not fail the
// others that happened to share its transaction.
func (w *writer) commit(group []*job) {
	batches := make([]IngestBatch, len(group))
	for i, j := range group {
		batches[i] = j.batch
	}
	// The commit must not depend on any one request: a client that hangs up
	// does not cancel what others are waiting for.
	ctx := context.Background()
	statuses, err := w.store.Ingest(ctx, w.now().UTC(), batches)
	if err == nil {
		for i, j := range group {
			j.result <- jobResult{statuses: statuses[i]}
		}
		return
	}
	if len(group) == 1 {
		group[0].result <- jobResult{err: err}
		return
	}
	w.log.Warn("group commit failed; committing its batches one by one", "batches", len(group), "err", err)
	for _, j := range group {
		st, err := w.store.Ingest(ctx, w.now().UTC(), []IngestBatch{j.batch})
		if err != nil {
			j.result <- jobResult{err: err}
			continue
		}
		j.result <- jobResult{statuses: st[0]}
	}
}
