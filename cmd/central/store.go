package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/pgstore"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
)

const (
	dataUsage   = "central's data directory `DIR`: keys, the recorded public URL and the SQLite database"
	dbUsage     = "`DATABASE` to use instead of DIR/" + central.DBFile + ": a SQLite file path, or a postgres://USER:PASSWORD@HOST/DB URL (DIR still holds the keys)"
	dbFileUsage = "read the --db value from `FILE` (not readable by others), so a PostgreSQL password is not on the command line"
)

// dbFlags are the flags of every command that opens central's database.
type dbFlags struct {
	data, db, dbFile *string
}

func addDBFlags(fs *flag.FlagSet) *dbFlags {
	return &dbFlags{fs.String("data", "", dataUsage), fs.String("db", "", dbUsage), fs.String("db-file", "", dbFileUsage)}
}

// check refuses a command line without --data, or with both --db and
// --db-file, and reads --db-file, before anything is made.
func (f *dbFlags) check() error {
	if *f.data == "" {
		return &usageError{"--data DIR is required"}
	}
	if *f.db != "" && *f.dbFile != "" {
		return &usageError{"--db and --db-file name the same thing; give one"}
	}
	if *f.dbFile == "" {
		return nil
	}
	db, err := readDBFile(*f.dbFile)
	*f.db = db
	return err
}

// opener returns the OpenStore function of a central.Config. Only serve
// creates a SQLite database (create); the other commands refuse a
// directory serve has never run on, rather than leave an empty database
// behind. A PostgreSQL database is created by its administrator; opening
// it applies any migration it lacks.
func (f *dbFlags) opener(m *Main, create bool) func(context.Context) (central.OperationsStore, error) {
	return func(ctx context.Context) (central.OperationsStore, error) {
		return openStore(ctx, m, *f.data, *f.db, create)
	}
}

// open opens the database for a command that needs no keys.
func (f *dbFlags) open(ctx context.Context, m *Main) (central.OperationsStore, error) {
	return f.opener(m, false)(ctx)
}

func openStore(ctx context.Context, m *Main, dataDir, db string, create bool) (central.OperationsStore, error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		s, err := pgstore.Open(ctx, db)
		if err == nil {
			s.Log = m.Logger
		}
		return s, err
	}
	path := db
	if path == "" {
		path = filepath.Join(dataDir, central.DBFile)
	}
	if !create {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w (no database at %s)", central.ErrNotInitialized, path)
		}
	}
	return sqlitestore.Open(ctx, path)
}

// readDBFile reads a --db value from a file (a systemd credential, say),
// refusing one other users may read: it holds a password.
func readDBFile(name string) (string, error) {
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
