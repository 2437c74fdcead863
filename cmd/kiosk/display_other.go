//go:build !(linux || freebsd || openbsd || netbsd)

package main

import "time"

// checkDisplay has nothing to check where the desktop is always there.
func checkDisplay(func(string) string, time.Duration) error { return nil }

// openDisplay leaves the display to the windowing library.
func openDisplay(func(string) string, time.Duration) error { return nil }
