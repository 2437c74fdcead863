package syncer

import (
	"context"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/protocol"
)

func TestPullCampaign(t *testing.T) {
	ctx := context.Background()
	fc := newFakeCentral(t)
	d := newDevice(t, fc) // enrolling stored version 1
	fc.campaignBodies = 0

	latest := func() int {
		t.Helper()
		sc, err := d.store.LatestCampaign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return sc.Version
	}

	t.Run("unchanged content is not downloaded again", func(t *testing.T) {
		v, changed, err := d.s.PullCampaign(ctx)
		if err != nil || v != 1 || changed {
			t.Fatalf("PullCampaign = %d, %v, %v; want 1, unchanged", v, changed, err)
		}
		if fc.campaignBodies != 0 {
			t.Fatalf("central sent the content %d times; the ETag should have saved it", fc.campaignBodies)
		}
	})
	t.Run("a new version is verified and stored", func(t *testing.T) {
		fc.publish(assets.DefaultCampaign, 2, true)
		v, changed, err := d.s.PullCampaign(ctx)
		if err != nil || v != 2 || !changed || latest() != 2 {
			t.Fatalf("PullCampaign = %d, %v, %v; latest stored %d; want version 2 stored", v, changed, err, latest())
		}
	})

	for _, tc := range []struct {
		name    string
		content string
		good    bool
	}{
		{"content signed by another key is not stored", string(assets.DefaultCampaign), false},
		{"content that is not a campaign is not stored", `{"format": 1, "id": "cdmx-2016"}`, true},
		{"content of another campaign is not stored", strings.Replace(string(assets.DefaultCampaign), `"cdmx-2016"`, `"otra-campana"`, 1), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc.publish([]byte(tc.content), 3, tc.good)
			_, changed, err := d.s.PullCampaign(ctx)
			if !errors.Is(err, ErrCampaignRefused) || changed {
				t.Fatalf("PullCampaign = changed %v, err %v; want ErrCampaignRefused", changed, err)
			}
			if latest() != 2 {
				t.Fatalf("latest stored version is %d, want 2", latest())
			}
			if st := d.status(t); !strings.Contains(st.LastError, "campaign content refused") {
				t.Fatalf("status last error = %q", st.LastError)
			}
		})
	}

	t.Run("an older version is never applied over a newer one", func(t *testing.T) {
		fc.publish(assets.DefaultCampaign, 1, true)
		v, changed, err := d.s.PullCampaign(ctx)
		if err != nil || changed || v != 2 || latest() != 2 {
			t.Fatalf("PullCampaign = %d, %v, %v; latest %d", v, changed, err, latest())
		}
	})
}

func TestVerifyCampaign(t *testing.T) {
	fc := newFakeCentral(t)
	pub := fc.serverKey.Public().(ed25519.PublicKey)
	resp := fc.campaign
	t.Run("central's signature over good content verifies", func(t *testing.T) {
		c, err := VerifyCampaign(pub, "cdmx-2016", &resp)
		if err != nil || c.Version != 1 {
			t.Fatalf("VerifyCampaign = %v, %v", c, err)
		}
	})
	t.Run("a flipped byte in the content fails", func(t *testing.T) {
		bad := resp
		bad.Content = append([]byte(nil), resp.Content...)
		bad.Content[10] ^= 1
		if _, err := VerifyCampaign(pub, "", &bad); !errors.Is(err, ErrCampaignRefused) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a signature for another version fails", func(t *testing.T) {
		bad := resp
		bad.Version = 7
		if _, err := VerifyCampaign(pub, "", &bad); !errors.Is(err, ErrCampaignRefused) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("content whose version differs from the signed one fails", func(t *testing.T) {
		bad := resp
		bad.Version = 5
		bad.Signature = protocol.SignCampaign(fc.serverKey, 5, bad.Content)
		if _, err := VerifyCampaign(pub, "", &bad); !errors.Is(err, ErrCampaignRefused) {
			t.Fatalf("err = %v", err)
		}
	})
}
