package bundle_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/voces-cdmx/voces/internal/bundle"
	"github.com/voces-cdmx/voces/internal/outbox/outboxtest"
	"github.com/voces-cdmx/voces/internal/record"
)

var ctx = context.Background()

// filled makes an enrolled device with n pending comments.
func filled(t *testing.T, n int) *outboxtest.Device {
	t.Helper()
	dev := outboxtest.NewEnrolled(t, record.ModeCanvasser)
	for i := 0; i < n; i++ {
		d := &record.Draft{Kind: record.KindComment, SubjectID: dev.Campaign.Articles[i%len(dev.Campaign.Articles)].ID,
			Mode: record.ModeCanvasser, Body: record.Body{Comment: &record.Comment{Text: fmt.Sprintf("comentario %d", i)}}}
		if _, err := dev.Store.Append(ctx, d, dev.Campaign); err != nil {
			t.Fatal(err)
		}
	}
	return dev
}

func TestExportCarriesEveryPendingRecordUnchanged(t *testing.T) {
	dev := filled(t, 250)
	if err := dev.Store.MarkSynced(ctx, 1, 2, 3); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "device.vbundle")
	var ticks []int
	hdr, err := bundle.Export(ctx, dev.Store, path, func(done, total int) { ticks = append(ticks, done) })
	if err != nil {
		t.Fatal(err)
	}
	if hdr.Records != 247 || hdr.FirstSeq != 4 || hdr.LastSeq != 250 || hdr.DeviceID != dev.Identity.DeviceID {
		t.Fatalf("header = %+v", hdr)
	}
	if len(ticks) == 0 || ticks[len(ticks)-1] != 247 {
		t.Fatalf("progress ticks %v do not end at 247", ticks)
	}
	fi, _ := os.Stat(path)
	var read []int64
	b, err := bundle.Open(path, func(done, total int64) { read = append(read, done) })
	if err != nil {
		t.Fatal(err)
	}
	if len(read) == 0 || read[len(read)-1] != fi.Size()-96 {
		t.Fatalf("read progress %v, file %d bytes", read, fi.Size())
	}
	pub := dev.Identity.DeviceKey.Public().(ed25519.PublicKey)
	seq := uint64(4)
	err = b.Records(func(i int, rec []byte) error {
		stored, _, err := dev.Store.Get(ctx, seq)
		if err != nil {
			return err
		}
		if !bytes.Equal(rec, stored.Marshal()) {
			return fmt.Errorf("record %d differs from the outbox", seq)
		}
		r, err := record.Unmarshal(rec)
		if err != nil {
			return err
		}
		seq++
		return r.Verify(pub)
	})
	if err != nil || seq != 251 {
		t.Fatalf("records: %v (stopped at seq %d)", err, seq)
	}
	// Exporting does not change the queue: records stay pending until
	// central acknowledges them.
	n, _ := dev.Store.Counts(ctx)
	if n.Pending != 247 {
		t.Fatalf("pending after export = %d", n.Pending)
	}
}

func TestDamagedBundlesAreRefusedWhole(t *testing.T) {
	dev := filled(t, 40)
	dir := t.TempDir()
	path := filepath.Join(dir, "good.vbundle")
	if _, err := bundle.Export(ctx, dev.Store, path, nil); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)

	try := func(name string, data []byte) error {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o600)
		b, err := bundle.Open(p, nil)
		if err == nil {
			// Even if Open were fooled, reading must not hand out records.
			return b.Records(func(int, []byte) error { return nil })
		}
		return err
	}
	t.Run("every truncation", func(t *testing.T) {
		for n := 0; n < len(good); n += 1 + n/50 {
			if err := try("cut", good[:n]); err == nil {
				t.Fatalf("bundle cut to %d of %d bytes was accepted", n, len(good))
			}
		}
	})
	t.Run("every flipped byte", func(t *testing.T) {
		for i := 0; i < len(good); i += 7 {
			b := bytes.Clone(good)
			b[i] ^= 0x20
			err := try("flip", b)
			if err == nil {
				t.Fatalf("bundle with byte %d flipped was accepted", i)
			}
			if !errors.Is(err, bundle.ErrDamaged) && !errors.Is(err, bundle.ErrNotBundle) && !errors.Is(err, bundle.ErrForged) {
				t.Fatalf("byte %d flipped: unclear error %v", i, err)
			}
		}
	})
	t.Run("appended junk", func(t *testing.T) {
		if err := try("junk", append(bytes.Clone(good), "extra"...)); err == nil {
			t.Fatal("bundle with trailing junk accepted")
		}
	})
	t.Run("re-signed by another key", func(t *testing.T) {
		// A thief rewrites the header with their own key: the bundle is
		// self-consistent, and central must compare the key with the one
		// the device enrolled with. Here: the original header key no
		// longer verifies a re-signed trailer.
		_, other, _ := ed25519.GenerateKey(rand.Reader)
		var buf bytes.Buffer
		b, _ := bundle.Open(path, nil)
		w, err := bundle.NewWriter(&buf, b.Header, other)
		if err != nil {
			t.Fatal(err)
		}
		b.Records(func(_ int, rec []byte) error { return w.Add(rec) })
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := try("forged", buf.Bytes()); !errors.Is(err, bundle.ErrForged) {
			t.Fatalf("err = %v, want ErrForged", err)
		}
	})
	t.Run("not a bundle", func(t *testing.T) {
		if err := try("notes.txt", bytes.Repeat([]byte("hola "), 100)); !errors.Is(err, bundle.ErrNotBundle) {
			t.Fatalf("err = %v, want ErrNotBundle", err)
		}
	})
}

func TestEmptyQueueExportsAnEmptyBundle(t *testing.T) {
	dev := filled(t, 0)
	path := filepath.Join(t.TempDir(), "empty.vbundle")
	hdr, err := bundle.Export(ctx, dev.Store, path, nil)
	if err != nil || hdr.Records != 0 {
		t.Fatalf("export: %+v, %v", hdr, err)
	}
	b, err := bundle.Open(path, nil)
	if err != nil || b.Header.Records != 0 {
		t.Fatalf("open: %v", err)
	}
}
