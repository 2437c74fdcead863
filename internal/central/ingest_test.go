package central_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

func statuses(br *protocol.BatchResponse) []protocol.Status {
	out := make([]protocol.Status, len(br.Results))
	for i, r := range br.Results {
		out[i] = r.Status
	}
	return out
}

func allStatus(t *testing.T, br *protocol.BatchResponse, want protocol.Status) {
	t.Helper()
	for i, r := range br.Results {
		if r.Status != want {
			t.Errorf("record %d: %s %s, want %s", i, r.Status, r.Reason, want)
		}
	}
}

func TestIngestAcceptsRecordsOfEveryKind(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	var recs [][]byte
	var ids []string
	for _, k := range record.Kinds {
		r := d.Record(t, k)
		recs = append(recs, r.Marshal())
		ids = append(ids, r.ID.String())
	}
	br := d.Upload(t, recs)
	allStatus(t, br, protocol.Accepted)
	for i, res := range br.Results {
		if res.ID != ids[i] || res.Seq != uint64(i+1) {
			t.Errorf("result %d is for %s seq %d, want %s seq %d", i, res.ID, res.Seq, ids[i], i+1)
		}
	}
	st := c.Stats(t)
	if n := int64(len(record.Kinds)); st.Records != n || st.ByChannel[central.ChannelKiosk] != n {
		t.Errorf("stats: %d records, %d via kiosk; want %d and %d", st.Records, st.ByChannel[central.ChannelKiosk], n, n)
	}
	for _, k := range record.Kinds {
		if st.ByKind[string(k)] != 1 {
			t.Errorf("%s: %d records, want 1", k, st.ByKind[string(k)])
		}
	}
}

func TestIngestStoresTheEnvelopeAndTheExactBytes(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeCanvasser)
	r := d.Record(t, record.KindSignature)
	data := r.Marshal()
	allStatus(t, d.Upload(t, [][]byte{data}), protocol.Accepted)
	var (
		stored                           []byte
		kind, subject, receipt, alcaldia string
		mode, channel                    string
		signer                           []byte
		version                          int
	)
	err := c.Store.DB().QueryRow(`SELECT data, kind, subject_id, receipt, alcaldia, mode, channel, signer_index, campaign_version
		FROM records WHERE id = ?`, r.ID[:]).Scan(&stored, &kind, &subject, &receipt, &alcaldia, &mode, &channel, &signer, &version)
	if err != nil {
		t.Fatal(err)
	}
	if string(stored) != string(data) {
		t.Error("stored bytes differ from the uploaded record")
	}
	if kind != string(r.Kind) || subject != r.SubjectID || receipt != record.ReceiptCode(r.ID) || alcaldia != r.Alcaldia ||
		mode != record.ModeCanvasser || channel != central.ChannelCanvasser || string(signer) != string(r.SignerIndex) || version != r.CampaignVersion {
		t.Errorf("stored envelope: kind %s subject %s receipt %s alcaldía %s mode %s channel %s version %d", kind, subject, receipt, alcaldia, mode, channel, version)
	}
	// And central can open what it stored.
	back, err := record.Unmarshal(stored)
	if err != nil {
		t.Fatal(err)
	}
	body, err := record.OpenBody(back.Body, c.Keys.SealPublic, c.Keys.SealPrivate)
	if err != nil {
		t.Fatal(err)
	}
	if body.Signer == nil || string(record.BlindIndex(c.Keys.Dedupe, body.Signer.VoterID, r.SubjectID)) != string(r.SignerIndex) {
		t.Error("the opened body does not match the record's blind signer index")
	}
}

func TestIngestReplayedBatchIsAllDuplicateAndStoresNothing(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	recs := d.Records(t, 12)
	allStatus(t, d.Upload(t, recs), protocol.Accepted)
	before := c.Stats(t)
	allStatus(t, d.Upload(t, recs), protocol.Duplicate)
	after := c.Stats(t)
	if after.Records != before.Records || after.Duplicates != before.Duplicates+12 {
		t.Errorf("after the replay: %d records (was %d), %d duplicates (was %d)", after.Records, before.Records, after.Duplicates, before.Duplicates)
	}
	var n int
	if err := c.Store.DB().QueryRow(`SELECT count(*) FROM records`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 12 {
		t.Errorf("%d rows in records, want 12", n)
	}
}

func TestIngestConflictIsKeptForAuditAndNotCounted(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	r := d.Record(t, record.KindSignature)
	allStatus(t, d.Upload(t, [][]byte{r.Marshal()}), protocol.Accepted)
	before := c.Stats(t)

	// Same id, different content: what a device that reused an id (a
	// restored backup, a bug) would send.
	r.DeviceTime = r.DeviceTime.Add(time.Minute)
	other := d.Resign(r)
	for range 2 {
		allStatus(t, d.Upload(t, [][]byte{other}), protocol.Conflict)
	}
	after := c.Stats(t)
	if after.Records != before.Records || after.Proposals[0] != before.Proposals[0] {
		t.Errorf("the conflict was counted: %d records (was %d)", after.Records, before.Records)
	}
	if after.Conflicts != 1 {
		t.Errorf("%d conflicts kept, want the one distinct copy", after.Conflicts)
	}
	var kept []byte
	if err := c.Store.DB().QueryRow(`SELECT data FROM conflicts WHERE record_id = ?`, r.ID[:]).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if string(kept) != string(other) {
		t.Error("the conflicting copy kept is not the one sent")
	}
}

func TestIngestRejectsBadRecordsAndKeepsTheRest(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	other := c.NewDevice(t, record.ModeKiosk)
	tests := []struct {
		name   string
		make   func() []byte
		reason string
	}{
		{"bytes that are not a record", func() []byte { return []byte("not a record") }, protocol.ReasonUndecodable},
		{"a record of another device", func() []byte { return other.Record(t, record.KindSurvey).Marshal() }, protocol.ReasonWrongDevice},
		{"a record signed by another device", func() []byte {
			r := d.Record(t, record.KindSurvey)
			r.Sign(other.Key)
			return r.Marshal()
		}, protocol.ReasonBadSignature},
		{"a record changed after signing", func() []byte {
			r := d.Record(t, record.KindComment)
			r.SubjectID = d.Campaign.Articles[len(d.Campaign.Articles)-1].ID + "x"
			return r.Marshal()
		}, protocol.ReasonBadSignature},
		{"an unknown campaign", func() []byte {
			r := d.Record(t, record.KindSurvey)
			r.CampaignID = "otra-campaña"
			return d.Resign(r)
		}, protocol.ReasonUnknownCampaign},
		{"an unknown campaign version", func() []byte {
			r := d.Record(t, record.KindSurvey)
			r.CampaignVersion = 99
			return d.Resign(r)
		}, protocol.ReasonUnknownVersion},
		{"an unknown proposal", func() []byte {
			r := d.Record(t, record.KindSignature)
			r.SubjectID = "no-existe"
			return d.Resign(r)
		}, protocol.ReasonUnknownSubject},
		{"a survey answer to another survey", func() []byte {
			r := d.Record(t, record.KindSurvey)
			r.SubjectID = "otra-encuesta"
			return d.Resign(r)
		}, protocol.ReasonUnknownSubject},
		{"an unknown assembly", func() []byte {
			r := d.Record(t, record.KindSignature)
			r.EventID = "asamblea-lunar"
			return d.Resign(r)
		}, protocol.ReasonInvalidEnvelope},
		{"an unknown alcaldía", func() []byte {
			r := d.Record(t, record.KindComment)
			r.Alcaldia = "atlantida"
			return d.Resign(r)
		}, protocol.ReasonInvalidEnvelope},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			good1, good2 := d.Record(t, record.KindSignature), d.Record(t, record.KindEvent)
			before := c.Stats(t)
			br := d.Upload(t, [][]byte{good1.Marshal(), tt.make(), good2.Marshal()})
			got := statuses(br)
			if got[0] != protocol.Accepted || got[2] != protocol.Accepted {
				t.Errorf("the good records around the bad one: %v", got)
			}
			if got[1] != protocol.Rejected || br.Results[1].Reason != tt.reason {
				t.Errorf("bad record: %s %q, want rejected %q", got[1], br.Results[1].Reason, tt.reason)
			}
			if after := c.Stats(t); after.Records != before.Records+2 {
				t.Errorf("%d records stored, want the 2 good ones", after.Records-before.Records)
			}
		})
	}
	t.Run("the same record twice in one batch", func(t *testing.T) {
		r := d.Record(t, record.KindSurvey).Marshal()
		br := d.Upload(t, [][]byte{r, r})
		if got := statuses(br); got[0] != protocol.Accepted || got[1] != protocol.Rejected || br.Results[1].Reason != protocol.ReasonDuplicateInBatch {
			t.Errorf("got %v %q, want accepted then rejected duplicate_in_batch", got, br.Results[1].Reason)
		}
	})
}

func TestIngestFromManyDevicesAtOnceCountsEveryRecordOnce(t *testing.T) {
	// Concurrent uploads share group commits; a record sent by two
	// concurrent retries of the same batch must still be stored once.
	c := centraltest.Start(t)
	const devices, perDevice = 12, 30
	ds := make([]*centraltest.Device, devices)
	batches := make([][][]byte, devices)
	for i := range ds {
		ds[i] = c.NewDevice(t, record.ModeKiosk)
		batches[i] = ds[i].Records(t, perDevice)
	}
	var wg sync.WaitGroup
	for i := range ds {
		for range 2 {
			req := ds[i].BatchRequest(t, batches[i])
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := centraltest.Send(c.Client, req)
				if err != nil {
					t.Error(err)
					return
				}
				if resp.Status != http.StatusOK {
					t.Errorf("device %d: status %d", i, resp.Status)
				}
			}()
		}
	}
	wg.Wait()
	st := c.Stats(t)
	if st.Records != devices*perDevice || st.Duplicates != devices*perDevice {
		t.Errorf("%d records and %d duplicates, want %d of each", st.Records, st.Duplicates, devices*perDevice)
	}
	if st.Missing != 0 {
		t.Errorf("%d missing", st.Missing)
	}
}

func TestIngestThroughTheImportPathCountsAsBundle(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	recs := d.Records(t, 5)
	ctx := context.Background()
	for range 2 { // importing twice is harmless
		if _, err := c.Server.Ingest(ctx, d.ID, recs, central.ChannelBundle); err != nil {
			t.Fatal(err)
		}
	}
	st := c.Stats(t)
	if st.Records != 5 || st.ByChannel[central.ChannelBundle] != 5 || st.Duplicates != 5 {
		t.Errorf("%d records, %d via bundle, %d duplicates; want 5, 5, 5", st.Records, st.ByChannel[central.ChannelBundle], st.Duplicates)
	}
	if _, err := c.Server.Ingest(ctx, "dev-nosuchthing", recs, central.ChannelBundle); err == nil {
		t.Error("ingest for an unknown device succeeded")
	}
}

// TestUploadRefusesASupportForAProposalItsVersionClosed is the upload
// path of the conformance suite's closed-proposal test: a support made
// while the proposal was open is taken after it closes; one a device with
// a tampered copy makes under the closing version is refused by name.
func TestUploadRefusesASupportForAProposalItsVersionClosed(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	target := d.Campaign.Proposals[0].ID
	before := d.Signature(t, target, "")
	closing := *d.Campaign
	closing.Proposals = slices.Clone(d.Campaign.Proposals)
	closing.Proposals[0].Closed = true
	data, err := campaign.Marshal(&closing)
	if err != nil {
		t.Fatal(err)
	}
	if _, changed, err := c.Server.Publish(context.Background(), "closing", data); err != nil || !changed {
		t.Fatalf("publish the closing: changed %v, %v", changed, err)
	}
	d.Campaign = d.FetchCampaign(t)
	if !d.Campaign.Proposal(target).Closed {
		t.Fatal("the device's new version has the proposal open")
	}
	d.Campaign.Proposals[0].Closed = false // the tampered copy
	after := d.Signature(t, target, "")
	br := d.Upload(t, [][]byte{before.Marshal(), after.Marshal()})
	if br.Results[0].Status != protocol.Accepted {
		t.Errorf("a support made while the proposal was open: %+v", br.Results[0])
	}
	if r := br.Results[1]; r.Status != protocol.Rejected || r.Reason != protocol.ReasonProposalClosed {
		t.Errorf("a support made under the version that closed it: %+v, want rejected %s", r, protocol.ReasonProposalClosed)
	}
}
