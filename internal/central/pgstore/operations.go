package pgstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/voces-cdmx/voces/internal/central"
)

// surveyResponses is the counters row of survey responses aggregated.
const surveyResponses = "survey_responses"

// recordPage is how many records EachRecord reads per query.
const recordPage = 1000

// Tallies counts everything from the counter tables, in one snapshot.
func (s *Store) Tallies(ctx context.Context, now time.Time, loc *time.Location) (*central.Tallies, error) {
	b := central.NewTallyBuilder(now, loc)
	t := b.T
	err := s.view(ctx, func(tx pgx.Tx) error {
		if err := eachRow(ctx, tx, `SELECT kind, subject_id, channel, alcaldia, records FROM subject_totals`, nil, func(rows pgx.Rows) error {
			var k central.SubjectKey
			var n int64
			if err := rows.Scan(&k.Kind, &k.Subject, &k.Channel, &k.Alcaldia, &n); err != nil {
				return err
			}
			b.Subject(k.Kind, k.Subject, k.Channel, k.Alcaldia, n)
			return nil
		}); err != nil {
			return fmt.Errorf("count subjects: %w", err)
		}
		if err := eachRow(ctx, tx, `SELECT target, channel, author_alcaldia, count(*) FROM submissions
			WHERE kind = 'proposal' AND status IN ('published', 'merged') GROUP BY target, channel, author_alcaldia`, nil, func(rows pgx.Rows) error {
			var id, channel, area string
			var n int64
			if err := rows.Scan(&id, &channel, &area, &n); err != nil {
				return err
			}
			b.AuthorSupports(id, channel, area, n)
			return nil
		}); err != nil {
			return fmt.Errorf("count authors' supports: %w", err)
		}
		if err := eachRow(ctx, tx, `SELECT subject_id, signers FROM signer_totals`, nil, func(rows pgx.Rows) error {
			var id string
			var n int64
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			b.Signers(id, n)
			return nil
		}); err != nil {
			return fmt.Errorf("count signers: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(sum(duplicates), 0)::bigint FROM devices`).Scan(&t.Duplicates); err != nil {
			return fmt.Errorf("count duplicates: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM conflicts`).Scan(&t.Conflicts); err != nil {
			return fmt.Errorf("count conflicts: %w", err)
		}
		if err := eachRow(ctx, tx, `SELECT quarter, records FROM quarter_totals ORDER BY quarter`, nil, func(rows pgx.Rows) error {
			var q, n int64
			if err := rows.Scan(&q, &n); err != nil {
				return err
			}
			b.Received(central.QuarterStart(q), n)
			return nil
		}); err != nil {
			return fmt.Errorf("count days: %w", err)
		}
		from, to := central.LastHourMinutes(now)
		if err := tx.QueryRow(ctx, `SELECT coalesce(sum(records), 0)::bigint FROM minute_totals WHERE minute BETWEEN $1 AND $2`, from, to).
			Scan(&t.LastHour); err != nil {
			return fmt.Errorf("count last hour: %w", err)
		}
		if err := eachRow(ctx, tx, `SELECT question_id, bucket, key, n FROM survey_counts`, nil, func(rows pgx.Rows) error {
			var q, bucket, key string
			var n int64
			if err := rows.Scan(&q, &bucket, &key, &n); err != nil {
				return err
			}
			b.Survey(q, bucket, key, n)
			return nil
		}); err != nil {
			return fmt.Errorf("count survey answers: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(sum(n), 0)::bigint FROM counters WHERE name = $1`, surveyResponses).
			Scan(&t.Survey.Responses); err != nil {
			return fmt.Errorf("count survey responses: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tallies: %w", err)
	}
	return b.Finish(), nil
}

func (s *Store) queryRecords(ctx context.Context, query string, args ...any) ([]central.StoredRecord, error) {
	var out []central.StoredRecord
	err := eachRow(ctx, s.pool, query, args, func(rows pgx.Rows) error {
		r, err := central.ScanRecord(rows)
		if err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// UnaggregatedSurveys returns survey responses not aggregated yet, oldest
// first, from the partial index.
func (s *Store) UnaggregatedSurveys(ctx context.Context, limit int) ([]central.StoredRecord, error) {
	out, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records
		WHERE kind = 'survey_response' AND NOT aggregated AND body_state < $2 ORDER BY received_at, id LIMIT $1`, int64(limit), central.BodyQuarantined)
	if err != nil {
		return nil, fmt.Errorf("unaggregated surveys: %w", err)
	}
	return out, nil
}

// AggregateSurveys files the answers of several responses, each once, in
// one transaction. The UPDATE that marks the records locks their rows, so
// when two nodes aggregate the same records the second finds them done
// and adds nothing for them.
func (s *Store) AggregateSurveys(ctx context.Context, responses []central.SurveyAnswers) (int, error) {
	done := 0
	err := s.update(ctx, func(tx pgx.Tx) error {
		done = 0
		ids := make([][]byte, len(responses))
		for i, r := range responses {
			ids[i] = r.RecordID[:]
		}
		rows, err := tx.Query(ctx, `UPDATE records SET aggregated = true
			WHERE id = ANY($1) AND kind = 'survey_response' AND NOT aggregated RETURNING id`, ids)
		if err != nil {
			return err
		}
		marked := map[[16]byte]bool{}
		for rows.Next() {
			var id []byte
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			marked[[16]byte(id)] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var answers []map[string][]string
		for _, r := range responses {
			if marked[r.RecordID] {
				delete(marked, r.RecordID) // a record listed twice counts once
				answers = append(answers, r.Answers)
			}
		}
		if len(answers) == 0 {
			return nil
		}
		var qs, buckets, keys []string
		var ns []int64
		for _, c := range central.SurveyCounts(answers...) {
			qs, buckets, keys, ns = append(qs, c.Question), append(buckets, c.Bucket), append(keys, c.Key), append(ns, c.N)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO survey_counts (question_id, bucket, key, n)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
			ON CONFLICT (question_id, bucket, key) DO UPDATE SET n = survey_counts.n + excluded.n`, qs, buckets, keys, ns); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO counters (name, n) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET n = counters.n + excluded.n`,
			surveyResponses, int64(len(answers))); err != nil {
			return err
		}
		done = len(answers)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("aggregate surveys: %w", err)
	}
	return done, nil
}

// EachRecord pages through records by (device, seq, id), one query per
// page, so no transaction stays open while fn works.
func (s *Store) EachRecord(ctx context.Context, kind string, fn func(central.StoredRecord) error) error {
	var (
		device string
		seq    int64 = -1
		id           = []byte{}
	)
	for {
		page, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records
			WHERE ($1 = '' OR kind = $1) AND (device_id, seq, id) > ($2, $3, $4)
			ORDER BY device_id, seq, id LIMIT $5`, kind, device, seq, id, int64(recordPage))
		if err != nil {
			return fmt.Errorf("read records: %w", err)
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(page) < recordPage {
			return nil
		}
		last := page[len(page)-1]
		device, seq, id = last.DeviceID, int64(last.Seq), last.ID[:]
	}
}

// CountRecords counts stored records of a kind from the counters.
func (s *Store) CountRecords(ctx context.Context, kind string) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(sum(records), 0)::bigint FROM subject_totals WHERE $1 = '' OR kind = $1`, kind).Scan(&n); err != nil {
		return 0, fmt.Errorf("count records: %w", err)
	}
	return n, nil
}

// RecordsByReceipt finds records by receipt code.
func (s *Store) RecordsByReceipt(ctx context.Context, code string) ([]central.StoredRecord, error) {
	out, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records WHERE receipt = $1 ORDER BY received_at, id`, code)
	if err != nil {
		return nil, fmt.Errorf("find receipt: %w", err)
	}
	return out, nil
}

// CreateOperator adds an account.
func (s *Store) CreateOperator(ctx context.Context, o central.Operator) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO operators (name, password_hash, role, created_at, disabled_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (name) DO NOTHING`, o.Name, o.PasswordHash, string(cmp.Or(o.Role, central.RoleViewer)), o.CreatedAt.UnixMilli(), ms(o.DisabledAt))
	if err == nil && tag.RowsAffected() == 0 {
		err = central.ErrExists
	}
	if err != nil {
		return fmt.Errorf("create operator %q: %w", o.Name, err)
	}
	return nil
}

// SetOperatorPassword replaces an account's password hash.
func (s *Store) SetOperatorPassword(ctx context.Context, name, hash string) error {
	err := s.update(ctx, func(tx pgx.Tx) error {
		return changeOperator(ctx, tx, name, `UPDATE operators SET password_hash = $1 WHERE name = $2`, hash, name)
	})
	if err != nil {
		return fmt.Errorf("set password of operator %q: %w", name, err)
	}
	return nil
}

func scanOperator(sc interface{ Scan(...any) error }) (central.Operator, error) {
	var (
		o        central.Operator
		created  int64
		disabled *int64
	)
	if err := sc.Scan(&o.Name, &o.PasswordHash, &o.Role, &created, &disabled); err != nil {
		return o, err
	}
	o.CreatedAt = time.UnixMilli(created).UTC()
	o.DisabledAt = fromMS(disabled)
	return o, nil
}

// GetOperator returns one account.
func (s *Store) GetOperator(ctx context.Context, name string) (central.Operator, error) {
	o, err := scanOperator(s.pool.QueryRow(ctx, `SELECT name, password_hash, role, created_at, disabled_at FROM operators WHERE name = $1`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		err = central.ErrNotFound
	}
	if err != nil {
		return central.Operator{}, fmt.Errorf("operator %q: %w", name, err)
	}
	return o, nil
}

// ListOperators lists accounts by name.
func (s *Store) ListOperators(ctx context.Context) ([]central.Operator, error) {
	out := []central.Operator{}
	err := eachRow(ctx, s.pool, `SELECT name, password_hash, role, created_at, disabled_at FROM operators ORDER BY name`, nil, func(rows pgx.Rows) error {
		o, err := scanOperator(rows)
		if err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list operators: %w", err)
	}
	return out, nil
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, se central.Session) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO sessions (token_hash, operator, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		se.TokenHash, se.Operator, se.CSRFToken, se.CreatedAt.UnixMilli(), se.ExpiresAt.UnixMilli()); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// GetSession returns an unexpired session.
func (s *Store) GetSession(ctx context.Context, tokenHash []byte, now time.Time) (central.Session, error) {
	var (
		se               central.Session
		created, expires int64
	)
	err := s.pool.QueryRow(ctx, `SELECT s.token_hash, s.operator, s.csrf_token, o.role, s.created_at, s.expires_at
		FROM sessions s JOIN operators o ON o.name = s.operator
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.disabled_at IS NULL`, tokenHash, now.UnixMilli()).
		Scan(&se.TokenHash, &se.Operator, &se.CSRFToken, &se.Role, &created, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		err = central.ErrNotFound
	}
	if err != nil {
		return central.Session{}, fmt.Errorf("session: %w", err)
	}
	se.CreatedAt = time.UnixMilli(created).UTC()
	se.ExpiresAt = time.UnixMilli(expires).UTC()
	return se, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
