//go:build linux || freebsd || openbsd || netbsd

package main

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeX listens where display :5's socket would be and serves each
// connection with serve.
func fakeX(t *testing.T, serve func(n int, c net.Conn)) func(string) string {
	t.Helper()
	saved := x11Dir
	x11Dir = t.TempDir()
	t.Cleanup(func() { x11Dir = saved })
	l, err := net.Listen("unix", filepath.Join(x11Dir, "X5"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var n atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serve(int(n.Add(1)), c)
		}
	}()
	return func(k string) string { return map[string]string{"DISPLAY": ":5"}[k] }
}

// TestSlowDisplayIsWaitedFor: an X server that is not ready on the first
// try (it hangs up without answering) is tried again, and start-up goes
// on once it answers.
func TestSlowDisplayIsWaitedFor(t *testing.T) {
	var tries atomic.Int32
	env := fakeX(t, func(n int, c net.Conn) {
		defer c.Close()
		tries.Store(int32(n))
		setup := make([]byte, 12)
		if _, err := io.ReadFull(c, setup); err != nil || setup[0] != 'l' || setup[2] != 11 {
			t.Errorf("X setup request %v, %v", setup, err)
			return
		}
		if n < 3 {
			return // not ready yet
		}
		c.Write([]byte{1})
	})
	if err := checkDisplay(env, 20*time.Second); err != nil {
		t.Fatalf("a display answering on the third try: %v", err)
	}
	if n := tries.Load(); n != 3 {
		t.Fatalf("%d tries, want 3", n)
	}
}

// TestSilentDisplayEndsInAClearError: a server that accepts and never
// answers ends start-up with an error naming the display, not a panic.
func TestSilentDisplayEndsInAClearError(t *testing.T) {
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) })
	env := fakeX(t, func(_ int, c net.Conn) {
		defer c.Close()
		<-hold
	})
	err := checkDisplay(env, 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "no X server answers on DISPLAY=:5 (waited 300ms)") {
		t.Fatalf("silent display: %v", err)
	}
}

// TestDisplayThatWillNotOpenEndsInAClearError runs the kiosk against an X
// server that answers but refuses every connection: where GLFW's failed
// initialisation used to end in a panic inside ui.New, start-up now ends
// with an error naming the display.
func TestDisplayThatWillNotOpenEndsInAClearError(t *testing.T) {
	const n = "7917"
	socket := "/tmp/.X11-unix/X" + n
	l, err := net.Listen("unix", socket)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot listen on %s for a refusing X server: %v", socket, err)
		}
		t.Skipf("cannot listen on %s for a refusing X server: %v", socket, err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				setup := make([]byte, 12)
				if _, err := io.ReadFull(c, setup); err != nil {
					return
				}
				// Failed: reason "no", protocol 11.0, one 4-byte unit.
				c.Write([]byte{0, 2, 11, 0, 0, 0, 1, 0, 'n', 'o', 0, 0})
			}()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "--db", filepath.Join(t.TempDir(), "device.db"), "--demo", "--display-wait", "1s")
	cmd.Env = append(os.Environ(), "VOCES_KIOSK_MAIN=1", "DISPLAY=:"+n, "WAYLAND_DISPLAY=")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("kiosk: %v, want exit status 2\n%s", err, out)
	}
	if strings.Contains(string(out), "panic") || !strings.Contains(string(out), "cannot open the display DISPLAY=:"+n+" (waited 1s)") {
		t.Fatalf("kiosk output:\n%s", out)
	}
}
