package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/syncer"
)

func TestServeTLSAndCodesThatPinIt(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	certFile, keyFile, leaf := selfSigned(t, t.TempDir())
	p := centraltest.StartProcess(t, bin, dir, "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(p.URL, "https://") {
		t.Fatalf("central listens on %s, want https", p.URL)
	}

	code := strings.TrimSpace(string(p.Run(t, "token")))
	pc, err := protocol.ParseCode(code)
	if err != nil {
		t.Fatal(err)
	}
	if pc.URL != p.URL || pc.Pin != protocol.PinOf(protocol.PinKey, leaf) {
		t.Fatalf("code %+v: want central's https URL %s and the pin of its certificate's key", pc, p.URL)
	}

	// A real device enrolls over the pinned connection (the certificate is
	// self-signed: only the pin makes it trusted) and pulls the campaign.
	store, err := outbox.Open(ctx, filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	s := syncer.New(store)
	s.Logger = slog.New(slog.DiscardHandler)
	e, err := s.Enroll(ctx, code, "tls kiosk", "")
	if err != nil {
		t.Fatalf("enroll over https: %v", err)
	}
	if e.CampaignVersion == 0 {
		t.Fatal("no campaign came down over https")
	}
	if err := s.SendHeartbeat(ctx); err != nil {
		t.Fatalf("heartbeat over https: %v", err)
	}

	t.Run("a plain http code to another machine needs --insecure-http", func(t *testing.T) {
		_, _, err := run(t, "token", "--data", dir, "--url", "http://10.0.0.5:8080")
		if !errors.Is(err, central.ErrInsecureCode) {
			t.Fatalf("err = %v, want ErrInsecureCode", err)
		}
		out, _, err := run(t, "token", "--data", dir, "--url", "http://10.0.0.5:8080", "--insecure-http")
		if err != nil {
			t.Fatal(err)
		}
		if pc, err := protocol.ParseCode(out); err != nil || !pc.InsecureHTTP || !pc.Pin.IsZero() {
			t.Fatalf("code %q: %+v, %v", out, pc, err)
		}
	})
	t.Run("behind a proxy the code pins the proxy's certificate", func(t *testing.T) {
		proxyCert, _, proxyLeaf := selfSigned(t, t.TempDir())
		out, _, err := run(t, "token", "--data", dir, "--url", "https://voces.example.org", "--tls-pin-cert", proxyCert)
		if err != nil {
			t.Fatal(err)
		}
		if pc, err := protocol.ParseCode(out); err != nil || pc.Pin != protocol.PinOf(protocol.PinKey, proxyLeaf) {
			t.Fatalf("code %q: %+v, %v", out, pc, err)
		}
		out, _, err = run(t, "token", "--data", dir, "--url", "https://voces.example.org", "--tls-pin-ca", proxyCert)
		if pc, err2 := protocol.ParseCode(out); err != nil || err2 != nil || pc.Pin.Kind != protocol.PinCA {
			t.Fatalf("code %q: %+v, %v, %v", out, pc, err, err2)
		}
	})
	t.Run("a certificate without its key is refused", func(t *testing.T) {
		_, _, err := run(t, "serve", "--data", t.TempDir(), "--tls-cert", certFile)
		if err == nil || !strings.Contains(err.Error(), "--tls-key") {
			t.Fatalf("err = %v", err)
		}
	})
}

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, leaf *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "voces central"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
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
	leaf, _ = x509.ParseCertificate(der)
	return certFile, keyFile, leaf
}
