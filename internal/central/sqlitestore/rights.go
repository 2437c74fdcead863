package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

// changeOperator runs an UPDATE on one operator and ends its sessions, in
// the caller's transaction; ErrNotFound when no operator has that name.
func changeOperator(ctx context.Context, tx *sql.Tx, name, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return central.ErrNotFound
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE operator = ?`, name)
	return err
}

// SetOperatorRole changes an account's role.
func (s *Store) SetOperatorRole(ctx context.Context, name string, role central.Role) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE operators SET role = ? WHERE name = ?`, role, name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return central.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set role of operator %q: %w", name, err)
	}
	return nil
}

// DisableOperator disables an account and ends its sessions.
func (s *Store) DisableOperator(ctx context.Context, name string, at time.Time) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		return changeOperator(ctx, tx, name, `UPDATE operators SET disabled_at = coalesce(disabled_at, ?) WHERE name = ?`, at.UnixMilli(), name)
	})
	if err != nil {
		return fmt.Errorf("disable operator %q: %w", name, err)
	}
	return nil
}

// RemoveOperator deletes an account and its sessions.
func (s *Store) RemoveOperator(ctx context.Context, name string) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE operator = ?`, name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM operators WHERE name = ?`, name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return central.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove operator %q: %w", name, err)
	}
	return nil
}

const auditColumns = `seq, at, actor, action, details, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (central.AuditEntry, error) {
	var (
		e       central.AuditEntry
		at      int64
		details string
	)
	if err := sc.Scan(&e.Seq, &at, &e.Actor, &e.Action, &details, &e.PrevHash, &e.Hash); err != nil {
		return e, err
	}
	e.At = time.UnixMilli(at).UTC()
	if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
		return e, fmt.Errorf("audit entry %d details: %w", e.Seq, err)
	}
	return e, nil
}

// AppendAudit appends one entry. The write connection's BEGIN IMMEDIATE
// serialises appends across processes.
func (s *Store) AppendAudit(ctx context.Context, seal func(last central.AuditEntry) (central.AuditEntry, error)) (central.AuditEntry, error) {
	var e central.AuditEntry
	err := s.update(ctx, func(tx *sql.Tx) error {
		last, err := scanAudit(tx.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq DESC LIMIT 1`))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if e, err = seal(last); err != nil {
			return err
		}
		details, err := json.Marshal(e.Details)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (`+auditColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, e.At.UnixMilli(), e.Actor, e.Action, string(details), e.PrevHash, e.Hash)
		return err
	})
	if err != nil {
		return central.AuditEntry{}, fmt.Errorf("append audit entry: %w", err)
	}
	return e, nil
}

// EachAudit reads the log by ascending seq.
func (s *Store) EachAudit(ctx context.Context, fn func(central.AuditEntry) error) error {
	return s.view(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`, func(rows *sql.Rows) error {
			e, err := scanAudit(rows)
			if err != nil {
				return err
			}
			return fn(e)
		})
	})
}

// AuditPage returns entries before a seq, newest first.
func (s *Store) AuditPage(ctx context.Context, before int64, limit int) ([]central.AuditEntry, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE ? = 0 OR seq < ? ORDER BY seq DESC LIMIT ?`, before, before, limit)
	if err != nil {
		return nil, fmt.Errorf("audit page: %w", err)
	}
	defer rows.Close()
	var out []central.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("audit page: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit page: %w", err)
	}
	return out, nil
}

// SaveAuditCheckpoint stores a checkpoint once per seq.
func (s *Store) SaveAuditCheckpoint(ctx context.Context, c central.AuditCheckpoint) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (seq, hash, at, signature) VALUES (?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING`,
			c.Seq, c.Hash, c.At.UnixMilli(), c.Signature)
		return err
	})
	if err != nil {
		return fmt.Errorf("save audit checkpoint: %w", err)
	}
	return nil
}

// AuditCheckpoints lists checkpoints by seq.
func (s *Store) AuditCheckpoints(ctx context.Context) ([]central.AuditCheckpoint, error) {
	var out []central.AuditCheckpoint
	err := s.view(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT seq, hash, at, signature FROM audit_checkpoints ORDER BY seq`, func(rows *sql.Rows) error {
			var c central.AuditCheckpoint
			var at int64
			if err := rows.Scan(&c.Seq, &c.Hash, &at, &c.Signature); err != nil {
				return err
			}
			c.At = time.UnixMilli(at).UTC()
			out = append(out, c)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("audit checkpoints: %w", err)
	}
	return out, nil
}
