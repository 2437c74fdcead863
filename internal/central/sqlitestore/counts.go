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

func (c *counts) save(ctx context.Context, tx *sql.Tx) error {
	for k, n := range c.subjects {
		if _, err := tx.ExecContext(ctx, `INSERT INTO subject_counts (kind, subject_id, channel, alcaldia, records) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (kind, subject_id, channel, alcaldia) DO UPDATE SET records = records + excluded.records`,
			k.kind, k.subject, k.channel, k.alcaldia, n); err != nil {
			return fmt.Errorf("count subjects: %w", err)
		}
	}
	for q, n := range c.quarters {
		if _, err := tx.ExecContext(ctx, `INSERT INTO quarter_counts (quarter, records) VALUES (?, ?)
			ON CONFLICT (quarter) DO UPDATE SET records = records + excluded.records`, q, n); err != nil {
			return fmt.Errorf("count days: %w", err)
		}
	}
	for m, n := range c.minutes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO minute_counts (minute, records) VALUES (?, ?)
			ON CONFLICT (minute) DO UPDATE SET records = records + excluded.records`, m, n); err != nil {
			return fmt.Errorf("count minutes: %w", err)
		}
	}
	fresh := map[string]int64{}
	for k := range c.signers {
		res, err := tx.ExecContext(ctx, `INSERT INTO signers (subject_id, signer_index) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			k.subject, []byte(k.index))
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
		if _, err := tx.ExecContext(ctx, `INSERT INTO signer_counts (subject_id, signers) VALUES (?, ?)
			ON CONFLICT (subject_id) DO UPDATE SET signers = signers + excluded.signers`, subject, n); err != nil {
			return fmt.Errorf("count signers: %w", err)
		}
	}
	return nil
}
