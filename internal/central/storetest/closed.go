package storetest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	mrand "math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
)

// testClosedProposalIngest runs the server's ingest over the store: a
// support is judged by the campaign version it names, so one made while
// the proposal was open is taken and counted after the proposal closes,
// and one made under the version that closed it (a tampered or faulty
// device's copy) is refused as proposal_closed.
func testClosedProposalIngest(t *testing.T, s central.OperationsStore) {
	ctx := context.Background()
	keys, err := central.InitDir(filepath.Join(t.TempDir(), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	srv := central.NewServer(s, keys)
	if err := srv.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	open, err := campaign.Parse("default", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	v1, _, err := srv.Publish(ctx, "open", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	open.Version = v1
	target := open.Proposals[0].ID
	closed, err := campaign.Parse("default", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	closed.Proposals[0].Closed = true
	data, err := campaign.Marshal(closed)
	if err != nil {
		t.Fatal(err)
	}
	v2, changed, err := srv.Publish(ctx, "closed", data)
	if err != nil || !changed || v2 != v1+1 {
		t.Fatalf("publish the closing: version %d, changed %v, %v", v2, changed, err)
	}
	closed.Version = v2
	// The device that ignores the flag: its copy of the closing version
	// has the proposal open, but the record names that version.
	tampered, err := campaign.Parse("default", data)
	if err != nil {
		t.Fatal(err)
	}
	tampered.Version, tampered.Proposals[0].Closed = v2, false

	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hash := central.HashToken("T-closing")
	if err := s.CreateToken(ctx, central.Token{Hash: hash, CreatedAt: Base.Add(-time.Hour), ExpiresAt: Base.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	dev := central.Device{ID: "dev-closing", PublicKey: pub, Name: "closing", Mode: record.ModeKiosk, AppVersion: "1.0.0", EnrolledAt: Base.Add(-time.Hour)}
	if _, err := s.Enroll(ctx, hash, dev, Base.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	rng := mrand.New(mrand.NewPCG(7, 7))
	var seq uint64
	support := func(c *campaign.Campaign, proposal, voter string) []byte {
		t.Helper()
		strokes, err := stroke.Synthetic(rng, 600, 250, 10).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		dr := &record.Draft{Kind: record.KindSignature, Mode: record.ModeKiosk, SubjectID: proposal}
		dr.Body.Signer = &record.Signer{Name: "Rosa Cruz Flores", IDType: campaign.IDTypeINE, VoterID: voter,
			Alcaldia: campaign.Alcaldias[0].ID, ConsentVersion: c.Privacy.Version}
		dr.Body.Strokes = strokes
		r, err := record.Build(dr, c, &record.Keys{DeviceID: dev.ID, SealTo: keys.SealPublic, DedupeKey: keys.Dedupe}, Base)
		if err != nil {
			t.Fatalf("build a support under version %d: %v", c.Version, err)
		}
		seq++
		r.Seq = seq
		r.Sign(priv)
		return r.Marshal()
	}
	before := support(open, target, "GMVLMR80070509M100")                  // made while open, arrives after the closing
	after := support(tampered, target, "PRGNJN75120301H200")               // made under the closing version
	other := support(tampered, open.Proposals[1].ID, "LPZGRC90010109H300") // another proposal, still open
	res, err := srv.Ingest(ctx, dev.ID, [][]byte{before, after, other}, "")
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Status != protocol.Accepted {
		t.Errorf("a support made while the proposal was open: %+v, want accepted", res[0])
	}
	if res[1].Status != protocol.Rejected || res[1].Reason != protocol.ReasonProposalClosed {
		t.Errorf("a support made under the version that closed it: %+v, want rejected %s", res[1], protocol.ReasonProposalClosed)
	}
	if res[2].Status != protocol.Accepted {
		t.Errorf("a support of an open proposal under the same version: %+v, want accepted", res[2])
	}
	counts, err := s.SignerCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[target] != 1 || counts[open.Proposals[1].ID] != 1 {
		t.Errorf("signers %d for the closed proposal (want 1: the support made while open), %d for the other (want 1)", counts[target], counts[open.Proposals[1].ID])
	}
	// Sent again, the refused support is refused again, not stored.
	if res, err := srv.Ingest(ctx, dev.ID, [][]byte{before, after}, ""); err != nil || res[0].Status != protocol.Duplicate || res[1].Reason != protocol.ReasonProposalClosed {
		t.Errorf("the batch again: %+v, %v", res, err)
	}
}
