package backend

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/pgstore"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
	"github.com/voces-cdmx/voces/internal/central/storetest"
)

func TestOpen(t *testing.T) {
	ctx := context.Background()
	t.Run("a data directory serve never ran on is refused", func(t *testing.T) {
		if _, err := Open(ctx, Options{DataDir: t.TempDir()}); !errors.Is(err, central.ErrNotInitialized) {
			t.Errorf("open: %v, want ErrNotInitialized", err)
		}
	})
	t.Run("serve creates the SQLite database", func(t *testing.T) {
		s, err := Open(ctx, Options{DataDir: t.TempDir(), Create: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, ok := s.(*sqlitestore.Store); !ok {
			t.Errorf("store is %T, want *sqlitestore.Store", s)
		}
	})
	t.Run("a postgres URL opens PostgreSQL with the operator views", func(t *testing.T) {
		s, err := Open(ctx, Options{DataDir: t.TempDir(), DB: storetest.PostgresURL(t)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, ok := s.(*pgstore.Store); !ok {
			t.Errorf("store is %T, want *pgstore.Store", s)
		}
	})
}

// secretFile writes content to a file of the given mode.
func secretFile(t *testing.T, mode os.FileMode, content string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "db-url")
	if err := os.WriteFile(f, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(f, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return f
}

func TestReadDBFile(t *testing.T) {
	const url = "postgres://voces:secret@db.example/voces"
	for _, tt := range []struct {
		name    string
		mode    os.FileMode
		content string
		want    string // the value, or words of the error
		ok      bool
	}{
		{"a private file gives its line", 0o600, url + "\n", url, true},
		{"a file its group may read is fine (systemd credentials)", 0o640, url, url, true},
		{"a file every user may read is refused", 0o644, url, "readable by every user", false},
		{"an empty file is refused", 0o400, " \n", "is empty", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadDBFile(secretFile(t, tt.mode, tt.content))
			switch {
			case tt.ok && (err != nil || got != tt.want):
				t.Errorf("ReadDBFile = %q, %v; want %q", got, err, tt.want)
			case !tt.ok && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("ReadDBFile = %q, %v; want an error saying %q", got, err, tt.want)
			}
		})
	}
	if _, err := ReadDBFile(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
}
