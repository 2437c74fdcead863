package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
)

// TestDevicesReachCentral is the command's contract: each simulated device
// enrolls, its records all reach central when pushed, central counts
// exactly what the summaries said, and the shared crowd shows up as
// repeat signers across devices.
func TestDevicesReachCentral(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	want := map[string]int64{}
	var total int64
	for i, mode := range []string{record.ModeKiosk, record.ModeCanvasser, record.ModeKiosk} {
		db := filepath.Join(t.TempDir(), "outbox.db")
		var out bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &out}
		err := m.Run(ctx, []string{"--db", db, "--code", c.Code(t, ""), "--records", "400", "--mode", mode, "--repeat-share", "0.5", "--json"})
		if err != nil {
			t.Fatalf("device %d: %v\n%s", i, err, out.String())
		}
		var sum Summary
		if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
			t.Fatalf("device %d printed %q: %v", i, out.String(), err)
		}
		if sum.Records != 400 || sum.Pending != 400 || sum.Mode != mode {
			t.Fatalf("device %d summary %+v", i, sum)
		}
		for k, n := range sum.ByKind {
			if n == 0 {
				t.Errorf("device %d made no %s", i, k)
			}
			want[k] += int64(n)
		}
		total += int64(sum.Records)

		store, err := outbox.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		st, err := syncer.New(store).PushOnce(ctx)
		store.Close()
		if err != nil || st.Accepted != 400 {
			t.Fatalf("device %d push: %+v, %v", i, st, err)
		}
	}
	st := c.Stats(t)
	if st.Records != total {
		t.Fatalf("central holds %d records, devices made %d", st.Records, total)
	}
	for k, n := range want {
		if st.ByKind[k] != n {
			t.Errorf("central holds %d %s, devices made %d", st.ByKind[k], k, n)
		}
	}
	var supports, unique int64
	for _, p := range st.Proposals {
		supports += p.Supports
		unique += p.UniqueSigners
	}
	if unique >= supports {
		t.Fatalf("%d supports from %d unique signers: the shared crowd should repeat across devices", supports, unique)
	}
}

func TestOnlyOneKind(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &out}
	db := filepath.Join(t.TempDir(), "outbox.db")
	if err := m.Run(ctx, []string{"--db", db, "--code", c.Code(t, ""), "--records", "50", "--only", "signature", "--json"}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var sum Summary
	json.Unmarshal(out.Bytes(), &sum)
	if sum.ByKind["signature"] != 50 {
		t.Fatalf("summary %+v", sum)
	}
	t.Run("an enrolled outbox takes more records without a code", func(t *testing.T) {
		out.Reset()
		if err := m.Run(ctx, []string{"--db", db, "--records", "10", "--json"}); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		json.Unmarshal(out.Bytes(), &sum)
		if sum.Records != 10 || sum.Pending != 60 {
			t.Fatalf("summary %+v", sum)
		}
	})
	t.Run("an unenrolled outbox needs a code", func(t *testing.T) {
		if err := m.Run(ctx, []string{"--db", filepath.Join(t.TempDir(), "x.db"), "--records", "1"}); err == nil {
			t.Fatal("filled an outbox that is not enrolled")
		}
	})
}

// TestRollMatchesWhatCentralFinds runs two devices signing with the same
// --roll population, imports the roll the first wrote into central and
// checks central's classification against the population: the first
// device's supports by each signer's fate, every one of the second's a
// duplicate.
func TestRollMatchesWhatCentralFinds(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	dir := t.TempDir()
	rollFile := filepath.Join(dir, "lista.csv")
	const people = 120
	for i := range 2 {
		var out bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &out}
		args := []string{"--db", filepath.Join(dir, fmt.Sprintf("outbox-%d.db", i)), "--code", c.Code(t, record.ModeKiosk), "--records", strconv.Itoa(people),
			"--only", "signature", "--roll", rollFile, "--people", strconv.Itoa(people), "--roll-seed", "5", "--missing", "0.2", "--outside", "0.1", "--curp", "0.15"}
		if err := m.Run(ctx, args); err != nil {
			t.Fatalf("device %d: %v\n%s", i, err, out.String())
		}
		store, err := outbox.Open(ctx, args[1])
		if err != nil {
			t.Fatal(err)
		}
		st, err := syncer.New(store).PushOnce(ctx)
		store.Close()
		if err != nil || st.Accepted != people {
			t.Fatalf("device %d push: %+v, %v", i, st, err)
		}
	}
	if _, err := central.ImportRoll(ctx, c.Store, central.RollImportOptions{DataDir: c.Dir, File: rollFile}); err != nil {
		t.Fatal(err)
	}
	keys, err := central.LoadKeys(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	rollKey, err := central.LoadRollKey(c.Dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if n, _, err := central.CheckSupports(ctx, c.Store, keys.SealPublic, keys.SealPrivate, rollKey); err != nil || n != 2*people {
		t.Fatalf("checked %d supports (%v), want %d", n, err, 2*people)
	}
	pop := fieldsim.NewPopulation(5, people, fieldsim.RollOptions{Missing: 0.2, Outside: 0.1, CURP: 0.15, Extra: people})
	want := map[string]int64{central.StatusDuplicate: people}
	statusOf := map[fieldsim.Fate]string{fieldsim.FateVerified: central.StatusVerified, fieldsim.FateOutsideCity: central.StatusOutsideCity,
		fieldsim.FateNotInRoll: central.StatusNotInRoll, fieldsim.FateNotCheckable: central.StatusNotCheckable}
	for i := range pop.Signers {
		want[statusOf[pop.Signers[i].Fate()]]++
	}
	st, err := central.Summarize(ctx, c.Store)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range central.AllStatuses {
		if st.Roll.ByStatus[s] != want[s] {
			t.Errorf("central counts %d %s, fieldsim's population %d", st.Roll.ByStatus[s], s, want[s])
		}
	}
	for _, s := range []string{central.StatusVerified, central.StatusOutsideCity, central.StatusNotInRoll, central.StatusNotCheckable} {
		if want[s] == 0 {
			t.Errorf("the population has no %s signer: the test proves nothing for it", s)
		}
	}
}

// TestRollAuthorsMatchWhatCentralFinds: with --roll, proposals are written
// by the population's voters who do not sign, in turn; once the desk
// publishes them, central's roll check files each author's support as
// that voter's place in the roll says.
func TestRollAuthorsMatchWhatCentralFinds(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	dir := t.TempDir()
	rollFile := filepath.Join(dir, "lista.csv")
	const people, proposals = 40, 30
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &out}
	db := filepath.Join(dir, "outbox.db")
	args := []string{"--db", db, "--code", c.Code(t, record.ModeKiosk), "--records", strconv.Itoa(proposals), "--only", "proposal",
		"--roll", rollFile, "--people", strconv.Itoa(people), "--roll-seed", "8", "--outside", "0.3"}
	if err := m.Run(ctx, args); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	store, err := outbox.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	st, err := syncer.New(store).PushOnce(ctx)
	store.Close()
	if err != nil || st.Accepted != proposals {
		t.Fatalf("push: %+v, %v", st, err)
	}
	keys := c.Keys
	if n, _, err := central.OpenSubmissions(ctx, c.Store, keys.SealPublic, keys.SealPrivate); err != nil || n != proposals {
		t.Fatalf("opened %d submissions (%v), want %d", n, err, proposals)
	}
	subs, _, err := c.Store.Submissions(ctx, central.SubmissionFilter{Status: central.SubmissionPending})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([][16]byte, len(subs))
	for i, s := range subs {
		ids[i] = s.RecordID
	}
	if _, err := c.Node.Moderation().Publish(ctx, "mod", nil, ids...); err != nil {
		t.Fatal(err)
	}
	if _, err := central.ImportRoll(ctx, c.Store, central.RollImportOptions{DataDir: c.Dir, File: rollFile}); err != nil {
		t.Fatal(err)
	}
	rollKey, err := central.LoadRollKey(c.Dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if n, _, err := central.CheckSupports(ctx, c.Store, keys.SealPublic, keys.SealPrivate, rollKey); err != nil || n != proposals {
		t.Fatalf("checked %d supports (%v), want the %d authors'", n, err, proposals)
	}
	// The population fieldsim made: its flags' defaults but --outside,
	// and as many voters who do not sign as signers.
	opt := fieldsim.DefaultRollOptions
	opt.Outside, opt.Extra = 0.3, people
	pop := fieldsim.NewPopulation(8, people, opt)
	statuses := map[string]int{}
	for _, s := range subs {
		sr, err := c.Store.SubmissionRecord(ctx, s.RecordID)
		if err != nil {
			t.Fatal(err)
		}
		// The device numbers records from 1, one proposal each.
		author := pop.Extra[(sr.Seq-1)%uint64(len(pop.Extra))]
		want := central.StatusVerified
		if author.Fate() == fieldsim.FateOutsideCity {
			want = central.StatusOutsideCity
		}
		got, err := c.Store.SupportCheck(ctx, s.RecordID)
		if err != nil || got.Status != want || got.SubjectID != s.SubjectID {
			t.Errorf("the author of record %d: %+v %v, want %s for %s", sr.Seq, got, err, want, s.SubjectID)
		}
		statuses[want]++
	}
	if statuses[central.StatusVerified] == 0 || statuses[central.StatusOutsideCity] == 0 {
		t.Errorf("authors by status %v: the test proves nothing for one of them", statuses)
	}
}

func TestBigCampaignFlag(t *testing.T) {
	file := filepath.Join(t.TempDir(), "big.json")
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &out}
	if err := m.Run(context.Background(), []string{"--big-campaign", file, "--seed", "3"}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c, err := campaign.Parse(file, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Proposals) != 400 || len(c.Events) != 100 || len(c.Articles) != 10 {
		t.Errorf("%d proposals, %d events, %d articles", len(c.Proposals), len(c.Events), len(c.Articles))
	}
	if c.Proposals[0].Plain != nil {
		t.Error("without --published the campaign has plain summaries")
	}
	t.Run("published", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "published.json")
		if err := m.Run(context.Background(), []string{"--big-campaign", file, "--seed", "3", "--published"}); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		c, err := campaign.Parse(file, data)
		if err != nil {
			t.Fatal(err)
		}
		if c.Proposals[0].Plain == nil || len(c.Answered(time.Time{})) != 50 {
			t.Errorf("plain summary %v, %d answered", c.Proposals[0].Plain, len(c.Answered(time.Time{})))
		}
	})
}
