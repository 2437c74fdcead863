package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/record"
)

// TestOperatorRolesAndAudit drives the operator verbs, an export and a
// revocation from the command line, checks that each lands in the audit
// log with the command line as actor, that passwd, disable and remove end
// sessions, and that audit verify passes, then fails once an entry is
// edited in the database behind its back.
func TestOperatorRolesAndAudit(t *testing.T) {
	c := centraltest.Start(t)
	ctx := context.Background()
	d := c.NewDevice(t, record.ModeKiosk)
	allAccepted(t, d.Upload(t, d.Records(t, 4)))
	ops := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		m := &Main{Stdout: &out, Stderr: io.Discard, Logger: NewMain().Logger}
		err := (&OperatorsCommand{main: m, Stdin: strings.NewReader(stdin)}).Run(ctx, append(args, "--data", c.Dir))
		return out.String(), err
	}
	for _, name := range []string{"ana", "beto", "ciro"} {
		if _, err := ops("a long password\n", "add", name); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := ops("a long password\n", "--role", "data_officer", "add", "dora"); err != nil || !strings.Contains(out, "as data-officer") {
		t.Fatalf("add --role: %q %v", out, err)
	}
	var ue *usageError
	if _, err := ops("", "--role", "root", "add", "eva"); !errors.As(err, &ue) {
		t.Errorf("an unknown role: %v, want a usage error", err)
	}
	if _, err := ops("", "role", "ana", "admin"); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]central.Role{"ana": central.RoleAdmin, "beto": central.RoleViewer, "dora": central.RoleDataOfficer} {
		if o, err := c.Store.GetOperator(ctx, name); err != nil || o.Role != want {
			t.Errorf("%s: %q %v, want %q", name, o.Role, err, want)
		}
	}
	sessions := map[string][]byte{}
	for _, name := range []string{"ana", "beto", "ciro"} {
		tok := sha256.Sum256([]byte(name))
		sessions[name] = tok[:]
		if err := c.Store.CreateSession(ctx, central.Session{TokenHash: tok[:], Operator: name, CSRFToken: "x", CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ops("another long password\n", "passwd", "ana"); err != nil {
		t.Fatal(err)
	}
	if _, err := ops("", "disable", "beto"); err != nil {
		t.Fatal(err)
	}
	if _, err := ops("", "remove", "ciro"); err != nil {
		t.Fatal(err)
	}
	for name, tok := range sessions {
		if _, err := c.Store.GetSession(ctx, tok, time.Now()); !errors.Is(err, central.ErrNotFound) {
			t.Errorf("%s's session survived: %v", name, err)
		}
	}
	if _, _, err := run(t, "export", "--data", c.Dir, "--out", filepath.Join(t.TempDir(), "all.csv")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "devices", "--data", c.Dir, "revoke", d.ID); err != nil {
		t.Fatal(err)
	}
	entries, err := c.Store.AuditPage(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if !strings.HasPrefix(e.Actor, "command line") {
			t.Errorf("entry %d actor %q, want the command line", e.Seq, e.Actor)
		}
		got = append(got, e.Action+" "+e.Details["operator"]+e.Details["rows"]+e.Details["device"])
	}
	want := "operator-added ana|operator-added beto|operator-added ciro|operator-added dora|operator-role ana|password-changed ana|operator-disabled beto|operator-removed ciro|export 4|revoke " + d.ID
	if strings.Join(got, "|") != want {
		t.Errorf("audit log:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}

	if _, _, err := run(t, "audit", "--data", c.Dir, "checkpoint"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "audit", "--data", c.Dir, "verify")
	if err != nil || !strings.Contains(out, "audit log intact: 11 entries, 1 signed checkpoints verified") {
		t.Fatalf("verify: %q %v", out, err)
	}
	db, err := sql.Open("sqlite", filepath.Join(c.Dir, central.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`DROP TRIGGER audit_log_no_update; UPDATE audit_log SET details = '{"rows":"0"}' WHERE action = 'export'`); err != nil {
		t.Fatal(err)
	}
	out, _, err = run(t, "audit", "--data", c.Dir, "verify")
	if err == nil || !strings.Contains(out, "entry 9 does not match its hash: it was edited") {
		t.Errorf("verify after an edit: %q %v, want a failure naming entry 9", out, err)
	}
}
