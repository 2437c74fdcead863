package syncer

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// What a device checks of the connection before it sends anything: the
// address is https, or plain http to this machine, or plain http that the
// provisioning code allowed on purpose; an https connection shows the key
// the code pins (or, without a pin, a certificate the system trusts); and
// no redirect leaves the address. The answers themselves are checked
// against central's signature (see exchange.verify); the connection's
// checks keep the request itself, the one-time token first, from reaching
// anyone else.

// maxRedirects bounds redirects within central's own address.
const maxRedirects = 3

// peer is central as the provisioning code names it.
type peer struct {
	url          string
	pin          protocol.TLSPin
	insecureHTTP bool
	badPin       error // the stored pin does not read: connect to nothing rather than unpinned
}

// peerOf is central as the device's identity remembers it from the code.
func peerOf(id *outbox.Identity) peer {
	pin, err := protocol.ParsePin(id.TLSPin)
	p := peer{url: id.ServerURL, pin: pin, insecureHTTP: id.InsecureHTTP}
	if err != nil {
		p.badPin = fmt.Errorf("the stored TLS pin %q: %w; enroll the device again", id.TLSPin, err)
	}
	return p
}

// check refuses an address the device may not use.
func (p peer) check() error {
	if p.badPin != nil {
		return p.badPin
	}
	u, err := url.Parse(p.url)
	if err != nil {
		return fmt.Errorf("central's address %q: %w", p.url, err)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme != "http":
		return fmt.Errorf("central's address %q is not http or https", p.url)
	case !p.pin.IsZero():
		return fmt.Errorf("%w: the code pins a TLS key but the address is plain http", ErrInsecureURL)
	case p.insecureHTTP || protocol.LoopbackHost(p.url):
		return nil
	}
	return ErrInsecureURL
}

// clientKey is what a derived client depends on.
type clientKey struct {
	base *http.Client
	pin  protocol.TLSPin
	host string
}

// clientFor is s.Client with the device's checks added: no redirect off
// central's address and, for a pinned peer, a TLS handshake that only
// completes with the pinned key. Clients are kept, so connections are
// reused.
func (s *Syncer) clientFor(p peer) (*http.Client, error) {
	u, err := url.Parse(p.url)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "https" {
		p.pin = protocol.TLSPin{}
	}
	k := clientKey{base: s.Client, pin: p.pin, host: u.Hostname()}
	s.cmu.Lock()
	defer s.cmu.Unlock()
	if c, ok := s.clients[k]; ok {
		return c, nil
	}
	c := *s.Client
	c.CheckRedirect = sameOrigin
	if !p.pin.IsZero() {
		var base *http.Transport
		switch t := c.Transport.(type) {
		case nil:
			base = http.DefaultTransport.(*http.Transport)
		case *http.Transport:
			base = t
		default:
			return nil, fmt.Errorf("pin central's TLS key: the HTTP client's transport is a %T, not an *http.Transport (wrap it with Syncer.WrapTransport instead)", t)
		}
		tr := base.Clone()
		cfg := &tls.Config{}
		if tr.TLSClientConfig != nil {
			cfg = tr.TLSClientConfig.Clone()
		}
		// The standard verification is replaced, not skipped:
		// VerifyConnection runs on every handshake, resumed ones too, and
		// checks the pin (and, for a CA pin, the chain and host name).
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = verifyPin(p.pin, k.host, cfg.RootCAs)
		tr.TLSClientConfig = cfg
		c.Transport = tr
	}
	if s.WrapTransport != nil {
		if c.Transport == nil {
			c.Transport = http.DefaultTransport
		}
		c.Transport = s.WrapTransport(c.Transport)
	}
	if s.clients == nil {
		s.clients = map[clientKey]*http.Client{}
	}
	s.clients[k] = &c
	return &c, nil
}

// sameOrigin lets a redirect stay on the scheme, host and port it started
// from, and no further.
func sameOrigin(req *http.Request, via []*http.Request) error {
	from := via[0].URL
	if req.URL.Scheme != from.Scheme || req.URL.Host != from.Host {
		return fmt.Errorf("%w (%s://%s to %s://%s)", ErrRedirected, from.Scheme, from.Host, req.URL.Scheme, req.URL.Host)
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("%w: more than %d redirects", ErrRedirected, maxRedirects)
	}
	return nil
}

// verifyPin checks a TLS connection against a pin. A key pin needs the
// first certificate to carry the key, and nothing else: central may serve
// a self-signed certificate, and its name does not matter when its key
// does. A CA pin needs a chain that verifies for host up to the pinned
// authority, which central sends in its chain or the system trusts.
func verifyPin(pin protocol.TLSPin, host string, roots *x509.CertPool) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return fmt.Errorf("%w: no certificate", ErrTLSPinMismatch)
		}
		leaf := cs.PeerCertificates[0]
		if pin.Kind == protocol.PinKey {
			if pin.Matches(leaf) {
				return nil
			}
			return fmt.Errorf("%w (the certificate presented is for %q)", ErrTLSPinMismatch, leaf.Subject.CommonName)
		}
		pool := roots
		if pool == nil {
			var err error
			if pool, err = x509.SystemCertPool(); err != nil {
				pool = x509.NewCertPool()
			}
		}
		pool = pool.Clone()
		inter := x509.NewCertPool()
		for _, c := range cs.PeerCertificates[1:] {
			inter.AddCert(c)
			if pin.Matches(c) {
				pool.AddCert(c)
			}
		}
		chains, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: pool, Intermediates: inter})
		if err != nil {
			return fmt.Errorf("%w: %v", ErrTLSPinMismatch, err)
		}
		for _, chain := range chains {
			for _, c := range chain {
				if pin.Matches(c) {
					return nil
				}
			}
		}
		return fmt.Errorf("%w: no authority in the chain has the pinned key", ErrTLSPinMismatch)
	}
}

// trustError is the device's own refusal inside a failed request, or a
// certificate the system does not trust, or nil for a network fault.
func trustError(err error) error {
	var cve *tls.CertificateVerificationError
	switch {
	case errors.Is(err, ErrTLSPinMismatch), errors.Is(err, ErrRedirected):
		var ue *url.Error
		if errors.As(err, &ue) {
			return ue.Err
		}
		return err
	case errors.As(err, &cve):
		return fmt.Errorf("%w: %v", ErrTLSUntrusted, cve.Err)
	}
	return nil
}
