package dashboard

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"sync"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// The review desk (mesa de control): a data officer sees the supports that
// did not verify against the roll, one at a time, with what the person
// gave and the rendered signature, and decides each valid or invalid with
// a reason. Every support shown and every decision goes into the audit
// log. Record ids travel in URLs and forms; what the person gave appears
// only in the page body, never in a URL or a log line.

// reviewDecided is how many decisions the desk lists under the support.
const reviewDecided = 50

type reviewView struct {
	Roll     bool   // a roll is imported
	CanLook  bool   // this node has the roll key: a clave can be looked up
	Lookup   string // what the roll said of the clave a reviewer looked up; "" if none
	Queue    int64
	Decided  int64
	Disagree int64
	Support  *reviewSupport // nil when the queue is empty
	Reasons  []reviewReason
	Done     []reviewDecision
}

// reviewSupport is the support on the desk.
type reviewSupport struct {
	ID                  string
	Proposal            string
	Status, StatusHelp  string
	Opened              bool // the body opened: Name, VoterID and the signature are shown
	Name, VoterID, Type string
	Alcaldia            string
	Device, DeviceID    string
	Canvasser           string
	Collected, Received string
	Signature           template.URL // an SVG data URL; "" when there is no signature
	// A support a reviewer already decided is on the desk again: what
	// was decided, and what the roll in use says now if it disagrees.
	Decision, DecidedBy, DecidedAt, Reason, Note string
	RollSays                                     string
}

type reviewReason struct {
	Value, Label string // Value is "decision:code"
	Valid        bool
}

type reviewDecision struct {
	ID, Proposal, Decision, Reason, By, At string
	Status, RollSays                       string
}

// opener opens support bodies for the desk; nil when this node has no
// campaign private key (the desk then shows envelopes only).
func (h *Handler) opener() *record.Opener {
	h.openOnce.Do(func() {
		k := h.cfg.Keys
		if k.SealPublic == nil || k.SealPrivate == nil {
			return
		}
		o, err := record.NewOpener(k.SealPublic, k.SealPrivate)
		if err != nil {
			h.log.Error("review desk: campaign key", "err", err)
			return
		}
		h.open = o
	})
	return h.open
}

// reviewState is the desk's lazily made opener; kept apart from Handler's
// fields so the desk stays in its own file.
type reviewState struct {
	openOnce sync.Once
	open     *record.Opener
}

// handleReview shows the next support to decide: ?id= names one (a
// decided one, to decide again), ?after= skips to the one after.
func (h *Handler) handleReview(w http.ResponseWriter, r *http.Request) {
	h.renderReview(w, r, reviewShow{id: r.URL.Query().Get("id"), after: r.URL.Query().Get("after")})
}

// reviewShow says what the desk shows: a flash, a named support or the
// one after another, and the answer to a clave lookup.
type reviewShow struct {
	flash, id, after, lookup string
}

// handleReviewLookup looks up, for the support on the desk, the clave of
// the credential its signer showed, and shows the support again with
// what the roll says of it.
func (h *Handler) handleReviewLookup(w http.ResponseWriter, r *http.Request) {
	id, err := central.ParseRecordID(r.PostFormValue("id"))
	if err != nil || h.cfg.RollKey == nil {
		h.renderError(w, r, http.StatusBadRequest, "review.bad")
		return
	}
	key, err := h.cfg.RollKey()
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	l := langOf(r)
	res, err := central.LookupClave(r.Context(), h.cfg.Store, h.cfg.Audit, key, sessionOf(r).Operator, id, r.PostFormValue("clave"))
	switch {
	case errors.Is(err, central.ErrNotAClave):
		h.renderReview(w, r, reviewShow{id: r.PostFormValue("id"), lookup: l.T("review.lookup.bad")})
		return
	case errors.Is(err, central.ErrNotFound):
		h.renderError(w, r, http.StatusBadRequest, "review.noroll")
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	var say string
	switch res.Status {
	case central.StatusVerified:
		say = l.T("review.lookup.verified", res.Match.Section, alcaldiaLabel(l, res.Match.Alcaldia))
	case central.StatusOutsideCity:
		say = l.T("review.lookup.outside_city", res.Match.Entity, res.Match.Section)
	default:
		say = l.T("review.lookup.not_in_roll")
	}
	h.renderReview(w, r, reviewShow{id: r.PostFormValue("id"), lookup: say})
}

// handleReviewDecide records a decision and shows the next support.
func (h *Handler) handleReviewDecide(w http.ResponseWriter, r *http.Request) {
	id, err := central.ParseRecordID(r.PostFormValue("id"))
	if err != nil {
		h.renderError(w, r, http.StatusBadRequest, "review.bad")
		return
	}
	decision, reason := splitChoice(r.PostFormValue("choice"))
	err = central.DecideSupport(r.Context(), h.cfg.Store, h.cfg.Audit, central.SupportDecision{RecordID: id, Decision: decision,
		Reason: reason, Note: r.PostFormValue("note"), By: sessionOf(r).Operator, At: h.cfg.Now()})
	switch {
	case errors.Is(err, central.ErrBadDecision), errors.Is(err, central.ErrNotFound):
		h.renderError(w, r, http.StatusBadRequest, "review.bad")
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	l := langOf(r)
	flash := l.T("review.recorded", l.T("review.decision."+decision), l.T("review.reason."+reason))
	h.renderReview(w, r, reviewShow{flash: flash})
}

// splitChoice reads a reason's radio value, "decision:code".
func splitChoice(v string) (decision, reason string) {
	decision, reason, _ = strings.Cut(v, ":")
	return decision, reason
}

func (h *Handler) renderReview(w http.ResponseWriter, r *http.Request, show reviewShow) {
	ctx := r.Context()
	l := langOf(r)
	id, after := show.id, show.after
	v := reviewView{CanLook: h.cfg.RollKey != nil, Lookup: show.lookup}
	_, imported, err := central.CurrentRoll(ctx, h.cfg.Store)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if imported {
		rc, err := h.cfg.Store.ReviewCounts(ctx)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		v.Roll, v.Queue, v.Decided, v.Disagree = true, rc.Queue, rc.Decided, rc.Disagreements
	}
	for _, rr := range central.ReviewReasons {
		for _, d := range rr.Decisions {
			v.Reasons = append(v.Reasons, reviewReason{Value: d + ":" + rr.Code, Label: l.T("review.reason." + rr.Code), Valid: d == central.DecisionValid})
		}
	}
	var target [16]byte
	found := false
	switch {
	case id != "":
		if target, err = central.ParseRecordID(id); err != nil {
			h.renderError(w, r, http.StatusNotFound, "review.notfound")
			return
		}
		found = true
	default:
		var from [16]byte
		if after != "" {
			if from, err = central.ParseRecordID(after); err != nil {
				h.renderError(w, r, http.StatusNotFound, "review.notfound")
				return
			}
		}
		next, err := h.cfg.Store.UnverifiedSupports(ctx, from, 1)
		if err == nil && len(next) == 0 && from != ([16]byte{}) {
			// Skipped past the last one: start again from the first
			// still undecided.
			next, err = h.cfg.Store.UnverifiedSupports(ctx, [16]byte{}, 1)
		}
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if len(next) == 1 {
			target, found = next[0].RecordID, true
		}
	}
	if found {
		sv, err := central.ViewSupport(ctx, h.cfg.Store, h.cfg.Audit, h.opener(), sessionOf(r).Operator, target)
		if errors.Is(err, central.ErrNotFound) {
			h.renderError(w, r, http.StatusNotFound, "review.notfound")
			return
		}
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if v.Support, err = h.reviewSupportOf(r, sv); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	if v.Done, err = h.reviewDecisions(r); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.renderFlash(w, r, http.StatusOK, "review", "review.title", show.flash, v)
}

func (h *Handler) reviewSupportOf(r *http.Request, sv *central.SupportView) (*reviewSupport, error) {
	l := langOf(r)
	cs, err := h.campaignsFor(r.Context())
	if err != nil {
		return nil, err
	}
	c := sv.Check
	rs := &reviewSupport{ID: central.RecordIDString(c.RecordID), Proposal: c.SubjectID,
		Status: l.T("roll.status." + c.Status), StatusHelp: l.T("review.help." + c.Status),
		Opened: sv.Opened, Alcaldia: sv.Record.Alcaldia, DeviceID: c.DeviceID, Device: c.DeviceID, Canvasser: c.Canvasser,
		Collected: h.local(sv.Record.DeviceTime), Received: h.local(sv.Record.ReceivedAt)}
	if p := cs.proposal(c.SubjectID); p != nil {
		rs.Proposal = p.Title.Get(string(l))
	}
	if d, err := h.cfg.Store.Device(r.Context(), c.DeviceID); err == nil && d.Name != "" {
		rs.Device = d.Name
	}
	if sv.Opened {
		rs.Name, rs.VoterID = sv.Signer.Name, sv.Signer.VoterID
		rs.Type = l.T("review.idtype." + string(voterid.Type(sv.Signer.IDType)))
		if sv.Signer.Alcaldia != "" {
			rs.Alcaldia = sv.Signer.Alcaldia
		}
		if len(sv.Strokes) > 0 {
			if sig, err := stroke.Decode(sv.Strokes); err == nil && len(sig.Strokes) > 0 {
				// Drawn from numbers the codec checked; the data URL is
				// built here, not from anything the person typed.
				rs.Signature = template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(sig.SVG()))
			}
		}
	}
	rs.Alcaldia = alcaldiaLabel(l, rs.Alcaldia)
	if c.Decision != "" {
		rs.Decision, rs.DecidedBy, rs.DecidedAt = l.T("review.decision."+c.Decision), c.DecidedBy, h.local(c.DecidedAt)
		rs.Reason, rs.Note = l.T("review.reason."+c.Reason), c.Note
		if c.RollStatus != "" {
			rs.RollSays = l.T("roll.status." + c.RollStatus)
		}
	}
	return rs, nil
}

// reviewDecisions lists the latest decisions, those the roll in use
// disagrees with first. It shows ids and codes only: no personal data.
func (h *Handler) reviewDecisions(r *http.Request) ([]reviewDecision, error) {
	l := langOf(r)
	list, err := h.cfg.Store.DecidedSupports(r.Context(), reviewDecided)
	if err != nil {
		return nil, err
	}
	cs, err := h.campaignsFor(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]reviewDecision, 0, len(list))
	for _, c := range list {
		d := reviewDecision{ID: central.RecordIDString(c.RecordID), Proposal: c.SubjectID, Decision: l.T("review.decision." + c.Decision),
			Reason: l.T("review.reason." + c.Reason), By: c.DecidedBy, At: h.local(c.DecidedAt), Status: l.T("roll.status." + c.Status)}
		if p := cs.proposal(c.SubjectID); p != nil {
			d.Proposal = p.Title.Get(string(l))
		}
		if c.RollStatus != "" {
			d.RollSays = l.T("roll.status." + c.RollStatus)
		}
		out = append(out, d)
	}
	return out, nil
}
