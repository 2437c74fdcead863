//go:build linux || darwin

package outbox

import (
	"path/filepath"
	"syscall"
)

// FreeDisk is the space left for unprivileged writers on the file system
// holding the outbox, in bytes; 0 when it cannot be read. Heartbeats and
// the health screen report it: a full disk is what stops a kiosk saving.
func (s *Store) FreeDisk() uint64 {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(s.path), &fs); err != nil {
		return 0
	}
	return fs.Bavail * uint64(fs.Bsize)
}
