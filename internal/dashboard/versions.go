package dashboard

import (
	"net/http"
	"strconv"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
)

// changeView is one line of a diff in the operator's language.
type changeView struct {
	What, Title, ID, Op string // "Propuesta", its title, its id, "añadida"
	OpClass             string // the campaign.ChangeOp, for the style
	Fields              []fieldChangeView
}

type fieldChangeView struct {
	Label, Old, New      string
	Before, After, Empty string // "Antes", "Después", "(vacío)": not only colour tells them apart
}

// changeViews words a diff for a page.
func (h *Handler) changeViews(l lang, cs []campaign.Change) []changeView {
	out := make([]changeView, 0, len(cs))
	for _, c := range cs {
		cv := changeView{What: l.T("change.kind." + string(c.Kind)), Title: c.Title.Get(string(l)), ID: c.ID,
			Op: l.T("change.op." + string(c.Op)), OpClass: string(c.Op)}
		for _, f := range c.Fields {
			cv.Fields = append(cv.Fields, fieldChangeView{Label: fieldLabel(l, f.Field), Old: f.Old.Get(string(l)), New: f.New.Get(string(l)),
				Before: l.T("change.before"), After: l.T("change.after"), Empty: l.T("change.empty")})
		}
		out = append(out, cv)
	}
	return out
}

type versionRow struct {
	Version          int
	At, By, Source   string
	Changes          string
	Link             string
	Current, Drafted bool // the newest version; the open draft's base
}

type versionsView struct {
	Versions []versionRow
}

func (h *Handler) handleVersions(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	pcs, err := h.cfg.Store.Campaigns(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	cs, err := h.campaignsFor(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	byVersion := map[int]*campaign.Campaign{}
	for _, c := range cs.versions {
		byVersion[c.Version] = c
	}
	var v versionsView
	base := 0
	if d, err := h.cfg.Store.Draft(r.Context()); err == nil {
		base = d.Base
	}
	for i := len(pcs) - 1; i >= 0; i-- {
		pc := pcs[i]
		row := versionRow{Version: pc.Version, At: h.local(pc.PublishedAt), By: publisher(l, pc), Source: l.T("source." + sourceOf(pc)),
			Link: "/versions/" + strconv.Itoa(pc.Version), Current: i == len(pcs)-1, Drafted: pc.Version == base}
		var prev *campaign.Campaign
		if i > 0 {
			prev = byVersion[pcs[i-1].Version]
		}
		if c := byVersion[pc.Version]; c != nil {
			row.Changes = l.N(int64(len(campaign.Diff(prev, c))))
		}
		v.Versions = append(v.Versions, row)
	}
	h.renderFlash(w, r, http.StatusOK, "versions", "versions.title", h.flashOf(r), v)
}

// publisher names who published a version: the operator, the campaign
// file, the built-in campaign, or that nobody recorded it (before
// migration 0008).
func publisher(l lang, pc central.PublishedCampaign) string {
	switch pc.PublishedBy {
	case "":
		return l.T("versions.unknown")
	case central.BuiltInCampaign:
		return l.T("versions.builtin")
	}
	return pc.PublishedBy
}

func sourceOf(pc central.PublishedCampaign) string {
	if pc.Source == central.SourceDashboard {
		return central.SourceDashboard
	}
	return central.SourceFile
}

type versionView struct {
	Version, Previous int
	At, By, Source    string
	Changes           []changeView
	CanAuthor         bool
	DraftRev          int64 // the open draft's revision, 0 for none
	DraftBy, DraftAt  string
}

// handleVersion shows one version against the one before it.
func (h *Handler) handleVersion(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		h.renderError(w, r, http.StatusNotFound, "error.notfound")
		return
	}
	pcs, err := h.cfg.Store.Campaigns(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var pc *central.PublishedCampaign
	prev := 0
	for i := range pcs {
		if pcs[i].Version == n {
			pc = &pcs[i]
			if i > 0 {
				prev = pcs[i-1].Version
			}
		}
	}
	if pc == nil {
		h.renderError(w, r, http.StatusNotFound, "error.notfound")
		return
	}
	c, err := h.version(r.Context(), n)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if c == nil {
		h.renderError(w, r, http.StatusNotFound, "error.notfound")
		return
	}
	old, err := h.version(r.Context(), prev)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := versionView{Version: n, Previous: prev, At: h.local(pc.PublishedAt), By: publisher(l, *pc),
		Source: l.T("source." + sourceOf(*pc)), Changes: h.changeViews(l, campaign.Diff(old, c)), CanAuthor: sessionOf(r).Role.Can(central.PermAuthor)}
	if d, err := h.cfg.Store.Draft(r.Context()); err == nil {
		v.DraftRev, v.DraftBy, v.DraftAt = d.Revision, d.SavedBy, h.local(d.SavedAt)
	}
	h.render(w, r, http.StatusOK, "version", "version.title", v)
}
