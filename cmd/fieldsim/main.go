// Command fieldsim enrolls a simulated device and fills its outbox with
// realistic records of every kind, for demos, rehearsals, load tests and
// benchmarks:
//
//	fieldsim --db PATH --code CODE --records N [--seed S] [--mode kiosk|canvasser]
//	fieldsim --big-campaign FILE [--seed S] [--published]
//
// Enrollment goes through the same code path as `syncd enroll`; records
// go through the same validation and sealing as the kiosk's. Then `syncd
// push --db PATH` delivers them.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/cli"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
)

func main() { cli.Main("fieldsim", NewMain().Run) }

// Main is the fieldsim program.
type Main struct {
	Stdout, Stderr io.Writer
}

// NewMain returns a Main on the process's standard output and error.
func NewMain() *Main { return &Main{Stdout: os.Stdout, Stderr: os.Stderr} }

const about = `Usage: fieldsim --db PATH [--code CODE] --records N [flags]

Enrolls a simulated device with central (through the same code path as
"syncd enroll") and fills its outbox with N realistic records: about half
signatures (valid CURP and INE voter ids, Spanish names, alcaldías,
synthetic handwritten strokes, the campaign's consent version), survey
responses answering every question type, assembly registrations and
comments on draft articles. Every record passes the kiosk's validation and
is sealed and signed like the kiosk's. Deliver them with "syncd push".

Repeat signers: some signatures come from a crowd of 100 people that every
simulated device shares whatever its seed, each supporting two proposals.
On one device a repeat of the same person and proposal is refused, as the
kiosk refuses it; across devices it reaches central, which counts the
person once per proposal (by blind index). So two or more fieldsim devices
give central's duplicate-signer count something to find.

Electoral roll: --roll FILE makes the signatures from a population of
--people signers (drawn from --roll-seed) and writes FILE, a synthetic
lista nominal in the layout "central roll import" reads, consistent with
them: --missing of them are not in it, --outside are registered outside
the city, --curp sign with their CURP (which the roll cannot check), and
as many voters again who never sign are in it too. Signers sign in turn,
each their own proposal; two devices given the same --roll-seed sign with
the same people, so central finds every signature of the second device a
duplicate. Proposals are written by the voters who never sign, in turn
(with their clave de elector), so once published or merged their authors'
supports have a known place in the roll too.

--code may be left out when the outbox is already enrolled: records are
added to it.

--big-campaign FILE writes, instead, a valid campaign the size Mexico
City's grew to (400 proposals, 100 assemblies, 10 articles, Spanish and
English) built on the built-in one, for "central serve --campaign FILE",
tests and benchmarks; --seed picks its content. With --published it also
has what central publishes later: a plain-language summary on every
proposal and article, and the Drafting Group's answers on one proposal
in eight.

Flags:
`

// Summary is what --json prints.
type Summary struct {
	DeviceID        string         `json:"device_id"`
	Mode            string         `json:"mode"`
	Records         int            `json:"records"`
	ByKind          map[string]int `json:"by_kind"`
	CrowdSignatures int            `json:"crowd_signatures"`
	RefusedOnDevice int            `json:"refused_on_device"`
	Pending         int            `json:"pending"`
}

// options are the command line.
type options struct {
	db, code, mode, name, only string
	bigCampaign                string
	published                  bool
	records                    int
	seed                       uint64
	repeat                     float64
	asJSON                     bool
	roll                       string // roll file to write, "" for none
	rollSeed                   uint64
	people                     int
	rollOpt                    fieldsim.RollOptions
}

// parseFlags reads and checks the command line.
func (m *Main) parseFlags(args []string) (*options, error) {
	fs := flag.NewFlagSet("fieldsim", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprint(m.Stderr, about)
		fs.PrintDefaults()
	}
	o := &options{}
	fs.StringVar(&o.db, "db", "", "outbox `file` of the simulated device (created if missing)")
	fs.StringVar(&o.code, "code", "", "provisioning `code` from central token")
	fs.IntVar(&o.records, "records", 0, "`number` of records to make")
	fs.Uint64Var(&o.seed, "seed", 0, "random `seed` (default: derived from the device id, so devices differ and a rerun repeats)")
	fs.StringVar(&o.mode, "mode", record.ModeKiosk, "collection `mode`: kiosk or canvasser")
	fs.StringVar(&o.name, "name", "", "device `name` (default: fieldsim and the mode)")
	fs.StringVar(&o.only, "only", "", "make only this `kind` of record: survey_response, signature, event_registration, comment, proposal or event_proposal")
	fs.Float64Var(&o.repeat, "repeat-share", fieldsim.DefaultRepeatShare, "`share` of signatures made by the shared crowd")
	fs.BoolVar(&o.asJSON, "json", false, "print the summary as JSON")
	fs.StringVar(&o.roll, "roll", "", "sign with a population and write its electoral roll to `FILE` (CSV)")
	fs.Uint64Var(&o.rollSeed, "roll-seed", 1, "`seed` of the --roll population")
	fs.IntVar(&o.people, "people", 1000, "`number` of signers in the --roll population")
	fs.Float64Var(&o.rollOpt.Missing, "missing", fieldsim.DefaultRollOptions.Missing, "`share` of --roll signers missing from the roll")
	fs.Float64Var(&o.rollOpt.Outside, "outside", fieldsim.DefaultRollOptions.Outside, "`share` of --roll signers registered outside the city")
	fs.Float64Var(&o.rollOpt.CURP, "curp", fieldsim.DefaultRollOptions.CURP, "`share` of --roll signers giving their CURP")
	fs.StringVar(&o.bigCampaign, "big-campaign", "", "write a 400-proposal campaign to `file` and do nothing else")
	fs.BoolVar(&o.published, "published", false, "with --big-campaign: add plain summaries and the Drafting Group's answers")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.db == "" && o.bigCampaign == "":
		return nil, errors.New("--db is required")
	case o.records < 0:
		return nil, errors.New("--records must not be negative")
	case o.only != "" && !record.Kind(o.only).Valid():
		return nil, fmt.Errorf("--only %q is not a record kind", o.only)
	case o.roll != "" && o.people < 1:
		return nil, errors.New("--people must be at least 1")
	}
	return o, nil
}

// Run enrolls and fills.
func (m *Main) Run(ctx context.Context, args []string) error {
	o, err := m.parseFlags(args)
	if err != nil {
		return err
	}
	if o.bigCampaign != "" {
		return m.writeBigCampaign(o)
	}
	store, err := outbox.Open(ctx, o.db)
	if err != nil {
		return err
	}
	defer store.Close()
	id, err := m.identity(ctx, store, o)
	if err != nil {
		return err
	}
	sc, err := store.LatestCampaign(ctx)
	if err != nil {
		return err
	}
	c, err := campaign.Parse(fmt.Sprintf("campaign version %d", sc.Version), sc.Content)
	if err != nil {
		return err
	}
	if o.seed == 0 {
		h := sha256.Sum256([]byte(id.DeviceID))
		o.seed = binary.BigEndian.Uint64(h[:8])
	}
	g := fieldsim.New(c, id.Mode, o.seed)
	g.RepeatShare = o.repeat
	if o.only != "" {
		g.Mix = fieldsim.Mix{record.Kind(o.only): 1}
	}
	if o.roll != "" {
		o.rollOpt.Extra = o.people
		g.Population = fieldsim.NewPopulation(o.rollSeed, o.people, o.rollOpt)
	}
	sum, err := fieldsim.Fill(ctx, store, g, o.records)
	if err != nil {
		return err
	}
	if err := writeRoll(o.roll, g.Population); err != nil {
		return err
	}
	counts, err := store.Counts(ctx)
	if err != nil {
		return err
	}
	return m.print(o, id, sum, counts.Pending)
}

// identity enrolls the device when a code is given, and returns who it is.
func (m *Main) identity(ctx context.Context, store *outbox.Store, o *options) (*outbox.Identity, error) {
	id, err := store.Identity(ctx)
	switch {
	case o.code != "":
		if o.name == "" {
			o.name = "fieldsim " + o.mode
		}
		s := syncer.New(store)
		s.Logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		e, err := s.Enroll(ctx, o.code, o.name, o.mode)
		if err != nil {
			return nil, fmt.Errorf("enroll: %w", err)
		}
		if !o.asJSON {
			fmt.Fprintf(m.Stdout, "enrolled %s (%s mode) with %s\n", e.DeviceID, e.Mode, e.ServerURL)
		}
		return store.Identity(ctx)
	case errors.Is(err, outbox.ErrNotEnrolled):
		return nil, errors.New("the outbox is not enrolled: give --code")
	}
	return id, err
}

// print writes the summary, as JSON with --json.
func (m *Main) print(o *options, id *outbox.Identity, sum *fieldsim.Summary, pending int) error {
	out := Summary{
		DeviceID: id.DeviceID, Mode: id.Mode, Records: sum.Records, ByKind: map[string]int{},
		CrowdSignatures: sum.CrowdSignatures, RefusedOnDevice: sum.RefusedOnDevice, Pending: pending,
	}
	for _, k := range record.Kinds {
		out.ByKind[string(k)] = sum.ByKind[k]
	}
	if o.asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(m.Stdout, "stored %d records in %s (%d pending in all):\n", sum.Records, o.db, pending)
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	for _, k := range record.Kinds {
		fmt.Fprintf(tw, "  %s\t%d\t\n", k, sum.ByKind[k])
	}
	tw.Flush()
	fmt.Fprintf(m.Stdout, "signatures by the shared crowd: %d (the same people may sign on other simulated devices)\n", sum.CrowdSignatures)
	fmt.Fprintf(m.Stdout, "repeat signatures refused on this device: %d\n", sum.RefusedOnDevice)
	return nil
}

// writeRoll writes the population's roll to path, unless path is "".
func writeRoll(path string, p *fieldsim.Population) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write roll: %w", err)
	}
	if err := p.WriteRoll(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write roll: %w", err)
	}
	return nil
}

// writeBigCampaign writes fieldsim.BigCampaign built on the built-in
// campaign.
func (m *Main) writeBigCampaign(o *options) error {
	base, err := campaign.Parse("built-in campaign", assets.DefaultCampaign)
	if err != nil {
		return err
	}
	size := fieldsim.BigSize
	if o.published {
		size = fieldsim.BigPublished
	}
	c, err := fieldsim.BigCampaign(base, size, o.seed)
	if err != nil {
		return err
	}
	data, err := campaign.Marshal(c)
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.bigCampaign, data, 0o644); err != nil {
		return fmt.Errorf("write campaign: %w", err)
	}
	fmt.Fprintf(m.Stdout, "wrote %s: %d proposals, %d assemblies, %d articles, %d bytes\n",
		o.bigCampaign, len(c.Proposals), len(c.Events), len(c.Articles), len(data))
	return nil
}
