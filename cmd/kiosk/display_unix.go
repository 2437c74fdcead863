//go:build linux || freebsd || openbsd || netbsd

package main

import (
	"fmt"
	"net"
	"strings"
	"time"
)

// checkDisplay says plainly when there is no screen to draw on, rather than
// let the windowing library panic deep inside its start-up. getenv is
// os.Getenv outside tests.
func checkDisplay(getenv func(string) string) error {
	if getenv("WAYLAND_DISPLAY") != "" {
		return nil
	}
	d := getenv("DISPLAY")
	if d == "" {
		return fmt.Errorf("no display: DISPLAY is not set (on a machine without a screen, start one: Xvfb :99 & export DISPLAY=:99)")
	}
	// A local display ":N" or ":N.S" has its socket under /tmp/.X11-unix;
	// a socket left behind by a server that has died refuses the dial.
	if rest, ok := strings.CutPrefix(d, ":"); ok {
		n, _, _ := strings.Cut(rest, ".")
		c, err := net.DialTimeout("unix", "/tmp/.X11-unix/X"+n, 2*time.Second)
		if err != nil {
			return fmt.Errorf("no X server answers on DISPLAY=%s: %v", d, err)
		}
		c.Close()
	}
	return nil
}
