// Package handoff is the contract between the kiosk and syncd, which
// share one outbox file and nothing else: the kiosk never touches the
// network, so it asks syncd for work (enrol this device, sync now) by
// writing settings, and reads syncd's answers and the sync status there.
// Both sides use this package, so the keys and the JSON in them are
// defined once.
//
// Every device setting key lives here too (settings.go), not in package
// outbox: the outbox stores settings as opaque strings and knows none of
// their meanings, while each key is an agreement between parts of the
// device that share the file (technician tools and the kiosk, the kiosk
// and syncd, cmd/kiosk --set-pin and the PIN guard). Keys and values are
// what devices in the field already hold: never rename one. The outbox's
// own rows (identity, sync status, queue head) are not settings; its
// methods read and write them.
package handoff

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
)

// Settings is the part of the outbox the hand-off writes and reads.
type Settings interface {
	Setting(ctx context.Context, key, def string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// Outbox is what either side of the hand-off needs from the shared
// outbox: its settings, and what ReadStatus reads.
type Outbox interface {
	Settings
	Identity(ctx context.Context) (*outbox.Identity, error)
	Counts(ctx context.Context) (outbox.Counts, error)
	LatestCampaign(ctx context.Context) (*outbox.StoredCampaign, error)
	SyncStatus(ctx context.Context) (outbox.SyncStatus, error)
	FreeDisk() uint64
}

var _ Outbox = (*outbox.Store)(nil)

// tokenLayout has a fixed width, so tokens made later sort later as
// strings: SyncHandled compares them that way.
const tokenLayout = "2006-01-02T15:04:05.000000000Z"

// newToken names one request: its time, and random bits so two requests
// in the same nanosecond still differ.
func newToken(now time.Time) string {
	b := make([]byte, 4)
	rand.Read(b)
	return now.UTC().Format(tokenLayout) + "-" + hex.EncodeToString(b)
}
