package syncer

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// ErrCampaignRefused means central sent campaign content the device will
// not store: its signature does not verify with the enrolled server key,
// or it does not parse, or it is for another campaign.
var ErrCampaignRefused = errors.New("campaign content refused")

// PullCampaign asks central for its current campaign content, unless it is
// the version already stored (If-None-Match with the stored ETag). New
// content is stored only after its signature verifies with the server key
// the device enrolled with and it parses as a campaign. It returns the
// newest version stored and whether this call stored it.
func (s *Syncer) PullCampaign(ctx context.Context) (version int, changed bool, err error) {
	id, err := s.store.Identity(ctx)
	if err != nil {
		return 0, false, err
	}
	version, changed, err = s.pullCampaign(ctx, id)
	switch {
	case err == nil:
		return version, changed, nil
	case ctx.Err() != nil:
		return version, false, ctx.Err()
	}
	s.noteError(ctx, err)
	return version, false, err
}

func (s *Syncer) pullCampaign(ctx context.Context, id *outbox.Identity) (int, bool, error) {
	current, err := s.store.LatestCampaign(ctx)
	if err != nil && !errors.Is(err, outbox.ErrNoCampaign) {
		return 0, false, err
	}
	have := 0
	h := http.Header{}
	h.Set(protocol.HeaderDevice, id.DeviceID)
	if current != nil {
		have = current.Version
		// Only an intact copy can be the base of a delta, or be kept on
		// a 304: a damaged one is replaced by a whole download.
		if protocol.VerifyCampaign(id.ServerKey, current.Version, current.Content, current.Signature) {
			if !s.noDelta.Load() {
				h.Set(protocol.HeaderCampaignHave, strconv.Itoa(current.Version))
			}
			if current.ETag != "" {
				h.Set("If-None-Match", current.ETag)
			}
		} else {
			s.Logger.Warn("stored campaign content is damaged; downloading the whole version", "version", current.Version)
		}
	}
	ans, err := s.send(ctx, exchange{method: http.MethodGet, peer: peerOf(id), path: protocol.PathCampaign, header: h})
	if err != nil {
		return have, false, err
	}
	if ans.status == http.StatusNotModified {
		return have, false, nil
	}
	var resp protocol.CampaignResponse
	if err := json.Unmarshal(ans.body, &resp); err != nil {
		return have, false, fmt.Errorf("%w: campaign answer: %v", ErrBadAnswer, err)
	}
	if resp.From != 0 {
		// A delta: assemble the version from the one held, then check
		// central's signature over the result like a whole download.
		if current == nil || resp.From != current.Version || h.Get(protocol.HeaderCampaignHave) == "" {
			return have, false, fmt.Errorf("%w: a delta from version %d, which this device did not offer", ErrCampaignRefused, resp.From)
		}
		content, err := protocol.ApplyDelta(current.Content, resp.Delta)
		if err != nil {
			s.noDelta.Store(true)
			return have, false, fmt.Errorf("%w: version %d from %d: %w", ErrCampaignRefused, resp.Version, resp.From, err)
		}
		resp.Content, resp.Delta = content, nil
	}
	if _, err := VerifyCampaign(id.ServerKey, id.CampaignID, &resp); err != nil {
		// Whatever spoilt a delta may spoil the next: the next pull asks
		// for the whole version, which is checked the same way.
		s.noDelta.Store(resp.From != 0)
		return have, false, err
	}
	s.noDelta.Store(false)
	if resp.Version <= have {
		// An older version is never applied over a newer one; central
		// publishes a fix as a new version.
		return have, false, nil
	}
	err = s.store.SaveCampaign(ctx, outbox.StoredCampaign{
		Version:   resp.Version,
		Content:   resp.Content,
		Signature: resp.Signature,
		ETag:      ans.header.Get("ETag"),
	})
	if err != nil {
		return have, false, err
	}
	s.Logger.Info("stored new campaign content", "version", resp.Version)
	return resp.Version, true, nil
}

// VerifyCampaign checks campaign content from central before anything
// uses it: the signature must verify with serverKey, the content must
// parse as a campaign of the signed version, and, when campaignID is not
// empty, be that campaign. Errors match ErrCampaignRefused.
func VerifyCampaign(serverKey ed25519.PublicKey, campaignID string, resp *protocol.CampaignResponse) (*campaign.Campaign, error) {
	if !protocol.VerifyCampaign(serverKey, resp.Version, resp.Content, resp.Signature) {
		return nil, fmt.Errorf("%w: version %d: signature does not verify with the enrolled server key", ErrCampaignRefused, resp.Version)
	}
	c, err := campaign.Parse(fmt.Sprintf("campaign version %d", resp.Version), resp.Content)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCampaignRefused, err)
	}
	if c.Version != resp.Version {
		return nil, fmt.Errorf("%w: signed as version %d but the content says %d", ErrCampaignRefused, resp.Version, c.Version)
	}
	if campaignID != "" && c.ID != campaignID {
		return nil, fmt.Errorf("%w: content is for campaign %q, this device collects for %q", ErrCampaignRefused, c.ID, campaignID)
	}
	return c, nil
}
