package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

// Draft returns the campaign draft, or central.ErrNotFound.
func (s *Store) Draft(ctx context.Context) (central.Draft, error) {
	var d central.Draft
	var at int64
	err := s.read.QueryRowContext(ctx, `SELECT content, base_version, revision, saved_at, saved_by FROM campaign_draft WHERE id = 1`).
		Scan(&d.Content, &d.Base, &d.Revision, &at, &d.SavedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return central.Draft{}, central.ErrNotFound
	}
	if err != nil {
		return central.Draft{}, fmt.Errorf("read draft: %w", err)
	}
	d.SavedAt = time.UnixMilli(at).UTC()
	return d, nil
}

// SaveDraft stores d over revision prev. The one writer connection
// serialises saves, so reading the revision and writing in one
// transaction is enough.
func (s *Store) SaveDraft(ctx context.Context, d central.Draft, prev int64) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		var rev int64
		err := tx.QueryRowContext(ctx, `SELECT revision FROM campaign_draft WHERE id = 1`).Scan(&rev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if rev != prev {
			return central.ErrDraftChanged
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO campaign_draft (id, content, base_version, revision, saved_at, saved_by) VALUES (1, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET content = excluded.content, base_version = excluded.base_version, revision = excluded.revision,
			saved_at = excluded.saved_at, saved_by = excluded.saved_by`,
			d.Content, d.Base, d.Revision, d.SavedAt.UnixMilli(), d.SavedBy)
		return err
	})
	if err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	return nil
}

// DeleteDraft removes the draft of revision rev.
func (s *Store) DeleteDraft(ctx context.Context, rev int64) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		var stored int64
		err := tx.QueryRowContext(ctx, `SELECT revision FROM campaign_draft WHERE id = 1`).Scan(&stored)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if stored != rev {
			return central.ErrDraftChanged
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM campaign_draft WHERE id = 1`)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete draft: %w", err)
	}
	return nil
}
