package central

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os/user"
	"time"
)

// The audit log is append-only and chained: each entry's hash is SHA-256
// over the previous entry's hash and the entry's canonical bytes, so
// editing, deleting or reordering any entry breaks every hash after it.
// Someone who can write the database could recompute the whole chain, so
// every AuditCheckpointEvery entries (and on demand) central signs the
// newest hash with its server key, which the database does not hold.

// Audit actions. Later features add theirs here and call Audit.
const (
	AuditSignIn           = "sign-in"
	AuditSignInFailed     = "sign-in-failed"
	AuditSignOut          = "sign-out"
	AuditExport           = "export"
	AuditImport           = "import"
	AuditRevoke           = "revoke"
	AuditToken            = "token"
	AuditOperatorAdded    = "operator-added"
	AuditOperatorRole     = "operator-role"
	AuditOperatorDisabled = "operator-disabled"
	AuditOperatorRemoved  = "operator-removed"
	AuditPassword         = "password-changed"
	AuditPurge            = "purge"
	AuditRollImport       = "roll-import"
	AuditCheckpointMade   = "checkpoint"
	AuditDraftSaved       = "draft-saved"    // a campaign draft started, edited, rebased or discarded
	AuditPublish          = "publish"        // a campaign version published from the dashboard
	AuditResponse         = "response-saved" // the Drafting Group's response to a proposal recorded
)

// AuditCheckpointEvery is how many entries pass between signed checkpoints.
const AuditCheckpointEvery = 100

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Seq      int64             // 1, 2, 3… with no gaps
	At       time.Time         // when, to the millisecond
	Actor    string            // operator name, or "command line (USER)"
	Action   string            // one of the Audit* actions
	Details  map[string]string // what, how many; never personal data
	PrevHash []byte            // the previous entry's Hash; 32 zero bytes for the first
	Hash     []byte            // SHA-256(PrevHash ‖ CanonicalBytes)
}

// AuditCheckpoint is a signed statement that the chain up to Seq ends in
// Hash.
type AuditCheckpoint struct {
	Seq       int64
	Hash      []byte
	At        time.Time
	Signature []byte // Ed25519 by the server key over checkpointMessage
}

// AuditStore keeps the audit log. Stores only write and read rows; the
// hashes and signatures are made and checked here.
type AuditStore interface {
	// AppendAudit appends one entry. In one transaction, serialised
	// against every other append on the same database (other processes
	// and nodes included), it reads the last entry (the zero AuditEntry
	// when the log is empty), calls seal with it and stores the entry
	// seal returns.
	AppendAudit(ctx context.Context, seal func(last AuditEntry) (AuditEntry, error)) (AuditEntry, error)
	// EachAudit calls fn for every entry by ascending Seq.
	EachAudit(ctx context.Context, fn func(AuditEntry) error) error
	// AuditPage returns up to limit entries with Seq < before (every
	// entry when before is 0), newest first.
	AuditPage(ctx context.Context, before int64, limit int) ([]AuditEntry, error)
	// SaveAuditCheckpoint stores a checkpoint; a second one for the same
	// Seq is ignored.
	SaveAuditCheckpoint(ctx context.Context, c AuditCheckpoint) error
	// AuditCheckpoints lists checkpoints by ascending Seq.
	AuditCheckpoints(ctx context.Context) ([]AuditCheckpoint, error)
}

// Auditor is what records an action; the dashboard and the commands take
// one so every decision ends up in the same log.
type Auditor interface {
	Audit(ctx context.Context, actor, action string, details map[string]string) error
}

// CanonicalBytes is what an entry's hash covers besides the previous
// hash: its fields as JSON with a fixed field order and sorted detail keys.
func (e AuditEntry) CanonicalBytes() []byte {
	b, _ := json.Marshal(struct { // strings and a map of strings: never fails
		Seq     int64             `json:"seq"`
		At      int64             `json:"at"`
		Actor   string            `json:"actor"`
		Action  string            `json:"action"`
		Details map[string]string `json:"details"`
	}{e.Seq, e.At.UnixMilli(), e.Actor, e.Action, e.Details})
	return b
}

// ChainHash is SHA-256 over the previous hash and the entry's canonical bytes.
func (e AuditEntry) ChainHash() []byte {
	h := sha256.New()
	h.Write(e.PrevHash)
	h.Write(e.CanonicalBytes())
	return h.Sum(nil)
}

func checkpointMessage(seq int64, hash []byte) []byte {
	msg := []byte("voces/audit-checkpoint/v1\x00")
	msg = binary.BigEndian.AppendUint64(msg, uint64(seq))
	return append(msg, hash...)
}

// AuditLog appends to the audit log and signs its checkpoints.
type AuditLog struct {
	Store AuditStore
	Key   ed25519.PrivateKey // the server key
	Now   func() time.Time   // nil: time.Now
	Every int64              // entries between checkpoints; 0: AuditCheckpointEvery
}

// NewAuditLog returns the audit log of store, signed with key.
func NewAuditLog(store AuditStore, key ed25519.PrivateKey) *AuditLog {
	return &AuditLog{Store: store, Key: key}
}

func (a *AuditLog) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC().Truncate(time.Millisecond)
	}
	return time.Now().UTC().Truncate(time.Millisecond)
}

// Audit appends one entry and, every Every entries, a signed checkpoint.
func (a *AuditLog) Audit(ctx context.Context, actor, action string, details map[string]string) error {
	if details == nil {
		details = map[string]string{}
	}
	at := a.now()
	e, err := a.Store.AppendAudit(ctx, func(last AuditEntry) (AuditEntry, error) {
		e := AuditEntry{Seq: last.Seq + 1, At: at, Actor: actor, Action: action, Details: details, PrevHash: last.Hash}
		if e.PrevHash == nil {
			e.PrevHash = make([]byte, sha256.Size)
		}
		e.Hash = e.ChainHash()
		return e, nil
	})
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	every := a.Every
	if every <= 0 {
		every = AuditCheckpointEvery
	}
	if e.Seq%every == 0 {
		return a.sign(ctx, e)
	}
	return nil
}

// Checkpoint signs the newest entry now, after recording who asked for it.
func (a *AuditLog) Checkpoint(ctx context.Context, actor string) (AuditCheckpoint, error) {
	if err := a.Audit(ctx, actor, AuditCheckpointMade, nil); err != nil {
		return AuditCheckpoint{}, err
	}
	page, err := a.Store.AuditPage(ctx, 0, 1)
	if err != nil || len(page) == 0 {
		return AuditCheckpoint{}, fmt.Errorf("checkpoint: newest entry: %v", err)
	}
	return a.signed(page[0]), a.sign(ctx, page[0])
}

func (a *AuditLog) signed(e AuditEntry) AuditCheckpoint {
	return AuditCheckpoint{Seq: e.Seq, Hash: e.Hash, At: a.now(), Signature: ed25519.Sign(a.Key, checkpointMessage(e.Seq, e.Hash))}
}

func (a *AuditLog) sign(ctx context.Context, e AuditEntry) error {
	if err := a.Store.SaveAuditCheckpoint(ctx, a.signed(e)); err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	return nil
}

// AuditReport is what VerifyAudit found.
type AuditReport struct {
	Entries        int64    // entries read
	Checkpoints    int      // checkpoints whose signature and hash hold
	LastCheckpoint int64    // Seq of the newest good checkpoint; entries after it could be cut off unseen
	Problems       []string // empty when the chain is intact
}

// OK reports whether the chain and every checkpoint hold.
func (r AuditReport) OK() bool { return len(r.Problems) == 0 }

// maxProblems bounds the report: one edit breaks every later link.
const maxProblems = 20

func (r *AuditReport) problem(format string, args ...any) {
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

// VerifyAudit reads the whole log and checks that sequence numbers run
// 1, 2, 3… without gaps, each entry links to the previous hash, each hash
// is recomputed from the entry, and every checkpoint is signed by pub and
// names a hash the chain has. An edited entry fails its own hash; a deleted
// one leaves a gap; a reordered one breaks the links; a rewritten chain
// fails the signed checkpoints.
func VerifyAudit(ctx context.Context, store AuditStore, pub ed25519.PublicKey) (AuditReport, error) {
	var r AuditReport
	hashes := map[int64][]byte{}
	prev := make([]byte, sha256.Size)
	err := store.EachAudit(ctx, func(e AuditEntry) error {
		r.Entries++
		if e.Seq != r.Entries {
			r.problem("entry %d found where entry %d belongs: an entry was deleted or moved", e.Seq, r.Entries)
		}
		if !bytes.Equal(e.PrevHash, prev) {
			r.problem("entry %d does not follow the entry before it: the chain was cut or reordered", e.Seq)
		}
		if !bytes.Equal(e.ChainHash(), e.Hash) {
			r.problem("entry %d does not match its hash: it was edited", e.Seq)
		}
		hashes[e.Seq] = e.Hash
		prev = e.Hash
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("read audit log: %w", err)
	}
	cps, err := store.AuditCheckpoints(ctx)
	if err != nil {
		return r, fmt.Errorf("read audit checkpoints: %w", err)
	}
	for _, c := range cps {
		switch h, ok := hashes[c.Seq]; {
		case !ed25519.Verify(pub, checkpointMessage(c.Seq, c.Hash), c.Signature):
			r.problem("checkpoint at entry %d is not signed by this server's key", c.Seq)
		case !ok:
			r.problem("checkpoint at entry %d names an entry the log no longer has: entries were deleted", c.Seq)
		case !bytes.Equal(h, c.Hash):
			r.problem("checkpoint at entry %d signed another hash: the chain was rewritten", c.Seq)
		default:
			r.Checkpoints++
			r.LastCheckpoint = c.Seq
		}
	}
	return r, nil
}

// CommandLineActor names whoever runs a command: the operating-system
// user, since the command line has no operator sign-in.
func CommandLineActor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "command line (" + u.Username + ")"
	}
	return "command line"
}
