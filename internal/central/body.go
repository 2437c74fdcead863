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

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/voces-cdmx/voces/internal/protocol"
)

// readBody checks a device request's headers and reads its body as sent:
// JSON, gzip or (unless requireGzip) identity encoded, at most max bytes.
// It returns the raw bytes, over which the request is signed, and their
// encoding for decode.
func readBody(w http.ResponseWriter, r *http.Request, max int64, requireGzip bool) (raw []byte, enc string, err error) {
	if err := requireJSON(r); err != nil {
		return nil, "", err
	}
	if enc, err = contentEncoding(r, requireGzip); err != nil {
		return nil, "", err
	}
	if raw, err = readRaw(w, r, max); err != nil {
		return nil, "", err
	}
	return raw, enc, nil
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

// readRaw reads the body as sent, refusing more than max bytes before
// reading it when the client declared its length.
func readRaw(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	if r.ContentLength > max {
		return nil, refuse(protocol.CodeTooLarge, "request body is %d bytes; the limit is %d", r.ContentLength, max)
	}
	// Sized from the declared length, the body is read into one buffer
	// instead of a doubling series of them.
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, max))
	b := buf.Bytes()
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, refuse(protocol.CodeTooLarge, "request body is larger than the limit of %d bytes", max)
	case err != nil:
		return nil, refuse(protocol.CodeMalformed, "could not read the request body: %v", err)
	}
	return b, nil
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

// authenticate finds the device a signed request claims to come from and
// checks the signature over the body exactly as received.
func (s *Server) authenticate(r *http.Request, path string, raw []byte) (Device, error) {
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
