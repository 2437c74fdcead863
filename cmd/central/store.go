package main

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

const (
	dataUsage = "central's data directory `DIR`: keys, the recorded public URL and the SQLite database"
	dbUsage   = "`DATABASE` to use instead of DIR/" + central.DBFile + ": a SQLite file path, or a postgres://USER:PASSWORD@HOST/DB URL (DIR still holds the keys)"
)

// openStore opens the database of a data directory, or the one --db names.
// Only serve creates a SQLite database; the other commands refuse a
// directory serve has never run on, rather than leave an empty database
// behind. A PostgreSQL database is created by its administrator; opening
// it applies any migration it lacks. Both stores implement
// central.OperationsStore.
func openStore(ctx context.Context, dataDir, db string, create bool) (central.Store, error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return pgstore.Open(ctx, db)
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

// startSurveys runs the survey aggregation worker while serve runs, when
// this server holds the campaign private key and its store keeps
// aggregates. The returned function stops it and waits.
func startSurveys(ctx context.Context, store central.Store, keys *central.Keys, log *slog.Logger) (stop func()) {
	agg, ok := store.(central.SurveyStore)
	if !ok || keys.SealPrivate == nil || keys.SealPublic == nil {
		log.Info("survey aggregation off: no campaign private key in the data directory")
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		central.RunSurveys(ctx, agg, keys.SealPublic, keys.SealPrivate, central.DefaultSurveyInterval, log)
	}()
	return func() {
		cancel()
		<-done
	}
}
