package dashboard

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
)

// Authoring (issue 15): moderators edit the campaign as a draft stored at
// central (central.EditDraft), item by item, and every problem the
// campaign validation finds is shown next to its field; an admin
// publishes the draft as the next signed version (Server.PublishDraft).
// Every save answers with a redirect to the page that shows the draft as
// stored, so a reload never saves twice.

// Publisher makes signed campaign versions: central's Server.
type Publisher interface {
	PublishDraft(ctx context.Context, audit central.Auditor, by string, rev int64) (int, error)
	PublishAnswers(ctx context.Context, by string) (int, bool, error)
}

var _ Publisher = (*central.Server)(nil)

// maxDraftForm bounds an authoring form: an article or the privacy
// notice in two languages (20,000 characters each, percent-encoded).
const maxDraftForm = 1 << 20

// formLimit is the largest body a POST to path may have.
func formLimit(path string) int64 {
	if strings.HasPrefix(path, "/draft/") || strings.HasPrefix(path, "/obligations/") {
		return maxDraftForm
	}
	return 16 << 10
}

func init() {
	pageNames = append(pageNames, "draft", "draftedit", "publish", "versions", "version", "obligations", "answer")
}

// draftState is an open draft as the pages show it.
type draftState struct {
	d        central.Draft
	c        *campaign.Campaign
	problems []*campaign.ParseError
	stale    bool
	newest   *campaign.Campaign // nil when nothing is published
}

// loadDraft reads the draft; ok is false when there is none.
func (h *Handler) loadDraft(r *http.Request) (st *draftState, ok bool, err error) {
	d, err := h.cfg.Store.Draft(r.Context())
	if errors.Is(err, central.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	c, err := central.ParseDraft(d)
	if err != nil {
		return nil, false, err
	}
	stale, newest, err := central.DraftStale(r.Context(), h.cfg.Store, d)
	if err != nil {
		return nil, false, err
	}
	return &draftState{d: d, c: c, problems: draftProblems(c, d), stale: stale, newest: newest}, true, nil
}

// draftProblems validates the draft as it would be published.
func draftProblems(c *campaign.Campaign, d central.Draft) []*campaign.ParseError {
	v := *c
	v.Version = max(1, d.Base)
	return v.Problems()
}

// problemView is one problem on the draft page, with the link to the
// field it is about.
type problemView struct {
	Where, Message, Link string
}

type draftItem struct {
	ID, Title, Extra, Edit string
	Closed                 bool
	Problems               int
}

type draftView struct {
	Open                  bool
	Versions              []int // published versions, newest first, to start from
	Base, Newest          int
	Revision              int64
	SavedBy, SavedAt      string
	Stale                 bool
	Problems              []problemView
	Title                 string
	Themes, Proposals     []draftItem
	Events, Articles      []draftItem
	SurveyTitle           string
	SurveyQuestions       int
	PrivacyVersion        string
	GeneralProblems       int
	PrivacyProblems       int
	SurveyProblems        int
	Changes               []changeView // the draft against the newest version
	Upstream              []changeView // what the versions after the base changed, when stale
	CanPublish, CanAuthor bool
}

func (h *Handler) handleDraft(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	st, open, err := h.loadDraft(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := draftView{Open: open, CanPublish: sessionOf(r).Role.Can(central.PermPublish), CanAuthor: sessionOf(r).Role.Can(central.PermAuthor)}
	pcs, err := h.cfg.Store.Campaigns(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for i := len(pcs) - 1; i >= 0; i-- {
		v.Versions = append(v.Versions, pcs[i].Version)
	}
	if len(pcs) > 0 {
		v.Newest = pcs[len(pcs)-1].Version
	}
	if !open {
		h.renderFlash(w, r, http.StatusOK, "draft", "draft.title", h.flashOf(r), v)
		return
	}
	c := st.c
	v.Base, v.Revision, v.SavedBy, v.SavedAt, v.Stale = st.d.Base, st.d.Revision, st.d.SavedBy, h.local(st.d.SavedAt), st.stale
	v.Title, v.SurveyTitle, v.SurveyQuestions, v.PrivacyVersion = c.Title.Get(string(l)), c.Survey.Title.Get(string(l)), len(c.Survey.Questions), c.Privacy.Version
	count := map[string]int{}
	for _, p := range st.problems {
		loc := locate(c, p)
		count[loc.kind+"/"+loc.id]++
		if loc.kind == kindQuestion {
			count[kindSurvey+"/"]++ // the survey's line on the draft page counts its questions' problems
		}
		v.Problems = append(v.Problems, problemView{Where: loc.where(l, c), Message: problemText(l, p.Problem), Link: loc.link()})
	}
	v.GeneralProblems, v.PrivacyProblems, v.SurveyProblems = count[kindGeneral+"/"], count[kindPrivacy+"/"], count[kindSurvey+"/"]
	for _, t := range c.Themes {
		v.Themes = append(v.Themes, draftItem{ID: t.ID, Title: t.Label.Get(string(l)), Edit: editLink(kindTheme, t.ID), Problems: count[kindTheme+"/"+t.ID]})
	}
	for _, p := range c.Proposals {
		theme := p.Theme
		for _, t := range c.Themes {
			if t.ID == p.Theme {
				theme = t.Label.Get(string(l))
			}
		}
		v.Proposals = append(v.Proposals, draftItem{ID: p.ID, Title: p.Title.Get(string(l)), Extra: theme, Closed: p.Closed,
			Edit: editLink(kindProposal, p.ID), Problems: count[kindProposal+"/"+p.ID]})
	}
	for _, e := range c.Events {
		v.Events = append(v.Events, draftItem{ID: e.ID, Title: e.Title.Get(string(l)), Extra: h.local(e.Starts), Edit: editLink(kindEvent, e.ID), Problems: count[kindEvent+"/"+e.ID]})
	}
	for _, a := range c.Articles {
		v.Articles = append(v.Articles, draftItem{ID: a.ID, Title: a.Title.Get(string(l)), Extra: a.Number, Edit: editLink(kindArticle, a.ID), Problems: count[kindArticle+"/"+a.ID]})
	}
	v.Changes = h.changeViews(l, campaign.Diff(st.newest, c))
	if st.stale {
		base, err := h.version(r.Context(), st.d.Base)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		v.Upstream = h.changeViews(l, campaign.Diff(base, st.newest))
	}
	h.renderFlash(w, r, http.StatusOK, "draft", "draft.title", h.flashOf(r), v)
}

// flashOf is the message a redirect asked the next page to show.
func (h *Handler) flashOf(r *http.Request) string {
	switch r.URL.Query().Get("done") {
	case "saved":
		return langOf(r).T("draft.saved")
	case "started":
		return langOf(r).T("draft.started")
	case "discarded":
		return langOf(r).T("draft.discarded")
	case "rebased":
		return langOf(r).T("draft.rebased")
	case "removed":
		return langOf(r).T("draft.removed")
	case "closed":
		return langOf(r).T("draft.closed")
	case "reopened":
		return langOf(r).T("draft.reopened")
	case "answered":
		return langOf(r).T("answer.saved")
	}
	if v := r.URL.Query().Get("published"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return langOf(r).T("publish.done", n)
		}
	}
	return ""
}

// revision reads the draft revision a form was made from.
func revision(r *http.Request) int64 {
	n, err := strconv.ParseInt(r.PostFormValue("rev"), 10, 64)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// draftError answers a refused draft action with words the operator can
// act on, or a server error.
func (h *Handler) draftError(w http.ResponseWriter, r *http.Request, err error) {
	var rm *central.RemovalError
	switch {
	case errors.Is(err, central.ErrDraftChanged):
		h.renderError(w, r, http.StatusConflict, "draft.changed")
	case errors.Is(err, central.ErrNoDraft):
		h.renderError(w, r, http.StatusConflict, "draft.none")
	case errors.Is(err, central.ErrDraftExists):
		h.renderError(w, r, http.StatusConflict, "draft.exists")
	case errors.Is(err, central.ErrDraftStale):
		h.renderError(w, r, http.StatusConflict, "draft.stale")
	case errors.Is(err, central.ErrNoChange):
		h.renderError(w, r, http.StatusConflict, "publish.nochange")
	case errors.Is(err, central.ErrNotFound):
		h.renderError(w, r, http.StatusNotFound, "error.notfound")
	case errors.As(err, &rm):
		h.renderErrorArgs(w, r, http.StatusConflict, "draft.supported", strings.Join(rm.Proposals, ", "))
	default:
		h.serverError(w, r, err)
	}
}

func (h *Handler) handleDraftStart(w http.ResponseWriter, r *http.Request) {
	from, err := strconv.Atoi(r.PostFormValue("from"))
	if err != nil || from < 1 {
		h.renderError(w, r, http.StatusBadRequest, "draft.badversion")
		return
	}
	// replace is the revision of the draft the operator chose to drop,
	// 0 when they saw none.
	replace, _ := strconv.ParseInt(r.PostFormValue("replace"), 10, 64)
	if _, err := central.StartDraft(r.Context(), h.cfg.Store, h.cfg.Audit, sessionOf(r).Operator, from, replace, h.cfg.Now()); err != nil {
		h.draftError(w, r, err)
		return
	}
	http.Redirect(w, r, "/draft?done=started", http.StatusSeeOther)
}

func (h *Handler) handleDraftDiscard(w http.ResponseWriter, r *http.Request) {
	if err := central.DiscardDraft(r.Context(), h.cfg.Store, h.cfg.Audit, sessionOf(r).Operator, revision(r)); err != nil {
		h.draftError(w, r, err)
		return
	}
	http.Redirect(w, r, "/draft?done=discarded", http.StatusSeeOther)
}

func (h *Handler) handleDraftRebase(w http.ResponseWriter, r *http.Request) {
	if _, err := central.RebaseDraft(r.Context(), h.cfg.Store, h.cfg.Audit, sessionOf(r).Operator, revision(r), h.cfg.Now()); err != nil {
		h.draftError(w, r, err)
		return
	}
	back := "/draft?done=rebased"
	if r.PostFormValue("back") == "publish" {
		back = "/draft/publish"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// handleDraftRemove removes a theme, proposal, event or article from the
// draft. A proposal with supports is refused: it can be closed instead.
func (h *Handler) handleDraftRemove(w http.ResponseWriter, r *http.Request) {
	kind, id := r.PostFormValue("kind"), r.PostFormValue("id")
	ctx := r.Context()
	if kind == kindProposal {
		counts, err := h.cfg.Store.SignerCounts(ctx)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if counts[id] > 0 {
			h.renderErrorArgs(w, r, http.StatusConflict, "draft.supported", id)
			return
		}
	}
	_, err := central.EditDraft(ctx, h.cfg.Store, h.cfg.Audit, sessionOf(r).Operator, kind+" "+id+" removed", revision(r), h.cfg.Now(), func(c *campaign.Campaign) error {
		if !removeItem(c, kind, id) {
			return central.ErrNotFound
		}
		return nil
	})
	if err != nil {
		h.draftError(w, r, err)
		return
	}
	back := "/draft?done=removed"
	if kind == kindQuestion {
		back = "/draft/edit?kind=survey&done=removed"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// removeItem takes an item out of c, and a removed proposal out of the
// events that list it.
func removeItem(c *campaign.Campaign, kind, id string) bool {
	drop := func(n int, match func(i int) bool, del func(i int)) bool {
		for i := range n {
			if match(i) {
				del(i)
				return true
			}
		}
		return false
	}
	switch kind {
	case kindTheme:
		return drop(len(c.Themes), func(i int) bool { return c.Themes[i].ID == id }, func(i int) { c.Themes = append(c.Themes[:i], c.Themes[i+1:]...) })
	case kindProposal:
		for i := range c.Events {
			e := &c.Events[i]
			e.Proposals = slicesDelete(e.Proposals, id)
		}
		return drop(len(c.Proposals), func(i int) bool { return c.Proposals[i].ID == id }, func(i int) { c.Proposals = append(c.Proposals[:i], c.Proposals[i+1:]...) })
	case kindEvent:
		return drop(len(c.Events), func(i int) bool { return c.Events[i].ID == id }, func(i int) { c.Events = append(c.Events[:i], c.Events[i+1:]...) })
	case kindArticle:
		return drop(len(c.Articles), func(i int) bool { return c.Articles[i].ID == id }, func(i int) { c.Articles = append(c.Articles[:i], c.Articles[i+1:]...) })
	case kindQuestion:
		qs := &c.Survey.Questions
		return drop(len(*qs), func(i int) bool { return (*qs)[i].ID == id }, func(i int) { *qs = append((*qs)[:i], (*qs)[i+1:]...) })
	}
	return false
}

func slicesDelete(ids []string, id string) []string {
	out := ids[:0]
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// handleDraftClose closes a proposal to new supports (or opens it
// again); its supports keep counting.
func (h *Handler) handleDraftClose(w http.ResponseWriter, r *http.Request) {
	id, closed := r.PostFormValue("id"), r.PostFormValue("closed") == "yes"
	what, done := "proposal "+id+" closed", "closed"
	if !closed {
		what, done = "proposal "+id+" reopened", "reopened"
	}
	_, err := central.EditDraft(r.Context(), h.cfg.Store, h.cfg.Audit, sessionOf(r).Operator, what, revision(r), h.cfg.Now(), func(c *campaign.Campaign) error {
		p := c.Proposal(id)
		if p == nil {
			return central.ErrNotFound
		}
		p.Closed = closed
		return nil
	})
	if err != nil {
		h.draftError(w, r, err)
		return
	}
	http.Redirect(w, r, "/draft?done="+done, http.StatusSeeOther)
}

type publishView struct {
	Open         bool
	Revision     int64
	Base, Newest int
	Next         int // the version publishing makes
	Stale        bool
	Problems     []problemView
	Changes      []changeView
	Upstream     []changeView // what the versions after the base changed, when stale
}

func (h *Handler) handlePublishConfirm(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	st, open, err := h.loadDraft(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := publishView{Open: open}
	if open {
		v.Revision, v.Base, v.Stale = st.d.Revision, st.d.Base, st.stale
		if st.newest != nil {
			v.Newest = st.newest.Version
		}
		v.Next = v.Newest + 1
		for _, p := range st.problems {
			loc := locate(st.c, p)
			v.Problems = append(v.Problems, problemView{Where: loc.where(l, st.c), Message: problemText(l, p.Problem), Link: loc.link()})
		}
		v.Changes = h.changeViews(l, campaign.Diff(st.newest, st.c))
		if st.stale {
			base, err := h.version(r.Context(), st.d.Base)
			if err != nil {
				h.serverError(w, r, err)
				return
			}
			v.Upstream = h.changeViews(l, campaign.Diff(base, st.newest))
		}
	}
	h.render(w, r, http.StatusOK, "publish", "publish.title", v)
}

func (h *Handler) handlePublish(w http.ResponseWriter, r *http.Request) {
	if h.cfg.Publisher == nil {
		h.renderError(w, r, http.StatusServiceUnavailable, "publish.unavailable")
		return
	}
	v, err := h.cfg.Publisher.PublishDraft(r.Context(), h.cfg.Audit, sessionOf(r).Operator, revision(r))
	var inv *central.InvalidError
	if errors.As(err, &inv) {
		http.Redirect(w, r, "/draft/publish", http.StatusSeeOther)
		return
	}
	if err != nil {
		h.draftError(w, r, err)
		return
	}
	h.log.Info("campaign published from the dashboard", "version", v, "operator", sessionOf(r).Operator)
	http.Redirect(w, r, "/versions?published="+strconv.Itoa(v), http.StatusSeeOther)
}

// version parses one published version; nil when there is none.
func (h *Handler) version(ctx context.Context, n int) (*campaign.Campaign, error) {
	cs, err := h.campaignsFor(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs.versions {
		if c.Version == n {
			return c, nil
		}
	}
	return nil, nil
}

// backPath is where the language switch comes back to: the page shown,
// with the query that says which item a form edits, without the one-time
// messages a redirect asked for (they would show again).
func backPath(r *http.Request) string {
	if r.Method != http.MethodGet || r.URL.RawQuery == "" {
		return r.URL.Path
	}
	q := r.URL.Query()
	for _, once := range []string{"done", "published", "revoked"} {
		q.Del(once)
	}
	if len(q) == 0 {
		return r.URL.Path
	}
	return r.URL.Path + "?" + q.Encode()
}

func editLink(kind, id string) string {
	q := url.Values{"kind": {kind}}
	if id != "" {
		q.Set("id", id)
	}
	return "/draft/edit?" + q.Encode()
}
