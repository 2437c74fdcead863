//go:build linux || darwin

package outbox

import "syscall"

// FreeDisk is the space left for unprivileged writers on the file system
// holding dir, in bytes; 0 when it cannot be read.
func FreeDisk(dir string) uint64 {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		return 0
	}
	return fs.Bavail * uint64(fs.Bsize)
}
