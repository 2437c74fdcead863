package speech

import (
	"sync"
	"time"
)

// Recorder is a Speaker for tests: it keeps every call, in order, with
// the time on its clock. Say counts as the start of speech.
type Recorder struct {
	mu     sync.Mutex
	events []Event

	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

var _ Speaker = (*Recorder)(nil)

func (r *Recorder) add(kind string, u Utterance) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	r.events = append(r.events, Event{At: now(), Kind: kind, Utterance: u})
}

// Say records u.
func (r *Recorder) Say(u Utterance) { r.add("say", u) }

// Stop records a stop.
func (r *Recorder) Stop() { r.add("stop", Utterance{}) }

// Forget records a forget.
func (r *Recorder) Forget() { r.add("forget", Utterance{}) }

// Events returns every call so far.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Said returns the texts said since the last stop or forget: what a
// listener would be hearing or about to hear.
func (r *Recorder) Said() []string {
	var out []string
	for _, e := range r.Events() {
		if e.Kind != "say" {
			out = nil
			continue
		}
		out = append(out, e.Text)
	}
	return out
}

// Reset forgets what was recorded, so a test can look at what one action
// says.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = nil
}
