package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

// Bucket widths of the time counters, in milliseconds.
const (
	quarterMS = 15 * 60 * 1000
	minuteMS  = 60 * 1000
)

type subjectKey struct{ kind, subject, channel, alcaldia string }

type signerKey struct {
	subject string
	index   string
}

// counts gathers one ingest transaction's accepted records so each
// counter row is written once per transaction.
type counts struct {
	subjects map[subjectKey]int64
	quarters map[int64]int64
	minutes  map[int64]int64
	signers  map[signerKey]bool
}

func newCounts() *counts {
	return &counts{
		subjects: map[subjectKey]int64{},
		quarters: map[int64]int64{},
		minutes:  map[int64]int64{},
		signers:  map[signerKey]bool{},
	}
}

func (c *counts) add(in *central.Incoming, at time.Time) {
	r := in.Record
	c.subjects[subjectKey{string(r.Kind), r.SubjectID, in.Channel, r.Alcaldia}]++
	c.quarters[at.UnixMilli()/quarterMS]++
	c.minutes[at.UnixMilli()/minuteMS]++
	if r.Kind == record.KindSignature && len(r.SignerIndex) > 0 {
		c.signers[signerKey{r.SubjectID, string(r.SignerIndex)}] = true
	}
}

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

func (c *counts) save(ctx context.Context, tx *sql.Tx, s *Store) error {
	subjects := tx.StmtContext(ctx, s.upsertSubject)
	quarters := tx.StmtContext(ctx, s.upsertQuarter)
	minutes := tx.StmtContext(ctx, s.upsertMinute)
	signers := tx.StmtContext(ctx, s.insertSigner)
	signerCounts := tx.StmtContext(ctx, s.upsertSignerCount)
	for k, n := range c.subjects {
		if _, err := subjects.ExecContext(ctx, k.kind, k.subject, k.channel, k.alcaldia, n); err != nil {
			return fmt.Errorf("count subjects: %w", err)
		}
	}
	for q, n := range c.quarters {
		if _, err := quarters.ExecContext(ctx, q, n); err != nil {
			return fmt.Errorf("count days: %w", err)
		}
	}
	for m, n := range c.minutes {
		if _, err := minutes.ExecContext(ctx, m, n); err != nil {
			return fmt.Errorf("count minutes: %w", err)
		}
	}
	fresh := map[string]int64{}
	for k := range c.signers {
		res, err := signers.ExecContext(ctx, k.subject, []byte(k.index))
		if err != nil {
			return fmt.Errorf("count signers: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("count signers: %w", err)
		} else if n == 1 {
			fresh[k.subject]++
		}
	}
	for subject, n := range fresh {
		if _, err := signerCounts.ExecContext(ctx, subject, n); err != nil {
			return fmt.Errorf("count signers: %w", err)
		}
	}
	return nil
}
