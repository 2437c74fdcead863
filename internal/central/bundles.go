package central

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/voces-cdmx/voces/internal/bundle"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// DefaultImportBatch is how many bundle records go to the ingest path at
// once: big enough to share commits, small enough that a running
// server's uploads are not held up behind one import.
const DefaultImportBatch = 500

// ImportCounts tallies the results of importing bundles.
type ImportCounts struct {
	Accepted, Duplicate, Conflict, Rejected int
	Reasons                                 map[string]int // rejections by reason
}

// Add counts one ingest call's results.
func (n *ImportCounts) Add(results []protocol.Result) {
	for _, r := range results {
		switch r.Status {
		case protocol.Accepted:
			n.Accepted++
		case protocol.Duplicate:
			n.Duplicate++
		case protocol.Conflict:
			n.Conflict++
		default:
			n.Rejected++
			n.reason(r.Reason, 1)
		}
	}
}

func (n *ImportCounts) reason(r string, k int) {
	if n.Reasons == nil {
		n.Reasons = map[string]int{}
	}
	n.Reasons[r] += k
}

// Merge adds another import's counts.
func (n *ImportCounts) Merge(o *ImportCounts) {
	n.Accepted += o.Accepted
	n.Duplicate += o.Duplicate
	n.Conflict += o.Conflict
	n.Rejected += o.Rejected
	for r, k := range o.Reasons {
		n.reason(r, k)
	}
}

// String is the counts as `central import` prints them.
func (n *ImportCounts) String() string {
	s := fmt.Sprintf("%d accepted, %d duplicate, %d conflict, %d rejected", n.Accepted, n.Duplicate, n.Conflict, n.Rejected)
	if len(n.Reasons) > 0 {
		var rs []string
		for r, k := range n.Reasons {
			rs = append(rs, fmt.Sprintf("%s: %d", r, k))
		}
		sort.Strings(rs)
		s += " (" + strings.Join(rs, ", ") + ")"
	}
	return s
}

// Import checks every bundle (CheckBundle) and, only if all pass, imports
// them one after the other (ImportBundle): if any bundle fails its checks,
// nothing is imported. progress, if set, gives the progress callback of
// one step of one bundle ("bytes checked", "records imported") and its
// end; imported, if set, hears each bundle's counts once it is in. The
// result is the sum over all bundles.
func (n *Node) Import(ctx context.Context, paths []string, opt ImportOptions,
	progress func(step string) (update func(done, total int64), finish func()),
	imported func(path string, h *bundle.Header, counts *ImportCounts)) (*ImportCounts, error) {
	step := func(name string) func() {
		if progress == nil {
			return func() {}
		}
		update, finish := progress(name)
		opt.Progress = update
		return finish
	}
	bundles := make([]*bundle.Bundle, 0, len(paths))
	for _, p := range paths {
		finish := step("bytes checked")
		b, err := n.CheckBundle(ctx, p, opt)
		finish()
		if err != nil {
			return nil, fmt.Errorf("%w; nothing was imported", err)
		}
		bundles = append(bundles, b)
	}
	total := &ImportCounts{}
	for i, b := range bundles {
		finish := step("records imported")
		counts, err := n.ImportBundle(ctx, b, opt)
		finish()
		if err != nil {
			return nil, fmt.Errorf("import %s: %w (%d of %d bundles fully imported; importing again is safe)", paths[i], err, i, len(bundles))
		}
		if err := n.Audit(ctx, cmp.Or(opt.Actor, CommandLineActor()), AuditImport, map[string]string{
			"bundle": filepath.Base(paths[i]), "device": b.Header.DeviceID, "records": strconv.Itoa(b.Header.Records),
			"accepted": strconv.Itoa(counts.Accepted), "duplicate": strconv.Itoa(counts.Duplicate),
			"conflict": strconv.Itoa(counts.Conflict), "rejected": strconv.Itoa(counts.Rejected),
		}); err != nil {
			return nil, err
		}
		if imported != nil {
			imported(paths[i], &b.Header, counts)
		}
		total.Merge(counts)
	}
	return total, nil
}

// ImportOptions are the choices of one bundle import.
type ImportOptions struct {
	// AllowRevoked accepts bundles of revoked devices, to recover a
	// stolen device's earlier, honest records.
	AllowRevoked bool
	// Actor is who imports, for the audit log; CommandLineActor when "".
	Actor string
	// Batch is how many records go to the ingest path at once;
	// DefaultImportBatch when 0.
	Batch int
	// Progress, if set, hears the bytes checked (CheckBundle) or the
	// records imported (ImportBundle) so far, of the total.
	Progress func(done, total int64)
}

// CheckBundle verifies the bundle at path in full (checksum, framing, the
// device's signature) and applies the trust rules: its device must be
// enrolled here with the key that signed the bundle, and not revoked
// unless opt.AllowRevoked. Nothing is stored.
func (n *Node) CheckBundle(ctx context.Context, path string, opt ImportOptions) (*bundle.Bundle, error) {
	b, err := bundle.Open(path, opt.Progress)
	switch {
	case errors.Is(err, bundle.ErrDamaged):
		return nil, fmt.Errorf("refused: %w (copy it again from the device)", err)
	case errors.Is(err, bundle.ErrForged):
		return nil, fmt.Errorf("refused: %w: it was altered or not written by the device it names", err)
	case err != nil:
		return nil, fmt.Errorf("refused: %w", err)
	}
	d, err := n.store.Device(ctx, b.Header.DeviceID)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("refused %s: device %s is not enrolled with this central", path, b.Header.DeviceID)
	}
	if err != nil {
		return nil, err
	}
	if !ed25519.PublicKey(d.PublicKey).Equal(b.Header.DeviceKey) {
		return nil, fmt.Errorf("refused %s: the bundle's key for device %s is not the key it enrolled with", path, d.ID)
	}
	if d.State() == DeviceRevoked && !opt.AllowRevoked {
		return nil, fmt.Errorf("refused %s: device %s was revoked on %s; pass --allow-revoked to import it anyway",
			path, d.ID, d.RevokedAt.UTC().Format("2006-01-02 15:04 MST"))
	}
	return b, nil
}

// ImportBundle sends a checked bundle's records through the same
// idempotent ingest path as uploads, in batches, on ChannelBundle. A
// record central already holds is a duplicate, so importing again is
// harmless.
func (n *Node) ImportBundle(ctx context.Context, b *bundle.Bundle, opt ImportOptions) (*ImportCounts, error) {
	ingest := n.server.Ingest
	if opt.AllowRevoked {
		ingest = n.server.IngestFromRevoked
	}
	size := opt.Batch
	if size <= 0 {
		size = DefaultImportBatch
	}
	counts := &ImportCounts{}
	batch := make([][]byte, 0, size)
	done := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		results, err := ingest(ctx, b.Header.DeviceID, batch, ChannelBundle)
		if err != nil {
			return err
		}
		counts.Add(results)
		done += len(batch)
		if opt.Progress != nil {
			opt.Progress(int64(done), int64(b.Header.Records))
		}
		batch = batch[:0]
		return nil
	}
	err := b.Records(func(_ int, rec []byte) error {
		batch = append(batch, rec)
		if len(batch) == size {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return nil, err
	}
	return counts, nil
}
