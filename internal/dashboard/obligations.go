package dashboard

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
)

// The obligations page (issue 15): what each proposal's unique signers
// earned, what the Drafting Group still owes (central.Obligations, oldest
// first), the form to record its response (central.RecordResponse), and
// the button that publishes recorded responses with the next version.

type owedView struct {
	Proposal, Title, Tier, Earns string
	Needed, Signers              string
	Since, Waiting               string
	Answer                       string // the link to the response form
}

type tierRow struct {
	ID, Title   string
	Signers     string
	Reached     string // what the highest crossed tier earns; "" for none
	Next        string // what the next tier earns; "" when every tier is crossed
	Missing     string
	Percent     float64 // towards the next tier
	PercentText string
	Closed      bool
}

type pendingView struct {
	Title, Earns, By, At string
}

type obligationsView struct {
	Owed       []owedView
	Tiers      []tierRow
	Pending    []pendingView // responses recorded and not in the newest version
	CanAuthor  bool
	CanPublish bool
	Counted    string // what the counts are: unique signers, or verified supports
}

func (h *Handler) handleObligations(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	ctx := r.Context()
	now := h.cfg.Now()
	obs, err := central.Obligations(ctx, h.cfg.Store, now)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	s := sessionOf(r)
	v := obligationsView{CanAuthor: s.Role.Can(central.PermAuthor), CanPublish: s.Role.Can(central.PermPublish)}
	for _, o := range obs {
		v.Owed = append(v.Owed, owedView{Proposal: o.Proposal, Title: o.Title.Get(string(l)), Tier: o.Tier, Earns: o.Earns.Get(string(l)),
			Needed: l.N(int64(o.Needed)), Signers: l.N(o.Signers), Since: h.local(o.Since), Waiting: l.Ago(now.Sub(o.Since)),
			Answer: "/obligations/answer?" + url.Values{"proposal": {o.Proposal}, "tier": {o.Tier}}.Encode()})
	}
	cs, err := h.campaignsFor(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	// The counts the obligations were judged by: verified supports once a
	// roll is imported, unique signers before.
	counts, basis, err := central.TierCounts(ctx, h.cfg.Store)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v.Counted = l.T("obligations.basis." + basis)
	stored, err := h.cfg.Store.Responses(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if c := cs.latest; c != nil {
		for i := range c.Proposals {
			p := &c.Proposals[i]
			n := counts[p.ID]
			ladder := c.TiersOf(p)
			st := campaign.Stand(ladder, n)
			row := tierRow{ID: p.ID, Title: p.Title.Get(string(l)), Signers: l.N(n), Closed: p.Closed}
			if st.Tier != nil {
				row.Reached = st.Tier.Earns.Get(string(l))
			}
			if st.Next != nil {
				row.Next, row.Missing = st.Next.Earns.Get(string(l)), l.N(int64(st.Missing))
				row.Percent = min(100, float64(n)*100/float64(st.Next.Signers))
			} else {
				row.Percent = 100
			}
			row.PercentText = l.Pct(row.Percent)
			v.Tiers = append(v.Tiers, row)
		}
		for _, sr := range stored {
			p := c.Proposal(sr.Proposal)
			if p == nil {
				continue
			}
			var rsp campaign.Response
			if err := json.Unmarshal(sr.Content, &rsp); err != nil {
				h.serverError(w, r, err)
				return
			}
			if pub := p.Response(sr.Tier); pub != nil && sameResponse(pub, &rsp) {
				continue
			}
			earns := sr.Tier
			for _, t := range c.TiersOf(p) {
				if t.ID == sr.Tier {
					earns = t.Earns.Get(string(l))
				}
			}
			v.Pending = append(v.Pending, pendingView{Title: p.Title.Get(string(l)), Earns: earns, By: sr.RecordedBy, At: h.local(sr.RecordedAt)})
		}
	}
	h.renderFlash(w, r, http.StatusOK, "obligations", "obligations.title", h.flashOf(r), v)
}

func sameResponse(a, b *campaign.Response) bool {
	x, errX := json.Marshal(a, json.Deterministic(true))
	y, errY := json.Marshal(b, json.Deterministic(true))
	return errX == nil && errY == nil && string(x) == string(y)
}

type answerView struct {
	Proposal, Tier, Title, Earns string
	Written                      bool        // the tier is a written answer: that part comes first
	Date                         formField   // when it was answered or held
	Answer, Held                 []formField // the written answer; the meeting or session held
}

// answerFields are the response form's fields, in order.
var answerFields = []struct{ name, kind string }{
	{"date", "date"}, {"text", "area"}, {"signed_by", "line"}, {"place", "text"}, {"minute", "area"},
}

// answerForm builds the response form, from the response stored for the
// tier or from a refused submission.
func (h *Handler) answerForm(r *http.Request, c *campaign.Campaign, proposal, tier string, form url.Values, errs map[string][]string) (answerView, bool) {
	l := langOf(r)
	p := c.Proposal(proposal)
	if p == nil {
		return answerView{}, false
	}
	i := slices.IndexFunc(c.TiersOf(p), func(t campaign.Tier) bool { return t.ID == tier })
	if i < 0 {
		return answerView{}, false
	}
	t := c.TiersOf(p)[i]
	v := answerView{Proposal: proposal, Tier: tier, Title: p.Title.Get(string(l)), Earns: t.Earns.Get(string(l)), Written: tier == campaign.TierAnswer}
	var rsp campaign.Response
	if form == nil {
		if stored, err := h.storedResponse(r, proposal, tier); err == nil && stored != nil {
			rsp = *stored
		} else if pub := p.Response(tier); pub != nil {
			rsp = *pub
		}
	}
	for _, af := range answerFields {
		f := formField{Name: af.name, Label: fieldLabel(l, "response."+af.name), Kind: af.kind, Errors: errs[af.name]}
		switch af.name {
		case "date":
			if !rsp.Date.IsZero() {
				f.Value = rsp.Date.In(h.cfg.Location).Format("2006-01-02")
			} else {
				f.Value = h.cfg.Now().In(h.cfg.Location).Format("2006-01-02")
			}
		case "signed_by":
			f.Value = rsp.SignedBy
		case "text":
			f.ES, f.EN = rsp.Text["es"], rsp.Text["en"]
		case "place":
			f.ES, f.EN = rsp.Place["es"], rsp.Place["en"]
		case "minute":
			f.ES, f.EN = rsp.Minute["es"], rsp.Minute["en"]
		}
		if form != nil {
			f.Value, f.ES, f.EN = form.Get(af.name), form.Get(af.name+".es"), form.Get(af.name+".en")
		}
		switch af.name {
		case "date":
			v.Date = f
		case "text", "signed_by":
			v.Answer = append(v.Answer, f)
		default:
			v.Held = append(v.Held, f)
		}
	}
	labelLanguages(l, v.Answer)
	labelLanguages(l, v.Held)
	return v, true
}

func (h *Handler) storedResponse(r *http.Request, proposal, tier string) (*campaign.Response, error) {
	stored, err := h.cfg.Store.Responses(r.Context())
	if err != nil {
		return nil, err
	}
	for _, sr := range stored {
		if sr.Proposal == proposal && sr.Tier == tier {
			var rsp campaign.Response
			if err := json.Unmarshal(sr.Content, &rsp); err != nil {
				return nil, err
			}
			return &rsp, nil
		}
	}
	return nil, nil
}

func (h *Handler) handleAnswerForm(w http.ResponseWriter, r *http.Request) {
	cs, err := h.campaignsFor(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if cs.latest == nil {
		h.renderError(w, r, http.StatusNotFound, "error.notfound")
		return
	}
	v, ok := h.answerForm(r, cs.latest, r.URL.Query().Get("proposal"), r.URL.Query().Get("tier"), nil, nil)
	if !ok {
		h.renderError(w, r, http.StatusNotFound, "error.notfound")
		return
	}
	h.render(w, r, http.StatusOK, "answer", "answer.title", v)
}

// handleAnswer records the response. A response the validation refuses
// is shown again with each problem next to its field.
func (h *Handler) handleAnswer(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	proposal, tier := r.PostFormValue("proposal"), r.PostFormValue("tier")
	text := func(name string) campaign.Text {
		t := campaign.Text{}
		for _, lg := range []string{"es", "en"} {
			if s := strings.TrimSpace(r.PostFormValue(name + "." + lg)); s != "" {
				t[lg] = s
			}
		}
		if len(t) == 0 {
			return nil
		}
		return t
	}
	rsp := campaign.Response{Tier: tier, Text: text("text"), SignedBy: strings.TrimSpace(r.PostFormValue("signed_by")), Place: text("place"), Minute: text("minute")}
	errs := map[string][]string{}
	date, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(r.PostFormValue("date")), h.cfg.Location)
	if err != nil {
		errs["date"] = []string{l.T("edit.badtime")}
	}
	rsp.Date = date
	if err == nil {
		err = central.RecordResponse(r.Context(), h.cfg.Store, h.cfg.Audit, proposal, rsp, sessionOf(r).Operator, h.cfg.Now())
		if errors.Is(err, central.ErrUnknownTier) {
			h.renderError(w, r, http.StatusNotFound, "error.notfound")
			return
		}
		for _, pe := range parseErrors(err) {
			s := pe.Steps()
			field := "text"
			if len(s) > 0 && s[len(s)-1].Index < 0 {
				field = s[len(s)-1].Name
				if (field == "es" || field == "en") && len(s) > 1 {
					field = s[len(s)-2].Name
				}
			}
			errs[field] = append(errs[field], problemText(l, pe.Problem))
		}
		if err != nil && len(errs) == 0 {
			h.serverError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		cs, cerr := h.campaignsFor(r.Context())
		if cerr != nil || cs.latest == nil {
			h.serverError(w, r, cerr)
			return
		}
		v, ok := h.answerForm(r, cs.latest, proposal, tier, r.PostForm, errs)
		if !ok {
			h.renderError(w, r, http.StatusNotFound, "error.notfound")
			return
		}
		h.renderFlash(w, r, http.StatusBadRequest, "answer", "answer.title", l.T("answer.notsaved"), v)
		return
	}
	http.Redirect(w, r, "/obligations?done=answered", http.StatusSeeOther)
}

// parseErrors lists the validation problems in err.
func parseErrors(err error) []*campaign.ParseError {
	var out []*campaign.ParseError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if pe, ok := e.(*campaign.ParseError); ok {
			out = append(out, pe)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// handlePublishAnswers publishes the recorded responses as the next
// version, through the same publishing path as a draft.
func (h *Handler) handlePublishAnswers(w http.ResponseWriter, r *http.Request) {
	if h.cfg.Publisher == nil {
		h.renderError(w, r, http.StatusServiceUnavailable, "publish.unavailable")
		return
	}
	by := sessionOf(r).Operator
	v, changed, err := h.cfg.Publisher.PublishAnswers(r.Context(), by)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !changed {
		h.renderError(w, r, http.StatusConflict, "answer.nothing")
		return
	}
	if err := h.cfg.Audit.Audit(r.Context(), by, central.AuditPublish, map[string]string{"version": strconv.Itoa(v), "source": "responses"}); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/versions?published="+strconv.Itoa(v), http.StatusSeeOther)
}
