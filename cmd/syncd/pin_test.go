package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/pinguard"
)

// syncdIn runs syncd with stdin.
func syncdIn(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(syncdBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("syncd %v: %v", args, err)
	}
	return result{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String()}
}

// storedPIN is the technician PIN hash in db, "" when none.
func storedPIN(t *testing.T, db string) string {
	t.Helper()
	store, err := outbox.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h, err := store.Setting(context.Background(), handoff.SettingTechPIN, "")
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestEnrollSetsOrAsksForTheTechnicianPIN(t *testing.T) {
	c := centraltest.Start(t)
	dir := t.TempDir()

	t.Run("without a PIN enroll warns and sets none", func(t *testing.T) {
		db := filepath.Join(dir, "none.db")
		r := syncd(t, "enroll", "--db", db, "--code", c.Code(t, ""))
		if r.code != 0 || !strings.Contains(r.stderr, "no technician pin") || !strings.Contains(r.stderr, "syncd pin") {
			t.Fatalf("enroll exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
		if h := storedPIN(t, db); h != "" {
			t.Fatalf("a PIN hash %q was stored", h)
		}
		// syncd pin sets it afterwards, from standard input.
		r = syncdIn(t, "135790\n", "pin", "--db", db, "--pin-file", "-")
		if r.code != 0 {
			t.Fatalf("pin exit %d: %s", r.code, r.stderr)
		}
		h := storedPIN(t, db)
		if ok, err := pinguard.Verify(h, "135790"); !ok || err != nil || strings.Contains(h, "135790") {
			t.Fatalf("stored %q is not the PIN's slow hash (%v)", h, err)
		}
	})
	t.Run("--pin-file sets the PIN's hash", func(t *testing.T) {
		db := filepath.Join(dir, "file.db")
		file := filepath.Join(dir, "pin.txt")
		if err := os.WriteFile(file, []byte("246810\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		r := syncd(t, "enroll", "--db", db, "--code", c.Code(t, ""), "--pin-file", file)
		if r.code != 0 || !strings.Contains(r.stdout, "technician pin set") || strings.Contains(r.stderr, "no technician pin") {
			t.Fatalf("enroll exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
		if ok, err := pinguard.Verify(storedPIN(t, db), "246810"); !ok || err != nil {
			t.Fatalf("the PIN does not verify: %v", err)
		}
	})
	t.Run("a bad PIN is refused before the code is spent", func(t *testing.T) {
		db := filepath.Join(dir, "bad.db")
		code := c.Code(t, "")
		if r := syncdIn(t, "12ab\n", "enroll", "--db", db, "--code", code, "--pin-file", "-"); r.code != exitUsage {
			t.Fatalf("bad PIN: exit %d, want %d\nstderr: %s", r.code, exitUsage, r.stderr)
		}
		if r := syncdIn(t, "864209\n", "enroll", "--db", db, "--code", code, "--pin-file", "-"); r.code != 0 {
			t.Fatalf("the code was spent by the refused attempt: exit %d\nstderr: %s", r.code, r.stderr)
		}
		if ok, _ := pinguard.Verify(storedPIN(t, db), "864209"); !ok {
			t.Fatal("the PIN from standard input does not verify")
		}
	})
	t.Run("the PIN is never a flag value", func(t *testing.T) {
		if r := syncd(t, "enroll", "--db", filepath.Join(dir, "flag.db"), "--code", c.Code(t, ""), "--pin", "246810"); r.code != exitUsage {
			t.Fatalf("--pin: exit %d, want %d", r.code, exitUsage)
		}
	})
}
