package report

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/protocol"
)

func TestDevicesJSONKeepsItsFieldNames(t *testing.T) {
	enrolled := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	devices := []central.DeviceInfo{
		{Device: central.Device{ID: "dev-a", Name: "kiosco", Mode: "kiosk", EnrolledAt: enrolled}, Records: 3, LastSeq: 3},
		{
			Device: central.Device{ID: "dev-b", Mode: "canvasser", EnrolledAt: enrolled, RevokedAt: enrolled.Add(time.Hour)},
			Health: &central.Health{ReceivedAt: enrolled, Heartbeat: protocol.Heartbeat{Pending: 7, LastError: "no route"}},
		},
	}
	var b strings.Builder
	if err := DevicesJSON(&b, devices); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0]["id"] != "dev-a" || got[0]["state"] != "active" || got[0]["records"] != 3.0 {
		t.Errorf("first device %v", got[0])
	}
	if _, ok := got[0]["revoked_at"]; ok {
		t.Errorf("an active device has revoked_at: %v", got[0])
	}
	if got[1]["state"] != "revoked" || got[1]["pending"] != 7.0 || got[1]["last_error"] != "no route" || got[1]["heartbeat_at"] == nil {
		t.Errorf("second device %v", got[1])
	}
}

func TestStatsTableListsGapsOnlyWhereSomethingIsMissing(t *testing.T) {
	st := &central.Stats{
		Records: 2, ByKind: map[string]int64{"signature": 2}, ByChannel: map[string]int64{"kiosk": 2},
		Devices:   map[central.DeviceState]int64{central.DeviceActive: 2},
		Gaps:      []central.DeviceGaps{{DeviceID: "dev-a", Missing: 3, Ranges: []central.SeqRange{{From: 1, To: 3}}}, {DeviceID: "dev-b"}},
		Proposals: []central.ProposalStats{{ID: "p1", Supports: 2, UniqueSigners: 1, Threshold: 5000}},
	}
	var b strings.Builder
	if err := Stats(&b, st); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(b.String()), " ")
	for _, want := range []string{"records 2", "via kiosk 2", "devices 2 active, 0 revoked", "dev-a 3 missing in 1 ranges", "p1 2 1 5000"} {
		if !strings.Contains(text, want) {
			t.Errorf("stats do not say %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(text, "dev-b") {
		t.Errorf("a device without gaps is listed:\n%s", b.String())
	}
}

func TestStatsTableListsObligationsOldestFirst(t *testing.T) {
	since := time.Date(2026, 12, 3, 20, 5, 0, 0, time.UTC)
	st := &central.Stats{Obligations: []central.Obligation{
		{Proposal: "p1", Tier: "answer", Needed: 5000, Signers: 5230, Since: since},
		{Proposal: "p2", Tier: "meeting", Needed: 10000, Signers: 10001, Since: since.Add(time.Hour)},
	}}
	var b strings.Builder
	if err := Stats(&b, st); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(b.String()), " ")
	want := "2026-12-03 20:05:00 p1 answer (5000) 5230 2026-12-03 21:05:00 p2 meeting (10000) 10001"
	if !strings.Contains(text, want) {
		t.Errorf("stats do not list %q:\n%s", want, b.String())
	}
	var empty strings.Builder
	if err := Stats(&empty, &central.Stats{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(empty.String(), "OWED") {
		t.Errorf("an empty obligations list has a heading:\n%s", empty.String())
	}
}
