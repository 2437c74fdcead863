package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

// SubmissionsToOpen returns submission records not filed yet, from the
// partial index of submission kinds.
func (s *Store) SubmissionsToOpen(ctx context.Context, after [16]byte, limit int) ([]central.StoredRecord, error) {
	out, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records r
		WHERE kind IN ('proposal', 'event_proposal') AND id > ? AND body_state < ?
		AND NOT EXISTS (SELECT 1 FROM submissions q WHERE q.record_id = r.id) ORDER BY id LIMIT ?`,
		after[:], central.BodyQuarantined, limit)
	if err != nil {
		return nil, fmt.Errorf("submissions to open: %w", err)
	}
	return out, nil
}

// FileSubmissions adds opened submissions as pending.
func (s *Store) FileSubmissions(ctx context.Context, subs []central.Submission) (int, error) {
	n := 0
	marks := strings.TrimSuffix(strings.Repeat("?, ", strings.Count(central.SubmissionColumns, ",")+1), ", ")
	err := s.update(ctx, func(tx *sql.Tx) error {
		n = 0
		st, err := tx.PrepareContext(ctx, `INSERT INTO submissions (`+central.SubmissionColumns+`) VALUES (`+marks+`) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := range subs {
			sub := subs[i]
			sub.Status = central.SubmissionPending
			res, err := st.ExecContext(ctx, central.SubmissionArgs(&sub)...)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += int(k)
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
	where, args := central.SubmissionWhere(f, func(int) string { return "?" })
	var out []central.Submission
	var total int64
	err := s.view(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM submissions WHERE `+where, args...).Scan(&total); err != nil {
			return err
		}
		limit := f.Limit
		if limit <= 0 {
			limit = -1
		}
		return eachRowArgs(ctx, tx, `SELECT `+central.SubmissionColumns+` FROM submissions WHERE `+where+`
			ORDER BY received_at, record_id LIMIT `+fmt.Sprint(limit)+` OFFSET `+fmt.Sprint(max(f.Offset, 0)), func(rows *sql.Rows) error {
			sub, err := central.ScanSubmission(rows)
			out = append(out, sub)
			return err
		}, args...)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("submissions: %w", err)
	}
	return out, total, nil
}

// Submission returns one submission.
func (s *Store) Submission(ctx context.Context, id [16]byte) (central.Submission, error) {
	sub, err := central.ScanSubmission(s.read.QueryRowContext(ctx, `SELECT `+central.SubmissionColumns+` FROM submissions WHERE record_id = ?`, id[:]))
	if errors.Is(err, sql.ErrNoRows) {
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
		WHERE id = ? AND kind IN ('proposal', 'event_proposal')`, id[:])
	if err != nil {
		return central.StoredRecord{}, fmt.Errorf("submission record: %w", err)
	}
	if len(out) == 0 {
		return central.StoredRecord{}, central.ErrNotFound
	}
	return out[0], nil
}

// DecideSubmission records a decision and counts the author's support.
func (s *Store) DecideSubmission(ctx context.Context, d central.Decision) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		var index []byte
		if d.Support != nil {
			index = []byte(d.Support.Index)
		}
		res, err := tx.ExecContext(ctx, `UPDATE submissions SET status = ?, target = ?, reason = ?, note = ?, needs_translation = ?,
			decided_by = ?, decided_at = ?, support_index = ? WHERE record_id = ? AND status = ?`,
			d.Status, d.Target, d.Reason, d.Note, boolInt(d.NeedsTranslation), d.By, d.At.UnixMilli(), index, d.RecordID[:], central.SubmissionPending)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM submissions WHERE record_id = ?`, d.RecordID[:]).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
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
		res, err = tx.ExecContext(ctx, insertSigner, d.Support.Subject, []byte(d.Support.Index))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, upsertSignerCount, d.Support.Subject, 1)
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
	err := s.view(ctx, func(tx *sql.Tx) error {
		return eachRowArgs(ctx, tx, `SELECT device_id, count(*) FROM submissions WHERE received_at >= ? GROUP BY device_id`, func(rows *sql.Rows) error {
			var d string
			var n int64
			if err := rows.Scan(&d, &n); err != nil {
				return err
			}
			out[d] = n
			return nil
		}, since.UnixMilli())
	})
	if err != nil {
		return nil, fmt.Errorf("submission counts: %w", err)
	}
	return out, nil
}

// EventSupports counts the signatures collected at an assembly.
func (s *Store) EventSupports(ctx context.Context, eventID string) (int64, error) {
	var n int64
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE event_id = ? AND kind = 'signature'`, eventID).Scan(&n); err != nil {
		return 0, fmt.Errorf("event supports: %w", err)
	}
	return n, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// eachRowArgs is eachRow for a query with arguments.
func eachRowArgs(ctx context.Context, tx *sql.Tx, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
