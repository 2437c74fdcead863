package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// A full disk must not stop a device from draining. Marking records synced
// and recording syncd's status are writes like any other: SQLite appends
// their pages to the WAL, which may have to grow, so on a full disk they
// fail, the accepted records stay pending and syncd sends the same batch
// again and again (central answers "duplicate" each time, and nothing
// frees space). So the outbox keeps a reserve: a file of zeros beside the
// database that only syncd's writes may give up. When one of them finds
// the disk full, the reserve is deleted and the write tried again in the
// space it leaves; the kiosk's appends never touch it, so new input cannot
// eat the room the drain needs. The reserve is made again once the disk
// has room to spare.
const (
	// DefaultReserve covers several drains: applying a 256 KB batch of
	// answers writes well under 1 MB of WAL frames, and a status update a
	// few pages.
	DefaultReserve = 4 << 20

	// reserveRoom is how much free space, beyond the reserve itself, the
	// disk must have before the reserve is made again: taking the last
	// free megabytes would stop the kiosk saving new input.
	reserveRoom = 4 * DefaultReserve

	// reserveRetry spaces out attempts to make the reserve again, so a
	// disk that stays full does not cost a statfs and a failed write on
	// every drain.
	reserveRetry = time.Minute
)

// ErrDiskFull means the device's disk has no room left for the write,
// even after the reserve was given up.
var ErrDiskFull = errors.New("the device's disk is full")

// ReservePath is the reserve file kept beside the outbox at path.
func ReservePath(path string) string { return path + "-reserve" }

// drainWrite runs fn as write does, for syncd's own bookkeeping: when the
// disk is full it gives up the reserve and tries once more.
func (s *Store) drainWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	err := s.write(ctx, fn)
	if isDiskFull(err) {
		if rerr := os.Remove(ReservePath(s.path)); rerr == nil {
			err = s.write(ctx, fn)
		}
		if isDiskFull(err) {
			return fmt.Errorf("%w: %w", ErrDiskFull, err)
		}
	}
	if err == nil {
		s.keepReserve()
	}
	return err
}

// keepReserve makes the reserve file if it is missing and the disk has
// room to spare. It is best effort: a device without a reserve works as
// before, it only loses the guarantee on a full disk.
func (s *Store) keepReserve() {
	s.reserveMu.Lock()
	defer s.reserveMu.Unlock()
	now := s.Now()
	if !s.reserveTried.IsZero() && now.Sub(s.reserveTried) < reserveRetry {
		return
	}
	path := ReservePath(s.path)
	if _, err := os.Stat(path); err == nil {
		return
	}
	s.reserveTried = now
	// 0 is also what platforms without statfs report: try there anyway.
	if free := FreeDisk(filepath.Dir(s.path)); free != 0 && free < DefaultReserve+reserveRoom {
		return
	}
	_ = makeReserve(path, DefaultReserve)
}

// makeReserve writes size bytes of zeros to path, through a temporary
// file so a half-made reserve is never taken for a whole one. The blocks
// must really be written: a sparse file (Truncate) frees nothing when
// deleted.
func makeReserve(path string, size int) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	zeros := make([]byte, 64<<10)
	for n := 0; n < size && err == nil; n += len(zeros) {
		_, err = f.Write(zeros)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// isDiskFull reports whether err is SQLite's or the system's "no space".
func isDiskFull(err error) bool {
	if err == nil {
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	return errors.Is(err, syscall.ENOSPC)
}
