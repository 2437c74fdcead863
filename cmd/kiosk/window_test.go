package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for the kiosk binary: with
// VOCES_KIOSK_MAIN set it runs main itself, on the main thread, as the GL
// driver requires.
func TestMain(m *testing.M) {
	if os.Getenv("VOCES_KIOSK_MAIN") == "1" {
		os.Args = append([]string{"kiosk"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var startupLine = regexp.MustCompile(`startup: (\d+) ms`)

// TestOpensARealWindow starts the kiosk under the X server the test
// environment provides and waits for its first painted frame.
func TestOpensARealWindow(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no DISPLAY in CI: the kiosk must be tried in a real window")
		}
		t.Skip("no DISPLAY: run under Xvfb (scripts/test-env.sh)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db := filepath.Join(t.TempDir(), "device.db")
	cmd := exec.CommandContext(ctx, os.Args[0], "--db", db, "--demo", "--measure-startup")
	cmd.Env = append(os.Environ(), "VOCES_KIOSK_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kiosk on DISPLAY=%s: %v\nstdout:\n%s\nstderr:\n%s", os.Getenv("DISPLAY"), err, out, stderr.Bytes())
	}
	m := startupLine.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no start-up figure in:\n%s", out)
	}
	ms, _ := strconv.Atoi(string(m[1]))
	t.Logf("%s", out)
	if ms <= 0 || ms > 30000 {
		t.Fatalf("first frame after %d ms", ms)
	}
}
