package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/report"
	"github.com/voces-cdmx/voces/internal/cli"
	"github.com/voces-cdmx/voces/internal/export"
	"github.com/voces-cdmx/voces/internal/progress"
	"github.com/voces-cdmx/voces/internal/record"
)

// ExportCommand writes the records with their bodies opened, for the
// people who read them.
type ExportCommand struct{ main *Main }

// Run writes the export and records who exported what, how many rows.
func (c *ExportCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("export")
	db := c.main.dbFlags(fs, false)
	out := fs.String("out", "", "write the export to `FILE`")
	format := fs.String("format", "csv", "`FORMAT` of the export: csv, xlsx or pdf")
	delimiter := fs.String("delimiter", ",", "CSV field `SEPARATOR`: \",\", \";\" (Excel in Spanish), \"|\" or \"tab\"")
	keyFile := fs.String("key", "", "campaign private key `FILE` (default DIR/"+central.SealKeyFile+")")
	kind := fs.String("kind", "", "export only records of `KIND`: survey_response, signature, event_registration or comment")
	if _, err := db.Parse(fs, args); err != nil {
		return err
	}
	write, comma, err := export.Choose(*out, *format, *kind, *delimiter)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	key, err := export.KeyFor(*db.Data, *keyFile)
	if err != nil {
		return err
	}
	node, err := db.Node(ctx)
	if err != nil {
		return err
	}
	defer node.Close()
	store := node.Store()
	campaigns, err := central.LoadCampaigns(ctx, store)
	if err != nil {
		return err
	}
	bar, done := progress.Phases(c.main.Stderr, "records")
	sum, err := write(ctx, store, key, *out, export.Options{Kind: record.Kind(*kind), Campaigns: campaigns, Progress: bar, Delimiter: comma})
	done()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := node.Audit(ctx, central.CommandLineActor(), central.AuditExport, map[string]string{
		"format": *format, "kind": *kind, "rows": strconv.FormatInt(sum.Records, 10), "file": filepath.Base(*out)}); err != nil {
		return err
	}
	return report.ExportSummary(c.main.Stdout, sum)
}
