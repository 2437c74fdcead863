// Package demo enrolls an outbox without a central server: a throwaway
// identity and the default campaign, signed by a throwaway server key. It
// is the one place a device is enrolled that way: `kiosk --demo` and
// cmd/screenshots make stand-alone demonstration devices with Enroll, and
// package outboxtest makes test devices with EnrollAs, keeping the keys.
//
// A demo device's records are sealed to a campaign key nobody keeps, so
// it can be shown, screenshotted and tried by hand without ever holding
// readable personal data.
package demo

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// ServerURL is where a demo device would sync: nowhere.
const ServerURL = "http://demo.invalid"

// Device names the device EnrollAs makes.
type Device struct {
	Mode      string // record.ModeKiosk or record.ModeCanvasser
	DeviceID  string
	Name      string
	ServerURL string
	ETag      string // of the stored campaign, as central would have sent it
	// Kinds are record kinds the demo campaign says its central takes
	// beyond the base ones (campaign.Campaign.Kinds): the device then
	// offers their flows.
	Kinds []string
}

// Enrolment is what EnrollAs stored, and the central-side keys that go
// with it, which only a test keeps.
type Enrolment struct {
	Identity *outbox.Identity
	Campaign *campaign.Campaign

	SealPub, SealPriv *[32]byte          // campaign key pair
	ServerKey         ed25519.PrivateKey // signs campaign content
}

// Enroll makes s a demo device in the given mode (record.ModeKiosk or
// record.ModeCanvasser), unless it is already enrolled, in which case it
// changes nothing and reports false.
func Enroll(ctx context.Context, s *outbox.Store, mode string) (bool, error) {
	return EnrollKinds(ctx, s, mode, nil)
}

// EnrollKinds is Enroll with a campaign whose central takes kinds beyond
// the base ones (Device.Kinds): screenshots show every flow with it.
func EnrollKinds(ctx context.Context, s *outbox.Store, mode string, kinds []string) (bool, error) {
	if _, err := s.Identity(ctx); err == nil {
		return false, nil
	} else if !errors.Is(err, outbox.ErrNotEnrolled) {
		return false, err
	}
	if _, err := EnrollAs(ctx, s, Device{Mode: mode, DeviceID: "dev-DEMO", Name: "demo", ServerURL: ServerURL, Kinds: kinds}); err != nil {
		return false, err
	}
	// A kiosk collects only with a technician PIN; a demo device has the
	// well-known TechPIN, unless one was set before.
	g := pinguard.New(s)
	if set, err := g.IsSet(ctx); err != nil || set {
		return true, err
	}
	if err := g.Set(ctx, TechPIN); err != nil {
		return true, fmt.Errorf("demo enroll: %w", err)
	}
	return true, nil
}

// TechPIN is the technician PIN of a demo device made by Enroll. It is
// published: a demo device is not for collecting.
const TechPIN = "246810"

// EnrollAs gives s a fresh identity as dev, with new keys, and stores the
// default campaign signed by a new server key.
func EnrollAs(ctx context.Context, s *outbox.Store, dev Device) (*Enrolment, error) {
	content := assets.DefaultCampaign
	if len(dev.Kinds) > 0 {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(content, &raw); err != nil {
			return nil, fmt.Errorf("demo enroll: %w", err)
		}
		k, err := json.Marshal(dev.Kinds)
		if err != nil {
			return nil, fmt.Errorf("demo enroll: %w", err)
		}
		raw["kinds"] = k
		if content, err = json.Marshal(raw); err != nil {
			return nil, fmt.Errorf("demo enroll: %w", err)
		}
	}
	c, err := campaign.Parse("default campaign", content)
	if err != nil {
		return nil, fmt.Errorf("demo enroll: %w", err)
	}
	sealPub, sealPriv, err := record.NewCampaignKey()
	if err != nil {
		return nil, fmt.Errorf("demo enroll: %w", err)
	}
	serverPub, serverKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("demo enroll: %w", err)
	}
	_, deviceKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("demo enroll: %w", err)
	}
	dedupe := make([]byte, 32)
	if _, err := rand.Read(dedupe); err != nil {
		return nil, fmt.Errorf("demo enroll: %w", err)
	}
	id := &outbox.Identity{
		DeviceID:   dev.DeviceID,
		Name:       dev.Name,
		Mode:       dev.Mode,
		ServerURL:  dev.ServerURL,
		ServerKey:  serverPub,
		DeviceKey:  deviceKey,
		CampaignID: c.ID,
		SealKey:    *sealPub,
		DedupeKey:  dedupe,
		EnrolledAt: time.Now().UTC(),
	}
	if err := s.SetIdentity(ctx, id); err != nil {
		return nil, fmt.Errorf("demo enroll: %w", err)
	}
	err = s.SaveCampaign(ctx, outbox.StoredCampaign{
		Version:   c.Version,
		Content:   content,
		Signature: protocol.SignCampaign(serverKey, c.Version, content),
		ETag:      dev.ETag,
	})
	if err != nil {
		return nil, fmt.Errorf("demo enroll: %w", err)
	}
	return &Enrolment{Identity: id, Campaign: c, SealPub: sealPub, SealPriv: sealPriv, ServerKey: serverKey}, nil
}
