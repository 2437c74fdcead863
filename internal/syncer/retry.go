package syncer

import (
	"context"
	"errors"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/voces-cdmx/voces/internal/outbox"
)

// retryPolicy is the wait between failed attempts: exponential with
// jitter, never giving up, and never shorter than what central last asked
// for with Retry-After. It is a backoff.BackOff.
type retryPolicy struct {
	bo    *backoff.ExponentialBackOff
	after time.Duration // Retry-After of the last failure, used once
}

var _ backoff.BackOff = (*retryPolicy)(nil)

func newRetryPolicy(clock backoff.Clock, initial, maxInterval time.Duration) *retryPolicy {
	return &retryPolicy{bo: backoff.NewExponentialBackOff(
		backoff.WithClockProvider(clock),
		backoff.WithInitialInterval(initial),
		backoff.WithMaxInterval(maxInterval),
		backoff.WithMultiplier(DefaultBackoffMultiplier),
		backoff.WithRandomizationFactor(DefaultJitter),
		// A device keeps trying for as long as it has records: giving up
		// would strand them.
		backoff.WithMaxElapsedTime(0),
	)}
}

// failed takes note of a failure before NextBackOff is asked for the wait.
func (p *retryPolicy) failed(err error) { p.after = retryAfterOf(err) }

// NextBackOff is the wait before the next attempt.
func (p *retryPolicy) NextBackOff() time.Duration {
	d := max(p.bo.NextBackOff(), p.after)
	p.after = 0
	return d
}

// Reset starts over from the initial interval after a success.
func (p *retryPolicy) Reset() {
	p.bo.Reset()
	p.after = 0
}

// Drain pushes until nothing is pending, waiting between failed attempts
// with exponential backoff and jitter (honouring Retry-After) for as long
// as it takes. It returns nil once the queue is empty, an error matching
// ErrStopped when central refuses the device for good, or ctx's error.
// It is what `syncd push --retry-for` and the fault tests use; Run has its
// own loop so it can do other work while it waits.
func (s *Syncer) Drain(ctx context.Context) (PushStats, error) {
	p := newRetryPolicy(s.Clock, s.InitialBackoff, s.MaxBackoff)
	var total PushStats
	op := func() error {
		st, err := s.PushOnce(ctx)
		total.add(st)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, ErrStopped), errors.Is(err, outbox.ErrNotEnrolled), ctx.Err() != nil:
			return backoff.Permanent(err)
		}
		p.failed(err)
		return err
	}
	notify := func(err error, d time.Duration) {
		next := s.Clock.Now().Add(d)
		s.updateStatus(ctx, func(st *outbox.SyncStatus) { st.NextAttempt = next })
		s.Logger.Info("upload failed, will retry", "err", err, "wait", d.Round(time.Millisecond))
	}
	err := backoff.RetryNotifyWithTimer(op, backoff.WithContext(p, ctx), notify, s.Clock.NewTimer())
	return total, err
}
