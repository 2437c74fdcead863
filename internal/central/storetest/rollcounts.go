package storetest

import (
	"context"
	"maps"
	"testing"

	"github.com/voces-cdmx/voces/internal/central"
)

// checkTotals asserts that the counters the store keeps as supports are
// classified, decided and cancelled (SupportCheckTotals) are what
// grouping every classified support gives (SupportCheckCounts) by each
// grouping alone, and that VerifiedCounts agrees with them.
func checkTotals(t *testing.T, s central.OperationsStore) {
	t.Helper()
	ctx := context.Background()
	counts, err := s.SupportCheckCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, verified := map[central.SupportCheckTotal]int64{}, map[string]int64{}
	for _, c := range counts {
		for dim, key := range map[string]string{central.DimProposal: c.SubjectID, central.DimAlcaldia: c.Alcaldia,
			central.DimDevice: c.DeviceID, central.DimCanvasser: c.Canvasser} {
			want[central.SupportCheckTotal{Dim: dim, Key: key, Status: c.Status, Decision: c.Decision, RollID: c.RollID, Disagrees: c.Disagrees}] += c.N
		}
		if central.EffectiveStatus(c.Status, c.Decision) == central.StatusVerified {
			verified[c.SubjectID] += c.N
		}
	}
	totals, err := s.SupportCheckTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[central.SupportCheckTotal]int64{}
	for _, c := range totals {
		n := c.N
		c.N = 0
		got[c] += n
	}
	if !maps.Equal(got, want) {
		t.Errorf("the store's support counters differ from its classified supports:\n got %v\nwant %v", got, want)
	}
	if vc, err := s.VerifiedCounts(ctx); err != nil || !maps.Equal(vc, verified) {
		t.Errorf("verified counts %v (%v), want %v", vc, err, verified)
	}
}
