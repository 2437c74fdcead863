package sqlitestore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// CreateToken stores a provisioning token.
func (s *Store) CreateToken(ctx context.Context, t central.Token) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, mode, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			t.Hash, t.Mode, t.Name, t.CreatedAt.UnixMilli(), t.ExpiresAt.UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

// Enroll consumes a token and creates a device in one transaction.
func (s *Store) Enroll(ctx context.Context, tokenHash []byte, d central.Device, now time.Time) (central.Device, error) {
	var out central.Device
	err := s.update(ctx, func(tx *sql.Tx) error {
		var (
			mode, name string
			expires    int64
			used       sql.NullInt64
			usedBy     sql.NullString
		)
		err := tx.QueryRowContext(ctx, `SELECT mode, name, expires_at, used_at, device_id FROM tokens WHERE hash = ?`, tokenHash).
			Scan(&mode, &name, &expires, &used, &usedBy)
		if errors.Is(err, sql.ErrNoRows) {
			return central.ErrBadCode
		}
		if err != nil {
			return err
		}
		if used.Valid {
			prev, err := device(ctx, tx, usedBy.String)
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
		if _, err := tx.ExecContext(ctx, `INSERT INTO devices (id, public_key, name, mode, app_version, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)`,
			d.ID, []byte(d.PublicKey), d.Name, d.Mode, d.AppVersion, d.EnrolledAt.UnixMilli()); err != nil {
			return err
		}
		// The condition on used_at is what makes a token single-use on a
		// database that runs transactions concurrently; here the write
		// lock already serialises them.
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET used_at = ?, device_id = ? WHERE hash = ? AND used_at IS NULL`,
			now.UnixMilli(), d.ID, tokenHash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
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

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const deviceQuery = `SELECT id, public_key, name, mode, app_version, enrolled_at, revoked_at, last_seen
	FROM devices WHERE id = ?`

func device(ctx context.Context, q queryer, id string) (central.Device, error) {
	return scanDevice(q.QueryRowContext(ctx, deviceQuery, id))
}

func scanDevice(row *sql.Row) (central.Device, error) {
	var (
		d                 central.Device
		key               []byte
		enrolled          int64
		revoked, lastSeen sql.NullInt64
	)
	err := row.Scan(&d.ID, &key, &d.Name, &d.Mode, &d.AppVersion, &enrolled, &revoked, &lastSeen)
	if errors.Is(err, sql.ErrNoRows) {
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
	// Every upload looks its device up: a statement prepared once per read
	// connection saves parsing the query each time.
	d, err := scanDevice(s.deviceByID.QueryRowContext(ctx, id))
	if err != nil {
		return central.Device{}, fmt.Errorf("device %q: %w", id, err)
	}
	return d, nil
}

// Devices lists every device with its progress.
func (s *Store) Devices(ctx context.Context) ([]central.DeviceInfo, error) {
	var out []central.DeviceInfo
	err := s.view(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT d.id, d.public_key, d.name, d.mode, d.app_version, d.enrolled_at, d.revoked_at, d.last_seen,
				(SELECT coalesce(sum(t.records), 0) FROM tallies t WHERE t.device_id = d.id),
				(SELECT coalesce(max(r.seq), 0) FROM records r WHERE r.device_id = d.id),
				h.received_at, h.sent_at, h.pending, h.oldest_pending, h.synced, h.dead, h.last_seq,
				h.free_disk, h.app_version, h.campaign_version, h.mode, h.last_error
			FROM devices d LEFT JOIN health h ON h.device_id = d.id
			ORDER BY d.enrolled_at, d.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				di                                   central.DeviceInfo
				key                                  []byte
				enrolled                             int64
				revoked, lastSeen                    sql.NullInt64
				received, sent, oldest               sql.NullInt64
				pending, synced, dead, lastSeq, free sql.NullInt64
				campaignVersion                      sql.NullInt64
				appVersion, mode, lastError          sql.NullString
			)
			if err := rows.Scan(&di.ID, &key, &di.Name, &di.Mode, &di.AppVersion, &enrolled, &revoked, &lastSeen,
				&di.Records, &di.LastSeq,
				&received, &sent, &pending, &oldest, &synced, &dead, &lastSeq,
				&free, &appVersion, &campaignVersion, &mode, &lastError); err != nil {
				return err
			}
			di.PublicKey = key
			di.EnrolledAt = time.UnixMilli(enrolled).UTC()
			di.RevokedAt = fromMS(revoked)
			di.LastSeen = fromMS(lastSeen)
			if received.Valid {
				di.Health = &central.Health{
					ReceivedAt: fromMS(received),
					Heartbeat: protocol.Heartbeat{
						DeviceID:        di.ID,
						SentAt:          fromMS(sent),
						Pending:         int(pending.Int64),
						OldestPending:   fromMS(oldest),
						Synced:          int(synced.Int64),
						Dead:            int(dead.Int64),
						LastSeq:         uint64(lastSeq.Int64),
						FreeDisk:        uint64(free.Int64),
						AppVersion:      appVersion.String,
						CampaignVersion: int(campaignVersion.Int64),
						Mode:            mode.String,
						LastError:       lastError.String,
					},
				}
			}
			out = append(out, di)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	return out, nil
}

// RevokeDevice marks a device revoked.
func (s *Store) RevokeDevice(ctx context.Context, id string, at time.Time) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, at.UnixMilli(), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return central.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke device %q: %w", id, err)
	}
	return nil
}

// clampInt64 keeps a device-reported count inside SQLite's integer range.
func clampInt64(v uint64) int64 {
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}

// SaveHeartbeat keeps a device's latest health.
func (s *Store) SaveHeartbeat(ctx context.Context, deviceID string, hb protocol.Heartbeat, at time.Time) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		seq := clampInt64(hb.LastSeq)
		_, err := tx.ExecContext(ctx, `
			INSERT INTO health (device_id, received_at, sent_at, pending, oldest_pending, synced, dead, last_seq,
				reported_seq, free_disk, app_version, campaign_version, mode, last_error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (device_id) DO UPDATE SET
				received_at = excluded.received_at, sent_at = excluded.sent_at, pending = excluded.pending,
				oldest_pending = excluded.oldest_pending, synced = excluded.synced, dead = excluded.dead,
				last_seq = excluded.last_seq, reported_seq = max(health.reported_seq, excluded.reported_seq),
				free_disk = excluded.free_disk, app_version = excluded.app_version,
				campaign_version = excluded.campaign_version, mode = excluded.mode, last_error = excluded.last_error`,
			deviceID, at.UnixMilli(), ms(hb.SentAt), hb.Pending, ms(hb.OldestPending), hb.Synced, hb.Dead, seq,
			seq, clampInt64(hb.FreeDisk), hb.AppVersion, hb.CampaignVersion, hb.Mode, hb.LastError)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE devices SET last_seen = max(coalesce(last_seen, 0), ?) WHERE id = ?`, at.UnixMilli(), deviceID)
		return err
	})
	if err != nil {
		return fmt.Errorf("save heartbeat: %w", err)
	}
	return nil
}
