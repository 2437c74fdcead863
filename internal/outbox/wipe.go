package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrWipeWouldLose means a wipe was refused because a pending record is in
// no bundle: erasing it would lose someone's input.
var ErrWipeWouldLose = errors.New("pending records are in no bundle")

// Wipe erases the device: records, identity, settings and campaign content,
// then rewrites the file so erased pages do not linger on disk. It refuses
// with ErrWipeWouldLose when a pending record has a sequence number above
// coveredUpTo (the last record of a bundle the technician wrote; 0 when no
// bundle was written, so nothing may be pending). The check runs inside the
// erasing transaction, because syncd and the kiosk keep working meanwhile.
func (s *Store) Wipe(ctx context.Context, coveredUpTo uint64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var maxPending uint64
		err := tx.QueryRowContext(ctx, lastPendingSQL).Scan(&maxPending)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if maxPending > coveredUpTo {
			return fmt.Errorf("%w: record %d and maybe others", ErrWipeWouldLose, maxPending)
		}
		// Deleting config drops the queue head too: the sequence starts
		// again from 1, and so do the readers.
		for _, q := range []string{`DELETE FROM records`, `DELETE FROM campaigns`, `DELETE FROM config`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("wipe device: %w", err)
	}
	for _, q := range []string{`VACUUM`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("wipe device: %s: %w", q, err)
		}
	}
	return nil
}
