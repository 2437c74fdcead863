package campaign

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on a campaign's size. They are well above the reference case (15
// questions, 358 proposals) and keep a hostile or mistaken file from
// exhausting memory or producing screens nobody can use.
const (
	maxThemes         = 100
	maxKinds          = 20
	maxQuestions      = 200
	maxOptions        = 100
	maxProposals      = 5000
	maxEvents         = 2000
	maxArticles       = 500
	maxIDLen          = 64
	maxArticleNumber  = 16
	maxPrivacyVersion = 32
	maxLanguages      = 8
	maxLabel          = 300   // characters: titles, prompts, option and scale labels
	maxParagraph      = 2000  // characters: summaries, help, intros, places
	maxDocument       = 20000 // characters: the privacy notice, an article
	maxPlain          = 600   // characters: a plain-language summary, read in under a minute
	maxPlainSentence  = 20    // words in one sentence of a plain-language summary
	maxTextAnswer     = 2000  // characters: the longest free-text answer allowed
	maxScale          = 10
	maxNumberBound    = 1_000_000_000 // small enough for exact float64 comparison
	maxThreshold      = 10_000_000    // more than the city's population
	maxEventLength    = 31 * 24 * time.Hour
)

// Validate checks that the campaign is complete and consistent: format 1;
// ids non-empty, well-formed and unique in their list; every text in Spanish
// and English; known question types with the settings their type needs and
// none it ignores; existing theme, proposal and alcaldía references;
// positive thresholds or tiers that grow, and responses to known tiers;
// plain-language summaries, where given, short and in short sentences;
// events that end after they start; known voter id
// types; a versioned privacy notice; and the size limits above.
//
// The error has the same shape as Parse's, without file or position.
func (c *Campaign) Validate() error {
	return joinProblems(c.problems())
}

func (c *Campaign) problems() []*ParseError {
	v := validator{limit: maxProblems}
	v.campaign(c)
	return v.problems
}

// maxFormProblems caps Problems: a form shows each problem next to its
// field, so it can show many more than an error message can.
const maxFormProblems = 500

// Problems is Validate's checks as a list, for an editor that shows each
// problem next to its field (Path says which); nil when the campaign is
// valid. Unlike Validate's error it is not cut at ten.
func (c *Campaign) Problems() []*ParseError {
	v := validator{limit: maxFormProblems}
	v.campaign(c)
	return v.problems
}

type validator struct {
	problems []*ParseError
	limit    int // problems kept; the rest are dropped
}

func (v *validator) report(p path, format string, args ...any) {
	if len(v.problems) < v.limit {
		v.problems = append(v.problems, &ParseError{Path: p.String(), Problem: fmt.Sprintf(format, args...), at: p})
	}
}

func (v *validator) campaign(c *Campaign) {
	var root path
	if c.Format != FormatVersion {
		// Anything else about a file in another format would be noise.
		v.report(root.field("format"), "unsupported format %d; this program reads format %d", c.Format, FormatVersion)
		return
	}
	v.id(root.field("id"), c.ID)
	if c.Version < 1 {
		v.report(root.field("version"), "the version must be 1 or more, found %d", c.Version)
	}
	v.text(root.field("title"), c.Title, maxLabel, true)
	v.text(root.field("subtitle"), c.Subtitle, maxLabel, false)
	v.idTypes(root.field("id_types"), c.IDTypes)
	v.privacy(root.field("privacy"), &c.Privacy)
	if c.Tiers != nil {
		v.tiers(root.field("tiers"), c.Tiers)
	}
	v.kinds(root.field("kinds"), c.Kinds)

	themes := make(map[string]bool)
	if v.count(root.field("themes"), "themes", len(c.Themes), maxThemes) {
		seen := make(map[string]path)
		for i, t := range c.Themes {
			p := root.field("themes").at(i)
			v.uniqueID(p.field("id"), t.ID, seen)
			v.text(p.field("label"), t.Label, maxLabel, true)
			themes[t.ID] = true
		}
	}

	v.survey(root.field("survey"), &c.Survey)

	proposals := make(map[string]bool)
	if v.count(root.field("proposals"), "proposals", len(c.Proposals), maxProposals) {
		seen := make(map[string]path)
		for i := range c.Proposals {
			v.proposal(root.field("proposals").at(i), c, &c.Proposals[i], seen, themes)
			proposals[c.Proposals[i].ID] = true
		}
	}
	if v.count(root.field("events"), "events", len(c.Events), maxEvents) {
		seen := make(map[string]path)
		for i := range c.Events {
			v.event(root.field("events").at(i), &c.Events[i], seen, proposals)
		}
	}
	if v.count(root.field("articles"), "articles", len(c.Articles), maxArticles) {
		seen := make(map[string]path)
		numbers := make(map[string]path)
		for i, a := range c.Articles {
			p := root.field("articles").at(i)
			v.uniqueID(p.field("id"), a.ID, seen)
			switch {
			case strings.TrimSpace(a.Number) == "":
				v.report(p.field("number"), "an article number is required")
			case utf8.RuneCountInString(a.Number) > maxArticleNumber:
				v.report(p.field("number"), "the article number is longer than %d characters", maxArticleNumber)
			case numbers[a.Number] != nil:
				v.report(p.field("number"), "article number %q is also used by %s", a.Number, numbers[a.Number].field("number"))
			default:
				numbers[a.Number] = p
			}
			v.text(p.field("title"), a.Title, maxLabel, true)
			v.text(p.field("text"), a.Text, maxDocument, true)
			v.plain(p.field("plain"), a.Plain)
		}
	}
}

// count reports a list longer than its limit, and says whether to look
// inside it.
func (v *validator) count(p path, what string, n, limit int) bool {
	if n > limit {
		v.report(p, "too many %s: %d; the limit is %d", what, n, limit)
		return false
	}
	return true
}

func (v *validator) idTypes(p path, types []string) {
	if len(types) == 0 {
		v.report(p, "list at least one accepted voter id type (%q or %q)", IDTypeINE, IDTypeCURP)
		return
	}
	seen := make(map[string]bool)
	for i, t := range types {
		switch {
		case t != IDTypeINE && t != IDTypeCURP:
			v.report(p.at(i), "unknown voter id type %q; use %q or %q", t, IDTypeINE, IDTypeCURP)
		case seen[t]:
			v.report(p.at(i), "voter id type %q is listed twice", t)
		}
		seen[t] = true
	}
}

func (v *validator) privacy(p path, pr *Privacy) {
	switch {
	case strings.TrimSpace(pr.Version) == "":
		v.report(p.field("version"), "the privacy notice needs a version; records store the version people agreed to")
	case len(pr.Version) > maxPrivacyVersion:
		v.report(p.field("version"), "the version is longer than %d characters", maxPrivacyVersion)
	}
	v.text(p.field("text"), pr.Text, maxDocument, true)
}

func (v *validator) survey(p path, s *Survey) {
	v.id(p.field("id"), s.ID)
	v.text(p.field("title"), s.Title, maxLabel, true)
	v.text(p.field("intro"), s.Intro, maxParagraph, false)
	qs := p.field("questions")
	if len(s.Questions) == 0 {
		v.report(qs, "a survey needs at least one question")
		return
	}
	if !v.count(qs, "questions", len(s.Questions), maxQuestions) {
		return
	}
	seen := make(map[string]path)
	for i := range s.Questions {
		v.question(qs.at(i), &s.Questions[i], seen)
	}
}

// typeNames says each question type in words, for problems and errors.
var typeNames = map[QuestionType]string{
	TypeSingle:   "single-choice",
	TypeMultiple: "multiple-choice",
	TypeScale:    "scale",
	TypeText:     "text",
	TypeNumber:   "number",
	TypeAlcaldia: "alcaldía",
}

// withArticle puts "a" or "an" before a question type's name.
func withArticle(name string) string {
	if strings.IndexByte("aeiou", name[0]) >= 0 {
		return "an " + name
	}
	return "a " + name
}

func (v *validator) question(p path, q *Question, seen map[string]path) {
	v.uniqueID(p.field("id"), q.ID, seen)
	v.text(p.field("prompt"), q.Prompt, maxLabel, true)
	v.text(p.field("help"), q.Help, maxParagraph, false)
	name, known := typeNames[q.Type]
	if !known {
		v.report(p.field("type"), "unknown question type %q; use single, multiple, scale, text, number or alcaldia", q.Type)
		return
	}

	// Settings the type ignores are refused: an author who sets them
	// expects an effect they would not get.
	choice := q.Type == TypeSingle || q.Type == TypeMultiple
	bounded := q.Type == TypeMultiple || q.Type == TypeScale || q.Type == TypeNumber
	if !choice && q.Options != nil {
		v.report(p.field("options"), "%s question has no options", withArticle(name))
	}
	if !bounded && (q.Min != 0 || q.Max != 0) {
		v.report(p.field("min"), "%s question takes no min or max", withArticle(name))
	}
	if q.Type != TypeText && q.MaxLength != 0 {
		v.report(p.field("max_length"), "only text questions take max_length")
	}
	if q.Type != TypeScale && (q.MinLabel != nil || q.MaxLabel != nil) {
		v.report(p.field("min_label"), "only scale questions take min_label and max_label")
	}

	switch q.Type {
	case TypeSingle, TypeMultiple:
		v.options(p.field("options"), q.Options, name)
		if q.Type == TypeMultiple {
			n := len(q.Options)
			switch {
			case q.Min < 0 || q.Max < 0:
				v.report(p.field("min"), "min and max count choices and cannot be negative")
			case q.Min > n:
				v.report(p.field("min"), "min is %d but there are only %d options", q.Min, n)
			case q.Max > n:
				v.report(p.field("max"), "max is %d but there are only %d options", q.Max, n)
			case q.Max != 0 && q.Min > q.Max:
				v.report(p.field("min"), "min %d is more than max %d", q.Min, q.Max)
			}
		}
	case TypeScale:
		if q.Min < 0 || q.Max > maxScale || q.Min >= q.Max {
			v.report(p.field("max"), "a scale runs from min to max with 0 ≤ min < max ≤ %d; found %d to %d", maxScale, q.Min, q.Max)
		}
		v.text(p.field("min_label"), q.MinLabel, maxLabel, true)
		v.text(p.field("max_label"), q.MaxLabel, maxLabel, true)
	case TypeNumber:
		switch {
		case q.Min < -maxNumberBound || q.Max > maxNumberBound:
			v.report(p.field("max"), "number bounds must be within ±%d", maxNumberBound)
		case q.Min > q.Max:
			v.report(p.field("min"), "min %d is more than max %d", q.Min, q.Max)
		}
	case TypeText:
		if q.MaxLength < 1 || q.MaxLength > maxTextAnswer {
			v.report(p.field("max_length"), "a text question needs max_length from 1 to %d, found %d", maxTextAnswer, q.MaxLength)
		}
	}
}

func (v *validator) options(p path, opts []Option, name string) {
	if len(opts) < 2 {
		v.report(p, "%s question needs at least 2 options", withArticle(name))
		return
	}
	if !v.count(p, "options", len(opts), maxOptions) {
		return
	}
	seen := make(map[string]path)
	for i, o := range opts {
		v.uniqueID(p.at(i).field("id"), o.ID, seen)
		v.text(p.at(i).field("label"), o.Label, maxLabel, true)
	}
}

func (v *validator) proposal(p path, c *Campaign, pr *Proposal, seen map[string]path, themes map[string]bool) {
	v.uniqueID(p.field("id"), pr.ID, seen)
	switch {
	case pr.Theme == "":
		v.report(p.field("theme"), "a theme is required")
	case !themes[pr.Theme]:
		v.report(p.field("theme"), "unknown theme %q", pr.Theme)
	}
	if pr.Alcaldia != "" {
		v.alcaldia(p.field("alcaldia"), pr.Alcaldia)
	}
	v.text(p.field("title"), pr.Title, maxLabel, true)
	v.text(p.field("summary"), pr.Summary, maxParagraph, true)
	v.plain(p.field("plain"), pr.Plain)
	if utf8.RuneCountInString(pr.Author) > maxLabel {
		v.report(p.field("author"), "longer than %d characters", maxLabel)
	}
	switch {
	case pr.Tiers != nil && pr.Threshold != 0:
		v.report(p.field("threshold"), "a proposal with its own tiers takes no threshold; put the number in its first tier")
	case pr.Tiers != nil:
		v.tiers(p.field("tiers"), pr.Tiers)
	case pr.Threshold == 0 && c.Tiers != nil:
		// The campaign's tiers apply.
	case pr.Threshold < 1 || pr.Threshold > maxThreshold:
		// A file without tiers is format 1 as it was first written: every
		// proposal says its threshold.
		v.report(p.field("threshold"), "the threshold must be from 1 to %d supports, found %d", maxThreshold, pr.Threshold)
	}
	if pr.Responses != nil {
		v.responses(p.field("responses"), c.TiersOf(pr), pr.Responses)
	}
}

// tiers checks a ladder: at least one tier, unique ids, numbers that grow
// strictly from one tier to the next, and what each earns in both
// languages.
func (v *validator) tiers(p path, ts []Tier) {
	if len(ts) == 0 {
		v.report(p, "list at least one tier, or leave tiers out")
		return
	}
	if !v.count(p, "tiers", len(ts), maxTiers) {
		return
	}
	seen := make(map[string]path)
	for i, t := range ts {
		tp := p.at(i)
		v.uniqueID(tp.field("id"), t.ID, seen)
		switch {
		case t.Signers < 1 || t.Signers > maxThreshold:
			v.report(tp.field("signers"), "a tier needs from 1 to %d signers, found %d", maxThreshold, t.Signers)
		case i > 0 && t.Signers <= ts[i-1].Signers:
			v.report(tp.field("signers"), "%d signers is not more than the tier before (%d); list tiers from the lowest", t.Signers, ts[i-1].Signers)
		}
		v.text(tp.field("earns"), t.Earns, maxLabel, true)
	}
}

// responses checks the Drafting Group's responses to a proposal: each for
// a tier of its ladder, once, dated, and saying something.
func (v *validator) responses(p path, ladder []Tier, rs []Response) {
	if !v.count(p, "responses", len(rs), maxTiers) {
		return
	}
	known := make(map[string]bool, len(ladder))
	for _, t := range ladder {
		known[t.ID] = true
	}
	seen := make(map[string]bool)
	for i, r := range rs {
		rp := p.at(i)
		switch {
		case !known[r.Tier]:
			v.report(rp.field("tier"), "unknown tier %q for this proposal", r.Tier)
		case seen[r.Tier]:
			v.report(rp.field("tier"), "tier %q is answered twice", r.Tier)
		}
		seen[r.Tier] = true
		if !plausibleTime(r.Date) {
			v.report(rp.field("date"), "a date between the years 2000 and 2100 is required")
		}
		v.text(rp.field("text"), r.Text, maxDocument, false)
		v.text(rp.field("place"), r.Place, maxParagraph, false)
		v.text(rp.field("minute"), r.Minute, maxDocument, false)
		switch {
		case r.Text == nil && r.Minute == nil:
			v.report(rp.field("text"), "a response needs a written answer (text) or the minute of the meeting or session")
		case r.Text != nil && strings.TrimSpace(r.SignedBy) == "":
			v.report(rp.field("signed_by"), "say who signed the written answer")
		case utf8.RuneCountInString(r.SignedBy) > maxLabel:
			v.report(rp.field("signed_by"), "longer than %d characters", maxLabel)
		}
	}
}

func (v *validator) event(p path, e *Event, seen map[string]path, proposals map[string]bool) {
	v.uniqueID(p.field("id"), e.ID, seen)
	v.text(p.field("title"), e.Title, maxLabel, true)
	v.text(p.field("place"), e.Place, maxParagraph, true)
	if e.Alcaldia == "" {
		v.report(p.field("alcaldia"), "an alcaldía is required")
	} else {
		v.alcaldia(p.field("alcaldia"), e.Alcaldia)
	}
	switch {
	case !plausibleTime(e.Starts):
		v.report(p.field("starts"), "a start time between the years 2000 and 2100 is required")
	case !plausibleTime(e.Ends):
		v.report(p.field("ends"), "an end time between the years 2000 and 2100 is required")
	case !e.Ends.After(e.Starts):
		v.report(p.field("ends"), "the event ends at or before its start")
	case e.Ends.Sub(e.Starts) > maxEventLength:
		v.report(p.field("ends"), "the event lasts more than %d days", maxEventLength/(24*time.Hour))
	}
	listed := make(map[string]bool)
	for i, id := range e.Proposals {
		switch {
		case !proposals[id]:
			v.report(p.field("proposals").at(i), "unknown proposal %q", id)
		case listed[id]:
			v.report(p.field("proposals").at(i), "proposal %q is listed twice", id)
		}
		listed[id] = true
	}
}

func plausibleTime(t time.Time) bool {
	return t.Year() >= 2000 && t.Year() <= 2100
}

func (v *validator) alcaldia(p path, id string) {
	if _, ok := AlcaldiaByID(id); !ok {
		v.report(p, "unknown alcaldía %q", id)
	}
}

// uniqueID checks an id and that no earlier entry of the same list has it.
func (v *validator) uniqueID(p path, id string, seen map[string]path) {
	if !v.id(p, id) {
		return
	}
	if first, dup := seen[id]; dup {
		v.report(p, "duplicate id %q, also used by %s", id, first)
		return
	}
	seen[id] = p[:len(p)-1]
}

// kinds checks the extra record kinds a campaign says central accepts:
// usable names, each once. A name this program does not know is not an
// error: a newer central may accept kinds an older device cannot make,
// and such a device simply does not offer them.
func (v *validator) kinds(p path, kinds []string) {
	if !v.count(p, "kinds", len(kinds), maxKinds) {
		return
	}
	for i, k := range kinds {
		switch {
		case slices.Contains(BaseKinds, k):
			v.report(p.at(i), "%q is accepted by every central and need not be listed", k)
		case slices.Contains(kinds[:i], k):
			v.report(p.at(i), "kind %q is listed twice", k)
		default:
			v.id(p.at(i), k)
		}
	}
}

// id checks that an id is usable in records, URLs and file names: short
// ASCII letters, digits, '-', '_' and '.', starting with a letter or digit.
func (v *validator) id(p path, id string) bool {
	switch {
	case id == "":
		v.report(p, "an id is required")
		return false
	case len(id) > maxIDLen:
		v.report(p, "the id is longer than %d characters", maxIDLen)
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '-' && c != '_' && c != '.') {
			v.report(p, "id %q must be ASCII letters, digits, '-', '_' or '.', starting with a letter or digit", id)
			return false
		}
	}
	return true
}

var languageNames = map[string]string{"es": "Spanish", "en": "English"}

// text checks a translated text: Spanish and English present, language
// codes that look like codes, a length limit, and no control characters
// besides line breaks and tabs (they would garble a screen).
func (v *validator) text(p path, t Text, limit int, required bool) {
	if len(t) == 0 {
		if required {
			v.report(p, `a text in Spanish ("es") and English ("en") is required`)
		}
		return
	}
	if len(t) > maxLanguages {
		v.report(p, "more than %d languages", maxLanguages)
		return
	}
	for _, lang := range []string{"es", "en"} {
		if strings.TrimSpace(t[lang]) == "" {
			v.report(p, "missing the %s text (%q)", languageNames[lang], lang)
		}
	}
	for _, lang := range slices.Sorted(maps.Keys(t)) {
		s := t[lang]
		switch {
		case !isLanguageCode(lang):
			v.report(p.field(lang), "%q is not a language code like \"es\" or \"es-MX\"", lang)
		case utf8.RuneCountInString(s) > limit:
			v.report(p.field(lang), "longer than %d characters", limit)
		case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
			v.report(p.field(lang), "contains a control character")
		}
	}
}

// plain checks an optional plain-language summary: in Spanish and
// English like every text, short, and in sentences of at most
// maxPlainSentence words. Common words cannot be checked by a program; a
// long sentence can, and is the commonest way a summary stops being plain.
func (v *validator) plain(p path, t Text) {
	if t == nil {
		return
	}
	before := len(v.problems)
	v.text(p, t, maxPlain, true)
	if len(v.problems) > before {
		return
	}
	for _, lang := range slices.Sorted(maps.Keys(t)) {
		for i, s := range Sentences(t[lang]) {
			if n := len(strings.Fields(s)); n > maxPlainSentence {
				v.report(p.field(lang), "sentence %d has %d words; plain language keeps each sentence to %d words or fewer", i+1, n, maxPlainSentence)
				break
			}
		}
	}
}

// Sentences splits text at the end of each sentence (".", "!", "?" or a
// line break), dropping empty pieces: what a plain-language summary is
// measured by, and what a reader speaks one at a time.
func Sentences(text string) []string {
	var out []string
	start := 0
	rs := []rune(text)
	for i, r := range rs {
		end := r == '\n' || ((r == '.' || r == '!' || r == '?') && (i+1 == len(rs) || unicode.IsSpace(rs[i+1])))
		if !end {
			continue
		}
		if s := strings.TrimSpace(string(rs[start : i+1])); s != "" && s != "." {
			out = append(out, s)
		}
		start = i + 1
	}
	if s := strings.TrimSpace(string(rs[start:])); s != "" {
		out = append(out, s)
	}
	return out
}

// isLanguageCode accepts the simple BCP 47 tags content uses: a 2–3 letter
// language, optionally followed by "-" and a region or script.
func isLanguageCode(s string) bool {
	lang, rest, hasRest := strings.Cut(s, "-")
	if len(lang) < 2 || len(lang) > 3 || strings.IndexFunc(lang, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return false
	}
	if !hasRest {
		return true
	}
	return len(rest) >= 2 && len(rest) <= 4 && strings.IndexFunc(rest, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0
}
