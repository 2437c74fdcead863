// Package report writes what the central command line prints: stats,
// device and operator listings and export summaries, as aligned text for
// people or as JSON for scripts. Scripts and tests parse the JSON forms,
// so their field names are a contract.
package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/voces-cdmx/voces/internal/bundle"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/export"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// JSON writes v indented, as every --json form is.
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func table(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

// Stats writes central's counts as `central stats` does.
func Stats(w io.Writer, st *central.Stats) error {
	tw := table(w)
	fmt.Fprintf(tw, "records\t%d\n", st.Records)
	for _, k := range record.Kinds {
		fmt.Fprintf(tw, "  %s\t%d\n", k, st.ByKind[string(k)])
	}
	for _, ch := range []string{central.ChannelKiosk, central.ChannelCanvasser, central.ChannelBundle} {
		fmt.Fprintf(tw, "  via %s\t%d\n", ch, st.ByChannel[ch])
	}
	fmt.Fprintf(tw, "duplicates seen\t%d\n", st.Duplicates)
	fmt.Fprintf(tw, "conflicts kept\t%d\n", st.Conflicts)
	fmt.Fprintf(tw, "devices\t%d active, %d revoked\n", st.Devices[central.DeviceActive], st.Devices[central.DeviceRevoked])
	fmt.Fprintf(tw, "campaign version\t%d\n", st.CampaignVersion)
	fmt.Fprintf(tw, "missing records\t%d\n", st.Missing)
	for _, g := range st.Gaps {
		if g.Missing > 0 {
			fmt.Fprintf(tw, "  %s\t%d missing in %d ranges\n", g.DeviceID, g.Missing, len(g.Ranges))
		}
	}
	fmt.Fprintf(tw, "quarantined records\t%d\n", st.Quarantined)
	for _, id := range slices.Sorted(maps.Keys(st.QuarantinedByDevice)) {
		fmt.Fprintf(tw, "  %s\t%d quarantined\n", id, st.QuarantinedByDevice[id])
	}
	if st.Roll != nil {
		rollStats(tw, st.Roll)
	}
	proposals(tw, st)
	if len(st.Obligations) > 0 {
		fmt.Fprintln(tw, "\nOWED SINCE\tPROPOSAL\tTIER\tSIGNERS")
		for _, o := range st.Obligations {
			fmt.Fprintf(tw, "%s\t%s\t%s (%d)\t%d\n", o.Since.Format(time.DateTime), o.Proposal, o.Tier, o.Needed, o.Signers)
		}
	}
	return tw.Flush()
}

// proposals writes the proposals table; with a roll imported, verified
// supports stand next to raw ones.
func proposals(tw *tabwriter.Writer, st *central.Stats) {
	if st.Roll == nil {
		fmt.Fprintln(tw, "\nPROPOSAL\tSUPPORTS\tUNIQUE SIGNERS\tTHRESHOLD")
		for _, p := range st.Proposals {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", p.ID, p.Supports, p.UniqueSigners, p.Threshold)
		}
		return
	}
	fmt.Fprintln(tw, "\nPROPOSAL\tSUPPORTS\tVERIFIED\tUNIQUE SIGNERS\tTHRESHOLD")
	for _, p := range st.Proposals {
		var verified int64
		if p.Verified != nil {
			verified = *p.Verified
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", p.ID, p.Supports, verified, p.UniqueSigners, p.Threshold)
	}
}

// Device is one entry of `central devices --json`.
type Device struct {
	ID         string              `json:"id"`
	Name       string              `json:"name"`
	Mode       string              `json:"mode"`
	State      central.DeviceState `json:"state"`
	EnrolledAt time.Time           `json:"enrolled_at"`
	RevokedAt  *time.Time          `json:"revoked_at,omitempty"`
	LastSeen   *time.Time          `json:"last_seen,omitempty"`
	Records    int64               `json:"records"`
	LastSeq    uint64              `json:"last_seq"`
	Pending    *int                `json:"pending,omitempty"` // from the last heartbeat
	Heartbeat  *time.Time          `json:"heartbeat_at,omitempty"`
	LastError  string              `json:"last_error,omitempty"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// DevicesJSON writes the device list as `central devices --json` does.
func DevicesJSON(w io.Writer, devices []central.DeviceInfo) error {
	out := make([]Device, 0, len(devices))
	for _, d := range devices {
		j := Device{
			ID: d.ID, Name: d.Name, Mode: d.Mode, State: d.State(), EnrolledAt: d.EnrolledAt,
			RevokedAt: optTime(d.RevokedAt), LastSeen: optTime(d.LastSeen), Records: d.Records, LastSeq: d.LastSeq,
		}
		if d.Health != nil {
			p := d.Health.Heartbeat.Pending
			j.Pending, j.Heartbeat, j.LastError = &p, optTime(d.Health.ReceivedAt), d.Health.Heartbeat.LastError
		}
		out = append(out, j)
	}
	return JSON(w, out)
}

// Devices writes the device list as a table, times in local time.
func Devices(w io.Writer, devices []central.DeviceInfo) error {
	tw := table(w)
	fmt.Fprintln(tw, "ID\tNAME\tMODE\tSTATE\tENROLLED\tLAST SEEN\tPENDING\tLAST SEQ")
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Local().Format("2006-01-02 15:04")
	}
	for _, d := range devices {
		pending := "-"
		if d.Health != nil {
			pending = strconv.Itoa(d.Health.Heartbeat.Pending)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", d.ID, d.Name, d.Mode, d.State(),
			when(d.EnrolledAt), when(d.LastSeen), pending, d.LastSeq)
	}
	return tw.Flush()
}

// Operators writes the dashboard accounts as a table.
func Operators(w io.Writer, list []central.Operator) error {
	tw := table(w)
	fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tSTATE")
	for _, o := range list {
		state := "active"
		if !o.DisabledAt.IsZero() {
			state = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Name, o.Role, o.CreatedAt.Local().Format("2006-01-02 15:04"), state)
	}
	return tw.Flush()
}

// OperatorList lists the operators of store.
func OperatorList(ctx context.Context, w io.Writer, store central.Operators) error {
	list, err := store.ListOperators(ctx)
	if err != nil {
		return fmt.Errorf("list operators: %w", err)
	}
	return Operators(w, list)
}

// ExportSummary writes what an export wrote: records by kind, and files.
func ExportSummary(w io.Writer, sum *export.Summary) error {
	tw := table(w)
	fmt.Fprintf(tw, "records exported\t%d\n", sum.Records)
	for _, k := range record.Kinds {
		if n := sum.ByKind[k]; n > 0 {
			fmt.Fprintf(tw, "  %s\t%d\n", k, n)
		}
	}
	for _, f := range sum.Files {
		fmt.Fprintf(tw, "wrote\t%s\n", f)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if sum.Skipped > 0 {
		_, err := fmt.Fprintf(w, "skipped %d records whose sealed body does not open; list them with `%s`\n", sum.Skipped, central.QuarantineListCommand)
		return err
	}
	return nil
}

// Quarantine writes `central quarantine list`: each record whose sealed
// body does not open, with why and whether its body was purged.
func Quarantine(w io.Writer, list []central.QuarantinedRecord) error {
	if len(list) == 0 {
		_, err := fmt.Fprintln(w, "no quarantined records")
		return err
	}
	tw := table(w)
	fmt.Fprintln(tw, "RECORD\tDEVICE\tSEQ\tKIND\tRECEIVED\tPURGED\tREASON")
	for _, q := range list {
		purged := "-"
		if !q.PurgedAt.IsZero() {
			purged = q.PurgedAt.Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", q.ID, q.DeviceID, q.Seq, q.Kind, q.ReceivedAt.Format(time.DateTime), purged, q.Reason)
	}
	return tw.Flush()
}

// Audit writes what verification of the audit log found, and returns an
// error when the log does not hold, so the command exits non-zero.
func Audit(w io.Writer, r central.AuditReport) error {
	if !r.OK() {
		fmt.Fprintf(w, "audit log BROKEN (%d entries read):\n", r.Entries)
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
		return fmt.Errorf("the audit log does not verify: %d problems", len(r.Problems))
	}
	fmt.Fprintf(w, "audit log intact: %d entries, %d signed checkpoints verified", r.Entries, r.Checkpoints)
	if r.LastCheckpoint > 0 {
		fmt.Fprintf(w, ", the last at entry %d", r.LastCheckpoint)
	}
	if after := r.Entries - r.LastCheckpoint; after > 0 {
		fmt.Fprintf(w, "; %d entries after it are covered by the chain only", after)
	}
	fmt.Fprintln(w)
	return nil
}

// QuarantineResult writes what `central quarantine` did: the list (as
// JSON when asJSON), or how many sealed bodies a purge destroyed.
func QuarantineResult(w io.Writer, res *central.QuarantineResult, asJSON bool) error {
	switch {
	case res.Action == "purge":
		_, err := fmt.Fprintf(w, "purged the sealed bodies of %d quarantined records; their envelopes stay for gap and duplicate detection\n", res.Purged)
		return err
	case asJSON:
		return JSON(w, res.List)
	}
	return Quarantine(w, res.List)
}

// AuditAction runs `central audit`: verify (failing unless the log holds)
// or checkpoint.
func AuditAction(ctx context.Context, w io.Writer, node *central.Node, action string) error {
	if action == "checkpoint" {
		cp, err := node.AuditLog().Checkpoint(ctx, central.CommandLineActor())
		if err == nil {
			fmt.Fprintf(w, "signed checkpoint at entry %d\n", cp.Seq)
		}
		return err
	}
	r, err := node.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	return Audit(w, r)
}

// Code prints a provisioning code on stdout, for scripts, and on stderr
// until when it is valid and its short form: a device that knows this
// central (kiosk --fleet, or a full code it was given before) takes the
// 14 characters, one page of the on-screen keyboard.
func Code(stdout, stderr io.Writer, code protocol.ProvisioningCode, until time.Time) {
	fmt.Fprintln(stdout, code.String())
	fmt.Fprintf(stderr, "valid once, until %s\n", until.Format(time.RFC3339))
	fmt.Fprintf(stderr, "short code, for devices that know this central: %s\n", code.Short())
}

// ImportedBundle returns what central import prints after each bundle: its
// device, how many records it held and what became of them.
func ImportedBundle(w io.Writer) func(path string, h *bundle.Header, n *central.ImportCounts) {
	return func(path string, h *bundle.Header, n *central.ImportCounts) {
		fmt.Fprintf(w, "%s: device %s, %d records: %s\n", path, h.DeviceID, h.Records, n)
	}
}

// ImportTotal prints the sum over several bundles.
func ImportTotal(w io.Writer, total *central.ImportCounts) {
	fmt.Fprintf(w, "total: %s\n", total)
}
