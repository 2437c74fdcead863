//go:build linux || freebsd || openbsd || netbsd

package main

import (
	"io"
	"net"
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
