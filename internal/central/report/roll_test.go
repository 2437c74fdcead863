package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/roll"
)

func TestStatsWithARollShowVerifiedNextToRaw(t *testing.T) {
	v := int64(3)
	st := &central.Stats{Proposals: []central.ProposalStats{{ID: "p1", Supports: 5, Verified: &v, UniqueSigners: 4, Threshold: 10}},
		Roll: &central.RollStats{Import: central.RollImport{ID: 2, Rows: 100}, Checked: 5, Verified: 3,
			ByStatus:    map[string]int64{central.StatusNotInRoll: 2},
			FailedShare: map[string]float64{central.StatusNotInRoll: 0.4},
			Alcaldias: []central.RollGroup{{ID: "tlalpan", Checked: 5, Verified: 3, Failed: map[string]int64{central.StatusNotInRoll: 2},
				FailedShare: map[string]float64{central.StatusNotInRoll: 0.4}}},
			Devices:    []central.RollShare{{ID: "dev-1", Checked: 5, NotVerified: 2, Share: 0.4}},
			Canvassers: []central.RollShare{{ID: "ana", Checked: 5, NotVerified: 2, Share: 0.4}},
			Queue:      1, Decided: 1, Disagreements: 1}}
	var b bytes.Buffer
	if err := Stats(&b, st); err != nil {
		t.Fatal(err)
	}
	out := words(b.String())
	for _, want := range []string{"not_in_roll 2 (40.0 %)", "canvasser ana 40.0 % of 5 not verified",
		"alcaldía tlalpan 3 verified of 5 (not_in_roll 2, 40.0 %)", "device dev-1 40.0 % of 5 not verified",
		"review desk 1 to review, 1 decided, 1 the roll in use disagrees with",
		"PROPOSAL SUPPORTS VERIFIED UNIQUE SIGNERS THRESHOLD p1 5 3 4 10"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats lack %q:\n%s", want, b.String())
		}
	}
}

func TestRollImportRefusedListsBadRowsOnStderr(t *testing.T) {
	var out, errw bytes.Buffer
	refused := errors.New("refused")
	err := RollImport(&out, &errw, &central.RollImportResult{Bad: []roll.BadRow{{Line: 7, Reason: "bad clave"}}}, refused)
	if !errors.Is(err, refused) || errw.String() != "line 7: bad clave\n" || out.Len() != 0 {
		t.Errorf("err %v, stderr %q, stdout %q", err, errw.String(), out.String())
	}
}

func words(s string) string { return strings.Join(strings.Fields(s), " ") }
