package syncer

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// publishCentral is the real central behind a wrapper that can change an
// answer before the device reads it, as a broken or hostile link would.
type publishCentral struct {
	c       *centraltest.Central
	url     string
	tamper  atomic.Pointer[func(path string, body []byte, h http.Header) []byte]
	haves   atomic.Int64 // campaign requests that offered a delta base
	wholes  atomic.Int64 // campaign requests that did not
	offline atomic.Bool
}

func startPublishCentral(t *testing.T) *publishCentral {
	pc := &publishCentral{c: centraltest.Start(t)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if pc.offline.Load() {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		if r.URL.Path == protocol.PathCampaign {
			if r.Header.Get(protocol.HeaderCampaignHave) != "" {
				pc.haves.Add(1)
			} else {
				pc.wholes.Add(1)
			}
		}
		f := pc.tamper.Load()
		if f == nil {
			pc.c.Server.ServeHTTP(w, r)
			return
		}
		r.Header.Del("Accept-Encoding")
		rec := httptest.NewRecorder()
		pc.c.Server.ServeHTTP(rec, r)
		body := (*f)(r.URL.Path, rec.Body.Bytes(), rec.Header())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	pc.url = srv.URL
	return pc
}

func (pc *publishCentral) setTamper(f func(path string, body []byte, h http.Header) []byte) {
	if f == nil {
		pc.tamper.Store(nil)
		return
	}
	pc.tamper.Store(&f)
}

// enroll makes a device enrolled through the wrapper, its outbox at a
// path the test can open behind the outbox's back.
func (pc *publishCentral) enroll(t *testing.T) (*Syncer, *outbox.Store, string) {
	t.Helper()
	code, err := protocol.ParseCode(pc.c.Code(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	code.URL = pc.url
	path := filepath.Join(t.TempDir(), "outbox.db")
	store, err := outbox.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	s := quietSyncer(store)
	if _, err := s.Enroll(context.Background(), code.String(), "quiosco", record.ModeKiosk); err != nil {
		t.Fatal(err)
	}
	return s, store, path
}

// addProposal publishes the newest version with one proposal more.
func (pc *publishCentral) addProposal(t *testing.T, id string) []byte {
	t.Helper()
	ctx := context.Background()
	pcs, err := pc.c.Store.Campaigns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := campaign.Parse("newest", pcs[len(pcs)-1].Content)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Proposals[0]
	p.ID, p.Title = id, campaign.Text{"es": "Propuesta " + id, "en": "Proposal " + id}
	c.Proposals = append(c.Proposals, p)
	data, err := campaign.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := pc.c.Server.Publish(ctx, id, data)
	if err != nil {
		t.Fatal(err)
	}
	pcs, err = pc.c.Store.Campaigns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pcs[len(pcs)-1].Version != v {
		t.Fatalf("published version %d is not the newest", v)
	}
	return pcs[len(pcs)-1].Content
}

func latestStored(t *testing.T, store *outbox.Store) *outbox.StoredCampaign {
	t.Helper()
	sc, err := store.LatestCampaign(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestCampaignDeltas(t *testing.T) {
	ctx := context.Background()
	pc := startPublishCentral(t)
	s, store, path := pc.enroll(t)
	key := s.mustIdentity(t).ServerKey

	t.Run("N→M applied equals version M byte for byte and verifies", func(t *testing.T) {
		want := pc.addProposal(t, "nueva-1")
		pc.haves.Store(0)
		v, changed, err := s.PullCampaign(ctx)
		if err != nil || !changed || v != 2 {
			t.Fatalf("PullCampaign = %d, %v, %v", v, changed, err)
		}
		sc := latestStored(t, store)
		if string(sc.Content) != string(want) {
			t.Error("the assembled version 2 differs from central's")
		}
		if !protocol.VerifyCampaign(key, sc.Version, sc.Content, sc.Signature) {
			t.Error("the stored version does not verify")
		}
		if pc.haves.Load() != 1 {
			t.Errorf("%d requests offered version 1 as a delta base, want 1", pc.haves.Load())
		}
	})

	t.Run("a tampered delta is refused and nothing changes", func(t *testing.T) {
		pc.addProposal(t, "nueva-2")
		pc.setTamper(func(path string, body []byte, h http.Header) []byte {
			if path != protocol.PathCampaign || !strings.Contains(string(body), `"delta"`) {
				return body
			}
			// Flip a character inside the base64 delta.
			i := strings.Index(string(body), `"delta":"`) + len(`"delta":"`) + 12
			b := []byte(string(body))
			if b[i] == 'A' {
				b[i] = 'B'
			} else {
				b[i] = 'A'
			}
			return b
		})
		defer pc.setTamper(nil)
		before := latestStored(t, store)
		_, changed, err := s.PullCampaign(ctx)
		if !errors.Is(err, ErrCampaignRefused) || changed {
			t.Fatalf("PullCampaign = changed %v, %v; want ErrCampaignRefused", changed, err)
		}
		if after := latestStored(t, store); after.Version != before.Version || string(after.Content) != string(before.Content) {
			t.Errorf("stored version %d after a tampered delta, want %d unchanged", after.Version, before.Version)
		}
		pc.setTamper(nil)
		wholes := pc.wholes.Load()
		if v, changed, err := s.PullCampaign(ctx); err != nil || !changed || v != 3 {
			t.Fatalf("next pull: %d, %v, %v", v, changed, err)
		}
		if pc.wholes.Load() != wholes+1 {
			t.Error("after a refused delta the next pull did not ask for the whole version")
		}
	})

	t.Run("a damaged local copy falls back to a full download", func(t *testing.T) {
		want := pc.addProposal(t, "nueva-3")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`UPDATE campaigns SET content = replace(content, 'Propuesta nueva-1', 'Propuesta nueva-X') WHERE version = 3`); err != nil {
			t.Fatal(err)
		}
		if sc := latestStored(t, store); protocol.VerifyCampaign(key, sc.Version, sc.Content, sc.Signature) {
			t.Fatal("the test did not damage the stored copy")
		}
		haves, wholes := pc.haves.Load(), pc.wholes.Load()
		v, changed, err := s.PullCampaign(ctx)
		if err != nil || !changed || v != 4 {
			t.Fatalf("PullCampaign = %d, %v, %v", v, changed, err)
		}
		if pc.haves.Load() != haves || pc.wholes.Load() != wholes+1 {
			t.Error("a damaged copy was offered as a delta base")
		}
		if sc := latestStored(t, store); string(sc.Content) != string(want) {
			t.Error("the whole version 4 was not stored")
		}
	})
}

func TestProgressOnTheDevice(t *testing.T) {
	ctx := context.Background()
	pc := startPublishCentral(t)
	clk := time.Now().Truncate(time.Second)
	var now atomic.Int64
	now.Store(clk.UnixMilli())
	pc.c.Server.Now = func() time.Time { return time.UnixMilli(now.Load()).UTC() }
	s, store, _ := pc.enroll(t)
	id := s.mustIdentity(t)

	doc, changed, err := s.PullProgress(ctx)
	if err != nil || !changed || doc == nil || doc.CampaignID != id.CampaignID {
		t.Fatalf("PullProgress = %+v, %v, %v", doc, changed, err)
	}
	first := doc.Serial

	t.Run("the kiosk reads the stored document", func(t *testing.T) {
		got, err := handoff.ReadProgress(ctx, store)
		if err != nil || got == nil || got.Serial != first {
			t.Fatalf("ReadProgress = %+v, %v", got, err)
		}
	})
	t.Run("a current device gets 304 and keeps its document", func(t *testing.T) {
		doc, changed, err := s.PullProgress(ctx)
		if err != nil || changed || doc.Serial != first {
			t.Fatalf("PullProgress = %+v, %v, %v", doc, changed, err)
		}
	})

	var held atomic.Pointer[[]byte]
	t.Run("a forged document is refused", func(t *testing.T) {
		now.Add(int64(time.Hour / time.Millisecond))
		pc.setTamper(func(path string, body []byte, h http.Header) []byte {
			if path != protocol.PathProgress {
				return body
			}
			b := []byte(strings.Replace(string(body), `"proposals":[`, `"proposals":[{"id":"derechos-lgbttti","signers":99999,"tier":3},`, 1))
			return b
		})
		defer pc.setTamper(nil)
		_, changed, err := s.PullProgress(ctx)
		if !errors.Is(err, handoff.ErrProgressRefused) || changed {
			t.Fatalf("PullProgress = changed %v, %v; want ErrProgressRefused", changed, err)
		}
		if got, _ := handoff.ReadProgress(ctx, store); got.Serial != first {
			t.Errorf("held serial %d after a forged document, want %d", got.Serial, first)
		}
	})
	t.Run("a newer document replaces it; replaying the older one is refused", func(t *testing.T) {
		old, err := handoff.LoadProgress(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		held.Store(&old.Document)
		doc, changed, err := s.PullProgress(ctx)
		if err != nil || !changed || doc.Serial <= first {
			t.Fatalf("PullProgress = %+v, %v, %v", doc, changed, err)
		}
		pc.setTamper(func(path string, body []byte, h http.Header) []byte {
			if path != protocol.PathProgress {
				return body
			}
			h.Set("ETag", `"replayed"`)
			h.Set(protocol.HeaderAnswerSignature, base64Std(old.Signature))
			return *held.Load()
		})
		defer pc.setTamper(nil)
		now.Add(int64(time.Hour / time.Millisecond))
		_, changed, err = s.PullProgress(ctx)
		if !errors.Is(err, handoff.ErrProgressRefused) || changed {
			t.Fatalf("replay: changed %v, %v; want ErrProgressRefused", changed, err)
		}
		if got, _ := handoff.ReadProgress(ctx, store); got.Serial != doc.Serial {
			t.Errorf("held serial %d after a replay, want %d", got.Serial, doc.Serial)
		}
	})
	t.Run("offline, the device keeps the last signed count and its time", func(t *testing.T) {
		before, _ := handoff.ReadProgress(ctx, store)
		pc.offline.Store(true)
		defer pc.offline.Store(false)
		if _, _, err := s.PullProgress(ctx); err == nil {
			t.Fatal("no error with central unreachable")
		}
		got, err := handoff.ReadProgress(ctx, store)
		if err != nil || got.Serial != before.Serial || !got.CountedAt.Equal(before.CountedAt) {
			t.Errorf("after going offline: %+v, %v", got, err)
		}
	})
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
