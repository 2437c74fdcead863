package central_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
)

func TestRefusalsThatStopADeviceAreSignedForItsRequest(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, "")
	recs := d.Records(t, 1)

	t.Run("a bad request signature", func(t *testing.T) {
		req := d.BatchRequest(t, recs)
		sig := protocol.SignRequest(d.Key, protocol.PathHeartbeat, []byte("something else"))
		req.Header.Set(protocol.HeaderSignature, b64(sig))
		resp := centraltest.Do(t, c.Client, req)
		if resp.Status != http.StatusUnauthorized || !resp.SignedBy(d.ServerKey, protocol.PathBatches, sig) {
			t.Fatalf("status %d, signed %v: %s", resp.Status, resp.SignedBy(d.ServerKey, protocol.PathBatches, sig), resp.Body)
		}
	})
	t.Run("a malformed batch is refused unsigned: the device only retries it", func(t *testing.T) {
		req := d.SignedRequest(t, protocol.PathBatches, []byte(`{"device_id":"someone else"}`), true)
		resp := centraltest.Do(t, c.Client, req)
		if resp.Status != http.StatusBadRequest || resp.Header.Get(protocol.HeaderAnswerSignature) != "" {
			t.Fatalf("status %d, signature %q", resp.Status, resp.Header.Get(protocol.HeaderAnswerSignature))
		}
	})
	t.Run("a revoked device", func(t *testing.T) {
		if err := c.Store.RevokeDevice(context.Background(), d.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		req := d.BatchRequest(t, recs)
		resp := centraltest.Do(t, c.Client, req)
		binding := mustB64(t, req.Header.Get(protocol.HeaderSignature))
		if resp.Status != http.StatusForbidden || !resp.SignedBy(d.ServerKey, protocol.PathBatches, binding) {
			t.Fatalf("status %d: %s", resp.Status, resp.Body)
		}
		if resp.SignedBy(d.ServerKey, protocol.PathBatches, protocol.SignRequest(d.Key, protocol.PathBatches, []byte("another batch"))) {
			t.Fatal("the refusal verified for another request")
		}
	})
}

func TestIssueCodeSaysHowTheDeviceTrustsCentral(t *testing.T) {
	c := centraltest.Start(t)
	ctx := context.Background()
	pin := protocol.TLSPin{Kind: protocol.PinKey}
	pin.Hash[0] = 7
	issue := func(o central.CodeOptions) (protocol.ProvisioningCode, error) {
		o.TTL, o.Now = time.Hour, time.Now()
		return central.IssueCode(ctx, c.Store, c.Keys, o)
	}
	t.Run("plain http to another machine needs the insecure flag", func(t *testing.T) {
		if _, err := issue(central.CodeOptions{URL: "http://10.0.0.5:8080"}); !errors.Is(err, central.ErrInsecureCode) {
			t.Fatalf("err = %v, want ErrInsecureCode", err)
		}
		pc, err := issue(central.CodeOptions{URL: "http://10.0.0.5:8080", InsecureHTTP: true})
		if err != nil || !pc.InsecureHTTP {
			t.Fatalf("code %+v, %v", pc, err)
		}
		if got, err := protocol.ParseCode(pc.String()); err != nil || !got.InsecureHTTP {
			t.Fatalf("the flag did not survive the code's text: %+v, %v", got, err)
		}
	})
	t.Run("loopback needs no flag", func(t *testing.T) {
		pc, err := issue(central.CodeOptions{URL: "http://127.0.0.1:8080", InsecureHTTP: true})
		if err != nil || pc.InsecureHTTP || pc.Version() != 2 || !protocol.FingerprintMatches(c.Keys.ServerKey(), pc.Fingerprint) {
			t.Fatalf("code %+v (version %d), %v", pc, pc.Version(), err)
		}
	})
	t.Run("https carries the pin", func(t *testing.T) {
		pc, err := issue(central.CodeOptions{URL: "https://central.example.org", Pin: pin})
		if err != nil || pc.Pin != pin {
			t.Fatalf("code %+v, %v", pc, err)
		}
	})
	for name, o := range map[string]central.CodeOptions{
		"a pin with http":              {URL: "http://127.0.0.1:8080", Pin: pin},
		"the insecure flag with https": {URL: "https://central.example.org", InsecureHTTP: true},
	} {
		t.Run("refused: "+name, func(t *testing.T) {
			if pc, err := issue(o); err == nil {
				t.Fatalf("issued %s", pc)
			}
		})
	}
}

func TestLoadTLSPinsTheServedKey(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, cert := writeSelfSigned(t, dir, "central.example.org")
	cfg, pin, err := central.LoadTLS(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if cfg == nil || len(cfg.Certificates) != 1 || pin.Kind != protocol.PinKey || !pin.Matches(cert) {
		t.Fatalf("config %v, pin %v", cfg, pin)
	}
	if fromFile, err := central.PinFromFile(protocol.PinKey, certFile); err != nil || fromFile != pin {
		t.Fatalf("PinFromFile = %v, %v; want %v", fromFile, err, pin)
	}
	if err := central.WriteTLSPin(dir, pin); err != nil {
		t.Fatal(err)
	}
	if got, err := central.ReadTLSPin(dir); err != nil || got != pin {
		t.Fatalf("ReadTLSPin = %v, %v", got, err)
	}
	if err := central.WriteTLSPin(dir, protocol.TLSPin{}); err != nil {
		t.Fatal(err)
	}
	if got, err := central.ReadTLSPin(dir); err != nil || !got.IsZero() {
		t.Fatalf("after serving plain HTTP the pin is %v, %v", got, err)
	}
	if cfg, _, err := central.LoadTLS("", ""); cfg != nil || err != nil {
		t.Fatalf("no files gave %v, %v", cfg, err)
	}
	if _, _, err := central.LoadTLS(certFile, ""); err == nil {
		t.Fatal("a certificate without its key was accepted")
	}
}

// writeSelfSigned writes a self-signed certificate for host and its key.
func writeSelfSigned(t *testing.T, dir, host string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	return certFile, keyFile, cert
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
