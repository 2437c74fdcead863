package handoff

import (
	"context"
	"errors"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
)

// Status is a device's sync state as `syncd status` prints it and the
// technician's health screen shows it. Times never set are nil (null in
// JSON), so scripts can tell "never" from a date.
type Status struct {
	Enrolled        bool       `json:"enrolled"`
	DeviceID        string     `json:"device_id"`
	Name            string     `json:"name"`
	Mode            string     `json:"mode"`
	Server          string     `json:"server"`
	Pending         int        `json:"pending"`
	Synced          int        `json:"synced"`
	Dead            int        `json:"dead"`
	OldestPending   *time.Time `json:"oldest_pending"`
	LastSeq         uint64     `json:"last_seq"`
	CampaignVersion int        `json:"campaign_version"`
	LastAttempt     *time.Time `json:"last_attempt"`
	LastSuccess     *time.Time `json:"last_success"`
	LastError       string     `json:"last_error"`
	LastErrorAt     *time.Time `json:"last_error_at"`
	NextAttempt     *time.Time `json:"next_attempt"`
	Stopped         string     `json:"stopped"` // why central refused the device; "" while it may upload
	FreeDisk        uint64     `json:"free_disk"`
}

// ReadStatus reads a device's sync state from its outbox. It needs no
// network and no running syncd, so the kiosk and `syncd status` both use
// it.
func ReadStatus(ctx context.Context, s Outbox) (*Status, error) {
	st := &Status{FreeDisk: s.FreeDisk()}
	switch id, err := s.Identity(ctx); {
	case err == nil:
		st.Enrolled = true
		st.DeviceID, st.Name, st.Mode, st.Server = id.DeviceID, id.Name, id.Mode, id.ServerURL
	case !errors.Is(err, outbox.ErrNotEnrolled):
		return nil, err
	}
	c, err := s.Counts(ctx)
	if err != nil {
		return nil, err
	}
	st.Pending, st.Synced, st.Dead, st.LastSeq = c.Pending, c.Synced, c.Dead, c.LastSeq
	st.OldestPending = timePtr(c.OldestPending)
	switch sc, err := s.LatestCampaign(ctx); {
	case err == nil:
		st.CampaignVersion = sc.Version
	case !errors.Is(err, outbox.ErrNoCampaign):
		return nil, err
	}
	ss, err := s.SyncStatus(ctx)
	if err != nil {
		return nil, err
	}
	st.LastAttempt = timePtr(ss.LastAttempt)
	st.LastSuccess = timePtr(ss.LastSuccess)
	st.LastError = ss.LastError
	st.LastErrorAt = timePtr(ss.LastErrorAt)
	st.NextAttempt = timePtr(ss.NextAttempt)
	st.Stopped = ss.Stopped
	return st, nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
