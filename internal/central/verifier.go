package central

import (
	"sync"
	"sync/atomic"
)

// verifier checks record signatures on a bounded number of goroutines,
// batches in the order they arrive, each batch split across the workers.
//
// Checking every batch in its own request goroutine lets a hundred
// uploads share the cores evenly: all of them finish late and together,
// and the group-commit writer waits its turn behind a hundred runnable
// goroutines while the batches it should be committing pile up. A queue
// served by as many workers as there are cores finishes the oldest batch
// first, uses every core for one device's batch when it is alone, and
// leaves the writer a scheduler that is not crowded.
type verifier struct {
	mu      sync.Mutex
	queue   []func() // chunks waiting for a worker, oldest first
	running int      // workers alive
	workers int

	// committing is set while the group-commit writer works: the
	// workers then leave it a core, so the batches they finish do not pile
	// up behind a writer that waits for the CPU.
	committing atomic.Bool
}

// maxVerifyChunk bounds the records one worker takes at a time, so a large
// batch is shared by every worker.
const maxVerifyChunk = 16

func newVerifier(workers int) *verifier {
	return &verifier{workers: max(1, workers)}
}

// open decodes and verifies records for device d on the workers and waits
// for all of them.
func (v *verifier) open(d *Device, records [][]byte) []opened {
	out := make([]opened, len(records))
	if len(records) == 0 {
		return out
	}
	size := min(maxVerifyChunk, (len(records)+v.workers-1)/v.workers)
	var wg sync.WaitGroup
	chunks := make([]func(), 0, (len(records)+size-1)/size)
	for lo := 0; lo < len(records); lo += size {
		hi := min(lo+size, len(records))
		wg.Add(1)
		chunks = append(chunks, func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				out[i] = openRecord(d, records[i])
			}
		})
	}
	v.submit(chunks)
	wg.Wait()
	return out
}

// submit queues a batch's chunks together, so they are served before any
// later batch's, and starts workers up to the limit. Workers end when the
// queue is empty, so an idle server holds none.
func (v *verifier) submit(chunks []func()) {
	v.mu.Lock()
	v.queue = append(v.queue, chunks...)
	v.spawn()
	v.mu.Unlock()
}

// allowed is how many workers may run now.
func (v *verifier) allowed() int {
	if v.committing.Load() {
		return max(1, v.workers-1)
	}
	return v.workers
}

// spawn starts workers for the queue up to the limit; v.mu is held.
func (v *verifier) spawn() {
	for n := v.allowed(); v.running < n && v.running < len(v.queue); {
		v.running++
		go v.work()
	}
}

// writerBusy tells the verifier whether the writer is committing.
func (v *verifier) writerBusy(busy bool) {
	v.committing.Store(busy)
	if !busy {
		v.mu.Lock()
		v.spawn()
		v.mu.Unlock()
	}
}

func (v *verifier) work() {
	for {
		v.mu.Lock()
		if len(v.queue) == 0 || v.running > v.allowed() {
			v.running--
			v.mu.Unlock()
			return
		}
		fn := v.queue[0]
		v.queue[0] = nil
		v.queue = v.queue[1:]
		v.mu.Unlock()
		fn()
	}
}
