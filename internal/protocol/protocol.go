// Package protocol is the wire between a device and central: endpoint
// paths, headers, request and response bodies, error codes and the
// provisioning code. Both sides import it, so they cannot drift apart.
//
// Everything a device sends is signed with its Ed25519 key over the exact
// request body bytes (compressed, as sent), so central authenticates a
// request before it spends anything decompressing or parsing it. Every
// answer a device acts on is signed in turn by central's server key, the
// one the provisioning code's fingerprint names, and bound to the request
// it answers (answer.go), so nothing between them can forge or replay one.
package protocol

import (
	"crypto/ed25519"
	"crypto/sha256"
	"time"
)

// Endpoints.
const (
	PathEnroll    = "/api/v1/enroll"
	PathBatches   = "/api/v1/batches"
	PathCampaign  = "/api/v1/campaign"
	PathHeartbeat = "/api/v1/heartbeat"
	PathHealth    = "/api/v1/health" // for load balancers: 200 when the database answers
)

// Headers a device sets on signed requests.
const (
	HeaderDevice    = "X-Voces-Device"
	HeaderSignature = "X-Voces-Signature" // base64 std of Ed25519 over SignedMessage
)

// Limits central enforces and devices respect. A batch is sized by its
// compressed bytes; DefaultBatchBytes keeps one request to about a second
// on a 2G link.
const (
	DefaultBatchBytes   = 256 << 10
	MaxBatchBody        = 1 << 20  // compressed request body
	MaxBatchDecoded     = 8 << 20  // after gzip
	MaxBatchRecords     = 2000     // records per batch
	MaxHeartbeatBody    = 16 << 10 // heartbeats and enrollments
	MaxCampaignDocument = 4 << 20
)

// Signing domains keep a signature made for one purpose from being replayed
// as another.
const (
	domainBatch     = "voces/batch/v1\x00"
	domainHeartbeat = "voces/heartbeat/v1\x00"
	domainCampaign  = "voces/campaign/v1\x00"
)

func signed(domain, path string, body []byte) []byte {
	h := sha256.Sum256(body)
	m := make([]byte, 0, len(domain)+len(path)+1+len(h))
	m = append(m, domain...)
	m = append(m, path...)
	m = append(m, 0)
	return append(m, h[:]...)
}

// SignRequest signs a request body for the given endpoint path.
func SignRequest(key ed25519.PrivateKey, path string, body []byte) []byte {
	return ed25519.Sign(key, signed(domainFor(path), path, body))
}

// VerifyRequest checks a device's request signature.
func VerifyRequest(pub ed25519.PublicKey, path string, body, sig []byte) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, signed(domainFor(path), path, body), sig)
}

func domainFor(path string) string {
	if path == PathHeartbeat {
		return domainHeartbeat
	}
	return domainBatch
}

// SignCampaign is central's signature over campaign content.
func SignCampaign(key ed25519.PrivateKey, version int, content []byte) []byte {
	return ed25519.Sign(key, campaignMessage(version, content))
}

// VerifyCampaign checks central's signature over campaign content.
func VerifyCampaign(pub ed25519.PublicKey, version int, content, sig []byte) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, campaignMessage(version, content), sig)
}

func campaignMessage(version int, content []byte) []byte {
	h := sha256.Sum256(content)
	m := append([]byte(domainCampaign), byte(version>>24), byte(version>>16), byte(version>>8), byte(version))
	return append(m, h[:]...)
}

// EnrollRequest is what a device sends to enroll, unsigned: the one-time
// token authenticates it.
type EnrollRequest struct {
	Token      string    `json:"token"`
	DeviceKey  []byte    `json:"device_key"` // Ed25519 public key the device made
	Name       string    `json:"name"`
	Mode       string    `json:"mode"` // kiosk or canvasser
	DeviceTime time.Time `json:"device_time"`
	AppVersion string    `json:"app_version"`
}

// EnrollResponse gives the device what it needs to collect and sync.
type EnrollResponse struct {
	DeviceID   string    `json:"device_id"`
	Name       string    `json:"name"` // as central recorded it: a token may fix it
	Mode       string    `json:"mode"` // as central recorded it: a token may fix it
	CampaignID string    `json:"campaign_id"`
	SealKey    []byte    `json:"seal_key"`   // campaign X25519 public key
	DedupeKey  []byte    `json:"dedupe_key"` // HMAC key for blind signer indexes
	ServerKey  []byte    `json:"server_key"` // central's Ed25519 public key
	ServerTime time.Time `json:"server_time"`
}

// Batch is an upload of stored records, gzip-compressed on the wire.
type Batch struct {
	DeviceID string    `json:"device_id"`
	BatchID  string    `json:"batch_id"` // for logs; idempotency is per record id
	SentAt   time.Time `json:"sent_at"`
	Records  [][]byte  `json:"records"` // record.Marshal encodings (base64 in JSON)
}

// Status is central's verdict on one record.
type Status string

// Per-record outcomes.
const (
	Accepted  Status = "accepted"  // stored now
	Duplicate Status = "duplicate" // same id and same bytes already stored
	Conflict  Status = "conflict"  // same id, different bytes: kept for audit, not counted
	Rejected  Status = "rejected"  // refused; Reason says why
)

// Result is the outcome for one record of a batch, in batch order.
type Result struct {
	ID     string `json:"id,omitempty"` // empty when the record could not be decoded
	Seq    uint64 `json:"seq,omitempty"`
	Status Status `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// BatchResponse answers a batch, sent only after central's durable commit.
type BatchResponse struct {
	Results    []Result  `json:"results"`
	ServerTime time.Time `json:"server_time"`
}

// CampaignResponse carries signed campaign content. Content is the exact
// campaign JSON the signature covers.
//
// A device that sends HeaderCampaignHave may instead get a delta: From is
// the version it holds, Delta turns that version's content into this
// version's (a Fossil delta), and Content is empty. The signature is the
// same one, over the whole assembled content, so a device checks what it
// assembled exactly as it would a whole download.
type CampaignResponse struct {
	Version   int    `json:"version"`
	Content   []byte `json:"content,omitempty"`
	Signature []byte `json:"signature"`
	From      int    `json:"from,omitempty"`
	Delta     []byte `json:"delta,omitempty"`
}

// HeaderCampaignHave names the campaign version a device holds intact, so
// central may answer PathCampaign with a delta from it. Devices that do
// not send it get the whole version, as before deltas existed.
const HeaderCampaignHave = "X-Voces-Campaign-Have"

// Heartbeat is a device's health report.
type Heartbeat struct {
	DeviceID        string    `json:"device_id"`
	SentAt          time.Time `json:"sent_at"`
	Pending         int       `json:"pending"`
	OldestPending   time.Time `json:"oldest_pending,omitzero"`
	Synced          int       `json:"synced"`
	Dead            int       `json:"dead"`
	LastSeq         uint64    `json:"last_seq"`
	FreeDisk        uint64    `json:"free_disk"` // bytes
	AppVersion      string    `json:"app_version"`
	CampaignVersion int       `json:"campaign_version"`
	Mode            string    `json:"mode"`
	LastError       string    `json:"last_error,omitempty"`
}

// Error is the body of every non-2xx answer.
type Error struct {
	Code    ErrorCode `json:"error"`
	Message string    `json:"message"`
}

// ErrorCode is a stable machine-readable reason.
type ErrorCode string

// Error codes. Permanent ones stop a device's uploads until a technician
// acts; the others are retried with backoff or fixed by a smaller batch.
const (
	CodeMalformed        ErrorCode = "malformed"      // 400: bad JSON, bad gzip, bad fields
	CodeTooLarge         ErrorCode = "too_large"      // 413: body, decoded size or record count
	CodeBadSignature     ErrorCode = "bad_signature"  // 401: request signature does not verify
	CodeUnknownDevice    ErrorCode = "unknown_device" // 401: no such device
	CodeRevoked          ErrorCode = "revoked"        // 403: device revoked by an operator
	CodeBadCode          ErrorCode = "bad_code"       // 403: provisioning token unknown
	CodeCodeUsed         ErrorCode = "code_used"      // 403: provisioning token already used
	CodeCodeExpired      ErrorCode = "code_expired"   // 403: provisioning token expired
	CodeRateLimited      ErrorCode = "rate_limited"   // 429, with Retry-After
	CodeUnavailable      ErrorCode = "unavailable"    // 503, with Retry-After
	CodeInternal         ErrorCode = "internal"       // 500
	CodeUnsupported      ErrorCode = "unsupported"    // 415: wrong content type or encoding
	CodeMethodNotAllowed ErrorCode = "method_not_allowed"
)

// Permanent reports whether a device should stop uploading on this code.
func (c ErrorCode) Permanent() bool {
	switch c {
	case CodeUnknownDevice, CodeRevoked, CodeBadSignature:
		return true
	}
	return false
}

// Reasons central gives for rejecting one record (Result.Reason).
const (
	ReasonUndecodable      = "undecodable"
	ReasonWrongDevice      = "wrong_device"
	ReasonBadSignature     = "bad_signature"
	ReasonUnknownCampaign  = "unknown_campaign"
	ReasonUnknownVersion   = "unknown_campaign_version"
	ReasonUnknownSubject   = "unknown_subject"
	ReasonInvalidEnvelope  = "invalid_envelope"
	ReasonDuplicateInBatch = "duplicate_in_batch"
	// ReasonKindNotAccepted: the campaign version the record was made
	// under does not list its kind among those central accepts.
	ReasonKindNotAccepted = "kind_not_accepted"
	// ReasonProposalClosed: a support for a proposal that was already
	// closed to new supports in the campaign version the support was made
	// under. Supports made under a version where it was open are taken
	// and counted, whenever they arrive.
	ReasonProposalClosed = "proposal_closed"
)

// Reasons are every reason above, so metrics can show each one at 0
// before it first happens. A new reason belongs here too.
var Reasons = []string{
	ReasonUndecodable, ReasonWrongDevice, ReasonBadSignature, ReasonUnknownCampaign,
	ReasonUnknownVersion, ReasonUnknownSubject, ReasonInvalidEnvelope, ReasonDuplicateInBatch, ReasonKindNotAccepted,
	ReasonProposalClosed,
}

// Statuses are every per-record outcome, in the order above.
var Statuses = []Status{Accepted, Duplicate, Conflict, Rejected}
