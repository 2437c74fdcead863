package handoff

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// EnrollRequest is an enrolment the kiosk's setup wizard asks syncd to
// make, with the same arguments as `syncd enroll`.
type EnrollRequest struct {
	Token string `json:"token"`
	Code  string `json:"code"`
	Name  string `json:"name"`
	Mode  string `json:"mode"`
}

// EnrollOutcome is how an enrolment request ended.
type EnrollOutcome struct {
	Token       string  `json:"token"`
	Kind        string  `json:"kind"`    // "" on success, else one of the Kind constants
	Message     string  `json:"message"` // the error, in English, for logs and technicians
	DeviceID    string  `json:"device_id,omitempty"`
	ClockSkew   float64 `json:"clock_skew_seconds"` // central's clock minus the device's
	ClockFarOff bool    `json:"clock_far_off"`
}

// Enrolment failure kinds: stable keys the setup wizard translates, and
// the values of EnrollOutcome.Kind on disk. syncd maps its errors to them
// (syncer.EnrollErrorKind).
const (
	KindCodeMistyped      = "code_mistyped"
	KindCodeUsed          = "code_used"
	KindCodeExpired       = "code_expired"
	KindUnknownCode       = "unknown_code"
	KindUnreachable       = "unreachable"
	KindServerKeyMismatch = "server_key_mismatch"
	KindPendingRecords    = "pending_records"
	// KindCampaignPending is a success: the device is enrolled, but the
	// campaign content could not be downloaded yet; syncd keeps trying.
	KindCampaignPending = "campaign_pending"
	// The connection is not the one the code describes: plain http:// to
	// another machine without the code's insecure flag, a redirect off
	// central's address, or (without a pin) a certificate the system does
	// not trust. A TLS pin that does not match is KindServerKeyMismatch.
	KindInsecureURL  = "insecure_url"
	KindRedirected   = "redirected"
	KindTLSUntrusted = "tls_untrusted"
	KindRefused      = "refused"
)

// RequestEnroll asks a running syncd to enrol the device, and returns a
// token for EnrollResult. This is the kiosk's side.
func RequestEnroll(ctx context.Context, s Settings, code, name, mode string) (string, error) {
	req := EnrollRequest{Token: newToken(time.Now()), Code: code, Name: name, Mode: mode}
	raw, err := json.Marshal(req)
	if err != nil {
		return "", fmt.Errorf("request enrollment: %w", err)
	}
	if err := s.SetSetting(ctx, SettingEnrollRequest, string(raw)); err != nil {
		return "", fmt.Errorf("request enrollment: %w", err)
	}
	return req.Token, nil
}

// EnrollResult returns the outcome of the enrolment request with this
// token, or nil while syncd has not finished it. This is the kiosk's side.
func EnrollResult(ctx context.Context, s Settings, token string) (*EnrollOutcome, error) {
	raw, err := s.Setting(ctx, SettingEnrollResult, "")
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

// TakeEnrollRequest returns the pending enrolment request and clears it,
// or nil when there is none. This is syncd's side. The request holds the
// one-time code, and is cleared before syncd acts on it so a crash cannot
// make syncd spend the code twice.
func TakeEnrollRequest(ctx context.Context, s Settings) (*EnrollRequest, error) {
	raw, err := s.Setting(ctx, SettingEnrollRequest, "")
	if err != nil || raw == "" {
		return nil, err
	}
	if err := s.SetSetting(ctx, SettingEnrollRequest, ""); err != nil {
		return nil, err
	}
	var req EnrollRequest
	if err := json.Unmarshal([]byte(raw), &req); err != nil {
		return nil, fmt.Errorf("read enrollment request: %w", err)
	}
	return &req, nil
}

// AnswerEnroll stores the outcome of an enrolment request for the kiosk.
// This is syncd's side.
func AnswerEnroll(ctx context.Context, s Settings, out EnrollOutcome) error {
	res, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode enrollment result: %w", err)
	}
	return s.SetSetting(ctx, SettingEnrollResult, string(res))
}
