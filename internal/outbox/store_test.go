package outbox_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
)

var ctx = context.Background()

func TestAppendStoresWhatWasSubmitted(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	d := newDrafts(dev.Campaign, 1)
	pub := dev.Identity.DeviceKey.Public().(ed25519.PublicKey)
	for i, draft := range []*record.Draft{d.signature(), d.survey(), d.registration(), d.comment()} {
		r, err := dev.Store.Append(ctx, draft, dev.Campaign)
		if err != nil {
			t.Fatalf("append %s: %v", draft.Kind, err)
		}
		got, state, err := dev.Store.Get(ctx, r.Seq)
		if err != nil {
			t.Fatal(err)
		}
		if state != outbox.StatePending || got.Seq != uint64(i+1) || got.ID != r.ID || got.Kind != draft.Kind {
			t.Fatalf("stored %+v in state %v, want seq %d kind %s pending", got.Envelope, state, i+1, draft.Kind)
		}
		if err := got.Verify(pub); err != nil {
			t.Fatalf("%s: %v", draft.Kind, err)
		}
		body := dev.Open(t, got)
		switch draft.Kind {
		case record.KindSignature:
			if body.Signer.VoterID != draft.Body.Signer.VoterID || body.Signer.Name != draft.Body.Signer.Name {
				t.Fatalf("signer = %+v, want %+v", body.Signer, draft.Body.Signer)
			}
			sig, err := stroke.Decode(body.Strokes)
			if err != nil || len(sig.Strokes) != 12 {
				t.Fatalf("strokes: %v, %v", sig, err)
			}
			if got.Alcaldia != draft.Body.Signer.Alcaldia || len(got.SignerIndex) != record.BlindIndexLen {
				t.Fatalf("envelope alcaldía %q index %x", got.Alcaldia, got.SignerIndex)
			}
		case record.KindSurvey:
			if len(body.Answers) != len(draft.Body.Answers) || got.SubjectID != dev.Campaign.Survey.ID {
				t.Fatalf("answers %v subject %q", body.Answers, got.SubjectID)
			}
		case record.KindEvent:
			if body.Registrant.Name != draft.Body.Registrant.Name {
				t.Fatalf("registrant %+v", body.Registrant)
			}
		case record.KindComment:
			if body.Comment.Text != draft.Body.Comment.Text {
				t.Fatalf("comment %+v", body.Comment)
			}
		}
	}
}

func TestRefusedInputChangesNothing(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	d := newDrafts(dev.Campaign, 2)
	if _, err := dev.Store.Append(ctx, d.comment(), dev.Campaign); err != nil {
		t.Fatal(err)
	}
	bad := d.signature()
	bad.Body.Signer.VoterID = "ABC"
	if _, err := dev.Store.Append(ctx, bad, dev.Campaign); err == nil {
		t.Fatal("a malformed voter id was saved")
	}
	empty := d.signature()
	empty.Body.Strokes = nil
	if _, err := dev.Store.Append(ctx, empty, dev.Campaign); err == nil {
		t.Fatal("an empty signature was saved")
	}
	r, err := dev.Store.Append(ctx, d.comment(), dev.Campaign)
	if err != nil {
		t.Fatal(err)
	}
	if r.Seq != 2 {
		t.Fatalf("next record got seq %d after two refusals, want 2 (refusals must not use a number)", r.Seq)
	}
}

func TestSamePersonCannotSupportTheSameProposalTwice(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	d := newDrafts(dev.Campaign, 3)
	first := d.signature()
	if _, err := dev.Store.Append(ctx, first, dev.Campaign); err != nil {
		t.Fatal(err)
	}
	again := d.signature()
	again.SubjectID = first.SubjectID
	// The same id typed differently normalises to the same person.
	again.Body.Signer.VoterID = " " + lower(first.Body.Signer.VoterID) + " "
	if _, err := dev.Store.Append(ctx, again, dev.Campaign); !errors.Is(err, outbox.ErrDuplicate) {
		t.Fatalf("second support err = %v, want ErrDuplicate", err)
	}
	idx := record.BlindIndex(dev.Identity.DedupeKey, first.Body.Signer.VoterID, first.SubjectID)
	if ok, err := dev.Store.HasSigned(ctx, first.SubjectID, idx); err != nil || !ok {
		t.Fatalf("HasSigned = %v, %v", ok, err)
	}
	// A different proposal is fine.
	other := *again
	for _, p := range dev.Campaign.Proposals {
		if p.ID != first.SubjectID {
			other.SubjectID = p.ID
			break
		}
	}
	if _, err := dev.Store.Append(ctx, &other, dev.Campaign); err != nil {
		t.Fatalf("support of another proposal: %v", err)
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func TestBatchesAndStates(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	s := dev.Store
	clock := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return clock }
	d := newDrafts(dev.Campaign, 4)
	var sizes []int
	for i := 0; i < 10; i++ {
		r, err := s.Append(ctx, d.any(), dev.Campaign)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(r.Marshal()))
		clock = clock.Add(time.Minute)
	}

	t.Run("a batch respects the byte budget but always holds one record", func(t *testing.T) {
		b, err := s.NextBatch(ctx, 1, 100)
		if err != nil || len(b) != 1 || b[0].Seq != 1 {
			t.Fatalf("NextBatch(1 byte) = %d records, %v", len(b), err)
		}
		b, err = s.NextBatch(ctx, sizes[0]+sizes[1]+sizes[2], 100)
		if err != nil || len(b) != 3 {
			t.Fatalf("NextBatch(3 records' bytes) = %d records, %v", len(b), err)
		}
		b, err = s.NextBatch(ctx, 1<<20, 4)
		if err != nil || len(b) != 4 {
			t.Fatalf("NextBatch(max 4) = %d records, %v", len(b), err)
		}
	})

	t.Run("results move records out of pending once", func(t *testing.T) {
		err := s.Apply(ctx, []outbox.Result{
			{Seq: 1, State: outbox.StateSynced}, {Seq: 2, State: outbox.StateDead, Reason: "unknown_subject"}, {Seq: 3, State: outbox.StateSynced},
		})
		if err != nil {
			t.Fatal(err)
		}
		// A retried answer cannot move a record again.
		if err := s.Apply(ctx, []outbox.Result{{Seq: 2, State: outbox.StateSynced}, {Seq: 1, State: outbox.StateDead}}); err != nil {
			t.Fatal(err)
		}
		if _, st, _ := s.Get(ctx, 2); st != outbox.StateDead {
			t.Fatalf("record 2 is %v, want dead", st)
		}
		if _, st, _ := s.Get(ctx, 1); st != outbox.StateSynced {
			t.Fatalf("record 1 is %v, want synced", st)
		}
		if err := s.Apply(ctx, []outbox.Result{{Seq: 4, State: outbox.StatePending}}); err == nil {
			t.Fatal("moving a record back to pending was accepted")
		}
		n, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n.Pending != 7 || n.Synced != 2 || n.Dead != 1 || n.Total() != 10 || n.LastSeq != 10 {
			t.Fatalf("counts = %+v", n)
		}
		if want := time.Date(2026, 11, 1, 10, 3, 0, 0, time.UTC); !n.OldestPending.Equal(want) {
			t.Fatalf("oldest pending = %v, want %v", n.OldestPending, want)
		}
		dead, err := s.DeadRecords(ctx, 10)
		if err != nil || len(dead) != 1 || dead[0].Seq != 2 || dead[0].Reason != "unknown_subject" {
			t.Fatalf("dead records = %+v, %v", dead, err)
		}
		b, err := s.NextBatch(ctx, 1<<20, 100)
		if err != nil || len(b) != 7 || b[0].Seq != 4 {
			t.Fatalf("pending batch = %d records from %d, %v", len(b), b[0].Seq, err)
		}
	})

	t.Run("purge keeps tombstones and counters", func(t *testing.T) {
		clock = clock.Add(48 * time.Hour)
		n, err := s.Purge(ctx, clock.Add(-24*time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("purged %d, %v; want the 2 synced records", n, err)
		}
		r, st, err := s.Get(ctx, 1)
		if err != nil || r != nil || st != outbox.StateSynced {
			t.Fatalf("purged record = %v, %v, %v; want a synced tombstone", r, st, err)
		}
		c, _ := s.Counts(ctx)
		if c.Synced != 2 || c.Total() != 10 {
			t.Fatalf("counts after purge = %+v", c)
		}
		// The next record still follows the sequence.
		r, err = s.Append(ctx, d.comment(), dev.Campaign)
		if err != nil || r.Seq != 11 {
			t.Fatalf("append after purge: seq %v, %v", r, err)
		}
	})

	t.Run("each pending record is visited once in order", func(t *testing.T) {
		var seen []uint64
		if err := s.EachPending(ctx, func(p outbox.Pending) error { seen = append(seen, p.Seq); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 8 || seen[0] != 4 || seen[7] != 11 {
			t.Fatalf("visited %v", seen)
		}
	})
}

func TestFilesArePrivate(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	if _, err := dev.Store.Append(ctx, newDrafts(dev.Campaign, 5).comment(), dev.Campaign); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		fi, err := os.Stat(dev.Store.Path() + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(fi.Name()), fi.Mode().Perm())
		}
	}
}

func TestOpenRefusesADamagedFile(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	d := newDrafts(dev.Campaign, 6)
	for i := 0; i < 50; i++ {
		if _, err := dev.Store.Append(ctx, d.any(), dev.Campaign); err != nil {
			t.Fatal(err)
		}
	}
	path := dev.Store.Path()
	db := dev.Store.DB()
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	// Damage a page that surely holds records, wherever the schema puts
	// it: a leaf of the records table.
	var pageSize, leaf int64
	if err := db.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	err := db.QueryRow(`SELECT pageno FROM dbstat WHERE name = 'records' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1`).Scan(&leaf)
	if err != nil {
		t.Fatal(err)
	}
	dev.Store.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Scribble over its b-tree header and cell pointer array.
	junk := make([]byte, 64)
	for i := range junk {
		junk[i] = 0xA5
	}
	if _, err := f.WriteAt(junk, (leaf-1)*pageSize); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := outbox.Open(ctx, path); !errors.Is(err, outbox.ErrCorrupt) {
		t.Fatalf("open damaged file: err = %v, want ErrCorrupt", err)
	}

	notDB := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notDB, []byte("this is not a database, it is a shopping list"), 0o600)
	if _, err := outbox.Open(ctx, notDB); err == nil {
		t.Fatal("opened a text file as an outbox")
	}
}

// TestFullDiskReachesTheCaller fills the file to a page limit (what SQLite
// reports when the disk is full) and checks the error reaches the caller,
// nothing half-written remains, and work resumes when space returns.
func TestFullDiskReachesTheCaller(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	s := dev.Store
	db := s.DB()
	db.SetMaxOpenConns(1) // page limit is per connection
	var pages int
	if err := db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA max_page_count = ` + itoa(pages+4)); err != nil {
		t.Fatal(err)
	}
	d := newDrafts(dev.Campaign, 8)
	saved := 0
	var full error
	for i := 0; i < 500 && full == nil; i++ {
		if _, err := s.Append(ctx, d.signature(), dev.Campaign); err != nil {
			full = err
		} else {
			saved++
		}
	}
	if full == nil {
		t.Fatal("no error with the file at its page limit")
	}
	t.Logf("full after %d records: %v", saved, full)
	n, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n.Total() != saved || n.LastSeq != uint64(saved) {
		t.Fatalf("counts = %+v after %d saves: a failed save left something behind", n, saved)
	}
	if _, err := db.Exec(`PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	r, err := s.Append(ctx, d.signature(), dev.Campaign)
	if err != nil || r.Seq != uint64(saved+1) {
		t.Fatalf("after space returned: %v, %v", r, err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestIdentityAndSettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	s, err := outbox.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Identity(ctx); !errors.Is(err, outbox.ErrNotEnrolled) {
		t.Fatalf("fresh file identity err = %v", err)
	}
	if _, err := s.LatestCampaign(ctx); !errors.Is(err, outbox.ErrNoCampaign) {
		t.Fatalf("fresh file campaign err = %v", err)
	}
	if v, err := s.Setting(ctx, "idle", "45s"); err != nil || v != "45s" {
		t.Fatalf("default setting = %q, %v", v, err)
	}
	if err := s.SetSetting(ctx, "idle", "60s"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Setting(ctx, "idle", "45s"); v != "60s" {
		t.Fatalf("setting = %q", v)
	}
	st := outbox.SyncStatus{LastSuccess: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), LastError: "no route to host"}
	if err := s.SetSyncStatus(ctx, st); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SyncStatus(ctx); err != nil || !got.LastSuccess.Equal(st.LastSuccess) || got.LastError != st.LastError {
		t.Fatalf("sync status = %+v, %v", got, err)
	}
}

func TestReenrollingRefusesToStrandPendingRecords(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	if _, err := dev.Store.Append(ctx, newDrafts(dev.Campaign, 9).comment(), dev.Campaign); err != nil {
		t.Fatal(err)
	}
	other := *dev.Identity
	other.DeviceID = "dev-OTHER00000"
	if err := dev.Store.SetIdentity(ctx, &other); err == nil {
		t.Fatal("a new identity replaced one with pending records")
	}
	if id, _ := dev.Store.Identity(ctx); id.DeviceID != dev.Identity.DeviceID {
		t.Fatalf("identity changed to %s", id.DeviceID)
	}
}

// TestQueueFollowsAnswersInAnyOrder answers records out of order, twice,
// between new records and once until nothing is pending, and after each
// step compares the queue with every record's state read one by one: the
// queue head that readers start from must never pass a pending record.
func TestQueueFollowsAnswersInAnyOrder(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	s := dev.Store
	d := newDrafts(dev.Campaign, 13)
	rng := rand.New(rand.NewPCG(13, 13))
	appendN := func(n int) {
		for i := 0; i < n; i++ {
			if _, err := s.Append(ctx, d.comment(), dev.Campaign); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendN(20)
	for step := 0; step < 30; step++ {
		c, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var results []outbox.Result
		for i := 0; i < 1+rng.IntN(6); i++ {
			st := outbox.StateSynced
			if rng.IntN(5) == 0 {
				st = outbox.StateDead
			}
			results = append(results, outbox.Result{Seq: 1 + rng.Uint64N(c.LastSeq), State: st})
		}
		if step == 15 {
			// Empty the queue once: the head then passes the last record.
			for seq := uint64(1); seq <= c.LastSeq; seq++ {
				results = append(results, outbox.Result{Seq: seq, State: outbox.StateSynced})
			}
		}
		if err := s.Apply(ctx, results); err != nil {
			t.Fatal(err)
		}
		if step%4 == 0 {
			appendN(3)
		}

		var want []uint64
		synced, dead := 0, 0
		c, err = s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for seq := uint64(1); seq <= c.LastSeq; seq++ {
			_, st, err := s.Get(ctx, seq)
			if err != nil {
				t.Fatal(err)
			}
			switch st {
			case outbox.StatePending:
				want = append(want, seq)
			case outbox.StateSynced:
				synced++
			case outbox.StateDead:
				dead++
			}
		}
		if got := batchSeqs(t, s); !slices.Equal(got, want) {
			t.Fatalf("step %d: next batch = %v, want %v", step, got, want)
		}
		if c.Pending != len(want) || c.Synced != synced || c.Dead != dead {
			t.Fatalf("step %d: counts = %+v, want %d pending, %d synced, %d dead", step, c, len(want), synced, dead)
		}
	}
}

// TestReenrollingStartsANewDevice: once nothing is pending, a new identity
// numbers its records from 1, as central expects of a new device, and
// does not show the old enrollment's campaign.
func TestReenrollingStartsANewDevice(t *testing.T) {
	dev := outboxtest.NewEnrolled(t, record.ModeKiosk)
	s := dev.Store
	d := newDrafts(dev.Campaign, 21)
	for i := 0; i < 3; i++ {
		if _, err := s.Append(ctx, d.comment(), dev.Campaign); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Apply(ctx, []outbox.Result{{Seq: 1, State: outbox.StateSynced}, {Seq: 2, State: outbox.StateSynced},
		{Seq: 3, State: outbox.StateDead, Reason: "unknown_campaign"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(ctx, "idle", "60s"); err != nil {
		t.Fatal(err)
	}
	other := *dev.Identity
	other.DeviceID = "dev-OTHER00000"
	if err := s.SetIdentity(ctx, &other); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Counts(ctx); err != nil || c.Total() != 0 || c.LastSeq != 0 {
		t.Fatalf("after re-enrolling: counts %+v, %v; want an empty queue", c, err)
	}
	if _, err := s.LatestCampaign(ctx); !errors.Is(err, outbox.ErrNoCampaign) {
		t.Fatalf("the old enrollment's campaign is still served: %v", err)
	}
	if v, _ := s.Setting(ctx, "idle", "45s"); v != "60s" {
		t.Fatalf("device setting lost on re-enrolling: %q", v)
	}
	r, err := s.Append(ctx, d.comment(), dev.Campaign)
	if err != nil {
		t.Fatal(err)
	}
	if r.Seq != 1 || r.DeviceID != other.DeviceID {
		t.Fatalf("first record of the new identity: seq %d from %s, want 1 from %s", r.Seq, r.DeviceID, other.DeviceID)
	}
	if c, _ := s.Counts(ctx); c.Pending != 1 {
		t.Fatalf("pending %d, want 1", c.Pending)
	}
	// Saving the identity it already has changes nothing.
	if err := s.SetIdentity(ctx, &other); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Counts(ctx); c.Pending != 1 {
		t.Fatalf("re-saving the same identity dropped records: pending %d", c.Pending)
	}
}

// Each store numbers a record after the last one it stored itself, before
// taking the write lock. Two handles on one file (kiosk and an import, say)
// make that guess wrong on every turn: the record must still get the next
// number, be signed for it, and a duplicate signer must still be refused.
func TestTwoWritersKeepTheSequenceGapFree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	dev := outboxtest.NewEnrolledAt(t, path, record.ModeKiosk)
	other, err := outbox.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	d := newDrafts(dev.Campaign, 31)
	stores := []*outbox.Store{dev.Store, other}
	var signed *record.Draft
	const n = 40
	for i := range n {
		s := stores[i%2]
		if i%3 == 0 {
			// Two in a row from one handle: its guess is right.
			s = stores[0]
		}
		draft := d.signature()
		if signed == nil {
			signed = draft
		}
		r, err := s.Append(ctx, draft, dev.Campaign)
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		if r.Seq != uint64(i+1) {
			t.Fatalf("append %d got seq %d", i, r.Seq)
		}
	}
	again := d.signature()
	again.SubjectID = signed.SubjectID
	again.Body.Signer.VoterID = signed.Body.Signer.VoterID
	for _, s := range stores {
		if _, err := s.Append(ctx, again, dev.Campaign); !errors.Is(err, outbox.ErrDuplicate) {
			t.Fatalf("second support err = %v, want ErrDuplicate", err)
		}
	}
	pub := dev.Identity.DeviceKey.Public().(ed25519.PublicKey)
	for seq := uint64(1); seq <= n; seq++ {
		r, _, err := dev.Store.Get(ctx, seq)
		if err != nil {
			t.Fatalf("record %d: %v", seq, err)
		}
		if r.Seq != seq {
			t.Fatalf("row %d holds a record numbered %d", seq, r.Seq)
		}
		if err := r.Verify(pub); err != nil {
			t.Fatalf("record %d: %v", seq, err)
		}
	}
	if c, err := dev.Store.Counts(ctx); err != nil || c.Pending != n {
		t.Fatalf("counts %+v, %v; want %d pending", c, err, n)
	}
	// A store appending alone takes the single statement from its second
	// record on; the full transaction is for when its guess was wrong.
	before := other.SlowAppends()
	for i := range 5 {
		if _, err := other.Append(ctx, d.comment(), dev.Campaign); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	if got := other.SlowAppends() - before; got != 1 {
		t.Fatalf("%d of 5 appends in a row took the full transaction, want only the first", got)
	}
}
