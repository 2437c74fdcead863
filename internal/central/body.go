package central

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"golang.org/x/sync/semaphore"

	"github.com/voces-cdmx/voces/internal/protocol"
)

// readBody checks a device request's headers and reads its body as sent:
// JSON, gzip or (unless requireGzip) identity encoded, at most max bytes.
// It returns the raw bytes, over which the request is signed, and their
// encoding for decode. raw is valid until the handler returns, when its
// buffer goes back to a pool.
//
// Everything that can be refused from the headers is refused before a byte
// of the body is read: the media type and encoding, a declared length over
// max, and on signed endpoints a device that is unknown or revoked. What is
// then read is bounded three ways, because until the signature is checked
// the sender is a stranger: a read deadline that only a link slower than
// MinUploadRate misses, a budget of bytes all unauthenticated bodies
// being read share, and a few reads at a time per claimed device, so a
// stranger who knows one device's id cannot take the whole budget.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, max int64, requireGzip bool) (raw []byte, enc string, err error) {
	if err := requireJSON(r); err != nil {
		return nil, "", err
	}
	if enc, err = contentEncoding(r, requireGzip); err != nil {
		return nil, "", err
	}
	if r.ContentLength > max {
		return nil, "", refuse(protocol.CodeTooLarge, "request body is %d bytes; the limit is %d", r.ContentLength, max)
	}
	size := max
	if r.ContentLength >= 0 {
		size = r.ContentLength
	}
	// The deadline covers the device lookup too, and what net/http reads
	// to discard the body of a request refused before it was read.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(s.bodyTimeout(size)))
	info := infoOf(r)
	id := ""
	if signedPaths[r.URL.Path] {
		d, err := s.knownDevice(r)
		if err != nil {
			return nil, "", err
		}
		info.dev, id = &d, d.ID
	}
	leave, ok := s.bodies.enter(id, size)
	if !ok {
		e := refuse(protocol.CodeRateLimited, "central is reading too many uploads at once; nothing was stored, try again in a few seconds")
		e.retryAfter = busyRetry
		return nil, "", e
	}
	info.leave = leave
	buf := bodyBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	info.buf = buf
	_, err = buf.ReadFrom(http.MaxBytesReader(w, r.Body, max))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, "", refuse(protocol.CodeTooLarge, "request body is larger than the limit of %d bytes", max)
	case err != nil:
		// The deadline stays: net/http reads what is left of the body
		// under it before the answer goes out.
		return nil, "", refuse(protocol.CodeMalformed, "could not read the request body: %v", err)
	}
	// Read in full: the rest of the request is central's own work, and an
	// expired read deadline would cancel its context.
	rc.SetReadDeadline(time.Time{})
	return buf.Bytes(), enc, nil
}

// requireJSON refuses a request whose Content-Type is not application/json.
func requireJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return refuse(protocol.CodeUnsupported, "Content-Type must be application/json, not %q", ct)
	}
	return nil
}

// contentEncoding returns "gzip" or "" (identity), refusing anything else,
// and identity too when gzip is required.
func contentEncoding(r *http.Request, requireGzip bool) (string, error) {
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	switch {
	case enc == "gzip":
		return enc, nil
	case (enc == "" || enc == "identity") && !requireGzip:
		return "", nil
	case enc == "" || enc == "identity":
		return "", refuse(protocol.CodeUnsupported, "Content-Encoding must be gzip")
	}
	return "", refuse(protocol.CodeUnsupported, "Content-Encoding %q is not supported; use gzip", enc)
}

// signedPaths are the endpoints whose requests name a device and are
// signed by its key.
var signedPaths = map[string]bool{protocol.PathBatches: true, protocol.PathHeartbeat: true}

// bodyBuffers keeps body buffers between requests. A buffer grows as bytes
// arrive, never from a declared length a stranger chose, so a stalled
// upload holds what it sent, not what it promised; none grows past twice
// the largest body central accepts (a buffer doubles as it fills).
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// bodyTimeout is how long reading a body of size bytes may take: long
// enough for the slowest link a device syncs over, and no longer.
func (s *Server) bodyTimeout(size int64) time.Duration {
	return s.BodyTimeout + time.Duration(size)*time.Second/time.Duration(s.MinUploadRate)
}

// bodyGate bounds the request bodies being read before they are
// authenticated: their declared bytes all together, and how many at once
// claim to come from one device.
type bodyGate struct {
	budget    *semaphore.Weighted
	perDevice int

	mu      sync.Mutex
	reading map[string]int // device id → bodies being read
}

func newBodyGate(budget int64, perDevice int) *bodyGate {
	return &bodyGate{budget: semaphore.NewWeighted(budget), perDevice: perDevice, reading: make(map[string]int)}
}

// enter reserves size bytes of the budget for a body claiming to come from
// device ("" for enrolments, which name none) and reports whether there
// was room. Call leave once the body is authenticated or refused; calling
// it again does nothing.
func (g *bodyGate) enter(device string, size int64) (leave func(), ok bool) {
	size = max(size, 1)
	if device != "" {
		g.mu.Lock()
		if g.reading[device] >= g.perDevice {
			g.mu.Unlock()
			return nil, false
		}
		g.reading[device]++
		g.mu.Unlock()
	}
	if !g.budget.TryAcquire(size) {
		g.done(device)
		return nil, false
	}
	return sync.OnceFunc(func() {
		g.budget.Release(size)
		g.done(device)
	}), true
}

func (g *bodyGate) done(device string) {
	if device == "" {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.reading[device]--; g.reading[device] <= 0 {
		delete(g.reading, device)
	}
}

// decode undoes the content encoding, stopping at max decoded bytes so a
// small gzip bomb costs no more than an honest request.
func decode(raw []byte, encoding string, max int64) ([]byte, error) {
	if encoding != "gzip" {
		return raw, nil
	}
	zr, err := gzipReader(raw)
	if err != nil {
		return nil, refuse(protocol.CodeMalformed, "request body is not valid gzip: %v", err)
	}
	defer gzipReaders.Put(zr)
	// Sealed bodies hardly compress: a batch inflates to about 1.5 times
	// its size on the wire (base64 in JSON), so start there.
	var buf bytes.Buffer
	buf.Grow(min(len(raw)*3/2, int(max)) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(zr, max+1)); err != nil {
		return nil, refuse(protocol.CodeMalformed, "request body is not valid gzip: %v", err)
	}
	plain := buf.Bytes()
	if int64(len(plain)) > max {
		return nil, refuse(protocol.CodeTooLarge, "decompressed request body is larger than the limit of %d bytes", max)
	}
	return plain, nil
}

// gzipReaders keeps inflaters between requests: each holds tens of
// kilobytes of window and tables that would otherwise be allocated, and
// collected, per upload.
var gzipReaders sync.Pool

// gzipReader returns a pooled reader over raw; put it back when done.
func gzipReader(raw []byte) (*gzip.Reader, error) {
	if zr, ok := gzipReaders.Get().(*gzip.Reader); ok {
		if err := zr.Reset(bytes.NewReader(raw)); err != nil {
			gzipReaders.Put(zr)
			return nil, err
		}
		return zr, nil
	}
	return gzip.NewReader(bytes.NewReader(raw))
}

// decodeJSON decodes exactly one JSON value, refusing trailing data and
// duplicate names. strict also refuses unknown fields: the batch format is
// the data path and must not be guessed at, while heartbeats and
// enrollments from newer devices may carry more. It uses the json v2
// decoder, which reads a batch's base64 records three times faster than
// encoding/json.
func decodeJSON(data []byte, v any, what string, strict bool) error {
	if err := jsonv2.Unmarshal(data, v, jsonv2.RejectUnknownMembers(strict)); err != nil {
		return refuse(protocol.CodeMalformed, "%s is not valid JSON: %v", what, err)
	}
	return nil
}

// maxDeviceIDLen bounds the device header before it reaches the database
// or a log line.
const maxDeviceIDLen = 64

// knownDevice finds the device a request's header names, refusing one that
// is not enrolled or was revoked. It reads nothing of the body.
func (s *Server) knownDevice(r *http.Request) (Device, error) {
	id := r.Header.Get(protocol.HeaderDevice)
	if id == "" || len(id) > maxDeviceIDLen {
		return Device{}, refuse(protocol.CodeUnknownDevice, "the request has no valid %s header", protocol.HeaderDevice)
	}
	d, err := s.store.Device(r.Context(), id)
	switch {
	case errors.Is(err, ErrNotFound):
		return Device{}, refuse(protocol.CodeUnknownDevice, "device %q is not enrolled with this server", id)
	case err != nil:
		return Device{}, unavailable(fmt.Errorf("look up device: %w", err))
	}
	infoOf(r).device = d.ID
	if d.State() == DeviceRevoked {
		return Device{}, refuse(protocol.CodeRevoked, "device %q was revoked on %s; a technician must enroll it again",
			d.ID, d.RevokedAt.UTC().Format("2006-01-02 15:04 MST"))
	}
	return d, nil
}

// authenticate checks the signature over the body exactly as received, for
// the device readBody found (or, if it found none, the one the header
// names). Either way the body stops counting against the budget of
// unauthenticated reads.
func (s *Server) authenticate(r *http.Request, path string, raw []byte) (Device, error) {
	info := infoOf(r)
	defer info.release()
	var d Device
	if info.dev != nil {
		d = *info.dev
	} else {
		var err error
		if d, err = s.knownDevice(r); err != nil {
			return Device{}, err
		}
	}
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get(protocol.HeaderSignature))
	if err != nil || len(sig) == 0 {
		return Device{}, refuse(protocol.CodeBadSignature, "the request has no valid base64 %s header", protocol.HeaderSignature)
	}
	if !protocol.VerifyRequest(d.PublicKey, path, raw, sig) {
		return Device{}, refuse(protocol.CodeBadSignature,
			"the request signature does not verify with the key of device %q: the body was altered or signed with another key", d.ID)
	}
	return d, nil
}
