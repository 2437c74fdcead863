package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/roll"
)

// rollLoadTx is how many roll rows go into one loading transaction, and
// rollInsertRows how many into one INSERT statement.
const (
	rollLoadTx     = 500_000
	rollInsertRows = 500
)

// ReplaceRoll loads entries into roll_next, in transactions of
// rollLoadTx rows so ingest is not held off for the whole load, then
// renames it over roll with the import's row in one transaction. Entries
// come sorted by hash, so every insert appends to the table's b-tree.
func (s *Store) ReplaceRoll(ctx context.Context, imp central.RollImport, alcaldias []string, entries []roll.Entry, progress func(int64)) (central.RollImport, error) {
	if _, err := s.write.ExecContext(ctx, `DROP TABLE IF EXISTS roll_next`); err != nil {
		return imp, fmt.Errorf("replace roll: %w", err)
	}
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE roll_next (h INTEGER PRIMARY KEY, entity INTEGER NOT NULL, section INTEGER NOT NULL, alcaldia INTEGER NOT NULL)`); err != nil {
		return imp, fmt.Errorf("replace roll: %w", err)
	}
	for start := 0; start < len(entries); start += rollLoadTx {
		chunk := entries[start:min(start+rollLoadTx, len(entries))]
		if err := s.update(ctx, func(tx *sql.Tx) error { return insertRoll(ctx, tx, chunk) }); err != nil {
			return imp, fmt.Errorf("replace roll: %w", err)
		}
		if progress != nil {
			progress(int64(start + len(chunk)))
		}
	}
	err := s.update(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DROP TABLE roll`, `ALTER TABLE roll_next RENAME TO roll`, `DELETE FROM roll_alcaldias`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		for i, a := range alcaldias {
			if _, err := tx.ExecContext(ctx, `INSERT INTO roll_alcaldias (id, name) VALUES (?, ?)`, i, a); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO roll_imports (imported_at, by_user, file, sha256, rows, bad_rows) VALUES (?, ?, ?, ?, ?, ?)`,
			imp.ImportedAt.UnixMilli(), imp.By, imp.File, imp.SHA256, imp.Rows, imp.BadRows)
		if err != nil {
			return err
		}
		imp.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return imp, fmt.Errorf("replace roll: %w", err)
	}
	return imp, nil
}

func insertRoll(ctx context.Context, tx *sql.Tx, entries []roll.Entry) error {
	var full *sql.Stmt
	args := make([]any, 0, 4*rollInsertRows)
	for start := 0; start < len(entries); start += rollInsertRows {
		part := entries[start:min(start+rollInsertRows, len(entries))]
		args = args[:0]
		for _, e := range part {
			args = append(args, e.Hash, e.Entity, e.Section, e.Alcaldia)
		}
		query := `INSERT INTO roll_next (h, entity, section, alcaldia) VALUES ` + strings.Repeat("(?,?,?,?),", len(part)-1) + `(?,?,?,?)`
		if len(part) < rollInsertRows {
			if _, err := tx.ExecContext(ctx, query, args...); err != nil {
				return err
			}
			continue
		}
		if full == nil {
			var err error
			if full, err = tx.PrepareContext(ctx, query); err != nil {
				return err
			}
			defer full.Close()
		}
		if _, err := full.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// RollImports lists imports, oldest first.
func (s *Store) RollImports(ctx context.Context) ([]central.RollImport, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, imported_at, by_user, file, sha256, rows, bad_rows, decided_changed FROM roll_imports ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("roll imports: %w", err)
	}
	defer rows.Close()
	var out []central.RollImport
	for rows.Next() {
		var i central.RollImport
		var at int64
		if err := rows.Scan(&i.ID, &at, &i.By, &i.File, &i.SHA256, &i.Rows, &i.BadRows, &i.DecidedChanged); err != nil {
			return nil, fmt.Errorf("roll imports: %w", err)
		}
		i.ImportedAt = time.UnixMilli(at).UTC()
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("roll imports: %w", err)
	}
	return out, nil
}

// LookupRoll finds hashes in the roll, in one query (SQLite takes up to
// 32,766 parameters).
func (s *Store) LookupRoll(ctx context.Context, hashes []int64) (map[int64]central.RollMatch, error) {
	out := map[int64]central.RollMatch{}
	for start := 0; start < len(hashes); start += 10_000 {
		part := hashes[start:min(start+10_000, len(hashes))]
		args := make([]any, len(part))
		for i, h := range part {
			args[i] = h
		}
		rows, err := s.read.QueryContext(ctx, `SELECT r.h, r.entity, r.section, coalesce(a.name, '') FROM roll r
			LEFT JOIN roll_alcaldias a ON a.id = r.alcaldia WHERE r.h IN (?`+strings.Repeat(",?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("look up roll: %w", err)
		}
		for rows.Next() {
			var h int64
			var m central.RollMatch
			if err := rows.Scan(&h, &m.Entity, &m.Section, &m.Alcaldia); err != nil {
				rows.Close()
				return nil, fmt.Errorf("look up roll: %w", err)
			}
			out[h] = m
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("look up roll: %w", err)
		}
	}
	return out, nil
}

// SupportsToCheck walks signature records by id from after.
func (s *Store) SupportsToCheck(ctx context.Context, rollID int64, after [16]byte, limit int) ([]central.StoredRecord, error) {
	out, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records
		WHERE id > ? AND kind = 'signature' AND body_state IN (?, ?)
		AND NOT EXISTS (SELECT 1 FROM support_checks c WHERE c.record_id = records.id AND c.roll_id = ?)
		ORDER BY id LIMIT ?`, after[:], central.BodyUnchecked, central.BodyOpens, rollID, limit)
	if err != nil {
		return nil, fmt.Errorf("supports to check: %w", err)
	}
	return out, nil
}

// AuthorSupportsToCheck walks published and merged proposals' records by
// id from after.
func (s *Store) AuthorSupportsToCheck(ctx context.Context, rollID int64, after [16]byte, limit int) ([]central.AuthorSupport, error) {
	var out []central.AuthorSupport
	err := s.view(ctx, func(tx *sql.Tx) error {
		return eachRowArgs(ctx, tx, `SELECT `+central.AuthorSupportColumns+` FROM submissions q JOIN records r ON r.id = q.record_id
			WHERE q.record_id > ? AND q.kind = 'proposal' AND q.status IN ('published', 'merged') AND r.body_state IN (?, ?)
			AND NOT EXISTS (SELECT 1 FROM support_checks c WHERE c.record_id = q.record_id AND c.roll_id = ?)
			ORDER BY q.record_id LIMIT ?`, func(rows *sql.Rows) error {
			a, err := central.ScanAuthorSupport(rows)
			out = append(out, a)
			return err
		}, after[:], central.BodyUnchecked, central.BodyOpens, rollID, limit)
	})
	if err != nil {
		return nil, fmt.Errorf("author supports to check: %w", err)
	}
	return out, nil
}

// FileSupportChecks files checks in one transaction, with statements
// prepared once for the lot: mostly two per support.
func (s *Store) FileSupportChecks(ctx context.Context, rollID int64, checks []central.SupportCheck) (int, error) {
	changed := 0
	err := s.update(ctx, func(tx *sql.Tx) error {
		changed = 0
		f, err := prepareFiling(ctx, tx)
		if err != nil {
			return err
		}
		defer f.close()
		for _, c := range checks {
			n, err := f.file(ctx, rollID, c)
			if err != nil {
				return err
			}
			changed += n
		}
		if changed > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE roll_imports SET decided_changed = decided_changed + ? WHERE id = ?`, changed, rollID); err != nil {
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

// filing holds FileSupportChecks' prepared statements.
type filing struct {
	state, keep, put, later *sql.Stmt
}

func prepareFiling(ctx context.Context, tx *sql.Tx) (*filing, error) {
	queries := []string{
		// Whether an earlier support of the signer is filed, whether a
		// later undecided one is not yet a duplicate, and this one's row.
		`SELECT
			EXISTS (SELECT 1 FROM support_checks WHERE ?1 IS NOT NULL AND subject_id = ?2 AND signer_index = ?1 AND record_id < ?3),
			EXISTS (SELECT 1 FROM support_checks WHERE ?1 IS NOT NULL AND subject_id = ?2 AND signer_index = ?1 AND record_id > ?3
				AND decision = '' AND status <> 'duplicate'),
			coalesce((SELECT status FROM support_checks WHERE record_id = ?3), ''),
			coalesce((SELECT decision FROM support_checks WHERE record_id = ?3), '')`,
		`UPDATE support_checks SET roll_id = ?, roll_status = ? WHERE record_id = ?`,
		`INSERT INTO support_checks (record_id, subject_id, device_id, canvasser, alcaldia, signer_index, status, roll_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET status = excluded.status, roll_id = excluded.roll_id, canvasser = excluded.canvasser`,
		`UPDATE support_checks SET status = 'duplicate' WHERE subject_id = ? AND signer_index = ? AND record_id > ? AND decision = '' AND status <> 'duplicate'`,
	}
	stmts := make([]*sql.Stmt, len(queries))
	for i, q := range queries {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			for _, p := range stmts[:i] {
				p.Close()
			}
			return nil, err
		}
		stmts[i] = st
	}
	return &filing{state: stmts[0], keep: stmts[1], put: stmts[2], later: stmts[3]}, nil
}

func (f *filing) close() {
	for _, st := range []*sql.Stmt{f.state, f.keep, f.put, f.later} {
		st.Close()
	}
}

func (f *filing) file(ctx context.Context, rollID int64, c central.SupportCheck) (int, error) {
	idx := nullBytes(c.SignerIndex)
	var earlier, later bool
	var old, decision string
	if err := f.state.QueryRowContext(ctx, idx, c.SubjectID, c.RecordID[:]).Scan(&earlier, &later, &old, &decision); err != nil {
		return 0, err
	}
	status := c.Status
	if earlier {
		status = central.StatusDuplicate
	}
	if decision != "" {
		disagree := ""
		if old != status {
			disagree = status
		}
		if _, err := f.keep.ExecContext(ctx, rollID, disagree, c.RecordID[:]); err != nil {
			return 0, err
		}
		if disagree != "" {
			return 1, nil
		}
		return 0, nil
	}
	if _, err := f.put.ExecContext(ctx, c.RecordID[:], c.SubjectID, c.DeviceID, c.Canvasser, c.Alcaldia, idx, status, rollID); err != nil {
		return 0, err
	}
	if status != central.StatusDuplicate && later {
		// An earlier support arrived after later ones of the same signer
		// were filed: those are the duplicates now.
		if _, err := f.later.ExecContext(ctx, c.SubjectID, idx, c.RecordID[:]); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// foldSupportCounts folds the deltas the support_checks triggers left
// into the counters, once per transaction that wrote support_checks.
func foldSupportCounts(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO support_check_counts (dim, key, status, decision, roll_id, disagrees, n)
		SELECT dim, key, status, decision, roll_id, disagrees, sum(n) FROM support_check_deltas WHERE true GROUP BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (dim, key, status, decision, roll_id, disagrees) DO UPDATE SET n = n + excluded.n`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM support_check_deltas`)
	return err
}

func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// dropSupportCheck forgets a cancelled support's classification, so it
// stops counting, and those of the same person's later undecided
// duplicates of the same proposal, so the roll check files them again and
// the earliest left becomes the one that counts.
func dropSupportCheck(ctx context.Context, tx *sql.Tx, id [16]byte) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM support_checks WHERE decision = '' AND status = 'duplicate' AND record_id > ?1
		AND (subject_id, signer_index) = (SELECT subject_id, signer_index FROM support_checks WHERE record_id = ?1)`, id[:]); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM support_checks WHERE record_id = ?`, id[:])
	return err
}

// SupportCheckCounts groups the classified supports.
func (s *Store) SupportCheckCounts(ctx context.Context) ([]central.SupportCheckCount, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT subject_id, alcaldia, device_id, canvasser, status, decision, roll_id, roll_status <> '', count(*)
		FROM support_checks GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`)
	if err != nil {
		return nil, fmt.Errorf("support check counts: %w", err)
	}
	defer rows.Close()
	var out []central.SupportCheckCount
	for rows.Next() {
		var c central.SupportCheckCount
		if err := rows.Scan(&c.SubjectID, &c.Alcaldia, &c.DeviceID, &c.Canvasser, &c.Status, &c.Decision, &c.RollID, &c.Disagrees, &c.N); err != nil {
			return nil, fmt.Errorf("support check counts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("support check counts: %w", err)
	}
	return out, nil
}

// ReviewCounts counts over the queue and decided partial indexes.
func (s *Store) ReviewCounts(ctx context.Context) (central.ReviewCounts, error) {
	var c central.ReviewCounts
	err := s.read.QueryRowContext(ctx, `SELECT
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
	rows, err := s.read.QueryContext(ctx, `SELECT key, sum(n) FROM support_check_totals
		WHERE dim = 'subject' AND (decision = 'valid' OR (decision = '' AND status = 'verified')) GROUP BY key HAVING sum(n) > 0`)
	if err != nil {
		return nil, fmt.Errorf("verified counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("verified counts: %w", err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verified counts: %w", err)
	}
	return out, nil
}

// SupportCheckTotals reads the counters migration 0011's triggers keep.
func (s *Store) SupportCheckTotals(ctx context.Context) ([]central.SupportCheckTotal, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT dim, key, status, decision, roll_id, disagrees, n FROM support_check_totals WHERE n <> 0`)
	if err != nil {
		return nil, fmt.Errorf("support check totals: %w", err)
	}
	defer rows.Close()
	var out []central.SupportCheckTotal
	for rows.Next() {
		var c central.SupportCheckTotal
		if err := rows.Scan(&c.Dim, &c.Key, &c.Status, &c.Decision, &c.RollID, &c.Disagrees, &c.N); err != nil {
			return nil, fmt.Errorf("support check totals: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("support check totals: %w", err)
	}
	return out, nil
}

const supportCheckColumns = `record_id, subject_id, device_id, canvasser, alcaldia, signer_index, status, roll_id, decision, reason, note, decided_by, coalesce(decided_at, 0), roll_status`

func scanSupportCheck(row central.Scanner) (central.SupportCheck, error) {
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
		WHERE record_id > ? AND status <> ? AND decision = '' ORDER BY record_id LIMIT ?`, after[:], central.StatusVerified, limit)
	if err != nil {
		return nil, fmt.Errorf("unverified supports: %w", err)
	}
	return out, nil
}

// DecidedSupports lists decisions, those the roll disagrees with first.
func (s *Store) DecidedSupports(ctx context.Context, limit int) ([]central.SupportCheck, error) {
	out, err := s.supportChecks(ctx, `SELECT `+supportCheckColumns+` FROM support_checks
		WHERE decision <> '' ORDER BY roll_status = '', decided_at DESC, record_id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("decided supports: %w", err)
	}
	return out, nil
}

func (s *Store) supportChecks(ctx context.Context, query string, args ...any) ([]central.SupportCheck, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []central.SupportCheck
	for rows.Next() {
		c, err := scanSupportCheck(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SupportRecord returns one stored support's record: a signature, or an
// author's proposal.
func (s *Store) SupportRecord(ctx context.Context, id [16]byte) (central.StoredRecord, error) {
	recs, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records WHERE id = ? AND kind IN ('signature', 'proposal')`, id[:])
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
	c, err := scanSupportCheck(s.read.QueryRowContext(ctx, `SELECT `+supportCheckColumns+` FROM support_checks WHERE record_id = ?`, id[:]))
	if errors.Is(err, sql.ErrNoRows) {
		return c, central.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("support check: %w", err)
	}
	return c, nil
}

// DecideSupport records a reviewer's decision.
func (s *Store) DecideSupport(ctx context.Context, d central.SupportDecision) error {
	return s.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE support_checks SET decision = ?, reason = ?, note = ?, decided_by = ?, decided_at = ?,
			status = CASE WHEN roll_status <> '' THEN roll_status ELSE status END, roll_status = '' WHERE record_id = ?`,
			d.Decision, d.Reason, d.Note, d.By, d.At.UnixMilli(), d.RecordID[:])
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return central.ErrNotFound
		}
		return foldSupportCounts(ctx, tx)
	})
}
