package main

import (
	"context"
	"errors"
	"testing"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/pgstore"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
	"github.com/voces-cdmx/voces/internal/central/storetest"
)

func TestOpenStore(t *testing.T) {
	ctx := context.Background()
	t.Run("a data directory serve never ran on is refused", func(t *testing.T) {
		if _, err := openStore(ctx, t.TempDir(), "", false); !errors.Is(err, central.ErrNotInitialized) {
			t.Errorf("open: %v, want ErrNotInitialized", err)
		}
	})
	t.Run("serve creates the SQLite database", func(t *testing.T) {
		s, err := openStore(ctx, t.TempDir(), "", true)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, ok := s.(*sqlitestore.Store); !ok {
			t.Errorf("store is %T, want *sqlitestore.Store", s)
		}
	})
	t.Run("a postgres URL opens PostgreSQL with the operator views", func(t *testing.T) {
		s, err := openStore(ctx, t.TempDir(), storetest.PostgresURL(t), false)
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
