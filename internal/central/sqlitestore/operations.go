package sqlitestore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

var _ central.OperationsStore = (*Store)(nil)

// surveyResponses is the counters row of survey responses aggregated.
const surveyResponses = "survey_responses"

// recordPage is how many records EachRecord reads per query.
const recordPage = 1000

// Tallies counts everything from the counter tables, in one snapshot.
func (s *Store) Tallies(ctx context.Context, now time.Time, loc *time.Location) (*central.Tallies, error) {
	b := central.NewTallyBuilder(now, loc)
	t := b.T
	err := s.view(ctx, func(tx *sql.Tx) error {
		if err := eachRow(ctx, tx, `SELECT kind, subject_id, channel, alcaldia, records FROM subject_counts`, func(rows *sql.Rows) error {
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
			WHERE kind = 'proposal' AND status IN ('published', 'merged') GROUP BY target, channel, author_alcaldia`, func(rows *sql.Rows) error {
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
		if err := eachRow(ctx, tx, `SELECT subject_id, signers FROM signer_counts`, func(rows *sql.Rows) error {
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
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(duplicates), 0) FROM devices`).Scan(&t.Duplicates); err != nil {
			return fmt.Errorf("count duplicates: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM conflicts`).Scan(&t.Conflicts); err != nil {
			return fmt.Errorf("count conflicts: %w", err)
		}
		if err := eachRow(ctx, tx, `SELECT quarter, records FROM quarter_counts ORDER BY quarter`, func(rows *sql.Rows) error {
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
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(records), 0) FROM minute_counts WHERE minute BETWEEN ? AND ?`, from, to).
			Scan(&t.LastHour); err != nil {
			return fmt.Errorf("count last hour: %w", err)
		}
		if err := eachRow(ctx, tx, `SELECT question_id, bucket, key, n FROM survey_counts`, func(rows *sql.Rows) error {
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
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0) FROM counters WHERE name = ?`, surveyResponses).
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
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []central.StoredRecord
	for rows.Next() {
		r, err := central.ScanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// UnaggregatedSurveys returns survey responses not aggregated yet, oldest
// first, from the partial index.
func (s *Store) UnaggregatedSurveys(ctx context.Context, limit int) ([]central.StoredRecord, error) {
	out, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records
		WHERE kind = 'survey_response' AND aggregated = 0 AND body_state < ? ORDER BY received_at, id LIMIT ?`, central.BodyQuarantined, limit)
	if err != nil {
		return nil, fmt.Errorf("unaggregated surveys: %w", err)
	}
	return out, nil
}

// AggregateSurveys files the answers of several responses, each once, in
// one transaction: counters are summed in memory and written once per key.
func (s *Store) AggregateSurveys(ctx context.Context, responses []central.SurveyAnswers) (int, error) {
	done := 0
	err := s.update(ctx, func(tx *sql.Tx) error {
		done = 0
		mark, err := tx.PrepareContext(ctx, `UPDATE records SET aggregated = 1 WHERE id = ? AND kind = 'survey_response' AND aggregated = 0`)
		if err != nil {
			return err
		}
		defer mark.Close()
		var marked []map[string][]string
		for _, r := range responses {
			res, err := mark.ExecContext(ctx, r.RecordID[:])
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				marked = append(marked, r.Answers)
			}
		}
		if len(marked) == 0 {
			return nil
		}
		add, err := tx.PrepareContext(ctx, `INSERT INTO survey_counts (question_id, bucket, key, n) VALUES (?, ?, ?, ?)
			ON CONFLICT (question_id, bucket, key) DO UPDATE SET n = n + excluded.n`)
		if err != nil {
			return err
		}
		defer add.Close()
		for _, c := range central.SurveyCounts(marked...) {
			if _, err := add.ExecContext(ctx, c.Question, c.Bucket, c.Key, c.N); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO counters (name, n) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET n = n + excluded.n`,
			surveyResponses, len(marked)); err != nil {
			return err
		}
		done = len(marked)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("aggregate surveys: %w", err)
	}
	return done, nil
}

// EachRecord pages through records by (device, seq, id), one query per
// page, so no read transaction stays open while fn works.
func (s *Store) EachRecord(ctx context.Context, kind string, fn func(central.StoredRecord) error) error {
	var (
		device string
		seq    int64 = -1
		id           = []byte{} // not NULL: a row comparison with NULL is never true
	)
	for {
		page, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records
			WHERE (? = '' OR kind = ?) AND (device_id, seq, id) > (?, ?, ?)
			ORDER BY device_id, seq, id LIMIT ?`, kind, kind, device, seq, id, recordPage)
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
	if err := s.read.QueryRowContext(ctx, `SELECT coalesce(sum(records), 0) FROM subject_counts WHERE ? = '' OR kind = ?`, kind, kind).Scan(&n); err != nil {
		return 0, fmt.Errorf("count records: %w", err)
	}
	return n, nil
}

// RecordsByReceipt finds records by receipt code.
func (s *Store) RecordsByReceipt(ctx context.Context, code string) ([]central.StoredRecord, error) {
	out, err := s.queryRecords(ctx, `SELECT `+central.RecordColumns+` FROM records WHERE receipt = ? ORDER BY received_at, id`, code)
	if err != nil {
		return nil, fmt.Errorf("find receipt: %w", err)
	}
	return out, nil
}

// CreateOperator adds an account.
func (s *Store) CreateOperator(ctx context.Context, o central.Operator) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO operators (name, password_hash, role, created_at, disabled_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (name) DO NOTHING`, o.Name, o.PasswordHash, cmp.Or(o.Role, central.RoleViewer), o.CreatedAt.UnixMilli(), ms(o.DisabledAt))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return central.ErrExists
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create operator %q: %w", o.Name, err)
	}
	return nil
}

// SetOperatorPassword replaces an account's password hash.
func (s *Store) SetOperatorPassword(ctx context.Context, name, hash string) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		return changeOperator(ctx, tx, name, `UPDATE operators SET password_hash = ? WHERE name = ?`, hash, name)
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
		disabled sql.NullInt64
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
	o, err := scanOperator(s.read.QueryRowContext(ctx, `SELECT name, password_hash, role, created_at, disabled_at FROM operators WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
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
	err := s.view(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT name, password_hash, role, created_at, disabled_at FROM operators ORDER BY name`, func(rows *sql.Rows) error {
			o, err := scanOperator(rows)
			if err != nil {
				return err
			}
			out = append(out, o)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list operators: %w", err)
	}
	return out, nil
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, se central.Session) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, operator, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			se.TokenHash, se.Operator, se.CSRFToken, se.CreatedAt.UnixMilli(), se.ExpiresAt.UnixMilli())
		return err
	})
	if err != nil {
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
	err := s.read.QueryRowContext(ctx, `SELECT s.token_hash, s.operator, s.csrf_token, o.role, s.created_at, s.expires_at
		FROM sessions s JOIN operators o ON o.name = s.operator
		WHERE s.token_hash = ? AND s.expires_at > ? AND o.disabled_at IS NULL`, tokenHash, now.UnixMilli()).
		Scan(&se.TokenHash, &se.Operator, &se.CSRFToken, &se.Role, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
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
	err := s.update(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
