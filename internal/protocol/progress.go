package protocol

import (
	"crypto/ed25519"
	"crypto/sha256"
	"time"
)

// PathProgress serves central's signed city-wide progress document. It is
// an endpoint of its own rather than part of the heartbeat's answer so
// that a poll costs a 304 of a few bytes when nothing changed (ETag and
// If-None-Match, like the campaign), devices may poll it more often than
// they report health, and a device that only reads (a kiosk behind
// another device's uplink) needs no signed request to get it.
const PathProgress = "/api/v1/progress"

// MaxProgressDocument bounds what a device reads from PathProgress: well
// above the document for the campaign limit of proposals.
const MaxProgressDocument = 512 << 10

// The answer to PathProgress is the document itself, signed in
// HeaderAnswerSignature under a domain of its own (not bound to a
// request: anyone may fetch it, and its Serial is what refuses a replay).
const domainProgress = "voces/progress/v1\x00"

// Progress is central's city-wide count of each proposal's unique
// signers. Serial grows with every new document central issues, so a
// device refuses one older than what it holds (a replay).
type Progress struct {
	CampaignID      string             `json:"campaign_id"`
	CampaignVersion int                `json:"campaign_version"` // the version whose tiers placed the proposals
	Serial          uint64             `json:"serial"`
	CountedAt       time.Time          `json:"counted_at"`
	Proposals       []ProposalProgress `json:"proposals"` // in campaign order; those without signers are left out
}

// ProposalProgress is one proposal's standing city-wide.
type ProposalProgress struct {
	ID      string `json:"id"`
	Signers int64  `json:"signers"`        // unique signers (blind signer indexes)
	Tier    int    `json:"tier,omitempty"` // tiers crossed: 0 none, 1 the first (a written answer), ...
}

// Signers returns the proposal's signers in the document, 0 if absent.
func (p *Progress) Signers(id string) int64 {
	for _, pp := range p.Proposals {
		if pp.ID == id {
			return pp.Signers
		}
	}
	return 0
}

// SignProgress is central's signature over a progress document's exact
// bytes.
func SignProgress(key ed25519.PrivateKey, doc []byte) []byte {
	return ed25519.Sign(key, progressMessage(doc))
}

// VerifyProgress checks central's signature over a progress document.
func VerifyProgress(pub ed25519.PublicKey, doc, sig []byte) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, progressMessage(doc), sig)
}

func progressMessage(doc []byte) []byte {
	h := sha256.Sum256(doc)
	return append([]byte(domainProgress), h[:]...)
}
