package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/central"
)

// UncheckedRecords returns records whose body was not checked yet, oldest
// first, from the partial index.
func (s *Store) UncheckedRecords(ctx context.Context, limit int) ([]central.StoredRecord, error) {
	out, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records
		WHERE body_state = ? ORDER BY received_at, id LIMIT ?`, central.BodyUnchecked, limit)
	if err != nil {
		return nil, fmt.Errorf("unchecked records: %w", err)
	}
	return out, nil
}

// FileBodyChecks files the outcome of body checks in one transaction.
func (s *Store) FileBodyChecks(ctx context.Context, checks []central.BodyCheck, at time.Time) (int, error) {
	bad := 0
	err := s.update(ctx, func(tx *sql.Tx) error {
		bad = 0
		for _, c := range checks {
			state := central.BodyOpens
			if c.Problem != "" {
				state = central.BodyQuarantined
			}
			res, err := tx.ExecContext(ctx, `UPDATE records SET body_state = ? WHERE id = ? AND body_state = ?`, state, c.RecordID[:], central.BodyUnchecked)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n == 0 || c.Problem == "" {
				continue // checked before (by another run), or it opens
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO quarantine (record_id, device_id, reason, found_at)
				SELECT id, device_id, ?, ? FROM records WHERE id = ? ON CONFLICT DO NOTHING`, c.Problem, at.UnixMilli(), c.RecordID[:]); err != nil {
				return err
			}
			bad++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("file body checks: %w", err)
	}
	return bad, nil
}

// QuarantinedRecords lists quarantined records by device and sequence.
func (s *Store) QuarantinedRecords(ctx context.Context) ([]central.QuarantinedRecord, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT r.id, r.device_id, r.seq, r.kind, r.received_at, q.reason, q.found_at, coalesce(q.purged_at, 0)
		FROM quarantine q JOIN records r ON r.id = q.record_id ORDER BY r.device_id, r.seq, r.id`)
	if err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	defer rows.Close()
	out := []central.QuarantinedRecord{}
	for rows.Next() {
		var (
			q                       central.QuarantinedRecord
			id                      []byte
			seq, recvd, found, gone int64
		)
		if err := rows.Scan(&id, &q.DeviceID, &seq, &q.Kind, &recvd, &q.Reason, &found, &gone); err != nil {
			return nil, fmt.Errorf("list quarantine: %w", err)
		}
		if q.ID, err = uuid.FromBytes(id); err != nil {
			return nil, fmt.Errorf("list quarantine: %w", err)
		}
		q.Seq, q.ReceivedAt, q.FoundAt = uint64(seq), time.UnixMilli(recvd).UTC(), time.UnixMilli(found).UTC()
		if gone != 0 {
			q.PurgedAt = time.UnixMilli(gone).UTC()
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	return out, nil
}

// QuarantineCounts counts quarantined records per device.
func (s *Store) QuarantineCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT device_id, count(*) FROM quarantine GROUP BY device_id`)
	if err != nil {
		return nil, fmt.Errorf("count quarantine: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count quarantine: %w", err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count quarantine: %w", err)
	}
	return out, nil
}

// PurgeQuarantined destroys the sealed bytes of quarantined records; the
// row, its envelope columns and its hash stay.
func (s *Store) PurgeQuarantined(ctx context.Context, ids [][16]byte, at time.Time) (int, error) {
	done := 0
	err := s.update(ctx, func(tx *sql.Tx) error {
		done = 0
		if ids == nil {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM records WHERE id IN (SELECT record_id FROM quarantine WHERE purged_at IS NULL)`)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id []byte
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, [16]byte(id))
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE records SET data = x'', body_state = ? WHERE id = ? AND body_state = ?`,
				central.BodyPurged, id[:], central.BodyQuarantined)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE quarantine SET purged_at = ? WHERE record_id = ?`, at.UnixMilli(), id[:]); err != nil {
				return err
			}
			done++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge quarantine: %w", err)
	}
	return done, nil
}
