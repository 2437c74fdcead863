package pgstore_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/pgstore"
	"github.com/voces-cdmx/voces/internal/central/storetest"
)

func mustOpen(t *testing.T) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(context.Background(), storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) central.OperationsStore { return mustOpen(t) })
}

func TestAuditTamper(t *testing.T) {
	storetest.RunAuditTamper(t, func(t *testing.T) (central.OperationsStore, storetest.Tamper) {
		url := storetest.PostgresURL(t)
		s, err := pgstore.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, storetest.Tamper{
			Unlock: `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`,
			Exec: func(t *testing.T, q string) error {
				conn, err := pgx.Connect(context.Background(), url)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close(context.Background())
				_, err = conn.Exec(context.Background(), q)
				return err
			},
		}
	})
}

// TestAuditTwoNodes appends from two stores on one database at once, as
// two central nodes behind a load balancer would.
func TestAuditTwoNodes(t *testing.T) {
	url := storetest.PostgresURL(t)
	var stores []*pgstore.Store
	for range 2 {
		s, err := pgstore.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	storetest.AuditConcurrent(t, stores[0], stores[1])
}
