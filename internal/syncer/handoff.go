package syncer

import (
	"context"

	"github.com/voces-cdmx/voces/internal/handoff"
)

// handleEnrollRequest enrolls when the kiosk asked for it (package
// handoff), and reports back.
func (s *Syncer) handleEnrollRequest(ctx context.Context) error {
	req, err := handoff.TakeEnrollRequest(ctx, s.store)
	if err != nil || req == nil {
		return err
	}
	// The outcome is written even when ctx ends meanwhile: the setup
	// screen is waiting for it, and the code may be spent.
	e, err := s.Enroll(ctx, req.Code, req.Name, req.Mode)
	out := handoff.EnrollOutcome{Token: req.Token, Kind: EnrollErrorKind(err)}
	if err != nil {
		out.Message = err.Error()
		s.Logger.Warn("enrollment failed", "kind", out.Kind, "err", err)
	}
	if e != nil {
		out.DeviceID, out.ClockSkew, out.ClockFarOff = e.DeviceID, e.ClockSkew.Seconds(), e.ClockFarOff
		s.Logger.Info("enrolled", "device", e.DeviceID, "server", e.ServerURL)
	}
	return handoff.AnswerEnroll(context.WithoutCancel(ctx), s.store, out)
}
