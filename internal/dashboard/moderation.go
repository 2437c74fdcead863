package dashboard

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

// The moderation desk: a moderator reads residents' proposals and
// assemblies (title, text, theme, alcaldía, channel, device time) and
// publishes, merges or declines them. The author's identity never
// reaches these pages: the queue does not hold their voter id or
// signature, and the name a named author gave is only put into the
// published proposal. Everything residents wrote goes through
// html/template's escaping like any other value; nothing is marked safe.

// ModerationPage is how many submissions one page of the queue lists.
const ModerationPage = 50

type option struct {
	Value, Label string
	Selected     bool
}

// modFilter is the queue's filter as the form sends it.
type modFilter struct {
	Status, Kind, Alcaldia, Channel, Age, Device string
	Page                                         int
}

func modFilterOf(r *http.Request) modFilter {
	q := r.URL.Query()
	f := modFilter{Status: q.Get("status"), Kind: q.Get("kind"), Alcaldia: q.Get("alcaldia"), Channel: q.Get("channel"),
		Age: q.Get("age"), Device: q.Get("device")}
	if f.Status == "" {
		f.Status = central.SubmissionPending
	}
	if f.Status == "all" {
		f.Status = ""
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(f.Page, 1)
	return f
}

// query is the filter as a store reads it, at now.
func (f modFilter) query(now time.Time) central.SubmissionFilter {
	q := central.SubmissionFilter{Status: f.Status, Kind: f.Kind, Alcaldia: f.Alcaldia, Channel: f.Channel, Device: f.Device,
		Offset: (f.Page - 1) * ModerationPage, Limit: ModerationPage}
	switch f.Age {
	case "hour":
		q.ReceivedAfter = now.Add(-time.Hour)
	case "day":
		q.ReceivedAfter = now.Add(-24 * time.Hour)
	case "week":
		q.ReceivedAfter = now.Add(-7 * 24 * time.Hour)
	case "older":
		q.ReceivedBefore = now.Add(-7 * 24 * time.Hour)
	}
	return q
}

// url is the queue's address with this filter on page p.
func (f modFilter) url(p int) string {
	v := url.Values{}
	status := f.Status
	if status == "" {
		status = "all"
	}
	for k, s := range map[string]string{"status": status, "kind": f.Kind, "alcaldia": f.Alcaldia, "channel": f.Channel, "age": f.Age, "device": f.Device} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if p > 1 {
		v.Set("page", strconv.Itoa(p))
	}
	return "/moderation?" + v.Encode()
}

type modRow struct {
	ID, Kind, KindLabel, Title, Excerpt, Theme, Alcaldia, Channel, DeviceTime, Received, Status, StatusLabel, Device string
	Flagged                                                                                                          bool
}

type modFlag struct {
	Device string
	Count  int64
}

type modQueueView struct {
	Filter                                 modFilter
	Rows                                   []modRow
	Total                                  int64
	Page, Pages                            int
	PrevURL, NextURL                       string
	Statuses, Kinds, Areas, Channels, Ages []option
	Reasons                                []option
	Flagged                                []modFlag
	Threshold                              int
	NoKey                                  bool // this node cannot open submissions
}

// moderation is the desk's engine, or nil when the dashboard runs
// without one (then the desk answers that it is not available).
func (h *Handler) moderation(w http.ResponseWriter, r *http.Request) *central.Moderation {
	if h.cfg.Moderation == nil {
		h.renderError(w, r, http.StatusServiceUnavailable, "mod.unavailable")
	}
	return h.cfg.Moderation
}

func (h *Handler) threshold() int {
	if h.cfg.Moderation == nil {
		return central.DefaultAbuseThreshold
	}
	return h.cfg.Moderation.AbuseThreshold
}

func (h *Handler) handleModeration(w http.ResponseWriter, r *http.Request) {
	mod := h.moderation(w, r)
	if mod == nil {
		return
	}
	l, now := langOf(r), h.cfg.Now()
	f := modFilterOf(r)
	subs, total, err := mod.Store().Submissions(r.Context(), f.query(now))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	flagged, err := central.FlaggedDevices(r.Context(), h.cfg.Store, now, h.threshold())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	cs, err := h.campaignsFor(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := modQueueView{Filter: f, Total: total, Page: f.Page, Pages: int((total + ModerationPage - 1) / ModerationPage),
		Threshold: h.threshold(), NoKey: h.cfg.Keys.SealPrivate == nil}
	for _, s := range subs {
		v.Rows = append(v.Rows, h.modRow(l, cs.latest, &s, flagged))
	}
	for d, n := range flagged {
		v.Flagged = append(v.Flagged, modFlag{Device: d, Count: n})
	}
	if f.Page > 1 {
		v.PrevURL = f.url(f.Page - 1)
	}
	if f.Page < v.Pages {
		v.NextURL = f.url(f.Page + 1)
	}
	v.Statuses = options(l, "mod.status.", f.Status, "", central.SubmissionPending, central.SubmissionPublished, central.SubmissionMerged, central.SubmissionDeclined, central.SubmissionWithdrawn)
	if f.Status == "" {
		v.Statuses[0].Selected = true
	}
	v.Statuses[0].Value = "all"
	v.Kinds = options(l, "mod.kind.", f.Kind, "", string(record.KindProposal), string(record.KindEventProposal))
	v.Channels = options(l, "channel.", f.Channel, "", central.ChannelKiosk, central.ChannelCanvasser, central.ChannelBundle)
	v.Ages = options(l, "mod.age.", f.Age, "", "hour", "day", "week", "older")
	v.Areas = areaOptions(l, f.Alcaldia)
	v.Reasons = options(l, "mod.reason.", "", central.DeclineReasons...)
	h.renderFlash(w, r, http.StatusOK, "moderation", "mod.title", modFlash(l, r.URL.Query().Get("done")), v)
}

// modFlash is the message after a decision, from the redirect's query.
func modFlash(l lang, done string) string {
	switch done {
	case central.SubmissionPublished, central.SubmissionMerged, central.SubmissionDeclined:
		return l.T("mod.done." + done)
	}
	return ""
}

// options makes a select's options from values with labels prefix+value;
// the value "" (when first) is "any".
func options(l lang, prefix, selected string, values ...string) []option {
	out := make([]option, 0, len(values))
	for _, v := range values {
		label := l.T(prefix + v)
		if v == "" {
			label = l.T("mod.any")
		}
		out = append(out, option{Value: v, Label: label, Selected: v == selected})
	}
	return out
}

func areaOptions(l lang, selected string) []option {
	out := []option{{Value: "", Label: l.T("mod.any"), Selected: selected == ""},
		{Value: central.AlcaldiaCity, Label: l.T("mod.city"), Selected: selected == central.AlcaldiaCity}}
	for _, a := range campaign.Alcaldias {
		out = append(out, option{Value: a.ID, Label: a.Name, Selected: a.ID == selected})
	}
	return out
}

func areaName(l lang, id string) string {
	if id == "" {
		return l.T("mod.city")
	}
	if a, ok := campaign.AlcaldiaByID(id); ok {
		return a.Name
	}
	return id
}

// excerptLen is how much of a text the queue shows, in characters.
const excerptLen = 160

func (h *Handler) modRow(l lang, c *campaign.Campaign, s *central.Submission, flagged map[string]int64) modRow {
	row := modRow{
		ID: uuid.UUID(s.RecordID).String(), Kind: s.Kind, KindLabel: l.T("mod.kind." + s.Kind), Title: s.Title,
		Alcaldia: areaName(l, s.Alcaldia), Channel: l.T("channel." + s.Channel), DeviceTime: h.local(s.DeviceTime),
		Received: h.local(s.ReceivedAt), Status: s.Status, StatusLabel: l.T("mod.status." + s.Status), Device: s.DeviceID,
		Flagged: flagged[s.DeviceID] > 0,
	}
	row.Excerpt = s.Text
	if utf8.RuneCountInString(row.Excerpt) > excerptLen {
		row.Excerpt = string([]rune(row.Excerpt)[:excerptLen]) + "…"
	}
	if t := c.Theme(s.Theme); t != nil {
		row.Theme = t.Label.Get(string(l))
	}
	return row
}

type modItemView struct {
	Row                              modRow
	Text, Venue, Starts, Lang        string
	IsProposal, Pending, Named       bool
	Status, Target, TargetTitle      string
	Reason, Note, DecidedBy, Decided string
	NeedsTranslation                 bool
	TitleES, TitleEN, TextES, TextEN string
	Themes, Proposals, Reasons       []option
	DeviceCount                      int64
	Supports                         int64 // an assembly's supports collected under it
	NoKey                            bool
}

func parseID(s string) ([16]byte, bool) {
	u, err := uuid.Parse(s)
	return [16]byte(u), err == nil
}

func (h *Handler) handleModerationItem(w http.ResponseWriter, r *http.Request) {
	mod := h.moderation(w, r)
	if mod == nil {
		return
	}
	id, ok := parseID(r.URL.Query().Get("id"))
	if !ok {
		h.renderError(w, r, http.StatusNotFound, "mod.notfound")
		return
	}
	s, err := mod.Store().Submission(r.Context(), id)
	if errors.Is(err, central.ErrNotFound) {
		h.renderError(w, r, http.StatusNotFound, "mod.notfound")
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	l, now := langOf(r), h.cfg.Now()
	cs, err := h.campaignsFor(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	flagged, err := central.FlaggedDevices(r.Context(), h.cfg.Store, now, h.threshold())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	c := cs.latest
	v := modItemView{Row: h.modRow(l, c, &s, flagged), Text: s.Text, Venue: s.Venue, Lang: l.T("mod.lang." + s.Lang),
		IsProposal: s.Kind == string(record.KindProposal), Pending: s.Status == central.SubmissionPending, Named: s.Named,
		Status: s.Status, Target: s.Target, Reason: s.Reason, Note: s.Note, NeedsTranslation: s.NeedsTranslation,
		DecidedBy: s.DecidedBy, DeviceCount: flagged[s.DeviceID], NoKey: h.cfg.Keys.SealPrivate == nil}
	if !s.Starts.IsZero() {
		v.Starts = h.local(s.Starts)
	}
	if !s.DecidedAt.IsZero() {
		v.Decided = h.local(s.DecidedAt)
	}
	if s.Reason != "" {
		v.Reason = l.T("mod.reason." + s.Reason)
	}
	if p := c.Proposal(s.Target); p != nil {
		v.TargetTitle = p.Title.Get(string(l))
	} else if e := c.Event(s.Target); e != nil {
		v.TargetTitle = e.Title.Get(string(l))
	}
	if s.Lang == "en" {
		v.TitleEN, v.TextEN = s.Title, s.Text
	} else {
		v.TitleES, v.TextES = s.Title, s.Text
	}
	for _, t := range c.Themes {
		v.Themes = append(v.Themes, option{Value: t.ID, Label: t.Label.Get(string(l)), Selected: t.ID == s.Theme})
	}
	for _, p := range c.Proposals {
		if p.ID != s.SubjectID {
			v.Proposals = append(v.Proposals, option{Value: p.ID, Label: p.Title.Get(string(l))})
		}
	}
	v.Reasons = options(l, "mod.reason.", "", central.DeclineReasons...)
	if !v.IsProposal {
		if v.Supports, err = mod.Store().EventSupports(r.Context(), s.SubjectID); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusOK, "moderation_item", "mod.item", v)
}

// idsOf are the submissions a form names ("id", once or, from the bulk
// form, many times), at most one page of them.
func idsOf(r *http.Request) ([][16]byte, bool) {
	if err := r.ParseForm(); err != nil {
		return nil, false
	}
	vals := r.PostForm["id"]
	if len(vals) == 0 || len(vals) > ModerationPage {
		return nil, false
	}
	out := make([][16]byte, 0, len(vals))
	for _, s := range vals {
		id, ok := parseID(s)
		if !ok {
			return nil, false
		}
		out = append(out, id)
	}
	return out, true
}

func (h *Handler) handleModerationPublish(w http.ResponseWriter, r *http.Request) {
	h.decide(w, r, central.SubmissionPublished, func(mod *central.Moderation, actor string, ids [][16]byte) error {
		edits := map[[16]byte]central.Edit{}
		if len(ids) == 1 {
			edits[ids[0]] = central.Edit{
				Title: map[string]string{"es": r.PostFormValue("title_es"), "en": r.PostFormValue("title_en")},
				Text:  map[string]string{"es": r.PostFormValue("text_es"), "en": r.PostFormValue("text_en")},
				Theme: r.PostFormValue("theme"),
			}
		}
		_, err := mod.Publish(r.Context(), actor, edits, ids...)
		return err
	})
}

func (h *Handler) handleModerationMerge(w http.ResponseWriter, r *http.Request) {
	h.decide(w, r, central.SubmissionMerged, func(mod *central.Moderation, actor string, ids [][16]byte) error {
		return mod.Merge(r.Context(), actor, r.PostFormValue("target"), ids...)
	})
}

func (h *Handler) handleModerationDecline(w http.ResponseWriter, r *http.Request) {
	h.decide(w, r, central.SubmissionDeclined, func(mod *central.Moderation, actor string, ids [][16]byte) error {
		return mod.Decline(r.Context(), actor, r.PostFormValue("reason"), r.PostFormValue("note"), ids...)
	})
}

// handleModerationBulk applies one action to the submissions ticked on
// a page of the queue.
func (h *Handler) handleModerationBulk(w http.ResponseWriter, r *http.Request) {
	switch r.PostFormValue("action") {
	case "publish":
		h.handleModerationPublish(w, r)
	case "decline":
		h.handleModerationDecline(w, r)
	default:
		h.renderError(w, r, http.StatusBadRequest, "mod.badaction")
	}
}

// decide runs one decision from a form and goes back to the queue.
func (h *Handler) decide(w http.ResponseWriter, r *http.Request, status string, fn func(*central.Moderation, string, [][16]byte) error) {
	mod := h.moderation(w, r)
	if mod == nil {
		return
	}
	ids, ok := idsOf(r)
	if !ok {
		h.renderError(w, r, http.StatusBadRequest, "mod.noselection")
		return
	}
	err := fn(mod, sessionOf(r).Operator, ids)
	switch {
	case errors.Is(err, central.ErrDecided):
		h.renderError(w, r, http.StatusConflict, "mod.decided")
	case errors.Is(err, central.ErrNotFound):
		h.renderError(w, r, http.StatusNotFound, "mod.notfound")
	case errors.Is(err, central.ErrNoSealKey):
		h.renderError(w, r, http.StatusServiceUnavailable, "mod.nokey")
	case errors.Is(err, central.ErrInvalidDecision):
		h.renderErrorArgs(w, r, http.StatusBadRequest, "mod.invalid", strings.TrimPrefix(err.Error(), central.ErrInvalidDecision.Error()+": "))
	case err != nil:
		h.serverError(w, r, err)
	default:
		http.Redirect(w, r, "/moderation?done="+status, http.StatusSeeOther)
	}
}
