//go:build linux || freebsd || openbsd || netbsd

package main

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/go-gl/glfw/v3.3/glfw"
)

// x11Dir holds the local X servers' sockets; tests point it elsewhere.
var x11Dir = "/tmp/.X11-unix"

// checkDisplay says plainly when there is no screen to draw on, rather than
// let the windowing library panic deep inside its start-up: GLFW, given a
// display that does not answer in time, fails its initialisation, and
// Fyne's driver goes on to use the window it could not create. A local X
// server that is there but slow (a loaded machine, a server still
// starting) is waited for, up to wait: it must accept the connection and
// answer the X protocol's opening request. getenv is os.Getenv outside
// tests.
func checkDisplay(getenv func(string) string, wait time.Duration) error {
	if getenv("WAYLAND_DISPLAY") != "" {
		return nil
	}
	d := getenv("DISPLAY")
	if d == "" {
		return fmt.Errorf("no display: DISPLAY is not set (on a machine without a screen, start one: Xvfb :99 & export DISPLAY=:99)")
	}
	rest, ok := strings.CutPrefix(d, ":")
	if !ok {
		return nil // a remote display: the library's own error will do
	}
	n, _, _ := strings.Cut(rest, ".")
	deadline := time.Now().Add(wait)
	for {
		err := xAnswers(x11Dir+"/X"+n, min(2*time.Second, max(time.Until(deadline), 100*time.Millisecond)))
		if err == nil {
			return nil
		}
		if !time.Now().Before(deadline) {
			if wait > 0 {
				return fmt.Errorf("no X server answers on DISPLAY=%s (waited %s): %v", d, wait, err)
			}
			return fmt.Errorf("no X server answers on DISPLAY=%s: %v", d, err)
		}
		time.Sleep(min(250*time.Millisecond, time.Until(deadline)))
	}
}

// xAnswers connects to the X server's socket and sends the X11
// connection setup; any reply (success, failure or "authenticate") means
// a server is there and answering. A socket left behind by a server that
// has died refuses the dial.
func xAnswers(socket string, timeout time.Duration) error {
	c, err := net.DialTimeout("unix", socket, timeout)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	// Little-endian, protocol 11.0, no authorisation: 12 bytes.
	if _, err := c.Write([]byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}); err != nil {
		return fmt.Errorf("send X setup: %w", err)
	}
	var reply [1]byte
	if _, err := c.Read(reply[:]); err != nil {
		return fmt.Errorf("no answer to the X setup: %w", err)
	}
	return nil
}

// openDisplay initialises GLFW, which opens the display, before Fyne's
// driver does: the driver logs a failed initialisation and goes on, and
// then panics in glfw ("The GLFW library is not initialized") when it
// makes the first window inside ui.New. A display that fails to open is
// tried again until wait has passed, then start-up ends with the reason.
// Fyne's own glfw.Init then finds the library initialised and does
// nothing. It runs on the main thread: the driver's package locks the
// main goroutine to it, and runUI runs there.
func openDisplay(getenv func(string) string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		err := glfwInit()
		if err == nil {
			return nil
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("cannot open the display DISPLAY=%s (waited %s): %v", getenv("DISPLAY"), wait, err)
		}
		time.Sleep(min(500*time.Millisecond, time.Until(deadline)))
	}
}

// glfwInit initialises GLFW and reports whether it is usable. When the
// display does not open, glfw.Init still returns nil (the platform error
// only reaches the error callback, which logs it), and the next call
// panics with NotInitialized: that panic is the answer.
func glfwInit() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if err := glfw.Init(); err != nil {
		return err
	}
	glfw.GetPrimaryMonitor()
	return nil
}
