package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/bundle"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/outbox"
)

func TestExportWritesEveryPendingRecordWithoutANetwork(t *testing.T) {
	c := centraltest.Start(t)
	db := filepath.Join(t.TempDir(), "outbox.db")
	if r := syncd(t, "enroll", "--db", db, "--code", c.Code(t, ""), "--name", "tablet sin red"); r.code != 0 {
		t.Fatalf("enroll: %s", r.stderr)
	}
	fill(t, db, 250, 7)
	// From here on the device has no network at all.
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "stick", "tablet.bundle")
	if r := syncd(t, "export", "--db", db, "--out", out); r.code != exitFailed || !strings.Contains(r.stderr, "no such file") {
		t.Errorf("export to a missing directory: exit %d, %s", r.code, r.stderr)
	}
	out = filepath.Join(t.TempDir(), "tablet.bundle")
	r := syncd(t, "export", "--db", db, "--out", out)
	if r.code != 0 || !strings.Contains(r.stdout, "wrote 250 records") {
		t.Fatalf("export exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "250/250 records") {
		t.Errorf("export drew no finished progress bar: %q", r.stderr)
	}
	b, err := bundle.Open(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.Header.Records != 250 || b.Header.DeviceName != "tablet sin red" {
		t.Errorf("bundle header %+v", b.Header)
	}
	// Exporting changes nothing on the device: the records stay pending
	// until central acknowledges them.
	if st := status(t, db); st.Pending != 250 {
		t.Errorf("%d pending after export, want 250", st.Pending)
	}
}

func TestExportRefusesADeviceThatIsNotEnrolled(t *testing.T) {
	db := filepath.Join(t.TempDir(), "outbox.db")
	store, err := outbox.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"not enrolled", []string{"export", "--db", db, "--out", filepath.Join(t.TempDir(), "x.bundle")}, exitFailed, "enroll it first"},
		{"no outbox", []string{"export", "--db", filepath.Join(t.TempDir(), "none.db"), "--out", "x.bundle"}, exitFailed, "no outbox"},
		{"no --out", []string{"export", "--db", db}, exitUsage, "--out is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := syncd(t, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.want)
			}
		})
	}
}
