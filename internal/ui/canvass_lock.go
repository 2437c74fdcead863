package ui

import (
	"context"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/handoff"
)

// Canvasser sign-in lockout: PINs are short, and a tablet at an assembly
// is within reach of many hands.
const (
	canvassMaxFailures = 5
	canvassCooldown    = 5 * time.Minute
)

// canvassLock counts wrong canvasser PINs across sign-in screens. It is
// kept in the outbox's settings, so restarting the kiosk buys no guesses.
type canvassLock struct {
	failures int
	until    time.Time
}

// loadCanvassLock reads the stored lock; a damaged value locks.
func (k *Kiosk) loadCanvassLock(ctx context.Context, now time.Time) canvassLock {
	v, err := k.store.Setting(ctx, handoff.SettingCanvassLock, "")
	if err != nil || v == "" {
		return canvassLock{}
	}
	var l canvassLock
	var until int64
	if _, err := fmt.Sscanf(v, "%d %d", &l.failures, &until); err != nil || l.failures < 0 {
		return canvassLock{until: now.Add(canvassCooldown)}
	}
	if until > 0 {
		l.until = time.Unix(0, until)
	}
	return l
}

func (k *Kiosk) saveCanvassLock(ctx context.Context, l canvassLock) error {
	var until int64
	if !l.until.IsZero() {
		until = l.until.UnixNano()
	}
	k.canvLock = l
	return k.store.SetSetting(ctx, handoff.SettingCanvassLock, fmt.Sprintf("%d %d", l.failures, until))
}
