// Package backend opens central's database by the name an operator gives:
// a SQLite file (by default central.DBFile in the data directory) or a
// postgres:// URL, read from the command line or from a private file.
// It is the one place that knows both stores.
package backend

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/pgstore"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
)

// Options name a database.
type Options struct {
	DataDir string // the data directory; its central.DBFile is the default database
	DB      string // a SQLite file path or a postgres:// URL; "" for the default
	// Create lets a missing SQLite database be created (central serve).
	// Otherwise a directory serve never ran on is refused, rather than
	// left with an empty database. A PostgreSQL database is created by
	// its administrator; opening it applies any migration it lacks.
	Create bool
	Logger *slog.Logger // hears of the store's own bookkeeping failures; nil for slog.Default()
}

// IsPostgres reports whether db names a PostgreSQL database.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Open opens the database o names.
func Open(ctx context.Context, o Options) (central.OperationsStore, error) {
	if IsPostgres(o.DB) {
		s, err := pgstore.Open(ctx, o.DB)
		if err != nil {
			return nil, err
		}
		s.Log = o.Logger
		return s, nil
	}
	path := o.DB
	if path == "" {
		path = filepath.Join(o.DataDir, central.DBFile)
	}
	if !o.Create {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w (no database at %s)", central.ErrNotInitialized, path)
		}
	}
	return sqlitestore.Open(ctx, path)
}

// ReadDBFile reads a database name from a file (a systemd credential,
// say), so a PostgreSQL password is not on a command line where ps shows
// it. A file other users may read is refused: it holds a password.
func ReadDBFile(name string) (string, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return "", fmt.Errorf("read --db-file: %w", err)
	}
	if fi.Mode().Perm()&0o004 != 0 {
		return "", fmt.Errorf("read --db-file: %s is readable by every user (mode %04o); it holds the database password: chmod o-r it", name, fi.Mode().Perm())
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("read --db-file: %w", err)
	}
	db := strings.TrimSpace(string(data))
	if db == "" {
		return "", fmt.Errorf("read --db-file: %s is empty", name)
	}
	return db, nil
}
