package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/voces-cdmx/voces/internal/central"
)

func dollar(n int) string { return "$" + strconv.Itoa(n) }

// SubmissionsToOpen returns submission records not filed yet, from the
// partial index of submission kinds.
func (s *Store) SubmissionsToOpen(ctx context.Context, after [16]byte, limit int) ([]central.StoredRecord, error) {
	out, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records r
		WHERE kind IN ('proposal', 'event_proposal') AND id > $1 AND body_state < $2
		AND NOT EXISTS (SELECT 1 FROM submissions q WHERE q.record_id = r.id) ORDER BY id LIMIT $3`,
		after[:], central.BodyQuarantined, limit)
	if err != nil {
		return nil, fmt.Errorf("submissions to open: %w", err)
	}
	return out, nil
}

// FileSubmissions adds opened submissions as pending.
func (s *Store) FileSubmissions(ctx context.Context, subs []central.Submission) (int, error) {
	cols := strings.Count(central.SubmissionColumns, ",") + 1
	marks := make([]string, cols)
	for i := range marks {
		marks[i] = dollar(i + 1)
	}
	q := `INSERT INTO submissions (` + central.SubmissionColumns + `) VALUES (` + strings.Join(marks, ", ") + `) ON CONFLICT DO NOTHING`
	n := 0
	err := s.update(ctx, func(tx pgx.Tx) error {
		n = 0
		for i := range subs {
			sub := subs[i]
			sub.Status = central.SubmissionPending
			tag, err := tx.Exec(ctx, q, central.SubmissionArgs(&sub)...)
			if err != nil {
				return err
			}
			n += int(tag.RowsAffected())
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("file submissions: %w", err)
	}
	return n, nil
}

// Submissions returns one page of the queue and how many match.
func (s *Store) Submissions(ctx context.Context, f central.SubmissionFilter) ([]central.Submission, int64, error) {
	where, args := central.SubmissionWhere(f, dollar)
	var out []central.Submission
	var total int64
	err := s.view(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM submissions WHERE `+where, args...).Scan(&total); err != nil {
			return err
		}
		limit := "ALL"
		if f.Limit > 0 {
			limit = strconv.Itoa(f.Limit)
		}
		return eachRow(ctx, tx, `SELECT `+central.SubmissionColumns+` FROM submissions WHERE `+where+`
			ORDER BY received_at, record_id LIMIT `+limit+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), args, func(rows pgx.Rows) error {
			sub, err := central.ScanSubmission(rows)
			out = append(out, sub)
			return err
		})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("submissions: %w", err)
	}
	return out, total, nil
}

// Submission returns one submission.
func (s *Store) Submission(ctx context.Context, id [16]byte) (central.Submission, error) {
	sub, err := central.ScanSubmission(s.pool.QueryRow(ctx, `SELECT `+central.SubmissionColumns+` FROM submissions WHERE record_id = $1`, id[:]))
	if errors.Is(err, pgx.ErrNoRows) {
		return sub, central.ErrNotFound
	}
	if err != nil {
		return sub, fmt.Errorf("submission: %w", err)
	}
	return sub, nil
}

// SubmissionRecord returns the record a submission was opened from.
func (s *Store) SubmissionRecord(ctx context.Context, id [16]byte) (central.StoredRecord, error) {
	out, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records
		WHERE id = $1 AND kind IN ('proposal', 'event_proposal')`, id[:])
	if err != nil {
		return central.StoredRecord{}, fmt.Errorf("submission record: %w", err)
	}
	if len(out) == 0 {
		return central.StoredRecord{}, central.ErrNotFound
	}
	return out[0], nil
}

// DecideSubmission records a decision and counts the author's support
// through counter_deltas, as ingest counts signers.
func (s *Store) DecideSubmission(ctx context.Context, d central.Decision) error {
	needs := 0
	if d.NeedsTranslation {
		needs = 1
	}
	err := s.update(ctx, func(tx pgx.Tx) error {
		var index []byte
		if d.Support != nil {
			index = []byte(d.Support.Index)
		}
		tag, err := tx.Exec(ctx, `UPDATE submissions SET status = $1, target = $2, reason = $3, note = $4, needs_translation = $5,
			decided_by = $6, decided_at = $7, support_index = $10 WHERE record_id = $8 AND status = $9`,
			d.Status, d.Target, d.Reason, d.Note, needs, d.By, d.At.UnixMilli(), d.RecordID[:], central.SubmissionPending, index)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var one int
			err := tx.QueryRow(ctx, `SELECT 1 FROM submissions WHERE record_id = $1`, d.RecordID[:]).Scan(&one)
			if errors.Is(err, pgx.ErrNoRows) {
				return central.ErrNotFound
			}
			if err != nil {
				return err
			}
			return central.ErrDecided
		}
		if d.Support == nil {
			return nil
		}
		_, err = tx.Exec(ctx, `WITH fresh AS (
				INSERT INTO signers (subject_id, signer_index) VALUES ($1, $2)
				ON CONFLICT DO NOTHING RETURNING subject_id)
			INSERT INTO counter_deltas (family, k1, n) SELECT 'signers', subject_id, 1 FROM fresh`,
			d.Support.Subject, []byte(d.Support.Index))
		return err
	})
	if err != nil {
		return fmt.Errorf("decide submission: %w", err)
	}
	return nil
}

// SubmissionCounts counts submissions per device since a time.
func (s *Store) SubmissionCounts(ctx context.Context, since time.Time) (map[string]int64, error) {
	out := map[string]int64{}
	err := eachRow(ctx, s.pool, `SELECT device_id, count(*) FROM submissions WHERE received_at >= $1 GROUP BY device_id`,
		[]any{since.UnixMilli()}, func(rows pgx.Rows) error {
			var d string
			var n int64
			if err := rows.Scan(&d, &n); err != nil {
				return err
			}
			out[d] = n
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("submission counts: %w", err)
	}
	return out, nil
}

// EventSupports counts the signatures collected at an assembly.
func (s *Store) EventSupports(ctx context.Context, eventID string) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM records WHERE event_id = $1 AND kind = 'signature'`, eventID).Scan(&n); err != nil {
		return 0, fmt.Errorf("event supports: %w", err)
	}
	return n, nil
}
