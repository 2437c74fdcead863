package ui

import (
	"context"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
)

// Store is what the kiosk needs from the device's outbox. It is an
// interface so tests can make saving fail the way a full disk does.
type Store interface {
	Identity(ctx context.Context) (*outbox.Identity, error)
	LatestCampaign(ctx context.Context) (*outbox.StoredCampaign, error)
	Append(ctx context.Context, d *record.Draft, c *campaign.Campaign) (*record.Record, error)
	HasSigned(ctx context.Context, subject string, signerIndex []byte) (bool, error)
	CountSince(ctx context.Context, t time.Time, kind record.Kind, subject, event string) (int, error)
	Counts(ctx context.Context) (outbox.Counts, error)
	SyncStatus(ctx context.Context) (outbox.SyncStatus, error)
	Setting(ctx context.Context, key, def string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

var _ Store = (*outbox.Store)(nil)

// Device setting keys the kiosk reads at start. Flags override them.
const (
	SettingLang         = "kiosk.lang"          // "es" or "en": the language each person starts in
	SettingLargeText    = "kiosk.large_text"    // "1" to start every session in large text
	SettingHighContrast = "kiosk.high_contrast" // "1" to start every session in high contrast
	SettingIdle         = "kiosk.idle"          // Go duration before "are you still there?"
	SettingCountdown    = "kiosk.countdown"     // Go duration of that prompt's countdown
)
