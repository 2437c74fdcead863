package dashboard

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/export"
)

// The ARCO desk: a data officer finds a person's records by voter id or
// receipt code, downloads the access report and applies a cancellation.
// The person's voter id travels only in POST bodies (never in a URL or a
// log line); the page shows envelopes (kind, subject, device, alcaldía,
// dates, receipt), never names.

type arcoView struct {
	By, Query string // "voter" or "receipt", and what was typed
	Searched  bool
	Rows      []arcoRow
	Requests  []arcoRequestRow
	Today     string // the default date of receipt of a new request
}

type arcoRequestRow struct {
	ID                                           int64
	Kind, Folio, Received, Due, Answered, Answer string
	Late                                         bool
}

// withRequests adds the rectification and opposition requests to v.
func (h *Handler) withRequests(r *http.Request, v arcoView) (arcoView, error) {
	list, err := h.cfg.Store.ARCORequests(r.Context())
	if err != nil {
		return v, err
	}
	l, now := langOf(r), h.cfg.Now()
	v.Today = now.In(h.cfg.Location).Format("2006-01-02")
	for _, q := range list {
		row := arcoRequestRow{ID: q.ID, Kind: l.T("arco.request." + q.Kind), Folio: q.Folio, Answer: q.Answer,
			Received: q.ReceivedAt.In(h.cfg.Location).Format("2006-01-02"), Due: q.DueAt.In(h.cfg.Location).Format("2006-01-02"),
			Late: q.AnsweredAt.IsZero() && now.After(q.DueAt)}
		if !q.AnsweredAt.IsZero() {
			row.Answered = h.local(q.AnsweredAt) + " · " + q.AnsweredBy
		}
		v.Requests = append(v.Requests, row)
	}
	return v, nil
}

// renderArco shows the desk with the requests.
func (h *Handler) renderArco(w http.ResponseWriter, r *http.Request, flash string, v arcoView) {
	v, err := h.withRequests(r, v)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.renderFlash(w, r, http.StatusOK, "arco", "arco.title", flash, v)
}

// handleArcoRequest records a rectification or opposition request.
func (h *Handler) handleArcoRequest(w http.ResponseWriter, r *http.Request) {
	received, err := time.ParseInLocation("2006-01-02", r.PostFormValue("received"), h.cfg.Location)
	if err != nil {
		h.renderError(w, r, http.StatusBadRequest, "arco.baddate")
		return
	}
	q, err := central.RecordARCORequest(r.Context(), h.cfg.Store, h.cfg.Audit, sessionOf(r).Operator, r.PostFormValue("kind"), r.PostFormValue("folio"), received, h.cfg.Location)
	if errors.Is(err, central.ErrInvalidRequest) {
		h.renderError(w, r, http.StatusBadRequest, "arco.badrequest")
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.renderArco(w, r, langOf(r).T("arco.recorded", q.Folio, q.DueAt.In(h.cfg.Location).Format("2006-01-02")), arcoView{By: "voter"})
}

// handleArcoAnswer records the answer to a request.
func (h *Handler) handleArcoAnswer(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	err := central.AnswerARCO(r.Context(), h.cfg.Store, h.cfg.Audit, sessionOf(r).Operator, id, r.PostFormValue("answer"), h.cfg.Now())
	if errors.Is(err, central.ErrNotFound) || errors.Is(err, central.ErrInvalidRequest) {
		h.renderError(w, r, http.StatusBadRequest, "arco.badanswer")
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.renderArco(w, r, langOf(r).T("arco.answered"), arcoView{By: "voter"})
}

type arcoRow struct {
	Kind, Subject, Device, Alcaldia, Collected, Receipt string
}

// arcoFind runs the search a form names and records it in the audit log.
func (h *Handler) arcoFind(r *http.Request) (arcoView, []central.StoredRecord, error) {
	v := arcoView{By: r.PostFormValue("by"), Query: strings.TrimSpace(r.PostFormValue("q")), Searched: true}
	var recs []central.StoredRecord
	var err error
	switch {
	case v.Query == "":
	case v.By == "receipt":
		recs, err = central.FindByReceipt(r.Context(), h.cfg.Store, v.Query)
	default:
		v.By = "voter"
		recs, err = central.FindByVoterID(r.Context(), h.cfg.Store, h.cfg.Keys.Dedupe, v.Query)
		if err == central.ErrNoVoterID {
			err = nil
		}
	}
	if err != nil {
		return v, nil, err
	}
	return v, recs, h.cfg.Audit.Audit(r.Context(), sessionOf(r).Operator, central.AuditARCOSearch, map[string]string{"by": v.By, "found": strconv.Itoa(len(recs))})
}

func (h *Handler) handleArcoForm(w http.ResponseWriter, r *http.Request) {
	h.renderArco(w, r, "", arcoView{By: "voter"})
}

func (h *Handler) handleArcoFind(w http.ResponseWriter, r *http.Request) {
	v, recs, err := h.arcoFind(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	cs, err := h.campaignsFor(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	l := langOf(r)
	for _, sr := range recs {
		row := arcoRow{Kind: l.T("kind." + sr.Kind), Subject: sr.SubjectID, Device: sr.DeviceID, Alcaldia: sr.Alcaldia, Collected: h.local(sr.DeviceTime), Receipt: sr.Receipt}
		if p := cs.proposal(sr.SubjectID); p != nil {
			row.Subject = p.Title.Get(string(l))
		}
		v.Rows = append(v.Rows, row)
	}
	h.renderArco(w, r, "", v)
}

// handleArcoReport answers the access report as a PDF download.
func (h *Handler) handleArcoReport(w http.ResponseWriter, r *http.Request) {
	_, recs, err := h.arcoFind(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var key *export.Key
	if h.cfg.Keys.SealPrivate != nil {
		key = &export.Key{Public: h.cfg.Keys.SealPublic, Private: h.cfg.Keys.SealPrivate}
	}
	pdf, err := h.accessReport(r.Context(), recs, key)
	if err == nil {
		err = h.cfg.Audit.Audit(r.Context(), sessionOf(r).Operator, central.AuditARCOAccess, map[string]string{"records": strconv.Itoa(len(recs))})
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="informe-de-acceso.pdf"`)
	w.Write(pdf)
}

func (h *Handler) accessReport(ctx context.Context, recs []central.StoredRecord, key *export.Key) ([]byte, error) {
	campaigns, err := central.LoadCampaigns(ctx, h.cfg.Store)
	if err != nil {
		return nil, err
	}
	devices := map[string]string{}
	list, err := h.cfg.Store.Devices(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range list {
		devices[d.ID] = d.Name
	}
	var buf bytes.Buffer
	err = export.AccessReport(&buf, recs, key, devices, export.Options{Campaigns: campaigns, Location: h.cfg.Location, Now: h.cfg.Now()})
	return buf.Bytes(), err
}

// handleArcoCancel cancels what the search finds, once the officer has
// ticked the confirmation.
func (h *Handler) handleArcoCancel(w http.ResponseWriter, r *http.Request) {
	if r.PostFormValue("confirm") != "yes" {
		h.renderError(w, r, http.StatusBadRequest, "arco.unconfirmed")
		return
	}
	_, recs, err := h.arcoFind(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	cancel := central.Cancel
	if h.cfg.Moderation != nil {
		// A named author's name leaves the published campaign too.
		cancel = h.cfg.Moderation.Cancel
	}
	n, err := cancel(r.Context(), h.cfg.Store, h.cfg.Audit, sessionOf(r).Operator, recs, h.cfg.Now())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.renderArco(w, r, langOf(r).T("arco.cancelled", n), arcoView{By: "voter"})
}
