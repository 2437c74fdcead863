package central

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/record"
)

// A record is quarantined when central holds it (it was signed by an
// enrolled device, so it counts for gap and duplicate detection) but its
// sealed body does not open with the campaign key: sealed to another key,
// or damaged. Such a record cannot be exported, so every export skips it
// and says so; an administrator may purge its body. The check runs once
// per record, in a worker next to survey aggregation, so ingest stays free
// of the cost of opening bodies.

// Body states as stores keep them per record. Only BodyUnchecked is
// written by ingest; the worker moves a record to BodyOpens or
// BodyQuarantined, and a purge to BodyPurged.
const (
	BodyUnchecked   = 0 // not checked yet (or no node with the key ran)
	BodyOpens       = 1 // the campaign key opens it
	BodyQuarantined = 2 // it does not open; see the quarantine list
	BodyPurged      = 3 // quarantined, and its sealed bytes destroyed
)

// QuarantineListCommand is what operators are told to run to see the
// quarantined records.
const QuarantineListCommand = "central quarantine list"

// BodyCheck is the outcome of opening one record's body: Problem is ""
// when it opens, otherwise why it does not.
type BodyCheck struct {
	RecordID [16]byte
	Problem  string
}

// QuarantinedRecord is a record whose body does not open, with its clear
// envelope.
type QuarantinedRecord struct {
	ID         uuid.UUID `json:"id"`
	DeviceID   string    `json:"device_id"`
	Seq        uint64    `json:"seq"`
	Kind       string    `json:"kind"`
	ReceivedAt time.Time `json:"received_at"`
	Reason     string    `json:"reason"`
	FoundAt    time.Time `json:"found_at"`
	PurgedAt   time.Time `json:"purged_at,omitzero"` // zero while the sealed body is kept
}

// QuarantineStore keeps the outcome of body checks.
type QuarantineStore interface {
	// UncheckedRecords returns up to limit records in state
	// BodyUnchecked, oldest first, from an index of those alone.
	UncheckedRecords(ctx context.Context, limit int) ([]StoredRecord, error)
	// FileBodyChecks moves each checked record out of BodyUnchecked, to
	// BodyOpens or (with its problem as the reason, found at `at`)
	// BodyQuarantined, in one transaction. A record already checked is
	// left alone, so two nodes checking the same record file it once. It
	// returns how many records it quarantined.
	FileBodyChecks(ctx context.Context, checks []BodyCheck, at time.Time) (int, error)
	// QuarantinedRecords lists quarantined records, purged ones
	// included, by device and sequence.
	QuarantinedRecords(ctx context.Context) ([]QuarantinedRecord, error)
	// QuarantineCounts counts quarantined records (purged included) per
	// device.
	QuarantineCounts(ctx context.Context) (map[string]int64, error)
	// PurgeQuarantined destroys the sealed bytes of the quarantined
	// records named (all of them when ids is nil), keeping the envelope
	// and the hash, so gap and duplicate detection hold. A record that is
	// not quarantined, or already purged, is left alone. It returns how
	// many it purged.
	PurgeQuarantined(ctx context.Context, ids [][16]byte, at time.Time) (int, error)
}

// BodyProblem says why data (a stored record) cannot be exported with the
// campaign key pair, or "" when its body opens. The reason names no
// content: nothing of the body is readable anyway.
func BodyProblem(data []byte, pub, priv *[32]byte) string {
	o, err := record.NewOpener(pub, priv)
	if err != nil {
		return err.Error()
	}
	return bodyProblem(data, o)
}

// bodyProblem is BodyProblem with an Opener made once for many records.
func bodyProblem(data []byte, o *record.Opener) string {
	r, err := record.Unmarshal(data)
	if err != nil {
		return "the record does not decode: " + err.Error()
	}
	if _, err := o.Open(r.Body); err != nil {
		if errors.Is(err, record.ErrOpen) {
			return "the sealed body does not open with the campaign key: " + err.Error()
		}
		return err.Error()
	}
	return ""
}

// BodyCheckBatch is how many records CheckBodies opens per store read.
const BodyCheckBatch = 500

// CheckBodies opens the body of every record not checked yet and files
// the outcome, BodyCheckBatch records per transaction, until none is
// left. It returns how many it checked and how many it quarantined.
func CheckBodies(ctx context.Context, store QuarantineStore, pub, priv *[32]byte, now func() time.Time) (checked, quarantined int, err error) {
	opener, err := record.NewOpener(pub, priv)
	if err != nil {
		return 0, 0, fmt.Errorf("check bodies: %w", err)
	}
	for {
		recs, err := store.UncheckedRecords(ctx, BodyCheckBatch)
		if err != nil {
			return checked, quarantined, fmt.Errorf("check bodies: %w", err)
		}
		if len(recs) == 0 {
			return checked, quarantined, nil
		}
		checks := make([]BodyCheck, len(recs))
		for i, sr := range recs {
			checks[i] = BodyCheck{RecordID: sr.ID, Problem: bodyProblem(sr.Data, opener)}
		}
		n, err := store.FileBodyChecks(ctx, checks, now())
		if err != nil {
			return checked, quarantined, fmt.Errorf("check bodies: %w", err)
		}
		checked += len(recs)
		quarantined += n
	}
}

// DefaultBodyCheckInterval is how often RunBodyChecks looks for new
// records.
const DefaultBodyCheckInterval = 30 * time.Second

// RunBodyChecks checks new records' bodies every interval until ctx ends.
// It logs counts only.
func RunBodyChecks(ctx context.Context, store QuarantineStore, pub, priv *[32]byte, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, bad, err := CheckBodies(ctx, store, pub, priv, time.Now)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("check record bodies", "err", err)
		case bad > 0:
			log.Warn("quarantined records whose sealed body does not open", "checked", n, "quarantined", bad, "list", QuarantineListCommand)
		case n > 0:
			log.Info("checked record bodies", "checked", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// QuarantineAction reads the arguments of `central quarantine`: "list"
// (the default), or "purge" with record ids as the list shows them or
// with all set. ids is nil for all.
func QuarantineAction(pos []string, all bool) (action string, ids [][16]byte, err error) {
	switch {
	case len(pos) == 0 || pos[0] == "list":
		if len(pos) > 1 || all {
			return "", nil, errors.New("usage: central quarantine list (--all and record ids are for purge)")
		}
		return "list", nil, nil
	case pos[0] != "purge":
		return "", nil, fmt.Errorf("unknown quarantine action %q; use list or purge", pos[0])
	case all && len(pos) > 1:
		return "", nil, errors.New("purge takes record ids or --all, not both")
	case all:
		return "purge", nil, nil
	case len(pos) == 1:
		return "", nil, errors.New("usage: central quarantine purge ID… (or --all)")
	}
	ids = make([][16]byte, 0, len(pos)-1)
	for _, a := range pos[1:] {
		id, err := uuid.Parse(a)
		if err != nil {
			return "", nil, fmt.Errorf("record id %q: %w", a, err)
		}
		ids = append(ids, id)
	}
	return "purge", ids, nil
}

// QuarantineResult is what a `central quarantine` action did: the list,
// or how many sealed bodies a purge destroyed.
type QuarantineResult struct {
	Action string
	List   []QuarantinedRecord
	Purged int
}

// DoQuarantine runs an action QuarantineAction read on store; a purge is
// dated now.
func DoQuarantine(ctx context.Context, store QuarantineStore, action string, ids [][16]byte) (*QuarantineResult, error) {
	res := &QuarantineResult{Action: action}
	var err error
	if action == "purge" {
		res.Purged, err = store.PurgeQuarantined(ctx, ids, time.Now())
	} else {
		res.List, err = store.QuarantinedRecords(ctx)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}
