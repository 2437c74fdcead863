package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// staleAfter is how long after the last progress document arrived the
// kiosk says when the count is from ("al 3 de diciembre, 14:05"). Central
// issues a new document at least every ten minutes and syncd asks every
// minute, so an online device never gets there.
const staleAfter = 15 * time.Minute

// publishState is what the kiosk keeps of what central published back,
// between screens: the search index of the campaign in use and the last
// city-wide count it showed.
type publishState struct {
	index  *proposalIndex             // of k.camp; rebuilt when the campaign changes
	rows   map[[2]float32]*rowHeights // proposal tile heights by list width and text size
	rowsOf *campaign.Campaign         // the campaign rows were measured for

	shown      *protocol.Progress // the last document that passed checkProgress
	receivedAt time.Time          // when syncd received it, on this device's clock
}

// cityCount is what a proposal's page says city-wide.
type cityCount struct {
	handoff.CityWide
	Known     bool // a progress document is held: without one, only this kiosk's count shows
	Stale     bool // the document is older than staleAfter: show CountedAt
	Uncounted outbox.Uncounted
}

// progress returns the city-wide progress document to show and when it
// arrived: the stored one if it passes checkProgress, else the last one
// that did (nil before any). The outbox is a file that anything on the
// device could write to, so the kiosk checks again what syncd checked.
func (k *Kiosk) progress(ctx context.Context) (*protocol.Progress, time.Time) {
	sp, err := handoff.LoadProgress(ctx, k.store)
	if err != nil {
		k.log.Warn("read progress", "err", err)
	}
	if sp != nil {
		doc, err := k.checkProgress(sp)
		if err != nil {
			k.log.Warn("progress document refused", "err", err)
		} else {
			k.pub.shown, k.pub.receivedAt = doc, sp.ReceivedAt
		}
	}
	return k.pub.shown, k.pub.receivedAt
}

// checkProgress accepts a stored progress document when central signed
// it, it is for this device's campaign, and it is not older than one the
// kiosk already showed: a document swapped in for an older one (a
// replay, by hand or by a broken syncd) would make a count go backwards.
func (k *Kiosk) checkProgress(sp *handoff.StoredProgress) (*protocol.Progress, error) {
	if k.ident == nil || !protocol.VerifyProgress(k.ident.ServerKey, sp.Document, sp.Signature) {
		return nil, fmt.Errorf("%w: bad signature", handoff.ErrProgressRefused)
	}
	var doc protocol.Progress
	if err := json.Unmarshal(sp.Document, &doc); err != nil {
		return nil, fmt.Errorf("%w: %v", handoff.ErrProgressRefused, err)
	}
	if k.ident.CampaignID != "" && doc.CampaignID != k.ident.CampaignID {
		return nil, fmt.Errorf("%w: for campaign %q", handoff.ErrProgressRefused, doc.CampaignID)
	}
	if old := k.pub.shown; old != nil && doc.Serial < old.Serial {
		return nil, fmt.Errorf("%w: serial %d is older than the %d shown", handoff.ErrProgressRefused, doc.Serial, old.Serial)
	}
	return &doc, nil
}

// cityCountOf is p's city-wide standing with this device's supports that
// the document has not counted, which are shown apart and added once.
func (k *Kiosk) cityCountOf(ctx context.Context, p *campaign.Proposal) cityCount {
	doc, received := k.progress(ctx)
	un, err := k.store.UncountedSupports(ctx, received)
	if err != nil {
		k.log.Warn("count uncounted supports", "err", err)
	}
	u := un[p.ID]
	cc := cityCount{CityWide: handoff.CityWideOf(doc, k.camp, p, int64(u.Total())), Known: doc != nil, Uncounted: u}
	cc.Stale = doc != nil && k.now().Sub(received) > staleAfter
	return cc
}
