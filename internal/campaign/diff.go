package campaign

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"
)

// A Change is one difference between two versions of a campaign, as an
// operator reads it before publishing or in the version history: what
// (Kind and ID), what happened to it (Op), its title, and for a change
// the fields that differ with their old and new values.
type Change struct {
	Kind   ChangeKind
	ID     string // the item's id; "" for the campaign's own texts and the privacy notice
	Op     ChangeOp
	Title  Text // the item's title in the newer version (the older one when removed)
	Fields []FieldChange
}

// FieldChange is one field that differs. Values that are not texts
// (a theme id, a date) are given as the same string in every language,
// so a page shows every field the same way.
type FieldChange struct {
	Field    string // the JSON field name, e.g. "summary", "starts"
	Old, New Text   // nil when the field was empty
}

// ChangeKind is what changed.
type ChangeKind string

// What a Change is about.
const (
	KindCampaign ChangeKind = "campaign" // title, subtitle, voter id types, tiers, record kinds
	KindPrivacy  ChangeKind = "privacy"
	KindTheme    ChangeKind = "theme"
	KindSurvey   ChangeKind = "survey"
	KindQuestion ChangeKind = "question"
	KindProposal ChangeKind = "proposal"
	KindResponse ChangeKind = "response" // ID is "proposal/tier"
	KindEvent    ChangeKind = "event"
	KindArticle  ChangeKind = "article"
)

// ChangeOp is what happened to the item.
type ChangeOp string

// What happened.
const (
	OpAdded    ChangeOp = "added"
	OpRemoved  ChangeOp = "removed"
	OpChanged  ChangeOp = "changed"
	OpClosed   ChangeOp = "closed"   // a proposal closed to new supports
	OpReopened ChangeOp = "reopened" // a closed proposal opened again
)

// Diff lists what changed from old to new, in the order a reader checks
// a version: the campaign's own texts, the privacy notice, themes, the
// survey, proposals (with their responses), events, articles; inside each
// list, in the newer version's order, removed items after. Version numbers
// are not a change. old may be nil: everything in new is added.
func Diff(old, new *Campaign) []Change {
	if old == nil {
		old = &Campaign{}
	}
	var d differ
	d.fields(KindCampaign, "", new.Title, []fieldPair{
		{"title", old.Title, new.Title},
		{"subtitle", old.Subtitle, new.Subtitle},
		{"id_types", plain(strings.Join(old.IDTypes, ", ")), plain(strings.Join(new.IDTypes, ", "))},
		{"tiers", tiersText(old.Tiers), tiersText(new.Tiers)},
		{"kinds", plain(strings.Join(old.Kinds, ", ")), plain(strings.Join(new.Kinds, ", "))},
	})
	d.fields(KindPrivacy, "", nil, []fieldPair{
		{"version", plain(old.Privacy.Version), plain(new.Privacy.Version)},
		{"text", old.Privacy.Text, new.Privacy.Text},
	})
	list(&d, KindTheme, old.Themes, new.Themes, func(t Theme) string { return t.ID }, func(t Theme) Text { return t.Label },
		func(a, b Theme) []fieldPair { return []fieldPair{{"label", a.Label, b.Label}} })
	d.fields(KindSurvey, old.Survey.ID, new.Survey.Title, []fieldPair{
		{"title", old.Survey.Title, new.Survey.Title},
		{"intro", old.Survey.Intro, new.Survey.Intro},
	})
	list(&d, KindQuestion, old.Survey.Questions, new.Survey.Questions, func(q Question) string { return q.ID },
		func(q Question) Text { return q.Prompt }, questionFields)
	d.proposals(old, new)
	list(&d, KindEvent, old.Events, new.Events, func(e Event) string { return e.ID }, func(e Event) Text { return e.Title },
		func(a, b Event) []fieldPair {
			return []fieldPair{
				{"title", a.Title, b.Title},
				{"place", a.Place, b.Place},
				{"alcaldia", plain(a.Alcaldia), plain(b.Alcaldia)},
				{"starts", timeText(a.Starts), timeText(b.Starts)},
				{"ends", timeText(a.Ends), timeText(b.Ends)},
				{"proposals", plain(strings.Join(a.Proposals, ", ")), plain(strings.Join(b.Proposals, ", "))},
			}
		})
	list(&d, KindArticle, old.Articles, new.Articles, func(a Article) string { return a.ID }, func(a Article) Text { return a.Title },
		func(a, b Article) []fieldPair {
			return []fieldPair{{"number", plain(a.Number), plain(b.Number)}, {"title", a.Title, b.Title}, {"text", a.Text, b.Text}, {"plain", a.Plain, b.Plain}}
		})
	return d.changes
}

type differ struct {
	changes []Change
}

type fieldPair struct {
	field    string
	old, new Text
}

// fields adds a Change for the fields that differ, if any.
func (d *differ) fields(kind ChangeKind, id string, title Text, pairs []fieldPair) {
	if fs := changedFields(pairs); fs != nil {
		d.changes = append(d.changes, Change{Kind: kind, ID: id, Op: OpChanged, Title: title, Fields: fs})
	}
}

func changedFields(pairs []fieldPair) []FieldChange {
	var out []FieldChange
	for _, p := range pairs {
		if !sameText(p.old, p.new) {
			out = append(out, FieldChange{Field: p.field, Old: p.old, New: p.new})
		}
	}
	return out
}

// list compares two lists of items by id.
func list[T any](d *differ, kind ChangeKind, old, new []T, id func(T) string, title func(T) Text, fields func(a, b T) []fieldPair) {
	before := make(map[string]T, len(old))
	for _, o := range old {
		before[id(o)] = o
	}
	now := make(map[string]bool, len(new))
	for _, n := range new {
		now[id(n)] = true
		o, ok := before[id(n)]
		if !ok {
			d.changes = append(d.changes, Change{Kind: kind, ID: id(n), Op: OpAdded, Title: title(n)})
			continue
		}
		d.fields(kind, id(n), title(n), fields(o, n))
	}
	for _, o := range old {
		if !now[id(o)] {
			d.changes = append(d.changes, Change{Kind: kind, ID: id(o), Op: OpRemoved, Title: title(o)})
		}
	}
}

func (d *differ) proposals(old, new *Campaign) {
	before := make(map[string]*Proposal, len(old.Proposals))
	for i := range old.Proposals {
		before[old.Proposals[i].ID] = &old.Proposals[i]
	}
	for i := range new.Proposals {
		n := &new.Proposals[i]
		o := before[n.ID]
		switch {
		case o == nil:
			d.changes = append(d.changes, Change{Kind: KindProposal, ID: n.ID, Op: OpAdded, Title: n.Title})
		case !o.Closed && n.Closed:
			d.changes = append(d.changes, Change{Kind: KindProposal, ID: n.ID, Op: OpClosed, Title: n.Title})
		case o.Closed && !n.Closed:
			d.changes = append(d.changes, Change{Kind: KindProposal, ID: n.ID, Op: OpReopened, Title: n.Title})
		}
		if o == nil {
			o = &Proposal{}
		} else {
			d.fields(KindProposal, n.ID, n.Title, []fieldPair{
				{"title", o.Title, n.Title},
				{"summary", o.Summary, n.Summary},
				{"plain", o.Plain, n.Plain},
				{"theme", plain(o.Theme), plain(n.Theme)},
				{"alcaldia", plain(o.Alcaldia), plain(n.Alcaldia)},
				{"tiers", tiersText(old.TiersOf(o)), tiersText(new.TiersOf(n))},
			})
		}
		for _, r := range n.Responses {
			id := n.ID + "/" + r.Tier
			was := o.Response(r.Tier)
			switch {
			case was == nil:
				d.changes = append(d.changes, Change{Kind: KindResponse, ID: id, Op: OpAdded, Title: n.Title, Fields: responseFields(&Response{}, &r)})
			default:
				if fs := responseFields(was, &r); fs != nil {
					d.changes = append(d.changes, Change{Kind: KindResponse, ID: id, Op: OpChanged, Title: n.Title, Fields: fs})
				}
			}
		}
	}
	now := make(map[string]bool, len(new.Proposals))
	for _, p := range new.Proposals {
		now[p.ID] = true
	}
	for _, o := range old.Proposals {
		if !now[o.ID] {
			d.changes = append(d.changes, Change{Kind: KindProposal, ID: o.ID, Op: OpRemoved, Title: o.Title})
		}
	}
}

func responseFields(a, b *Response) []FieldChange {
	return changedFields([]fieldPair{
		{"date", timeText(a.Date), timeText(b.Date)},
		{"text", a.Text, b.Text},
		{"signed_by", plain(a.SignedBy), plain(b.SignedBy)},
		{"place", a.Place, b.Place},
		{"minute", a.Minute, b.Minute},
	})
}

func questionFields(a, b Question) []fieldPair {
	opts := func(q Question) Text {
		t := Text{}
		for _, o := range q.Options {
			for lang, s := range o.Label {
				if t[lang] != "" {
					t[lang] += " · "
				}
				t[lang] += s
			}
		}
		return t
	}
	return []fieldPair{
		{"type", plain(string(a.Type)), plain(string(b.Type))},
		{"required", plain(strconv.FormatBool(a.Required)), plain(strconv.FormatBool(b.Required))},
		{"prompt", a.Prompt, b.Prompt},
		{"help", a.Help, b.Help},
		{"options", opts(a), opts(b)},
		{"min", plain(strconv.Itoa(a.Min)), plain(strconv.Itoa(b.Min))},
		{"max", plain(strconv.Itoa(a.Max)), plain(strconv.Itoa(b.Max))},
		{"max_length", plain(strconv.Itoa(a.MaxLength)), plain(strconv.Itoa(b.MaxLength))},
		{"min_label", a.MinLabel, b.MinLabel},
		{"max_label", a.MaxLabel, b.MaxLabel},
	}
}

// plain is a value that is the same in every language; nil when empty.
func plain(s string) Text {
	if s == "" {
		return nil
	}
	return Text{"es": s, "en": s}
}

func timeText(t time.Time) Text {
	if t.IsZero() {
		return nil
	}
	return plain(t.Format("2006-01-02 15:04 -07:00"))
}

// tiersText says a ladder in each language: "5000: una respuesta…; 10000: …".
func tiersText(ts []Tier) Text {
	if len(ts) == 0 {
		return nil
	}
	out := Text{}
	for _, lang := range []string{"es", "en"} {
		parts := make([]string, len(ts))
		for i, t := range ts {
			parts[i] = fmt.Sprintf("%d: %s", t.Signers, t.Earns.Get(lang))
		}
		out[lang] = strings.Join(parts, "; ")
	}
	return out
}

// sameText compares two texts, an empty one equal to nil.
func sameText(a, b Text) bool {
	clean := func(t Text) map[string]string {
		m := map[string]string{}
		for k, v := range t {
			if v != "" {
				m[k] = v
			}
		}
		return m
	}
	return maps.Equal(clean(a), clean(b))
}

// String is the change in English, one line, for logs and the command
// line; the dashboard words it in the operator's language.
func (c Change) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", c.Kind, c.Op)
	if c.ID != "" {
		fmt.Fprintf(&b, " %s", c.ID)
	}
	if t := c.Title.Get("en"); t != "" {
		fmt.Fprintf(&b, " %q", t)
	}
	if len(c.Fields) > 0 {
		names := make([]string, len(c.Fields))
		for i, f := range c.Fields {
			names[i] = f.Field
		}
		fmt.Fprintf(&b, ": %s", strings.Join(names, ", "))
	}
	return b.String()
}
