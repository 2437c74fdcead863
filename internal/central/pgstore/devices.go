package pgstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// CreateToken stores a provisioning token.
func (s *Store) CreateToken(ctx context.Context, t central.Token) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO tokens (hash, mode, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		t.Hash, t.Mode, t.Name, t.CreatedAt.UnixMilli(), t.ExpiresAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

// Enroll consumes a token and creates a device in one transaction. The
// token row is locked (FOR UPDATE) before it is judged, so of several
// nodes racing for one token, one enrolls and the others then see it used.
func (s *Store) Enroll(ctx context.Context, tokenHash []byte, d central.Device, now time.Time) (central.Device, error) {
	var out central.Device
	err := s.update(ctx, func(tx pgx.Tx) error {
		var (
			mode, name string
			expires    int64
			used       *int64
			usedBy     *string
		)
		err := tx.QueryRow(ctx, `SELECT mode, name, expires_at, used_at, device_id FROM tokens WHERE hash = $1 FOR UPDATE`, tokenHash).
			Scan(&mode, &name, &expires, &used, &usedBy)
		if errors.Is(err, pgx.ErrNoRows) {
			return central.ErrBadCode
		}
		if err != nil {
			return err
		}
		if used != nil {
			if usedBy == nil {
				return central.ErrCodeUsed
			}
			prev, err := device(ctx, tx, *usedBy)
			if err == nil && bytes.Equal(prev.PublicKey, d.PublicKey) && prev.State() == central.DeviceActive {
				out = prev
				return nil
			}
			return central.ErrCodeUsed
		}
		if now.UnixMilli() >= expires {
			return central.ErrCodeExpired
		}
		if mode != "" {
			d.Mode = mode
		}
		if name != "" {
			d.Name = name
		}
		if _, err := tx.Exec(ctx, `INSERT INTO devices (id, public_key, name, mode, app_version, enrolled_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			d.ID, []byte(d.PublicKey), d.Name, d.Mode, d.AppVersion, d.EnrolledAt.UnixMilli()); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE tokens SET used_at = $1, device_id = $2 WHERE hash = $3 AND used_at IS NULL`,
			now.UnixMilli(), d.ID, tokenHash)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return central.ErrCodeUsed
		}
		out = d
		return nil
	})
	if err != nil {
		return central.Device{}, fmt.Errorf("enroll: %w", err)
	}
	return out, nil
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func device(ctx context.Context, q queryRower, id string) (central.Device, error) {
	var (
		d                 central.Device
		key               []byte
		enrolled          int64
		revoked, lastSeen *int64
	)
	err := q.QueryRow(ctx, `SELECT id, public_key, name, mode, app_version, enrolled_at, revoked_at, last_seen
		FROM devices WHERE id = $1`, id).
		Scan(&d.ID, &key, &d.Name, &d.Mode, &d.AppVersion, &enrolled, &revoked, &lastSeen)
	if errors.Is(err, pgx.ErrNoRows) {
		return central.Device{}, central.ErrNotFound
	}
	if err != nil {
		return central.Device{}, err
	}
	d.PublicKey = key
	d.EnrolledAt = time.UnixMilli(enrolled).UTC()
	d.RevokedAt = fromMS(revoked)
	d.LastSeen = fromMS(lastSeen)
	return d, nil
}

// Device returns one device.
func (s *Store) Device(ctx context.Context, id string) (central.Device, error) {
	d, err := device(ctx, s.pool, id)
	if err != nil {
		return central.Device{}, fmt.Errorf("device %q: %w", id, err)
	}
	return d, nil
}

// Devices lists every device with its progress.
func (s *Store) Devices(ctx context.Context) ([]central.DeviceInfo, error) {
	var out []central.DeviceInfo
	err := s.view(ctx, func(tx pgx.Tx) error {
		return eachRow(ctx, tx, `
			SELECT d.id, d.public_key, d.name, d.mode, d.app_version, d.enrolled_at, d.revoked_at, d.last_seen,
				(SELECT coalesce(sum(t.records), 0)::bigint FROM tallies t WHERE t.device_id = d.id),
				(SELECT coalesce(max(r.seq), 0) FROM records r WHERE r.device_id = d.id),
				h.received_at, h.sent_at, h.pending, h.oldest_pending, h.synced, h.dead, h.last_seq,
				h.free_disk, h.app_version, h.campaign_version, h.mode, h.last_error
			FROM devices d LEFT JOIN health h ON h.device_id = d.id
			ORDER BY d.enrolled_at, d.id`, nil, func(rows pgx.Rows) error {
			var (
				di                                 central.DeviceInfo
				key                                []byte
				enrolled, lastSeq                  int64
				revoked, lastSeen                  *int64
				received, sent, oldest             *int64
				pending, synced, dead, hbSeq, free *int64
				campaignVersion                    *int64
				appVersion, mode, lastError        *string
			)
			if err := rows.Scan(&di.ID, &key, &di.Name, &di.Mode, &di.AppVersion, &enrolled, &revoked, &lastSeen,
				&di.Records, &lastSeq,
				&received, &sent, &pending, &oldest, &synced, &dead, &hbSeq,
				&free, &appVersion, &campaignVersion, &mode, &lastError); err != nil {
				return err
			}
			di.PublicKey = key
			di.LastSeq = uint64(lastSeq)
			di.EnrolledAt = time.UnixMilli(enrolled).UTC()
			di.RevokedAt = fromMS(revoked)
			di.LastSeen = fromMS(lastSeen)
			if received != nil {
				di.Health = &central.Health{
					ReceivedAt: fromMS(received),
					Heartbeat: protocol.Heartbeat{
						DeviceID:        di.ID,
						SentAt:          fromMS(sent),
						Pending:         int(*pending),
						OldestPending:   fromMS(oldest),
						Synced:          int(*synced),
						Dead:            int(*dead),
						LastSeq:         uint64(*hbSeq),
						FreeDisk:        uint64(*free),
						AppVersion:      *appVersion,
						CampaignVersion: int(*campaignVersion),
						Mode:            *mode,
						LastError:       *lastError,
					},
				}
			}
			out = append(out, di)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	return out, nil
}

// RevokeDevice marks a device revoked.
func (s *Store) RevokeDevice(ctx context.Context, id string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE devices SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2`, at.UnixMilli(), id)
	if err == nil && tag.RowsAffected() == 0 {
		err = central.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("revoke device %q: %w", id, err)
	}
	return nil
}

// clampInt64 keeps a device-reported count inside PostgreSQL's bigint.
func clampInt64(v uint64) int64 {
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}

// SaveHeartbeat keeps a device's latest health.
func (s *Store) SaveHeartbeat(ctx context.Context, deviceID string, hb protocol.Heartbeat, at time.Time) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		seq := clampInt64(hb.LastSeq)
		_, err := tx.Exec(ctx, `
			INSERT INTO health (device_id, received_at, sent_at, pending, oldest_pending, synced, dead, last_seq,
				reported_seq, free_disk, app_version, campaign_version, mode, last_error)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (device_id) DO UPDATE SET
				received_at = excluded.received_at, sent_at = excluded.sent_at, pending = excluded.pending,
				oldest_pending = excluded.oldest_pending, synced = excluded.synced, dead = excluded.dead,
				last_seq = excluded.last_seq, reported_seq = greatest(health.reported_seq, excluded.reported_seq),
				free_disk = excluded.free_disk, app_version = excluded.app_version,
				campaign_version = excluded.campaign_version, mode = excluded.mode, last_error = excluded.last_error`,
			deviceID, at.UnixMilli(), ms(hb.SentAt), int64(hb.Pending), ms(hb.OldestPending), int64(hb.Synced), int64(hb.Dead), seq,
			clampInt64(hb.FreeDisk), hb.AppVersion, int64(hb.CampaignVersion), hb.Mode, hb.LastError)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE devices SET last_seen = greatest(coalesce(last_seen, 0), $1) WHERE id = $2`, at.UnixMilli(), deviceID)
		return err
	})
	if err != nil {
		return fmt.Errorf("save heartbeat: %w", err)
	}
	return nil
}
