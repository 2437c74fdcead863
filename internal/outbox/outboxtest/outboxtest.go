// Package outboxtest makes enrolled device outboxes for tests, without a
// central server: it enrolls them as package demo does, and keeps the
// campaign private key so tests can open what the device sealed.
package outboxtest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"testing"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/demo"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
)

// Device is an enrolled test device and the central-side keys that go
// with it.
type Device struct {
	Store    *outbox.Store
	Identity *outbox.Identity
	Campaign *campaign.Campaign

	SealPub, SealPriv *[32]byte          // campaign key pair
	ServerKey         ed25519.PrivateKey // signs campaign content
}

// NewEnrolled opens a fresh outbox in tb.TempDir(), enrolled in the given
// mode (record.ModeKiosk or record.ModeCanvasser) with the default
// campaign stored and signed. The store is closed when the test ends.
func NewEnrolled(tb testing.TB, mode string) *Device {
	tb.Helper()
	return NewEnrolledAt(tb, filepath.Join(tb.TempDir(), "outbox.db"), mode)
}

// NewEnrolledAt is NewEnrolled with a chosen file path.
func NewEnrolledAt(tb testing.TB, path, mode string) *Device {
	tb.Helper()
	ctx := context.Background()
	s, err := outbox.Open(ctx, path)
	if err != nil {
		tb.Fatalf("open outbox: %v", err)
	}
	tb.Cleanup(func() { s.Close() })

	e, err := demo.EnrollAs(ctx, s, demo.Device{
		Mode:      mode,
		DeviceID:  "dev-TEST" + randomSuffix(),
		Name:      "test device",
		ServerURL: "http://127.0.0.1:1",
		ETag:      "\"v1\"",
	})
	if err != nil {
		tb.Fatalf("enroll test device: %v", err)
	}
	return &Device{Store: s, Identity: e.Identity, Campaign: e.Campaign, SealPub: e.SealPub, SealPriv: e.SealPriv, ServerKey: e.ServerKey}
}

// Open opens a record's sealed body with the campaign private key.
func (d *Device) Open(tb testing.TB, r *record.Record) *record.Body {
	tb.Helper()
	b, err := record.OpenBody(r.Body, d.SealPub, d.SealPriv)
	if err != nil {
		tb.Fatalf("open body of record %d: %v", r.Seq, err)
	}
	return b
}

// Records returns every stored record, in sequence order, decoded.
func (d *Device) Records(tb testing.TB) []*record.Record {
	tb.Helper()
	ctx := context.Background()
	n, err := d.Store.Counts(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	var out []*record.Record
	for seq := uint64(1); seq <= n.LastSeq; seq++ {
		r, _, err := d.Store.Get(ctx, seq)
		if err != nil {
			tb.Fatal(err)
		}
		if r != nil {
			out = append(out, r)
		}
	}
	return out
}

func randomSuffix() string {
	b := make([]byte, 5)
	rand.Read(b)
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = alphabet[int(c)%32]
	}
	return string(out)
}
