package sqlitex

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	_ "modernc.org/sqlite"
)

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"3.51.3", "3.51.3", 0},
		{"3.51.2", "3.51.3", -1},
		{"3.9.0", "3.51.3", -1},
		{"3.54.1", "3.51.3", 1},
		{"4.0", "3.51.3", 1},
	} {
		if got := CompareVersions(c.a, c.b); got != c.want {
			t.Errorf("CompareVersions(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestMigrateAppliesEachFileOnceInOrder(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := CheckVersion(ctx, db); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"m/0002_add.sql":  {Data: []byte(`INSERT INTO t (v) VALUES ('second');`)},
		"m/0001_init.sql": {Data: []byte(`CREATE TABLE t (v TEXT); INSERT INTO t (v) VALUES ('first');`)},
	}
	for range 2 {
		if err := Migrate(ctx, db, fsys, "m/*.sql"); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Query(`SELECT v FROM t ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var v string
		rows.Scan(&v)
		got = append(got, v)
	}
	if len(got) != 2 || got[0] != "first" || got[1] != "second" {
		t.Fatalf("rows = %v, want [first second] once each", got)
	}
	// A broken migration leaves nothing half-applied and is named.
	fsys["m/0003_bad.sql"] = &fstest.MapFile{Data: []byte(`INSERT INTO t (v) VALUES ('x'); NOT SQL;`)}
	if err := Migrate(ctx, db, fsys, "m/*.sql"); err == nil || !contains(err.Error(), "0003_bad.sql") {
		t.Fatalf("broken migration err = %v", err)
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM t`).Scan(&n)
	if n != 2 {
		t.Fatalf("a failed migration left %d rows, want 2", n)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
