package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/report"
	"github.com/voces-cdmx/voces/internal/cli"
	"github.com/voces-cdmx/voces/internal/export"
	"github.com/voces-cdmx/voces/internal/progress"
	"github.com/voces-cdmx/voces/internal/record"
)

// ExportCommand writes the records with their bodies opened, for the
// people who read them.
type ExportCommand struct {
	main *Main
}

// Run writes the export.
func (c *ExportCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("export")
	db := c.main.dbFlags(fs, false)
	out := fs.String("out", "", "write the export to `FILE`")
	format := fs.String("format", "csv", "`FORMAT` of the export: csv, xlsx or pdf")
	delimiter := fs.String("delimiter", ",", "CSV field `SEPARATOR`: \",\", \";\" (Excel in Spanish), \"|\" or \"tab\"")
	keyFile := fs.String("key", "", "campaign private key `FILE` (default DIR/"+central.SealKeyFile+")")
	kind := fs.String("kind", "", "export only records of `KIND`: survey_response, signature, event_registration or comment")
	if _, err := db.parse(fs, args); err != nil {
		return err
	}
	write, comma, err := exportFormat(*out, *format, *kind, *delimiter)
	if err != nil {
		return err
	}
	key, err := loadKey(*db.data, *keyFile)
	if err != nil {
		return err
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
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
	return report.ExportSummary(c.main.Stdout, sum)
}

// exportFormat checks the export flags and picks the writer and the CSV
// delimiter.
func exportFormat(out, format, kind, delimiter string) (export.Func, rune, error) {
	writers := map[string]export.Func{"csv": export.CSV, "xlsx": export.XLSX, "pdf": export.PDF}
	comma, err := export.ParseDelimiter(delimiter)
	switch {
	case out == "":
		return nil, 0, cli.Usagef("--out FILE is required")
	case kind != "" && !record.Kind(kind).Valid():
		return nil, 0, cli.Usagef("--kind %q is not a record kind", kind)
	case err != nil:
		return nil, 0, cli.Usagef("--%v", err)
	case writers[format] == nil:
		return nil, 0, cli.Usagef("--format %q: want csv, xlsx or pdf", format)
	case format == "pdf" && kind != "" && kind != string(record.KindSignature):
		return nil, 0, cli.Usagef("--format pdf holds signatures only; omit --kind or use --kind signature")
	}
	return writers[format], comma, nil
}

// loadKey reads the campaign private key from keyFile, or from the data
// directory when none is given.
func loadKey(dataDir, keyFile string) (*export.Key, error) {
	if keyFile != "" {
		return export.LoadKey(keyFile)
	}
	key, err := export.LoadKey(filepath.Join(dataDir, central.SealKeyFile))
	if errors.Is(err, export.ErrNoKey) {
		return nil, fmt.Errorf("the campaign private key is not in %s; pass --key FILE", dataDir)
	}
	return key, err
}
