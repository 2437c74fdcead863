//go:build !linux && !darwin

package outbox

// FreeDisk is not measured on this platform; heartbeats report 0.
func FreeDisk(dir string) uint64 { return 0 }
