package main

import (
	"context"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/report"
	"github.com/voces-cdmx/voces/internal/cli"
	"github.com/voces-cdmx/voces/internal/export"
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
	node, err := db.Node(ctx)
	if err != nil {
		return err
	}
	defer node.Close()
	sum, err := export.Run(ctx, node, export.Request{Write: write, Delimiter: comma, Out: *out, Format: *format, Kind: *kind,
		DataDir: *db.Data, KeyFile: *keyFile, ProgressWriter: c.main.Stderr})
	if err != nil {
		return err
	}
	return report.ExportSummary(c.main.Stdout, sum)
}
