//go:build !linux && !darwin

package syncer

// freeDisk is not measured on this platform; heartbeats report 0.
func freeDisk(dir string) uint64 { return 0 }
