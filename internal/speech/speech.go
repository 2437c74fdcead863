// Package speech speaks the kiosk's guidance aloud: a small Speaker
// interface, an espeak-ng implementation that plays through the system's
// audio (or writes WAV files on a device without a sound card), and a
// Recorder that tests read instead of listening.
//
// What is said is personal (a name spelled, a voter id read back), so
// nothing here logs the text of an utterance, and text reaches espeak-ng
// on its standard input, never on a command line other users can list.
package speech

import "time"

// Voice settings. Rate is espeak-ng's words per minute; Volume its
// amplitude (0 to 200, 100 is its default).
const (
	DefaultRate   = 160
	MinRate       = 80
	MaxRate       = 320
	RateStep      = 30
	DefaultVolume = 100
	MinVolume     = 20
	MaxVolume     = 200
	VolumeStep    = 30
)

// Utterance is one thing to say, in one voice.
type Utterance struct {
	Text   string
	Lang   string // "es" or "en"
	Rate   int    // words per minute
	Volume int    // amplitude, 0 to 200
}

// Speaker says utterances one after another.
type Speaker interface {
	// Say queues u after whatever is being said, and returns at once.
	Say(u Utterance)
	// Stop cuts off what is being said and drops the queue.
	Stop()
	// Forget stops, and drops anything kept of what was said (the WAV
	// files of a device without sound): the next person finds nothing.
	Forget()
}

// Event is what a Recorder saw.
type Event struct {
	At   time.Time
	Kind string // "say", "stop" or "forget"
	Utterance
}
