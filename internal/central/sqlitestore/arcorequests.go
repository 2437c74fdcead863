package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

// CreateARCORequest stores a request.
func (s *Store) CreateARCORequest(ctx context.Context, r central.ARCORequest) (int64, error) {
	var id int64
	err := s.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO arco_requests (kind, folio, received_at, due_at) VALUES (?, ?, ?, ?)`,
			r.Kind, r.Folio, r.ReceivedAt.UnixMilli(), r.DueAt.UnixMilli())
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("create ARCO request: %w", err)
	}
	return id, nil
}

// ARCORequests lists requests, open ones first, by deadline.
func (s *Store) ARCORequests(ctx context.Context) ([]central.ARCORequest, error) {
	var out []central.ARCORequest
	err := s.view(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT id, kind, folio, received_at, due_at, answered_at, answer, answered_by FROM arco_requests
			ORDER BY answered_at IS NOT NULL, due_at, id`, func(rows *sql.Rows) error {
			var r central.ARCORequest
			var received, due int64
			var answered sql.NullInt64
			if err := rows.Scan(&r.ID, &r.Kind, &r.Folio, &received, &due, &answered, &r.Answer, &r.AnsweredBy); err != nil {
				return err
			}
			r.ReceivedAt, r.DueAt, r.AnsweredAt = time.UnixMilli(received).UTC(), time.UnixMilli(due).UTC(), fromMS(answered)
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list ARCO requests: %w", err)
	}
	return out, nil
}

// AnswerARCORequest answers an open request.
func (s *Store) AnswerARCORequest(ctx context.Context, id int64, answer, by string, at time.Time) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE arco_requests SET answered_at = ?, answer = ?, answered_by = ? WHERE id = ? AND answered_at IS NULL`,
			at.UnixMilli(), answer, by, id)
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
		return fmt.Errorf("answer ARCO request %d: %w", id, err)
	}
	return nil
}
