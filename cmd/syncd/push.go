package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/syncer"
)

// PushCommand uploads everything pending once.
type PushCommand struct {
	m *Main
}

const pushAbout = `Uploads every pending record, batch after batch, then exits: 0 only when
nothing is pending any more. Without --retry-for it stops at the first
failure; with it, it retries with exponential backoff and jitter
(honouring Retry-After) until the queue is empty or the time is up.

Exit status: 0 nothing pending; 3 records still pending (central
unreachable, busy or answering errors; see the message); 4 central refused
the device for good (revoked or unknown); 1 any other failure.
`

// Run pushes.
func (c *PushCommand) Run(ctx context.Context, args []string) error {
	fs := c.m.flagSet("push", "--db PATH [--retry-for DURATION]", pushAbout)
	db := fs.String("db", "", "outbox `file` of this device")
	retryFor := fs.Duration("retry-for", 0, "keep retrying failures for this `duration` (e.g. 5m); 0 stops at the first")
	verbose := fs.Bool("v", false, "log each batch and retry")
	if err := parse(fs, args, db); err != nil {
		return err
	}
	store, err := openExisting(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	s := syncer.New(store)
	s.Logger = c.m.logger(*verbose)

	var st syncer.PushStats
	if *retryFor > 0 {
		dctx, cancel := context.WithTimeout(ctx, *retryFor)
		st, err = s.Drain(dctx)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = fmt.Errorf("gave up after %s: %s", *retryFor, lastError(ctx, store))
		}
	} else {
		st, err = s.PushOnce(ctx)
	}
	if errors.Is(err, outbox.ErrNotEnrolled) {
		return fmt.Errorf("%w: run syncd enroll first", err)
	}
	fmt.Fprintf(c.m.Stdout, "sent %d records in %d batches: %d accepted, %d duplicate, %d conflict, %d rejected; %d pending\n",
		st.Sent(), st.Batches, st.Accepted, st.Duplicate, st.Conflict, st.Rejected, st.Pending)
	switch {
	case errors.Is(err, syncer.ErrStopped):
		return exitError{exitStopped, err}
	case err != nil:
		return exitError{exitPending, fmt.Errorf("%d records still pending: %w", st.Pending, err)}
	case st.Pending > 0:
		// The kiosk kept writing while we pushed.
		return exitError{exitPending, fmt.Errorf("%d records still pending: new records arrived during the push", st.Pending)}
	}
	return nil
}

// lastError is the most recent failure recorded in the sync status.
func lastError(ctx context.Context, store *outbox.Store) string {
	st, err := store.SyncStatus(context.WithoutCancel(ctx))
	if err != nil || st.LastError == "" {
		return "no error recorded"
	}
	return "last error at " + st.LastErrorAt.Format(time.RFC3339) + ": " + st.LastError
}
