package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
)

const (
	dataUsage = "central's data directory `DIR`: keys, the recorded public URL and the SQLite database"
	dbUsage   = "`DATABASE` to use instead of DIR/" + central.DBFile + ": a SQLite file path (postgres:// URLs in a later release)"
)

// openStore opens the database of a data directory, or the one --db names.
// Only serve creates a database; the other commands refuse a directory
// serve has never run on, rather than leave an empty database behind.
func openStore(ctx context.Context, dataDir, db string, create bool) (central.Store, error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return nil, errors.New("PostgreSQL is not available in this build yet; omit --db to use the embedded SQLite database")
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

func requireData(dataDir string) error {
	if dataDir == "" {
		return &usageError{"--data DIR is required"}
	}
	return nil
}
