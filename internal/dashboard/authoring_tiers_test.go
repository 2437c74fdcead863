package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/central"
)

func TestAProposalsOwnTiersAreEditedInItsForm(t *testing.T) {
	s := newSite(t)
	mod, modCSRF := s.signedIn(t, "mara", central.RoleModerator)
	mod.post("/draft/start", url.Values{"csrf": {modCSRF}, "from": {"1"}})
	pr := campaignOf(t, s).Proposals[0]
	form := mod.get("/draft/edit?kind=proposal&id=" + pr.ID)
	if f := section(t, form.body, "f-tiers"); !strings.Contains(f, "Niveles propios de la propuesta") || !strings.Contains(f, `name="tiers.signers[]"`) {
		t.Errorf("the proposal form's tiers field:\n%s", f)
	}
	post := func(threshold string, rows ...[3]string) page {
		t.Helper()
		v := url.Values{"csrf": {modCSRF}, "rev": {rev(t, form)}, "kind": {"proposal"}, "id": {pr.ID},
			"title.es": {pr.Title["es"]}, "title.en": {pr.Title["en"]}, "summary.es": {pr.Summary["es"]}, "summary.en": {pr.Summary["en"]},
			"theme": {pr.Theme}, "alcaldia": {pr.Alcaldia}, "threshold": {threshold}}
		for _, r := range rows {
			v["tiers.id[]"] = append(v["tiers.id[]"], "")
			v["tiers.signers[]"] = append(v["tiers.signers[]"], r[0])
			v["tiers.es[]"] = append(v["tiers.es[]"], r[1])
			v["tiers.en[]"] = append(v["tiers.en[]"], r[2])
		}
		p := mod.post("/draft/edit", v)
		if p.status == http.StatusSeeOther {
			form = mod.get(p.header.Get("Location"))
		}
		return p
	}
	draftTiers := func() string {
		t.Helper()
		d, err := s.dash.draftCampaign(httptestRequest(t))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, tr := range d.Proposal(pr.ID).Tiers {
			b.WriteString(tr.ID + "=" + strconv.Itoa(tr.Signers) + ";")
		}
		return b.String()
	}

	// Out of order: saved, and the form says which tier at the field.
	if p := post("", [3]string{"300", "una respuesta", "an answer"}, [3]string{"200", "una reunión", "a meeting"}, [3]string{"", "", ""}); p.status != http.StatusSeeOther {
		t.Fatalf("save tiers out of order: %d\n%s", p.status, p.body)
	}
	f := section(t, form.body, "f-tiers")
	if !strings.Contains(f, `class="field invalid"`) || !strings.Contains(f, "$.proposals[0].tiers[1].signers") || !strings.Contains(f, "necesita más firmantes que el anterior") {
		t.Errorf("the tiers field with tiers out of order:\n%s", f)
	}
	if got := draftTiers(); got != "una-respuesta=300;una-reunion=200;" {
		t.Errorf("the draft's tiers %q", got)
	}
	// The rows come back with their ids.
	if !strings.Contains(f, `value="una-respuesta"`) || !strings.Contains(f, `value="300"`) {
		t.Errorf("the rows are not shown back:\n%s", f)
	}

	// Own tiers and a threshold: the threshold field says so.
	if p := post("50", [3]string{"300", "una respuesta", "an answer"}, [3]string{"2000", "una reunión", "a meeting"}); p.status != http.StatusSeeOther {
		t.Fatalf("save tiers and a threshold: %d", p.status)
	}
	if f := section(t, form.body, "f-threshold"); !strings.Contains(f, `class="field invalid"`) || !strings.Contains(f, "Una propuesta con niveles propios no lleva meta propia") {
		t.Errorf("the threshold field with tiers of the proposal's own:\n%s", f)
	}
	if strings.Contains(section(t, form.body, "f-tiers"), "invalid") {
		t.Errorf("the tiers field shows the threshold's problem")
	}

	// A good ladder: no problems, and obligations judge by it.
	if p := post("", [3]string{"300", "una respuesta", "an answer"}, [3]string{"2000", "una reunión", "a meeting"}, [3]string{"", "", ""}); p.status != http.StatusSeeOther {
		t.Fatalf("save a good ladder: %d", p.status)
	}
	if strings.Contains(form.body, `class="field invalid"`) {
		t.Errorf("a good ladder shows problems:\n%s", form.body)
	}
	d, err := s.dash.draftCampaign(httptestRequest(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.TiersOf(d.Proposal(pr.ID)); len(got) != 2 || got[0].Signers != 300 || got[1].Earns["en"] != "a meeting" {
		t.Errorf("the proposal's ladder is %+v", got)
	}

	// A number that is not one: nothing saved, the form shown back.
	if p := post("", [3]string{"mil", "x", "x"}); p.status != http.StatusBadRequest || !strings.Contains(section(t, p.body, "f-tiers"), "mil") {
		t.Errorf("a tier of %q signers: %d", "mil", p.status)
	}
	if got := draftTiers(); got != "una-respuesta=300;una-reunion=2000;" {
		t.Errorf("the refused post changed the tiers to %q", got)
	}

	// A post without tier rows (not from the form) leaves them alone;
	// the form's empty rows drop them: the campaign's apply again.
	if p := post(""); p.status != http.StatusSeeOther || draftTiers() != "una-respuesta=300;una-reunion=2000;" {
		t.Errorf("a post without tier rows: %d, tiers %q", p.status, draftTiers())
	}
	if p := post("", [3]string{"", "", ""}); p.status != http.StatusSeeOther || draftTiers() != "" {
		t.Errorf("emptied rows: %d, tiers %q", p.status, draftTiers())
	}
}
