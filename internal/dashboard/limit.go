package dashboard

import (
	"sync"
	"time"
)

// limiter allows a number of attempts per key in a fixed window. It lives
// in memory: a restart forgives everyone, which is acceptable for a
// limit measured in minutes.
type limiter struct {
	max    int
	window time.Duration

	mu      sync.Mutex
	windows map[string]*window
}

type window struct {
	start time.Time
	count int
}

func newLimiter(max int, per time.Duration) *limiter {
	return &limiter{max: max, window: per, windows: make(map[string]*window)}
}

// allow counts an attempt for key at now and reports whether it is within
// the limit, and if not, how long until the window ends.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.windows) > 10000 {
		l.prune(now)
	}
	w := l.windows[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &window{start: now}
		l.windows[key] = w
	}
	w.count++
	if w.count > l.max {
		return false, w.start.Add(l.window).Sub(now)
	}
	return true, 0
}

// prune drops finished windows so a flood of addresses cannot grow the
// map without bound.
func (l *limiter) prune(now time.Time) {
	for k, w := range l.windows {
		if now.Sub(w.start) >= l.window {
			delete(l.windows, k)
		}
	}
}
