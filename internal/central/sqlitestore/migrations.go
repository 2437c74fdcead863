package sqlitestore

import (
	"context"
	"database/sql"
	"embed"

	"github.com/voces-cdmx/voces/internal/sqlitex"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrate applies the embedded migrations the file has not seen, in order.
func migrate(ctx context.Context, db *sql.DB) error {
	return sqlitex.Migrate(ctx, db, migrationFS, "migrations/*.sql")
}
