package central

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/roll"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// Every support (signature record) is checked once against the electoral
// roll, where the campaign private key and the roll key are (the body
// holds the voter id), and filed with one of these statuses. A new roll
// files every support again, except those a reviewer decided.
const (
	StatusVerified     = "verified"      // in the roll, registered in Mexico City
	StatusOutsideCity  = "outside_city"  // in the roll, registered in another entity
	StatusNotInRoll    = "not_in_roll"   // a clave de elector the roll does not have
	StatusNotCheckable = "not_checkable" // a CURP: the roll holds claves de elector only
	StatusDuplicate    = "duplicate"     // the same person supported the proposal before (blind index)
	StatusUnreadable   = "unreadable"    // the body does not open or holds no signer
	// StatusRejected is what a reviewer's "invalid" decision makes of a
	// support in the counts; "valid" makes it StatusVerified.
	StatusRejected = "rejected"
)

// FailedStatuses are the checks a support can fail, in report order.
var FailedStatuses = []string{StatusOutsideCity, StatusNotInRoll, StatusNotCheckable, StatusDuplicate, StatusUnreadable, StatusRejected}

// Reviewer decisions on a support that did not verify.
const (
	DecisionValid   = "valid"
	DecisionInvalid = "invalid"
)

// RollImport records one import of the roll. ID grows with each import;
// the newest is the roll in use.
type RollImport struct {
	ID         int64     `json:"id"`
	ImportedAt time.Time `json:"imported_at"`
	By         string    `json:"by"`       // the OS user who ran the import
	File       string    `json:"file"`     // base name of the file
	SHA256     string    `json:"sha256"`   // of the file's bytes
	Rows       int64     `json:"rows"`     // voters stored
	BadRows    int64     `json:"bad_rows"` // rows skipped, each reported with its line
	// DecidedChanged counts supports a reviewer had decided whose status
	// this roll would have changed: their decision stands, and this says
	// so rather than re-opening them silently.
	DecidedChanged int64 `json:"decided_changed"`
}

// RollMatch is what the roll says of one voter.
type RollMatch struct {
	Entity   int
	Section  int
	Alcaldia string
}

// SupportCheck is one support's classification, with what the counts and
// the review desk group it by. The store turns Status into
// StatusDuplicate when an earlier support (by record id) of the same
// proposal has the same SignerIndex.
type SupportCheck struct {
	RecordID    [16]byte  `json:"-"`
	SubjectID   string    `json:"subject_id"`
	DeviceID    string    `json:"device_id"`
	Canvasser   string    `json:"canvasser,omitempty"`
	Alcaldia    string    `json:"alcaldia"`
	SignerIndex []byte    `json:"-"`
	Status      string    `json:"status"`
	RollID      int64     `json:"roll_id"`
	Decision    string    `json:"decision,omitempty"` // "", DecisionValid or DecisionInvalid
	Reason      string    `json:"reason,omitempty"`   // one of ReviewReasons' codes
	Note        string    `json:"note,omitempty"`     // what the reviewer added, if anything
	DecidedBy   string    `json:"decided_by,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	// RollStatus is, for a decided support, what the roll in use says
	// when that differs from Status, the status it was decided on; ""
	// when they agree. The decision stands until a reviewer decides again.
	RollStatus string `json:"roll_status,omitempty"`
}

// SupportDecision is a reviewer's decision on one support.
type SupportDecision struct {
	RecordID [16]byte
	Decision string // DecisionValid or DecisionInvalid
	Reason   string // why: one of ReviewReasons' codes for Decision
	Note     string // optional: what the reviewer adds (no more than MaxDecisionNote characters)
	By       string // the operator
	At       time.Time
}

// SupportCheckCount is one group of classified supports, as stores count
// them: RollID is the roll they were classified under.
type SupportCheckCount struct {
	SubjectID, Alcaldia, DeviceID, Canvasser, Status, Decision string
	RollID                                                     int64
	// Disagrees marks decided supports the roll in use disagrees with
	// (SupportCheck.RollStatus is set).
	Disagrees bool
	N         int64
}

// The groupings SupportCheckTotal counts by.
const (
	DimProposal  = "subject"
	DimAlcaldia  = "alcaldia"
	DimDevice    = "device"
	DimCanvasser = "canvasser"
)

// SupportCheckTotal counts the classified supports with one value (Key)
// of one grouping (Dim…) and one status, decision, roll and disagreement
// (as SupportCheckCount): every support is counted once per grouping.
type SupportCheckTotal struct {
	Dim, Key, Status, Decision string
	RollID                     int64
	Disagrees                  bool
	N                          int64
}

// ReviewCounts is what the review desk has: supports to review, decided,
// and decided ones the roll in use disagrees with.
type ReviewCounts struct {
	Queue, Decided, Disagreements int64
}

// RollStore keeps the roll (hashes only), its imports and the supports'
// classification.
type RollStore interface {
	// ReplaceRoll replaces the whole roll with entries (sorted by hash,
	// distinct; Alcaldia indexes alcaldias) and records imp, in one
	// transaction: readers see the old roll or the new one, never part of
	// either. progress, when set, is called with the entries written so
	// far now and then. It returns imp with its ID.
	ReplaceRoll(ctx context.Context, imp RollImport, alcaldias []string, entries []roll.Entry, progress func(done int64)) (RollImport, error)
	// RollImports lists every import, oldest first.
	RollImports(ctx context.Context) ([]RollImport, error)
	// LookupRoll returns what the roll holds for each hash it has.
	LookupRoll(ctx context.Context, hashes []int64) (map[int64]RollMatch, error)
	// SupportsToCheck returns up to limit signature records with ids
	// after `after`, in id order, that are not quarantined and not filed
	// under roll rollID.
	SupportsToCheck(ctx context.Context, rollID int64, after [16]byte, limit int) ([]StoredRecord, error)
	// AuthorSupportsToCheck returns up to limit authors' supports (the
	// records of proposals published or merged, see AuthorSupport) with
	// ids after `after`, in id order, that are not quarantined and not
	// filed under roll rollID.
	AuthorSupportsToCheck(ctx context.Context, rollID int64, after [16]byte, limit int) ([]AuthorSupport, error)
	// FileSupportChecks files checks under roll rollID in one transaction,
	// deriving duplicates (see SupportCheck) both ways: a support filed
	// with an earlier id turns later undecided ones of the same signer
	// into duplicates. A decided support keeps its status and decision;
	// when the new status would differ it is counted, added to the
	// import's DecidedChanged and returned, and kept as its RollStatus
	// (which is cleared when the roll agrees again).
	FileSupportChecks(ctx context.Context, rollID int64, checks []SupportCheck) (decidedChanged int, err error)
	// SupportCheckCounts counts classified supports by every grouping
	// column at once (it groups every classified support).
	SupportCheckCounts(ctx context.Context) ([]SupportCheckCount, error)
	// SupportCheckTotals returns the counters the store keeps, in the
	// transactions that change support_checks, per grouping (the totals
	// of SupportCheckCounts by each of its grouping columns alone); none
	// with N 0. It reads those counters only: /roll and stats call it.
	SupportCheckTotals(ctx context.Context) ([]SupportCheckTotal, error)
	// ReviewCounts counts the review desk's queue (as UnverifiedSupports
	// lists it), the decided supports and those of them the roll in use
	// disagrees with, reading indexes of those rows alone: the desk shows
	// them on every page.
	ReviewCounts(ctx context.Context) (ReviewCounts, error)
	// VerifiedCounts counts each proposal's supports whose effective
	// status (EffectiveStatus) is StatusVerified, whatever roll they were
	// filed under, from the counters of SupportCheckTotals: tiers call it
	// often.
	VerifiedCounts(ctx context.Context) (map[string]int64, error)
	// UnverifiedSupports lists up to limit undecided supports whose status
	// is not StatusVerified, after `after` in id order: the review desk's
	// queue.
	UnverifiedSupports(ctx context.Context, after [16]byte, limit int) ([]SupportCheck, error)
	// SupportCheck returns one support's classification, or ErrNotFound.
	SupportCheck(ctx context.Context, id [16]byte) (SupportCheck, error)
	// DecideSupport records a reviewer's decision on a classified support
	// (a later decision replaces it, with its own who and when); when the
	// roll in use disagreed with the old decision (RollStatus), the
	// support takes the roll's status and RollStatus is cleared.
	// ErrNotFound when the support is not classified.
	DecideSupport(ctx context.Context, d SupportDecision) error
	// DecidedSupports lists up to limit decided supports: those the roll
	// in use disagrees with first, then the newest decisions.
	DecidedSupports(ctx context.Context, limit int) ([]SupportCheck, error)
	// SupportRecord returns the stored record of a support with this id
	// (a signature, or the proposal whose author's support it is), or
	// ErrNotFound.
	SupportRecord(ctx context.Context, id [16]byte) (StoredRecord, error)
}

// AuthorSupport is the support of a resident who wrote a proposal, once
// the desk published it or merged it into another: it counts for Target
// (the proposal published, or the merge's target) like a signature, so
// the roll check files it under Target with Index, the author's blind
// index for Target, and a direct signature of the same person for Target
// is its duplicate (or it theirs, by record id). Alcaldia is where the
// author lives, as the tallies count the support.
type AuthorSupport struct {
	Record   StoredRecord
	Target   string
	Index    []byte
	Alcaldia string
}

// AuthorSupportColumns are what ScanAuthorSupport reads: RecordColumns
// of records r, then the submission q's target, the author's index for it
// (support_index, or for a proposal published as itself its own signer
// index when a decision predates that column) and the author's alcaldía.
const AuthorSupportColumns = `r.id, r.device_id, r.seq, r.kind, r.subject_id, r.event_id, r.alcaldia, r.mode, r.channel, r.device_time,
	r.received_at, r.receipt, r.data, r.body_state, q.target,
	coalesce(q.support_index, CASE WHEN q.target = q.subject_id THEN q.signer_index END), q.author_alcaldia`

// ScanAuthorSupport reads one row of AuthorSupportColumns.
func ScanAuthorSupport(row Scanner) (AuthorSupport, error) {
	var a AuthorSupport
	r, err := ScanRecord(withExtra{row, []any{&a.Target, &a.Index, &a.Alcaldia}})
	a.Record = r
	return a, err
}

// withExtra scans a row's columns after the ones asked for into extra.
type withExtra struct {
	row   Scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

// RollImportOptions say what ImportRoll reads and who runs it.
type RollImportOptions struct {
	DataDir string       // holds (or gets) the roll key
	File    string       // the CSV extract
	Mapping roll.Mapping // column names; zero for the documented ones
	// By is who imports: "" takes the OS user.
	By string
	// Now dates the import; time.Now when nil.
	Now func() time.Time
	// Progress makes a progress bar per step, as progress.Steps does; nil
	// shows none.
	Progress func(step string) (update func(done, total int64), finish func())
}

// RollImportArgs reads the arguments of `central roll`: "import FILE",
// with the --columns mapping (roll.ParseMapping). Its errors are usage
// mistakes.
func RollImportArgs(pos []string, columns, dataDir string, progress func(string) (func(int64, int64), func())) (RollImportOptions, error) {
	if len(pos) != 2 || pos[0] != "import" {
		return RollImportOptions{}, errors.New("usage: central roll --data DIR import FILE")
	}
	m, err := roll.ParseMapping(columns)
	if err != nil {
		return RollImportOptions{}, fmt.Errorf("--columns: %w", err)
	}
	return RollImportOptions{DataDir: dataDir, File: pos[1], Mapping: m, Progress: progress}, nil
}

// RollImportResult is what ImportRoll did: the recorded import and the
// rows it skipped.
type RollImportResult struct {
	Import RollImport
	Bad    []roll.BadRow
}

// ImportRoll reads a roll file into keyed hashes and replaces the roll
// with it, making the roll key on first use. A file with too many bad
// rows is refused (the error wraps roll.ErrTooManyBad and the result
// lists them) and nothing changes.
//
// The caller records the import in the audit log (AuditRollImport, with
// the file's hash and the rows); roll_imports keeps the same beside it.
func ImportRoll(ctx context.Context, store RollStore, opt RollImportOptions) (*RollImportResult, error) {
	key, err := LoadRollKey(opt.DataDir, true)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(opt.File)
	if err != nil {
		return nil, fmt.Errorf("open roll: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open roll: %w", err)
	}
	step := opt.Progress
	if step == nil {
		step = func(string) (func(int64, int64), func()) { return func(int64, int64) {}, func() {} }
	}
	update, finish := step("bytes read")
	parsed, err := roll.Read(f, key, opt.Mapping, func(n int64) { update(n, info.Size()) })
	finish()
	if err != nil {
		res := &RollImportResult{}
		if parsed != nil {
			res.Bad = parsed.Bad
		}
		return res, err
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	by := opt.By
	if by == "" {
		by = osUser()
	}
	imp := RollImport{ImportedAt: now().UTC().Truncate(time.Millisecond), By: by, File: filepath.Base(opt.File), SHA256: parsed.SHA256,
		Rows: int64(len(parsed.Entries)), BadRows: int64(len(parsed.Bad))}
	total := int64(len(parsed.Entries))
	update, finish = step("voters stored")
	imp, err = store.ReplaceRoll(ctx, imp, parsed.Alcaldias, parsed.Entries, func(n int64) { update(n, total) })
	finish()
	if err != nil {
		return nil, fmt.Errorf("import roll: %w", err)
	}
	return &RollImportResult{Import: imp, Bad: parsed.Bad}, nil
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// CurrentRoll is the newest import, and false when no roll was imported.
func CurrentRoll(ctx context.Context, store RollStore) (RollImport, bool, error) {
	imps, err := store.RollImports(ctx)
	if err != nil || len(imps) == 0 {
		return RollImport{}, false, err
	}
	return imps[len(imps)-1], true, nil
}

// SupportCheckBatch is how many supports CheckSupports opens per store
// read and files per transaction.
const SupportCheckBatch = 2000

// CheckSupports classifies every support not yet filed under the current
// roll: it opens each body (on every core), hashes INE claves under the
// roll key, looks the batch up in the roll and files it, opening the next
// batch while the store files one. It returns how many it filed and how
// many decided supports the roll would have changed. With no roll
// imported it does nothing.
func CheckSupports(ctx context.Context, store RollStore, pub, priv *[32]byte, rollKey []byte) (checked, decidedChanged int, err error) {
	cur, ok, err := CurrentRoll(ctx, store)
	if err != nil || !ok {
		return 0, 0, err
	}
	opener, err := record.NewOpener(pub, priv)
	if err != nil {
		return 0, 0, fmt.Errorf("check supports: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []SupportCheck, 1)
	var readErr error
	go func() {
		defer close(batches)
		readErr = readSupports(ctx, store, cur.ID, opener, rollKey, batches)
	}()
	for checks := range batches {
		n, err := store.FileSupportChecks(ctx, cur.ID, checks)
		if err != nil {
			cancel()
			for range batches {
			}
			return checked, decidedChanged, fmt.Errorf("check supports: %w", err)
		}
		checked += len(checks)
		decidedChanged += n
	}
	if readErr != nil {
		return checked, decidedChanged, fmt.Errorf("check supports: %w", readErr)
	}
	return checked, decidedChanged, nil
}

// readSupports sends batches of classified supports (duplicates are the
// store's to find) until none is left under roll rollID: signatures, then
// authors' supports.
func readSupports(ctx context.Context, store RollStore, rollID int64, opener *record.Opener, rollKey []byte, out chan<- []SupportCheck) error {
	for _, authors := range []bool{false, true} {
		var after [16]byte
		for {
			recs, as, err := supportsToCheck(ctx, store, rollID, after, authors)
			if err != nil {
				return err
			}
			if len(recs) == 0 {
				break
			}
			after = recs[len(recs)-1].ID
			checks, hashes := openSupports(recs, opener, rollKey)
			for i, a := range as {
				// The author's support counts for what the proposal became.
				checks[i].SubjectID, checks[i].SignerIndex, checks[i].Alcaldia = a.Target, a.Index, a.Alcaldia
			}
			if err := classifySupports(ctx, store, checks, hashes, out); err != nil {
				return err
			}
		}
	}
	return nil
}

// supportsToCheck reads the next batch of signatures, or of authors'
// supports (then as holds them, in the order of recs).
func supportsToCheck(ctx context.Context, store RollStore, rollID int64, after [16]byte, authors bool) ([]StoredRecord, []AuthorSupport, error) {
	if !authors {
		recs, err := store.SupportsToCheck(ctx, rollID, after, SupportCheckBatch)
		return recs, nil, err
	}
	as, err := store.AuthorSupportsToCheck(ctx, rollID, after, SupportCheckBatch)
	recs := make([]StoredRecord, len(as))
	for i := range as {
		recs[i] = as[i].Record
	}
	return recs, as, err
}

// classifySupports looks a batch's claves up in the roll, sets the
// statuses the roll decides and sends the batch.
func classifySupports(ctx context.Context, store RollStore, checks []SupportCheck, hashes []int64, out chan<- []SupportCheck) error {
	matches, err := store.LookupRoll(ctx, hashes)
	if err != nil {
		return err
	}
	for i := range checks {
		c := &checks[i]
		if c.Status != "" {
			continue
		}
		switch m, ok := matches[hashes[i]]; {
		case !ok:
			c.Status = StatusNotInRoll
		case m.Entity == roll.CityEntity:
			c.Status = StatusVerified
		default:
			c.Status = StatusOutsideCity
		}
	}
	select {
	case out <- checks:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// openSupports opens each record's body and returns its check (Status
// set unless the roll must say) and the roll hash of its clave (0 when
// there is none to look up; lookups of 0 are harmless).
func openSupports(recs []StoredRecord, opener *record.Opener, rollKey []byte) ([]SupportCheck, []int64) {
	checks := make([]SupportCheck, len(recs))
	hashes := make([]int64, len(recs))
	workers := min(runtime.GOMAXPROCS(0), len(recs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			h := roll.NewHasher(rollKey)
			for i := w; i < len(recs); i += workers {
				checks[i], hashes[i] = openSupport(recs[i], opener, h)
			}
		})
	}
	wg.Wait()
	return checks, hashes
}

func openSupport(sr StoredRecord, opener *record.Opener, h *roll.Hasher) (SupportCheck, int64) {
	c := SupportCheck{RecordID: sr.ID, SubjectID: sr.SubjectID, DeviceID: sr.DeviceID, Alcaldia: sr.Alcaldia, Status: StatusUnreadable}
	r, err := record.Unmarshal(sr.Data)
	if err != nil {
		return c, 0
	}
	c.SignerIndex = r.SignerIndex
	b, err := opener.Open(r.Body)
	if err != nil || b.Signer == nil {
		return c, 0
	}
	c.Canvasser = b.Canvasser
	id := voterid.Normalize(b.Signer.VoterID)
	switch voterid.Type(b.Signer.IDType) {
	case voterid.CURP:
		c.Status = StatusNotCheckable
		return c, 0
	case voterid.INE:
		c.Status = ""
		return c, h.Hash(id)
	}
	return c, 0
}

// RunRollChecks classifies new supports every interval until ctx ends,
// once a roll key exists in dataDir (the first import makes it). It logs
// counts only.
func RunRollChecks(ctx context.Context, store RollStore, dataDir string, pub, priv *[32]byte, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	var key []byte
	for {
		if key == nil {
			k, err := LoadRollKey(dataDir, false)
			switch {
			case err == nil:
				key = k
			case !errors.Is(err, fs.ErrNotExist):
				log.Warn("load roll key", "err", err)
			}
		}
		if key != nil {
			n, changed, err := CheckSupports(ctx, store, pub, priv, key)
			switch {
			case err != nil && ctx.Err() == nil:
				log.Warn("check supports against the roll", "err", err)
			case changed > 0:
				log.Warn("the new roll would change supports a reviewer decided; their decisions stand", "checked", n, "decided_changed", changed)
			case n > 0:
				log.Info("checked supports against the roll", "checked", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// EffectiveStatus is the status a support counts under: a reviewer's
// decision wins over the roll.
func EffectiveStatus(status, decision string) string {
	switch decision {
	case DecisionValid:
		return StatusVerified
	case DecisionInvalid:
		return StatusRejected
	}
	return status
}
