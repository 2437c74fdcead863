package central

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// DefaultTokenTTL is how long a provisioning code stays usable: a working
// day for a technician to set up the devices it was printed for.
const DefaultTokenTTL = 24 * time.Hour

// maxNameLen bounds device names and app versions.
const maxNameLen = 120

// ErrInsecureCode refuses a code for plain http:// to another machine
// that was not asked for on purpose.
var ErrInsecureCode = errors.New("the URL is plain http:// to a host that is not this machine: devices would send the enrolment over the network unencrypted; use an https:// URL, or ask for it on purpose (central token --insecure-http)")

// CodeOptions say what a provisioning code holds besides its token.
type CodeOptions struct {
	URL  string // central's URL devices use
	Mode string // kiosk or canvasser, forced on the device; "" lets it choose
	Name string // the device's name, forced; "" lets it choose
	TTL  time.Duration
	Now  time.Time
	// Pin is the TLS key or CA devices must see at an https URL; zero
	// leaves the connection to the device's system roots.
	Pin protocol.TLSPin
	// InsecureHTTP allows an http:// URL to a host that is not loopback.
	InsecureHTTP bool
}

// IssueToken stores a new one-time token for enrolling a device and returns
// the provisioning code for it: serverURL, the token and the fingerprint of
// central's key. mode and name, when set, are what the device gets
// whatever it asks for. See IssueCode for a pin or plain HTTP.
func IssueToken(ctx context.Context, s Store, k *Keys, serverURL, mode, name string, ttl time.Duration, now time.Time) (protocol.ProvisioningCode, error) {
	return IssueCode(ctx, s, k, CodeOptions{URL: serverURL, Mode: mode, Name: name, TTL: ttl, Now: now})
}

// IssueCode stores a new one-time token and returns the provisioning code
// for it. It refuses an http:// URL to a host other than loopback unless
// o.InsecureHTTP says so (ErrInsecureCode), a pin with an http:// URL and
// the insecure flag with an https:// one.
func IssueCode(ctx context.Context, s Store, k *Keys, o CodeOptions) (protocol.ProvisioningCode, error) {
	switch {
	case o.Mode != "" && o.Mode != record.ModeKiosk && o.Mode != record.ModeCanvasser:
		return protocol.ProvisioningCode{}, fmt.Errorf("issue token: mode %q is neither %s nor %s", o.Mode, record.ModeKiosk, record.ModeCanvasser)
	case utf8.RuneCountInString(o.Name) > maxNameLen:
		return protocol.ProvisioningCode{}, fmt.Errorf("issue token: name longer than %d characters", maxNameLen)
	case o.TTL <= 0:
		return protocol.ProvisioningCode{}, fmt.Errorf("issue token: ttl %s is not positive", o.TTL)
	}
	if err := checkURL(o.URL); err != nil {
		return protocol.ProvisioningCode{}, fmt.Errorf("issue token: %w", err)
	}
	https := strings.HasPrefix(o.URL, "https://")
	switch {
	case !https && !o.Pin.IsZero():
		return protocol.ProvisioningCode{}, fmt.Errorf("issue token: a TLS pin needs an https:// URL, not %s", o.URL)
	case https && o.InsecureHTTP:
		return protocol.ProvisioningCode{}, fmt.Errorf("issue token: --insecure-http is for an http:// URL, not %s", o.URL)
	case !https && !o.InsecureHTTP && !protocol.LoopbackHost(o.URL):
		return protocol.ProvisioningCode{}, fmt.Errorf("issue token: %s: %w", o.URL, ErrInsecureCode)
	}
	token, err := protocol.NewToken()
	if err != nil {
		return protocol.ProvisioningCode{}, fmt.Errorf("issue token: %w", err)
	}
	t := Token{Hash: HashToken(token), Mode: o.Mode, Name: o.Name, CreatedAt: o.Now.UTC(), ExpiresAt: o.Now.Add(o.TTL).UTC()}
	if err := s.CreateToken(ctx, t); err != nil {
		return protocol.ProvisioningCode{}, fmt.Errorf("issue token: %w", err)
	}
	return protocol.ProvisioningCode{
		URL:          o.URL,
		Token:        token,
		Fingerprint:  k.Fingerprint(),
		Pin:          o.Pin,
		InsecureHTTP: o.InsecureHTTP && !protocol.LoopbackHost(o.URL),
	}, nil
}

// deviceIDs is lower-case Crockford base32, so an id read off a screen or
// a log is not misread.
var deviceIDs = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewDeviceID returns "dev-" and 10 random characters (50 bits): short to
// read out over the phone, and unlikely to collide in any fleet.
func NewDeviceID() (string, error) {
	b := make([]byte, 7)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new device id: %w", err)
	}
	return "dev-" + deviceIDs.EncodeToString(b)[:10], nil
}

func (s *Server) handleEnroll(w http.ResponseWriter, r *http.Request) error {
	raw, enc, err := s.readBody(w, r, protocol.MaxHeartbeatBody, false)
	if err != nil {
		return err
	}
	// The answer is signed over this body: it holds the token and the
	// device's new key, so no answer fits another enrolment.
	bindRequest(r, protocol.AnswerBinding(protocol.PathEnroll, raw, nil))
	plain, err := decode(raw, enc, protocol.MaxHeartbeatBody)
	if err != nil {
		return err
	}
	var req protocol.EnrollRequest
	if err := decodeJSON(plain, &req, "enrollment", false); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(req.Token) == "":
		return refuse(protocol.CodeMalformed, "enrollment has no token")
	case len(req.DeviceKey) != ed25519.PublicKeySize:
		return refuse(protocol.CodeMalformed, "device_key has %d bytes; an Ed25519 public key has %d", len(req.DeviceKey), ed25519.PublicKeySize)
	case req.Mode != "" && req.Mode != record.ModeKiosk && req.Mode != record.ModeCanvasser:
		return refuse(protocol.CodeMalformed, "mode %q is neither %s nor %s", req.Mode, record.ModeKiosk, record.ModeCanvasser)
	case utf8.RuneCountInString(req.Name) > maxNameLen || utf8.RuneCountInString(req.AppVersion) > maxNameLen:
		return refuse(protocol.CodeMalformed, "name or app_version longer than %d characters", maxNameLen)
	}
	if err := s.refreshCampaigns(r.Context()); err != nil {
		return unavailable(err)
	}
	latest := s.campaigns.newest()
	if latest == nil {
		return refuse(protocol.CodeUnavailable, "no campaign has been published yet")
	}
	id, err := NewDeviceID()
	if err != nil {
		return err
	}
	mode := req.Mode
	if mode == "" {
		mode = record.ModeKiosk
	}
	now := s.Now().UTC()
	d, err := s.store.Enroll(r.Context(), HashToken(req.Token), Device{
		ID:         id,
		PublicKey:  ed25519.PublicKey(req.DeviceKey),
		Name:       req.Name,
		Mode:       mode,
		AppVersion: req.AppVersion,
		EnrolledAt: now,
	}, now)
	switch {
	case errors.Is(err, ErrBadCode):
		return refuse(protocol.CodeBadCode, "this provisioning code is not known to this server; check it or ask for a new one")
	case errors.Is(err, ErrCodeUsed):
		return refuse(protocol.CodeCodeUsed, "this provisioning code was already used to enroll a device; ask for a new one")
	case errors.Is(err, ErrCodeExpired):
		return refuse(protocol.CodeCodeExpired, "this provisioning code has expired; ask for a new one")
	case err != nil:
		return unavailable(fmt.Errorf("enroll: %w", err))
	}
	infoOf(r).device = d.ID
	s.Logger.Info("device enrolled", "device", d.ID, "mode", d.Mode)
	s.writeSigned(w, r, http.StatusOK, protocol.EnrollResponse{
		DeviceID:   d.ID,
		Name:       d.Name,
		Mode:       d.Mode,
		CampaignID: latest.CampaignID,
		SealKey:    s.keys.SealPublic[:],
		DedupeKey:  s.keys.Dedupe,
		ServerKey:  s.keys.ServerKey(),
		ServerTime: now,
	})
	return nil
}
