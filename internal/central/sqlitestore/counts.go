package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/voces-cdmx/voces/internal/central"
)

// Counter statements, prepared once on the write connection: a group
// commit runs each several times, and parsing them every time was a
// measurable share of the writer's CPU.
const (
	upsertSubjectCount = `INSERT INTO subject_counts (kind, subject_id, channel, alcaldia, records) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (kind, subject_id, channel, alcaldia) DO UPDATE SET records = records + excluded.records`
	upsertQuarterCount = `INSERT INTO quarter_counts (quarter, records) VALUES (?, ?)
			ON CONFLICT (quarter) DO UPDATE SET records = records + excluded.records`
	upsertMinuteCount = `INSERT INTO minute_counts (minute, records) VALUES (?, ?)
			ON CONFLICT (minute) DO UPDATE SET records = records + excluded.records`
	insertSigner      = `INSERT INTO signers (subject_id, signer_index) VALUES (?, ?) ON CONFLICT DO NOTHING`
	upsertSignerCount = `INSERT INTO signer_counts (subject_id, signers) VALUES (?, ?)
			ON CONFLICT (subject_id) DO UPDATE SET signers = signers + excluded.signers`
)

// saveIncrements writes one transaction's increments with the prepared
// counter statements, a row per key.
func saveIncrements(ctx context.Context, tx *sql.Tx, s *Store, c *central.Increments) error {
	tallies := tx.StmtContext(ctx, s.addTally)
	subjects := tx.StmtContext(ctx, s.upsertSubject)
	quarters := tx.StmtContext(ctx, s.upsertQuarter)
	minutes := tx.StmtContext(ctx, s.upsertMinute)
	signers := tx.StmtContext(ctx, s.insertSigner)
	signerCounts := tx.StmtContext(ctx, s.upsertSignerCount)
	for k, n := range c.Tallies {
		if _, err := tallies.ExecContext(ctx, k.Device, k.Kind, k.Channel, n); err != nil {
			return fmt.Errorf("count records: %w", err)
		}
	}
	for k, n := range c.Subjects {
		if _, err := subjects.ExecContext(ctx, k.Kind, k.Subject, k.Channel, k.Alcaldia, n); err != nil {
			return fmt.Errorf("count subjects: %w", err)
		}
	}
	for q, n := range c.Quarters {
		if _, err := quarters.ExecContext(ctx, q, n); err != nil {
			return fmt.Errorf("count days: %w", err)
		}
	}
	for m, n := range c.Minutes {
		if _, err := minutes.ExecContext(ctx, m, n); err != nil {
			return fmt.Errorf("count minutes: %w", err)
		}
	}
	fresh := map[string]int64{}
	for k := range c.Signers {
		res, err := signers.ExecContext(ctx, k.Subject, []byte(k.Index))
		if err != nil {
			return fmt.Errorf("count signers: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("count signers: %w", err)
		} else if n == 1 {
			fresh[k.Subject]++
		}
	}
	for subject, n := range fresh {
		if _, err := signerCounts.ExecContext(ctx, subject, n); err != nil {
			return fmt.Errorf("count signers: %w", err)
		}
	}
	return nil
}
