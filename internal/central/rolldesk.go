package central

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/roll"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// This file is the review desk's engine (the "mesa de control"): a data
// officer sees one support that did not verify at a time, with what the
// person gave, and decides it valid or invalid with a reason. Opening a
// support and deciding it are both written to the audit log, with the
// record id and never what the person gave.

// Audit actions of the review desk.
const (
	AuditSupportViewed  = "support-viewed"  // a reviewer saw a support's personal data
	AuditSupportDecided = "support-decided" // a reviewer decided a support valid or invalid
)

// ReviewReason is one reason a reviewer may give, for the decisions it
// fits. The code is what is stored and audited; pages show their own words.
type ReviewReason struct {
	Code      string
	Decisions []string // DecisionValid, DecisionInvalid or both
}

// ReviewReasons are the reasons a decision may give, in the order the desk
// offers them. They are INE's mesa de control reasons as far as a digital
// signature lets them apply.
var ReviewReasons = []ReviewReason{
	// The id was mistyped; the credential shown at the assembly (or a
	// second look at the typed name and section) gives the right one,
	// which the roll holds in the city.
	{"id-typo-corrected", []string{DecisionValid}},
	// The signer showed a voting credential of the city the roll extract
	// does not have yet (registered after the extract was cut).
	{"credential-shown", []string{DecisionValid}},
	// The signer gave a CURP: the credential shown proves a voter of the
	// city.
	{"curp-credential-checked", []string{DecisionValid}},
	{"signature-missing", []string{DecisionInvalid}},    // no signature, or a line or a dot
	{"obviously-false", []string{DecisionInvalid}},      // an invented name or id
	{"not-a-city-voter", []string{DecisionInvalid}},     // confirmed: not in the roll, or registered elsewhere
	{"same-person-twice", []string{DecisionInvalid}},    // confirmed duplicate
	{"other", []string{DecisionValid, DecisionInvalid}}, // the note says why
}

// MaxDecisionNote bounds a decision's note, in characters (the desk's
// field says the same).
const MaxDecisionNote = 500

// ErrBadDecision means a decision was refused: unknown decision or
// reason, a reason that does not fit the decision, "other" without a note,
// a note too long, or no reviewer.
var ErrBadDecision = errors.New("not a valid review decision")

// reasonFits reports whether code is a reason for decision.
func reasonFits(code, decision string) bool {
	i := slices.IndexFunc(ReviewReasons, func(r ReviewReason) bool { return r.Code == code })
	return i >= 0 && slices.Contains(ReviewReasons[i].Decisions, decision)
}

// DecideSupport checks and records a reviewer's decision and writes it to
// the audit log (the record id, the decision, the reason and the status it
// was decided on; never the note, which may name the person). A decision
// on a decided support replaces it: the desk offers that for decisions a
// newer roll disagrees with.
func DecideSupport(ctx context.Context, store RollStore, audit Auditor, d SupportDecision) error {
	d.Note = strings.TrimSpace(d.Note)
	switch {
	case d.Decision != DecisionValid && d.Decision != DecisionInvalid:
		return fmt.Errorf("decide support: %w: decision %q is neither %q nor %q", ErrBadDecision, d.Decision, DecisionValid, DecisionInvalid)
	case !reasonFits(d.Reason, d.Decision):
		return fmt.Errorf("decide support: %w: reason %q is not one for %q", ErrBadDecision, d.Reason, d.Decision)
	case d.Reason == "other" && d.Note == "":
		return fmt.Errorf("decide support: %w: reason \"other\" needs a note", ErrBadDecision)
	case !utf8.ValidString(d.Note) || utf8.RuneCountInString(d.Note) > MaxDecisionNote:
		return fmt.Errorf("decide support: %w: a note is valid text of at most %d characters", ErrBadDecision, MaxDecisionNote)
	case d.By == "":
		return fmt.Errorf("decide support: %w: it needs the reviewer", ErrBadDecision)
	}
	if d.At.IsZero() {
		d.At = time.Now()
	}
	d.At = d.At.UTC().Truncate(time.Millisecond)
	before, err := store.SupportCheck(ctx, d.RecordID)
	if err != nil {
		return fmt.Errorf("decide support: %w", err)
	}
	if err := store.DecideSupport(ctx, d); err != nil {
		return fmt.Errorf("decide support: %w", err)
	}
	details := map[string]string{"record": RecordIDString(d.RecordID), "decision": d.Decision, "reason": d.Reason,
		"status": before.Status, "proposal": before.SubjectID}
	if before.Decision != "" {
		details["replaces"] = before.Decision
	}
	if before.RollStatus != "" {
		details["roll_status"] = before.RollStatus
	}
	if d.Note != "" {
		details["note"] = "yes"
	}
	return audit.Audit(ctx, d.By, AuditSupportDecided, details)
}

// RecordIDString writes a record id as the desk and the audit log show it.
func RecordIDString(id [16]byte) string { return uuid.UUID(id).String() }

// ParseRecordID reads RecordIDString's form (or 32 hex digits).
func ParseRecordID(s string) ([16]byte, error) {
	if u, err := uuid.Parse(s); err == nil {
		return u, nil
	}
	var id [16]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(id) {
		return id, fmt.Errorf("record id %q: %w", s, ErrNotFound)
	}
	return [16]byte(b), nil
}

// SupportView is one support as the desk shows it: its classification,
// the record's envelope and what the person gave.
type SupportView struct {
	Check  SupportCheck
	Record StoredRecord
	Signer record.Signer
	// Strokes is the signature's stroke encoding (internal/stroke); empty
	// when the person did not sign.
	Strokes []byte
	// Opened is false when the body did not open: the desk then shows the
	// envelope only.
	Opened bool
}

// ViewSupport opens one classified support for reviewer by and writes to
// the audit log that by saw it: seeing a person's name, id and signature
// is itself an act on their personal data. Without the campaign key pair
// it returns the classification and envelope only (Opened false), audited
// the same way.
func ViewSupport(ctx context.Context, store RollStore, audit Auditor, opener *record.Opener, by string, id [16]byte) (*SupportView, error) {
	c, err := store.SupportCheck(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("view support: %w", err)
	}
	sr, err := store.SupportRecord(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("view support: %w", err)
	}
	v := &SupportView{Check: c, Record: sr}
	if opener != nil && len(sr.Data) > 0 {
		if r, err := record.Unmarshal(sr.Data); err == nil {
			if b, err := opener.Open(r.Body); err == nil && b.Signer != nil {
				v.Signer, v.Strokes, v.Opened = *b.Signer, b.Strokes, true
			}
		}
	}
	err = audit.Audit(ctx, by, AuditSupportViewed, map[string]string{"record": RecordIDString(id), "proposal": c.SubjectID,
		"opened": fmt.Sprint(v.Opened)})
	if err != nil {
		return nil, fmt.Errorf("view support: %w", err)
	}
	return v, nil
}

// TierCounts are the counts tiers are judged by: with a roll imported,
// each proposal's verified supports (a reviewer's decision wins over the
// roll, duplicates never count), as the electoral institute counts
// supports; without one, unique signers. A support counts under its
// latest classification, so between a new roll's import and its re-check
// it keeps the old roll's word instead of dropping out; a support not
// checked yet does not count until it is. basis is "verified" or
// "unique-signers".
func TierCounts(ctx context.Context, s Store) (counts map[string]int64, basis string, err error) {
	if rs, ok := s.(RollStore); ok {
		if _, imported, err := CurrentRoll(ctx, rs); err != nil {
			return nil, "", fmt.Errorf("tier counts: %w", err)
		} else if imported {
			if counts, err = rs.VerifiedCounts(ctx); err != nil {
				return nil, "", fmt.Errorf("tier counts: %w", err)
			}
			return counts, TierBasisVerified, nil
		}
	}
	counts, err = s.SignerCounts(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("tier counts: %w", err)
	}
	return counts, TierBasisSigners, nil
}

// What TierCounts counted.
const (
	TierBasisVerified = "verified"
	TierBasisSigners  = "unique-signers"
)

// AuditRollLookup records that a reviewer looked a clave up in the roll
// for a support (the clave itself is not recorded).
const AuditRollLookup = "roll-lookup"

// ErrNotAClave means a clave looked up is not a valid clave de elector.
var ErrNotAClave = errors.New("not a valid clave de elector")

// ClaveLookup is what the roll says of a clave a reviewer typed from the
// credential a signer showed: Status is StatusVerified (in the roll, in
// the city), StatusOutsideCity or StatusNotInRoll.
type ClaveLookup struct {
	Status string
	Match  RollMatch // when in the roll
}

// LookupClave looks a clave de elector up in the roll in use for reviewer
// by, on the desk, while deciding support id, and writes to the audit log
// that they did and what the roll said (never the clave). It lets "typo
// corrected against the credential shown" rest on the roll rather than on
// the reviewer's word.
func LookupClave(ctx context.Context, store RollStore, audit Auditor, rollKey []byte, by string, id [16]byte, clave string) (ClaveLookup, error) {
	clave = voterid.Normalize(clave)
	if err := voterid.Validate(voterid.INE, clave); err != nil {
		return ClaveLookup{}, fmt.Errorf("look up clave: %w", ErrNotAClave)
	}
	if _, ok, err := CurrentRoll(ctx, store); err != nil || !ok {
		return ClaveLookup{}, fmt.Errorf("look up clave: no roll imported (%v): %w", err, ErrNotFound)
	}
	h := roll.NewHasher(rollKey).Hash(clave)
	m, err := store.LookupRoll(ctx, []int64{h})
	if err != nil {
		return ClaveLookup{}, fmt.Errorf("look up clave: %w", err)
	}
	out := ClaveLookup{Status: StatusNotInRoll}
	if match, ok := m[h]; ok {
		out.Match, out.Status = match, StatusOutsideCity
		if match.Entity == roll.CityEntity {
			out.Status = StatusVerified
		}
	}
	err = audit.Audit(ctx, by, AuditRollLookup, map[string]string{"record": RecordIDString(id), "result": out.Status})
	if err != nil {
		return ClaveLookup{}, fmt.Errorf("look up clave: %w", err)
	}
	return out, nil
}
