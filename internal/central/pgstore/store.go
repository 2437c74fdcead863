// Package pgstore is central's PostgreSQL database: a
// central.OperationsStore for deployments where one machine or one disk
// is not enough. It follows the counting rules of package central
// (central.Increments) and writes them as batches with counter deltas
// that any node folds later. Several stateless central processes may
// share one database: every rule a single SQLite writer gets for free (a
// token enrolls one device, a record id is stored once, counters add up)
// is kept here by unique constraints, INSERT … ON CONFLICT and row locks
// taken in a fixed order.
//
// Deployment: every central node gets the same --db URL (the primary) and
// a copy of the same data directory (the keys); nothing else is kept on a
// node, so nodes can sit behind a load balancer and come and go. Central
// answers a device only after a durable commit, so it reads and writes
// the primary; streaming replicas are for failover and for reporting
// queries. With synchronous_standby_names set, a commit (and therefore an
// acknowledgement) waits for a replica too.
package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"runtime"
	"sort"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/voces-cdmx/voces/internal/central"
)

var _ central.OperationsStore = (*Store)(nil)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLock is the advisory lock key that serialises migrations when
// several central processes start against one database at once.
const migrationLock = 0x766f636573 // "voces"

// maxAttempts bounds the retries of a transaction PostgreSQL aborted for a
// deadlock or a serialization failure; both are safe to run again.
const maxAttempts = 8

// FoldInterval is how often a node folds counter_deltas into the
// counters, at most: folding after every batch would add a transaction
// (and an fsync) to each.
const FoldInterval = time.Second

// Store is an open PostgreSQL database.
type Store struct {
	pool     *pgxpool.Pool
	lastFold atomic.Int64 // Unix nanoseconds of this node's last fold attempt

	// Log hears of failures in bookkeeping the store does on its own
	// (folding counter deltas); nil means slog.Default().
	Log *slog.Logger
}

// Open connects to the database a postgres:// URL names and applies
// migrations. Connection parameters PostgreSQL knows (search_path,
// sslmode, application_name, pool_max_conns…) may be given in the URL.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if cfg.MaxConns < int32(max(8, runtime.GOMAXPROCS(0))) && !hasParam(url, "pool_max_conns") {
		cfg.MaxConns = int32(max(8, runtime.GOMAXPROCS(0)))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	return s, nil
}

func hasParam(url, name string) bool {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return false
	}
	_, ok := cfg.RuntimeParams[name]
	return ok
}

// Pool exposes the connection pool for tests and benchmarks that need raw
// SQL. Application code uses the methods.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// migrate applies, in name order, each embedded migration the database
// has not seen, each in its own transaction under an advisory lock.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) migrateFile(ctx context.Context, name string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)`); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM migrations WHERE name = $1`, name).Scan(&n); err != nil {
			return err
		}
		if n != 0 {
			return nil
		}
		sqlText, err := fs.ReadFile(migrationFS, name)
		if err != nil {
			return err
		}
		// The simple protocol runs a file of several statements at once.
		if _, err := tx.Exec(ctx, string(sqlText), pgx.QueryExecModeSimpleProtocol); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO migrations (name) VALUES ($1)`, name)
		return err
	})
}

// update runs fn in a transaction and commits it, running it again when
// PostgreSQL aborts it for a deadlock or a serialization failure.
func (s *Store) update(ctx context.Context, fn func(tx pgx.Tx) error) error {
	var err error
	for range maxAttempts {
		err = pgx.BeginFunc(ctx, s.pool, fn)
		if !retryable(err) {
			return err
		}
	}
	return err
}

// view runs fn in a read-only repeatable-read transaction: one snapshot
// however many queries fn makes.
func (s *Store) view(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// ms and fromMS convert times; the zero time is stored as NULL.
func ms(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	v := t.UnixMilli()
	return &v
}

func fromMS(v *int64) time.Time {
	if v == nil {
		return time.Time{}
	}
	return time.UnixMilli(*v).UTC()
}

// eachRow runs a query and calls fn for every row.
func eachRow(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, query string, args []any, fn func(pgx.Rows) error) error {
	rows, err := q.Query(ctx, query, args...)
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
