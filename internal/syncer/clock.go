package syncer

import (
	"time"

	"github.com/cenkalti/backoff/v4"
)

// Clock tells the time and makes timers. Everything in the engine that
// waits goes through it, so tests can step time forward instead of
// sleeping. It is a backoff.Clock, so the retry policy reads the same time.
type Clock interface {
	backoff.Clock
	NewTimer() backoff.Timer
}

// SystemClock is the real clock.
var SystemClock Clock = systemClock{}

type systemClock struct{}

func (systemClock) Now() time.Time          { return time.Now() }
func (systemClock) NewTimer() backoff.Timer { return &systemTimer{} }

// systemTimer is a backoff.Timer on a time.Timer.
type systemTimer struct {
	t *time.Timer
}

var _ backoff.Timer = (*systemTimer)(nil)

func (t *systemTimer) Start(d time.Duration) {
	if t.t == nil {
		t.t = time.NewTimer(d)
		return
	}
	t.t.Reset(d)
}

func (t *systemTimer) Stop() {
	if t.t != nil {
		t.t.Stop()
	}
}

func (t *systemTimer) C() <-chan time.Time {
	if t.t == nil {
		return nil
	}
	return t.t.C
}
