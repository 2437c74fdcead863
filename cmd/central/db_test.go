package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/central/backend"
)

func TestDBFileFlag(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(t.TempDir(), "other.db")
	s, err := backend.Open(context.Background(), backend.Options{DataDir: dir, DB: dbPath, Create: true})
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
	t.Run("--db and --db-file together are a usage error", func(t *testing.T) {
		_, _, err := run(t, "token", "--data", dir, "--db", dbPath, "--db-file", secret(t, 0o600, dbPath))
		var ue *usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--db-file") {
			t.Errorf("token with both: %v, want a usage error", err)
		}
	})
	t.Run("serve refuses a world-readable file before making anything", func(t *testing.T) {
		fresh := filepath.Join(t.TempDir(), "data")
		_, _, err := run(t, "serve", "--data", fresh, "--addr", "127.0.0.1:0", "--db-file", secret(t, 0o604, dbPath))
		if err == nil || !strings.Contains(err.Error(), "readable by every user") {
			t.Errorf("serve: %v, want a refusal", err)
		}
		if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("serve made %s before refusing: %v", fresh, err)
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
