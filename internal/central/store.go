package central

import (
	"context"
	"time"

	"github.com/voces-cdmx/voces/internal/protocol"
)

// Store is central's database. Every method is one transaction of its own,
// so a backend never leaks a transaction to its caller, and a method that
// returns nil has committed durably.
//
// Implementations must be safe for concurrent use, including by several
// processes on the same database (the CLI next to a running server, or
// several ingest nodes in front of one PostgreSQL).
type Store interface {
	// CreateToken stores a provisioning token.
	CreateToken(ctx context.Context, t Token) error
	// Enroll consumes the token with tokenHash and creates d, atomically:
	// a token enrolls at most one device, however many requests race for it.
	// A token's Mode and Name, when set, replace d's. It returns
	// ErrBadCode, ErrCodeUsed or ErrCodeExpired (judged at now) when the
	// token cannot be used, except that a used token presented again with
	// the same public key returns the device it enrolled, so a device whose
	// enrollment answer was lost can ask again.
	Enroll(ctx context.Context, tokenHash []byte, d Device, now time.Time) (Device, error)
	// Device returns one device, or ErrNotFound.
	Device(ctx context.Context, id string) (Device, error)
	// Devices lists every device with its progress, by enrollment time.
	Devices(ctx context.Context) ([]DeviceInfo, error)
	// RevokeDevice marks a device revoked at the given time; revoking twice
	// keeps the first time. ErrNotFound if there is no such device.
	RevokeDevice(ctx context.Context, id string, at time.Time) error
	// SaveHeartbeat keeps a device's latest health and marks it seen. The
	// highest LastSeq a device ever reported is kept for gap reports.
	SaveHeartbeat(ctx context.Context, deviceID string, hb protocol.Heartbeat, at time.Time) error

	// Campaigns returns every published version, oldest first.
	Campaigns(ctx context.Context) ([]PublishedCampaign, error)
	// LatestCampaignVersion returns the newest published version, 0 if none.
	LatestCampaignVersion(ctx context.Context) (int, error)
	// PublishCampaign stores a new version; ErrVersionExists if its number
	// is taken.
	PublishCampaign(ctx context.Context, c PublishedCampaign) error

	// Ingest files the records of several batches in one transaction, in
	// order, keyed by record id: a new id is stored (Accepted), a known id
	// with the same hash is Duplicate and counted as such, a known id with
	// another hash is Conflict and the copy is kept for audit, once per
	// distinct copy. It marks each batch's device seen at `at`. The result
	// has one status per record, shaped like batches.
	Ingest(ctx context.Context, at time.Time, batches []IngestBatch) ([][]protocol.Status, error)

	// SignerCounts returns each proposal's unique signers (distinct blind
	// signer indexes), for proposals that have any. It reads one counter
	// row per proposal, whatever the number of records.
	SignerCounts(ctx context.Context) (map[string]int64, error)
	// RecordCrossings stores the crossings it is given that are not stored
	// yet; a stored crossing keeps its first time and count.
	RecordCrossings(ctx context.Context, cs []Crossing) error
	// Crossings returns every stored crossing, oldest first, then by
	// proposal and tier.
	Crossings(ctx context.Context) ([]Crossing, error)
	// SaveResponse stores the response to a proposal's tier, replacing
	// the one stored before for the same proposal and tier.
	SaveResponse(ctx context.Context, r StoredResponse) error
	// Responses returns every stored response by proposal, then tier.
	Responses(ctx context.Context) ([]StoredResponse, error)

	// DraftStore keeps the campaign draft operators edit (drafts.go).
	DraftStore

	// Stats counts what central holds. Proposals lists only subjects with
	// signatures; Summarize adds the campaign's other proposals.
	Stats(ctx context.Context) (*Stats, error)

	// Close releases the database.
	Close() error
}

// Crossing is the moment central first saw a proposal's unique signers at
// or above one of its tiers.
type Crossing struct {
	Proposal string    `json:"proposal"`
	Tier     string    `json:"tier"`
	Signers  int64     `json:"signers"` // unique signers when it was seen
	At       time.Time `json:"at"`
}

// StoredResponse is the Drafting Group's response to a proposal's tier as
// the store keeps it: Content is its campaign.Response JSON, which the
// store does not read.
type StoredResponse struct {
	Proposal   string
	Tier       string
	Content    []byte
	RecordedAt time.Time
	RecordedBy string // the operator who recorded it
}
