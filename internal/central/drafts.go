package central

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-json-experiment/json"
	"golang.org/x/text/unicode/norm"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
)

// Operators author the campaign at central as a draft: one per central,
// started from a published version, edited field by field in the
// dashboard (or by the moderation desk adding a citizen's proposal), and
// published through the same path as a campaign file, so a version from
// the dashboard is numbered and signed like any other. Responses never
// live in the draft: they are recorded on their own (SaveResponse) and
// every publish puts them on.
//
// A draft and a campaign file never silently overwrite each other:
//   - a draft started from version B cannot be published once a version
//     after B changed the content (a file, or another draft); the operator
//     sees what changed and rebases (RebaseDraft) before publishing;
//   - `central serve --campaign FILE` does not publish the file over a
//     version published from the dashboard unless told (PublishFile).

// Where a published version came from.
const (
	SourceFile      = "file"      // a campaign file, or the built-in campaign, by `central serve`
	SourceDashboard = "dashboard" // an operator's draft
)

// BuiltInCampaign is the source name CampaignFile gives the campaign
// built into the binary.
const BuiltInCampaign = "built-in campaign"

// AnyRevision, as an expected draft revision, edits whatever draft is
// stored (starting one from the newest version when there is none), for
// callers that change one thing and do not show the operator the draft
// first, such as the moderation desk publishing a citizen's proposal.
const AnyRevision int64 = -1

// Errors of the draft engine.
var (
	ErrNoDraft      = errors.New("there is no draft")
	ErrDraftExists  = errors.New("a draft is already open")
	ErrDraftChanged = errors.New("the draft was changed by someone else since it was read; reload it")
	ErrDraftStale   = errors.New("a newer version was published after this draft was started; rebase the draft on it first")
	ErrNoChange     = errors.New("the draft is the same as the newest version")
)

// Draft is the campaign content operators are editing, not yet
// published.
type Draft struct {
	Content  []byte    // campaign JSON as campaign.Marshal writes it; it may not validate
	Base     int       // the published version it was started from, or rebased on
	Revision int64     // one more with every save; a new draft starts at a number no earlier draft reached
	SavedAt  time.Time // the last save
	SavedBy  string    // who saved it last
}

// DraftStore keeps the one campaign draft.
type DraftStore interface {
	// Draft returns the stored draft, or ErrNotFound.
	Draft(ctx context.Context) (Draft, error)
	// SaveDraft stores d if the stored draft's revision is prev (0: no
	// draft is stored), atomically against every other save; otherwise
	// ErrDraftChanged.
	SaveDraft(ctx context.Context, d Draft, prev int64) error
	// DeleteDraft removes the draft if its revision is rev; ErrDraftChanged
	// if the stored draft has another, nil if there is none.
	DeleteDraft(ctx context.Context, rev int64) error
}

// RemovalError refuses a draft that removes proposals people support:
// their records would name a subject no version has. Close them instead.
type RemovalError struct {
	Proposals []string // ids, with supports
}

func (e *RemovalError) Error() string {
	return fmt.Sprintf("proposals %s have supports and cannot be removed; close them instead", strings.Join(e.Proposals, ", "))
}

// InvalidError is a draft the campaign validation refuses; Problems say
// where, with the paths of campaign.Problems.
type InvalidError struct {
	Problems []*campaign.ParseError
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("the draft has %d problems; the first: %s", len(e.Problems), e.Problems[0])
}

// FileConflictError refuses to publish a campaign file over a version an
// operator published from the dashboard.
type FileConflictError struct {
	File      string
	Version   int // the dashboard's version in force
	By        string
	At        time.Time
	FileSince int // the last version published from a file, 0 if none
}

func (e *FileConflictError) Error() string {
	return fmt.Sprintf("campaign %s differs from version %d, which %s published from the dashboard at %s: publishing the file would undo it; "+
		"start a draft in the dashboard instead, or serve with --campaign-replace to publish the file over it",
		e.File, e.Version, e.By, e.At.Format(time.RFC3339))
}

// ParseDraft reads a draft's content without validating it: a draft may
// be half done.
func ParseDraft(d Draft) (*campaign.Campaign, error) {
	var c campaign.Campaign
	if err := json.Unmarshal(d.Content, &c, json.RejectUnknownMembers(true)); err != nil {
		return nil, fmt.Errorf("read draft: %w", err)
	}
	return &c, nil
}

// draftContent encodes c for the store, without responses (the kinds
// stay, so the draft's diff against its version shows none changed;
// publishing sets them anyway).
func draftContent(c *campaign.Campaign) ([]byte, error) {
	d := withoutResponses(c)
	d.Kinds = c.Kinds
	return campaign.Marshal(d)
}

// withoutResponses is a copy of c whose proposals carry no responses,
// whose version is 0 and that lists no record kinds (central sets them
// at every publish): the content an author writes.
func withoutResponses(c *campaign.Campaign) *campaign.Campaign {
	out := *c
	out.Version, out.Kinds = 0, nil
	out.Proposals = slices.Clone(c.Proposals)
	for i := range out.Proposals {
		out.Proposals[i].Responses = nil
	}
	return &out
}

// SameContent reports whether a and b are the same campaign but for their
// version numbers, responses and record kinds: what an author changed.
func SameContent(a, b *campaign.Campaign) bool {
	x, errX := campaign.Marshal(withoutResponses(a))
	y, errY := campaign.Marshal(withoutResponses(b))
	return errX == nil && errY == nil && bytes.Equal(x, y)
}

// sameFileContent is SameContent without the residents' proposals and
// assemblies the moderation desk published, which no campaign file holds
// and every publish keeps (keepCitizenContent): whether a file says what
// a version said.
func sameFileContent(a, b *campaign.Campaign) bool {
	strip := func(c *campaign.Campaign) *campaign.Campaign {
		out := *c
		out.Proposals = slices.DeleteFunc(slices.Clone(c.Proposals), func(p campaign.Proposal) bool {
			return record.IsSubmissionID(record.KindProposal, p.ID)
		})
		out.Events = slices.DeleteFunc(slices.Clone(c.Events), func(e campaign.Event) bool {
			return record.IsSubmissionID(record.KindEventProposal, e.ID)
		})
		return &out
	}
	return SameContent(strip(a), strip(b))
}

// publishedVersion parses one published version; nil when there is no
// such version.
func publishedVersion(ctx context.Context, s Store, version int) (*campaign.Campaign, *PublishedCampaign, error) {
	pcs, err := s.Campaigns(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i := range pcs {
		if pcs[i].Version == version || version == 0 && i == len(pcs)-1 {
			c, err := campaign.Parse(fmt.Sprintf("campaign version %d", pcs[i].Version), pcs[i].Content)
			return c, &pcs[i], err
		}
	}
	return nil, nil, nil
}

// StartDraft opens a draft from a published version (0: the newest). A
// draft already open is replaced only when replace is its revision (the
// operator saw it and chose to drop it); otherwise ErrDraftExists.
func StartDraft(ctx context.Context, s Store, audit Auditor, by string, from int, replace int64, now time.Time) (Draft, error) {
	c, pc, err := publishedVersion(ctx, s, from)
	if err != nil {
		return Draft{}, fmt.Errorf("start draft: %w", err)
	}
	if c == nil {
		return Draft{}, fmt.Errorf("start draft: version %d: %w", from, ErrNotFound)
	}
	old, err := s.Draft(ctx)
	switch {
	case errors.Is(err, ErrNotFound):
		old = Draft{}
	case err != nil:
		return Draft{}, fmt.Errorf("start draft: %w", err)
	case replace != old.Revision:
		return Draft{}, fmt.Errorf("start draft: %w", ErrDraftExists)
	}
	content, err := draftContent(c)
	if err != nil {
		return Draft{}, fmt.Errorf("start draft: %w", err)
	}
	// A new draft's first revision is the time in microseconds, not 1: a
	// form left open on a discarded draft must not match the new one.
	d := Draft{Content: content, Base: pc.Version, Revision: max(now.UnixMicro(), old.Revision+1), SavedAt: now.UTC(), SavedBy: by}
	if err := s.SaveDraft(ctx, d, old.Revision); err != nil {
		return Draft{}, fmt.Errorf("start draft: %w", err)
	}
	return d, audit.Audit(ctx, by, AuditDraftSaved, map[string]string{"what": "started from version " + strconv.Itoa(pc.Version), "revision": strconv.FormatInt(d.Revision, 10)})
}

// EditDraft applies edit to the draft whose revision is rev and saves it
// as the next revision, recording what (a short description naming no
// person) in the audit log. With AnyRevision it edits the stored draft
// whatever its revision, retrying when another save comes between, and
// starts a draft from the newest version when there is none. The edited
// draft is saved even when it does not validate yet: an author fixes it
// field by field, and only publishing needs it valid.
func EditDraft(ctx context.Context, s Store, audit Auditor, by, what string, rev int64, now time.Time, edit func(*campaign.Campaign) error) (Draft, error) {
	for attempt := 0; ; attempt++ {
		d, err := s.Draft(ctx)
		if errors.Is(err, ErrNotFound) && rev == AnyRevision {
			if d, err = StartDraft(ctx, s, audit, by, 0, 0, now); errors.Is(err, ErrDraftExists) {
				continue // another started one meanwhile
			}
		}
		if errors.Is(err, ErrNotFound) {
			return Draft{}, fmt.Errorf("edit draft: %w", ErrNoDraft)
		}
		if err != nil {
			return Draft{}, fmt.Errorf("edit draft: %w", err)
		}
		if rev != AnyRevision && d.Revision != rev {
			return Draft{}, fmt.Errorf("edit draft: %w", ErrDraftChanged)
		}
		c, err := ParseDraft(d)
		if err != nil {
			return Draft{}, fmt.Errorf("edit draft: %w", err)
		}
		if err := edit(c); err != nil {
			return Draft{}, err
		}
		content, err := draftContent(c)
		if err != nil {
			return Draft{}, fmt.Errorf("edit draft: %w", err)
		}
		next := Draft{Content: content, Base: d.Base, Revision: d.Revision + 1, SavedAt: now.UTC(), SavedBy: by}
		err = s.SaveDraft(ctx, next, d.Revision)
		if errors.Is(err, ErrDraftChanged) && rev == AnyRevision && attempt < 5 {
			continue
		}
		if err != nil {
			return Draft{}, fmt.Errorf("edit draft: %w", err)
		}
		return next, audit.Audit(ctx, by, AuditDraftSaved, map[string]string{"what": what, "revision": strconv.FormatInt(next.Revision, 10)})
	}
}

// DiscardDraft deletes the draft whose revision is rev.
func DiscardDraft(ctx context.Context, s Store, audit Auditor, by string, rev int64) error {
	if err := s.DeleteDraft(ctx, rev); err != nil {
		return fmt.Errorf("discard draft: %w", err)
	}
	return audit.Audit(ctx, by, AuditDraftSaved, map[string]string{"what": "discarded", "revision": strconv.FormatInt(rev, 10)})
}

// DraftStale says whether a version after the draft's base changed the
// content an author writes, and returns the newest version (nil when
// nothing is published). A version that only added responses does not
// make a draft stale.
func DraftStale(ctx context.Context, s Store, d Draft) (stale bool, newest *campaign.Campaign, err error) {
	pcs, err := s.Campaigns(ctx)
	if err != nil || len(pcs) == 0 {
		return false, nil, err
	}
	last := pcs[len(pcs)-1]
	newest, err = campaign.Parse(fmt.Sprintf("campaign version %d", last.Version), last.Content)
	if err != nil || last.Version <= d.Base {
		return false, newest, err
	}
	base, _, err := publishedVersion(ctx, s, d.Base)
	if err != nil {
		return false, newest, err
	}
	return base == nil || !SameContent(base, newest), newest, nil
}

// RebaseDraft moves the draft whose revision is rev onto the newest
// version, after the operator has seen what that version changed: the
// draft's content stays and, published, replaces the newest version's.
func RebaseDraft(ctx context.Context, s Store, audit Auditor, by string, rev int64, now time.Time) (Draft, error) {
	latest, err := s.LatestCampaignVersion(ctx)
	if err != nil {
		return Draft{}, fmt.Errorf("rebase draft: %w", err)
	}
	d, err := s.Draft(ctx)
	if errors.Is(err, ErrNotFound) {
		return Draft{}, fmt.Errorf("rebase draft: %w", ErrNoDraft)
	}
	if err != nil {
		return Draft{}, fmt.Errorf("rebase draft: %w", err)
	}
	if d.Revision != rev {
		return Draft{}, fmt.Errorf("rebase draft: %w", ErrDraftChanged)
	}
	d.Base, d.Revision, d.SavedAt, d.SavedBy = latest, d.Revision+1, now.UTC(), by
	if err := s.SaveDraft(ctx, d, rev); err != nil {
		return Draft{}, fmt.Errorf("rebase draft: %w", err)
	}
	return d, audit.Audit(ctx, by, AuditDraftSaved, map[string]string{"what": "rebased on version " + strconv.Itoa(latest), "revision": strconv.FormatInt(d.Revision, 10)})
}

// CheckRemovals refuses content that leaves out a proposal of the newest
// published version that has supports.
func CheckRemovals(ctx context.Context, s Store, c *campaign.Campaign) error {
	newest, _, err := publishedVersion(ctx, s, 0)
	if err != nil || newest == nil {
		return err
	}
	counts, err := s.SignerCounts(ctx)
	if err != nil {
		return err
	}
	var refused []string
	for _, p := range newest.Proposals {
		if c.Proposal(p.ID) == nil && counts[p.ID] > 0 {
			refused = append(refused, p.ID)
		}
	}
	if refused != nil {
		return &RemovalError{Proposals: refused}
	}
	return nil
}

// PublishDraft publishes the draft whose revision is rev as the next
// signed version, through the same path as a campaign file, and closes
// the draft. It refuses a draft that does not validate (*InvalidError),
// that removes supported proposals (*RemovalError), that a newer version
// overtook (ErrDraftStale) or that changes nothing (ErrNoChange). by is
// the operator, recorded on the version and in the audit log.
func (s *Server) PublishDraft(ctx context.Context, audit Auditor, by string, rev int64) (version int, err error) {
	d, err := s.store.Draft(ctx)
	if errors.Is(err, ErrNotFound) {
		return 0, fmt.Errorf("publish draft: %w", ErrNoDraft)
	}
	if err != nil {
		return 0, fmt.Errorf("publish draft: %w", err)
	}
	if rev != AnyRevision && d.Revision != rev {
		return 0, fmt.Errorf("publish draft: %w", ErrDraftChanged)
	}
	c, err := ParseDraft(d)
	if err != nil {
		return 0, fmt.Errorf("publish draft: %w", err)
	}
	c.Version = max(1, d.Base)
	if ps := c.Problems(); ps != nil {
		return 0, &InvalidError{Problems: ps}
	}
	stale, newest, err := DraftStale(ctx, s.store, d)
	if err != nil {
		return 0, fmt.Errorf("publish draft: %w", err)
	}
	if stale {
		return 0, fmt.Errorf("publish draft: %w", ErrDraftStale)
	}
	if newest != nil && SameContent(newest, c) {
		return 0, fmt.Errorf("publish draft: %w", ErrNoChange)
	}
	if err := CheckRemovals(ctx, s.store, c); err != nil {
		return 0, err
	}
	changes := len(campaign.Diff(newest, c))
	version, _, err = s.publish(ctx, c, by, SourceDashboard)
	if err != nil {
		return 0, err
	}
	// The version is out; a draft saved meanwhile stays, based on the
	// version before, and shows as overtaken.
	if err := s.store.DeleteDraft(ctx, d.Revision); err != nil && !errors.Is(err, ErrDraftChanged) {
		return version, fmt.Errorf("close published draft: %w", err)
	}
	return version, audit.Audit(ctx, by, AuditPublish, map[string]string{
		"version": strconv.Itoa(version), "source": SourceDashboard, "changes": strconv.Itoa(changes), "draft_revision": strconv.FormatInt(d.Revision, 10)})
}

// PublishFile is `central serve --campaign FILE` (or the built-in
// campaign): Publish, except over a version an operator published from
// the dashboard. Then a file that has not changed since it was last
// published (or that equals the dashboard's version) changes nothing, the
// built-in campaign never replaces the dashboard's work (it is what
// serve publishes when told nothing), and any other file is refused with
// a *FileConflictError unless replace.
func (s *Server) PublishFile(ctx context.Context, name string, data []byte, replace bool) (version int, changed bool, err error) {
	c, err := campaign.Parse(name, data)
	if err != nil {
		return 0, false, fmt.Errorf("publish campaign: %w", err)
	}
	if err := s.refreshCampaigns(ctx); err != nil {
		return 0, false, fmt.Errorf("publish campaign: %w", err)
	}
	newest := s.campaigns.newest()
	if replace || newest == nil || newest.Source != SourceDashboard {
		return s.publish(ctx, c, name, SourceFile)
	}
	if sameFileContent(newest.campaign, c) {
		return newest.Version, false, nil
	}
	var fromFile *published
	for v := newest.Version - 1; v >= 1 && fromFile == nil; v-- {
		if p := s.campaigns.get(v); p != nil && p.Source != SourceDashboard {
			fromFile = p
		}
	}
	if fromFile != nil && sameFileContent(fromFile.campaign, c) || name == BuiltInCampaign {
		s.Logger.Info("campaign file not published: a newer version was published from the dashboard",
			"file", name, "version", newest.Version, "by", newest.PublishedBy)
		return newest.Version, false, nil
	}
	e := &FileConflictError{File: name, Version: newest.Version, By: newest.PublishedBy, At: newest.PublishedAt}
	if fromFile != nil {
		e.FileSince = fromFile.Version
	}
	return 0, false, e
}

// UnusedID makes an id for a new item of a kind (campaign.KindProposal,
// KindEvent, KindArticle, KindTheme, KindQuestion) from its title, as the built-in
// campaign's ids are made: lower-case ASCII words joined by '-', with a number added when the draft or any
// published version already uses it for that kind. Ids are never reused:
// records made under an old version still name the item they meant.
func UnusedID(ctx context.Context, s Store, draft *campaign.Campaign, kind campaign.ChangeKind, title string) (string, error) {
	taken := map[string]bool{}
	mark := func(c *campaign.Campaign) {
		switch kind {
		case campaign.KindProposal:
			for _, p := range c.Proposals {
				taken[p.ID] = true
			}
		case campaign.KindEvent:
			for _, e := range c.Events {
				taken[e.ID] = true
			}
		case campaign.KindArticle:
			for _, a := range c.Articles {
				taken[a.ID] = true
			}
		case campaign.KindTheme:
			for _, t := range c.Themes {
				taken[t.ID] = true
			}
		case campaign.KindQuestion:
			for _, q := range c.Survey.Questions {
				taken[q.ID] = true
			}
		}
	}
	mark(draft)
	pcs, err := s.Campaigns(ctx)
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	for _, pc := range pcs {
		c, err := campaign.Parse("campaign version "+strconv.Itoa(pc.Version), pc.Content)
		if err != nil {
			return "", fmt.Errorf("new id: %w", err)
		}
		mark(c)
	}
	base := Slug(title)
	if base == "" {
		base = string(kind)
	}
	id := base
	for n := 2; taken[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	return id, nil
}

// Slug is the first words of title in lower-case ASCII, accents
// dropped, joined by '-': how ids are made from what people read.
func Slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		case unicode.Is(unicode.Mn, r):
			// An accent, gone with NFD: "Tláhuac" is "tlahuac".
		default:
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// AddProposal adds p to the draft (starting one from the newest version
// when none is open) with an id made from its Spanish title, and returns
// the id. It is how a proposal a citizen submitted, once a moderator
// publishes it, joins the campaign: it reaches devices with the next
// published version. p's ID is ignored; the draft is saved even when p
// does not validate yet (say it lacks its English text), so the
// moderator can finish it in the dashboard.
func AddProposal(ctx context.Context, s Store, audit Auditor, by string, p campaign.Proposal, now time.Time) (string, error) {
	var id string
	_, err := EditDraft(ctx, s, audit, by, "proposal added", AnyRevision, now, func(c *campaign.Campaign) error {
		var err error
		if id, err = UnusedID(ctx, s, c, campaign.KindProposal, p.Title["es"]); err != nil {
			return err
		}
		p.ID = id
		c.Proposals = append(c.Proposals, p)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("add proposal: %w", err)
	}
	return id, nil
}
