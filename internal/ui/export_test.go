package ui

import "testing"

// CheckTourFits is checkTourFits for the tests of package ui_test, which
// can import the technician tools (techtools imports this package).
func CheckTourFits(t *testing.T, minShots int, mk func(*testing.T, Config) *Kiosk, tour func(*Kiosk, func(string)) error) {
	t.Helper()
	checkTourFits(t, minShots, func(t *testing.T, cfg Config) *rig {
		k := mk(t, cfg)
		t.Cleanup(k.win.Close)
		return &rig{t: t, k: k}
	}, tour)
}
