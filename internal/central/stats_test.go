package central_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

func TestStatsAfterAKnownMix(t *testing.T) {
	c := centraltest.Start(t)
	ctx := context.Background()
	kiosk := c.NewDevice(t, record.ModeKiosk)
	canvasser := c.NewDevice(t, record.ModeCanvasser)
	revoked := c.NewDevice(t, record.ModeKiosk)
	if err := c.Store.RevokeDevice(ctx, revoked.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	proposal := kiosk.Campaign.Proposals[1].ID

	// Kiosk: seq 1–7 arrive, 8 never does, 9 arrives; its heartbeat says it
	// made 10. Three supports of one proposal by two people.
	var recs [][]byte
	recs = append(recs,
		kiosk.Signature(t, proposal, "GMVLMR80070509M100").Marshal(),
		kiosk.Signature(t, proposal, "gmvlmr 800705 09m100").Marshal(), // the same person again
		kiosk.Signature(t, proposal, "PRGNJN75120301H200").Marshal(),
		kiosk.Record(t, record.KindSurvey).Marshal(),
		kiosk.Record(t, record.KindSurvey).Marshal(),
		kiosk.Record(t, record.KindEvent).Marshal(),
		kiosk.Record(t, record.KindComment).Marshal(),
	)
	kiosk.SkipSeq(1)
	recs = append(recs, kiosk.Record(t, record.KindComment).Marshal())
	allStatus(t, kiosk.Upload(t, recs), protocol.Accepted)
	kiosk.Heartbeat(t, protocol.Heartbeat{LastSeq: 10, Pending: 2})
	// One replay and one conflicting copy.
	allStatus(t, kiosk.Upload(t, recs[:1]), protocol.Duplicate)
	r, err := record.Unmarshal(recs[3])
	if err != nil {
		t.Fatal(err)
	}
	r.DeviceTime = r.DeviceTime.Add(time.Hour)
	allStatus(t, kiosk.Upload(t, [][]byte{kiosk.Resign(r)}), protocol.Conflict)

	// Canvasser: two signatures over the air, then two by bundle.
	allStatus(t, canvasser.Upload(t, [][]byte{canvasser.Record(t, record.KindSignature).Marshal(), canvasser.Record(t, record.KindSignature).Marshal()}), protocol.Accepted)
	if _, err := c.Server.Ingest(ctx, canvasser.ID, [][]byte{canvasser.Record(t, record.KindEvent).Marshal(), canvasser.Record(t, record.KindEvent).Marshal()}, central.ChannelBundle); err != nil {
		t.Fatal(err)
	}

	st := c.Stats(t)
	want := map[string]any{
		"records":    int64(12),
		"by_kind":    map[string]int64{"signature": 5, "survey_response": 2, "event_registration": 3, "comment": 2, "proposal": 0, "event_proposal": 0},
		"by_channel": map[string]int64{"kiosk": 8, "canvasser": 2, "bundle": 2},
		"duplicates": int64(1),
		"conflicts":  int64(1),
		"devices":    map[central.DeviceState]int64{central.DeviceActive: 2, central.DeviceRevoked: 1},
		"missing":    uint64(2),
	}
	got := map[string]any{
		"records": st.Records, "by_kind": st.ByKind, "by_channel": st.ByChannel, "duplicates": st.Duplicates,
		"conflicts": st.Conflicts, "devices": st.Devices, "missing": st.Missing,
	}
	for k, w := range want {
		if !reflect.DeepEqual(got[k], w) {
			t.Errorf("%s: %v, want %v", k, got[k], w)
		}
	}
	if len(st.Proposals) != len(kiosk.Campaign.Proposals) {
		t.Errorf("%d proposals listed, want all %d of the campaign", len(st.Proposals), len(kiosk.Campaign.Proposals))
	}
	for _, p := range st.Proposals {
		if p.ID == proposal && (p.Supports < 3 || p.UniqueSigners < 2 || p.Supports-p.UniqueSigners != 1) {
			t.Errorf("proposal %s: %d supports by %d signers; the kiosk's three supports are by two people", p.ID, p.Supports, p.UniqueSigners)
		}
		if p.Threshold <= 0 {
			t.Errorf("proposal %s has no threshold", p.ID)
		}
	}
	gaps := map[string]central.DeviceGaps{}
	for _, g := range st.Gaps {
		gaps[g.DeviceID] = g
	}
	wantGaps := map[string]central.DeviceGaps{
		kiosk.ID:     {DeviceID: kiosk.ID, HighestSeq: 9, ReportedSeq: 10, Missing: 2, Ranges: []central.SeqRange{{From: 8, To: 8}, {From: 10, To: 10}}},
		canvasser.ID: {DeviceID: canvasser.ID, HighestSeq: 4, Ranges: []central.SeqRange{}},
		revoked.ID:   {DeviceID: revoked.ID, Ranges: []central.SeqRange{}},
	}
	if !reflect.DeepEqual(gaps, wantGaps) {
		t.Errorf("gaps:\n%+v\nwant\n%+v", gaps, wantGaps)
	}

	// The JSON names are the contract scripts read.
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var asJSON map[string]any
	if err := json.Unmarshal(b, &asJSON); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"records", "by_kind", "by_channel", "duplicates", "conflicts", "devices", "proposals", "gaps", "missing", "campaign_version"} {
		if _, ok := asJSON[key]; !ok {
			t.Errorf("stats JSON has no %q", key)
		}
	}
}

func TestHeartbeatIsStoredAsTheDevicesHealth(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeCanvasser)
	oldest := time.Date(2016, 7, 1, 10, 0, 0, 0, time.UTC)
	d.Heartbeat(t, protocol.Heartbeat{Pending: 40, OldestPending: oldest, Dead: 1, LastSeq: 50, FreeDisk: 1 << 30, AppVersion: "1.2.3", CampaignVersion: 1, LastError: "dial tcp: i/o timeout"})
	// A gzip heartbeat is accepted too, and a lower last_seq (a device
	// reset) does not shrink what gaps are measured against.
	body, err := json.Marshal(protocol.Heartbeat{DeviceID: d.ID, Pending: 3, LastSeq: 20, Mode: d.Mode})
	if err != nil {
		t.Fatal(err)
	}
	if resp := centraltest.Do(t, c.Client, d.SignedRequest(t, protocol.PathHeartbeat, body, true)); resp.Status != 204 {
		t.Fatalf("gzip heartbeat: status %d %s", resp.Status, resp.Body)
	}
	devices, err := c.Store.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(devices) != 1 || devices[0].Health == nil {
		t.Fatalf("devices %+v", devices)
	}
	h := devices[0].Health.Heartbeat
	if h.Pending != 3 || h.LastSeq != 20 || devices[0].LastSeen.IsZero() {
		t.Errorf("health %+v, last seen %v", h, devices[0].LastSeen)
	}
	st := c.Stats(t)
	if g := st.Gaps[0]; g.ReportedSeq != 50 || g.Missing != 50 {
		t.Errorf("gaps %+v, want the 50 records the device once reported", g)
	}
}
