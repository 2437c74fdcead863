package syncer

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
)

// rawSetting reads a setting the way it sits in the file, without the
// outbox's accessors: the key under which the kiosk and syncd meet.
func rawSetting(t *testing.T, s *outbox.Store, key string) string {
	t.Helper()
	var v string
	if err := s.DB().QueryRow(`SELECT value FROM config WHERE key = ?`, key).Scan(&v); err != nil {
		t.Fatalf("read %s from the file: %v", key, err)
	}
	return v
}

// jsonKeys lists an object's keys, sorted.
func jsonKeys(t *testing.T, raw string) []string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatalf("%q is not a JSON object: %v", raw, err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// The kiosk and syncd are two processes on one file: each side here has
// its own handle on it, and they meet only in the file.
func TestHandOffThroughTheOutboxFile(t *testing.T) {
	ctx := context.Background()

	t.Run("an enrolment the kiosk asks for is answered by syncd", func(t *testing.T) {
		fc := newFakeCentral(t)
		syncdSide := openOutbox(t)
		kioskSide, err := outbox.Open(ctx, syncdSide.Path())
		if err != nil {
			t.Fatal(err)
		}
		defer kioskSide.Close()

		tok, err := handoff.RequestEnroll(ctx, kioskSide, fc.code(""), "tablet 3", record.ModeCanvasser)
		if err != nil {
			t.Fatal(err)
		}
		req := rawSetting(t, syncdSide, "setting.enroll.request")
		if got, want := jsonKeys(t, req), []string{"code", "mode", "name", "token"}; !slices.Equal(got, want) {
			t.Fatalf("request on disk has keys %v, want %v (devices in the field read them)", got, want)
		}
		if out, _ := handoff.EnrollResult(ctx, kioskSide, tok); out != nil {
			t.Fatalf("a result before syncd ran: %+v", out)
		}

		if err := quietSyncer(syncdSide).handleEnrollRequest(ctx); err != nil {
			t.Fatal(err)
		}
		out, err := handoff.EnrollResult(ctx, kioskSide, tok)
		if err != nil || out == nil || out.Kind != "" || out.DeviceID == "" {
			t.Fatalf("outcome the kiosk reads: %+v, %v", out, err)
		}
		res := rawSetting(t, kioskSide, "setting.enroll.result")
		want := []string{"clock_far_off", "clock_skew_seconds", "device_id", "kind", "message", "token"}
		if got := jsonKeys(t, res); !slices.Equal(got, want) {
			t.Fatalf("result on disk has keys %v, want %v", got, want)
		}
		if id, err := kioskSide.Identity(ctx); err != nil || id.DeviceID != out.DeviceID || id.Mode != record.ModeCanvasser {
			t.Fatalf("identity the kiosk sees: %+v, %v", id, err)
		}
		if v := rawSetting(t, kioskSide, "setting.enroll.request"); v != "" {
			t.Fatalf("the one-time code stays in the file: %q", v)
		}
	})

	t.Run("a request an older kiosk wrote is answered too", func(t *testing.T) {
		fc := newFakeCentral(t)
		store := openOutbox(t)
		old := `{"token":"2026-01-01T00:00:00.000000000Z-0a0b0c0d","code":"` + fc.code("used") + `","name":"","mode":""}`
		if _, err := store.DB().Exec(`INSERT INTO config (key, value) VALUES ('setting.enroll.request', ?)`, old); err != nil {
			t.Fatal(err)
		}
		if err := quietSyncer(store).handleEnrollRequest(ctx); err != nil {
			t.Fatal(err)
		}
		out, err := handoff.EnrollResult(ctx, store, "2026-01-01T00:00:00.000000000Z-0a0b0c0d")
		if err != nil || out == nil || out.Kind != handoff.KindCodeUsed || out.Message == "" {
			t.Fatalf("outcome: %+v, %v", out, err)
		}
	})

	t.Run("sync now from the kiosk is acknowledged by syncd", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 4, 7)
		kioskSide, err := outbox.Open(ctx, d.store.Path())
		if err != nil {
			t.Fatal(err)
		}
		defer kioskSide.Close()
		var tok string
		handled := false
		runUntil(t, d.s, d.clock, func(time.Time) bool {
			if tok == "" && fc.stored() == 4 {
				tok, _ = handoff.RequestSync(ctx, kioskSide)
				return false
			}
			handled, _ = handoff.SyncHandled(ctx, kioskSide, tok)
			return tok != "" && handled
		})
		if !handled {
			t.Fatal("syncd never acknowledged the kiosk's sync request")
		}
		if req, ack := rawSetting(t, kioskSide, "setting.sync.request"), rawSetting(t, kioskSide, "setting.sync.handled"); req != tok || ack != tok {
			t.Fatalf("file holds request %q and acknowledgement %q, want both %q", req, ack, tok)
		}
		st, err := handoff.ReadStatus(ctx, kioskSide)
		if err != nil || !st.Enrolled || st.Pending != 0 || st.Synced != 4 || st.LastSuccess == nil {
			t.Fatalf("status the kiosk reads: %+v, %v", st, err)
		}
	})
}
