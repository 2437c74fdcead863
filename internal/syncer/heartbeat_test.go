package syncer

import (
	"context"
	"errors"
	"testing"

	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

func TestHeartbeat(t *testing.T) {
	ctx := context.Background()
	fc := newFakeCentral(t)
	d := newDevice(t, fc)
	d.fill(t, 12, 1)
	d.s.BatchBytes = 1 // one record in the first batch, a few in the second
	fc.verdict = func(r *record.Record) (protocol.Status, string, bool) {
		if r.Seq == 2 {
			return protocol.Rejected, protocol.ReasonUnknownVersion, true
		}
		return "", "", false
	}
	flaky(d, nil, nil, errTimeout) // the third batch times out
	d.s.PushOnce(ctx)

	if err := d.s.SendHeartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	if len(fc.beats) != 1 {
		t.Fatalf("central got %d heartbeats", len(fc.beats))
	}
	hb := fc.beats[0]
	c := d.counts(t)
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"device id", hb.DeviceID, d.s.mustIdentity(t).DeviceID},
		{"pending", hb.Pending, c.Pending},
		{"synced", hb.Synced, c.Synced},
		{"dead", hb.Dead, 1},
		{"last sequence", hb.LastSeq, uint64(12)},
		{"oldest pending", hb.OldestPending.Equal(c.OldestPending), true},
		{"free disk reported", hb.FreeDisk > 0, true},
		{"app version", hb.AppVersion, d.s.AppVersion},
		{"campaign version", hb.CampaignVersion, 1},
		{"mode", hb.Mode, record.ModeKiosk},
		{"current error", hb.LastError != "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("heartbeat %s = %v, want %v", tc.name, tc.got, tc.want)
			}
		})
	}
	t.Run("the device has records in every state", func(t *testing.T) {
		if c.Synced == 0 || c.Dead != 1 || c.Pending == 0 {
			t.Fatalf("counts %+v, want some synced, 1 dead, some pending", c)
		}
	})
	t.Run("a revoked device's heartbeat stops uploads", func(t *testing.T) {
		fc.revoked[hb.DeviceID] = true
		if err := d.s.SendHeartbeat(ctx); !errors.Is(err, ErrStopped) {
			t.Fatalf("err = %v, want ErrStopped", err)
		}
		if st := d.status(t); st.Stopped == "" {
			t.Fatalf("status not stopped: %+v", st)
		}
	})
}

func TestCurrentError(t *testing.T) {
	d := newDevice(t, newFakeCentral(t))
	now := d.clock.Now()
	st := d.status(t)
	st.LastError, st.LastErrorAt, st.LastSuccess = "boom", now, now.Add(1)
	if got := currentError(st); got != "" {
		t.Fatalf("an error before the last success is still reported: %q", got)
	}
	st.LastSuccess = now.Add(-1)
	if got := currentError(st); got != "boom" {
		t.Fatalf("current error = %q, want boom", got)
	}
	st.Stopped = "revoked"
	if got := currentError(st); got != "revoked" {
		t.Fatalf("current error = %q, want the stop", got)
	}
}
