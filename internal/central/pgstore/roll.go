package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/roll"
)

// supportChecksLock is the advisory lock that serialises filing support
// checks, so two nodes never both take a signer's first support as theirs.
const supportChecksLock = 0x766f636573 + 7

// ReplaceRoll COPYs entries into roll_next, builds its key once loaded,
// and renames it over roll with the import's row, all in one transaction:
// readers see the old roll until it commits.
func (s *Store) ReplaceRoll(ctx context.Context, imp central.RollImport, alcaldias []string, entries []roll.Entry, progress func(int64)) (central.RollImport, error) {
	err := s.update(ctx, func(tx pgx.Tx) error {
		for _, q := range []string{`DROP TABLE IF EXISTS roll_next`,
			`CREATE TABLE roll_next (h BIGINT NOT NULL, entity SMALLINT NOT NULL, section SMALLINT NOT NULL, alcaldia SMALLINT NOT NULL)`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		src := &rollSource{entries: entries, progress: progress}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"roll_next"}, []string{"h", "entity", "section", "alcaldia"}, src); err != nil {
			return err
		}
		for _, q := range []string{`ALTER TABLE roll_next ADD PRIMARY KEY (h)`, `DROP TABLE roll`,
			`ALTER TABLE roll_next RENAME TO roll`, `ALTER INDEX roll_next_pkey RENAME TO roll_pkey`, `DELETE FROM roll_alcaldias`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		for i, a := range alcaldias {
			if _, err := tx.Exec(ctx, `INSERT INTO roll_alcaldias (id, name) VALUES ($1, $2)`, i, a); err != nil {
				return err
			}
		}
		return tx.QueryRow(ctx, `INSERT INTO roll_imports (imported_at, by_user, file, sha256, rows, bad_rows) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			imp.ImportedAt.UnixMilli(), imp.By, imp.File, imp.SHA256, imp.Rows, imp.BadRows).Scan(&imp.ID)
	})
	if err != nil {
		return imp, fmt.Errorf("replace roll: %w", err)
	}
	return imp, nil
}

// rollSource feeds COPY from the sorted entries.
type rollSource struct {
	entries  []roll.Entry
	i        int
	progress func(int64)
}

func (r *rollSource) Next() bool {
	r.i++
	if r.progress != nil && r.i%262144 == 0 {
		r.progress(int64(r.i))
	}
	return r.i <= len(r.entries)
}

func (r *rollSource) Values() ([]any, error) {
	e := r.entries[r.i-1]
	return []any{e.Hash, int16(e.Entity), int16(e.Section), int16(e.Alcaldia)}, nil
}

func (r *rollSource) Err() error {
	if r.progress != nil {
		r.progress(int64(min(r.i, len(r.entries))))
	}
	return nil
}

// RollImports lists imports, oldest first.
func (s *Store) RollImports(ctx context.Context) ([]central.RollImport, error) {
	var out []central.RollImport
	err := eachRow(ctx, s.pool, `SELECT id, imported_at, by_user, file, sha256, rows, bad_rows, decided_changed FROM roll_imports ORDER BY id`, nil, func(rows pgx.Rows) error {
		var i central.RollImport
		var at int64
		if err := rows.Scan(&i.ID, &at, &i.By, &i.File, &i.SHA256, &i.Rows, &i.BadRows, &i.DecidedChanged); err != nil {
			return err
		}
		i.ImportedAt = time.UnixMilli(at).UTC()
		out = append(out, i)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("roll imports: %w", err)
	}
	return out, nil
}

// LookupRoll finds hashes in the roll with one array query.
func (s *Store) LookupRoll(ctx context.Context, hashes []int64) (map[int64]central.RollMatch, error) {
	out := map[int64]central.RollMatch{}
	err := eachRow(ctx, s.pool, `SELECT r.h, r.entity, r.section, coalesce(a.name, '') FROM roll r
		LEFT JOIN roll_alcaldias a ON a.id = r.alcaldia WHERE r.h = ANY($1)`, []any{hashes}, func(rows pgx.Rows) error {
		var h int64
		var entity, section int16
		var m central.RollMatch
		if err := rows.Scan(&h, &entity, &section, &m.Alcaldia); err != nil {
			return err
		}
		m.Entity, m.Section = int(entity), int(section)
		out[h] = m
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("look up roll: %w", err)
	}
	return out, nil
}

// SupportsToCheck walks signature records by id from after.
func (s *Store) SupportsToCheck(ctx context.Context, rollID int64, after [16]byte, limit int) ([]central.StoredRecord, error) {
	out, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records
		WHERE id > $1 AND kind = 'signature' AND body_state IN (0, 1)
		AND NOT EXISTS (SELECT 1 FROM support_checks c WHERE c.record_id = records.id AND c.roll_id = $2)
		ORDER BY id LIMIT $3`, after[:], rollID, int64(limit))
	if err != nil {
		return nil, fmt.Errorf("supports to check: %w", err)
	}
	return out, nil
}

// AuthorSupportsToCheck walks published and merged proposals' records by
// id from after.
func (s *Store) AuthorSupportsToCheck(ctx context.Context, rollID int64, after [16]byte, limit int) ([]central.AuthorSupport, error) {
	var out []central.AuthorSupport
	err := eachRow(ctx, s.pool, `SELECT `+central.AuthorSupportColumns+` FROM submissions q JOIN records r ON r.id = q.record_id
		WHERE q.record_id > $1 AND q.kind = 'proposal' AND q.status IN ('published', 'merged') AND r.body_state IN (0, 1)
		AND NOT EXISTS (SELECT 1 FROM support_checks c WHERE c.record_id = q.record_id AND c.roll_id = $2)
		ORDER BY q.record_id LIMIT $3`, []any{after[:], rollID, int64(limit)}, func(rows pgx.Rows) error {
		a, err := central.ScanAuthorSupport(rows)
		out = append(out, a)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("author supports to check: %w", err)
	}
	return out, nil
}

// FileSupportChecks files checks in one transaction, under an advisory
// lock.
func (s *Store) FileSupportChecks(ctx context.Context, rollID int64, checks []central.SupportCheck) (int, error) {
	changed := 0
	err := s.update(ctx, func(tx pgx.Tx) error {
		changed = 0
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(supportChecksLock)); err != nil {
			return err
		}
		for _, c := range checks {
			n, err := fileSupportCheck(ctx, tx, rollID, c)
			if err != nil {
				return err
			}
			changed += n
		}
		if changed > 0 {
			if _, err := tx.Exec(ctx, `UPDATE roll_imports SET decided_changed = decided_changed + $1 WHERE id = $2`, changed, rollID); err != nil {
				return err
			}
		}
		return foldSupportCounts(ctx, tx)
	})
	if err != nil {
		return 0, fmt.Errorf("file support checks: %w", err)
	}
	return changed, nil
}

// fileSupportCheck files one check in two round trips: the duplicate
// test and the previous row in one query, then the write.
func fileSupportCheck(ctx context.Context, tx pgx.Tx, rollID int64, c central.SupportCheck) (int, error) {
	var earlier bool
	var old, decision *string
	err := tx.QueryRow(ctx, `SELECT
			$2::bytea IS NOT NULL AND EXISTS (SELECT 1 FROM support_checks WHERE subject_id = $1 AND signer_index = $2 AND record_id < $3),
			(SELECT status FROM support_checks WHERE record_id = $3), (SELECT decision FROM support_checks WHERE record_id = $3)`,
		c.SubjectID, nullBytes(c.SignerIndex), c.RecordID[:]).Scan(&earlier, &old, &decision)
	if err != nil {
		return 0, err
	}
	status := c.Status
	if earlier {
		status = central.StatusDuplicate
	}
	if decision != nil && *decision != "" {
		disagree := ""
		if *old != status {
			disagree = status
		}
		if _, err := tx.Exec(ctx, `UPDATE support_checks SET roll_id = $1, roll_status = $2 WHERE record_id = $3`, rollID, disagree, c.RecordID[:]); err != nil {
			return 0, err
		}
		if disagree != "" {
			return 1, nil
		}
		return 0, nil
	}
	// An earlier support filed after later ones of the same signer makes
	// those the duplicates.
	_, err = tx.Exec(ctx, `WITH filed AS (
			INSERT INTO support_checks (record_id, subject_id, device_id, canvasser, alcaldia, signer_index, status, roll_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (record_id) DO UPDATE SET status = excluded.status, roll_id = excluded.roll_id, canvasser = excluded.canvasser)
		UPDATE support_checks SET status = 'duplicate'
		WHERE $7 <> 'duplicate' AND $6::bytea IS NOT NULL AND subject_id = $2 AND signer_index = $6 AND record_id > $1
			AND decision = '' AND status <> 'duplicate'`,
		c.RecordID[:], c.SubjectID, c.DeviceID, c.Canvasser, c.Alcaldia, nullBytes(c.SignerIndex), status, rollID)
	return 0, err
}

// foldSupportCounts folds the deltas the support_checks triggers left
// (this transaction's, and those committed before it) into the counters,
// once per transaction that wrote support_checks; counters are updated in
// key order, so two folding at once wait for each other rather than
// deadlock.
func foldSupportCounts(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `WITH moved AS (DELETE FROM support_check_deltas RETURNING dim, key, status, decision, roll_id, disagrees, n)
		INSERT INTO support_check_counts (dim, key, status, decision, roll_id, disagrees, n)
		SELECT dim, key, status, decision, roll_id, disagrees, sum(n)::bigint FROM moved GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (dim, key, status, decision, roll_id, disagrees) DO UPDATE SET n = support_check_counts.n + excluded.n`)
	return err
}

func nullBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// dropSupportCheck forgets a cancelled support's classification, so it
// stops counting, and those of the same person's later undecided
// duplicates of the same proposal, so the roll check files them again and
// the earliest left becomes the one that counts.
func dropSupportCheck(ctx context.Context, tx pgx.Tx, id [16]byte) error {
	if _, err := tx.Exec(ctx, `DELETE FROM support_checks WHERE decision = '' AND status = 'duplicate' AND record_id > $1
		AND (subject_id, signer_index) = (SELECT subject_id, signer_index FROM support_checks WHERE record_id = $1)`, id[:]); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM support_checks WHERE record_id = $1`, id[:])
	return err
}

// SupportCheckCounts groups the classified supports.
func (s *Store) SupportCheckCounts(ctx context.Context) ([]central.SupportCheckCount, error) {
	var out []central.SupportCheckCount
	err := eachRow(ctx, s.pool, `SELECT subject_id, alcaldia, device_id, canvasser, status, decision, roll_id, roll_status <> '', count(*)
		FROM support_checks GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`, nil, func(rows pgx.Rows) error {
		var c central.SupportCheckCount
		if err := rows.Scan(&c.SubjectID, &c.Alcaldia, &c.DeviceID, &c.Canvasser, &c.Status, &c.Decision, &c.RollID, &c.Disagrees, &c.N); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("support check counts: %w", err)
	}
	return out, nil
}

// ReviewCounts counts over the queue and decided partial indexes.
func (s *Store) ReviewCounts(ctx context.Context) (central.ReviewCounts, error) {
	var c central.ReviewCounts
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM support_checks WHERE status <> 'verified' AND decision = ''),
		(SELECT count(*) FROM support_checks WHERE decision <> ''),
		(SELECT count(*) FROM support_checks WHERE decision <> '' AND roll_status <> '')`).Scan(&c.Queue, &c.Decided, &c.Disagreements)
	if err != nil {
		return c, fmt.Errorf("review counts: %w", err)
	}
	return c, nil
}

// VerifiedCounts sums the per-proposal counters of support_check_totals
// (migration 0011's triggers keep them).
func (s *Store) VerifiedCounts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	err := eachRow(ctx, s.pool, `SELECT key, sum(n)::bigint FROM support_check_totals
		WHERE dim = 'subject' AND (decision = 'valid' OR (decision = '' AND status = 'verified')) GROUP BY key HAVING sum(n) > 0`, nil, func(rows pgx.Rows) error {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		out[id] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verified counts: %w", err)
	}
	return out, nil
}

// SupportCheckTotals reads the counters migration 0011's triggers keep.
func (s *Store) SupportCheckTotals(ctx context.Context) ([]central.SupportCheckTotal, error) {
	var out []central.SupportCheckTotal
	err := eachRow(ctx, s.pool, `SELECT dim, key, status, decision, roll_id, disagrees, n FROM support_check_totals WHERE n <> 0`, nil,
		func(rows pgx.Rows) error {
			var c central.SupportCheckTotal
			if err := rows.Scan(&c.Dim, &c.Key, &c.Status, &c.Decision, &c.RollID, &c.Disagrees, &c.N); err != nil {
				return err
			}
			out = append(out, c)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("support check totals: %w", err)
	}
	return out, nil
}

const supportCheckColumns = `record_id, subject_id, device_id, canvasser, alcaldia, signer_index, status, roll_id, decision, reason, note, decided_by, coalesce(decided_at, 0), roll_status`

func scanSupportCheck(row pgx.Row) (central.SupportCheck, error) {
	var c central.SupportCheck
	var id []byte
	var at int64
	if err := row.Scan(&id, &c.SubjectID, &c.DeviceID, &c.Canvasser, &c.Alcaldia, &c.SignerIndex, &c.Status, &c.RollID, &c.Decision, &c.Reason, &c.Note, &c.DecidedBy, &at, &c.RollStatus); err != nil {
		return c, err
	}
	c.RecordID = [16]byte(id)
	if at != 0 {
		c.DecidedAt = time.UnixMilli(at).UTC()
	}
	return c, nil
}

// UnverifiedSupports is the review desk's queue.
func (s *Store) UnverifiedSupports(ctx context.Context, after [16]byte, limit int) ([]central.SupportCheck, error) {
	out, err := s.supportChecks(ctx, `SELECT `+supportCheckColumns+` FROM support_checks
		WHERE record_id > $1 AND status <> 'verified' AND decision = '' ORDER BY record_id LIMIT $2`, after[:], int64(limit))
	if err != nil {
		return nil, fmt.Errorf("unverified supports: %w", err)
	}
	return out, nil
}

// DecidedSupports lists decisions, those the roll disagrees with first.
func (s *Store) DecidedSupports(ctx context.Context, limit int) ([]central.SupportCheck, error) {
	out, err := s.supportChecks(ctx, `SELECT `+supportCheckColumns+` FROM support_checks
		WHERE decision <> '' ORDER BY roll_status = '', decided_at DESC, record_id LIMIT $1`, int64(limit))
	if err != nil {
		return nil, fmt.Errorf("decided supports: %w", err)
	}
	return out, nil
}

func (s *Store) supportChecks(ctx context.Context, query string, args ...any) ([]central.SupportCheck, error) {
	var out []central.SupportCheck
	err := eachRow(ctx, s.pool, query, args, func(rows pgx.Rows) error {
		c, err := scanSupportCheck(rows)
		if err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// SupportRecord returns one stored signature record.
func (s *Store) SupportRecord(ctx context.Context, id [16]byte) (central.StoredRecord, error) {
	recs, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records WHERE id = $1 AND kind IN ('signature', 'proposal')`, id[:])
	if err != nil {
		return central.StoredRecord{}, fmt.Errorf("support record: %w", err)
	}
	if len(recs) == 0 {
		return central.StoredRecord{}, central.ErrNotFound
	}
	return recs[0], nil
}

// SupportCheck returns one support's classification.
func (s *Store) SupportCheck(ctx context.Context, id [16]byte) (central.SupportCheck, error) {
	c, err := scanSupportCheck(s.pool.QueryRow(ctx, `SELECT `+supportCheckColumns+` FROM support_checks WHERE record_id = $1`, id[:]))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, central.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("support check: %w", err)
	}
	return c, nil
}

// DecideSupport records a reviewer's decision.
func (s *Store) DecideSupport(ctx context.Context, d central.SupportDecision) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE support_checks SET decision = $1, reason = $2, note = $3, decided_by = $4, decided_at = $5,
			status = CASE WHEN roll_status <> '' THEN roll_status ELSE status END, roll_status = '' WHERE record_id = $6`,
			d.Decision, d.Reason, d.Note, d.By, d.At.UnixMilli(), d.RecordID[:])
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return central.ErrNotFound
		}
		// Fold the counters' deltas unless the roll check is filing (it
		// folds at the end): one folder at a time, so none deadlocks.
		var locked bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(supportChecksLock)).Scan(&locked); err != nil || !locked {
			return err
		}
		return foldSupportCounts(ctx, tx)
	})
	if err != nil && !errors.Is(err, central.ErrNotFound) {
		return fmt.Errorf("decide support: %w", err)
	}
	return err
}
