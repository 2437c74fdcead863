package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"github.com/voces-cdmx/voces/internal/bundle"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/progress"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// DefaultImportBatch is how many bundle records go to central's ingest
// path at once: big enough to share commits, small enough that a running
// server's uploads are not held up behind one import.
const DefaultImportBatch = 500

// ImportCommand ingests offline bundles.
type ImportCommand struct {
	main  *Main
	batch int // records per ingest call; DefaultImportBatch when 0
}

const importSynopsis = `
central import --data DIR [--db …] [--allow-revoked] BUNDLE…

Ingests offline bundles written by "syncd export" through the same
idempotent path as uploads: a record central already holds counts as a
duplicate, so importing a bundle twice, or importing it and later syncing
the device, counts each record once. Works while the server runs.

Every bundle is verified in full first (checksum, framing, the device's
signature) and its device must be enrolled here with the same key; if any
bundle fails, nothing is imported. Bundles from a revoked device are
refused unless --allow-revoked is given (to recover a stolen device's
earlier, honest records). Prints accepted, duplicate, conflict and
rejected counts per bundle; progress goes to stderr.`

// importCounts tallies the results of one import.
type importCounts struct {
	accepted, duplicate, conflict, rejected int
	reasons                                 map[string]int
}

func (n *importCounts) add(results []protocol.Result) {
	for _, r := range results {
		switch r.Status {
		case protocol.Accepted:
			n.accepted++
		case protocol.Duplicate:
			n.duplicate++
		case protocol.Conflict:
			n.conflict++
		default:
			n.rejected++
			if n.reasons == nil {
				n.reasons = map[string]int{}
			}
			n.reasons[r.Reason]++
		}
	}
}

func (n *importCounts) String() string {
	s := fmt.Sprintf("%d accepted, %d duplicate, %d conflict, %d rejected", n.accepted, n.duplicate, n.conflict, n.rejected)
	if len(n.reasons) > 0 {
		var rs []string
		for r, k := range n.reasons {
			rs = append(rs, fmt.Sprintf("%s: %d", r, k))
		}
		sort.Strings(rs)
		s += " (" + strings.Join(rs, ", ") + ")"
	}
	return s
}

// Run imports.
func (c *ImportCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("central import", importSynopsis)
	dataDir := fs.String("data", "", dataUsage)
	db := fs.String("db", "", dbUsage)
	allowRevoked := fs.Bool("allow-revoked", false, "import bundles from revoked devices too")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := requireData(*dataDir); err != nil {
		return err
	}
	if len(paths) == 0 {
		return &usageError{"no BUNDLE given"}
	}
	keys, err := central.LoadKeys(*dataDir)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *dataDir, *db, false)
	if err != nil {
		return err
	}
	defer store.Close()

	bundles := make([]*bundle.Bundle, 0, len(paths))
	for _, p := range paths {
		b, err := c.check(ctx, store, p, *allowRevoked)
		if err != nil {
			return fmt.Errorf("%w; nothing was imported", err)
		}
		bundles = append(bundles, b)
	}

	srv := central.NewServer(store, keys)
	srv.Logger = c.main.Logger
	if srv.Logger == nil {
		srv.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := srv.Open(ctx); err != nil {
		return err
	}
	defer srv.Close()

	var total importCounts
	for i, b := range bundles {
		n, err := c.ingest(ctx, srv, b, *allowRevoked)
		if err != nil {
			return fmt.Errorf("import %s: %w (%d of %d bundles fully imported; importing again is safe)", paths[i], err, i, len(bundles))
		}
		fmt.Fprintf(c.main.Stdout, "%s: device %s, %d records: %s\n", paths[i], b.Header.DeviceID, b.Header.Records, n)
		total.accepted += n.accepted
		total.duplicate += n.duplicate
		total.conflict += n.conflict
		total.rejected += n.rejected
		for r, k := range n.reasons {
			if total.reasons == nil {
				total.reasons = map[string]int{}
			}
			total.reasons[r] += k
		}
	}
	if len(bundles) > 1 {
		fmt.Fprintf(c.main.Stdout, "total: %s\n", &total)
	}
	return nil
}

// check verifies one bundle and that its device may deliver records.
func (c *ImportCommand) check(ctx context.Context, store central.Store, path string, allowRevoked bool) (*bundle.Bundle, error) {
	bar := progress.New(c.main.Stderr, "bytes checked")
	b, err := bundle.Open(path, bar.Update)
	bar.Finish()
	switch {
	case errors.Is(err, bundle.ErrDamaged):
		return nil, fmt.Errorf("refused: %w (copy it again from the device)", err)
	case errors.Is(err, bundle.ErrForged):
		return nil, fmt.Errorf("refused: %w: it was altered or not written by the device it names", err)
	case err != nil:
		return nil, fmt.Errorf("refused: %w", err)
	}
	d, err := store.Device(ctx, b.Header.DeviceID)
	if errors.Is(err, central.ErrNotFound) {
		return nil, fmt.Errorf("refused %s: device %s is not enrolled with this central", path, b.Header.DeviceID)
	}
	if err != nil {
		return nil, err
	}
	if !ed25519.PublicKey(d.PublicKey).Equal(b.Header.DeviceKey) {
		return nil, fmt.Errorf("refused %s: the bundle's key for device %s is not the key it enrolled with", path, d.ID)
	}
	if d.State() == central.DeviceRevoked && !allowRevoked {
		return nil, fmt.Errorf("refused %s: device %s was revoked on %s; pass --allow-revoked to import it anyway",
			path, d.ID, d.RevokedAt.UTC().Format("2006-01-02 15:04 MST"))
	}
	return b, nil
}

// ingest sends a verified bundle's records through central's ingest path
// in batches.
func (c *ImportCommand) ingest(ctx context.Context, srv *central.Server, b *bundle.Bundle, allowRevoked bool) (*importCounts, error) {
	ingest := srv.Ingest
	if allowRevoked {
		ingest = srv.IngestFromRevoked
	}
	size := c.batch
	if size <= 0 {
		size = DefaultImportBatch
	}
	n := &importCounts{}
	bar := progress.New(c.main.Stderr, "records imported")
	defer bar.Finish()
	batch := make([][]byte, 0, size)
	done := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		results, err := ingest(ctx, b.Header.DeviceID, batch, central.ChannelBundle)
		if err != nil {
			return err
		}
		n.add(results)
		done += len(batch)
		bar.Update(int64(done), int64(b.Header.Records))
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
	if err != nil {
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return n, nil
}
