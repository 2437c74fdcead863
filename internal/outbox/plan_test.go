package outbox

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueriesDoNotScanTheTable checks with EXPLAIN QUERY PLAN that no
// query of the queue reads the whole records table: rows hold sealed
// bodies inline and a device keeps tens of thousands of them, so a scan
// reads the whole file.
func TestQueriesDoNotScanTheTable(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []struct {
		name, sql string
		args      []any
	}{
		{"next batch", nextBatchSQL, []any{50}},
		{"each pending", eachPendingSQL, []any{1}},
		{"counts", countsSQL, nil},
		{"dead records", deadRecordsSQL, []any{10}},
		{"purge", purgeSQL, []any{1}},
		{"last pending, for wipe", lastPendingSQL, nil},
		{"queue head after apply", advanceHeadSQL, nil},
		{"sequence head of an append", headOfAppendSQL, nil},
		{"signer check", signedSQL, []any{"p1", []byte{1}}},
		{"guarded insert", guardedInsertSQL, []any{1, "id", "signature", "p1", "", []byte{1}, 0, 0, 1, []byte{2}, []byte("dev")}},
	} {
		t.Run(q.name, func(t *testing.T) {
			rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.sql, q.args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			for _, line := range plan {
				if strings.HasPrefix(line, "SCAN records") {
					t.Fatalf("plan scans the table:\n%s", strings.Join(plan, "\n"))
				}
			}
		})
	}
}
