package dashboard

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

type receiptView struct {
	Code      string
	Checked   bool
	Malformed bool
	Found     []receiptFound
}

// receiptFound is what the public learns of a record: when it arrived and
// the campaign's own title of what it was for. Nothing from the body.
type receiptFound struct {
	Arrived string
	What    string
	Status  string // a submission's place in moderation; "" for other kinds
}

// handleReceiptForm shows the receipt check, with the code filled in when
// the link carries one (the QR code on the kiosk's receipt screen): the
// person still presses the button, so what is found goes out in a POST.
func (h *Handler) handleReceiptForm(w http.ResponseWriter, r *http.Request) {
	var v receiptView
	if code := record.NormalizeReceipt(strings.TrimSpace(r.URL.Query().Get("code"))); wellFormedReceipt(code) {
		v.Code = code
	}
	h.render(w, r, http.StatusOK, "receipt", "receipt.title", v)
}

// handleReceipt answers a receipt check. It is a POST so the code stays
// out of URLs, browser history and access logs.
func (h *Handler) handleReceipt(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if !h.checkFormToken(r) {
		h.renderError(w, r, http.StatusForbidden, "error.csrf")
		return
	}
	if ok, wait := h.receipt.allow(h.clientIP(r), h.cfg.Now()); !ok {
		h.tooMany(w, r, wait, "receipt.limited")
		return
	}
	l := langOf(r)
	code := record.NormalizeReceipt(strings.TrimSpace(r.PostFormValue("code")))
	v := receiptView{Code: code, Checked: true}
	if !wellFormedReceipt(code) {
		v.Malformed = true
		h.render(w, r, http.StatusOK, "receipt", "receipt.title", v)
		return
	}
	recs, err := h.cfg.Store.RecordsByReceipt(r.Context(), code)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	cs, err := h.campaignsFor(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for _, rec := range recs {
		// The code is a hash of the record id; checking it again guards
		// against a store that matched loosely.
		if record.ReceiptCode(uuid.UUID(rec.ID)) != code {
			continue
		}
		f := receiptFound{Arrived: h.local(rec.ReceivedAt)}
		switch record.Kind(rec.Kind) {
		case record.KindSurvey:
			title := rec.SubjectID
			if s := cs.survey(rec.SubjectID); s != nil {
				title = s.Title.Get(string(l))
			}
			f.What = l.T("receipt.survey", title)
		case record.KindSignature:
			title := rec.SubjectID
			if p := cs.proposal(rec.SubjectID); p != nil {
				title = p.Title.Get(string(l))
			}
			f.What = l.T("receipt.signature", title)
		case record.KindEvent:
			title := rec.SubjectID
			if e := cs.event(rec.SubjectID); e != nil {
				title = e.Title.Get(string(l))
			}
			f.What = l.T("receipt.event", title)
		case record.KindComment:
			number, title := "", rec.SubjectID
			if a := cs.article(rec.SubjectID); a != nil {
				number, title = a.Number, a.Title.Get(string(l))
			}
			f.What = l.T("receipt.comment", number, title)
		case record.KindProposal, record.KindEventProposal:
			f.What = l.T("receipt." + rec.Kind)
			st, err := h.submissionStatus(r.Context(), l, cs, rec.ID)
			if err != nil {
				h.serverError(w, r, err)
				return
			}
			f.Status = st
		}
		v.Found = append(v.Found, f)
	}
	h.render(w, r, http.StatusOK, "receipt", "receipt.title", v)
}

// wellFormedReceipt reports whether code is in record.ReceiptCode's form:
// five and five Crockford base32 characters around a dash.
func wellFormedReceipt(code string) bool {
	if len(code) != 11 || code[5] != '-' {
		return false
	}
	for i, c := range code {
		if i == 5 {
			continue
		}
		if !strings.ContainsRune("0123456789ABCDEFGHJKMNPQRSTVWXYZ", c) {
			return false
		}
	}
	return true
}

// submissionStatus says where a resident's proposal or assembly stands:
// in review, published (as which title), merged (into which), declined
// (for which of the listed reasons). Never the moderator's note or name.
func (h *Handler) submissionStatus(ctx context.Context, l lang, cs *campaignSet, id [16]byte) (string, error) {
	s, err := h.cfg.Store.Submission(ctx, id)
	if errors.Is(err, central.ErrNotFound) {
		return l.T("receipt.st.unopened"), nil
	}
	if err != nil {
		return "", err
	}
	title := s.Target
	if p := cs.latest.Proposal(s.Target); p != nil {
		title = p.Title.Get(string(l))
	} else if e := cs.latest.Event(s.Target); e != nil {
		title = e.Title.Get(string(l))
	}
	switch s.Status {
	case central.SubmissionPublished:
		return l.T("receipt.st.published", title), nil
	case central.SubmissionMerged:
		return l.T("receipt.st.merged", title), nil
	case central.SubmissionDeclined:
		return l.T("receipt.st.declined", l.T("mod.reason."+s.Reason)), nil
	case central.SubmissionWithdrawn:
		return l.T("receipt.st.withdrawn"), nil
	}
	return l.T("receipt.st.pending"), nil
}
