// Command fieldsim enrolls a simulated device and fills its outbox with
// realistic records of every kind, for demos, rehearsals, load tests and
// benchmarks:
//
//	fieldsim --db PATH --code CODE --records N [--seed S] [--mode kiosk|canvasser]
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
	"os/signal"
	"syscall"
	"text/tabwriter"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := NewMain().Run(ctx, os.Args[1:])
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "fieldsim:", err)
		os.Exit(1)
	}
}

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

--code may be left out when the outbox is already enrolled: records are
added to it.

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

// Run enrolls and fills.
func (m *Main) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("fieldsim", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprint(m.Stderr, about)
		fs.PrintDefaults()
	}
	db := fs.String("db", "", "outbox `file` of the simulated device (created if missing)")
	code := fs.String("code", "", "provisioning `code` from central token")
	n := fs.Int("records", 0, "`number` of records to make")
	seed := fs.Uint64("seed", 0, "random `seed` (default: derived from the device id, so devices differ and a rerun repeats)")
	mode := fs.String("mode", record.ModeKiosk, "collection `mode`: kiosk or canvasser")
	name := fs.String("name", "", "device `name` (default: fieldsim and the mode)")
	only := fs.String("only", "", "make only this `kind` of record: survey_response, signature, event_registration or comment")
	repeat := fs.Float64("repeat-share", fieldsim.DefaultRepeatShare, "`share` of signatures made by the shared crowd")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case *db == "":
		return errors.New("--db is required")
	case *n < 0:
		return errors.New("--records must not be negative")
	case *only != "" && !record.Kind(*only).Valid():
		return fmt.Errorf("--only %q is not a record kind", *only)
	}
	store, err := outbox.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()

	id, err := store.Identity(ctx)
	switch {
	case *code != "":
		if *name == "" {
			*name = "fieldsim " + *mode
		}
		s := syncer.New(store)
		s.Logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		e, err := s.Enroll(ctx, *code, *name, *mode)
		if err != nil {
			return fmt.Errorf("enroll: %w", err)
		}
		if !*asJSON {
			fmt.Fprintf(m.Stdout, "enrolled %s (%s mode) with %s\n", e.DeviceID, e.Mode, e.ServerURL)
		}
		if id, err = store.Identity(ctx); err != nil {
			return err
		}
	case errors.Is(err, outbox.ErrNotEnrolled):
		return errors.New("the outbox is not enrolled: give --code")
	case err != nil:
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
	if *seed == 0 {
		h := sha256.Sum256([]byte(id.DeviceID))
		*seed = binary.BigEndian.Uint64(h[:8])
	}
	g := fieldsim.New(c, id.Mode, *seed)
	g.RepeatShare = *repeat
	if *only != "" {
		g.Mix = fieldsim.Mix{record.Kind(*only): 1}
	}
	sum, err := fieldsim.Fill(ctx, store, g, *n)
	if err != nil {
		return err
	}
	counts, err := store.Counts(ctx)
	if err != nil {
		return err
	}
	out := Summary{
		DeviceID: id.DeviceID, Mode: id.Mode, Records: sum.Records, ByKind: map[string]int{},
		CrowdSignatures: sum.CrowdSignatures, RefusedOnDevice: sum.RefusedOnDevice, Pending: counts.Pending,
	}
	for _, k := range record.Kinds {
		out.ByKind[string(k)] = sum.ByKind[k]
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(m.Stdout, "stored %d records in %s (%d pending in all):\n", sum.Records, *db, counts.Pending)
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	for _, k := range record.Kinds {
		fmt.Fprintf(tw, "  %s\t%d\t\n", k, sum.ByKind[k])
	}
	tw.Flush()
	fmt.Fprintf(m.Stdout, "signatures by the shared crowd: %d (the same people may sign on other simulated devices)\n", sum.CrowdSignatures)
	fmt.Fprintf(m.Stdout, "repeat signatures refused on this device: %d\n", sum.RefusedOnDevice)
	return nil
}
