package central

import (
	"slices"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/record"
)

// TallyBuilder assembles Tallies from a store's counter rows. Both stores
// keep the same counters (records per subject, distinct signers per
// proposal, records per quarter hour, survey answer counts) and feed them
// here, so the arithmetic is written once.
type TallyBuilder struct {
	T *Tallies // fields the store fills directly: Duplicates, Conflicts, LastHour, Survey.Responses

	now       time.Time
	loc       *time.Location
	midnight  int64 // unix ms of local midnight
	proposals map[string]*ProposalTally
	events    map[string]int64
	articles  map[string]int64
	days      map[string]int64
}

// NewTallyBuilder starts empty tallies for the given moment and time zone
// (UTC when loc is nil), with every kind and channel present at zero.
func NewTallyBuilder(now time.Time, loc *time.Location) *TallyBuilder {
	if loc == nil {
		loc = time.UTC
	}
	t := &Tallies{
		ByKind:     map[string]int64{},
		ByChannel:  map[string]int64{},
		ByAlcaldia: map[string]int64{},
		ByDay:      []DayCount{},
		Proposals:  []ProposalTally{},
		Events:     []SubjectCount{},
		Articles:   []SubjectCount{},
		Survey:     SurveyTally{Questions: map[string]QuestionTally{}},
	}
	for _, k := range record.Kinds {
		t.ByKind[string(k)] = 0
	}
	for _, c := range []string{ChannelKiosk, ChannelCanvasser, ChannelBundle} {
		t.ByChannel[c] = 0
	}
	l := now.In(loc)
	midnight := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	return &TallyBuilder{
		T: t, now: now, loc: loc, midnight: midnight.UnixMilli(),
		proposals: map[string]*ProposalTally{},
		events:    map[string]int64{}, articles: map[string]int64{}, days: map[string]int64{},
	}
}

// Subject adds n records of one kind, subject, channel and alcaldía.
func (b *TallyBuilder) Subject(kind, subject, channel, alcaldia string, n int64) {
	t := b.T
	t.Records += n
	t.ByKind[kind] += n
	t.ByChannel[channel] += n
	t.ByAlcaldia[alcaldia] += n
	switch record.Kind(kind) {
	case record.KindSignature:
		p := b.proposal(subject)
		p.Supports += n
		p.ByChannel[channel] += n
		p.ByAlcaldia[alcaldia] += n
	case record.KindEvent:
		b.events[subject] += n
	case record.KindComment:
		b.articles[subject] += n
	}
}

// AuthorSupports adds n supports of a proposal by the authors of the
// submissions published as it or merged into it: an author's own support
// counts like a signature (among the unique signers too, where the store
// counted it once). Call it after Subject rows, before Signers.
func (b *TallyBuilder) AuthorSupports(subject, channel, alcaldia string, n int64) {
	p := b.proposal(subject)
	p.Supports += n
	p.ByChannel[channel] += n
	p.ByAlcaldia[alcaldia] += n
}

func (b *TallyBuilder) proposal(subject string) *ProposalTally {
	p := b.proposals[subject]
	if p == nil {
		p = &ProposalTally{ID: subject, ByChannel: map[string]int64{}, ByAlcaldia: map[string]int64{}}
		b.proposals[subject] = p
	}
	return p
}

// Signers sets a proposal's distinct signers. Call it after Subject rows.
func (b *TallyBuilder) Signers(subject string, n int64) {
	if p := b.proposals[subject]; p != nil {
		p.UniqueSigners = n
	}
}

// Received adds n records received in the period starting at startMS
// (unix ms): to their local day, and to today when it started since local
// midnight.
func (b *TallyBuilder) Received(startMS, n int64) {
	b.days[time.UnixMilli(startMS).In(b.loc).Format(time.DateOnly)] += n
	if startMS >= b.midnight && startMS <= b.now.UnixMilli() {
		b.T.Today += n
	}
}

// LastHourMinutes is the inclusive range of minute buckets (unix ms / 60,000)
// that make "the hour before now", to the minute: the bucket holding now
// and the 59 before it.
func LastHourMinutes(now time.Time) (from, to int64) {
	to = now.UnixMilli() / 60000
	return to - 59, to
}

// Survey adds n answers to question q under bucket and key, as
// AggregateSurveys filed them.
func (b *TallyBuilder) Survey(q, bucket, key string, n int64) {
	st := &b.T.Survey
	qt := st.Questions[q]
	switch bucket {
	case "":
		qt.Answered += n
	case SurveyBucketValues:
		if qt.Values == nil {
			qt.Values = map[string]int64{}
		}
		qt.Values[key] += n
	default:
		if qt.Options == nil {
			qt.Options = map[string]int64{}
		}
		qt.Options[key] += n
	}
	st.Questions[q] = qt
}

// Finish orders everything and derives what follows from the counts.
func (b *TallyBuilder) Finish() *Tallies {
	t := b.T
	for _, p := range b.proposals {
		p.Repeats = p.Supports - p.UniqueSigners
		t.Proposals = append(t.Proposals, *p)
	}
	slices.SortFunc(t.Proposals, func(a, b ProposalTally) int { return strings.Compare(a.ID, b.ID) })
	t.Events = subjectCounts(b.events)
	t.Articles = subjectCounts(b.articles)
	t.ByDay = make([]DayCount, 0, len(b.days))
	for d, n := range b.days {
		t.ByDay = append(t.ByDay, DayCount{Day: d, Records: n})
	}
	slices.SortFunc(t.ByDay, func(a, b DayCount) int { return strings.Compare(a.Day, b.Day) })
	t.SurveyClosed = t.ByKind[string(record.KindSurvey)] - t.Survey.Responses
	return t
}

func subjectCounts(m map[string]int64) []SubjectCount {
	out := make([]SubjectCount, 0, len(m))
	for id, n := range m {
		out = append(out, SubjectCount{ID: id, Records: n})
	}
	slices.SortFunc(out, func(a, b SubjectCount) int { return strings.Compare(a.ID, b.ID) })
	return out
}
