package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/voces-cdmx/voces/internal/central"
)

// Draft returns the campaign draft, or central.ErrNotFound.
func (s *Store) Draft(ctx context.Context) (central.Draft, error) {
	var d central.Draft
	var base, at int64
	err := s.pool.QueryRow(ctx, `SELECT content, base_version, revision, saved_at, saved_by FROM campaign_draft WHERE id = 1`).
		Scan(&d.Content, &base, &d.Revision, &at, &d.SavedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return central.Draft{}, central.ErrNotFound
	}
	if err != nil {
		return central.Draft{}, fmt.Errorf("read draft: %w", err)
	}
	d.Base, d.SavedAt = int(base), time.UnixMilli(at).UTC()
	return d, nil
}

// SaveDraft stores d over revision prev. The update names the revision
// it replaces (and for a first draft the primary key decides), so two
// nodes saving at once cannot both win.
func (s *Store) SaveDraft(ctx context.Context, d central.Draft, prev int64) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		if prev == 0 {
			tag, err := tx.Exec(ctx, `INSERT INTO campaign_draft (id, content, base_version, revision, saved_at, saved_by) VALUES (1, $1, $2, $3, $4, $5)
				ON CONFLICT (id) DO NOTHING`, d.Content, int64(d.Base), d.Revision, d.SavedAt.UnixMilli(), d.SavedBy)
			if err == nil && tag.RowsAffected() == 0 {
				err = central.ErrDraftChanged
			}
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE campaign_draft SET content = $1, base_version = $2, revision = $3, saved_at = $4, saved_by = $5
			WHERE id = 1 AND revision = $6`, d.Content, int64(d.Base), d.Revision, d.SavedAt.UnixMilli(), d.SavedBy, prev)
		if err == nil && tag.RowsAffected() == 0 {
			err = central.ErrDraftChanged
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	return nil
}

// DeleteDraft removes the draft of revision rev.
func (s *Store) DeleteDraft(ctx context.Context, rev int64) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM campaign_draft WHERE id = 1 AND revision = $1`, rev)
		if err != nil || tag.RowsAffected() > 0 {
			return err
		}
		var n int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM campaign_draft`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return central.ErrDraftChanged
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete draft: %w", err)
	}
	return nil
}
