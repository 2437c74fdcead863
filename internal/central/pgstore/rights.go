package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/voces-cdmx/voces/internal/central"
)

// auditLock is the advisory lock key that serialises audit appends from
// every node on the database, so the chain never forks.
const auditLock = 0x766f636573_0a // "voces" + audit

// changeOperator runs an UPDATE on one operator and ends its sessions, in
// the caller's transaction; ErrNotFound when no operator has that name.
func changeOperator(ctx context.Context, tx pgx.Tx, name, query string, args ...any) error {
	tag, err := tx.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return central.ErrNotFound
	}
	_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE operator = $1`, name)
	return err
}

// SetOperatorRole changes an account's role.
func (s *Store) SetOperatorRole(ctx context.Context, name string, role central.Role) error {
	tag, err := s.pool.Exec(ctx, `UPDATE operators SET role = $1 WHERE name = $2`, string(role), name)
	if err == nil && tag.RowsAffected() == 0 {
		err = central.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("set role of operator %q: %w", name, err)
	}
	return nil
}

// DisableOperator disables an account and ends its sessions.
func (s *Store) DisableOperator(ctx context.Context, name string, at time.Time) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		return changeOperator(ctx, tx, name, `UPDATE operators SET disabled_at = coalesce(disabled_at, $1) WHERE name = $2`, at.UnixMilli(), name)
	})
	if err != nil {
		return fmt.Errorf("disable operator %q: %w", name, err)
	}
	return nil
}

// RemoveOperator deletes an account and its sessions.
func (s *Store) RemoveOperator(ctx context.Context, name string) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE operator = $1`, name); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM operators WHERE name = $1`, name)
		if err == nil && tag.RowsAffected() == 0 {
			err = central.ErrNotFound
		}
		return err
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

// AppendAudit appends one entry under the audit advisory lock.
func (s *Store) AppendAudit(ctx context.Context, seal func(last central.AuditEntry) (central.AuditEntry, error)) (central.AuditEntry, error) {
	var e central.AuditEntry
	err := s.update(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(auditLock)); err != nil {
			return err
		}
		last, err := scanAudit(tx.QueryRow(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq DESC LIMIT 1`))
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if e, err = seal(last); err != nil {
			return err
		}
		details, err := json.Marshal(e.Details)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (`+auditColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			e.Seq, e.At.UnixMilli(), e.Actor, e.Action, string(details), e.PrevHash, e.Hash)
		return err
	})
	if err != nil {
		return central.AuditEntry{}, fmt.Errorf("append audit entry: %w", err)
	}
	return e, nil
}

// EachAudit reads the log by ascending seq, in one snapshot.
func (s *Store) EachAudit(ctx context.Context, fn func(central.AuditEntry) error) error {
	return s.view(ctx, func(tx pgx.Tx) error {
		return eachRow(ctx, tx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`, nil, func(rows pgx.Rows) error {
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
	var out []central.AuditEntry
	err := eachRow(ctx, s.pool, `SELECT `+auditColumns+` FROM audit_log WHERE $1 = 0 OR seq < $1 ORDER BY seq DESC LIMIT $2`, []any{before, limit}, func(rows pgx.Rows) error {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit page: %w", err)
	}
	return out, nil
}

// SaveAuditCheckpoint stores a checkpoint once per seq.
func (s *Store) SaveAuditCheckpoint(ctx context.Context, c central.AuditCheckpoint) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO audit_checkpoints (seq, hash, at, signature) VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO NOTHING`,
		c.Seq, c.Hash, c.At.UnixMilli(), c.Signature); err != nil {
		return fmt.Errorf("save audit checkpoint: %w", err)
	}
	return nil
}

// AuditCheckpoints lists checkpoints by seq.
func (s *Store) AuditCheckpoints(ctx context.Context) ([]central.AuditCheckpoint, error) {
	var out []central.AuditCheckpoint
	err := eachRow(ctx, s.pool, `SELECT seq, hash, at, signature FROM audit_checkpoints ORDER BY seq`, nil, func(rows pgx.Rows) error {
		var c central.AuditCheckpoint
		var at int64
		if err := rows.Scan(&c.Seq, &c.Hash, &at, &c.Signature); err != nil {
			return err
		}
		c.At = time.UnixMilli(at).UTC()
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit checkpoints: %w", err)
	}
	return out, nil
}
