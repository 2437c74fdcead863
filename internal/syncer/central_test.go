package syncer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// TestAgainstCentral runs the engine against the real central handler and
// database: enrollment, every kind of record from three devices, a
// duplicate signer across devices, an answer lost after central's commit,
// heartbeats for gap reports, and a revoked device.
func TestAgainstCentral(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)

	// Every request goes through a wrapper that can cut the connection
	// after central has answered, as a flaky link does.
	var dropNext atomic.Bool
	wrapped := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == protocol.PathBatches && dropNext.CompareAndSwap(true, false) {
			c.Server.ServeHTTP(httptest.NewRecorder(), r)
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		c.Server.ServeHTTP(w, r)
	}))
	t.Cleanup(wrapped.Close)
	code := func() string {
		pc, err := protocol.ParseCode(c.Code(t, ""))
		if err != nil {
			t.Fatal(err)
		}
		pc.URL = wrapped.URL
		return pc.String()
	}

	type dev struct {
		d   *device
		sum *fieldsim.Summary
	}
	var devs []dev
	want := map[string]int64{}
	total := 0
	for i, mode := range []string{record.ModeKiosk, record.ModeCanvasser, record.ModeKiosk} {
		store := openOutbox(t)
		d := &device{store: store, s: quietSyncer(store), clock: newFakeClock()}
		d.s.Clock = d.clock
		if _, err := d.s.Enroll(ctx, code(), fmt.Sprintf("device %d", i), mode); err != nil {
			t.Fatalf("enroll device %d: %v", i, err)
		}
		sc, err := store.LatestCampaign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := VerifyCampaign(d.s.mustIdentity(t).ServerKey, "", &protocol.CampaignResponse{Version: sc.Version, Content: sc.Content, Signature: sc.Signature})
		if err != nil {
			t.Fatal(err)
		}
		d.c = cp
		g := fieldsim.New(cp, mode, uint64(100+i))
		g.RepeatShare = 0.5
		sum, err := fieldsim.Fill(ctx, store, g, 300)
		if err != nil {
			t.Fatal(err)
		}
		for k, n := range sum.ByKind {
			want[string(k)] += int64(n)
		}
		total += sum.Records
		devs = append(devs, dev{d, sum})
	}

	t.Run("every record arrives once, through a lost answer", func(t *testing.T) {
		dropNext.Store(true)
		for i, v := range devs {
			st, err := v.d.s.Drain(ctx)
			if err != nil {
				t.Fatalf("device %d: %v", i, err)
			}
			if c := v.d.counts(t); c.Pending != 0 || c.Synced != 300 || st.Rejected+st.Conflict != 0 {
				t.Fatalf("device %d: counts %+v, stats %+v", i, c, st)
			}
			if i == 0 && st.Duplicate == 0 {
				t.Fatal("the batch whose answer was lost came back without duplicates")
			}
		}
		st := c.Stats(t)
		if st.Records != int64(total) || st.Conflicts != 0 {
			t.Fatalf("central holds %d records with %d conflicts, devices made %d", st.Records, st.Conflicts, total)
		}
		for k, n := range want {
			if st.ByKind[k] != n {
				t.Errorf("central has %d %s, devices made %d", st.ByKind[k], k, n)
			}
		}
	})

	t.Run("the same person on two devices is one signer", func(t *testing.T) {
		var supports, unique int64
		for _, p := range c.Stats(t).Proposals {
			supports += p.Supports
			unique += p.UniqueSigners
		}
		if supports != want[string(record.KindSignature)] || unique >= supports {
			t.Fatalf("%d supports from %d unique signers; want every signature counted and fewer signers", supports, unique)
		}
	})

	t.Run("heartbeats close the gap report", func(t *testing.T) {
		for _, v := range devs {
			if err := v.d.s.SendHeartbeat(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if st := c.Stats(t); st.Missing != 0 {
			t.Fatalf("central reports %d missing records: %+v", st.Missing, st.Gaps)
		}
	})

	t.Run("campaign content is current", func(t *testing.T) {
		v, changed, err := devs[0].d.s.PullCampaign(ctx)
		if err != nil || changed || v != c.Stats(t).CampaignVersion {
			t.Fatalf("PullCampaign = %d, %v, %v", v, changed, err)
		}
	})

	t.Run("a revoked device stops", func(t *testing.T) {
		d := devs[2].d
		if err := c.Store.RevokeDevice(ctx, d.s.mustIdentity(t).DeviceID, time.Now()); err != nil {
			t.Fatal(err)
		}
		d.fill(t, 3, 9)
		if _, err := d.s.Drain(ctx); !errors.Is(err, ErrStopped) {
			t.Fatalf("Drain = %v, want ErrStopped", err)
		}
		if st := d.status(t); st.Stopped == "" {
			t.Fatalf("status %+v", st)
		}
	})

	t.Run("enrollment refusals have their kinds", func(t *testing.T) {
		used := code()
		if _, err := quietSyncer(openOutbox(t)).Enroll(ctx, used, "", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := quietSyncer(openOutbox(t)).Enroll(ctx, used, "", ""); EnrollErrorKind(err) != handoff.KindCodeUsed {
			t.Fatalf("reusing a code: %v", err)
		}
		pc, _ := protocol.ParseCode(c.CodeAt(t, "", time.Now().Add(-48*time.Hour), time.Hour))
		pc.URL = wrapped.URL
		if _, err := quietSyncer(openOutbox(t)).Enroll(ctx, pc.String(), "", ""); EnrollErrorKind(err) != handoff.KindCodeExpired {
			t.Fatalf("an expired code: %v", err)
		}
	})
}

// TestTokenModeAndNameWin enrolls a device that asks to be a kiosk with a
// code a technician issued for a named canvasser tablet: the device must
// collect as central will count it.
func TestTokenModeAndNameWin(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	pc, err := central.IssueToken(ctx, c.Store, c.Keys, c.URL, record.ModeCanvasser, "tableta Coyoacán 3", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	store := openOutbox(t)
	s := quietSyncer(store)
	e, err := s.Enroll(ctx, pc.String(), "kiosco", record.ModeKiosk)
	if err != nil {
		t.Fatal(err)
	}
	id, err := store.Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if id.Mode != record.ModeCanvasser || e.Mode != record.ModeCanvasser || id.Name != "tableta Coyoacán 3" {
		t.Fatalf("device enrolled as %q %q (reported %q), want the code's canvasser and name", id.Mode, id.Name, e.Mode)
	}
}
