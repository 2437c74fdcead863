package dashboard

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

// labelled is a count with what it counts, ready for a page.
type labelled struct {
	Label string
	Count int64
}

type overviewView struct {
	Today, Total, LastHour   int64
	Online, Stale, Revoked   int64
	StaleMinutes             int
	ByKind, ByChannel, ByDay []labelled
	MaxKind, MaxDay          int64
	Duplicates, Conflicts    int64
	SurveyClosed             int64
	Quarantined              int64 // records whose sealed body does not open
}

var channels = []string{central.ChannelKiosk, central.ChannelCanvasser, central.ChannelBundle}

// talliesAndCampaigns reads what the tally pages show: the counts as of
// now and the campaign versions that name what was counted. On an error it
// has answered the request and ok is false.
func (h *Handler) talliesAndCampaigns(w http.ResponseWriter, r *http.Request) (t *central.Tallies, cs *campaignSet, ok bool) {
	t, err := h.cfg.Store.Tallies(r.Context(), h.cfg.Now(), h.cfg.Location)
	if err != nil {
		h.serverError(w, r, err)
		return nil, nil, false
	}
	cs, err = h.campaignsFor(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return nil, nil, false
	}
	return t, cs, true
}

func (h *Handler) handleOverview(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	now := h.cfg.Now()
	t, err := h.cfg.Store.Tallies(r.Context(), now, h.cfg.Location)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	devices, err := h.cfg.Store.Devices(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	quarantined, err := h.cfg.Store.QuarantineCounts(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := overviewView{
		Today: t.Today, Total: t.Records, LastHour: t.LastHour,
		StaleMinutes: int(central.StaleAfter / time.Minute),
		Duplicates:   t.Duplicates, Conflicts: t.Conflicts, SurveyClosed: t.SurveyClosed,
		Quarantined: central.QuarantineTotal(quarantined),
	}
	for i := range devices {
		switch central.FleetState(&devices[i].Device, now) {
		case central.FleetOnline:
			v.Online++
		case central.FleetStale:
			v.Stale++
		default:
			v.Revoked++
		}
	}
	for _, k := range record.Kinds {
		n := t.ByKind[string(k)]
		v.ByKind = append(v.ByKind, labelled{l.T("kind." + string(k)), n})
		v.MaxKind = max(v.MaxKind, n)
	}
	for _, c := range channels {
		v.ByChannel = append(v.ByChannel, labelled{l.T("channel." + c), t.ByChannel[c]})
	}
	// The last two weeks are what an operator compares; older days are in
	// the exports.
	days := t.ByDay
	if len(days) > 14 {
		days = days[len(days)-14:]
	}
	for _, d := range days {
		v.ByDay = append(v.ByDay, labelled{d.Day, d.Records})
		v.MaxDay = max(v.MaxDay, d.Records)
	}
	h.render(w, r, http.StatusOK, "overview", "overview.title", v)
}

type proposalView struct {
	ID, Title     string
	Old           bool // not in the newest campaign version
	Supports      int64
	UniqueSigners int64
	Repeats       int64
	Threshold     int64
	Percent       float64
	Reached       bool
	ByChannel     []labelled
	// With a roll imported, tiers count verified supports (Verified) and
	// Counted is that; otherwise it is UniqueSigners (central.TierCounts).
	Roll     bool
	Verified int64
	Counted  int64
}

// proposalsView is the proposals page: whether tiers count verified
// supports, and the proposals.
type proposalsView struct {
	Roll      bool
	Proposals []proposalView
}

func (h *Handler) handleProposals(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	t, cs, ok := h.talliesAndCampaigns(w, r)
	if !ok {
		return
	}
	counted := make(map[string]central.ProposalTally, len(t.Proposals))
	for _, p := range t.Proposals {
		counted[p.ID] = p
	}
	tiers, basis, err := central.TierCounts(r.Context(), h.cfg.Store)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	roll := basis == central.TierBasisVerified
	var out []proposalView
	add := func(pt central.ProposalTally, p *campaign.Proposal, old bool) {
		pv := proposalView{ID: pt.ID, Title: pt.ID, Old: old, Supports: pt.Supports,
			UniqueSigners: pt.UniqueSigners, Repeats: pt.Repeats, Threshold: int64(pt.Threshold),
			Roll: roll, Verified: tiers[pt.ID], Counted: tiers[pt.ID]}
		if p != nil {
			pv.Title, pv.Threshold = p.Title.Get(string(l)), int64(cs.goal(p))
		}
		if pv.Threshold > 0 {
			pv.Percent = min(100, float64(pv.Counted)*100/float64(pv.Threshold))
			pv.Reached = pv.Counted >= pv.Threshold
		}
		for _, c := range channels {
			pv.ByChannel = append(pv.ByChannel, labelled{l.T("channel." + c), pt.ByChannel[c]})
		}
		out = append(out, pv)
	}
	if cs.latest != nil {
		for i := range cs.latest.Proposals {
			p := &cs.latest.Proposals[i]
			pt := counted[p.ID]
			pt.ID = p.ID
			add(pt, p, false)
			delete(counted, p.ID)
		}
	}
	for _, pt := range t.Proposals {
		if _, ok := counted[pt.ID]; ok {
			add(pt, cs.proposal(pt.ID), true)
		}
	}
	h.render(w, r, http.StatusOK, "proposals", "proposals.title", proposalsView{Roll: roll, Proposals: out})
}

type surveyView struct {
	Title     string
	Responses int64
	Closed    int64
	Questions []questionView
}

type questionView struct {
	Prompt   string
	Text     bool // free text: only a count
	Answered int64
	Chart    *barChart
}

func (h *Handler) handleSurvey(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	t, cs, ok := h.talliesAndCampaigns(w, r)
	if !ok {
		return
	}
	v := surveyView{Responses: t.Survey.Responses, Closed: t.SurveyClosed}
	if cs.latest != nil {
		s := &cs.latest.Survey
		v.Title = s.Title.Get(string(l))
		for i := range s.Questions {
			v.Questions = append(v.Questions, questionFor(l, &s.Questions[i], t.Survey.Questions[s.Questions[i].ID]))
		}
	}
	h.render(w, r, http.StatusOK, "survey", "survey.title", v)
}

// questionFor turns one question's tally into bars in the campaign's
// order: options as the kiosk lists them, every scale point from Min to
// Max (zeros included, so the shape of the distribution shows), numbers in
// ascending order.
func questionFor(l lang, q *campaign.Question, qt central.QuestionTally) questionView {
	qv := questionView{Prompt: q.Prompt.Get(string(l)), Answered: qt.Answered}
	var bars []labelled
	switch q.Type {
	case campaign.TypeText:
		qv.Text = true
		return qv
	case campaign.TypeSingle, campaign.TypeMultiple:
		for _, o := range q.Options {
			bars = append(bars, labelled{o.Label.Get(string(l)), qt.Options[o.ID]})
		}
	case campaign.TypeAlcaldia:
		for _, a := range campaign.Alcaldias {
			bars = append(bars, labelled{a.Name, qt.Options[a.ID]})
		}
	case campaign.TypeScale:
		for n := q.Min; n <= q.Max; n++ {
			label := strconv.Itoa(n)
			switch {
			case n == q.Min && q.MinLabel != nil:
				label += " · " + q.MinLabel.Get(string(l))
			case n == q.Max && q.MaxLabel != nil:
				label += " · " + q.MaxLabel.Get(string(l))
			}
			bars = append(bars, labelled{label, qt.Values[strconv.Itoa(n)]})
		}
	case campaign.TypeNumber:
		bars = numberBars(qt.Values)
	}
	qv.Chart = newBarChart(l, qv.Prompt, bars, qt.Answered)
	return qv
}

// maxNumberBars is how many bars a number question gets before its
// answers are grouped into ranges: a bar per distinct age or commute time
// would be a list, not a distribution.
const maxNumberBars = 12

// numberBars shows a number question's answers in ascending order, grouped
// into at most maxNumberBars equal ranges when they are many.
func numberBars(values map[string]int64) []labelled {
	nums := make(map[int]int64, len(values))
	keys := make([]int, 0, len(values))
	for k, c := range values {
		if n, err := strconv.Atoi(k); err == nil {
			if _, ok := nums[n]; !ok {
				keys = append(keys, n)
			}
			nums[n] += c
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	var bars []labelled
	if len(keys) <= maxNumberBars {
		for _, n := range keys {
			bars = append(bars, labelled{strconv.Itoa(n), nums[n]})
		}
		return bars
	}
	lo, hi := keys[0], keys[len(keys)-1]
	width := (hi - lo + maxNumberBars) / maxNumberBars // ceil((hi-lo+1)/maxNumberBars)
	for from := lo; from <= hi; from += width {
		to := from + width - 1
		var c int64
		for _, n := range keys {
			if n >= from && n <= to {
				c += nums[n]
			}
		}
		bars = append(bars, labelled{strconv.Itoa(from) + "–" + strconv.Itoa(to), c})
	}
	return bars
}

type participationView struct {
	Events   []eventView
	Articles []articleView
}

type eventView struct {
	Title, When string
	Count       int64
}

type articleView struct {
	Number, Title string
	Count         int64
}

func (h *Handler) handleParticipation(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	t, cs, ok := h.talliesAndCampaigns(w, r)
	if !ok {
		return
	}
	events := countsByID(t.Events)
	articles := countsByID(t.Articles)
	var v participationView
	if cs.latest != nil {
		for _, e := range cs.latest.Events {
			v.Events = append(v.Events, eventView{Title: e.Title.Get(string(l)), When: h.local(e.Starts), Count: events[e.ID]})
			delete(events, e.ID)
		}
		for _, a := range cs.latest.Articles {
			v.Articles = append(v.Articles, articleView{Number: a.Number, Title: a.Title.Get(string(l)), Count: articles[a.ID]})
			delete(articles, a.ID)
		}
	}
	// Subjects only older campaign versions had still count.
	for _, sc := range t.Events {
		if _, ok := events[sc.ID]; ok {
			ev := eventView{Title: sc.ID, Count: sc.Records}
			if e := cs.event(sc.ID); e != nil {
				ev.Title, ev.When = e.Title.Get(string(l)), h.local(e.Starts)
			}
			v.Events = append(v.Events, ev)
		}
	}
	for _, sc := range t.Articles {
		if _, ok := articles[sc.ID]; ok {
			av := articleView{Title: sc.ID, Count: sc.Records}
			if a := cs.article(sc.ID); a != nil {
				av.Number, av.Title = a.Number, a.Title.Get(string(l))
			}
			v.Articles = append(v.Articles, av)
		}
	}
	h.render(w, r, http.StatusOK, "participation", "participation.title", v)
}

func countsByID(cs []central.SubjectCount) map[string]int64 {
	m := make(map[string]int64, len(cs))
	for _, c := range cs {
		m[c.ID] = c.Records
	}
	return m
}

type fleetView struct {
	StaleMinutes int
	Devices      []deviceView
	Quarantined  int64            // records whose sealed body does not open
	Quarantine   []quarantineView // the first QuarantineShown of them
	MoreHidden   bool             // the list was cut at QuarantineShown
}

// QuarantineShown is how many quarantined records the fleet page lists: a
// device sending thousands must not make the page heavy; the command
// line lists them all.
const QuarantineShown = 200

type quarantineView struct {
	ID, Device, Kind, Received, Reason, Purged string
	Seq                                        uint64
}

type deviceView struct {
	ID, Name, Mode, State string
	LastSeen, LastSeenAgo string
	Records               int64
	Pending, Dead         string
	Oldest                string
	Gaps                  uint64
	Quarantined           int64
	App                   string
	Campaign              int
	LastError             string
	RevokedAt             string
	Flagged               int64 // submissions in the last hour, when that is too many (moderation.go)
}

func (h *Handler) handleFleet(w http.ResponseWriter, r *http.Request) {
	v, err := h.fleet(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	flash := ""
	if id := r.URL.Query().Get("revoked"); id != "" {
		for _, d := range v.Devices {
			if d.ID == id {
				flash = langOf(r).T("revoke.done", d.Name)
			}
		}
	}
	h.renderFlash(w, r, http.StatusOK, "fleet", "fleet.title", flash, v)
}

func (h *Handler) fleet(r *http.Request) (*fleetView, error) {
	l := langOf(r)
	now := h.cfg.Now()
	devices, err := h.cfg.Store.Devices(r.Context())
	if err != nil {
		return nil, err
	}
	st, err := h.cfg.Store.Stats(r.Context())
	if err != nil {
		return nil, err
	}
	gaps := make(map[string]uint64, len(st.Gaps))
	for _, g := range st.Gaps {
		gaps[g.DeviceID] = g.Missing
	}
	quarantined, err := h.cfg.Store.QuarantineCounts(r.Context())
	if err != nil {
		return nil, err
	}
	flagged, err := central.FlaggedDevices(r.Context(), h.cfg.Store, now, h.threshold())
	if err != nil {
		return nil, err
	}
	v := &fleetView{StaleMinutes: int(central.StaleAfter / time.Minute), Quarantined: central.QuarantineTotal(quarantined)}
	if err := h.quarantine(r, v); err != nil {
		return nil, err
	}
	for i := range devices {
		d := &devices[i]
		dv := deviceView{
			ID: d.ID, Name: d.Name, Mode: d.Mode, State: central.FleetState(&d.Device, now),
			Records: d.Records, Gaps: gaps[d.ID], Quarantined: quarantined[d.ID], App: d.AppVersion, Flagged: flagged[d.ID],
			Pending: l.T("fleet.unknown"), Dead: l.T("fleet.unknown"), Oldest: l.T("fleet.unknown"),
			LastSeen: l.T("fleet.never"),
		}
		if dv.Name == "" {
			dv.Name = d.ID
		}
		if !d.LastSeen.IsZero() {
			dv.LastSeen, dv.LastSeenAgo = h.local(d.LastSeen), l.Ago(now.Sub(d.LastSeen))
		}
		if !d.RevokedAt.IsZero() {
			dv.RevokedAt = h.local(d.RevokedAt)
		}
		if hb := d.Health; hb != nil {
			dv.Pending, dv.Dead = l.N(int64(hb.Heartbeat.Pending)), l.N(int64(hb.Heartbeat.Dead))
			if !hb.Heartbeat.OldestPending.IsZero() {
				dv.Oldest = l.Ago(now.Sub(hb.Heartbeat.OldestPending))
			}
			if hb.Heartbeat.AppVersion != "" {
				dv.App = hb.Heartbeat.AppVersion
			}
			dv.Campaign = hb.Heartbeat.CampaignVersion
			dv.LastError = hb.Heartbeat.LastError
		}
		v.Devices = append(v.Devices, dv)
	}
	return v, nil
}

// quarantine fills the fleet page's list of quarantined records.
func (h *Handler) quarantine(r *http.Request, v *fleetView) error {
	if v.Quarantined == 0 {
		return nil
	}
	list, err := h.cfg.Store.QuarantinedRecords(r.Context())
	if err != nil {
		return err
	}
	if len(list) > QuarantineShown {
		list, v.MoreHidden = list[:QuarantineShown], true
	}
	l := langOf(r)
	for _, q := range list {
		qv := quarantineView{ID: q.ID.String(), Device: q.DeviceID, Seq: q.Seq, Kind: l.T("kind." + q.Kind),
			Received: h.local(q.ReceivedAt), Reason: q.Reason, Purged: l.T("quarantine.kept")}
		if !q.PurgedAt.IsZero() {
			qv.Purged = l.T("quarantine.purged", h.local(q.PurgedAt))
		}
		v.Quarantine = append(v.Quarantine, qv)
	}
	return nil
}

type revokeView struct {
	ID, Name string
	Pending  string // "" when unknown or zero
}

func (h *Handler) handleRevokeConfirm(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("device")
	d, err := h.cfg.Store.Device(r.Context(), id)
	if errors.Is(err, central.ErrNotFound) {
		h.renderError(w, r, http.StatusNotFound, "error.nodevice")
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if d.State() == central.DeviceRevoked {
		h.renderError(w, r, http.StatusConflict, "revoke.already")
		return
	}
	v := revokeView{ID: d.ID, Name: d.Name}
	if v.Name == "" {
		v.Name = d.ID
	}
	devices, err := h.cfg.Store.Devices(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for _, di := range devices {
		if di.ID == d.ID && di.Health != nil && di.Health.Heartbeat.Pending > 0 {
			v.Pending = langOf(r).N(int64(di.Health.Heartbeat.Pending))
		}
	}
	h.render(w, r, http.StatusOK, "revoke", "revoke.title", v)
}

func (h *Handler) handleRevoke(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("device")
	err := central.RevokeDevice(r.Context(), h.cfg.Store, h.cfg.Audit, sessionOf(r).Operator, id, h.cfg.Now())
	if errors.Is(err, central.ErrNotFound) {
		h.renderError(w, r, http.StatusNotFound, "error.nodevice")
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	// Device ids are random identifiers of machines, not of people: they
	// belong in the audit trail.
	h.log.Info("device revoked", "device", id, "operator", sessionOf(r).Operator)
	http.Redirect(w, r, "/fleet?revoked="+urlQueryEscape(id), http.StatusSeeOther)
}
