// Package record defines what a device collects: a clear envelope, a body
// sealed to the campaign's public key, and the device's signature over both.
//
// A record is written once and never edited. Its binary encoding (Marshal)
// is canonical: the outbox stores it, syncd uploads it and bundles carry it,
// byte for byte, so central can tell a duplicate (same id, same bytes) from
// a conflict (same id, different bytes).
package record

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Kind is what a record holds.
type Kind string

// The kinds of record a device makes.
const (
	KindSurvey    Kind = "survey_response"
	KindSignature Kind = "signature"
	KindEvent     Kind = "event_registration"
	KindComment   Kind = "comment"

	// Submissions: content a resident brings, for the moderation desk.
	// Central accepts them only for a campaign that lists them in its
	// kinds (campaign.Campaign.AcceptsKind).
	KindProposal      Kind = "proposal"       // a new proposal, with its author's own support
	KindEventProposal Kind = "event_proposal" // an assembly a resident or canvasser announces
)

// Kinds lists every kind, in the order screens and reports show them.
var Kinds = []Kind{KindSurvey, KindSignature, KindEvent, KindComment, KindProposal, KindEventProposal}

// SubmissionKinds are the kinds whose subject is made on the device (see
// NewSubmissionID) rather than taken from the campaign.
var SubmissionKinds = []Kind{KindProposal, KindEventProposal}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindSurvey, KindSignature, KindEvent, KindComment, KindProposal, KindEventProposal:
		return true
	}
	return false
}

// Signed reports whether records of kind k carry a person's handwritten
// signature and a signer index: supports, and a proposal's author, whose
// submission is also their own support.
func (k Kind) Signed() bool { return k == KindSignature || k == KindProposal }

// SchemaVersion is the version of the body layout this code writes.
const SchemaVersion = 1

// Collection modes: how a record was collected, kept in the clear so
// central can tally by channel without opening bodies.
const (
	ModeKiosk     = "kiosk"
	ModeCanvasser = "canvasser"
)

// Limits that keep a hostile record from costing central more than a honest
// one. A signature record is about 1–2 KB; the body limit leaves room for a
// long comment and a dense signature.
const (
	MaxBodySize   = 64 << 10
	MaxStringSize = 256
	BlindIndexLen = 32
)

// Envelope is the part of a record anyone who handles it may read. It
// carries nothing personal: the signer index is a keyed hash, and the
// alcaldía is a coarse area used for tallies.
type Envelope struct {
	ID              uuid.UUID // UUIDv7, made on the device
	DeviceID        string    // assigned by central at enrollment
	Seq             uint64    // gap-free per device, from 1
	Kind            Kind      // what the body holds
	CampaignID      string    // campaign the record answers
	CampaignVersion int       // campaign content version shown to the person
	SubjectID       string    // proposal, event or article; survey id for surveys
	DeviceTime      time.Time // device clock, millisecond precision; may be wrong
	SchemaVersion   int       // body layout version
	Mode            string    // ModeKiosk or ModeCanvasser
	EventID         string    // assembly where a canvasser collected it, if any
	Alcaldia        string    // alcaldía id given by the person, if any
	SignerIndex     []byte    // signatures only: BlindIndex of voter id and subject
}

// Record is one piece of citizen input as it travels: envelope, sealed body
// and the device's Ed25519 signature.
type Record struct {
	Envelope
	Body []byte // box.SealAnonymous of the compressed body
	Sig  []byte // ed25519 over SigningMessage
}

// ErrInvalid is matched by every envelope or encoding problem.
var ErrInvalid = errors.New("invalid record")

// CheckEnvelope checks the envelope fields that must hold for any record,
// whoever made it. It does not know the campaign; see Draft.Validate.
func (e *Envelope) CheckEnvelope() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	switch {
	case e.ID.Version() != 7 || e.ID.Variant() != uuid.RFC4122:
		return bad("id %s is not a UUIDv7", e.ID)
	case e.DeviceID == "":
		return bad("no device id")
	case e.Seq == 0:
		return bad("sequence number must start at 1")
	case !e.Kind.Valid():
		return bad("unknown kind %q", e.Kind)
	case e.CampaignID == "":
		return bad("no campaign id")
	case e.CampaignVersion < 1:
		return bad("campaign version %d", e.CampaignVersion)
	case e.SubjectID == "":
		return bad("no subject id")
	case e.SchemaVersion != SchemaVersion:
		return bad("schema version %d is not supported", e.SchemaVersion)
	case e.Mode != ModeKiosk && e.Mode != ModeCanvasser:
		return bad("unknown mode %q", e.Mode)
	case e.Kind.Signed() && len(e.SignerIndex) != BlindIndexLen:
		return bad("a %s needs a %d-byte signer index", e.Kind, BlindIndexLen)
	case !e.Kind.Signed() && len(e.SignerIndex) != 0:
		return bad("only signatures and proposals carry a signer index")
	}
	// An array, not a map: this runs for every record central receives.
	for _, f := range [...]struct{ name, s string }{{"device id", e.DeviceID}, {"campaign id", e.CampaignID},
		{"subject id", e.SubjectID}, {"event id", e.EventID}, {"alcaldía", e.Alcaldia}} {
		if len(f.s) > MaxStringSize {
			return bad("%s longer than %d bytes", f.name, MaxStringSize)
		}
	}
	return nil
}
