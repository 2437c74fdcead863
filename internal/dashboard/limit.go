package dashboard

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Limiters live in memory: a restart forgives everyone, which is
// acceptable for limits measured in minutes. Each holds at most
// limiterCapacity keys, forgetting the least recently used first, so a
// flood of addresses or names costs a fixed amount of memory. Forgetting
// an entry only ever forgives: no one is locked out by an eviction.
const limiterCapacity = 10000

// limiter allows a number of attempts per key in a fixed window.
type limiter struct {
	max    int
	window time.Duration

	mu      sync.Mutex
	windows *simplelru.LRU[string, *window]
}

type window struct {
	start time.Time
	count int
}

func newLimiter(max int, per time.Duration) *limiter {
	return &limiter{max: max, window: per, windows: mustLRU[*window](limiterCapacity)}
}

// allow counts an attempt for key at now and reports whether it is within
// the limit, and if not, how long until the window ends.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	n, wait := l.add(key, now)
	if n > l.max {
		return false, wait
	}
	return true, 0
}

// add counts one for key at now and returns the count in the current
// window and how long until it ends.
func (l *limiter) add(key string, now time.Time) (int, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.windows.Get(key)
	if !ok || now.Sub(w.start) >= l.window {
		w = &window{start: now}
		l.windows.Add(key, w)
	}
	w.count++
	return w.count, w.start.Add(l.window).Sub(now)
}

// count is key's count in the current window, without adding to it or
// making an entry.
func (l *limiter) count(key string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.windows.Peek(key)
	if !ok || now.Sub(w.start) >= l.window {
		return 0
	}
	return w.count
}

// len is how many keys the limiter holds.
func (l *limiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.windows.Len()
}

// backoff remembers consecutive failures per key and makes each attempt
// after the first few wait twice as long as the one before, up to a cap.
// An entry is made only when an attempt fails, never for one refused.
type backoff struct {
	base   time.Duration // wait after the first failure past the free ones
	max    time.Duration // longest wait
	forget time.Duration // failures older than this are forgiven

	mu      sync.Mutex
	entries *simplelru.LRU[string, *failures]
}

type failures struct {
	n    int       // consecutive failures
	last time.Time // the latest
}

func newBackoff(base, max, forget time.Duration) *backoff {
	return &backoff{base: base, max: max, forget: forget, entries: mustLRU[*failures](limiterCapacity)}
}

// wait is how long key must still wait at now before its next attempt,
// when its first free failures cost nothing.
func (b *backoff) wait(key string, free int, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	f, ok := b.entries.Peek(key)
	if !ok || now.Sub(f.last) >= b.forget || f.n < free || f.n == 0 {
		return 0
	}
	d := b.max
	if shift := f.n - free; shift < 30 {
		d = min(b.base<<shift, b.max)
	}
	return max(f.last.Add(d).Sub(now), 0)
}

// failed records a failure for key at now.
func (b *backoff) failed(key string, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f, ok := b.entries.Get(key)
	if !ok || now.Sub(f.last) >= b.forget {
		f = &failures{}
		b.entries.Add(key, f)
	}
	f.n++
	f.last = now
}

// forgive forgets key's failures, after a success.
func (b *backoff) forgive(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.entries.Remove(key)
}

// len is how many keys have failures on record.
func (b *backoff) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.entries.Len()
}

func mustLRU[V any](size int) *simplelru.LRU[string, V] {
	l, err := simplelru.NewLRU[string, V](size, nil)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return l
}
