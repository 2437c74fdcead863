package syncer

import (
	"context"
	"errors"
	"net/http"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// PullProgress asks central for its city-wide progress document, unless
// the device holds the current one (If-None-Match: a 304 of a few bytes),
// and stores a new one for the kiosk only when it verifies with the
// enrolled server key and is newer than the one held
// (handoff.AcceptProgress). It returns the document in force and whether
// this call stored it. A refused document leaves the held one in place.
func (s *Syncer) PullProgress(ctx context.Context) (*protocol.Progress, bool, error) {
	id, err := s.store.Identity(ctx)
	if err != nil {
		return nil, false, err
	}
	doc, changed, err := s.pullProgress(ctx, id)
	if err != nil && ctx.Err() == nil {
		s.noteError(ctx, err)
	}
	return doc, changed, err
}

func (s *Syncer) pullProgress(ctx context.Context, id *outbox.Identity) (*protocol.Progress, bool, error) {
	held, err := handoff.LoadProgress(ctx, s.store)
	if err != nil {
		return nil, false, err
	}
	h := http.Header{}
	h.Set(protocol.HeaderDevice, id.DeviceID)
	if held != nil && held.ETag != "" {
		h.Set("If-None-Match", held.ETag)
	}
	ans, err := s.send(ctx, exchange{method: http.MethodGet, peer: peerOf(id), path: protocol.PathProgress, header: h})
	var se *StatusError
	if errors.As(err, &se) && se.StatusCode == http.StatusNotFound {
		// A central from before progress documents: nothing to show, and
		// nothing wrong with this device.
		doc, err := handoff.ReadProgress(ctx, s.store)
		return doc, false, err
	}
	if err != nil {
		return nil, false, err
	}
	if ans.status == http.StatusNotModified {
		doc, err := handoff.ReadProgress(ctx, s.store)
		return doc, false, err
	}
	return handoff.AcceptProgress(ctx, s.store, id.ServerKey, id.CampaignID, handoff.StoredProgress{
		Document:   ans.body,
		Signature:  answerSignature(ans.header),
		ETag:       ans.header.Get("ETag"),
		ReceivedAt: s.Clock.Now().UTC(),
	})
}
