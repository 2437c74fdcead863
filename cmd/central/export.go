package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/backend"
	"github.com/voces-cdmx/voces/internal/central/report"
	"github.com/voces-cdmx/voces/internal/cli"
	"github.com/voces-cdmx/voces/internal/export"
	"github.com/voces-cdmx/voces/internal/progress"
	"github.com/voces-cdmx/voces/internal/record"
)

// ExportCommand writes the records, opened, to a spreadsheet or a PDF.
type ExportCommand struct {
	main *Main
}

// Run exports what central holds and records it in the audit log.
func (c *ExportCommand) Run(ctx context.Context, args []string) error {
	var out, format, delimiter, keyFile, kind string
	return c.main.onNode(ctx, "export", args, backend.Command{
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(&out, "out", "", "write the export to `FILE`")
			fs.StringVar(&format, "format", "csv", "`FORMAT` of the export: csv, xlsx or pdf")
			fs.StringVar(&delimiter, "delimiter", ",", "CSV field `SEPARATOR`: \",\", \";\" (Excel in Spanish), \"|\" or \"tab\"")
			fs.StringVar(&keyFile, "key", "", "campaign private key `FILE` (default DIR/"+central.SealKeyFile+")")
			fs.StringVar(&kind, "kind", "", "export only records of `KIND`: survey_response, signature, event_registration or comment")
		},
		Check: func([]string) error {
			if _, _, err := export.Choose(format, kind, delimiter); err != nil || out == "" {
				return cli.Usagef("%v", cmp.Or(err, errors.New("--out FILE is required")))
			}
			return nil
		},
		Run: func(node *central.Node, _ []string) error {
			return c.export(ctx, node, out, format, kind, delimiter, keyFile)
		}})
}

// export writes the file and records who exported what, how many rows.
func (c *ExportCommand) export(ctx context.Context, node *central.Node, out, format, kind, delimiter, keyFile string) error {
	write, comma, _ := export.Choose(format, kind, delimiter) // checked
	key, err := export.LoadKeyFrom(node.DataDir(), central.SealKeyFile, keyFile)
	if err != nil {
		return err
	}
	campaigns, err := central.LoadCampaigns(ctx, node.Store())
	if err != nil {
		return err
	}
	bar, done := progress.Phases(c.main.Stderr, "records")
	sum, err := write(ctx, node.Store(), key, out, export.Options{Kind: record.Kind(kind), Campaigns: campaigns, Progress: bar, Delimiter: comma})
	done()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := node.Audit(ctx, central.CommandLineActor(), central.AuditExport, map[string]string{
		"format": format, "kind": kind, "rows": strconv.FormatInt(sum.Records, 10), "file": filepath.Base(out)}); err != nil {
		return err
	}
	return report.ExportSummary(c.main.Stdout, sum)
}
