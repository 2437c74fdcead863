package handoff

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// ErrProgressRefused means a progress document will not be stored: its
// signature does not verify with the enrolled server key, it is for
// another campaign, or it is not newer than the one held (a replay).
var ErrProgressRefused = errors.New("progress document refused")

// StoredProgress is central's progress document as the device keeps it:
// the exact signed bytes, so the kiosk (or a technician) can check it
// again, and the ETag to ask for the next one with.
type StoredProgress struct {
	Document   []byte    `json:"document"`
	Signature  []byte    `json:"signature"`
	ETag       string    `json:"etag,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
}

// LoadProgress returns the stored progress document, or nil when the
// device has none yet.
func LoadProgress(ctx context.Context, s Settings) (*StoredProgress, error) {
	v, err := s.Setting(ctx, SettingProgress, "")
	if err != nil || v == "" {
		return nil, err
	}
	var sp StoredProgress
	if err := json.Unmarshal([]byte(v), &sp); err != nil {
		return nil, fmt.Errorf("read progress: %w", err)
	}
	return &sp, nil
}

// AcceptProgress checks a progress document from central and stores it
// when it verifies with serverKey, is for campaignID and has a higher
// serial than the one held. It returns the document in force afterwards
// and whether this call stored it; a document identical to the held one
// changes nothing and is no error. Errors match ErrProgressRefused.
func AcceptProgress(ctx context.Context, s Settings, serverKey ed25519.PublicKey, campaignID string, in StoredProgress) (*protocol.Progress, bool, error) {
	if !protocol.VerifyProgress(serverKey, in.Document, in.Signature) {
		return nil, false, fmt.Errorf("%w: signature does not verify with the enrolled server key", ErrProgressRefused)
	}
	var doc protocol.Progress
	if err := json.Unmarshal(in.Document, &doc); err != nil {
		return nil, false, fmt.Errorf("%w: %v", ErrProgressRefused, err)
	}
	if campaignID != "" && doc.CampaignID != campaignID {
		return nil, false, fmt.Errorf("%w: for campaign %q, this device collects for %q", ErrProgressRefused, doc.CampaignID, campaignID)
	}
	held, err := LoadProgress(ctx, s)
	if err != nil {
		return nil, false, err
	}
	if held != nil {
		var old protocol.Progress
		if err := json.Unmarshal(held.Document, &old); err == nil {
			switch {
			case string(held.Document) == string(in.Document):
				return &old, false, nil
			case doc.Serial <= old.Serial:
				return &old, false, fmt.Errorf("%w: serial %d is not newer than the %d held", ErrProgressRefused, doc.Serial, old.Serial)
			}
		}
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, false, fmt.Errorf("store progress: %w", err)
	}
	if err := s.SetSetting(ctx, SettingProgress, string(b)); err != nil {
		return nil, false, fmt.Errorf("store progress: %w", err)
	}
	return &doc, true, nil
}

// ReadProgress is what the kiosk shows city-wide: the stored document,
// decoded, or nil when the device has none yet. syncd checked it before
// storing it.
func ReadProgress(ctx context.Context, s Settings) (*protocol.Progress, error) {
	sp, err := LoadProgress(ctx, s)
	if err != nil || sp == nil {
		return nil, err
	}
	var doc protocol.Progress
	if err := json.Unmarshal(sp.Document, &doc); err != nil {
		return nil, fmt.Errorf("read progress: %w", err)
	}
	return &doc, nil
}

// CityWide is one proposal's standing as a kiosk shows it: "12,480
// apoyos en toda la ciudad · faltan 2,520 para una respuesta por
// escrito", and "al 3 de diciembre, 14:05" when the count is old.
type CityWide struct {
	Signers   int64     // unique signers central counted
	Pending   int64     // this device's supports not yet synced, shown apart
	CountedAt time.Time // when central counted; zero without a document
	campaign.Standing
}

// CityWideOf places proposal p on its ladder with the document's count.
// pending is what this device holds for p and has not uploaded: central
// has not counted those, so they are added apart, once, and the tier is
// judged on central's count alone (a pending support may be a person
// who already signed elsewhere). doc may be nil.
func CityWideOf(doc *protocol.Progress, c *campaign.Campaign, p *campaign.Proposal, pending int64) CityWide {
	cw := CityWide{Pending: pending}
	if doc != nil {
		cw.Signers, cw.CountedAt = doc.Signers(p.ID), doc.CountedAt
	}
	cw.Standing = campaign.Stand(c.TiersOf(p), cw.Signers)
	return cw
}
