package sqlitestore

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// Ingest files several batches in one transaction.
func (s *Store) Ingest(ctx context.Context, at time.Time, batches []central.IngestBatch) ([][]protocol.Status, error) {
	out := make([][]protocol.Status, len(batches))
	received := at.UnixMilli()
	err := s.update(ctx, func(tx *sql.Tx) error {
		insert := tx.StmtContext(ctx, s.insertRecord)
		hash := tx.StmtContext(ctx, s.recordHash)
		conflict := tx.StmtContext(ctx, s.insertConflict)
		touch := tx.StmtContext(ctx, s.touchDevice)
		counts := central.NewIncrements()
		for i, b := range batches {
			statuses := make([]protocol.Status, len(b.Records))
			duplicates := 0
			for j := range b.Records {
				in := &b.Records[j]
				st, err := ingestOne(ctx, insert, hash, conflict, in, b.DeviceID, received)
				if err != nil {
					return fmt.Errorf("record %s: %w", in.Record.ID, err)
				}
				statuses[j] = st
				switch st {
				case protocol.Accepted:
					counts.Add(in, at)
				case protocol.Duplicate:
					duplicates++
				}
			}
			if _, err := touch.ExecContext(ctx, received, duplicates, b.DeviceID); err != nil {
				return fmt.Errorf("mark device seen: %w", err)
			}
			out[i] = statuses
		}
		return saveIncrements(ctx, tx, s, counts)
	})
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	return out, nil
}

func ingestOne(ctx context.Context, insert, hash, conflict *sql.Stmt, in *central.Incoming, batchDevice string, received int64) (protocol.Status, error) {
	r := in.Record
	var signer any
	if len(r.SignerIndex) > 0 {
		signer = r.SignerIndex
	}
	res, err := insert.ExecContext(ctx, r.ID[:], r.DeviceID, int64(r.Seq), string(r.Kind), r.CampaignID, r.CampaignVersion,
		r.SubjectID, r.DeviceTime.UnixMilli(), received, r.Mode, in.Channel, r.EventID, r.Alcaldia, signer,
		in.Receipt, in.Hash[:], in.Data)
	if err != nil {
		return "", err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return "", err
	}
	if n == 1 {
		return protocol.Accepted, nil
	}
	var held []byte
	if err := hash.QueryRowContext(ctx, r.ID[:]).Scan(&held); err != nil {
		return "", fmt.Errorf("read stored hash: %w", err)
	}
	if bytes.Equal(held, in.Hash[:]) {
		return protocol.Duplicate, nil
	}
	if _, err := conflict.ExecContext(ctx, r.ID[:], in.Hash[:], batchDevice, in.Channel, received, in.Data); err != nil {
		return "", fmt.Errorf("keep conflict: %w", err)
	}
	return protocol.Conflict, nil
}

// Campaigns returns every published version, oldest first.
func (s *Store) Campaigns(ctx context.Context) ([]central.PublishedCampaign, error) {
	var out []central.PublishedCampaign
	err := s.view(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT version, campaign_id, content, signature, published_at, published_by, source FROM campaigns ORDER BY version`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				c  central.PublishedCampaign
				at int64
			)
			if err := rows.Scan(&c.Version, &c.CampaignID, &c.Content, &c.Signature, &at, &c.PublishedBy, &c.Source); err != nil {
				return err
			}
			c.PublishedAt = time.UnixMilli(at).UTC()
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("load campaigns: %w", err)
	}
	return out, nil
}

// LatestCampaignVersion returns the newest version, 0 if none.
func (s *Store) LatestCampaignVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.read.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM campaigns`).Scan(&v); err != nil {
		return 0, fmt.Errorf("latest campaign version: %w", err)
	}
	return v, nil
}

// PublishCampaign stores a new version.
func (s *Store) PublishCampaign(ctx context.Context, c central.PublishedCampaign) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM campaigns WHERE version = ?`, c.Version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return central.ErrVersionExists
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO campaigns (version, campaign_id, content, signature, published_at, published_by, source) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			c.Version, c.CampaignID, c.Content, c.Signature, c.PublishedAt.UnixMilli(), c.PublishedBy, c.Source)
		return err
	})
	if err != nil {
		return fmt.Errorf("publish campaign version %d: %w", c.Version, err)
	}
	return nil
}

// Stats counts what the database holds, from one snapshot.
func (s *Store) Stats(ctx context.Context) (*central.Stats, error) {
	b := central.NewStatsBuilder()
	st := b.Stats()
	err := s.view(ctx, func(tx *sql.Tx) error {
		if err := eachRow(ctx, tx, `SELECT kind, channel, sum(records) FROM tallies GROUP BY kind, channel`, func(rows *sql.Rows) error {
			var kind, channel string
			var n int64
			if err := rows.Scan(&kind, &channel, &n); err != nil {
				return err
			}
			b.Records(kind, channel, n)
			return nil
		}); err != nil {
			return fmt.Errorf("count records: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(duplicates), 0) FROM devices`).Scan(&st.Duplicates); err != nil {
			return fmt.Errorf("count duplicates: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM conflicts`).Scan(&st.Conflicts); err != nil {
			return fmt.Errorf("count conflicts: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM campaigns`).Scan(&st.CampaignVersion); err != nil {
			return fmt.Errorf("campaign version: %w", err)
		}
		if err := eachRow(ctx, tx, `SELECT revoked_at IS NULL, count(*) FROM devices GROUP BY 1`, func(rows *sql.Rows) error {
			var active bool
			var n int64
			if err := rows.Scan(&active, &n); err != nil {
				return err
			}
			b.Devices(active, n)
			return nil
		}); err != nil {
			return fmt.Errorf("count devices: %w", err)
		}
		// From the counters, not a DISTINCT over every signature.
		// A published or merged proposal's author is one more support.
		if err := eachRow(ctx, tx, `SELECT s.subject_id, sum(s.records), coalesce(max(g.signers), 0)
			FROM (SELECT subject_id, records FROM subject_counts WHERE kind = 'signature'
				UNION ALL SELECT target, 1 FROM submissions WHERE kind = 'proposal' AND status IN ('published', 'merged')) s
			LEFT JOIN signer_counts g ON g.subject_id = s.subject_id
			GROUP BY s.subject_id ORDER BY s.subject_id`, func(rows *sql.Rows) error {
			var id string
			var supports, signers int64
			if err := rows.Scan(&id, &supports, &signers); err != nil {
				return err
			}
			b.Proposal(id, supports, signers)
			return nil
		}); err != nil {
			return fmt.Errorf("count supports: %w", err)
		}
		return gaps(ctx, tx, b)
	})
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	return b.Finish(), nil
}

// gaps feeds the builder the holes between the sequence numbers central
// holds (found with LAG over the device/seq index, never reading a
// record); the builder adds the tail up to the highest reported.
func gaps(ctx context.Context, tx *sql.Tx, b *central.StatsBuilder) error {
	if err := eachRow(ctx, tx, `
		SELECT d.id, coalesce((SELECT max(r.seq) FROM records r WHERE r.device_id = d.id), 0), coalesce(h.reported_seq, 0)
		FROM devices d LEFT JOIN health h ON h.device_id = d.id ORDER BY d.id`, func(rows *sql.Rows) error {
		var id string
		var highest, reported int64
		if err := rows.Scan(&id, &highest, &reported); err != nil {
			return err
		}
		b.Device(id, highest, reported)
		return nil
	}); err != nil {
		return fmt.Errorf("gaps: %w", err)
	}
	if err := eachRow(ctx, tx, `
		SELECT device_id, prev + 1, seq - 1 FROM (
			SELECT device_id, seq, lag(seq, 1, 0) OVER (PARTITION BY device_id ORDER BY seq) AS prev
			FROM (SELECT DISTINCT device_id, seq FROM records))
		WHERE seq > prev + 1 ORDER BY device_id, seq`, func(rows *sql.Rows) error {
		var id string
		var from, to int64
		if err := rows.Scan(&id, &from, &to); err != nil {
			return err
		}
		return b.Hole(id, from, to)
	}); err != nil {
		return fmt.Errorf("gaps: %w", err)
	}
	return nil
}

func eachRow(ctx context.Context, tx *sql.Tx, query string, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query)
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
