package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/export"
	"github.com/voces-cdmx/voces/internal/record"
)

// ExportCommand writes the records with their bodies opened, for the
// people who read them.
type ExportCommand struct {
	main *Main
}

const exportSynopsis = `
central export --data DIR [--db …] --out FILE [--format csv|xlsx|pdf] [--delimiter ,|;|tab] [--key FILE] [--kind KIND]

Opens every stored record with the campaign private key and writes them out.

--format csv (the default) writes one row per record: envelope (record id,
receipt, kind, subject and its title, device, seq, mode, channel, event,
alcaldía, device and received times), then the body (signer, registrant,
comment, canvasser, one column per survey question). Signatures are written
as SVG files in FILE's name without extension + "_signatures/", named by
record id, and the signature_file column names each. UTF-8 with a byte
order mark, CRLF line ends; cells starting with = + - @ get a leading '.
--delimiter ";" separates the fields with semicolons, as Excel expects in
Spanish and other comma-decimal locales (with "," it shows one column).

--format xlsx writes a workbook with one sheet per kind, each with that
kind's columns (named as in the CSV): times as dates in the campaign's
time zone, numbers as numbers, the header row frozen. No signature files.

--format pdf writes signature sheets for the electoral authority: per
proposal a title page (threshold, count) and a table of name, voter id,
alcaldía, the signature, record id, device and time. Signatures only.

The key is read from --key FILE (the format of DIR/seal.key), else from DIR,
so a server can run without it and exports happen on a trusted machine.
A record the key cannot open stops the export; nothing is written then.`

// Run writes the export.
func (c *ExportCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("central export", exportSynopsis)
	dataDir := fs.String("data", "", dataUsage)
	db := fs.String("db", "", dbUsage)
	out := fs.String("out", "", "write the export to `FILE`")
	format := fs.String("format", "csv", "`FORMAT` of the export: csv, xlsx or pdf")
	delimiter := fs.String("delimiter", ",", "CSV field `SEPARATOR`: \",\", \";\" (Excel in Spanish), \"|\" or \"tab\"")
	keyFile := fs.String("key", "", "campaign private key `FILE` (default DIR/"+central.SealKeyFile+")")
	kind := fs.String("kind", "", "export only records of `KIND`: survey_response, signature, event_registration or comment")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if err := requireData(*dataDir); err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"--out FILE is required"}
	}
	if *kind != "" && !record.Kind(*kind).Valid() {
		return &usageError{fmt.Sprintf("--kind %q is not a record kind", *kind)}
	}
	comma, err := export.ParseDelimiter(*delimiter)
	if err != nil {
		return &usageError{"--" + err.Error()}
	}
	var write func(context.Context, central.RecordReader, *export.Key, string, export.Options) (*export.Summary, error)
	switch *format {
	case "csv":
		write = export.CSV
	case "xlsx":
		write = export.XLSX
	case "pdf":
		if *kind != "" && *kind != string(record.KindSignature) {
			return &usageError{"--format pdf holds signatures only; omit --kind or use --kind signature"}
		}
		write = export.PDF
	default:
		return &usageError{fmt.Sprintf("--format %q: want csv, xlsx or pdf", *format)}
	}

	key, err := c.loadKey(*dataDir, *keyFile)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *dataDir, *db, false)
	if err != nil {
		return err
	}
	defer store.Close()
	reader, ok := store.(central.RecordReader)
	if !ok {
		return errors.New("this database cannot list records for export")
	}
	campaigns, err := loadCampaigns(ctx, store)
	if err != nil {
		return err
	}
	sum, err := write(ctx, reader, key, *out, export.Options{
		Kind:      record.Kind(*kind),
		Campaigns: campaigns,
		Delimiter: comma,
		Progress:  export.ProgressBar(c.main.Stderr),
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	tw := tabwriter.NewWriter(c.main.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "records exported\t%d\n", sum.Records)
	for _, k := range record.Kinds {
		if n := sum.ByKind[k]; n > 0 {
			fmt.Fprintf(tw, "  %s\t%d\n", k, n)
		}
	}
	for _, f := range sum.Files {
		fmt.Fprintf(tw, "wrote\t%s\n", f)
	}
	return tw.Flush()
}

// loadKey reads the campaign private key from keyFile, or from the data
// directory when none is given.
func (c *ExportCommand) loadKey(dataDir, keyFile string) (*export.Key, error) {
	if keyFile != "" {
		return export.LoadKey(keyFile)
	}
	key, err := export.LoadKey(filepath.Join(dataDir, central.SealKeyFile))
	if errors.Is(err, export.ErrNoKey) {
		return nil, fmt.Errorf("the campaign private key is not in %s; pass --key FILE", dataDir)
	}
	return key, err
}

// loadCampaigns parses every published campaign version, for titles and
// survey columns.
func loadCampaigns(ctx context.Context, store central.Store) ([]*campaign.Campaign, error) {
	pcs, err := store.Campaigns(ctx)
	if err != nil {
		return nil, fmt.Errorf("load campaigns: %w", err)
	}
	out := make([]*campaign.Campaign, 0, len(pcs))
	for _, pc := range pcs {
		c, err := campaign.Parse(fmt.Sprintf("campaign version %d", pc.Version), pc.Content)
		if err != nil {
			return nil, fmt.Errorf("load campaigns: %w", err)
		}
		out = append(out, c)
	}
	return out, nil
}
