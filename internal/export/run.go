package export

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/progress"
	"github.com/voces-cdmx/voces/internal/record"
)

// Request is one `central export`: the writer Choose picked, and what it
// writes where.
type Request struct {
	Write          Func
	Delimiter      rune   // CSV only
	Out            string // the file written
	Format, Kind   string // as given, for the audit log; Kind "" for every kind
	DataDir        string // where the campaign private key is, unless KeyFile
	KeyFile        string
	ProgressWriter io.Writer // where the progress bar goes: stderr
}

// Run writes the export through node's store with the bodies opened, and
// records in the audit log who exported what and how many rows. The key
// is read first, so a missing key fails before anything is opened.
func Run(ctx context.Context, node *central.Node, req Request) (*Summary, error) {
	key, err := KeyFor(req.DataDir, req.KeyFile)
	if err != nil {
		return nil, err
	}
	store := node.Store()
	campaigns, err := central.LoadCampaigns(ctx, store)
	if err != nil {
		return nil, err
	}
	st, err := store.Stats(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	raw := map[string]int64{}
	for _, p := range st.Proposals {
		raw[p.ID] = p.Supports
	}
	roll, err := central.SummarizeRoll(ctx, store, raw)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	bar, done := progress.Phases(req.ProgressWriter, "records")
	sum, err := req.Write(ctx, store, key, req.Out, Options{Kind: record.Kind(req.Kind), Campaigns: campaigns, Progress: bar, Delimiter: req.Delimiter, Roll: roll})
	done()
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	err = node.Audit(ctx, central.CommandLineActor(), central.AuditExport, map[string]string{
		"format": req.Format, "kind": req.Kind, "rows": strconv.FormatInt(sum.Records, 10), "file": filepath.Base(req.Out)})
	return sum, err
}
