package syncer

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// Enrollment failures, each a different thing for the technician to do.
// ErrUnreachable (defined with the other network errors) is the one for
// "no answer from central".
var (
	ErrCodeMistyped      = errors.New("the provisioning code is mistyped")
	ErrCodeUsed          = errors.New("the provisioning code was already used; ask for a new one")
	ErrCodeExpired       = errors.New("the provisioning code has expired; ask for a new one")
	ErrUnknownCode       = errors.New("central does not know this provisioning code")
	ErrServerKeyMismatch = errors.New("the server's key does not match the provisioning code: this is not the server the code was made for")
	ErrEnrollRefused     = errors.New("central refused the enrollment")
	ErrPendingRecords    = errors.New("records of the current enrollment are still pending: sync or export them before enrolling again")
	// ErrCampaignPending is returned with a non-nil Enrollment: the device
	// is enrolled, but the campaign content could not be downloaded yet.
	// `syncd run` keeps trying.
	ErrCampaignPending = errors.New("enrolled, but the campaign content could not be downloaded yet")
)

// ClockTolerance is how far the device clock may be from central's before
// enrollment warns. Records still sync with any clock; their device times
// would be wrong.
const ClockTolerance = 24 * time.Hour

// Enrollment is what a successful enrollment gives the device.
type Enrollment struct {
	DeviceID        string
	Name            string
	Mode            string
	ServerURL       string
	CampaignID      string
	CampaignVersion int           // campaign content stored after enrolling; 0 if the pull failed
	ClockSkew       time.Duration // central's clock minus this device's
	ClockFarOff     bool          // |ClockSkew| > ClockTolerance: set the device clock
}

// Enroll enrolls the device behind store with central, using the default
// engine configuration and client (nil for the default client). See
// (*Syncer).Enroll.
func Enroll(ctx context.Context, store *outbox.Store, code, name, mode string, client *http.Client) (*Enrollment, error) {
	s := New(store)
	if client != nil {
		s.Client = client
	}
	return s.Enroll(ctx, code, name, mode)
}

// Enroll reads a provisioning code, makes the device's Ed25519 key,
// registers it with central, checks central's key against the code's
// fingerprint, stores the identity and pulls the campaign. name defaults
// to the host name and mode to kiosk.
//
// Every answer is checked before it is used: the server key it gives
// must have the code's fingerprint and must have signed the answer to
// this very request, and the connection must pass the code's checks
// (https, or plain http only to loopback or with the code's insecure
// flag; the code's TLS pin; no redirect off the address).
//
// Errors match one of ErrCodeMistyped, ErrCodeUsed, ErrCodeExpired,
// ErrUnknownCode, ErrUnreachable, ErrServerKeyMismatch (also for a TLS
// pin that does not match and an answer central did not sign),
// ErrInsecureURL, ErrRedirected, ErrTLSUntrusted, ErrPendingRecords or
// ErrEnrollRefused; ErrCampaignPending comes with a non-nil Enrollment.
// A clock far off is not an error: see Enrollment.ClockFarOff.
func (s *Syncer) Enroll(ctx context.Context, code, name, mode string) (*Enrollment, error) {
	pc, err := protocol.ParseCode(code)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCodeMistyped, err)
	}
	switch mode {
	case "":
		mode = record.ModeKiosk
	case record.ModeKiosk, record.ModeCanvasser:
	default:
		return nil, fmt.Errorf("enroll: unknown mode %q (want %s or %s)", mode, record.ModeKiosk, record.ModeCanvasser)
	}
	if name == "" {
		name, _ = os.Hostname()
	}
	// Check before spending the one-time code: SetIdentity would refuse
	// afterwards, with the code used up.
	if old, err := s.store.Identity(ctx); err == nil {
		c, err := s.store.Counts(ctx)
		if err != nil {
			return nil, err
		}
		if c.Pending > 0 {
			return nil, fmt.Errorf("%w: %d records of device %s", ErrPendingRecords, c.Pending, old.DeviceID)
		}
	} else if !errors.Is(err, outbox.ErrNotEnrolled) {
		return nil, err
	}

	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("make device key: %w", err)
	}
	body, err := json.Marshal(protocol.EnrollRequest{
		Token:      pc.Token,
		DeviceKey:  pub,
		Name:       name,
		Mode:       mode,
		DeviceTime: s.Clock.Now().UTC(),
		AppVersion: s.AppVersion,
	})
	if err != nil {
		return nil, fmt.Errorf("encode enrollment: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	p := peer{url: pc.URL, pin: pc.Pin, insecureHTTP: pc.InsecureHTTP}
	ans, err := s.send(ctx, exchange{method: http.MethodPost, peer: p, path: protocol.PathEnroll, body: body, header: h})
	if err != nil {
		return nil, enrollError(err)
	}
	var resp protocol.EnrollResponse
	if err := json.Unmarshal(ans.body, &resp); err != nil {
		return nil, fmt.Errorf("%w: %w: %v", ErrEnrollRefused, ErrBadAnswer, err)
	}
	// Nothing of the answer is used before both checks: the key it names
	// is the one the technician typed, and that key signed this very
	// answer to this request (which holds the token and the device's new
	// key). A proxy can neither swap the seal key, the dedupe key or the
	// device id, nor replay another device's answer.
	if !protocol.FingerprintMatches(resp.ServerKey, pc.Fingerprint) {
		return nil, fmt.Errorf("%w (code has %s, server has %s)", ErrServerKeyMismatch, pc.Fingerprint, protocol.Fingerprint(resp.ServerKey))
	}
	binding := protocol.AnswerBinding(protocol.PathEnroll, body, nil)
	if !protocol.VerifyAnswer(resp.ServerKey, protocol.PathEnroll, binding, ans.status, ans.body, answerSignature(ans.header)) {
		return nil, fmt.Errorf("%w: %w", ErrServerKeyMismatch, ErrForgedAnswer)
	}
	if resp.DeviceID == "" || len(resp.SealKey) != 32 || len(resp.ServerKey) != ed25519.PublicKeySize || len(resp.DedupeKey) == 0 {
		return nil, fmt.Errorf("%w: %w: enrollment answer is missing the device id or keys", ErrEnrollRefused, ErrBadAnswer)
	}
	// Central's record wins: a technician's code may fix the mode and
	// name, and the device must collect as central will count it.
	if resp.Mode == record.ModeKiosk || resp.Mode == record.ModeCanvasser {
		mode = resp.Mode
	}
	if resp.Name != "" {
		name = resp.Name
	}
	now := s.Clock.Now()
	id := &outbox.Identity{
		DeviceID:   resp.DeviceID,
		Name:       name,
		Mode:       mode,
		ServerURL:  pc.URL,
		ServerKey:  ed25519.PublicKey(resp.ServerKey),
		DeviceKey:  key,
		CampaignID: resp.CampaignID,
		DedupeKey:  resp.DedupeKey,
		EnrolledAt: now.UTC(),
		TLSPin:     pc.Pin.String(),
		// Kept only where it is needed: on loopback it changes nothing.
		InsecureHTTP: pc.InsecureHTTP,
	}
	copy(id.SealKey[:], resp.SealKey)
	if err := s.store.SetIdentity(ctx, id); err != nil {
		return nil, err
	}
	// A new identity starts with a clean slate: an old stop or error was
	// about the device this one replaces.
	if err := s.store.SetSyncStatus(ctx, outbox.SyncStatus{}); err != nil {
		return nil, err
	}
	e := &Enrollment{
		DeviceID:   id.DeviceID,
		Name:       name,
		Mode:       mode,
		ServerURL:  pc.URL,
		CampaignID: id.CampaignID,
		ClockSkew:  resp.ServerTime.Sub(now),
	}
	e.ClockFarOff = e.ClockSkew > ClockTolerance || e.ClockSkew < -ClockTolerance
	if e.ClockFarOff {
		s.Logger.Warn("device clock is far from central's; records will carry wrong device times", "skew", e.ClockSkew.Round(time.Second))
	}
	version, _, err := s.pullCampaign(ctx, id)
	e.CampaignVersion = version
	if err != nil {
		s.noteError(ctx, err)
		return e, fmt.Errorf("%w: %w", ErrCampaignPending, err)
	}
	return e, nil
}

// enrollError says which enrollment failure a refusal is.
func enrollError(err error) error {
	var se *StatusError
	switch {
	case errors.Is(err, ErrTLSPinMismatch):
		// The same thing for the technician as a wrong server key: this
		// is not the server the code was made for.
		return fmt.Errorf("%w: %w", ErrServerKeyMismatch, err)
	case errors.Is(err, ErrInsecureURL), errors.Is(err, ErrRedirected), errors.Is(err, ErrTLSUntrusted):
		return err
	}
	if !errors.As(err, &se) {
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	switch {
	case se.Code == protocol.CodeCodeUsed:
		return fmt.Errorf("%w: %w", ErrCodeUsed, err)
	case se.Code == protocol.CodeCodeExpired:
		return fmt.Errorf("%w: %w", ErrCodeExpired, err)
	case se.Code == protocol.CodeBadCode:
		return fmt.Errorf("%w: %w", ErrUnknownCode, err)
	case se.StatusCode >= 500 || se.StatusCode == http.StatusTooManyRequests:
		// Central is there but cannot serve: for the technician it is the
		// same as no answer, try again later.
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	return fmt.Errorf("%w: %w", ErrEnrollRefused, err)
}

// EnrollErrorKind maps an error from Enroll to its kind, as the kiosk's
// setup wizard reads it: one of the handoff.Kind constants, or "" for nil.
func EnrollErrorKind(err error) string {
	for _, k := range []struct {
		err  error
		kind string
	}{
		{ErrCodeMistyped, handoff.KindCodeMistyped},
		{ErrCodeUsed, handoff.KindCodeUsed},
		{ErrCodeExpired, handoff.KindCodeExpired},
		{ErrUnknownCode, handoff.KindUnknownCode},
		{ErrServerKeyMismatch, handoff.KindServerKeyMismatch},
		{ErrPendingRecords, handoff.KindPendingRecords},
		{ErrCampaignPending, handoff.KindCampaignPending},
		{ErrInsecureURL, handoff.KindInsecureURL},
		{ErrRedirected, handoff.KindRedirected},
		{ErrTLSUntrusted, handoff.KindTLSUntrusted},
		{ErrUnreachable, handoff.KindUnreachable},
	} {
		if errors.Is(err, k.err) {
			return k.kind
		}
	}
	if err == nil {
		return ""
	}
	return handoff.KindRefused
}
