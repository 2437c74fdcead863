package protocol

import (
	"bytes"
	"crypto/ed25519"
	"testing"
)

func TestProgressSignature(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(nil)
	doc := []byte(`{"campaign_id":"c","serial":3}`)
	sig := SignProgress(key, doc)
	if !VerifyProgress(pub, doc, sig) {
		t.Fatal("a document central signed does not verify")
	}
	if VerifyProgress(pub, []byte(`{"campaign_id":"c","serial":4}`), sig) {
		t.Error("a changed document verifies")
	}
	t.Run("a campaign signature is not a progress signature", func(t *testing.T) {
		if VerifyProgress(pub, doc, SignCampaign(key, 3, doc)) {
			t.Error("domains are not separated")
		}
		if VerifyCampaign(pub, 3, doc, sig) {
			t.Error("domains are not separated")
		}
	})
	other, _, _ := ed25519.GenerateKey(nil)
	if VerifyProgress(other, doc, sig) {
		t.Error("verifies with another key")
	}
}

func TestDelta(t *testing.T) {
	from := bytes.Repeat([]byte("una propuesta ciudadana\n"), 200)
	to := append(bytes.Clone(from), "otra propuesta\n"...)
	d := MakeDelta(from, to)
	got, err := ApplyDelta(from, d)
	if err != nil || !bytes.Equal(got, to) {
		t.Fatalf("applied delta: %v", err)
	}
	if len(d) > 100 {
		t.Errorf("delta of %d bytes for one added line", len(d))
	}
	t.Run("applied to other content", func(t *testing.T) {
		damaged := bytes.Clone(from)
		damaged[10] ^= 1
		if _, err := ApplyDelta(damaged, d); err == nil {
			t.Error("applied to damaged content")
		}
	})
	t.Run("damaged", func(t *testing.T) {
		bad := bytes.Clone(d)
		bad[len(bad)-3] ^= 1
		if _, err := ApplyDelta(from, bad); err == nil {
			t.Error("a damaged delta applied")
		}
	})
}
