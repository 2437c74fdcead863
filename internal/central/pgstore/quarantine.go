package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/voces-cdmx/voces/internal/central"
)

// UncheckedRecords returns records whose body was not checked yet, oldest
// first, from the partial index.
func (s *Store) UncheckedRecords(ctx context.Context, limit int) ([]central.StoredRecord, error) {
	out, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records
		WHERE body_state = 0 ORDER BY received_at, id LIMIT $1`, int64(limit))
	if err != nil {
		return nil, fmt.Errorf("unchecked records: %w", err)
	}
	return out, nil
}

// FileBodyChecks files the outcome of body checks in one transaction. The
// UPDATE locks each row, so when two nodes check the same record the
// second finds it checked and files nothing.
func (s *Store) FileBodyChecks(ctx context.Context, checks []central.BodyCheck, at time.Time) (int, error) {
	bad := 0
	err := s.update(ctx, func(tx pgx.Tx) error {
		bad = 0
		var opens [][]byte
		for _, c := range checks {
			if c.Problem == "" {
				opens = append(opens, c.RecordID[:])
				continue
			}
			tag, err := tx.Exec(ctx, `WITH marked AS (
					UPDATE records SET body_state = $1 WHERE id = $2 AND body_state = 0 RETURNING id, device_id)
				INSERT INTO quarantine (record_id, device_id, reason, found_at)
				SELECT id, device_id, $3, $4 FROM marked ON CONFLICT DO NOTHING`,
				central.BodyQuarantined, c.RecordID[:], c.Problem, at.UnixMilli())
			if err != nil {
				return err
			}
			bad += int(tag.RowsAffected())
		}
		if len(opens) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE records SET body_state = $1 WHERE id = ANY($2) AND body_state = 0`, central.BodyOpens, opens); err != nil {
				return err
			}
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
	out := []central.QuarantinedRecord{}
	err := eachRow(ctx, s.pool, `SELECT r.id, r.device_id, r.seq, r.kind, r.received_at, q.reason, q.found_at, coalesce(q.purged_at, 0)
		FROM quarantine q JOIN records r ON r.id = q.record_id ORDER BY r.device_id, r.seq, r.id`, nil, func(rows pgx.Rows) error {
		var (
			q                       central.QuarantinedRecord
			id                      []byte
			seq, recvd, found, gone int64
		)
		if err := rows.Scan(&id, &q.DeviceID, &seq, &q.Kind, &recvd, &q.Reason, &found, &gone); err != nil {
			return err
		}
		var err error
		if q.ID, err = uuid.FromBytes(id); err != nil {
			return err
		}
		q.Seq, q.ReceivedAt, q.FoundAt = uint64(seq), time.UnixMilli(recvd).UTC(), time.UnixMilli(found).UTC()
		if gone != 0 {
			q.PurgedAt = time.UnixMilli(gone).UTC()
		}
		out = append(out, q)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	return out, nil
}

// QuarantineCounts counts quarantined records per device.
func (s *Store) QuarantineCounts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	err := eachRow(ctx, s.pool, `SELECT device_id, count(*) FROM quarantine GROUP BY device_id`, nil, func(rows pgx.Rows) error {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		out[id] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count quarantine: %w", err)
	}
	return out, nil
}

// PurgeQuarantined destroys the sealed bytes of quarantined records; the
// row, its envelope columns and its hash stay.
func (s *Store) PurgeQuarantined(ctx context.Context, ids [][16]byte, at time.Time) (int, error) {
	done := 0
	err := s.update(ctx, func(tx pgx.Tx) error {
		all := ids == nil
		list := make([][]byte, len(ids))
		for i := range ids {
			list[i] = ids[i][:]
		}
		tag, err := tx.Exec(ctx, `WITH gone AS (
				UPDATE records SET data = ''::bytea, body_state = $1
				WHERE body_state = $2 AND ($3 OR id = ANY($4)) RETURNING id)
			UPDATE quarantine SET purged_at = $5 WHERE record_id IN (SELECT id FROM gone)`,
			central.BodyPurged, central.BodyQuarantined, all, list, at.UnixMilli())
		if err != nil {
			return err
		}
		done = int(tag.RowsAffected())
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge quarantine: %w", err)
	}
	return done, nil
}
