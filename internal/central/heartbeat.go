package central

import (
	"fmt"
	"net/http"

	"github.com/voces-cdmx/voces/internal/protocol"
)

// maxHeartbeatDecoded bounds a heartbeat after gzip; a real one is a few
// hundred bytes.
const maxHeartbeatDecoded = 4 * protocol.MaxHeartbeatBody

// handleHeartbeat stores a device's health report. It is signed like a
// batch; gzip is accepted but not required, since a heartbeat is small.
// Unknown fields are ignored so newer devices can report more.
func (s *Server) handleHeartbeat(w http.ResponseWriter, r *http.Request) error {
	raw, enc, err := s.readBody(w, r, protocol.MaxHeartbeatBody, false)
	if err != nil {
		return err
	}
	dev, err := s.authenticate(r, protocol.PathHeartbeat, raw)
	if err != nil {
		return err
	}
	plain, err := decode(raw, enc, maxHeartbeatDecoded)
	if err != nil {
		return err
	}
	var hb protocol.Heartbeat
	if err := decodeJSON(plain, &hb, "heartbeat", false); err != nil {
		return err
	}
	if hb.DeviceID != dev.ID {
		return refuse(protocol.CodeMalformed, "heartbeat device_id %q does not match the %s header %q", hb.DeviceID, protocol.HeaderDevice, dev.ID)
	}
	if err := s.store.SaveHeartbeat(r.Context(), dev.ID, hb, s.Now().UTC()); err != nil {
		return unavailable(fmt.Errorf("save heartbeat: %w", err))
	}
	s.writeSignedEmpty(w, r, http.StatusNoContent)
	return nil
}
