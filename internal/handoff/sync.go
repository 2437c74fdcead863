package handoff

import (
	"context"
	"fmt"
	"time"
)

// RequestSync asks a running syncd to sync now: upload whatever is
// pending, pull the campaign and send a heartbeat, without waiting out a
// backoff. It returns a token for SyncHandled; syncd notices within its
// poll interval. This is the technician tools' side.
func RequestSync(ctx context.Context, s Settings) (string, error) {
	tok := newToken(time.Now())
	if err := s.SetSetting(ctx, SettingSyncRequest, tok); err != nil {
		return "", fmt.Errorf("request sync: %w", err)
	}
	return tok, nil
}

// SyncHandled reports whether syncd has acted on the request with this
// token (or a later one). The outcome is in ReadStatus: pending count,
// last success, last error.
func SyncHandled(ctx context.Context, s Settings, token string) (bool, error) {
	done, err := s.Setting(ctx, SettingSyncHandled, "")
	if err != nil {
		return false, err
	}
	return done != "" && done >= token, nil
}

// SyncRequest returns the token of the latest "sync now" request, "" if
// none was ever made. This is syncd's side: a token other than the one it
// last handled is a new request.
func SyncRequest(ctx context.Context, s Settings) (string, error) {
	return s.Setting(ctx, SettingSyncRequest, "")
}

// MarkSyncHandled tells the requester that syncd has acted on the request
// with this token. This is syncd's side.
func MarkSyncHandled(ctx context.Context, s Settings, token string) error {
	return s.SetSetting(ctx, SettingSyncHandled, token)
}
