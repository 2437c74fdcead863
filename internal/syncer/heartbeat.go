package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// Heartbeat gathers the device's health report from the outbox.
func (s *Syncer) Heartbeat(ctx context.Context) (*protocol.Heartbeat, error) {
	id, err := s.store.Identity(ctx)
	if err != nil {
		return nil, err
	}
	return s.heartbeat(ctx, id)
}

func (s *Syncer) heartbeat(ctx context.Context, id *outbox.Identity) (*protocol.Heartbeat, error) {
	c, err := s.store.Counts(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.store.SyncStatus(ctx)
	if err != nil {
		return nil, err
	}
	version := 0
	switch sc, err := s.store.LatestCampaign(ctx); {
	case err == nil:
		version = sc.Version
	case !errors.Is(err, outbox.ErrNoCampaign):
		return nil, err
	}
	hb := &protocol.Heartbeat{
		DeviceID:        id.DeviceID,
		SentAt:          s.Clock.Now().UTC(),
		Pending:         c.Pending,
		OldestPending:   c.OldestPending.UTC(),
		Synced:          c.Synced,
		Dead:            c.Dead,
		LastSeq:         c.LastSeq,
		FreeDisk:        s.store.FreeDisk(),
		AppVersion:      s.AppVersion,
		CampaignVersion: version,
		Mode:            id.Mode,
		LastError:       currentError(st),
	}
	return hb, nil
}

// currentError is the problem the device has now: a stop, or an error
// no older than the last success. An error a later success cleared is
// history, not health.
func currentError(st outbox.SyncStatus) string {
	if st.Stopped != "" {
		return st.Stopped
	}
	if st.LastError != "" && !st.LastErrorAt.Before(st.LastSuccess) {
		return st.LastError
	}
	return ""
}

// SendHeartbeat reports the device's health to central, signed. An answer
// proves central knows the device, so it also clears a stop; and when
// nothing is pending it counts as being in sync.
func (s *Syncer) SendHeartbeat(ctx context.Context) error {
	id, err := s.store.Identity(ctx)
	if err != nil {
		return err
	}
	err = s.sendHeartbeat(ctx, id)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	}
	s.noteError(ctx, err)
	if Permanent(err) {
		return fmt.Errorf("%w: %w", ErrStopped, err)
	}
	return err
}

func (s *Syncer) sendHeartbeat(ctx context.Context, id *outbox.Identity) error {
	hb, err := s.heartbeat(ctx, id)
	if err != nil {
		return err
	}
	body, err := json.Marshal(hb)
	if err != nil {
		return fmt.Errorf("encode heartbeat: %w", err)
	}
	if _, err := s.send(ctx, signed(id, protocol.PathHeartbeat, body, false)); err != nil {
		return err
	}
	now := s.Clock.Now()
	s.updateStatus(ctx, func(st *outbox.SyncStatus) {
		st.Stopped = ""
		if hb.Pending == 0 {
			st.LastSuccess = now
		}
	})
	return nil
}
