package ui

import (
	"fmt"

	"github.com/voces-cdmx/voces/internal/record"
)

// A flow is one thing a person does at the kiosk that ends in a record:
// answering the survey, supporting a proposal (at the kiosk, or as a
// canvasser's attendee), registering for an assembly, commenting on a
// draft article. It is an ordered list of steps, the draft those steps fill
// in, and a submit that turns the draft into a record.
//
// Each step is built from its place in the flow (a stepAt): back, next and
// the "step n of N" kicker come from that place, so no step names its
// neighbours and the order lives in the list alone. Back from the first
// step leaves the flow through exit; next on the last step submits through
// the kiosk's one save path (save.go), which validates and stores the
// record, or hands back a problem for the person to fix. Once the record
// is stored (or refused as a duplicate) the flow wipes its draft and shows
// where the person goes next.
//
// Adding a flow, say "propose", is three things and touches no other flow:
//
//  1. a draft type holding the person's input, with wipe (which must leave
//     nothing of them) and dirty (is there anything "start over" should ask
//     before losing); it is a field of session, listed in session.drafts;
//  2. a constructor returning the flow with its steps in order, made of the
//     step types of steps.go (text, alcaldía, consent, review) or its own;
//  3. its submit, building the record.Draft from the draft.
type flow struct {
	k       *Kiosk
	kicker  string // message id of "step %d of %d"
	counted int    // how many steps, from the first, the kicker counts; 0 for all
	steps   []func(at stepAt) screen
	draft   draft

	// exit is where back from the first step goes.
	exit func()
	// submit builds the record the draft makes; an error is one the
	// person can fix.
	submit func() (*record.Draft, error)
	// saved shows where the person goes once the record is stored and the
	// draft wiped; nil shows the receipt.
	saved func(*record.Record)
	// duplicate shows where the person goes once the outbox says they had
	// already signed; it runs just before the draft is wiped, so it can
	// name what was refused. Only signatures can be duplicates.
	duplicate func()

	// submitEach, set instead of submit, builds one record per subject
	// from one pass through the steps (a canvasser's attendee supporting
	// several proposals with one signature). Each is saved on its own, so
	// a duplicate on one loses none of the others; savedEach then gets the
	// records stored and the subjects refused as duplicates, after the
	// draft is wiped. When every one is a duplicate the flow ends through
	// duplicate instead.
	submitEach func() ([]*record.Draft, error)
	savedEach  func(stored []*record.Record, duplicates []string)

	// fixing is set while the person fixes one answer from the review:
	// next and back on that step return to the review.
	fixing bool
}

// draft is the input one flow collects from one person.
type draft interface {
	// wipe overwrites everything the person gave, so that whatever still
	// points at the draft finds nothing in it.
	wipe()
	// dirty reports whether the person has given anything leaving would
	// lose.
	dirty() bool
}

// step builds step i at its place.
func (f *flow) step(i int) screen { return f.steps[i](stepAt{f: f, i: i}) }

// show puts step i on screen.
func (f *flow) show(i int) { f.k.show(f.step(i)) }

// start shows the first step.
func (f *flow) start() { f.show(0) }

// last is the index of the last step.
func (f *flow) last() int { return len(f.steps) - 1 }

// stored ends the flow after its record was saved: the draft is wiped
// before the next screen is built.
func (f *flow) stored(r *record.Record) {
	f.draft.wipe()
	if f.saved != nil {
		f.saved(r)
		return
	}
	f.k.showReceipt(r)
}

// storedEach ends a submitEach flow once each of its records was saved or
// refused as a duplicate.
func (f *flow) storedEach(stored []*record.Record, duplicates []string) {
	if len(stored) == 0 {
		f.refused()
		return
	}
	f.draft.wipe()
	f.savedEach(stored, duplicates)
}

// refused ends the flow for a person who had already signed.
func (f *flow) refused() {
	if f.duplicate != nil {
		f.duplicate()
	}
	f.draft.wipe()
}

// stepAt is a step's place in its flow.
type stepAt struct {
	f *flow
	i int
}

// kicker is "step n of N", in the language on screen.
func (at stepAt) kicker() string {
	n := at.f.counted
	if n == 0 {
		n = len(at.f.steps)
	}
	return at.f.k.F(at.f.kicker, at.i+1, n)
}

// isLast reports whether next on this step submits.
func (at stepAt) isLast() bool { return at.i == at.f.last() }

// edit shows the step of kind to fix its answer from the review, which
// its next and back return to.
func (f *flow) edit(kind screenKind) {
	for i := range f.steps {
		if s := f.step(i); s.kind() == kind {
			f.fixing = true
			f.k.show(s)
			return
		}
	}
	panic(fmt.Sprintf("flow has no %s step", kind))
}

// back shows the step before, or leaves the flow from the first; while an
// answer is being fixed from the review, it goes back to the review.
func (at stepAt) back() {
	switch {
	case at.isLast():
		at.f.fixing = false
	case at.f.fixing:
		at.f.show(at.f.last())
		return
	}
	if at.i == 0 {
		at.f.exit()
		return
	}
	at.f.show(at.i - 1)
}

// next shows the step after (the review, while fixing an answer from it);
// on the last step it submits the draft, and returns the problem the
// person can fix, if any.
func (at stepAt) next() error {
	switch {
	case at.isLast():
		return at.f.k.save(at.f)
	case at.f.fixing:
		at.f.show(at.f.last())
	default:
		at.f.show(at.i + 1)
	}
	return nil
}

// stepOf builds the step shown as kind, for the tour and tests, which show
// a step by what it is rather than by its place.
func (f *flow) stepOf(kind screenKind) screen {
	for i := range f.steps {
		if s := f.step(i); s.kind() == kind {
			return s
		}
	}
	panic(fmt.Sprintf("flow has no %s step", kind))
}
