package central

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
)

// Audit actions of the moderation desk.
const (
	AuditSubmissionPublished = "submission-published"
	AuditSubmissionMerged    = "submission-merged"
	AuditSubmissionDeclined  = "submission-declined"
)

// ErrInvalidDecision means a decision the desk must refuse: an unknown
// reason, a missing title, a merge into something that is not a proposal.
var ErrInvalidDecision = errors.New("invalid moderation decision")

// ErrNoSealKey means a merge needs the campaign private key (to make the
// author's blind index for the target) and this node does not hold it.
var ErrNoSealKey = errors.New("the campaign private key is not on this node")

// Moderation is the desk's engine: each decision is checked, audited
// with who made it, and what is published goes into the next signed
// campaign version (AddCitizenContent).
type Moderation struct {
	server *Server
	store  ModerationStore
	audit  *AuditLog
	keys   *Keys

	// mu makes one decision at a time on this node: a publication reads
	// the newest version and writes the next. Another node publishing at
	// the same moment gets ErrVersionExists and the moderator tries again.
	mu sync.Mutex

	// Now returns the current time; tests replace it.
	Now func() time.Time
	// AbuseThreshold is how many submissions a device may send in an
	// hour before it is flagged (DefaultAbuseThreshold).
	AbuseThreshold int
}

// NewModeration returns the desk's engine over a server and its store.
func NewModeration(s *Server, store ModerationStore, audit *AuditLog, keys *Keys) *Moderation {
	return &Moderation{server: s, store: store, audit: audit, keys: keys, Now: time.Now, AbuseThreshold: DefaultAbuseThreshold}
}

// Store is the queue.
func (m *Moderation) Store() ModerationStore { return m.store }

// Campaign is the newest published campaign, for the desk's lists of
// themes and of proposals to merge into.
func (m *Moderation) Campaign(ctx context.Context) (*campaign.Campaign, error) {
	if err := m.server.refreshCampaigns(ctx); err != nil {
		return nil, err
	}
	p := m.server.campaigns.newest()
	if p == nil {
		return nil, errors.New("no campaign has been published yet")
	}
	return p.campaign, nil
}

// Edit is what a moderator gives when publishing: the title and text in
// each language ("es", "en"), and the theme. A language left empty takes
// the original text and marks the submission as needing translation.
type Edit struct {
	Title, Text map[string]string
	Theme       string
}

// Publish publishes pending submissions as they were edited (ids in
// edits; a missing edit publishes the original text), in one new campaign
// version, and records each decision. It returns the version.
func (m *Moderation) Publish(ctx context.Context, actor string, edits map[[16]byte]Edit, ids ...[16]byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.Campaign(ctx)
	if err != nil {
		return 0, fmt.Errorf("publish submissions: %w", err)
	}
	var (
		props     []campaign.Proposal
		events    []campaign.Event
		decisions []Decision
	)
	for _, id := range ids {
		s, err := m.pending(ctx, id)
		if err != nil {
			return 0, err
		}
		e, ok := edits[id]
		if !ok {
			e = Edit{Title: map[string]string{s.Lang: s.Title}, Text: map[string]string{s.Lang: s.Text}, Theme: s.Theme}
		}
		title, text, needs, err := bilingual(s, e)
		if err != nil {
			return 0, err
		}
		d := Decision{RecordID: id, Status: SubmissionPublished, Target: s.SubjectID, NeedsTranslation: needs, By: actor, At: m.Now().UTC()}
		switch record.Kind(s.Kind) {
		case record.KindProposal:
			p := campaign.Proposal{ID: s.SubjectID, Theme: e.Theme, Alcaldia: s.Alcaldia, Title: title, Summary: text}
			if p.Theme == "" {
				p.Theme = s.Theme
			}
			if c.Theme(p.Theme) == nil {
				return 0, fmt.Errorf("%w: unknown theme %q", ErrInvalidDecision, p.Theme)
			}
			if c.Tiers == nil {
				p.Threshold = campaign.DefaultTiers()[0].Signers
			}
			if s.Named {
				p.Author = s.AuthorName
			}
			props = append(props, p)
			if len(s.SignerIndex) > 0 {
				d.Support = &SignerKey{Subject: s.SubjectID, Index: string(s.SignerIndex)}
			}
		case record.KindEventProposal:
			events = append(events, campaign.Event{ID: s.SubjectID, Title: title, Place: campaign.Text{"es": s.Venue, "en": s.Venue},
				Alcaldia: s.Alcaldia, Starts: s.Starts, Ends: s.Starts.Add(DefaultAssemblyLength)})
		}
		decisions = append(decisions, d)
	}
	version, err := AddCitizenContent(ctx, m.server, props, events)
	if err != nil {
		return 0, err
	}
	for _, d := range decisions {
		if err := m.record(ctx, d, AuditSubmissionPublished, map[string]string{"as": d.Target, "version": fmt.Sprint(version)}); err != nil {
			return version, err
		}
	}
	return version, nil
}

// The longest title and text a moderator may publish: what a campaign
// takes for a proposal's title and summary (internal/campaign).
const (
	MaxPublishedTitle = 300
	MaxPublishedText  = 2000
)

// DefaultAssemblyLength is how long a resident's assembly is announced
// for: the form asks when it starts, not when it ends.
const DefaultAssemblyLength = 2 * time.Hour

// bilingual makes a published title and text in both languages from a
// moderator's edit, normalised as a device normalises what it seals.
func bilingual(s Submission, e Edit) (title, text campaign.Text, needsTranslation bool, err error) {
	title, text = campaign.Text{}, campaign.Text{}
	orig := s.Lang
	if orig != "es" && orig != "en" {
		orig = "es"
	}
	for _, l := range []string{"es", "en"} {
		t, x := record.NormalizeLine(e.Title[l]), record.NormalizeText(e.Text[l])
		if t == "" && x == "" {
			continue
		}
		if t == "" || (x == "" && record.Kind(s.Kind) == record.KindProposal) {
			return nil, nil, false, fmt.Errorf("%w: the %s title and text go together", ErrInvalidDecision, l)
		}
		if utf8.RuneCountInString(t) > MaxPublishedTitle || utf8.RuneCountInString(x) > MaxPublishedText {
			return nil, nil, false, fmt.Errorf("%w: the %s title or text is longer than a campaign takes (%d and %d characters)",
				ErrInvalidDecision, l, MaxPublishedTitle, MaxPublishedText)
		}
		title[l], text[l] = t, x
	}
	if title[orig] == "" {
		title[orig], text[orig] = s.Title, s.Text
	}
	for _, l := range []string{"es", "en"} {
		if title[l] == "" {
			// The other language shows the original until a translator
			// fills it in; the desk lists it as needing translation.
			title[l], text[l], needsTranslation = title[orig], text[orig], true
		}
	}
	if record.Kind(s.Kind) == record.KindEventProposal {
		text = nil // an event has a title and a place; "about" stays on the desk
	}
	return title, text, needsTranslation, nil
}

// Merge records that pending proposals duplicate target, a proposal of
// the newest campaign version: each author's support counts for target,
// once (central makes the author's blind index for target with the
// dedupe key, so an author who also signed target directly stays one
// signer).
func (m *Moderation) Merge(ctx context.Context, actor, target string, ids ...[16]byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.Campaign(ctx)
	if err != nil {
		return fmt.Errorf("merge submissions: %w", err)
	}
	if c.Proposal(target) == nil {
		return fmt.Errorf("%w: %q is not a published proposal", ErrInvalidDecision, target)
	}
	if m.keys.SealPrivate == nil || m.keys.SealPublic == nil {
		return fmt.Errorf("merge submissions: %w", ErrNoSealKey)
	}
	for _, id := range ids {
		s, err := m.pending(ctx, id)
		if err != nil {
			return err
		}
		if record.Kind(s.Kind) != record.KindProposal || s.SubjectID == target {
			return fmt.Errorf("%w: only a proposal merges into another", ErrInvalidDecision)
		}
		voter, err := m.authorVoterID(ctx, id)
		if err != nil {
			return err
		}
		idx := record.BlindIndex(m.keys.Dedupe, voter, target)
		d := Decision{RecordID: id, Status: SubmissionMerged, Target: target, By: actor, At: m.Now().UTC(),
			Support: &SignerKey{Subject: target, Index: string(idx)}}
		if err := m.record(ctx, d, AuditSubmissionMerged, map[string]string{"into": target}); err != nil {
			return err
		}
	}
	return nil
}

// authorVoterID opens a proposal's record for its author's voter id,
// stored normalised (the form its blind index was made from). It is used
// only to make a blind index and is never kept.
func (m *Moderation) authorVoterID(ctx context.Context, id [16]byte) (string, error) {
	sr, err := m.store.SubmissionRecord(ctx, id)
	if err != nil {
		return "", fmt.Errorf("merge submission: %w", err)
	}
	r, err := record.Unmarshal(sr.Data)
	if err != nil {
		return "", fmt.Errorf("merge submission: %w", err)
	}
	b, err := record.OpenBody(r.Body, m.keys.SealPublic, m.keys.SealPrivate)
	if err != nil || b.Signer == nil {
		return "", fmt.Errorf("merge submission: the record does not open: %v", err)
	}
	return b.Signer.VoterID, nil
}

// Decline records that pending submissions will not be published, for
// one of DeclineReasons, with an optional note the author's receipt
// check does not show.
func (m *Moderation) Decline(ctx context.Context, actor, reason, note string, ids ...[16]byte) error {
	if !slices.Contains(DeclineReasons, reason) {
		return fmt.Errorf("%w: unknown reason %q", ErrInvalidDecision, reason)
	}
	note = record.NormalizeText(note)
	if utf8.RuneCountInString(note) > MaxNoteLen {
		return fmt.Errorf("%w: the note is longer than %d characters", ErrInvalidDecision, MaxNoteLen)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		if _, err := m.pending(ctx, id); err != nil {
			return err
		}
		d := Decision{RecordID: id, Status: SubmissionDeclined, Reason: reason, Note: note, By: actor, At: m.Now().UTC()}
		if err := m.record(ctx, d, AuditSubmissionDeclined, map[string]string{"reason": reason}); err != nil {
			return err
		}
	}
	return nil
}

// pending returns a submission that is still to be decided.
func (m *Moderation) pending(ctx context.Context, id [16]byte) (Submission, error) {
	s, err := m.store.Submission(ctx, id)
	if err != nil {
		return s, fmt.Errorf("submission: %w", err)
	}
	if s.Status != SubmissionPending {
		return s, fmt.Errorf("submission %s: %w", s.SubjectID, ErrDecided)
	}
	return s, nil
}

// record stores a decision and audits it: who, what, which submission
// (its device-made id, never the author).
func (m *Moderation) record(ctx context.Context, d Decision, action string, details map[string]string) error {
	if err := m.store.DecideSubmission(ctx, d); err != nil {
		return fmt.Errorf("decide submission: %w", err)
	}
	s, err := m.store.Submission(ctx, d.RecordID)
	if err != nil {
		return fmt.Errorf("decide submission: %w", err)
	}
	details["submission"], details["kind"] = s.SubjectID, s.Kind
	return m.audit.Audit(ctx, d.By, action, details)
}

// AddCitizenContent puts residents' proposals and assemblies into the
// next campaign version, signed and published like any other through
// Server.Publish; an id already in the newest version is left as it is.
// It is the one place the desk touches campaign content, so it can be
// pointed at the dashboard's draft and publishing path (issue 15) when
// that exists.
func AddCitizenContent(ctx context.Context, s *Server, props []campaign.Proposal, events []campaign.Event) (int, error) {
	version, err := editNewestCampaign(ctx, s, "with citizen content", func(c *campaign.Campaign) bool {
		for _, p := range props {
			if c.Proposal(p.ID) == nil {
				c.Proposals = append(c.Proposals, p)
			}
		}
		for _, e := range events {
			if c.Event(e.ID) == nil {
				c.Events = append(c.Events, e)
			}
		}
		return true
	})
	if err != nil {
		return 0, fmt.Errorf("add citizen content: %w", err)
	}
	return version, nil
}

// RemoveAuthorNames publishes the next campaign version without the
// author's name on the proposals with these ids, through the desk's path
// (AddCitizenContent's): an author who had agreed to be named asked for
// their data to be cancelled. It returns the version, or 0 when no such
// proposal names its author (nothing is published).
func RemoveAuthorNames(ctx context.Context, s *Server, ids []string) (int, error) {
	version, err := editNewestCampaign(ctx, s, "without a cancelled author's name", func(c *campaign.Campaign) bool {
		changed := false
		for i := range c.Proposals {
			if p := &c.Proposals[i]; p.Author != "" && slices.Contains(ids, p.ID) {
				p.Author, changed = "", true
			}
		}
		return changed
	})
	if err != nil {
		return 0, fmt.Errorf("remove author names: %w", err)
	}
	return version, nil
}

// editNewestCampaign publishes the newest campaign version as edit
// changes it, named after it with what; when edit reports no change it
// publishes nothing and returns 0.
func editNewestCampaign(ctx context.Context, s *Server, what string, edit func(*campaign.Campaign) bool) (int, error) {
	if err := s.refreshCampaigns(ctx); err != nil {
		return 0, err
	}
	latest := s.campaigns.newest()
	if latest == nil {
		return 0, errors.New("no campaign has been published yet")
	}
	c, err := campaign.Parse("newest campaign", latest.Content)
	if err != nil {
		return 0, err
	}
	if !edit(c) {
		return 0, nil
	}
	// The new version keeps the newest one's source, as answers do: were
	// it marked a file's, `serve --campaign` would take it for its own
	// and publish a file over the dashboard's work (drafts.go).
	version, _, err := s.publish(ctx, c, "campaign version "+fmt.Sprint(latest.Version)+" "+what, cmp.Or(latest.Source, SourceFile))
	return version, err
}

// SubmissionFlags are central serve's settings for residents' submissions,
// registered on its flag set by Register.
type SubmissionFlags struct {
	Off            bool // --no-submissions
	AbuseThreshold int  // --abuse-threshold
}

// Register adds --no-submissions and --abuse-threshold to fs.
func (f *SubmissionFlags) Register(fs *flag.FlagSet) {
	fs.BoolVar(&f.Off, "no-submissions", false, "refuse residents' proposals and assemblies: campaigns published list no submission kinds, so devices do not offer those flows")
	fs.IntVar(&f.AbuseThreshold, "abuse-threshold", DefaultAbuseThreshold, "flag a device on the moderation desk and the fleet page when it sends `N` or more submissions in an hour")
}
