package central

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// handleBatches takes an upload. The checks run cheapest first and each
// one before any work the next would cost: a request is authenticated over
// the bytes as sent before a byte of it is decompressed or parsed.
func (s *Server) handleBatches(w http.ResponseWriter, r *http.Request) error {
	raw, enc, err := s.readBody(w, r, protocol.MaxBatchBody, true)
	if err != nil {
		return err
	}
	dev, err := s.authenticate(r, protocol.PathBatches, raw)
	if err != nil {
		return err
	}
	if s.writer.full() {
		// Before inflating and checking the records: a batch that cannot
		// be queued is work thrown away.
		s.Metrics.refusedBusy()
		return busy()
	}
	plain, err := decode(raw, enc, protocol.MaxBatchDecoded)
	if err != nil {
		return err
	}
	var b protocol.Batch
	if err := decodeJSON(plain, &b, "batch", true); err != nil {
		return err
	}
	if b.DeviceID != dev.ID {
		return refuse(protocol.CodeMalformed, "batch device_id %q does not match the %s header %q", b.DeviceID, protocol.HeaderDevice, dev.ID)
	}
	if len(b.Records) > protocol.MaxBatchRecords {
		return refuse(protocol.CodeTooLarge, "batch has %d records; the limit is %d", len(b.Records), protocol.MaxBatchRecords)
	}
	results, err := s.ingest(r.Context(), dev, b.Records, "", false)
	switch {
	case errors.Is(err, ErrBusy):
		s.Metrics.refusedBusy()
		return busy()
	case err != nil:
		return unavailable(err)
	}
	info := infoOf(r)
	info.records = len(results)
	for _, res := range results {
		if res.Status == protocol.Accepted {
			info.stored++
		}
	}
	s.writeSigned(w, r, http.StatusOK, protocol.BatchResponse{Results: results, ServerTime: s.Now().UTC()})
	return nil
}

// Ingest checks and stores records from one enrolled device exactly as an
// upload does, and returns a result per record in order once they are
// durably committed. channel is ChannelBundle for records carried on a USB
// stick, or "" to take it from each record's collection mode. It returns
// an error wrapping ErrNotFound or ErrRevoked for a device that may not
// deliver records; nothing is stored then.
func (s *Server) Ingest(ctx context.Context, deviceID string, records [][]byte, channel string) ([]protocol.Result, error) {
	return s.ingestFrom(ctx, deviceID, records, channel, false)
}

// IngestFromRevoked is Ingest for a device that has been revoked, for an
// operator recovering a stolen device's earlier, honest records from a
// bundle (central import --allow-revoked). Every record is still checked
// against the device's enrolled key; the revocation stays in force.
func (s *Server) IngestFromRevoked(ctx context.Context, deviceID string, records [][]byte, channel string) ([]protocol.Result, error) {
	return s.ingestFrom(ctx, deviceID, records, channel, true)
}

func (s *Server) ingestFrom(ctx context.Context, deviceID string, records [][]byte, channel string, allowRevoked bool) ([]protocol.Result, error) {
	d, err := s.store.Device(ctx, deviceID)
	if err != nil {
		return nil, fmt.Errorf("ingest from device %q: %w", deviceID, err)
	}
	if d.State() == DeviceRevoked && !allowRevoked {
		return nil, fmt.Errorf("ingest from device %q: %w", deviceID, ErrRevoked)
	}
	return s.ingest(ctx, d, records, channel, true)
}

// ingest checks records and stores them in a group commit. wait says what
// a full commit queue means: waiting for room (imports), or ErrBusy at
// once (uploads, which the device brings back after Retry-After).
func (s *Server) ingest(ctx context.Context, d Device, records [][]byte, channel string, wait bool) ([]protocol.Result, error) {
	start := time.Now()
	results := make([]protocol.Result, len(records))
	kinds := make([]string, len(records)) // for metrics
	batch := IngestBatch{DeviceID: d.ID, Records: make([]Incoming, 0, len(records))}
	at := make([]int, 0, len(records)) // results index of each batch record
	seen := make(map[uuid.UUID]bool, len(records))
	chk := checker{s: s, ctx: ctx}
	opened := s.verifier.open(&d, records)
	for i, data := range records {
		o := &opened[i]
		rec, reason := o.rec, o.reason
		if reason == "" {
			reason = chk.check(rec)
		}
		if rec != nil {
			kinds[i] = string(rec.Kind)
			results[i].ID, results[i].Seq = rec.ID.String(), rec.Seq
			if reason == "" && seen[rec.ID] {
				reason = protocol.ReasonDuplicateInBatch
			}
		}
		if reason != "" {
			results[i].Status, results[i].Reason = protocol.Rejected, reason
			continue
		}
		seen[rec.ID] = true
		ch := channel
		if ch == "" {
			ch = rec.Mode
		}
		batch.Records = append(batch.Records, Incoming{
			Record:  rec,
			Data:    data,
			Hash:    o.hash,
			Receipt: record.ReceiptCode(rec.ID),
			Channel: ch,
		})
		at = append(at, i)
	}
	statuses, err := s.writer.submit(ctx, batch, wait)
	if err != nil {
		return nil, err
	}
	if len(statuses) != len(at) {
		return nil, fmt.Errorf("store answered %d statuses for %d records", len(statuses), len(at))
	}
	for j, st := range statuses {
		results[at[j]].Status = st
	}
	s.Metrics.observe(kinds, results, time.Since(start))
	return results, nil
}

// opened is what the parallel stage learns of one record: the decoded
// record (nil if undecodable), the reason to reject it found so far, and
// the hash of its bytes.
type opened struct {
	rec    *record.Record
	reason string
	hash   [32]byte
}

// openRecord decodes one record and checks what needs only the record and
// the device: its encoding, its device, its sequence number and, the
// expensive part, its signature.
func openRecord(d *Device, data []byte) opened {
	rec, err := record.Unmarshal(data)
	if err != nil {
		return opened{reason: protocol.ReasonUndecodable}
	}
	o := opened{rec: rec}
	switch {
	case rec.DeviceID != d.ID:
		o.reason = protocol.ReasonWrongDevice
	// Databases hold signed 64-bit integers; no honest device gets near.
	case rec.Seq > math.MaxInt64:
		o.reason = protocol.ReasonInvalidEnvelope
	// Verifying with the batch device's key is also what refuses a record
	// another device signed and this one relays.
	case rec.Verify(d.PublicKey) != nil:
		o.reason = protocol.ReasonBadSignature
	default:
		o.hash = sha256.Sum256(data)
	}
	return o
}

// checker judges the records of one batch against the campaigns, in the
// request's own goroutine, after the verifier has checked their
// signatures.
type checker struct {
	s         *Server
	ctx       context.Context
	refreshed bool // campaigns reloaded once for this batch already
}

// check returns the reason to reject a decoded record whose signature
// verified, "" if it may be stored.
func (c *checker) check(rec *record.Record) string {
	p := c.version(rec.CampaignVersion)
	switch {
	case !c.s.campaigns.knownID(rec.CampaignID):
		return protocol.ReasonUnknownCampaign
	case p == nil || p.CampaignID != rec.CampaignID:
		return protocol.ReasonUnknownVersion
	case !p.campaign.AcceptsKind(string(rec.Kind)):
		// Before the subject: a kind this version does not take is the
		// clearer reason for the technician who reads the dead record.
		return protocol.ReasonKindNotAccepted
	case !subjectExists(p.campaign, rec):
		return protocol.ReasonUnknownSubject
	case rec.Kind == record.KindSignature && p.campaign.Proposal(rec.SubjectID).Closed:
		// Judged by the version the support names, not the newest one: a
		// support made while the proposal was open counts whenever it
		// arrives, and only a device with a tampered or stale-ignoring
		// copy makes one under a version that closed it.
		return protocol.ReasonProposalClosed
	case rec.EventID != "" && !eventExists(p.campaign, rec.EventID):
		return protocol.ReasonInvalidEnvelope
	}
	if rec.Alcaldia != "" {
		if _, ok := campaign.AlcaldiaByID(rec.Alcaldia); !ok {
			return protocol.ReasonInvalidEnvelope
		}
	}
	return ""
}

// version finds a published version, reloading from the store once per
// batch when it is unknown: another node may have published it.
func (c *checker) version(v int) *published {
	if p := c.s.campaigns.get(v); p != nil || c.refreshed {
		return p
	}
	c.refreshed = true
	if err := c.s.refreshCampaigns(c.ctx); err != nil {
		c.s.Logger.Warn("reload campaigns", "err", err)
	}
	return c.s.campaigns.get(v)
}

// subjectExists reports whether the record's subject is in the campaign
// version it was made under.
func subjectExists(c *campaign.Campaign, r *record.Record) bool {
	switch r.Kind {
	case record.KindSurvey:
		return r.SubjectID == c.Survey.ID
	case record.KindSignature:
		return c.Proposal(r.SubjectID) != nil
	case record.KindEvent:
		return c.Event(r.SubjectID) != nil
	case record.KindComment:
		return c.Article(r.SubjectID) != nil
	case record.KindProposal, record.KindEventProposal:
		// A new subject made on the device: it must have the form of one
		// and not take the id of something already published.
		return record.IsSubmissionID(r.Kind, r.SubjectID) && c.Proposal(r.SubjectID) == nil && c.Event(r.SubjectID) == nil
	}
	return false
}

// eventExists reports whether a record may name eventID as the assembly
// it was collected at: one of the campaign's, or an impromptu one a
// canvasser opened on the device, which central links to the event when
// a moderator publishes it (its "ca-" id is kept).
func eventExists(c *campaign.Campaign, eventID string) bool {
	if c.Event(eventID) != nil {
		return true
	}
	return c.AcceptsKind(string(record.KindEventProposal)) && record.IsSubmissionID(record.KindEventProposal, eventID)
}
