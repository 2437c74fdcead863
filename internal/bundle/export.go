package bundle

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
)

// Outbox is what Export reads from the device's outbox (*outbox.Store).
// The technician's export tool holds the outbox through an interface.
type Outbox interface {
	Identity(ctx context.Context) (*outbox.Identity, error)
	EachPending(ctx context.Context, fn func(outbox.Pending) error) error
	Time() time.Time
}

var _ Outbox = (*outbox.Store)(nil)

// Export writes every pending record of the device to a bundle at path and
// returns the header it wrote. It writes a temporary file beside path,
// syncs it and renames it into place, so a stick pulled out mid-export
// never holds a file that looks complete. progress, if not nil, is called
// with records written and the total.
//
// Export does not change the outbox: the records stay pending until central
// acknowledges them through a later sync, which central then answers as
// duplicates. That is what makes a bundle safe to import and then sync.
func Export(ctx context.Context, s Outbox, path string, progress func(done, total int)) (*Header, error) {
	id, err := s.Identity(ctx)
	if err != nil {
		return nil, fmt.Errorf("export bundle: %w", err)
	}
	// Count and bound the sequence range first, then write exactly those:
	// the kiosk may append meanwhile, and the header must match the body.
	var seqs []uint64
	if err := s.EachPending(ctx, func(p outbox.Pending) error { seqs = append(seqs, p.Seq); return nil }); err != nil {
		return nil, fmt.Errorf("export bundle: %w", err)
	}
	hdr := Header{
		DeviceID: id.DeviceID, DeviceKey: id.DeviceKey.Public().(ed25519.PublicKey), DeviceName: id.Name,
		Mode: id.Mode, CampaignID: id.CampaignID, CreatedAt: s.Time().UTC(), Records: len(seqs),
	}
	if len(seqs) > 0 {
		hdr.FirstSeq, hdr.LastSeq = seqs[0], seqs[len(seqs)-1]
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".bundle-*")
	if err != nil {
		return nil, fmt.Errorf("export bundle: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	w, err := NewWriter(tmp, hdr, id.DeviceKey)
	if err != nil {
		return nil, err
	}
	done := 0
	err = s.EachPending(ctx, func(p outbox.Pending) error {
		if p.Seq > hdr.LastSeq {
			return nil
		}
		if err := w.Add(p.Data); err != nil {
			return err
		}
		done++
		if progress != nil && (done%100 == 0 || done == hdr.Records) {
			progress(done, hdr.Records)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export bundle: %w", err)
	}
	if done != hdr.Records {
		// A record left pending between the two passes: only syncd does
		// that, by getting it acknowledged. Refuse rather than write a
		// header that lies; the technician retries.
		return nil, fmt.Errorf("export bundle: the queue changed during export (%d of %d records); try again", done, hdr.Records)
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		return nil, fmt.Errorf("export bundle: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("export bundle: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("export bundle: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return &hdr, nil
}
