package syncer

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

func openOutbox(t *testing.T) *outbox.Store {
	t.Helper()
	s, err := outbox.Open(context.Background(), filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func quietSyncer(store *outbox.Store) *Syncer {
	s := New(store)
	s.Logger = slog.New(slog.DiscardHandler)
	return s
}

func TestEnroll(t *testing.T) {
	ctx := context.Background()

	t.Run("a version 1 code issued before version 2 still enrolls", func(t *testing.T) {
		fc := newFakeCentral(t)
		pc, err := protocol.ParseCode(fc.code(""))
		if err != nil {
			t.Fatal(err)
		}
		// A version 1 fingerprint is the first 80 bits of the same hash.
		pc.Fingerprint = pc.Fingerprint[:16]
		if pc.Version() != 1 {
			t.Fatalf("made a version %d code", pc.Version())
		}
		if _, err := quietSyncer(openOutbox(t)).Enroll(ctx, pc.String(), "kiosk", record.ModeKiosk); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a good code enrolls and brings the campaign", func(t *testing.T) {
		fc := newFakeCentral(t)
		store := openOutbox(t)
		e, err := quietSyncer(store).Enroll(ctx, fc.code(""), "kiosk zócalo", record.ModeCanvasser)
		if err != nil {
			t.Fatal(err)
		}
		id, err := store.Identity(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fc.mu.Lock()
		registered := fc.devices[id.DeviceID]
		fc.mu.Unlock()
		switch {
		case e.DeviceID != id.DeviceID || id.Name != "kiosk zócalo" || id.Mode != record.ModeCanvasser:
			t.Fatalf("enrollment %+v, identity %+v", e, id)
		case !registered.Equal(id.DeviceKey.Public().(ed25519.PublicKey)):
			t.Fatal("central holds another key than the device's")
		case id.ServerURL != fc.srv.URL || id.CampaignID != "cdmx-2016":
			t.Fatalf("identity server %q campaign %q", id.ServerURL, id.CampaignID)
		case e.CampaignVersion != 1 || e.ClockFarOff:
			t.Fatalf("enrollment %+v", e)
		}
	})

	closed := httptest.NewServer(nil)
	closed.Close()
	for _, tc := range []struct {
		name     string
		code     func(fc *fakeCentral) string
		setup    func(fc *fakeCentral)
		want     error
		kind     string
		requests int // enrollment requests central should have seen
	}{
		{name: "a mistyped code fails on the device", code: func(fc *fakeCentral) string {
			c := fc.code("")
			i := strings.LastIndexByte(c, '#') + 2
			swap := map[byte]byte{'A': 'B'}[c[i]]
			if swap == 0 {
				swap = 'A'
			}
			return c[:i] + string(swap) + c[i+1:]
		}, want: ErrCodeMistyped, kind: handoff.KindCodeMistyped},
		{name: "something that is not a code fails on the device", code: func(*fakeCentral) string { return "hola" },
			want: ErrCodeMistyped, kind: handoff.KindCodeMistyped},
		{name: "a used code", code: func(fc *fakeCentral) string { return fc.code("used") }, want: ErrCodeUsed, kind: handoff.KindCodeUsed, requests: 1},
		{name: "an expired code", code: func(fc *fakeCentral) string { return fc.code("expired") }, want: ErrCodeExpired, kind: handoff.KindCodeExpired, requests: 1},
		{name: "a code central never issued", code: func(fc *fakeCentral) string {
			tok, _ := protocol.NewToken()
			return protocol.ProvisioningCode{URL: fc.srv.URL, Token: tok, Fingerprint: protocol.Fingerprint(fc.serverKey.Public().(ed25519.PublicKey))}.String()
		}, want: ErrUnknownCode, kind: handoff.KindUnknownCode, requests: 1},
		{name: "central unreachable", code: func(fc *fakeCentral) string {
			return protocol.ProvisioningCode{URL: closed.URL, Token: "0123456789AB", Fingerprint: protocol.Fingerprint(fc.serverKey.Public().(ed25519.PublicKey))}.String()
		}, want: ErrUnreachable, kind: handoff.KindUnreachable},
		{name: "central busy", code: func(fc *fakeCentral) string { return fc.code("") },
			setup: func(fc *fakeCentral) {
				fc.addFaults(fault{path: protocol.PathEnroll, status: 503, code: protocol.CodeUnavailable})
			}, want: ErrUnreachable, kind: handoff.KindUnreachable, requests: 1},
		{name: "a server whose key is not the code's", code: func(fc *fakeCentral) string { return fc.code("") },
			setup: func(fc *fakeCentral) { fc.wrongKey = true }, want: ErrServerKeyMismatch, kind: handoff.KindServerKeyMismatch, requests: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc := newFakeCentral(t)
			if tc.setup != nil {
				tc.setup(fc)
			}
			store := openOutbox(t)
			e, err := quietSyncer(store).Enroll(ctx, tc.code(fc), "", "")
			if !errors.Is(err, tc.want) || e != nil {
				t.Fatalf("Enroll = %+v, %v; want %v", e, err, tc.want)
			}
			if k := EnrollErrorKind(err); k != tc.kind {
				t.Fatalf("kind %q, want %q", k, tc.kind)
			}
			if n := fc.count(protocol.PathEnroll); n != tc.requests {
				t.Fatalf("central saw %d enrollment requests, want %d", n, tc.requests)
			}
			if _, err := store.Identity(ctx); !errors.Is(err, outbox.ErrNotEnrolled) {
				t.Fatalf("a failed enrollment left an identity: %v", err)
			}
		})
	}

	t.Run("a clock far off warns but enrolls", func(t *testing.T) {
		fc := newFakeCentral(t)
		fc.serverTime = func() time.Time { return time.Now().Add(-3 * 365 * 24 * time.Hour) }
		e, err := quietSyncer(openOutbox(t)).Enroll(ctx, fc.code(""), "", "")
		if err != nil {
			t.Fatal(err)
		}
		if !e.ClockFarOff || e.ClockSkew > -1000*24*time.Hour {
			t.Fatalf("enrollment %+v: want the clock flagged about three years off", e)
		}
	})

	t.Run("pending records refuse a new enrollment before spending the code", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 3, 1)
		before := fc.count(protocol.PathEnroll)
		code := fc.code("")
		_, err := d.s.Enroll(ctx, code, "", "")
		if !errors.Is(err, ErrPendingRecords) || EnrollErrorKind(err) != handoff.KindPendingRecords {
			t.Fatalf("err = %v, want ErrPendingRecords", err)
		}
		if fc.count(protocol.PathEnroll) != before {
			t.Fatal("the code was sent to central")
		}
		if _, err := d.s.PushOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := d.s.Enroll(ctx, code, "", ""); err != nil {
			t.Fatalf("enrolling again once everything synced: %v", err)
		}
	})

	t.Run("an unreachable campaign still enrolls, and says so", func(t *testing.T) {
		fc := newFakeCentral(t)
		fc.addFaults(fault{path: protocol.PathCampaign, status: 503, code: protocol.CodeUnavailable})
		store := openOutbox(t)
		e, err := quietSyncer(store).Enroll(ctx, fc.code(""), "", "")
		if !errors.Is(err, ErrCampaignPending) || e == nil || EnrollErrorKind(err) != handoff.KindCampaignPending {
			t.Fatalf("Enroll = %+v, %v; want an enrollment with ErrCampaignPending", e, err)
		}
		if _, err := store.Identity(ctx); err != nil {
			t.Fatalf("identity not stored: %v", err)
		}
	})
}
