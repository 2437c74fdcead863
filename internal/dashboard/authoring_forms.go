package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
)

// What an edit form edits: one item of a list, or one part of the
// campaign.
const (
	kindGeneral  = "general" // title, subtitle
	kindPrivacy  = "privacy"
	kindSurvey   = "survey"
	kindTheme    = "theme"
	kindProposal = "proposal"
	kindEvent    = "event"
	kindArticle  = "article"
	kindQuestion = "question" // a survey question, edited on its own form
)

// lists maps a list item kind to its JSON list name, the first step of
// its problems' paths.
var lists = map[string]string{kindTheme: "themes", kindProposal: "proposals", kindEvent: "events", kindArticle: "articles"}

// location is where a problem is: the form (kind and id) and the field.
type location struct {
	kind, id, field string
}

// locate puts a validation problem on a form field: the item its path
// starts in and the first member name under the item. The survey's
// questions are edited as one field.
func locate(c *campaign.Campaign, p *campaign.ParseError) location {
	s := p.Steps()
	if len(s) == 0 {
		return location{kind: kindGeneral}
	}
	first := s[0].Name
	for kind, list := range lists {
		if first != list {
			continue
		}
		if len(s) < 2 || s[1].Index < 0 {
			return location{kind: kindGeneral, field: first}
		}
		i := s[1].Index
		var id string
		switch kind {
		case kindTheme:
			id = c.Themes[i].ID
		case kindProposal:
			id = c.Proposals[i].ID
		case kindEvent:
			id = c.Events[i].ID
		case kindArticle:
			id = c.Articles[i].ID
		}
		loc := location{kind: kind, id: id}
		if len(s) > 2 {
			loc.field = s[2].Name
		}
		return loc
	}
	switch first {
	case "privacy":
		loc := location{kind: kindPrivacy}
		if len(s) > 1 {
			loc.field = s[1].Name
		}
		return loc
	case "survey":
		if len(s) > 2 && s[1].Name == "questions" && s[2].Index >= 0 {
			loc := location{kind: kindQuestion, id: c.Survey.Questions[s[2].Index].ID}
			if len(s) > 3 {
				loc.field = s[3].Name
			}
			return loc
		}
		loc := location{kind: kindSurvey}
		if len(s) > 1 {
			loc.field = s[1].Name
		}
		return loc
	}
	return location{kind: kindGeneral, field: first}
}

// link is the field's place on its form.
func (l location) link() string {
	link := editLink(l.kind, l.id)
	if l.field != "" {
		link += "#f-" + l.field
	}
	return link
}

// where names the form in words.
func (l location) where(lg lang, c *campaign.Campaign) string {
	name := lg.T("edit.kind." + l.kind)
	switch l.kind {
	case kindTheme, kindProposal, kindEvent, kindArticle, kindQuestion:
		title := l.id
		switch l.kind {
		case kindQuestion:
			if q := c.Question(l.id); q != nil && q.Prompt.Get(string(lg)) != "" {
				title = q.Prompt.Get(string(lg))
			}
		case kindTheme:
			for _, t := range c.Themes {
				if t.ID == l.id && t.Label.Get(string(lg)) != "" {
					title = t.Label.Get(string(lg))
				}
			}
		case kindProposal:
			if p := c.Proposal(l.id); p != nil && p.Title.Get(string(lg)) != "" {
				title = p.Title.Get(string(lg))
			}
		case kindEvent:
			if e := c.Event(l.id); e != nil && e.Title.Get(string(lg)) != "" {
				title = e.Title.Get(string(lg))
			}
		case kindArticle:
			if a := c.Article(l.id); a != nil && a.Title.Get(string(lg)) != "" {
				title = a.Title.Get(string(lg))
			}
		}
		name += " «" + title + "»"
	}
	if l.field != "" {
		name += " · " + fieldLabel(lg, l.field)
	}
	return name
}

func fieldLabel(l lang, field string) string {
	if id := "field." + field; hasMsg(id) {
		return l.T(id)
	}
	return field
}

// problemWords are the validator's most common problems in the
// operator's language, in words of their own; the rest are translated by
// their format (authoring_problems.go).
var problemWords = []struct {
	re *regexp.Regexp
	id string
}{
	{regexp.MustCompile(`^missing the Spanish text`), "problem.nospanish"},
	{regexp.MustCompile(`^missing the English text`), "problem.noenglish"},
	{regexp.MustCompile(`^a text in Spanish \("es"\) and English \("en"\) is required`), "problem.notext"},
	{regexp.MustCompile(`^a theme is required`), "problem.notheme"},
	{regexp.MustCompile(`^an alcaldía is required`), "problem.noalcaldia"},
	{regexp.MustCompile(`^an article number is required`), "problem.nonumber"},
	{regexp.MustCompile(`^the event ends at or before its start`), "problem.endsbefore"},
	{regexp.MustCompile(`^a start time between`), "problem.nostart"},
	{regexp.MustCompile(`^an end time between`), "problem.noend"},
	{regexp.MustCompile(`^the threshold must be`), "problem.threshold"},
	{regexp.MustCompile(`question needs at least 2 options`), "problem.options"},
	{regexp.MustCompile(`^say who signed the written answer`), "problem.signedby"},
	{regexp.MustCompile(`^a response needs a written answer`), "problem.noresponse"},
	{regexp.MustCompile(`^a date between the years`), "problem.nodate"},
	{regexp.MustCompile(`^the privacy notice needs a version`), "problem.privacyversion"},
	{regexp.MustCompile(`signers is not more than the tier before`), "problem.tierorder"},
	{regexp.MustCompile(`^a tier needs from 1 to`), "problem.tiersigners"},
	{regexp.MustCompile(`^a survey needs at least one question`), "problem.noquestions"},
	{regexp.MustCompile(`^a text question needs max_length`), "problem.maxlength"},
	{regexp.MustCompile(`^a scale runs from min to max`), "problem.scale"},
}

// problemText is a validator problem in the operator's language: the
// words above for the commonest, and on the Spanish dashboard every other
// one by its format (problemSpanish).
func problemText(l lang, problem string) string {
	for _, w := range problemWords {
		if w.re.MatchString(problem) {
			return l.T(w.id)
		}
	}
	if l == es {
		if s, ok := spanishProblem(problem); ok {
			return s
		}
	}
	return problem
}

// formField is one field of an edit form. Kind says how it is shown:
// "text" and "area" (one input per language), "line", "number",
// "select", "time", "checks", "paras" (numbered paragraphs per language),
// "json".
type formField struct {
	Name, Label, Kind, Help string
	LangES, LangEN          string // the languages' names, for the inputs' labels
	SignersLabel            string // a tier row's number
	ES, EN, Value           string
	Options                 []formOption
	Paras                   []formPara
	Errors                  []string
}

type formOption struct {
	Value, Label string
	Selected     bool
}

type formPara struct {
	N      int
	Label  string // "Párrafo 3", "Opción 3"
	ID     string // an option's or tier's id, kept as it was
	Value  string // a tier's signers
	ES, EN string
}

// at is list[i], or "" past its end.
func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

// ID is the field's anchor, the target of a problem's link.
func (f formField) ID() string { return "f-" + f.Name }

// Invalid says whether the field has problems, for aria-invalid.
func (f formField) Invalid() bool { return len(f.Errors) > 0 }

type editView struct {
	Kind, ID, KindName, Heading string
	New                         bool
	Revision                    int64
	Fields                      []formField
	Other                       []problemView // problems of this item not tied to a field shown
	Closed                      bool
	Saved                       bool
	Questions                   []draftItem // the survey form lists its questions
}

// handleDraftEdit shows one item's form, with the draft's problems for
// the item next to their fields.
func (h *Handler) handleDraftEdit(w http.ResponseWriter, r *http.Request) {
	st, open, err := h.loadDraft(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !open {
		http.Redirect(w, r, "/draft", http.StatusSeeOther)
		return
	}
	kind, id := r.URL.Query().Get("kind"), r.URL.Query().Get("id")
	v, ok := h.editForm(r, st.c, kind, id, nil, nil)
	if !ok {
		h.renderError(w, r, http.StatusNotFound, "error.notfound")
		return
	}
	v.Revision = st.d.Revision
	v.Saved = r.URL.Query().Get("done") == "saved"
	if id != "" || kind == kindGeneral || kind == kindPrivacy || kind == kindSurvey {
		// A new item has no problems yet: it is not in the draft.
		h.attachProblems(langOf(r), st.c, st.problems, &v)
	}
	flash := ""
	if v.Saved {
		flash = langOf(r).T("draft.saved")
		if len(v.Other) > 0 || slices.ContainsFunc(v.Fields, func(f formField) bool { return f.Invalid() }) {
			flash = langOf(r).T("draft.savedproblems")
		}
	}
	h.renderFlash(w, r, http.StatusOK, "draftedit", "edit.title", flash, v)
}

// attachProblems puts the draft's problems for v's item on its fields.
func (h *Handler) attachProblems(l lang, c *campaign.Campaign, ps []*campaign.ParseError, v *editView) {
	for _, p := range ps {
		loc := locate(c, p)
		if v.Kind == kindSurvey && loc.kind == kindQuestion {
			if i := slices.IndexFunc(v.Questions, func(q draftItem) bool { return q.ID == loc.id }); i >= 0 {
				v.Questions[i].Problems++
			}
		}
		if loc.kind != v.Kind || loc.id != v.ID {
			continue
		}
		if v.Kind == kindGeneral && !slices.Contains([]string{"title", "subtitle", "id_types", "tiers", "id", "version"}, loc.field) {
			continue
		}
		msg := problemText(l, p.Problem)
		i := slices.IndexFunc(v.Fields, func(f formField) bool { return f.Name == loc.field })
		if i < 0 {
			v.Other = append(v.Other, problemView{Where: loc.where(l, c), Message: msg})
			continue
		}
		switch v.Fields[i].Kind {
		case "paras", "options", "tiers":
			// Say which paragraph or option: the path has it.
			msg = p.Path + ": " + msg
		case "text", "area":
			// A problem of one language's text (too long, a long
			// sentence) says which of the field's two inputs it is in.
			if s := p.Steps(); len(s) > 0 {
				switch s[len(s)-1].Name {
				case "es":
					msg = l.T("edit.es") + ": " + msg
				case "en":
					msg = l.T("edit.en") + ": " + msg
				}
			}
		}
		v.Fields[i].Errors = append(v.Fields[i].Errors, msg)
	}
}

// editForm builds the form for an item of the draft; with form set (a
// refused submission) the fields show what was sent, and bad holds the
// errors of fields that could not be read.
func (h *Handler) editForm(r *http.Request, c *campaign.Campaign, kind, id string, form url.Values, bad map[string]string) (editView, bool) {
	l := langOf(r)
	v := editView{Kind: kind, ID: id, KindName: l.T("edit.kind." + kind), New: id == ""}
	txt := func(name, kind string, t campaign.Text) formField {
		f := formField{Name: name, Label: fieldLabel(l, name), Kind: kind, ES: t["es"], EN: t["en"]}
		if form != nil {
			f.ES, f.EN = form.Get(name+".es"), form.Get(name+".en")
		}
		return f
	}
	one := func(name, kind, value string) formField {
		f := formField{Name: name, Label: fieldLabel(l, name), Kind: kind, Value: value}
		if form != nil {
			f.Value = form.Get(name)
		}
		return f
	}
	switch kind {
	case kindGeneral:
		v.Heading = c.Title.Get(string(l))
		tiers := tiersField(l, c.Tiers, form)
		tiers.Help = l.T("help.tiers")
		v.Fields = []formField{txt("title", "text", c.Title), txt("subtitle", "text", c.Subtitle), tiers}
	case kindPrivacy:
		v.Fields = []formField{one("version", "line", c.Privacy.Version), txt("text", "area", c.Privacy.Text)}
		v.Fields[0].Help = l.T("help.privacyversion")
	case kindSurvey:
		v.Heading = c.Survey.Title.Get(string(l))
		v.Fields = []formField{txt("title", "text", c.Survey.Title), txt("intro", "area", c.Survey.Intro)}
		for _, q := range c.Survey.Questions {
			v.Questions = append(v.Questions, draftItem{ID: q.ID, Title: q.Prompt.Get(string(l)), Extra: l.T("qtype." + string(q.Type)), Edit: editLink(kindQuestion, q.ID)})
		}
	case kindQuestion:
		q := &campaign.Question{Type: campaign.TypeSingle}
		if id != "" {
			if q = c.Question(id); q == nil {
				return v, false
			}
		}
		v.Heading = q.Prompt.Get(string(l))
		typ := one("type", "select", string(q.Type))
		for _, t := range []campaign.QuestionType{campaign.TypeSingle, campaign.TypeMultiple, campaign.TypeScale, campaign.TypeText, campaign.TypeNumber, campaign.TypeAlcaldia} {
			typ.Options = append(typ.Options, formOption{Value: string(t), Label: l.T("qtype." + string(t))})
		}
		req := one("required", "check", "")
		if q.Required {
			req.Value = "yes"
		}
		if form != nil {
			req.Value = form.Get("required")
		}
		opts := formField{Name: "options", Label: fieldLabel(l, "options"), Kind: "options", Help: l.T("help.options")}
		for i, o := range q.Options {
			opts.Paras = append(opts.Paras, formPara{N: i + 1, ID: o.ID, ES: o.Label["es"], EN: o.Label["en"]})
		}
		if form != nil {
			opts.Paras = nil
			for i := range form["options.es[]"] {
				p := formPara{N: i + 1, ES: form["options.es[]"][i]}
				if i < len(form["options.en[]"]) {
					p.EN = form["options.en[]"][i]
				}
				if i < len(form["options.id[]"]) {
					p.ID = form["options.id[]"][i]
				}
				opts.Paras = append(opts.Paras, p)
			}
		}
		opts.Paras = append(opts.Paras, formPara{N: len(opts.Paras) + 1})
		num := func(name string, n int) formField {
			f := one(name, "number", "")
			if n != 0 {
				f.Value = strconv.Itoa(n)
			}
			if form != nil {
				f.Value = form.Get(name)
			}
			return f
		}
		v.Fields = []formField{typ, req, txt("prompt", "text", q.Prompt), txt("help", "area", q.Help), opts,
			num("min", q.Min), num("max", q.Max), num("max_length", q.MaxLength), txt("min_label", "text", q.MinLabel), txt("max_label", "text", q.MaxLabel)}
		v.Fields[5].Help = l.T("help.minmax")
	case kindTheme:
		var t campaign.Theme
		if id != "" {
			i := slices.IndexFunc(c.Themes, func(t campaign.Theme) bool { return t.ID == id })
			if i < 0 {
				return v, false
			}
			t = c.Themes[i]
		}
		v.Heading = t.Label.Get(string(l))
		v.Fields = []formField{txt("label", "text", t.Label)}
	case kindProposal:
		p := &campaign.Proposal{}
		if id != "" {
			if p = c.Proposal(id); p == nil {
				return v, false
			}
		}
		v.Heading, v.Closed = p.Title.Get(string(l)), p.Closed
		theme := one("theme", "select", p.Theme)
		theme.Options = append(theme.Options, formOption{Value: "", Label: l.T("edit.choose")})
		for _, t := range c.Themes {
			theme.Options = append(theme.Options, formOption{Value: t.ID, Label: t.Label.Get(string(l))})
		}
		threshold := one("threshold", "number", "")
		if p.Threshold > 0 {
			threshold.Value = strconv.Itoa(p.Threshold)
		}
		if form != nil {
			threshold.Value = form.Get("threshold")
		}
		threshold.Help = l.T("help.threshold")
		tiers := tiersField(l, p.Tiers, form)
		tiers.Label, tiers.Help = l.T("field.proposal.tiers"), l.T("help.proposaltiers")
		plain := txt("plain", "area", p.Plain)
		plain.Help = l.T("help.plain")
		v.Fields = []formField{txt("title", "text", p.Title), txt("summary", "area", p.Summary), plain, theme,
			alcaldias(l, one("alcaldia", "select", p.Alcaldia), l.T("edit.wholecity")), threshold, tiers}
	case kindEvent:
		e := &campaign.Event{}
		if id != "" {
			if e = c.Event(id); e == nil {
				return v, false
			}
		}
		v.Heading = e.Title.Get(string(l))
		starts, ends := one("starts", "time", h.inputTime(e.Starts)), one("ends", "time", h.inputTime(e.Ends))
		starts.Help = l.T("help.time", h.cfg.Location.String())
		props := formField{Name: "proposals", Label: fieldLabel(l, "proposals"), Kind: "checks"}
		for _, p := range c.Proposals {
			sel := slices.Contains(e.Proposals, p.ID)
			if form != nil {
				sel = slices.Contains(form["proposals[]"], p.ID)
			}
			props.Options = append(props.Options, formOption{Value: p.ID, Label: p.Title.Get(string(l)), Selected: sel})
		}
		v.Fields = []formField{txt("title", "text", e.Title), txt("place", "area", e.Place),
			alcaldias(l, one("alcaldia", "select", e.Alcaldia), l.T("edit.choose")), starts, ends, props}
	case kindArticle:
		a := &campaign.Article{}
		if id != "" {
			if a = c.Article(id); a == nil {
				return v, false
			}
		}
		v.Heading = a.Title.Get(string(l))
		text := formField{Name: "text", Label: fieldLabel(l, "text"), Kind: "paras", Help: l.T("help.paragraphs")}
		esP, enP := paragraphs(a.Text["es"]), paragraphs(a.Text["en"])
		if form != nil {
			esP, enP = form["text.es[]"], form["text.en[]"]
		}
		// One empty pair more, to add a paragraph.
		for i := range max(len(esP), len(enP)) + 1 {
			p := formPara{N: i + 1}
			if i < len(esP) {
				p.ES = esP[i]
			}
			if i < len(enP) {
				p.EN = enP[i]
			}
			text.Paras = append(text.Paras, p)
		}
		plain := txt("plain", "area", a.Plain)
		plain.Help = l.T("help.plain")
		v.Fields = []formField{one("number", "line", a.Number), txt("title", "text", a.Title), text, plain}
	default:
		return v, false
	}
	for i := range v.Fields {
		if msg, ok := bad[v.Fields[i].Name]; ok {
			v.Fields[i].Errors = append(v.Fields[i].Errors, msg)
		}
	}
	labelLanguages(l, v.Fields)
	return v, true
}

// tiersField is the rows of a ladder (the campaign's, or a proposal's
// own), with one empty row more to add a tier; with form set, the rows
// that were sent.
func tiersField(l lang, ladder []campaign.Tier, form url.Values) formField {
	f := formField{Name: "tiers", Label: fieldLabel(l, "tiers"), Kind: "tiers"}
	for i, t := range ladder {
		f.Paras = append(f.Paras, formPara{N: i + 1, ID: t.ID, Value: strconv.Itoa(t.Signers), ES: t.Earns["es"], EN: t.Earns["en"]})
	}
	if form != nil {
		f.Paras = nil
		for i := range form["tiers.signers[]"] {
			p := formPara{N: i + 1, Value: form["tiers.signers[]"][i]}
			p.ID, p.ES, p.EN = at(form["tiers.id[]"], i), at(form["tiers.es[]"], i), at(form["tiers.en[]"], i)
			f.Paras = append(f.Paras, p)
		}
	}
	f.Paras = append(f.Paras, formPara{N: len(f.Paras) + 1})
	return f
}

// labelLanguages names the languages of the fields' inputs and numbers
// their paragraphs.
func labelLanguages(l lang, fs []formField) {
	for i := range fs {
		fs[i].LangES, fs[i].LangEN, fs[i].SignersLabel = l.T("edit.es"), l.T("edit.en"), l.T("edit.signers")
		for j := range fs[i].Paras {
			label := map[string]string{"options": "edit.option", "tiers": "edit.tier"}[fs[i].Kind]
			if label == "" {
				label = "edit.paragraph"
			}
			fs[i].Paras[j].Label = l.T(label, fs[i].Paras[j].N)
		}
	}
}

func alcaldias(l lang, f formField, none string) formField {
	f.Options = append(f.Options, formOption{Value: "", Label: none})
	for _, a := range campaign.Alcaldias {
		f.Options = append(f.Options, formOption{Value: a.ID, Label: a.Name})
	}
	return f
}

// paragraphs splits an article's text at blank lines.
func paragraphs(s string) []string {
	var out []string
	for p := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// inputTime is t as a datetime-local input shows it, in the campaign's
// time zone.
func (h *Handler) inputTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(h.cfg.Location).Format("2006-01-02T15:04")
}

// handleDraftSave applies an edit form to the draft. Input the form
// cannot read (a date, the questions' JSON) is shown back with its error
// and nothing is saved; anything else is saved, and the validation's
// problems show on the form it redirects to.
func (h *Handler) handleDraftSave(w http.ResponseWriter, r *http.Request) {
	kind, id := r.PostFormValue("kind"), r.PostFormValue("id")
	rev := revision(r)
	bad := map[string]string{}
	newID := id
	_, err := central.EditDraft(r.Context(), h.cfg.Store, h.cfg.Audit, sessionOf(r).Operator, kind+" "+cmpOr(id, "new")+" saved", rev, h.cfg.Now(), func(c *campaign.Campaign) error {
		if id == "" && (lists[kind] != "" || kind == kindQuestion) {
			var err error
			if newID, err = central.UnusedID(r.Context(), h.cfg.Store, c, campaign.ChangeKind(kind), r.PostFormValue(titleField(kind)+".es")); err != nil {
				return err
			}
		}
		return h.applyForm(langOf(r), c, kind, id, newID, r.PostForm, bad)
	})
	if errors.Is(err, errUnreadable) {
		c, perr := h.draftCampaign(r)
		if perr != nil {
			h.serverError(w, r, perr)
			return
		}
		v, ok := h.editForm(r, c, kind, id, r.PostForm, bad)
		if !ok {
			h.renderError(w, r, http.StatusNotFound, "error.notfound")
			return
		}
		v.Revision = rev
		h.renderFlash(w, r, http.StatusBadRequest, "draftedit", "edit.title", langOf(r).T("draft.notsaved"), v)
		return
	}
	if err != nil {
		h.draftError(w, r, err)
		return
	}
	q := url.Values{"kind": {kind}, "done": {"saved"}}
	if newID != "" {
		q.Set("id", newID)
	}
	http.Redirect(w, r, "/draft/edit?"+q.Encode(), http.StatusSeeOther)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (h *Handler) draftCampaign(r *http.Request) (*campaign.Campaign, error) {
	d, err := h.cfg.Store.Draft(r.Context())
	if err != nil {
		return nil, err
	}
	return central.ParseDraft(d)
}

// titleField is the field a new item's id is made from.
func titleField(kind string) string {
	switch kind {
	case kindTheme:
		return "label"
	case kindQuestion:
		return "prompt"
	}
	return "title"
}

// errUnreadable means a form field could not be read; bad says which.
var errUnreadable = errors.New("a field could not be read")

// applyForm writes a submitted form into c. Fields it cannot read go
// into bad, and it returns errUnreadable.
func (h *Handler) applyForm(l lang, c *campaign.Campaign, kind, id, newID string, form url.Values, bad map[string]string) error {
	text := func(name string) campaign.Text {
		t := campaign.Text{}
		for _, lg := range []string{"es", "en"} {
			if s := strings.TrimSpace(form.Get(name + "." + lg)); s != "" {
				t[lg] = s
			}
		}
		if len(t) == 0 {
			return nil
		}
		return t
	}
	switch kind {
	case kindGeneral:
		c.Title, c.Subtitle = text("title"), text("subtitle")
		// The form always sends its tier rows (an empty one at least); a
		// post without any, from elsewhere, leaves the tiers alone.
		if _, sent := form["tiers.signers[]"]; sent {
			tiers, err := readTiers(l, form, bad)
			if err != nil {
				return err
			}
			c.Tiers = tiers
		}
	case kindPrivacy:
		c.Privacy.Version, c.Privacy.Text = strings.TrimSpace(form.Get("version")), text("text")
	case kindSurvey:
		c.Survey.Title, c.Survey.Intro = text("title"), text("intro")
	case kindQuestion:
		return applyQuestion(l, c, id, newID, form, text, bad)
	case kindTheme:
		t := campaign.Theme{ID: newID, Label: text("label")}
		if id == "" {
			c.Themes = append(c.Themes, t)
			return nil
		}
		i := slices.IndexFunc(c.Themes, func(t campaign.Theme) bool { return t.ID == id })
		if i < 0 {
			return central.ErrNotFound
		}
		c.Themes[i] = t
	case kindProposal:
		var threshold int
		if s := strings.TrimSpace(form.Get("threshold")); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				bad["threshold"] = l.T("edit.badnumber")
				return errUnreadable
			}
			threshold = n
		}
		// Read before anything changes: an unreadable number saves
		// nothing. A post without tier rows (not from this form) leaves
		// the proposal's own tiers alone.
		tiers, sentTiers := []campaign.Tier(nil), false
		if _, sentTiers = form["tiers.signers[]"]; sentTiers {
			var err error
			if tiers, err = readTiers(l, form, bad); err != nil {
				return err
			}
		}
		p := c.Proposal(id)
		if id == "" {
			c.Proposals = append(c.Proposals, campaign.Proposal{ID: newID})
			p = &c.Proposals[len(c.Proposals)-1]
		}
		if p == nil {
			return central.ErrNotFound
		}
		// The id and the closed flag stay as they are: this form does not
		// show them.
		p.Title, p.Summary, p.Plain, p.Theme, p.Alcaldia, p.Threshold = text("title"), text("summary"), text("plain"), form.Get("theme"), form.Get("alcaldia"), threshold
		if sentTiers {
			p.Tiers = tiers
		}
	case kindEvent:
		starts, err1 := h.readTime(form.Get("starts"))
		ends, err2 := h.readTime(form.Get("ends"))
		if err1 != nil {
			bad["starts"] = l.T("edit.badtime")
		}
		if err2 != nil {
			bad["ends"] = l.T("edit.badtime")
		}
		if err1 != nil || err2 != nil {
			return errUnreadable
		}
		var props []string
		for _, pid := range form["proposals[]"] {
			if c.Proposal(pid) != nil {
				props = append(props, pid)
			}
		}
		e := c.Event(id)
		if id == "" {
			c.Events = append(c.Events, campaign.Event{ID: newID})
			e = &c.Events[len(c.Events)-1]
		}
		if e == nil {
			return central.ErrNotFound
		}
		e.Title, e.Place, e.Alcaldia, e.Starts, e.Ends, e.Proposals = text("title"), text("place"), form.Get("alcaldia"), starts, ends, props
	case kindArticle:
		join := func(ps []string) string {
			var keep []string
			for _, p := range ps {
				if p = strings.TrimSpace(p); p != "" {
					keep = append(keep, p)
				}
			}
			return strings.Join(keep, "\n\n")
		}
		t := campaign.Text{}
		for _, lg := range []string{"es", "en"} {
			if s := join(form["text."+lg+"[]"]); s != "" {
				t[lg] = s
			}
		}
		if len(t) == 0 {
			t = nil
		}
		a := c.Article(id)
		if id == "" {
			c.Articles = append(c.Articles, campaign.Article{ID: newID})
			a = &c.Articles[len(c.Articles)-1]
		}
		if a == nil {
			return central.ErrNotFound
		}
		a.Number, a.Title, a.Text, a.Plain = strings.TrimSpace(form.Get("number")), text("title"), t, text("plain")
	default:
		return central.ErrNotFound
	}
	return nil
}

// readTime reads a datetime-local value in the campaign's time zone; ""
// is the zero time, which the validation then asks for.
func (h *Handler) readTime(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(s), h.cfg.Location)
	if err != nil {
		return time.Time{}, fmt.Errorf("read time %q: %w", s, err)
	}
	return t, nil
}

// hasMsg reports whether the catalogue has id.
func hasMsg(id string) bool {
	_, ok := catalogue[id]
	return ok
}

// applyQuestion writes a question's form into the draft. Settings the
// chosen type does not take are dropped rather than refused: an author
// who switches a question from single choice to text means to leave its
// options behind.
func applyQuestion(l lang, c *campaign.Campaign, id, newID string, form url.Values, text func(string) campaign.Text, bad map[string]string) error {
	nums := map[string]int{}
	for _, name := range []string{"min", "max", "max_length"} {
		if s := strings.TrimSpace(form.Get(name)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				bad[name] = l.T("edit.badnumber")
				continue
			}
			nums[name] = n
		}
	}
	if len(bad) > 0 {
		return errUnreadable
	}
	q := c.Question(id)
	if id == "" {
		c.Survey.Questions = append(c.Survey.Questions, campaign.Question{ID: newID})
		q = &c.Survey.Questions[len(c.Survey.Questions)-1]
	}
	if q == nil {
		return central.ErrNotFound
	}
	q.Type, q.Required = campaign.QuestionType(form.Get("type")), form.Get("required") == "yes"
	q.Prompt, q.Help = text("prompt"), text("help")
	q.Options, q.Min, q.Max, q.MaxLength, q.MinLabel, q.MaxLabel = nil, 0, 0, 0, nil, nil
	switch q.Type {
	case campaign.TypeSingle, campaign.TypeMultiple:
		q.Options = readOptions(form)
	}
	switch q.Type {
	case campaign.TypeMultiple, campaign.TypeScale, campaign.TypeNumber:
		q.Min, q.Max = nums["min"], nums["max"]
	case campaign.TypeText:
		q.MaxLength = nums["max_length"]
	}
	if q.Type == campaign.TypeScale {
		q.MinLabel, q.MaxLabel = text("min_label"), text("max_label")
	}
	return nil
}

// readOptions reads the option rows: a row keeps its id, a new row gets
// one made from its Spanish label, and a row emptied in both languages
// is gone.
func readOptions(form url.Values) []campaign.Option {
	ids, esL, enL := form["options.id[]"], form["options.es[]"], form["options.en[]"]
	var out []campaign.Option
	taken := map[string]bool{}
	for _, id := range ids {
		taken[id] = true
	}
	for i := range esL {
		label := campaign.Text{}
		if s := strings.TrimSpace(esL[i]); s != "" {
			label["es"] = s
		}
		if i < len(enL) && strings.TrimSpace(enL[i]) != "" {
			label["en"] = strings.TrimSpace(enL[i])
		}
		if len(label) == 0 {
			continue
		}
		id := ""
		if i < len(ids) {
			id = ids[i]
		}
		if id == "" {
			base := central.Slug(label.Get("es"))
			if base == "" {
				base = "opcion"
			}
			id = base
			for n := 2; taken[id]; n++ {
				id = base + "-" + strconv.Itoa(n)
			}
			taken[id] = true
		}
		out = append(out, campaign.Option{ID: id, Label: label})
	}
	return out
}

// readTiers reads a ladder's tier rows (the campaign's or a proposal's): a row keeps its id, a new row
// gets one made from what it earns, and a row emptied entirely is gone.
// No rows at all leaves the campaign without tiers of its own (the 2016
// rules apply), or the proposal with the campaign's.
func readTiers(l lang, form url.Values, bad map[string]string) ([]campaign.Tier, error) {
	ids, signers := form["tiers.id[]"], form["tiers.signers[]"]
	var out []campaign.Tier
	taken := map[string]bool{}
	for _, id := range ids {
		taken[id] = true
	}
	for i := range signers {
		earns := campaign.Text{}
		for lg, list := range map[string][]string{"es": form["tiers.es[]"], "en": form["tiers.en[]"]} {
			if s := strings.TrimSpace(at(list, i)); s != "" {
				earns[lg] = s
			}
		}
		n := strings.TrimSpace(signers[i])
		if n == "" && len(earns) == 0 {
			continue
		}
		var count int
		if n != "" {
			var err error
			if count, err = strconv.Atoi(n); err != nil {
				bad["tiers"] = l.T("edit.badnumber")
				return nil, errUnreadable
			}
		}
		id := at(ids, i)
		if id == "" {
			base := cmpOr(central.Slug(earns.Get("es")), "nivel")
			id = base
			for k := 2; taken[id]; k++ {
				id = base + "-" + strconv.Itoa(k)
			}
			taken[id] = true
		}
		if len(earns) == 0 {
			earns = nil
		}
		out = append(out, campaign.Tier{ID: id, Signers: count, Earns: earns})
	}
	return out, nil
}
