package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

// SignerCounts returns each proposal's unique signers from the counter
// table ingest keeps.
func (s *Store) SignerCounts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	err := s.view(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT subject_id, signers FROM signer_counts WHERE signers > 0`, func(rows *sql.Rows) error {
			var id string
			var n int64
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			out[id] = n
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("signer counts: %w", err)
	}
	return out, nil
}

// RecordCrossings stores new crossings; a known one keeps its first time.
func (s *Store) RecordCrossings(ctx context.Context, cs []central.Crossing) error {
	if len(cs) == 0 {
		return nil
	}
	err := s.update(ctx, func(tx *sql.Tx) error {
		for _, c := range cs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO tier_crossings (proposal_id, tier_id, signers, crossed_at) VALUES (?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, c.Proposal, c.Tier, c.Signers, c.At.UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record tier crossings: %w", err)
	}
	return nil
}

// Crossings returns every crossing, oldest first.
func (s *Store) Crossings(ctx context.Context) ([]central.Crossing, error) {
	out := []central.Crossing{}
	err := s.view(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT proposal_id, tier_id, signers, crossed_at FROM tier_crossings ORDER BY crossed_at, proposal_id, tier_id`,
			func(rows *sql.Rows) error {
				var c central.Crossing
				var at int64
				if err := rows.Scan(&c.Proposal, &c.Tier, &c.Signers, &at); err != nil {
					return err
				}
				c.At = time.UnixMilli(at).UTC()
				out = append(out, c)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("tier crossings: %w", err)
	}
	return out, nil
}

// SaveResponse stores or replaces a tier's response.
func (s *Store) SaveResponse(ctx context.Context, r central.StoredResponse) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tier_responses (proposal_id, tier_id, content, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (proposal_id, tier_id) DO UPDATE SET content = excluded.content, recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by`,
			r.Proposal, r.Tier, r.Content, r.RecordedAt.UnixMilli(), r.RecordedBy)
		return err
	})
	if err != nil {
		return fmt.Errorf("save response: %w", err)
	}
	return nil
}

// Responses returns every response by proposal, then tier.
func (s *Store) Responses(ctx context.Context) ([]central.StoredResponse, error) {
	out := []central.StoredResponse{}
	err := s.view(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT proposal_id, tier_id, content, recorded_at, recorded_by FROM tier_responses ORDER BY proposal_id, tier_id`,
			func(rows *sql.Rows) error {
				var r central.StoredResponse
				var at int64
				if err := rows.Scan(&r.Proposal, &r.Tier, &r.Content, &at, &r.RecordedBy); err != nil {
					return err
				}
				r.RecordedAt = time.UnixMilli(at).UTC()
				out = append(out, r)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("responses: %w", err)
	}
	return out, nil
}
