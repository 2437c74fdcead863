package sqlitestore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
	"github.com/voces-cdmx/voces/internal/central/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) central.OperationsStore { return mustOpen(t) })
}

func TestAuditTamper(t *testing.T) {
	storetest.RunAuditTamper(t, func(t *testing.T) (central.OperationsStore, storetest.Tamper) {
		path := filepath.Join(t.TempDir(), "central.db")
		s, err := sqlitestore.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, storetest.Tamper{
			Unlock: `DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete`,
			Exec: func(t *testing.T, q string) error {
				db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				_, err = db.Exec(q)
				return err
			},
		}
	})
}
