package central

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// ARCO: access, rectification, cancellation and opposition, the rights
// Mexico's data-protection law for public bodies gives a person over their
// data. A data officer finds a person's records, reports what is held, and
// cancels them; a cancelled record becomes a tombstone like a purged one
// (its sealed body destroyed, its id, device, sequence and hash kept), so
// gap detection and the audit still hold and a device or bundle sending it
// again gets a duplicate answer and stores nothing.

// BodyCancelled is the body state of a record cancelled at its owner's
// request: its sealed bytes are destroyed and it no longer counts. Exports
// skip it as they skip quarantined records (StoredRecord.Quarantined).
const BodyCancelled = 4

// ARCO audit actions: a search (how many found, by what), an access
// report handed out, a cancellation. None names the person.
const (
	AuditARCOSearch = "arco-search"
	AuditARCOAccess = "arco-access"
	AuditCancel     = "arco-cancel"
)

// CancelStore tombstones records.
type CancelStore interface {
	// CancelRecords destroys the sealed bytes of the records with these ids
	// (those not cancelled already), marks them BodyCancelled and takes
	// them out of the counters (kind, subject, channel, alcaldía, time of
	// receipt), removing the signer indexes in drop from the unique
	// signers, all in one transaction. The row, its envelope columns and
	// its hash stay. A resident's proposal or assembly among them leaves
	// the moderation queue in the same transaction: its submission is
	// SubmissionWithdrawn, without the author's name, and no longer
	// counts its author's support. It returns how many records it
	// cancelled.
	CancelRecords(ctx context.Context, ids [][16]byte, drop []SignerKey, at time.Time) (int, error)
}

// ErrNoVoterID is FindByVoterID's answer to an id that is not a voter id.
var ErrNoVoterID = errors.New("not a voter id")

// FindByVoterID returns every live signature whose blind signer index is
// the one a device computes for voterID (normalised) and the record's
// proposal, with central's dedupe key. It reads every signature record:
// an ARCO request is rare, and central keeps no index by person.
func FindByVoterID(ctx context.Context, store RecordReader, dedupeKey []byte, voterID string) ([]StoredRecord, error) {
	id := voterid.Normalize(voterID)
	if id == "" {
		return nil, ErrNoVoterID
	}
	indexes := map[string][]byte{}
	var out []StoredRecord
	// Supports, and the proposals a person wrote: both carry their blind
	// index for the record's subject.
	for _, kind := range []record.Kind{record.KindSignature, record.KindProposal} {
		err := store.EachRecord(ctx, string(kind), func(r StoredRecord) error {
			if r.BodyState == BodyCancelled || len(r.Data) == 0 {
				return nil
			}
			rec, err := record.Unmarshal(r.Data)
			if err != nil {
				return fmt.Errorf("record %x: %w", r.ID, err)
			}
			want, ok := indexes[r.SubjectID]
			if !ok {
				want = record.BlindIndex(dedupeKey, id, r.SubjectID)
				indexes[r.SubjectID] = want
			}
			if bytes.Equal(rec.SignerIndex, want) {
				out = append(out, r)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("find by voter id: %w", err)
		}
	}
	return out, nil
}

// FindByReceipt returns the live records with a receipt code, however the
// person typed it.
func FindByReceipt(ctx context.Context, store ReceiptLookup, code string) ([]StoredRecord, error) {
	recs, err := store.RecordsByReceipt(ctx, record.NormalizeReceipt(code))
	if err != nil {
		return nil, err
	}
	out := recs[:0]
	for _, r := range recs {
		if r.BodyState != BodyCancelled {
			out = append(out, r)
		}
	}
	return out, nil
}

// Cancel cancels a person's records: it tombstones them, drops them from
// the tallies and, for each signature, drops the person from the
// proposal's unique signers unless another live signature of theirs for
// the same proposal remains (one cancelled by receipt code while another
// stays); for a proposal the desk merged into another, it takes their
// support for the target back the same way (unless they also signed the
// target directly). It records the cancellation in the audit log (how
// many, which kinds, never who).
func Cancel(ctx context.Context, store interface {
	RecordReader
	CancelStore
}, audit Auditor, actor string, records []StoredRecord, at time.Time) (int, error) {
	ids := make([][16]byte, 0, len(records))
	cancelled := map[[16]byte]bool{}
	signers := map[SignerKey]bool{}
	kinds := map[string]int{}
	for _, r := range records {
		ids = append(ids, r.ID)
		cancelled[r.ID] = true
		kinds[r.Kind]++
		// A proposal's own support (once published) is its author's
		// signer index for its subject, like a signature's.
		if !record.Kind(r.Kind).Signed() || len(r.Data) == 0 {
			continue
		}
		rec, err := record.Unmarshal(r.Data)
		if err != nil {
			return 0, fmt.Errorf("cancel: record %x: %w", r.ID, err)
		}
		signers[SignerKey{Subject: r.SubjectID, Index: string(rec.SignerIndex)}] = true
		if k, ok, err := mergedSupport(ctx, store, r); err != nil {
			return 0, err
		} else if ok {
			signers[k] = true
		}
	}
	drop, err := signersLeft(ctx, store, signers, cancelled)
	if err != nil {
		return 0, err
	}
	n, err := store.CancelRecords(ctx, ids, drop, at)
	if err != nil {
		return 0, err
	}
	details := map[string]string{"records": strconv.Itoa(n)}
	for k, c := range kinds {
		details[k] = strconv.Itoa(c)
	}
	return n, audit.Audit(ctx, actor, AuditCancel, details)
}

// mergedSupport is the support a proposal's author has in the proposal
// the desk merged it into (their blind index for the target), when the
// store keeps a moderation queue and r is such a proposal.
func mergedSupport(ctx context.Context, store any, r StoredRecord) (SignerKey, bool, error) {
	q, ok := store.(interface {
		Submission(ctx context.Context, id [16]byte) (Submission, error)
	})
	if !ok || record.Kind(r.Kind) != record.KindProposal {
		return SignerKey{}, false, nil
	}
	s, err := q.Submission(ctx, r.ID)
	switch {
	case errors.Is(err, ErrNotFound):
		return SignerKey{}, false, nil
	case err != nil:
		return SignerKey{}, false, fmt.Errorf("cancel: %w", err)
	}
	if s.Status != SubmissionMerged || len(s.SupportIndex) == 0 {
		return SignerKey{}, false, nil
	}
	return SignerKey{Subject: s.Target, Index: string(s.SupportIndex)}, true, nil
}

// signersLeft returns the signer keys that no live signature outside
// cancelled still holds.
func signersLeft(ctx context.Context, store RecordReader, signers map[SignerKey]bool, cancelled map[[16]byte]bool) ([]SignerKey, error) {
	if len(signers) == 0 {
		return nil, nil
	}
	kept := map[SignerKey]bool{}
	err := store.EachRecord(ctx, string(record.KindSignature), func(r StoredRecord) error {
		if cancelled[r.ID] || r.BodyState == BodyCancelled || len(r.Data) == 0 {
			return nil
		}
		rec, err := record.Unmarshal(r.Data)
		if err != nil {
			return fmt.Errorf("record %x: %w", r.ID, err)
		}
		if k := (SignerKey{Subject: r.SubjectID, Index: string(rec.SignerIndex)}); signers[k] {
			kept[k] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cancel: %w", err)
	}
	var drop []SignerKey
	for k := range signers {
		if !kept[k] {
			drop = append(drop, k)
		}
	}
	return drop, nil
}
