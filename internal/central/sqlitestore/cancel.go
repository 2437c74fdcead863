package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

// CancelRecords tombstones records and takes them out of the counters.
func (s *Store) CancelRecords(ctx context.Context, ids [][16]byte, drop []central.SignerKey, at time.Time) (int, error) {
	done := 0
	err := s.update(ctx, func(tx *sql.Tx) error {
		done = 0
		minus := central.NewIncrements()
		for _, id := range ids {
			var k central.SubjectKey
			var device string
			var received int64
			err := tx.QueryRowContext(ctx, `SELECT device_id, kind, subject_id, channel, alcaldia, received_at FROM records WHERE id = ? AND body_state != ?`,
				id[:], central.BodyCancelled).Scan(&device, &k.Kind, &k.Subject, &k.Channel, &k.Alcaldia, &received)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE records SET data = x'', body_state = ? WHERE id = ?`, central.BodyCancelled, id[:]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, central.WithdrawSubmissionSQL(func(n int) string { return "?" + strconv.Itoa(n) }), id[:], at.UnixMilli()); err != nil {
				return err
			}
			if err := dropSupportCheck(ctx, tx, id); err != nil {
				return err
			}
			minus.Tallies[central.TallyKey{Device: device, Kind: k.Kind, Channel: k.Channel}]--
			minus.Subjects[k]--
			minus.Quarters[received/central.QuarterMS]--
			minus.Minutes[received/central.MinuteMS]--
			done++
		}
		if err := saveIncrements(ctx, tx, s, minus); err != nil {
			return err
		}
		for _, k := range drop {
			res, err := tx.ExecContext(ctx, `DELETE FROM signers WHERE subject_id = ? AND signer_index = ?`, k.Subject, []byte(k.Index))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				if _, err := tx.ExecContext(ctx, `UPDATE signer_counts SET signers = signers - 1 WHERE subject_id = ?`, k.Subject); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("cancel records: %w", err)
	}
	return done, nil
}
