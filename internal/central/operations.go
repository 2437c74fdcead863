package central

import (
	"context"
	"time"
)

// The interfaces in this file are what the operator side of central (the
// dashboard, exports, the receipt check, survey aggregation) needs from a
// store, beyond Store. Both store implementations provide them; the
// conformance suite in internal/central/storetest holds them to the same
// behaviour.

// Tallier computes what operators see. Everything comes from the clear
// envelopes, except survey answers, which come from the aggregates
// SurveyAggregator keeps.
type Tallier interface {
	// Tallies counts everything central holds. now and loc decide what
	// "today" and "the last hour" mean (loc is the campaign's time zone,
	// America/Mexico_City by default). It must stay fast on millions of
	// records: it reads counters and indexes, never every row.
	Tallies(ctx context.Context, now time.Time, loc *time.Location) (*Tallies, error)
}

// Tallies is the operator's view of what came in.
type Tallies struct {
	Records      int64            `json:"records"`       // stored records (no duplicates, no conflicts)
	Today        int64            `json:"today"`         // received since local midnight
	LastHour     int64            `json:"last_hour"`     // received in the hour before now
	Duplicates   int64            `json:"duplicates"`    // arrivals of records already held
	Conflicts    int64            `json:"conflicts"`     // conflicting copies kept for audit
	ByKind       map[string]int64 `json:"by_kind"`       // every record.Kind, zero included
	ByChannel    map[string]int64 `json:"by_channel"`    // kiosk, canvasser, bundle
	ByAlcaldia   map[string]int64 `json:"by_alcaldia"`   // envelope alcaldía ("" = not given)
	ByDay        []DayCount       `json:"by_day"`        // by local day of receipt, oldest first
	Proposals    []ProposalTally  `json:"proposals"`     // one per subject with signatures
	Events       []SubjectCount   `json:"events"`        // registrations per assembly
	Articles     []SubjectCount   `json:"articles"`      // comments per article
	Survey       SurveyTally      `json:"survey"`        // aggregated answers
	SurveyClosed int64            `json:"survey_closed"` // survey responses not yet aggregated (no key, or not yet opened)
}

// DayCount is the records received on one local day.
type DayCount struct {
	Day     string `json:"day"` // YYYY-MM-DD in the campaign's time zone
	Records int64  `json:"records"`
}

// SubjectCount is how many records name one subject.
type SubjectCount struct {
	ID      string `json:"id"`
	Records int64  `json:"records"`
}

// ProposalTally is the support one proposal gathered.
type ProposalTally struct {
	ID            string           `json:"id"`
	Supports      int64            `json:"supports"`       // signature records stored
	UniqueSigners int64            `json:"unique_signers"` // distinct blind signer indexes
	Repeats       int64            `json:"repeats"`        // Supports - UniqueSigners: the same person again
	ByChannel     map[string]int64 `json:"by_channel"`     // supports by channel
	ByAlcaldia    map[string]int64 `json:"by_alcaldia"`    // supports by signer's alcaldía
	Threshold     int              `json:"threshold,omitempty"`
}

// SurveyTally aggregates survey answers per question id.
type SurveyTally struct {
	Responses int64                    `json:"responses"` // responses aggregated
	Questions map[string]QuestionTally `json:"questions"`
}

// QuestionTally is the answers to one question. Choice and alcaldía
// questions fill Options; scales fill Values with the chosen number as
// key; numbers fill Values with the number rounded to a whole, as text;
// free-text questions only count Answered (their text is personal and
// stays sealed).
type QuestionTally struct {
	Answered int64            `json:"answered"`
	Options  map[string]int64 `json:"options,omitempty"`
	Values   map[string]int64 `json:"values,omitempty"`
}

// SurveyAggregator keeps survey answers aggregated so the dashboard never
// needs the campaign private key. Central opens survey records with the key
// (when it has it) and files their answers here, once per record.
type SurveyAggregator interface {
	// UnaggregatedSurveys returns up to limit stored survey_response
	// records whose answers are not aggregated yet, oldest first, leaving
	// out quarantined ones: they never open, and trying them on every run
	// would let one device make every run slower.
	UnaggregatedSurveys(ctx context.Context, limit int) ([]StoredRecord, error)
	// AggregateSurveys adds the answers of several records and marks
	// them aggregated, all in one transaction. A record already
	// aggregated, or not held as a survey response, adds nothing. It
	// returns how many records it aggregated.
	AggregateSurveys(ctx context.Context, responses []SurveyAnswers) (int, error)
}

// SurveyAnswers is one survey response as AggregateSurveys files it: the
// QuestionTally keys each answered question counts under (question id →
// keys, one entry per answer; see SurveyKeys).
type SurveyAnswers struct {
	RecordID [16]byte
	Answers  map[string][]string
}

// StoredRecord is a record as central holds it: its exact bytes and the
// clear envelope fields central filed them under.
type StoredRecord struct {
	ID         [16]byte
	DeviceID   string
	Seq        uint64
	Kind       string
	SubjectID  string
	EventID    string
	Alcaldia   string
	Mode       string
	Channel    string
	DeviceTime time.Time
	ReceivedAt time.Time
	Receipt    string
	Data       []byte // record.Marshal encoding, body still sealed; empty once purged
	BodyState  int    // BodyUnchecked, BodyOpens, BodyQuarantined or BodyPurged
}

// RecordReader hands out stored records for exports.
type RecordReader interface {
	// EachRecord calls fn for every stored record of the given kind ("" for
	// all), in (device, seq) order, reading in pages so memory stays flat.
	EachRecord(ctx context.Context, kind string, fn func(StoredRecord) error) error
	// CountRecords counts stored records of a kind ("" for all), for
	// progress bars.
	CountRecords(ctx context.Context, kind string) (int64, error)
}

// ReceiptLookup answers the public receipt check.
type ReceiptLookup interface {
	// RecordsByReceipt returns the records with this receipt code (in
	// record.ReceiptCode form); usually one, possibly none.
	RecordsByReceipt(ctx context.Context, code string) ([]StoredRecord, error)
}

// Operator is a person who may use the dashboard.
type Operator struct {
	Name         string
	PasswordHash string // argon2id, PHC string form
	Role         Role   // what the operator may do; RoleViewer unless told
	CreatedAt    time.Time
	DisabledAt   time.Time // zero while active
}

// Session is a signed-in operator's browser session. Only the hash of the
// cookie's token is stored.
type Session struct {
	TokenHash []byte
	Operator  string
	CSRFToken string // per session; every form carries it
	Role      Role   // the operator's role as it is now (GetSession reads it on every request)
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Operators keeps dashboard accounts and sessions.
type Operators interface {
	// CreateOperator adds an account; ErrExists if the name is taken.
	CreateOperator(ctx context.Context, o Operator) error
	// SetOperatorPassword replaces an account's password hash and ends
	// its sessions, in one transaction; ErrNotFound.
	SetOperatorPassword(ctx context.Context, name, hash string) error
	// SetOperatorRole changes an account's role; its sessions carry the
	// new role from their next request. ErrNotFound.
	SetOperatorRole(ctx context.Context, name string, role Role) error
	// DisableOperator marks an account disabled at `at` (keeping the first
	// time) and ends its sessions, in one transaction; ErrNotFound.
	DisableOperator(ctx context.Context, name string, at time.Time) error
	// RemoveOperator deletes an account and its sessions; ErrNotFound.
	RemoveOperator(ctx context.Context, name string) error
	// GetOperator returns one account, or ErrNotFound.
	GetOperator(ctx context.Context, name string) (Operator, error)
	// ListOperators lists accounts by name.
	ListOperators(ctx context.Context) ([]Operator, error)
	// CreateSession stores a session.
	CreateSession(ctx context.Context, s Session) error
	// GetSession returns the session with this token hash, with its
	// operator's current role, if it has not expired at now and its
	// operator exists and is not disabled; ErrNotFound otherwise.
	GetSession(ctx context.Context, tokenHash []byte, now time.Time) (Session, error)
	// DeleteSession ends a session (sign out); no error if absent.
	DeleteSession(ctx context.Context, tokenHash []byte) error
}

// OperationsStore is everything the operator side needs.
type OperationsStore interface {
	Store
	Tallier
	SurveyAggregator
	RecordReader
	ReceiptLookup
	Operators
	AuditStore
	QuarantineStore
	CancelStore
	ARCORequestStore
	RollStore
	ModerationStore
}
