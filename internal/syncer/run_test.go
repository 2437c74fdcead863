package syncer

import (
	"context"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// runUntil runs s.Run on its fake clock until done reports true at one of
// its waits, or a virtual day has passed. It returns the virtual time
// taken.
func runUntil(t *testing.T, s *Syncer, clock *fakeClock, done func(now time.Time) bool) time.Duration {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := clock.Now()
	clock.onWait = func(now time.Time, _ time.Duration) {
		if done(now) || now.Sub(start) > 24*time.Hour {
			cancel()
		}
	}
	if err := s.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	clock.onWait = nil
	return clock.Now().Sub(start)
}

func TestRun(t *testing.T) {
	ctx := context.Background()

	t.Run("uploads, pulls new content and reports health", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 30, 1)
		fc.publish(assets.DefaultCampaign, 2, true)
		took := runUntil(t, d.s, d.clock, func(time.Time) bool {
			sc, _ := d.store.LatestCampaign(ctx)
			return fc.stored() == 30 && len(fc.beats) > 0 && sc.Version == 2
		})
		if took > time.Minute {
			t.Fatalf("took %v of virtual time to sync 30 records, pull a campaign and send a heartbeat", took)
		}
		if c := d.counts(t); c.Synced != 30 {
			t.Fatalf("counts %+v", c)
		}
	})

	t.Run("records written while running are picked up by polling", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		filled := false
		runUntil(t, d.s, d.clock, func(now time.Time) bool {
			if !filled && len(fc.beats) > 0 {
				// The kiosk writes after syncd has settled into polling.
				d.fill(t, 7, 2)
				filled = true
			}
			return fc.stored() == 7
		})
		if fc.stored() != 7 {
			t.Fatalf("central has %d records, want 7", fc.stored())
		}
	})

	t.Run("sync now cuts a long backoff short", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 10, 3)
		fc.addFaults(fault{path: protocol.PathBatches, status: 503, code: protocol.CodeUnavailable, retryAfter: "3600"})
		var token string
		took := runUntil(t, d.s, d.clock, func(time.Time) bool {
			if token == "" && !d.status(t).NextAttempt.IsZero() {
				var err error
				if token, err = handoff.RequestSync(ctx, d.store); err != nil {
					t.Fatal(err)
				}
			}
			handled, _ := handoff.SyncHandled(ctx, d.store, token)
			return token != "" && handled
		})
		if fc.stored() != 10 || took >= time.Hour {
			t.Fatalf("after %v: %d stored; want all 10 well before the hour central asked for", took, fc.stored())
		}
	})

	t.Run("a stopped device waits for a person", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 5, 4)
		id := d.s.mustIdentity(t).DeviceID
		fc.revoked[id] = true
		var token string
		runUntil(t, d.s, d.clock, func(now time.Time) bool {
			if token == "" && d.status(t).Stopped != "" && len(d.clock.Waits()) > 100 {
				if n := fc.count(protocol.PathBatches); n != 1 {
					t.Fatalf("a stopped device sent %d batches on its own", n)
				}
				// The operator reinstates the device; the technician
				// presses "sync now".
				fc.mu.Lock()
				fc.revoked[id] = false
				fc.mu.Unlock()
				token, _ = handoff.RequestSync(ctx, d.store)
			}
			handled, _ := handoff.SyncHandled(ctx, d.store, token)
			return token != "" && handled
		})
		if fc.stored() != 5 || d.status(t).Stopped != "" {
			t.Fatalf("%d stored, status %+v; want 5 and no stop", fc.stored(), d.status(t))
		}
	})

	t.Run("enrolls when the kiosk asks, waiting until then", func(t *testing.T) {
		fc := newFakeCentral(t)
		store := openOutbox(t)
		s := quietSyncer(store)
		clock := newFakeClock()
		s.Clock = clock
		var used, good string
		var usedOut, goodOut *handoff.EnrollOutcome
		runUntil(t, s, clock, func(time.Time) bool {
			switch n := len(clock.Waits()); {
			case n == 5:
				used, _ = handoff.RequestEnroll(ctx, store, fc.code("used"), "tablet 3", record.ModeCanvasser)
			case usedOut == nil && used != "":
				usedOut, _ = handoff.EnrollResult(ctx, store, used)
				if usedOut != nil {
					good, _ = handoff.RequestEnroll(ctx, store, fc.code(""), "tablet 3", record.ModeCanvasser)
				}
			case good != "":
				goodOut, _ = handoff.EnrollResult(ctx, store, good)
			}
			return goodOut != nil
		})
		if usedOut == nil || usedOut.Kind != handoff.KindCodeUsed || usedOut.Message == "" {
			t.Fatalf("outcome for a used code: %+v", usedOut)
		}
		if goodOut == nil || goodOut.Kind != "" || goodOut.DeviceID == "" {
			t.Fatalf("outcome for a good code: %+v", goodOut)
		}
		if id, err := store.Identity(ctx); err != nil || id.DeviceID != goodOut.DeviceID || id.Mode != record.ModeCanvasser {
			t.Fatalf("identity %+v, %v", id, err)
		}
		if req, _ := store.Setting(ctx, handoff.SettingEnrollRequest, ""); req != "" {
			t.Fatalf("the one-time code stays in the outbox: %q", req)
		}
	})

	t.Run("cancelling mid-upload ends cleanly and keeps the records", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 6, 5)
		ctx, cancel := context.WithCancel(ctx)
		fc.addFaults(fault{path: protocol.PathBatches, hang: true})
		fc.onHang = cancel
		if err := d.s.Run(ctx); err != nil {
			t.Fatalf("Run = %v, want nil after cancel", err)
		}
		if c := d.counts(t); c.Pending != 6 {
			t.Fatalf("%d pending, want 6", c.Pending)
		}
		if st, err := d.s.PushOnce(context.Background()); err != nil || st.Accepted != 6 {
			t.Fatalf("push after restart = %+v, %v", st, err)
		}
	})
}
