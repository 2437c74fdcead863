package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
)

func TestEnrollAndPushOverPinnedHTTPS(t *testing.T) {
	c := centraltest.Start(t)
	cert, leaf := selfSignedFor127(t)
	ts := httptest.NewUnstartedServer(c.Server)
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	ts.StartTLS()
	t.Cleanup(ts.Close)
	pc, err := central.IssueCode(context.Background(), c.Store, c.Keys, central.CodeOptions{
		URL: ts.URL, TTL: time.Hour, Now: time.Now(), Pin: protocol.PinOf(protocol.PinKey, leaf),
	})
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "outbox.db")
	if r := syncd(t, "enroll", "--db", db, "--code", pc.String()); r.code != 0 {
		t.Fatalf("enroll over https: exit %d: %s", r.code, r.stderr)
	}
	fill(t, db, 3, 1)
	if r := syncd(t, "push", "--db", db); r.code != 0 {
		t.Fatalf("push over https: exit %d: %s", r.code, r.stderr)
	}
	if st := status(t, db); st.Pending != 0 || st.Synced == 0 || int64(st.Synced) != c.Stats(t).Records {
		t.Fatalf("status %+v, central has %d records", st, c.Stats(t).Records)
	}
}

func TestEnrollRefusesPlainHTTPToAnotherMachine(t *testing.T) {
	c := centraltest.Start(t)
	// 192.0.2.1 is TEST-NET-1: nothing answers there, and nothing is sent.
	code := codeFor(t, c, "http://192.0.2.1:8080")
	db := filepath.Join(t.TempDir(), "outbox.db")
	r := syncd(t, "enroll", "--db", db, "--code", code)
	if r.code != 1 || !strings.Contains(r.stderr, "plain http:// to another machine") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

// selfSignedFor127 is a self-signed certificate for 127.0.0.1.
func selfSignedFor127(t *testing.T) (tls.Certificate, *x509.Certificate) {
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
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf
}
