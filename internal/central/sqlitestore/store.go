// Package sqlitestore is central's embedded database: a central.Store and
// central.OperationsStore in one SQLite file, for a single server on one
// disk. It follows the counting rules of package central
// (central.Increments), written with prepared statements on its one
// writer connection.
//
// Writes go through one connection, in BEGIN IMMEDIATE transactions, so
// they queue in Go rather than fail with SQLITE_BUSY; reads use a pool of
// read-only connections and never block the writer (WAL). Other processes
// (the central CLI) may open the same file at the same time.
package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/sqlitex"
)

var _ central.Store = (*Store)(nil)

// MinSQLiteVersion is the oldest SQLite this store accepts: earlier versions
// can corrupt a WAL database written by two processes at once.
const MinSQLiteVersion = sqlitex.MinVersion

// DefaultBusyTimeout is how long a writer waits for another process's
// write lock before giving up.
const DefaultBusyTimeout = 10 * time.Second

// ErrOldSQLite means the bundled SQLite is older than MinSQLiteVersion.
var ErrOldSQLite = sqlitex.ErrOldSQLite

// Store is an open central database.
type Store struct {
	write *sql.DB // one connection, BEGIN IMMEDIATE
	read  *sql.DB // read-only pool
	path  string

	insertRecord      *sql.Stmt // prepared on the write connection
	recordHash        *sql.Stmt
	insertConflict    *sql.Stmt
	addTally          *sql.Stmt
	touchDevice       *sql.Stmt
	upsertSubject     *sql.Stmt
	upsertQuarter     *sql.Stmt
	upsertMinute      *sql.Stmt
	insertSigner      *sql.Stmt
	upsertSignerCount *sql.Stmt
	deviceByID        *sql.Stmt // prepared on the read pool

	ckptDB *sql.DB       // the checkpointer's connection
	ckpt   *checkpointer // started once migrations have run
}

// Open opens or creates the database at path (mode 0600) and applies
// migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	// Create the file ourselves so it is private from the first byte; SQLite
	// gives the -wal and -shm files the same mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	f.Close()
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", DefaultBusyTimeout.Milliseconds()))
	q.Set("_journal_mode", "WAL")
	// FULL: an acknowledged batch survives a power cut, not only a crash.
	// The group commit makes the extra fsync affordable.
	q.Set("_synchronous", "FULL")
	wq := url.Values{}
	for k, v := range q {
		wq[k] = v
	}
	wq.Set("_txlock", "immediate")
	// A full group commit (central.DefaultMaxGroupRecords records, with
	// the index pages they touch) fits in the writer's cache (32 MB)
	// instead of spilling to the WAL half-way. Checkpoints are the checkpointer's (checkpoint.go); the
	// writer's own is a backstop. The page size stays at 4 KB: the receipt
	// and signer indexes take keys in random order, and each one dirties a
	// whole page.
	wq.Add("_pragma", "cache_size(-32768)")
	wq.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", fallbackCheckpointPages))
	write, err := sql.Open("sqlite", "file:"+path+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)
	q.Add("_pragma", "query_only(1)")
	read, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	read.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	cq := url.Values{}
	for k, v := range q {
		if k != "_pragma" {
			cq[k] = v
		}
	}
	cq.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", DefaultBusyTimeout.Milliseconds()))
	ckpt, err := sql.Open("sqlite", "file:"+path+"?"+cq.Encode())
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	ckpt.SetMaxOpenConns(1)
	s := &Store{write: write, read: read, path: path, ckptDB: ckpt}
	if err := s.open(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	if err := sqlitex.CheckVersion(ctx, s.write); err != nil {
		return err
	}
	if err := migrate(ctx, s.write); err != nil {
		return err
	}
	stmts := []struct {
		to  **sql.Stmt
		sql string
	}{
		{&s.insertRecord, `INSERT INTO records (id, device_id, seq, kind, campaign_id, campaign_version, subject_id,
			device_time, received_at, mode, channel, event_id, alcaldia, signer_index, receipt, sha256, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`},
		{&s.recordHash, `SELECT sha256 FROM records WHERE id = ?`},
		{&s.insertConflict, `INSERT INTO conflicts (record_id, sha256, device_id, channel, received_at, data)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (record_id, sha256) DO NOTHING`},
		{&s.addTally, `INSERT INTO tallies (device_id, kind, channel, records) VALUES (?, ?, ?, ?)
			ON CONFLICT (device_id, kind, channel) DO UPDATE SET records = records + excluded.records`},
		{&s.touchDevice, `UPDATE devices SET last_seen = max(coalesce(last_seen, 0), ?), duplicates = duplicates + ?
			WHERE id = ?`},
		{&s.upsertSubject, upsertSubjectCount},
		{&s.upsertQuarter, upsertQuarterCount},
		{&s.upsertMinute, upsertMinuteCount},
		{&s.insertSigner, insertSigner},
		{&s.upsertSignerCount, upsertSignerCount},
	}
	for _, st := range stmts {
		p, err := s.write.PrepareContext(ctx, st.sql)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		*st.to = p
	}
	p, err := s.read.PrepareContext(ctx, deviceQuery)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	s.deviceByID = p
	s.ckpt = newCheckpointer(s.ckptDB)
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database, keeping the first error.
func (s *Store) Close() error {
	var first error
	if s.ckpt != nil {
		s.ckpt.stop()
	}
	for _, st := range []*sql.Stmt{s.insertRecord, s.recordHash, s.insertConflict, s.addTally, s.touchDevice,
		s.upsertSubject, s.upsertQuarter, s.upsertMinute, s.insertSigner, s.upsertSignerCount, s.deviceByID} {
		if st != nil {
			if err := st.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	for _, db := range []*sql.DB{s.ckptDB, s.read, s.write} {
		if err := db.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// DB exposes the write handle for tests that need raw SQL. Application
// code uses the methods.
func (s *Store) DB() *sql.DB { return s.write }

// update runs fn in a BEGIN IMMEDIATE transaction and commits it.
func (s *Store) update(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.ckpt.committed()
	return nil
}

// CheckpointStats says what the background checkpointer has done so far.
func (s *Store) CheckpointStats() CheckpointStats {
	st, _ := s.ckpt.snapshot()
	return st
}

// view runs fn in a read transaction: one consistent snapshot however many
// queries fn makes.
func (s *Store) view(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// ms and fromMS convert times; the zero time is stored as NULL.
func ms(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}
