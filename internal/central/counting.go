package central

import (
	"errors"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/record"
)

// This file holds the counting rules both stores follow: what an accepted
// record adds to the counters, the widths of the time buckets, how gaps
// in a device's sequence numbers are reckoned, and how a stored record is
// read back. The stores only decide how the rows are written (SQLite: one
// writer, prepared statements; PostgreSQL: batches and counter deltas
// folded later), so a new counter is defined here once.

// Bucket widths of the time counters, in milliseconds: quarter hours give
// the records per local day (any time zone's midnight falls on a quarter
// hour), minutes give "the last hour" to the minute.
const (
	QuarterMS = 15 * 60 * 1000
	MinuteMS  = 60 * 1000
)

// QuarterStart is the unix ms at which quarter bucket q begins.
func QuarterStart(q int64) int64 { return q * QuarterMS }

// TallyKey is a row of the per-device counters (tallies).
type TallyKey struct{ Device, Kind, Channel string }

// SubjectKey is a row of the per-subject counters (subject_counts).
type SubjectKey struct{ Kind, Subject, Channel, Alcaldia string }

// SignerKey is one blind signer index under one proposal.
type SignerKey struct{ Subject, Index string }

// Increments sums what the accepted records of one transaction add to the
// counters, so a store writes each counter row once per transaction
// however many records touched it.
type Increments struct {
	Tallies  map[TallyKey]int64   // records per device, kind and channel
	Subjects map[SubjectKey]int64 // records per kind, subject, channel and alcaldía
	Quarters map[int64]int64      // records per quarter hour of receipt (unix ms / QuarterMS)
	Minutes  map[int64]int64      // records per minute of receipt (unix ms / MinuteMS)
	Signers  map[SignerKey]bool   // signer indexes seen; the store counts those new to it
}

// NewIncrements returns empty increments.
func NewIncrements() *Increments {
	return &Increments{
		Tallies:  map[TallyKey]int64{},
		Subjects: map[SubjectKey]int64{},
		Quarters: map[int64]int64{},
		Minutes:  map[int64]int64{},
		Signers:  map[SignerKey]bool{},
	}
}

// Add counts one record the store accepted at received. Only a signature
// with a signer index counts a signer: the index is what makes two
// signatures the same person.
func (c *Increments) Add(in *Incoming, received time.Time) {
	r := in.Record
	c.Tallies[TallyKey{r.DeviceID, string(r.Kind), in.Channel}]++
	c.Subjects[SubjectKey{string(r.Kind), r.SubjectID, in.Channel, r.Alcaldia}]++
	c.Quarters[received.UnixMilli()/QuarterMS]++
	c.Minutes[received.UnixMilli()/MinuteMS]++
	if r.Kind == record.KindSignature && len(r.SignerIndex) > 0 {
		c.Signers[SignerKey{r.SubjectID, string(r.SignerIndex)}] = true
	}
}

// Empty reports whether no record was added.
func (c *Increments) Empty() bool { return len(c.Tallies) == 0 }

// RecordColumns are the columns ScanRecord reads, in its order.
const RecordColumns = `id, device_id, seq, kind, subject_id, event_id, alcaldia, mode, channel, device_time, received_at, receipt, data, body_state`

// Scanner is a row of either store's driver.
type Scanner interface{ Scan(dest ...any) error }

// ScanRecord reads one row of RecordColumns.
func ScanRecord(row Scanner) (StoredRecord, error) {
	var (
		r              StoredRecord
		id             []byte
		seq, dt, recvd int64
	)
	if err := row.Scan(&id, &r.DeviceID, &seq, &r.Kind, &r.SubjectID, &r.EventID, &r.Alcaldia, &r.Mode, &r.Channel,
		&dt, &recvd, &r.Receipt, &r.Data, &r.BodyState); err != nil {
		return r, err
	}
	if len(id) != len(r.ID) {
		return r, fmt.Errorf("stored record id has %d bytes", len(id))
	}
	copy(r.ID[:], id)
	r.Seq = uint64(seq)
	r.DeviceTime = time.UnixMilli(dt).UTC()
	r.ReceivedAt = time.UnixMilli(recvd).UTC()
	return r, nil
}

// Quarantined reports whether a stored record's body is known not to
// open (BodyQuarantined or BodyPurged): exports skip it.
func (r *StoredRecord) Quarantined() bool { return r.BodyState >= BodyQuarantined }

// QuarantineTotal is the number of quarantined records, from the per
// device counts a store returns; every device is counted, revoked or not.
func QuarantineTotal(byDevice map[string]int64) int64 {
	var n int64
	for _, c := range byDevice {
		n += c
	}
	return n
}

// StatsBuilder assembles Stats from a store's rows, as TallyBuilder does
// Tallies: the store runs the queries, the arithmetic is here.
type StatsBuilder struct {
	st       *Stats
	byDevice map[string]int // index in st.Gaps
}

// NewStatsBuilder starts empty stats.
func NewStatsBuilder() *StatsBuilder {
	return &StatsBuilder{
		st: &Stats{
			ByKind:    map[string]int64{},
			ByChannel: map[string]int64{},
			Devices:   map[DeviceState]int64{},
			Proposals: []ProposalStats{},
			Gaps:      []DeviceGaps{},
		},
		byDevice: map[string]int{},
	}
}

// Stats is what the builder holds so far, for the fields a store fills
// directly (Duplicates, Conflicts, CampaignVersion).
func (b *StatsBuilder) Stats() *Stats { return b.st }

// Records adds n stored records of one kind and channel.
func (b *StatsBuilder) Records(kind, channel string, n int64) {
	b.st.Records += n
	b.st.ByKind[kind] += n
	b.st.ByChannel[channel] += n
}

// Devices adds n devices, active or revoked.
func (b *StatsBuilder) Devices(active bool, n int64) {
	if active {
		b.st.Devices[DeviceActive] += n
	} else {
		b.st.Devices[DeviceRevoked] += n
	}
}

// Proposal adds one proposal's supports and distinct signers. Call it in
// the order the stats should list them.
func (b *StatsBuilder) Proposal(id string, supports, signers int64) {
	b.st.Proposals = append(b.st.Proposals, ProposalStats{ID: id, Supports: supports, UniqueSigners: signers})
}

// Device adds an enrolled device with the highest sequence number central
// holds from it and the highest it reported. Call it in device id order,
// before any Hole of that device.
func (b *StatsBuilder) Device(id string, highest, reported int64) {
	b.byDevice[id] = len(b.st.Gaps)
	b.st.Gaps = append(b.st.Gaps, DeviceGaps{
		DeviceID: id, HighestSeq: uint64(highest), ReportedSeq: uint64(reported), Ranges: []SeqRange{},
	})
}

// errUnenrolledRecords means the records table names a device the devices
// table does not: the database is damaged.
var errUnenrolledRecords = errors.New("records from a device that is not enrolled")

// Hole adds the sequence numbers from..to (inclusive) missing between two
// that central holds from a device, in ascending order.
func (b *StatsBuilder) Hole(device string, from, to int64) error {
	i, ok := b.byDevice[device]
	if !ok {
		return errUnenrolledRecords
	}
	g := &b.st.Gaps[i]
	g.Ranges = append(g.Ranges, SeqRange{From: uint64(from), To: uint64(to)})
	return nil
}

// Finish adds each device's tail (from the highest held to the highest
// reported) to its gaps and counts what is missing.
func (b *StatsBuilder) Finish() *Stats {
	st := b.st
	for i := range st.Gaps {
		g := &st.Gaps[i]
		if g.ReportedSeq > g.HighestSeq {
			g.Ranges = append(g.Ranges, SeqRange{From: g.HighestSeq + 1, To: g.ReportedSeq})
		}
		for _, r := range g.Ranges {
			g.Missing += r.To - r.From + 1
		}
		st.Missing += g.Missing
	}
	return st
}
