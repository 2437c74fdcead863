package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/voces-cdmx/voces/internal/central"
)

// CancelRecords tombstones records and takes them out of the counters,
// through counter_deltas like ingest, so no shared counter row is locked.
func (s *Store) CancelRecords(ctx context.Context, ids [][16]byte, drop []central.SignerKey, at time.Time) (int, error) {
	done := 0
	err := s.update(ctx, func(tx pgx.Tx) error {
		done = 0
		minus := central.NewIncrements()
		for _, id := range ids {
			var k central.SubjectKey
			var device string
			var received int64
			err := tx.QueryRow(ctx, `UPDATE records r SET data = ''::bytea, body_state = $2 FROM records o
				WHERE r.id = $1 AND o.id = r.id AND o.body_state != $2
				RETURNING o.device_id, o.kind, o.subject_id, o.channel, o.alcaldia, o.received_at`, id[:], central.BodyCancelled).
				Scan(&device, &k.Kind, &k.Subject, &k.Channel, &k.Alcaldia, &received)
			if errors.Is(err, pgx.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, central.WithdrawSubmissionSQL(dollar), id[:], at.UnixMilli()); err != nil {
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
		if err := saveIncrements(ctx, tx, minus); err != nil {
			return err
		}
		for _, k := range drop {
			tag, err := tx.Exec(ctx, `DELETE FROM signers WHERE subject_id = $1 AND signer_index = $2`, k.Subject, []byte(k.Index))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 1 {
				if _, err := tx.Exec(ctx, `INSERT INTO counter_deltas (family, k1, n) VALUES ('signers', $1, -1)`, k.Subject); err != nil {
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
