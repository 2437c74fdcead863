package syncer

import (
	"context"
	"errors"
	"time"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
)

// logEvery is the least time between two identical error logs, so a device
// offline for a day does not fill its disk with the same line.
const logEvery = time.Minute

// Run syncs until ctx ends, then returns nil: it uploads whenever records
// are pending (backing off exponentially with jitter on failures, for as
// long as it takes), pulls campaign content every CampaignInterval, sends
// a heartbeat every HeartbeatInterval, and acts at once on "sync now" and
// enrollment requests from the kiosk. It waits, without failing, for a
// device that is not enrolled yet. Cancelling ctx abandons a request in
// flight; its records stay pending and central answers "duplicate" for
// any it had stored.
func (s *Syncer) Run(ctx context.Context) error {
	r := s.newRunner()
	t := s.Clock.NewTimer()
	defer t.Stop()
	for {
		d := r.step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		t.Start(d)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C():
		}
	}
}

// runner is Run's state between steps.
type runner struct {
	s        *Syncer
	retry    *retryPolicy
	deviceID string    // identity the schedule below is for
	request  string    // last "sync now" token acted on
	upload   time.Time // when to look for pending records next
	campaign time.Time // when to pull campaign content next
	beat     time.Time // when to send a heartbeat next
	logged   map[string]time.Time
}

func (s *Syncer) newRunner() *runner {
	return &runner{
		s:      s,
		retry:  newRetryPolicy(s.Clock, s.InitialBackoff, s.MaxBackoff),
		logged: make(map[string]time.Time),
	}
}

// step does whatever is due and returns how long to wait before the next
// step.
func (r *runner) step(ctx context.Context) time.Duration {
	s := r.s
	now := s.Clock.Now()
	if err := s.handleEnrollRequest(ctx); err != nil {
		r.logError("enrollment request", err)
	}
	id, err := s.store.Identity(ctx)
	if err != nil {
		if !errors.Is(err, outbox.ErrNotEnrolled) {
			r.logError("read identity", err)
		}
		return s.PollInterval
	}
	if id.DeviceID != r.deviceID {
		// First step, or the device was enrolled again meanwhile:
		// everything is due, and old failures say nothing about the new
		// enrollment.
		r.deviceID = id.DeviceID
		r.upload, r.campaign, r.beat = now, now, now
		r.retry.Reset()
	}
	req, err := handoff.SyncRequest(ctx, s.store)
	if err != nil {
		r.logError("read sync request", err)
	}
	nudged := err == nil && req != r.request
	if nudged {
		r.upload, r.campaign, r.beat = now, now, now
	}

	if !now.Before(r.campaign) {
		r.campaign = now.Add(s.CampaignInterval)
		if _, _, err := s.PullCampaign(ctx); err != nil && ctx.Err() == nil {
			r.logError("pull campaign", err)
			// Without content the kiosk cannot collect: try again sooner.
			r.campaign = now.Add(min(s.CampaignInterval, s.HeartbeatInterval))
		}
	}
	if !now.Before(r.upload) {
		r.push(ctx, nudged)
	}
	if !now.Before(r.beat) {
		r.beat = now.Add(s.HeartbeatInterval)
		if err := s.SendHeartbeat(ctx); err != nil && ctx.Err() == nil {
			r.logError("send heartbeat", err)
		}
		// The progress document rides the heartbeat's schedule: a poll
		// with nothing new is a 304 of a few bytes.
		if _, _, err := s.PullProgress(ctx); err != nil && ctx.Err() == nil {
			r.logError("pull progress", err)
		}
	}
	if ctx.Err() != nil {
		return 0
	}
	if nudged {
		r.request = req
		if err := handoff.MarkSyncHandled(ctx, s.store, req); err != nil {
			r.logError("acknowledge sync request", err)
		}
	}
	now = s.Clock.Now()
	wake := now.Add(s.PollInterval)
	for _, t := range []time.Time{r.upload, r.campaign, r.beat} {
		if t.Before(wake) {
			wake = t
		}
	}
	return max(wake.Sub(now), 0)
}

// push uploads if anything is pending. A device central refused for good
// only tries again when a person asks (nudged).
func (r *runner) push(ctx context.Context, nudged bool) {
	s := r.s
	r.upload = s.Clock.Now().Add(s.PollInterval)
	st, err := s.store.SyncStatus(ctx)
	if err != nil {
		r.logError("read sync status", err)
		return
	}
	if st.Stopped != "" && !nudged {
		return
	}
	next, err := s.store.NextBatch(ctx, 1, 1)
	if err != nil {
		r.logError("read outbox", err)
		return
	}
	if len(next) == 0 {
		return
	}
	stats, err := s.PushOnce(ctx)
	switch {
	case err == nil:
		r.retry.Reset()
		s.Logger.Info("uploaded", "batches", stats.Batches, "accepted", stats.Accepted, "duplicate", stats.Duplicate,
			"conflict", stats.Conflict, "rejected", stats.Rejected, "budget", s.Budget())
		r.upload = s.Clock.Now().Add(s.PollInterval)
	case ctx.Err() != nil:
	case errors.Is(err, ErrStopped):
		s.Logger.Error("central refused this device; uploads stopped until a technician acts", "err", err)
	default:
		r.retry.failed(err)
		d := r.retry.NextBackOff()
		r.upload = s.Clock.Now().Add(d)
		next := r.upload
		s.updateStatus(ctx, func(st *outbox.SyncStatus) { st.NextAttempt = next })
		r.logError("upload", err, "retry_in", d.Round(time.Millisecond), "sent", stats.Sent(), "pending", stats.Pending)
	}
}

// logError logs a failure unless the same one was logged in the last
// logEvery.
func (r *runner) logError(what string, err error, args ...any) {
	now := r.s.Clock.Now()
	key := what + ": " + err.Error()
	for k, t := range r.logged {
		if now.Sub(t) >= logEvery {
			delete(r.logged, k)
		}
	}
	if _, seen := r.logged[key]; seen {
		return
	}
	r.logged[key] = now
	r.s.Logger.Warn(what+" failed", append([]any{"err", err}, args...)...)
}
