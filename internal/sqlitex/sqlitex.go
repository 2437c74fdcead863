// Package sqlitex holds what every SQLite file of Voces needs on opening:
// the bundled-version check and ordered, embedded migrations. The device's
// outbox and central's SQLite store both use it.
package sqlitex

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// MinVersion is the oldest SQLite Voces accepts: earlier versions can
// corrupt a WAL database written by two processes at once.
const MinVersion = "3.51.3"

// ErrOldSQLite means the bundled SQLite is older than MinVersion.
var ErrOldSQLite = errors.New("bundled SQLite is too old")

// CheckVersion refuses a SQLite library older than MinVersion.
func CheckVersion(ctx context.Context, db *sql.DB) error {
	var v string
	if err := db.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&v); err != nil {
		return fmt.Errorf("read SQLite version: %w", err)
	}
	if CompareVersions(v, MinVersion) < 0 {
		return fmt.Errorf("%w: %s, need %s or later", ErrOldSQLite, v, MinVersion)
	}
	return nil
}

// CompareVersions compares dotted version strings numerically.
func CompareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Migrate applies, in name order, each migration in fsys matching pattern
// that the database has not seen, each in its own transaction with its
// bookkeeping row, so a crash between two leaves the file at a clean step.
func Migrate(ctx context.Context, db *sql.DB, fsys fs.FS, pattern string) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY) WITHOUT ROWID`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := migrateFile(ctx, db, fsys, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func migrateFile(ctx context.Context, db *sql.DB, fsys fs.FS, name string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n != 0 {
		return nil
	}
	text, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(text)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name) VALUES (?)`, name); err != nil {
		return err
	}
	return tx.Commit()
}
