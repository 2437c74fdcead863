package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

// submissionRecs stores n proposal records from device dev, one a minute
// from at, alternating alcaldía and channel, and returns the queue rows a
// key holder would file for them.
func submissionRecs(t *testing.T, s central.OperationsStore, dev string, n int, at time.Time) []central.Submission {
	t.Helper()
	var subs []central.Submission
	for i := range n {
		kind := record.KindProposal
		if i%4 == 3 {
			kind = record.KindEventProposal
		}
		area := []string{"iztapalapa", "coyoacan", ""}[i%3]
		in := Incoming(t, Rec{Device: dev, Seq: uint64(i + 1), Kind: kind, Subject: record.NewSubmissionID(kind), Alcaldia: area})
		ingest(t, s, at.Add(time.Duration(i)*time.Minute), dev, in)
		r := in.Record
		sub := central.Submission{
			RecordID: r.ID, Kind: string(kind), SubjectID: r.SubjectID, DeviceID: dev, Channel: in.Channel, Alcaldia: area,
			Theme: "agua", Lang: "es", Title: fmt.Sprintf("Propuesta %d <b>", i), Text: "Texto\ncon dos líneas",
			DeviceTime: r.DeviceTime, ReceivedAt: at.Add(time.Duration(i) * time.Minute).Truncate(time.Millisecond),
			Status: central.SubmissionPending, AuthorArea: "tlalpan",
		}
		if kind == record.KindProposal {
			sub.SignerIndex = record.BlindIndex([]byte("storetest dedupe key"), fmt.Sprintf("AUTHOR%d", i), r.SubjectID)
		} else {
			sub.Venue, sub.Starts = "Casa de cultura", Base.Add(48*time.Hour)
		}
		subs = append(subs, sub)
	}
	return subs
}

func testModerationQueue(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-m", record.ModeKiosk)
	subs := submissionRecs(t, s, "dev-m", 8, Base)
	// A signature and a survey are not submissions.
	ingest(t, s, Base, "dev-m", Incoming(t, Rec{Device: "dev-m", Seq: 100, Signer: "A"}), Incoming(t, Rec{Device: "dev-m", Seq: 101, Kind: record.KindSurvey}))

	var zero [16]byte
	open, err := s.SubmissionsToOpen(ctx, zero, 5)
	if err != nil || len(open) != 5 {
		t.Fatalf("submissions to open (limit 5): %d, %v", len(open), err)
	}
	for i := 1; i < len(open); i++ {
		if string(open[i-1].ID[:]) >= string(open[i].ID[:]) {
			t.Fatal("submissions to open are not in id order")
		}
	}
	rest, err := s.SubmissionsToOpen(ctx, open[4].ID, 100)
	if err != nil || len(rest) != 3 {
		t.Fatalf("submissions to open after the fifth: %d, %v", len(rest), err)
	}
	if n, err := s.FileSubmissions(ctx, subs); err != nil || n != 8 {
		t.Fatalf("file: %d, %v", n, err)
	}
	if n, err := s.FileSubmissions(ctx, subs[:2]); err != nil || n != 0 {
		t.Fatalf("filing again: %d, %v; want 0", n, err)
	}
	if left, err := s.SubmissionsToOpen(ctx, zero, 100); err != nil || len(left) != 0 {
		t.Fatalf("filed submissions are still to open: %d, %v", len(left), err)
	}
	got, err := s.Submission(ctx, subs[3].RecordID)
	if err != nil {
		t.Fatal(err)
	}
	want := subs[3]
	want.DeviceTime = want.DeviceTime.UTC()
	want.Starts = want.Starts.UTC()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("submission read back\n got %+v\nwant %+v", got, want)
	}
	if _, err := s.Submission(ctx, [16]byte{1}); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("unknown submission: %v, want ErrNotFound", err)
	}
	if sr, err := s.SubmissionRecord(ctx, subs[0].RecordID); err != nil || sr.SubjectID != subs[0].SubjectID {
		t.Errorf("submission record: %+v, %v", sr.SubjectID, err)
	}

	for _, c := range []struct {
		name  string
		f     central.SubmissionFilter
		total int64
		first int // index in subs of the first row
	}{
		{"all, oldest first", central.SubmissionFilter{Status: central.SubmissionPending}, 8, 0},
		{"a page", central.SubmissionFilter{Status: central.SubmissionPending, Offset: 2, Limit: 3}, 8, 2},
		{"by kind", central.SubmissionFilter{Kind: string(record.KindEventProposal)}, 2, 3},
		{"by alcaldía", central.SubmissionFilter{Alcaldia: "coyoacan"}, 3, 1},
		{"the whole city", central.SubmissionFilter{Alcaldia: central.AlcaldiaCity}, 2, 2},
		{"by channel", central.SubmissionFilter{Channel: record.ModeKiosk}, 8, 0},
		{"by age", central.SubmissionFilter{ReceivedBefore: Base.Add(5 * time.Minute), ReceivedAfter: Base.Add(2 * time.Minute)}, 3, 2},
		{"nothing", central.SubmissionFilter{Channel: record.ModeCanvasser}, 0, -1},
	} {
		page, total, err := s.Submissions(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if total != c.total {
			t.Errorf("%s: total %d, want %d", c.name, total, c.total)
		}
		switch {
		case c.first < 0 && len(page) != 0:
			t.Errorf("%s: %d rows, want none", c.name, len(page))
		case c.first >= 0 && (len(page) == 0 || page[0].RecordID != subs[c.first].RecordID):
			t.Errorf("%s: first row is not submission %d", c.name, c.first)
		case c.f.Limit > 0 && len(page) != c.f.Limit:
			t.Errorf("%s: %d rows, want %d", c.name, len(page), c.f.Limit)
		}
	}

	// Decisions: who, when, what; a decided one cannot be decided again.
	at := Base.Add(time.Hour).Truncate(time.Millisecond)
	d := central.Decision{RecordID: subs[1].RecordID, Status: central.SubmissionDeclined, Reason: central.DeclineOffensive, Note: "n", By: "mod", At: at}
	if err := s.DecideSubmission(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.DecideSubmission(ctx, d); !errors.Is(err, central.ErrDecided) {
		t.Errorf("deciding twice: %v, want ErrDecided", err)
	}
	if err := s.DecideSubmission(ctx, central.Decision{RecordID: [16]byte{9}, Status: central.SubmissionDeclined}); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("deciding an unknown submission: %v, want ErrNotFound", err)
	}
	got, _ = s.Submission(ctx, subs[1].RecordID)
	if got.Status != central.SubmissionDeclined || got.Reason != central.DeclineOffensive || got.Note != "n" || got.DecidedBy != "mod" || !got.DecidedAt.Equal(at) {
		t.Errorf("declined submission reads back as %+v", got)
	}
	if _, total, _ := s.Submissions(ctx, central.SubmissionFilter{Status: central.SubmissionPending}); total != 7 {
		t.Errorf("pending after one decision: %d, want 7", total)
	}

	// Submissions per device in a window: the abuse flag's count.
	counts, err := s.SubmissionCounts(ctx, Base.Add(4*time.Minute))
	if err != nil || counts["dev-m"] != 4 {
		t.Errorf("submission counts since minute 4: %v, %v; want dev-m 4", counts, err)
	}
}

func testModerationSupports(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-n", record.ModeKiosk)
	subs := submissionRecs(t, s, "dev-n", 4, Base)
	if _, err := s.FileSubmissions(ctx, subs); err != nil {
		t.Fatal(err)
	}
	// Signer A signed p-agua directly; the author of subs[1] is A too.
	ingest(t, s, Base, "dev-n", Incoming(t, Rec{Device: "dev-n", Seq: 50, Signer: "A"}))
	idxA := record.BlindIndex([]byte("storetest dedupe key"), "A", "p-agua")
	at := Base.Add(time.Hour)
	// subs[0] is published as itself: its author's own support counts.
	if err := s.DecideSubmission(ctx, central.Decision{RecordID: subs[0].RecordID, Status: central.SubmissionPublished, Target: subs[0].SubjectID,
		By: "mod", At: at, Support: &central.SignerKey{Subject: subs[0].SubjectID, Index: string(subs[0].SignerIndex)}}); err != nil {
		t.Fatal(err)
	}
	// subs[1] merges into p-agua, whose signer A its author is: once.
	if err := s.DecideSubmission(ctx, central.Decision{RecordID: subs[1].RecordID, Status: central.SubmissionMerged, Target: "p-agua",
		By: "mod", At: at, Support: &central.SignerKey{Subject: "p-agua", Index: string(idxA)}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.SignerCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int64{"p-agua": 1, subs[0].SubjectID: 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("signer counts %v, want %v", got, want)
	}
	tl, err := s.Tallies(ctx, at, MexicoCity())
	if err != nil {
		t.Fatal(err)
	}
	bySubject := map[string]central.ProposalTally{}
	for _, p := range tl.Proposals {
		bySubject[p.ID] = p
	}
	if p := bySubject["p-agua"]; p.Supports != 2 || p.UniqueSigners != 1 || p.ByAlcaldia["tlalpan"] != 1 {
		t.Errorf("p-agua tallies %+v: want 2 supports (a signature and the merged author), 1 signer", p)
	}
	if p := bySubject[subs[0].SubjectID]; p.Supports != 1 || p.UniqueSigners != 1 {
		t.Errorf("published citizen proposal tallies %+v: want its author's support", p)
	}
	if tl.ByKind[string(record.KindProposal)] != 3 || tl.ByKind[string(record.KindEventProposal)] != 1 {
		t.Errorf("by kind %v: want 3 proposals and 1 event proposal", tl.ByKind)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range st.Proposals {
		if p.ID == "p-agua" && (p.Supports != 2 || p.UniqueSigners != 1) {
			t.Errorf("stats for p-agua %+v: want 2 supports, 1 signer", p)
		}
	}

	// Supports collected at an assembly, by its envelope event id.
	in := Incoming(t, Rec{Device: "dev-n", Seq: 60, Signer: "Z"})
	in.Record.EventID = "ca-abcdefghijklmnop"
	in.Data = in.Record.Marshal()
	ingest(t, s, Base, "dev-n", in)
	if n, err := s.EventSupports(ctx, "ca-abcdefghijklmnop"); err != nil || n != 1 {
		t.Errorf("event supports: %d, %v; want 1", n, err)
	}
}

func testModerationWithdrawn(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	Enrolled(t, s, "dev-w", record.ModeKiosk)
	subs := submissionRecs(t, s, "dev-w", 2, Base)
	subs[0].Named, subs[0].AuthorName = true, "Rosa Pérez"
	if _, err := s.FileSubmissions(ctx, subs); err != nil {
		t.Fatal(err)
	}
	own := central.SignerKey{Subject: subs[0].SubjectID, Index: string(subs[0].SignerIndex)}
	if err := s.DecideSubmission(ctx, central.Decision{RecordID: subs[0].RecordID, Status: central.SubmissionPublished,
		Target: subs[0].SubjectID, By: "mod", At: Base, Support: &own}); err != nil {
		t.Fatal(err)
	}
	// The author asks for their data to be cancelled (ARCO).
	if n, err := s.CancelRecords(ctx, [][16]byte{subs[0].RecordID, subs[1].RecordID}, []central.SignerKey{own}, Base.Add(time.Hour)); err != nil || n != 2 {
		t.Fatalf("cancel: %d, %v", n, err)
	}
	for _, sub := range subs {
		got, err := s.Submission(ctx, sub.RecordID)
		if err != nil || got.Status != central.SubmissionWithdrawn || got.AuthorName != "" {
			t.Errorf("a cancelled submission: status %q, author %q, %v; want withdrawn without the name", got.Status, got.AuthorName, err)
		}
		if err := s.DecideSubmission(ctx, central.Decision{RecordID: sub.RecordID, Status: central.SubmissionPublished, By: "mod", At: Base}); !errors.Is(err, central.ErrDecided) {
			t.Errorf("deciding a withdrawn submission: %v, want ErrDecided", err)
		}
	}
	tl, err := s.Tallies(ctx, Base.Add(time.Hour), MexicoCity())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range tl.Proposals {
		if p.ID == subs[0].SubjectID && (p.Supports != 0 || p.UniqueSigners != 0) {
			t.Errorf("a withdrawn proposal still counts its author: %+v", p)
		}
	}
	if got, _ := s.SignerCounts(ctx); got[subs[0].SubjectID] != 0 {
		t.Errorf("signer counts %v: the withdrawn author still counts", got)
	}
}
