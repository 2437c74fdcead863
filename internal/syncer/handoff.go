package syncer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
)

// The kiosk never touches the network: it asks syncd for work through
// settings in the outbox file they share, and reads the answers there.
// Run looks for requests every PollInterval.
const (
	// SettingSyncRequest holds the token of the latest "sync now" request.
	SettingSyncRequest = "sync.request"
	// SettingSyncHandled holds the token of the latest request Run acted
	// on: an upload, a campaign pull and a heartbeat, all attempted.
	SettingSyncHandled = "sync.handled"
	// SettingEnrollRequest holds a pending enrollment request as JSON.
	SettingEnrollRequest = "enroll.request"
	// SettingEnrollResult holds the outcome of the latest one as JSON.
	SettingEnrollResult = "enroll.result"
)

// tokenLayout has a fixed width, so tokens made later sort later as
// strings.
const tokenLayout = "2006-01-02T15:04:05.000000000Z"

func newToken(now time.Time) string {
	b := make([]byte, 4)
	rand.Read(b)
	return now.UTC().Format(tokenLayout) + "-" + hex.EncodeToString(b)
}

// RequestSync asks a running syncd to sync now: upload whatever is
// pending, pull the campaign and send a heartbeat, without waiting out a
// backoff. It returns a token for SyncHandled. Run notices within its
// PollInterval.
func RequestSync(ctx context.Context, store *outbox.Store) (string, error) {
	tok := newToken(time.Now())
	if err := store.SetSetting(ctx, SettingSyncRequest, tok); err != nil {
		return "", fmt.Errorf("request sync: %w", err)
	}
	return tok, nil
}

// SyncHandled reports whether syncd has acted on the request with this
// token (or a later one). The outcome is in ReadStatus: pending count,
// last success, last error.
func SyncHandled(ctx context.Context, store *outbox.Store, token string) (bool, error) {
	done, err := store.Setting(ctx, SettingSyncHandled, "")
	if err != nil {
		return false, err
	}
	return done != "" && done >= token, nil
}

// EnrollRequest is an enrollment the kiosk's setup screen asks syncd to
// make, with the same arguments as `syncd enroll`.
type EnrollRequest struct {
	Token string `json:"token"`
	Code  string `json:"code"`
	Name  string `json:"name"`
	Mode  string `json:"mode"`
}

// EnrollOutcome is how an enrollment request ended.
type EnrollOutcome struct {
	Token       string  `json:"token"`
	Kind        string  `json:"kind"`    // "" on success, else an EnrollErrorKind
	Message     string  `json:"message"` // the error, in English, for logs and technicians
	DeviceID    string  `json:"device_id,omitempty"`
	ClockSkew   float64 `json:"clock_skew_seconds"` // central's clock minus the device's
	ClockFarOff bool    `json:"clock_far_off"`
}

// RequestEnroll asks a running syncd to enroll the device, and returns a
// token for EnrollResult.
func RequestEnroll(ctx context.Context, store *outbox.Store, code, name, mode string) (string, error) {
	req := EnrollRequest{Token: newToken(time.Now()), Code: code, Name: name, Mode: mode}
	raw, err := json.Marshal(req)
	if err != nil {
		return "", fmt.Errorf("request enrollment: %w", err)
	}
	if err := store.SetSetting(ctx, SettingEnrollRequest, string(raw)); err != nil {
		return "", fmt.Errorf("request enrollment: %w", err)
	}
	return req.Token, nil
}

// EnrollResult returns the outcome of the enrollment request with this
// token, or nil while syncd has not finished it.
func EnrollResult(ctx context.Context, store *outbox.Store, token string) (*EnrollOutcome, error) {
	raw, err := store.Setting(ctx, SettingEnrollResult, "")
	if err != nil || raw == "" {
		return nil, err
	}
	var out EnrollOutcome
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, fmt.Errorf("read enrollment result: %w", err)
	}
	if out.Token != token {
		return nil, nil
	}
	return &out, nil
}

// handleEnrollRequest enrolls when the kiosk asked for it, and reports
// back. The request, which holds the one-time code, is cleared first so a
// crash cannot make syncd spend it twice.
func (s *Syncer) handleEnrollRequest(ctx context.Context) error {
	raw, err := s.store.Setting(ctx, SettingEnrollRequest, "")
	if err != nil || raw == "" {
		return err
	}
	if err := s.store.SetSetting(ctx, SettingEnrollRequest, ""); err != nil {
		return err
	}
	var req EnrollRequest
	if err := json.Unmarshal([]byte(raw), &req); err != nil {
		return fmt.Errorf("read enrollment request: %w", err)
	}
	// The outcome is written even when ctx ends meanwhile: the setup
	// screen is waiting for it, and the code may be spent.
	e, err := s.Enroll(ctx, req.Code, req.Name, req.Mode)
	out := EnrollOutcome{Token: req.Token, Kind: EnrollErrorKind(err)}
	if err != nil {
		out.Message = err.Error()
		s.Logger.Warn("enrollment failed", "kind", out.Kind, "err", err)
	}
	if e != nil {
		out.DeviceID, out.ClockSkew, out.ClockFarOff = e.DeviceID, e.ClockSkew.Seconds(), e.ClockFarOff
		s.Logger.Info("enrolled", "device", e.DeviceID, "server", e.ServerURL)
	}
	res, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode enrollment result: %w", err)
	}
	return s.store.SetSetting(context.WithoutCancel(ctx), SettingEnrollResult, string(res))
}
