// Package outbox is a device's durable queue: the SQLite file the kiosk
// writes finished records to and syncd drains to central. It also holds the
// device's identity, its settings, the campaign content and sync status, so
// one file is the whole state of a device.
//
// Both processes open the file in WAL mode with a busy timeout and take
// write locks with BEGIN IMMEDIATE (or with a single write statement, which
// takes the lock before it reads), so neither ever sees SQLITE_BUSY from a
// lock upgrade half-way through a transaction.
package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/voces-cdmx/voces/internal/sqlitex"
)

// MinSQLiteVersion is the oldest SQLite this store accepts: earlier versions
// can corrupt a WAL database written by two processes at once.
const MinSQLiteVersion = sqlitex.MinVersion

// DefaultBusyTimeout is how long a writer waits for the other process's
// write lock. Transactions here are milliseconds long; a long wait means the
// other side is stuck, and the caller should hear about it.
const DefaultBusyTimeout = 10 * time.Second

// Errors callers act on.
var (
	ErrOldSQLite   = sqlitex.ErrOldSQLite
	ErrCorrupt     = errors.New("outbox file failed its integrity check")
	ErrNotEnrolled = errors.New("device is not enrolled")
	ErrNoCampaign  = errors.New("no campaign content on this device")
	ErrDuplicate   = errors.New("this person already supported this proposal on this device")
)

// Store is an open outbox file.
type Store struct {
	db   *sql.DB
	path string

	stmtHead  *sql.Stmt // device id and last sequence number
	stmtGuard *sql.Stmt // one record, in one statement that checks its own preconditions

	// appendMu orders this process's appends, and guards last: the
	// sequence number this process last stored or saw stored. It is only a
	// guess at the next number (another process may have appended since),
	// which guardedInsertSQL checks under the write lock.
	appendMu sync.Mutex
	last     uint64
	slow     int // appends that took the full transaction; tests read it

	reserveMu    sync.Mutex // guards reserveTried
	reserveTried time.Time  // last attempt to make the disk reserve (reserve.go)

	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// Open opens or creates the outbox at path, with file mode 0600, applies
// migrations and runs an integrity check. It refuses a file it cannot trust.
func Open(ctx context.Context, path string) (*Store, error) {
	// Create the file ourselves so it is private from the first byte; SQLite
	// gives the -wal and -shm files the same mode as the database.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open outbox: %w", err)
	}
	f.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		return nil, fmt.Errorf("open outbox: %w", err)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", DefaultBusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL: a record the UI calls saved survives a power cut, not only a
	// process crash. NORMAL in WAL mode may lose the last commits.
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open outbox: %w", err)
	}
	s := &Store{db: db, path: path, Now: time.Now}
	if err := s.check(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open outbox %s: %w", path, err)
	}
	if err := s.prepare(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open outbox %s: %w", path, err)
	}
	return s, nil
}

const (
	// headOfAppendSQL is the enrolled device and the last sequence number.
	headOfAppendSQL = `SELECT (SELECT value FROM config WHERE key = 'device_id'), (SELECT coalesce(max(seq), 0) FROM records)`
	// signedSQL counts the records of one signer for one subject.
	signedSQL = `SELECT count(*) FROM records WHERE subject_id = ? AND signer_index = ?`

	// guardedInsertSQL stores one record numbered and signed before the
	// write lock was taken, in a single autocommit statement, and only if
	// what the number and signature assumed still holds: the device is the
	// one that signed, the number follows the last stored record, and (for
	// a signature) the signer has not supported the subject here. A write
	// statement takes the write lock before its first read, as BEGIN
	// IMMEDIATE does, so the checks and the insert see one state. When a
	// check fails nothing is inserted and AppendRecords decides why. It is
	// also AppendRecords' insert, where only the signer check can fail.
	guardedInsertSQL = `INSERT INTO records
		(seq, id, kind, subject_id, event_id, signer_index, device_time, created_at, size, data, state, state_at)
		SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?8
		WHERE (SELECT value FROM config WHERE key = 'device_id') = ?11 -- a BLOB, as SetIdentity stores it
		AND (SELECT coalesce(max(seq), 0) FROM records) = ?1 - 1
		AND (?6 IS NULL OR NOT EXISTS (SELECT 1 FROM records WHERE subject_id = ?4 AND signer_index = ?6))`
)

// prepare compiles the statements of the append path once: compiling them
// per record cost as much CPU as the insert itself, and all of it is spent
// holding the write lock the other process waits on.
func (s *Store) prepare(ctx context.Context) error {
	var err error
	for _, p := range []struct {
		stmt **sql.Stmt
		text string
	}{
		{&s.stmtHead, headOfAppendSQL},
		{&s.stmtGuard, guardedInsertSQL},
	} {
		if *p.stmt, err = s.db.PrepareContext(ctx, p.text); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) check(ctx context.Context) error {
	if err := sqlitex.CheckVersion(ctx, s.db); err != nil {
		return fmt.Errorf("open outbox %s: %w", s.path, err)
	}
	rows, err := s.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, s.path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrCorrupt, s.path, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, s.path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s: %s", ErrCorrupt, s.path, strings.Join(problems, "; "))
	}
	return nil
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// FreeDisk is FreeDisk of the file system holding the outbox, for the
// heartbeat and the health screen, which hold the store through an
// interface.
func (s *Store) FreeDisk() uint64 { return FreeDisk(filepath.Dir(s.path)) }

// Close closes the file.
func (s *Store) Close() error {
	for _, st := range []*sql.Stmt{s.stmtHead, s.stmtGuard} {
		if st != nil {
			st.Close()
		}
	}
	return s.db.Close()
}

// DB exposes the handle for tests and tools that need raw SQL (integrity
// checks, fault injection). Application code uses the methods.
func (s *Store) DB() *sql.DB { return s.db }

// write runs fn in a BEGIN IMMEDIATE transaction and commits it.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Time reads the store's clock (Now), for code that holds the store
// through an interface (bundle.Export stamps its header with it), so a
// test's clock reaches there too.
func (s *Store) Time() time.Time { return s.Now() }

func (s *Store) nowMS() int64 { return s.Now().UnixMilli() }
