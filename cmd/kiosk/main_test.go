package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/pinguard"
)

func newMain(stdin string) (*Main, *bytes.Buffer) {
	var out bytes.Buffer
	return &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Log: slog.New(slog.DiscardHandler)}, &out
}

func TestFlagsAreChecked(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no outbox", nil, "--db is required"},
		{"unknown mode", []string{"--db", "x.db", "--mode", "tablet"}, "--mode must be"},
		{"unknown language", []string{"--db", "x.db", "--lang", "fr"}, "--lang"},
		{"stray argument", []string{"--db", "x.db", "extra"}, "unexpected arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newMain("")
			m.Stdout = io.Discard
			err := m.ParseFlags(tc.args)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseFlags(%q) = %v, want an error about %q", tc.args, err, tc.want)
			}
		})
	}
	m, _ := newMain("")
	if err := m.ParseFlags([]string{"--db", "x.db", "--mode", "canvasser", "--lang", "en", "--fullscreen", "--idle", "30s"}); err != nil {
		t.Fatalf("valid flags refused: %v", err)
	}
	if m.Mode != "canvasser" || m.Lang != "en" || !m.Fullscreen || m.Idle.Seconds() != 30 {
		t.Fatalf("flags read as %+v", m)
	}
}

func TestSetPINFromStdin(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "outbox.db")
	m, out := newMain("246810\n")
	if err := m.Run(ctx, []string{"--db", db, "--set-pin"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "technician PIN set") {
		t.Fatalf("output %q", out.String())
	}
	s, err := outbox.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h, _ := s.Setting(ctx, handoff.SettingTechPIN, "")
	if ok, err := pinguard.Verify(h, "246810"); !ok || err != nil {
		t.Fatalf("stored hash does not verify the PIN: %v", err)
	}

	m, _ = newMain("12ab\n")
	if err := m.Run(ctx, []string{"--db", db, "--set-pin"}); err == nil {
		t.Fatal("a PIN with letters was accepted")
	}
}

func TestNoDisplayIsAClearError(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	if err := checkDisplay(env(nil), 0); runtime.GOOS == "linux" && (err == nil || !strings.Contains(err.Error(), "DISPLAY is not set")) {
		t.Fatalf("no DISPLAY: %v", err)
	}
	// A display whose server is gone: nothing listens on its socket.
	if err := checkDisplay(env(map[string]string{"DISPLAY": ":7919"}), 0); runtime.GOOS == "linux" && (err == nil || !strings.Contains(err.Error(), "no X server answers on DISPLAY=:7919")) {
		t.Fatalf("dead DISPLAY: %v", err)
	}
	if err := checkDisplay(env(map[string]string{"WAYLAND_DISPLAY": "wayland-0"}), 0); err != nil {
		t.Fatalf("Wayland session refused: %v", err)
	}
}
