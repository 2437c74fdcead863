package storetest

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

// session stores a session for name and returns its token hash.
func session(t *testing.T, s central.OperationsStore, name string) []byte {
	t.Helper()
	tok := sha256.Sum256([]byte("cookie of " + name))
	if err := s.CreateSession(context.Background(), central.Session{TokenHash: tok[:], Operator: name, CSRFToken: "c", CreatedAt: Base, ExpiresAt: Base.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return tok[:]
}

func testOperatorRoles(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	if err := s.CreateOperator(ctx, central.Operator{Name: "ana", PasswordHash: "h", CreatedAt: Base}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateOperator(ctx, central.Operator{Name: "rosa", PasswordHash: "h", Role: central.RoleDataOfficer, CreatedAt: Base}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]central.Role{"ana": central.RoleViewer, "rosa": central.RoleDataOfficer} {
		if o, err := s.GetOperator(ctx, name); err != nil || o.Role != want {
			t.Errorf("%s: role %q, %v; want %q", name, o.Role, err, want)
		}
	}
	tok := session(t, s, "ana")
	if err := s.SetOperatorRole(ctx, "ana", central.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOperatorRole(ctx, "nadie", central.RoleAdmin); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("role of an unknown operator: %v, want ErrNotFound", err)
	}
	se, err := s.GetSession(ctx, tok, Base)
	if err != nil || se.Role != central.RoleAdmin {
		t.Errorf("session after the role change: role %q, %v; want admin at once", se.Role, err)
	}
	list, err := s.ListOperators(ctx)
	if err != nil || len(list) != 2 || list[0].Role != central.RoleAdmin || list[1].Role != central.RoleDataOfficer {
		t.Errorf("listed %+v, %v", list, err)
	}
}

// testSessionsEnd: a password change, a disable and a removal each end
// that operator's sessions at once and nobody else's.
func testSessionsEnd(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	for _, name := range []string{"ana", "rosa", "eva", "lia"} {
		if err := s.CreateOperator(ctx, central.Operator{Name: name, PasswordHash: "h", CreatedAt: Base}); err != nil {
			t.Fatal(err)
		}
	}
	toks := map[string][]byte{}
	for _, name := range []string{"ana", "rosa", "eva", "lia"} {
		toks[name] = session(t, s, name)
	}
	changes := []struct {
		name string
		do   func() error
	}{
		{"ana", func() error { return s.SetOperatorPassword(ctx, "ana", "h2") }},
		{"rosa", func() error { return s.DisableOperator(ctx, "rosa", Base) }},
		{"eva", func() error { return s.RemoveOperator(ctx, "eva") }},
	}
	for _, c := range changes {
		if err := c.do(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if _, err := s.GetSession(ctx, toks[c.name], Base); !errors.Is(err, central.ErrNotFound) {
			t.Errorf("%s's session after the change: %v, want ErrNotFound", c.name, err)
		}
	}
	if _, err := s.GetSession(ctx, toks["lia"], Base); err != nil {
		t.Errorf("an untouched operator's session ended: %v", err)
	}
	// A session made for a disabled account (a race with the disable) is
	// refused too.
	if _, err := s.GetSession(ctx, session(t, s, "rosa"), Base); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("session of a disabled operator: %v, want ErrNotFound", err)
	}
	if rosa, err := s.GetOperator(ctx, "rosa"); err != nil || !rosa.DisabledAt.Equal(Base) {
		t.Errorf("rosa %+v %v", rosa, err)
	}
	if err := s.DisableOperator(ctx, "rosa", Base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if rosa, _ := s.GetOperator(ctx, "rosa"); !rosa.DisabledAt.Equal(Base) {
		t.Errorf("disabling twice moved the time to %v", rosa.DisabledAt)
	}
	if _, err := s.GetOperator(ctx, "eva"); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("removed operator: %v", err)
	}
	for _, err := range []error{s.DisableOperator(ctx, "nadie", Base), s.RemoveOperator(ctx, "eva")} {
		if !errors.Is(err, central.ErrNotFound) {
			t.Errorf("unknown operator: %v, want ErrNotFound", err)
		}
	}
}

// testKey is a fixed server key for audit tests.
var testKey = ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))

// AuditLog is an audit log on s with a test key and a clock that moves a
// second per entry.
func AuditLog(s central.AuditStore, every int64) *central.AuditLog {
	var mu sync.Mutex
	now := Base
	return &central.AuditLog{Store: s, Key: testKey, Every: every, Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}}
}

// Verify checks s's audit log against the test key.
func Verify(t *testing.T, s central.AuditStore) central.AuditReport {
	t.Helper()
	r, err := central.VerifyAudit(context.Background(), s, testKey.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func testAuditLog(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	if r := Verify(t, s); !r.OK() || r.Entries != 0 {
		t.Fatalf("empty log: %+v", r)
	}
	log := AuditLog(s, 4)
	for i := range 10 {
		if err := log.Audit(ctx, "ana", central.AuditExport, map[string]string{"rows": fmt.Sprint(i), "format": "csv"}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.AuditPage(ctx, 0, 3)
	if err != nil || len(page) != 3 || page[0].Seq != 10 || page[2].Seq != 8 {
		t.Fatalf("newest page: %+v %v", page, err)
	}
	if page[0].Actor != "ana" || page[0].Action != central.AuditExport || page[0].Details["rows"] != "9" || !page[0].At.After(page[1].At) || page[0].At.Nanosecond()%int(time.Millisecond) != 0 {
		t.Errorf("newest entry %+v", page[0])
	}
	if older, err := s.AuditPage(ctx, 8, 100); err != nil || len(older) != 7 || older[0].Seq != 7 || older[6].Seq != 1 {
		t.Errorf("older page: %d entries, %v", len(older), err)
	}
	cps, err := s.AuditCheckpoints(ctx)
	if err != nil || len(cps) != 2 || cps[0].Seq != 4 || cps[1].Seq != 8 {
		t.Fatalf("checkpoints every 4: %+v %v", cps, err)
	}
	if err := s.SaveAuditCheckpoint(ctx, cps[0]); err != nil {
		t.Errorf("saving a checkpoint again: %v", err)
	}
	if _, err := log.Checkpoint(ctx, "admin"); err != nil {
		t.Fatal(err)
	}
	r := Verify(t, s)
	if !r.OK() || r.Entries != 11 || r.Checkpoints != 3 || r.LastCheckpoint != 11 {
		t.Errorf("verify: %+v", r)
	}
	other := ed25519.NewKeyFromSeed(sha256.New().Sum(nil))
	if r, _ := central.VerifyAudit(ctx, s, other.Public().(ed25519.PublicKey)); r.OK() {
		t.Error("checkpoints verified against another key")
	}
}

func testAuditConcurrent(t *testing.T, s central.OperationsStore) {
	AuditConcurrent(t, s, s)
}

// AuditConcurrent appends from many goroutines through two stores (two
// nodes on one database, or one store twice) and checks the chain holds.
func AuditConcurrent(t *testing.T, a, b central.OperationsStore) {
	ctx := context.Background()
	logs := []*central.AuditLog{AuditLog(a, 7), AuditLog(b, 7)}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			errs <- logs[i%2].Audit(ctx, fmt.Sprintf("node-%d", i%2), central.AuditSignIn, map[string]string{"n": fmt.Sprint(i)})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if r := Verify(t, a); !r.OK() || r.Entries != 40 || r.Checkpoints != 5 {
		t.Errorf("after concurrent appends: %+v", r)
	}
}

// Tamper is direct access to a store's database, the way someone with the
// database password (and not the server key) could edit it.
type Tamper struct {
	// Exec runs SQL statements on the database behind the store.
	Exec func(t *testing.T, sql string) error
	// Unlock disables the append-only triggers.
	Unlock string
}

// RunAuditTamper checks that the database refuses edits to the audit log
// and that, with the refusal turned off, an edited, a deleted and a
// reordered entry are each caught by VerifyAudit.
func RunAuditTamper(t *testing.T, open func(t *testing.T) (central.OperationsStore, Tamper)) {
	fill := func(t *testing.T) (central.OperationsStore, Tamper) {
		s, tamper := open(t)
		log := AuditLog(s, 5)
		for i := range 8 {
			if err := log.Audit(context.Background(), "ana", central.AuditExport, map[string]string{"rows": fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if r := Verify(t, s); !r.OK() {
			t.Fatalf("before tampering: %+v", r)
		}
		return s, tamper
	}
	t.Run("the database refuses updates and deletes", func(t *testing.T) {
		s, tamper := fill(t)
		for _, q := range []string{`UPDATE audit_log SET actor = 'nadie' WHERE seq = 3`, `DELETE FROM audit_log WHERE seq = 3`} {
			if err := tamper.Exec(t, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want the append-only refusal", q, err)
			}
		}
		if r := Verify(t, s); !r.OK() {
			t.Errorf("after refused edits: %+v", r)
		}
	})
	cases := []struct {
		name, sql, want string
	}{
		{"an edited entry", `UPDATE audit_log SET details = '{"rows":"9999"}' WHERE seq = 3`, "entry 3 does not match its hash"},
		{"an edited actor", `UPDATE audit_log SET actor = 'rosa' WHERE seq = 7`, "entry 7 does not match its hash"},
		{"a deleted entry", `DELETE FROM audit_log WHERE seq = 3`, "entry 4 found where entry 3 belongs"},
		{"a deleted tail past a checkpoint", `DELETE FROM audit_log WHERE seq >= 5`, "checkpoint at entry 5 names an entry the log no longer has"},
		{"reordered entries", `UPDATE audit_log SET seq = -seq WHERE seq IN (3, 4); UPDATE audit_log SET seq = 4 WHERE seq = -3; UPDATE audit_log SET seq = 3 WHERE seq = -4`, "entry 3 does not follow the entry before it"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is caught", func(t *testing.T) {
			s, tamper := fill(t)
			if err := tamper.Exec(t, tamper.Unlock+"; "+tc.sql); err != nil {
				t.Fatal(err)
			}
			r := Verify(t, s)
			if r.OK() || !strings.Contains(strings.Join(r.Problems, "\n"), tc.want) {
				t.Errorf("problems %q, want one saying %q", r.Problems, tc.want)
			}
		})
	}
}
