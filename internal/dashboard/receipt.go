package dashboard

import (
	"net/http"
	"strings"

	"github.com/google/uuid"

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
