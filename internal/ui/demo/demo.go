// Package demo enrolls an outbox as a stand-alone demonstration device,
// without a central server: a throwaway identity and the default campaign,
// signed by a throwaway server key. Records it collects are sealed to a
// campaign key nobody keeps, so a demo device can be shown, screenshotted
// and tried by hand without ever holding readable personal data.
package demo

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// ServerURL is where a demo device would sync: nowhere.
const ServerURL = "http://demo.invalid"

// Enroll makes s a demo device in the given mode (record.ModeKiosk or
// record.ModeCanvasser), unless it is already enrolled, in which case it
// changes nothing and reports false.
func Enroll(ctx context.Context, s *outbox.Store, mode string) (bool, error) {
	if _, err := s.Identity(ctx); err == nil {
		return false, nil
	} else if !errors.Is(err, outbox.ErrNotEnrolled) {
		return false, err
	}
	c, err := campaign.Parse("default campaign", assets.DefaultCampaign)
	if err != nil {
		return false, fmt.Errorf("demo enroll: %w", err)
	}
	sealPub, _, err := record.NewCampaignKey()
	if err != nil {
		return false, fmt.Errorf("demo enroll: %w", err)
	}
	serverPub, serverKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return false, fmt.Errorf("demo enroll: %w", err)
	}
	_, deviceKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return false, fmt.Errorf("demo enroll: %w", err)
	}
	dedupe := make([]byte, 32)
	if _, err := rand.Read(dedupe); err != nil {
		return false, fmt.Errorf("demo enroll: %w", err)
	}
	id := &outbox.Identity{
		DeviceID:   "dev-DEMO",
		Name:       "demo",
		Mode:       mode,
		ServerURL:  ServerURL,
		ServerKey:  serverPub,
		DeviceKey:  deviceKey,
		CampaignID: c.ID,
		SealKey:    *sealPub,
		DedupeKey:  dedupe,
		EnrolledAt: time.Now().UTC(),
	}
	if err := s.SetIdentity(ctx, id); err != nil {
		return false, fmt.Errorf("demo enroll: %w", err)
	}
	err = s.SaveCampaign(ctx, outbox.StoredCampaign{
		Version:   c.Version,
		Content:   assets.DefaultCampaign,
		Signature: protocol.SignCampaign(serverKey, c.Version, assets.DefaultCampaign),
	})
	if err != nil {
		return false, fmt.Errorf("demo enroll: %w", err)
	}
	return true, nil
}
