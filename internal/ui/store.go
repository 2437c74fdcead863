package ui

import (
	"context"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
)

// Store is what the kiosk and its technician tools need from the device's
// outbox (*outbox.Store). It is an interface so tests can make saving fail
// the way a full disk does. Nothing here reaches the network: work for
// syncd goes through the hand-off the outbox carries (handoff.Outbox).
type Store interface {
	handoff.Outbox // settings, identity, counts, campaign, sync status, free disk

	// Saving a person's contribution.
	Append(ctx context.Context, d *record.Draft, c *campaign.Campaign) (*record.Record, error)
	HasSigned(ctx context.Context, subject string, signerIndex []byte) (bool, error)
	CountSince(ctx context.Context, t time.Time, kind record.Kind, subject, event string) (int, error)
	UncountedSupports(ctx context.Context, receivedAt time.Time) (map[string]outbox.Uncounted, error)

	// The technician tools: refused records, bundle export
	// (bundle.Outbox) and wiping the device.
	DeadRecords(ctx context.Context, limit int) ([]outbox.DeadRecord, error)
	EachPending(ctx context.Context, fn func(outbox.Pending) error) error
	Time() time.Time
	Wipe(ctx context.Context, coveredUpTo uint64) error
}

var _ Store = (*outbox.Store)(nil)
