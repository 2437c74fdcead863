package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/pgstore"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
	"github.com/voces-cdmx/voces/internal/central/storetest"
)

func TestOpenStore(t *testing.T) {
	ctx := context.Background()
	t.Run("a data directory serve never ran on is refused", func(t *testing.T) {
		if _, err := openStore(ctx, NewMain(), t.TempDir(), "", false); !errors.Is(err, central.ErrNotInitialized) {
			t.Errorf("open: %v, want ErrNotInitialized", err)
		}
	})
	t.Run("serve creates the SQLite database", func(t *testing.T) {
		s, err := openStore(ctx, NewMain(), t.TempDir(), "", true)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, ok := s.(*sqlitestore.Store); !ok {
			t.Errorf("store is %T, want *sqlitestore.Store", s)
		}
	})
	t.Run("a postgres URL opens PostgreSQL with the operator views", func(t *testing.T) {
		s, err := openStore(ctx, NewMain(), t.TempDir(), storetest.PostgresURL(t), false)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, ok := s.(*pgstore.Store); !ok {
			t.Errorf("store is %T, want *pgstore.Store", s)
		}
		if _, ok := s.(central.OperationsStore); !ok {
			t.Error("store lacks central.OperationsStore")
		}
	})
}

func TestDBFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(t.TempDir(), "other.db")
	s, err := openStore(ctx, NewMain(), dir, dbPath, true)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	secret := func(t *testing.T, mode os.FileMode, content string) string {
		f := filepath.Join(t.TempDir(), "db-url")
		if err := os.WriteFile(f, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(f, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return f
	}
	t.Run("the database named in a private file is opened", func(t *testing.T) {
		out, _, err := run(t, "stats", "--data", dir, "--db-file", secret(t, 0o600, dbPath+"\n"), "--json")
		if err != nil || !strings.Contains(out, `"records": 0`) {
			t.Errorf("stats with --db-file: %v\n%s", err, out)
		}
	})
	t.Run("a file others may read is refused", func(t *testing.T) {
		_, _, err := run(t, "devices", "--data", dir, "--db-file", secret(t, 0o644, dbPath))
		if err == nil || !strings.Contains(err.Error(), "readable by every user") {
			t.Errorf("devices with a world-readable --db-file: %v, want a refusal", err)
		}
	})
	t.Run("an empty file is refused", func(t *testing.T) {
		_, _, err := run(t, "stats", "--data", dir, "--db-file", secret(t, 0o400, "\n"))
		if err == nil || !strings.Contains(err.Error(), "is empty") {
			t.Errorf("stats with an empty --db-file: %v, want a refusal", err)
		}
	})
	t.Run("--db and --db-file together are a usage error", func(t *testing.T) {
		_, _, err := run(t, "token", "--data", dir, "--db", dbPath, "--db-file", secret(t, 0o600, dbPath))
		var ue *usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--db-file") {
			t.Errorf("token with both: %v, want a usage error", err)
		}
	})
	t.Run("every command that takes --db documents --db-file", func(t *testing.T) {
		for _, cmd := range []string{"serve", "token", "devices", "stats", "operators", "export", "import"} {
			_, help, err := run(t, cmd, "--help")
			if !errors.Is(err, flag.ErrHelp) || !strings.Contains(help, "-db-file FILE") || !strings.Contains(help, "--db-file FILE") {
				t.Errorf("central %s --help does not document --db-file:\n%s", cmd, help)
			}
		}
	})
}
