package central

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/voces-cdmx/voces/internal/protocol"
)

// TLSPinFile in the data directory holds the pin of the TLS key central
// serves with (`central serve --tls-cert`), one line, for `central token`
// to put in codes. It is absent while central serves plain HTTP.
const TLSPinFile = "tls-pin"

// LoadTLS reads the certificate chain and private key central serves
// HTTPS with (PEM files: the chain leaf first, as web servers take them)
// and returns the server's TLS configuration and the pin of its key.
// Both names empty means plain HTTP: a nil configuration and no pin.
func LoadTLS(certFile, keyFile string) (*tls.Config, protocol.TLSPin, error) {
	switch {
	case certFile == "" && keyFile == "":
		return nil, protocol.TLSPin{}, nil
	case certFile == "" || keyFile == "":
		return nil, protocol.TLSPin{}, errors.New("serve tls: give both --tls-cert and --tls-key, or neither")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, protocol.TLSPin{}, fmt.Errorf("serve tls: load %s and %s: %w", certFile, keyFile, err)
	}
	if cert.Leaf == nil {
		return nil, protocol.TLSPin{}, fmt.Errorf("serve tls: %s has no certificate", certFile)
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		// TLS 1.2 is what the oldest kiosk platforms still speak; nothing
		// older has a cipher suite worth keeping.
		MinVersion: tls.VersionTLS12,
	}
	return cfg, protocol.PinOf(protocol.PinKey, cert.Leaf), nil
}

// Serve serves hs on ln: HTTPS when hs.TLSConfig holds a certificate
// (from LoadTLS), plain HTTP otherwise.
func Serve(hs *http.Server, ln net.Listener) error {
	if hs.TLSConfig != nil {
		return hs.ServeTLS(ln, "", "")
	}
	return hs.Serve(ln)
}

// WriteTLSPin records the pin of the key central serves with, or removes
// the record when pin is zero (serving plain HTTP, or TLS terminated by a
// proxy in front).
func WriteTLSPin(dir string, pin protocol.TLSPin) error {
	name := filepath.Join(dir, TLSPinFile)
	if pin.IsZero() {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove tls pin: %w", err)
		}
		return nil
	}
	if err := writeFileAtomic(name, []byte(pin.String()+"\n"), 0o644); err != nil {
		return fmt.Errorf("write tls pin: %w", err)
	}
	return nil
}

// ReadTLSPin returns the pin central serve recorded, or no pin.
func ReadTLSPin(dir string) (protocol.TLSPin, error) {
	b, err := os.ReadFile(filepath.Join(dir, TLSPinFile))
	if errors.Is(err, fs.ErrNotExist) {
		return protocol.TLSPin{}, nil
	}
	if err != nil {
		return protocol.TLSPin{}, fmt.Errorf("read tls pin: %w", err)
	}
	pin, err := protocol.ParsePin(strings.TrimSpace(string(b)))
	if err != nil {
		return protocol.TLSPin{}, fmt.Errorf("read tls pin: %w", err)
	}
	return pin, nil
}

// PinFromFile is the pin of kind naming the key of the first certificate
// in a PEM file: a TLS-terminating proxy's certificate (protocol.PinKey)
// or the certificate authority that signs it (protocol.PinCA).
func PinFromFile(kind protocol.PinKind, certFile string) (protocol.TLSPin, error) {
	b, err := os.ReadFile(certFile)
	if err != nil {
		return protocol.TLSPin{}, fmt.Errorf("read pin certificate: %w", err)
	}
	cert, err := firstCertificate(b)
	if err != nil {
		return protocol.TLSPin{}, fmt.Errorf("read pin certificate %s: %w", certFile, err)
	}
	return protocol.PinOf(kind, cert), nil
}

func firstCertificate(pemBytes []byte) (*x509.Certificate, error) {
	for {
		var blk *pem.Block
		blk, pemBytes = pem.Decode(pemBytes)
		if blk == nil {
			return nil, errors.New("no PEM certificate in it")
		}
		if blk.Type == "CERTIFICATE" {
			return x509.ParseCertificate(blk.Bytes)
		}
	}
}

// CodePin is the TLS pin for codes to url, as `central token` chooses it:
// the key of the certificate in pinCert (a proxy's in front of central),
// or of the authority in pinCA, or for an https URL the key central serve
// recorded (none when central serves plain HTTP behind a proxy: devices
// then trust what their system's authorities vouch for).
func CodePin(dataDir, url, pinCert, pinCA string) (protocol.TLSPin, error) {
	switch {
	case pinCert != "" && pinCA != "":
		return protocol.TLSPin{}, errors.New("give --tls-pin-cert or --tls-pin-ca, not both")
	case pinCert != "":
		return PinFromFile(protocol.PinKey, pinCert)
	case pinCA != "":
		return PinFromFile(protocol.PinCA, pinCA)
	case strings.HasPrefix(url, "https://"):
		return ReadTLSPin(dataDir)
	}
	return protocol.TLSPin{}, nil
}
