package central

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/record"
)

// The moderation desk (issue 16): residents' proposals and assemblies
// arrive sealed like every record; where the campaign key is, central
// opens them into a queue (OpenSubmissions), and moderators publish,
// merge or decline each one (moderation_decide.go). The queue holds what
// a moderator reads and nothing of who wrote it: the author's voter id
// and signature stay sealed in the record.

// Submission statuses.
const (
	SubmissionPending   = "pending"
	SubmissionPublished = "published"
	SubmissionMerged    = "merged"
	SubmissionDeclined  = "declined"
	// SubmissionWithdrawn: its record was cancelled at its author's
	// request (ARCO); nothing more is decided about it.
	SubmissionWithdrawn = "withdrawn"
)

// WithdrawSubmissionSQL is what both stores run, with the record id and
// the time (unix ms) as arguments, in the transaction that cancels a
// record: a cancelled proposal or assembly leaves the queue, its named
// author's name goes, and (leaving published and merged) its author's
// support stops counting. A record that is not a submission matches no
// row. ph makes numbered placeholders ("?1" for SQLite, "$1" for
// PostgreSQL): the time comes before the id in the text.
func WithdrawSubmissionSQL(ph func(n int) string) string {
	return `UPDATE submissions SET status = '` + SubmissionWithdrawn + `', author_name = '', decided_by = '', decided_at = ` + ph(2) +
		` WHERE record_id = ` + ph(1)
}

// Reasons a moderator may give for declining a submission.
const (
	DeclineDuplicate    = "duplicate"
	DeclineOutOfScope   = "out_of_scope"   // outside the constitution's scope
	DeclineRights       = "against_rights" // against recognised rights
	DeclineOffensive    = "offensive"
	DeclinePersonalData = "personal_data" // contains someone's personal data
)

// DeclineReasons lists the reasons in the order the desk offers them.
var DeclineReasons = []string{DeclineDuplicate, DeclineOutOfScope, DeclineRights, DeclineOffensive, DeclinePersonalData}

// AlcaldiaCity is the SubmissionFilter alcaldía that selects submissions
// about the whole city (an empty alcaldía).
const AlcaldiaCity = "city"

// MaxNoteLen bounds a moderator's note on a decision, in characters.
const MaxNoteLen = 500

// Submission is one resident's proposal or assembly as the desk holds it.
type Submission struct {
	RecordID    [16]byte
	Kind        string // record.KindProposal or record.KindEventProposal
	SubjectID   string // the device-made id; a published submission keeps it
	DeviceID    string
	Channel     string
	Alcaldia    string // what it concerns; "" for the whole city
	Theme       string
	Lang        string // the language it was written in
	Title       string
	Text        string    // a proposal's text, or what an assembly is about
	Venue       string    // an assembly's venue
	Starts      time.Time // an assembly's start; zero for a proposal
	Named       bool      // the author agreed to be named when published
	AuthorName  string    // only when Named, for the published proposal; never shown on the desk
	AuthorArea  string    // the author's alcaldía, where their support counts
	SignerIndex []byte    // the author's blind index for SubjectID (a proposal's own support)
	DeviceTime  time.Time
	ReceivedAt  time.Time

	Status           string // Submission…
	Target           string // published as, or merged into (a proposal or event id)
	Reason           string // a Decline… reason
	Note             string
	NeedsTranslation bool
	DecidedBy        string
	DecidedAt        time.Time
	// SupportIndex is the author's blind index for Target once published
	// or merged (Decision.Support): their support, as the roll check files
	// it and a cancellation takes it back.
	SupportIndex []byte
}

// SubmissionFilter selects a page of the queue. Empty fields match all.
type SubmissionFilter struct {
	Status   string // Submission…; "" for every status
	Kind     string
	Alcaldia string // an alcaldía id, or AlcaldiaCity
	Channel  string
	Device   string
	// ReceivedBefore and ReceivedAfter bound the time of arrival (the
	// desk's "age" filter); zero means unbounded.
	ReceivedBefore, ReceivedAfter time.Time
	Offset, Limit                 int
}

// Decision is what a moderator decided about one pending submission.
type Decision struct {
	RecordID         [16]byte
	Status           string // SubmissionPublished, SubmissionMerged or SubmissionDeclined
	Target           string
	Reason, Note     string
	NeedsTranslation bool
	By               string
	At               time.Time
	// Support, when set, is the author's support, counted among the
	// unique signers of Support.Subject in the same transaction: once,
	// however often that person signed it directly.
	Support *SignerKey
}

// ErrDecided means the submission was decided already (by someone else,
// or by a bulk action a moment before).
var ErrDecided = errors.New("submission already decided")

// ModerationStore keeps the moderation queue.
type ModerationStore interface {
	// SubmissionsToOpen returns up to limit proposal and event_proposal
	// records not filed in the queue yet and not quarantined, with ids
	// after `after`, in id order.
	SubmissionsToOpen(ctx context.Context, after [16]byte, limit int) ([]StoredRecord, error)
	// FileSubmissions adds opened submissions as pending, in one
	// transaction; one filed already is left as it is. It returns how
	// many it added.
	FileSubmissions(ctx context.Context, subs []Submission) (int, error)
	// Submissions returns the page of the queue f selects, oldest first
	// (by arrival, then record id), and how many submissions match f in
	// all.
	Submissions(ctx context.Context, f SubmissionFilter) ([]Submission, int64, error)
	// Submission returns one, or ErrNotFound.
	Submission(ctx context.Context, id [16]byte) (Submission, error)
	// SubmissionRecord returns the stored record a submission was opened
	// from, or ErrNotFound.
	SubmissionRecord(ctx context.Context, id [16]byte) (StoredRecord, error)
	// DecideSubmission records d on a pending submission, and counts
	// d.Support, in one transaction; ErrNotFound when there is no such
	// submission, ErrDecided when it is not pending.
	DecideSubmission(ctx context.Context, d Decision) error
	// SubmissionCounts counts the submissions per device received at or
	// after since.
	SubmissionCounts(ctx context.Context, since time.Time) (map[string]int64, error)
	// EventSupports counts the signature records collected at an
	// assembly (their envelope's event id), quarantined ones included.
	EventSupports(ctx context.Context, eventID string) (int64, error)
}

// SubmissionBatch is how many records OpenSubmissions opens per read.
const SubmissionBatch = 500

// OpenSubmissions files every submission record not in the queue yet,
// opening its body with the campaign key pair. A body that does not open
// is skipped (the body check quarantines it) and counted; it is tried
// again on the next run. n is how many were filed.
func OpenSubmissions(ctx context.Context, store ModerationStore, pub, priv *[32]byte) (n, skipped int, err error) {
	opener, err := record.NewOpener(pub, priv)
	if err != nil {
		return 0, 0, fmt.Errorf("open submissions: %w", err)
	}
	var after [16]byte
	for {
		recs, err := store.SubmissionsToOpen(ctx, after, SubmissionBatch)
		if err != nil {
			return n, skipped, fmt.Errorf("open submissions: %w", err)
		}
		if len(recs) == 0 {
			return n, skipped, nil
		}
		subs := make([]Submission, 0, len(recs))
		for _, sr := range recs {
			after = sr.ID
			s, ok := openSubmission(sr, opener)
			if !ok {
				skipped++
				continue
			}
			subs = append(subs, s)
		}
		if len(subs) > 0 {
			done, err := store.FileSubmissions(ctx, subs)
			if err != nil {
				return n, skipped, fmt.Errorf("open submissions: %w", err)
			}
			n += done
		}
	}
}

// openSubmission makes the queue row of one record: what it says, from
// the sealed body, and where and when it came, from the envelope.
func openSubmission(sr StoredRecord, opener *record.Opener) (Submission, bool) {
	r, err := record.Unmarshal(sr.Data)
	if err != nil {
		return Submission{}, false
	}
	b, err := opener.Open(r.Body)
	if err != nil {
		return Submission{}, false
	}
	s := Submission{
		RecordID: sr.ID, Kind: sr.Kind, SubjectID: sr.SubjectID, DeviceID: sr.DeviceID, Channel: sr.Channel,
		Alcaldia: sr.Alcaldia, DeviceTime: sr.DeviceTime, ReceivedAt: sr.ReceivedAt, Status: SubmissionPending,
		SignerIndex: slices.Clone(r.SignerIndex),
	}
	switch {
	case record.Kind(sr.Kind) == record.KindProposal && b.Proposal != nil && b.Signer != nil:
		p := b.Proposal
		s.Title, s.Text, s.Theme, s.Lang, s.Named = p.Title, p.Text, p.Theme, p.Lang, p.Named
		s.AuthorArea = b.Signer.Alcaldia
		if p.Named {
			s.AuthorName = b.Signer.Name
		}
	case record.Kind(sr.Kind) == record.KindEventProposal && b.Assembly != nil:
		a := b.Assembly
		s.Title, s.Text, s.Venue, s.Starts, s.Lang = a.Title, a.About, a.Venue, a.Starts.UTC(), a.Lang
	default:
		return Submission{}, false
	}
	return s, true
}

// DefaultSubmissionInterval is how often RunSubmissions looks for new
// submissions: a resident checking their receipt a minute later should
// find it in review.
const DefaultSubmissionInterval = 30 * time.Second

// RunSubmissions files new submissions every interval until ctx ends. It
// logs counts only.
func RunSubmissions(ctx context.Context, store ModerationStore, pub, priv *[32]byte, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, skipped, err := OpenSubmissions(ctx, store, pub, priv)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("open submissions", "err", err)
		case n > 0 || skipped > 0:
			log.Info("filed submissions for moderation", "records", n, "unopened", skipped)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DefaultAbuseThreshold is how many submissions one device may send in
// an hour before the desk and the fleet page flag it: a person takes
// minutes to write a proposal on a kiosk, so even a busy kiosk with a
// queue of people stays far below 100 an hour.
const DefaultAbuseThreshold = 100

// FlaggedDevices returns the devices that sent threshold or more
// submissions in the hour before now, with their counts.
func FlaggedDevices(ctx context.Context, store ModerationStore, now time.Time, threshold int) (map[string]int64, error) {
	counts, err := store.SubmissionCounts(ctx, now.Add(-time.Hour))
	if err != nil {
		return nil, fmt.Errorf("flag devices: %w", err)
	}
	for d, n := range counts {
		if threshold <= 0 || n < int64(threshold) {
			delete(counts, d)
		}
	}
	return counts, nil
}

// SubmissionColumns are the columns ScanSubmission reads, in its order.
const SubmissionColumns = `record_id, kind, subject_id, device_id, channel, alcaldia, theme, lang, title, body, venue, starts,
	named, author_name, author_alcaldia, signer_index, device_time, received_at, status, target, reason, note,
	needs_translation, decided_by, decided_at, support_index`

// SubmissionArgs are the values of SubmissionColumns for an insert.
func SubmissionArgs(s *Submission) []any {
	return []any{s.RecordID[:], s.Kind, s.SubjectID, s.DeviceID, s.Channel, s.Alcaldia, s.Theme, s.Lang, s.Title, s.Text, s.Venue,
		unixMS(s.Starts), boolInt(s.Named), s.AuthorName, s.AuthorArea, s.SignerIndex, unixMS(s.DeviceTime), unixMS(s.ReceivedAt),
		s.Status, s.Target, s.Reason, s.Note, boolInt(s.NeedsTranslation), s.DecidedBy, unixMS(s.DecidedAt), s.SupportIndex}
}

// ScanSubmission reads one row of SubmissionColumns.
func ScanSubmission(row Scanner) (Submission, error) {
	var (
		s                          Submission
		id                         []byte
		starts, dt, recvd, decided int64
		named, needs               int64
	)
	if err := row.Scan(&id, &s.Kind, &s.SubjectID, &s.DeviceID, &s.Channel, &s.Alcaldia, &s.Theme, &s.Lang, &s.Title, &s.Text,
		&s.Venue, &starts, &named, &s.AuthorName, &s.AuthorArea, &s.SignerIndex, &dt, &recvd, &s.Status, &s.Target, &s.Reason,
		&s.Note, &needs, &s.DecidedBy, &decided, &s.SupportIndex); err != nil {
		return s, err
	}
	if len(id) != len(s.RecordID) {
		return s, fmt.Errorf("stored submission id has %d bytes", len(id))
	}
	copy(s.RecordID[:], id)
	s.Starts, s.DeviceTime, s.ReceivedAt, s.DecidedAt = fromMS(starts), fromMS(dt), fromMS(recvd), fromMS(decided)
	s.Named, s.NeedsTranslation = named != 0, needs != 0
	return s, nil
}

// SubmissionWhere is the WHERE clause (without the word) and its
// arguments for a filter, with placeholders made by ph (1-based: "?" for
// SQLite, "$n" for PostgreSQL), so both stores page the queue alike.
func SubmissionWhere(f SubmissionFilter, ph func(n int) string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.Replace(cond, "?", ph(len(args)), 1))
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	switch f.Alcaldia {
	case "":
	case AlcaldiaCity:
		add("alcaldia = ?", "")
	default:
		add("alcaldia = ?", f.Alcaldia)
	}
	if f.Channel != "" {
		add("channel = ?", f.Channel)
	}
	if f.Device != "" {
		add("device_id = ?", f.Device)
	}
	if !f.ReceivedAfter.IsZero() {
		add("received_at >= ?", f.ReceivedAfter.UnixMilli())
	}
	if !f.ReceivedBefore.IsZero() {
		add("received_at < ?", f.ReceivedBefore.UnixMilli())
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

func unixMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
