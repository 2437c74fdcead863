// Package bundle reads and writes offline bundles: every unsynced record of
// a device, still sealed and signed, in one file a technician carries on a
// USB stick to central when the device never gets a network.
//
// A bundle is:
//
//	magic   "VOCES-BUNDLE 1\n"
//	header  uvarint length + JSON Header (device id and public key, counts)
//	records uvarint length + record.Marshal bytes, Header.Records times
//	trailer SHA-256 of everything before it (32 bytes)
//	        Ed25519 signature by the device key over domain + that hash (64 bytes)
//
// The hash catches truncation and damage; the signature ties the file to the
// device, whose key central already knows from enrollment. Readers verify
// the whole file before handing out a single record, so a damaged bundle
// imports nothing.
package bundle

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"time"
)

const (
	magic     = "VOCES-BUNDLE 1\n"
	sigDomain = "voces/bundle/v1\x00"
	// MaxRecordSize bounds one record in a bundle, well above any real
	// record (record.MaxBodySize plus the envelope).
	MaxRecordSize = 80 << 10
	maxHeaderSize = 16 << 10
	trailerSize   = sha256.Size + ed25519.SignatureSize
)

// Header describes the device and what the bundle holds.
type Header struct {
	Format     int               `json:"format"`
	DeviceID   string            `json:"device_id"`
	DeviceKey  ed25519.PublicKey `json:"device_key"`
	DeviceName string            `json:"device_name,omitempty"`
	Mode       string            `json:"mode,omitempty"`
	CampaignID string            `json:"campaign_id,omitempty"`
	CreatedAt  time.Time         `json:"created_at"`
	Records    int               `json:"records"`
	FirstSeq   uint64            `json:"first_seq,omitempty"`
	LastSeq    uint64            `json:"last_seq,omitempty"`
}

// Errors a reader returns; all mean nothing may be imported.
var (
	ErrNotBundle = errors.New("not a Voces bundle")
	ErrDamaged   = errors.New("bundle is damaged or truncated")
	ErrForged    = errors.New("bundle signature does not match the device key")
)

// Writer writes a bundle. Call Add for each record, then Close.
type Writer struct {
	w     *bufio.Writer
	h     hash.Hash
	key   ed25519.PrivateKey
	want  int
	added int
	err   error
}

// NewWriter starts a bundle with the given header. hdr.Records must be the
// number of records that will be added.
func NewWriter(w io.Writer, hdr Header, key ed25519.PrivateKey) (*Writer, error) {
	hdr.Format = 1
	js, err := json.Marshal(hdr)
	if err != nil {
		return nil, fmt.Errorf("write bundle header: %w", err)
	}
	bw := &Writer{w: bufio.NewWriterSize(w, 64<<10), h: sha256.New(), key: key, want: hdr.Records}
	bw.write([]byte(magic))
	bw.writeChunk(js)
	return bw, bw.err
}

func (w *Writer) write(p []byte) {
	if w.err != nil {
		return
	}
	w.h.Write(p)
	_, w.err = w.w.Write(p)
}

func (w *Writer) writeChunk(p []byte) {
	w.write(binary.AppendUvarint(nil, uint64(len(p))))
	w.write(p)
}

// Add appends one encoded record.
func (w *Writer) Add(rec []byte) error {
	if w.added >= w.want {
		return fmt.Errorf("write bundle: more records than the header's %d", w.want)
	}
	if len(rec) > MaxRecordSize {
		return fmt.Errorf("write bundle: record of %d bytes", len(rec))
	}
	w.writeChunk(rec)
	w.added++
	return w.err
}

// Close writes the trailer and flushes. It does not close the underlying
// writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return fmt.Errorf("write bundle: %w", w.err)
	}
	if w.added != w.want {
		return fmt.Errorf("write bundle: %d records added, header says %d", w.added, w.want)
	}
	sum := w.h.Sum(nil)
	sig := ed25519.Sign(w.key, append([]byte(sigDomain), sum...))
	if _, err := w.w.Write(sum); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	if _, err := w.w.Write(sig); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	return nil
}

// Bundle is a verified bundle file.
type Bundle struct {
	Header Header
	path   string
	body   int64 // bytes before the trailer
}

// Open reads and verifies a bundle file end to end: format, every record's
// framing, the hash and the device signature. progress, if not nil, is
// called with bytes read so far and the file size.
func Open(path string, progress func(done, total int64)) (*Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	size := fi.Size()
	if size < int64(len(magic))+trailerSize {
		return nil, fmt.Errorf("%w: %s is %d bytes", ErrNotBundle, path, size)
	}
	body := size - trailerSize
	h := sha256.New()
	r := &countingReader{r: bufio.NewReaderSize(io.LimitReader(f, body), 64<<10), h: h, total: body, progress: progress}
	hdr, err := readHead(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i := 0; i < hdr.Records; i++ {
		if _, err := readChunk(r, MaxRecordSize); err != nil {
			return nil, fmt.Errorf("%s: %w: record %d of %d: %v", path, ErrDamaged, i+1, hdr.Records, err)
		}
	}
	if r.n != body {
		return nil, fmt.Errorf("%s: %w: %d unexpected bytes after the records", path, ErrDamaged, body-r.n)
	}
	trailer := make([]byte, trailerSize)
	if _, err := io.ReadFull(f, trailer); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrDamaged, err)
	}
	sum := h.Sum(nil)
	if !bytes.Equal(sum, trailer[:sha256.Size]) {
		return nil, fmt.Errorf("%s: %w: checksum mismatch", path, ErrDamaged)
	}
	if !ed25519.Verify(hdr.DeviceKey, append([]byte(sigDomain), sum...), trailer[sha256.Size:]) {
		return nil, fmt.Errorf("%s: %w", path, ErrForged)
	}
	return &Bundle{Header: *hdr, path: path, body: body}, nil
}

func readHead(r *countingReader) (*Header, error) {
	m := make([]byte, len(magic))
	if _, err := io.ReadFull(r, m); err != nil || string(m) != magic {
		return nil, ErrNotBundle
	}
	js, err := readChunk(r, maxHeaderSize)
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrDamaged, err)
	}
	var hdr Header
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&hdr); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrDamaged, err)
	}
	switch {
	case hdr.Format != 1:
		return nil, fmt.Errorf("%w: bundle format %d is not supported", ErrNotBundle, hdr.Format)
	case hdr.DeviceID == "" || len(hdr.DeviceKey) != ed25519.PublicKeySize:
		return nil, fmt.Errorf("%w: header has no device identity", ErrDamaged)
	case hdr.Records < 0:
		return nil, fmt.Errorf("%w: header: negative record count", ErrDamaged)
	}
	return &hdr, nil
}

// Records calls fn with each record's bytes, in order. The file was
// verified by Open; it is read again here rather than held in memory, and
// checked again in case it changed in between.
func (b *Bundle) Records(fn func(i int, rec []byte) error) error {
	f, err := os.Open(b.path)
	if err != nil {
		return fmt.Errorf("read bundle: %w", err)
	}
	defer f.Close()
	r := &countingReader{r: bufio.NewReaderSize(io.LimitReader(f, b.body), 64<<10), h: sha256.New(), total: b.body}
	hdr, err := readHead(r)
	if err != nil || hdr.Records != b.Header.Records || hdr.DeviceID != b.Header.DeviceID {
		return fmt.Errorf("read bundle: %w: the file changed after it was checked", ErrDamaged)
	}
	for i := 0; i < hdr.Records; i++ {
		rec, err := readChunk(r, MaxRecordSize)
		if err != nil {
			return fmt.Errorf("read bundle: %w: record %d: %v", ErrDamaged, i+1, err)
		}
		if err := fn(i, rec); err != nil {
			return err
		}
	}
	return nil
}

func readChunk(r *countingReader, max int) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > uint64(max) {
		return nil, fmt.Errorf("chunk of %d bytes exceeds %d", n, max)
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		return nil, err
	}
	return p, nil
}

// countingReader hashes and counts what passes through it.
type countingReader struct {
	r        *bufio.Reader
	h        hash.Hash
	n, total int64
	progress func(done, total int64)
	lastTick int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.consume(p[:n])
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.consume([]byte{b})
	}
	return b, err
}

func (c *countingReader) consume(p []byte) {
	c.h.Write(p)
	c.n += int64(len(p))
	if c.progress != nil && (c.n-c.lastTick >= 1<<20 || c.n == c.total) {
		c.lastTick = c.n
		c.progress(c.n, c.total)
	}
}
