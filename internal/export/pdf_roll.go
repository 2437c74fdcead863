package export

import (
	"fmt"
	"strings"

	"github.com/voces-cdmx/voces/internal/central"
)

// The signature sheets' part of the roll check (issue 17): each
// proposal's title page gives its verified supports next to the raw ones
// and why the rest did not verify, and a last page gives the same per
// alcaldía. Rows stay one per signature record: the sheets are the raw
// supports, and the counts say how many of them the roll verified.

// rollStatusNames are the statuses as the sheets name them.
var rollStatusNames = map[string]string{
	central.StatusVerified:     "verificados",
	central.StatusOutsideCity:  "registrados fuera de la ciudad",
	central.StatusNotInRoll:    "no están en la lista nominal",
	central.StatusNotCheckable: "no verificables (CURP)",
	central.StatusDuplicate:    "repetidos",
	central.StatusUnreadable:   "ilegibles",
	central.StatusRejected:     "inválidos por revisión",
}

// rollGroup finds one proposal's or alcaldía's counts; nil when the roll
// check has none.
func rollGroup(groups []central.RollGroup, id string) *central.RollGroup {
	for i := range groups {
		if groups[i].ID == id {
			return &groups[i]
		}
	}
	return nil
}

// rollFacts are the title page's lines on the roll check of a proposal.
func rollFacts(rs *central.RollStats, id string, raw int) [][2]string {
	g := rollGroup(rs.Proposals, id)
	if g == nil {
		g = &central.RollGroup{ID: id}
	}
	verified := fmt.Sprintf("%s de %s apoyos", thousands(int(g.Verified)), thousands(raw))
	if g.Checked > 0 {
		verified += " (" + percent(int(g.Verified), int(g.Checked)) + " de los revisados)"
	}
	if pending := int64(raw) - g.Checked; pending > 0 {
		verified += fmt.Sprintf("; %s sin revisar aún", thousands(int(pending)))
	}
	return [][2]string{
		{fmt.Sprintf("Verificados en la lista nominal (lista %d)", rs.Import.ID), verified},
		{"No verificados, por motivo", failedText(g)},
	}
}

func failedText(g *central.RollGroup) string {
	var parts []string
	for _, s := range central.FailedStatuses {
		if n := g.Failed[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %s (%s)", thousands(int(n)), rollStatusNames[s], percent(int(n), int(g.Checked))))
		}
	}
	if len(parts) == 0 {
		return "ninguno"
	}
	return strings.Join(parts, " · ")
}

// rollSummary writes the last page: verified next to raw per alcaldía.
func (s *sheets) rollSummary(rs *central.RollStats) {
	p := s.pdf
	s.heading = ""
	p.AddPage()
	p.SetFont(fontSans, "", 10)
	p.Bookmark("Verificación en la lista nominal", 0, 0)
	p.SetFont(fontSans, "B", 14)
	p.CellFormat(0, 8, "VERIFICACIÓN DE LOS APOYOS EN LA LISTA NOMINAL", "", 1, "L", false, 0, "")
	p.SetFont(fontSans, "", 9.5)
	w, h := p.GetPageSize()
	inner := w - 2*pageMargin
	p.MultiCell(inner, 5, fmt.Sprintf("Lista nominal %d, importada el %s (%s electores). De %s apoyos revisados, %s están verificados: "+
		"en la lista de la ciudad, sin repetidos, más los que la mesa de control declaró válidos. "+
		"Los apoyos se cuentan por la alcaldía que cada persona declaró.",
		rs.Import.ID, rs.Import.ImportedAt.In(s.loc).Format("2006-01-02 15:04 MST"), thousands(int(rs.Import.Rows)),
		thousands(int(rs.Checked)), thousands(int(rs.Verified))), "", "L", false)
	p.Ln(3)
	cols := []sheetColumn{{"Alcaldía", 52}, {"Apoyos revisados", 30}, {"Verificados", 34}}
	rest := (inner - 116) / float64(len(central.FailedStatuses))
	for _, st := range central.FailedStatuses {
		cols = append(cols, sheetColumn{rollStatusNames[st], rest})
	}
	p.SetFont(fontSans, "B", 8)
	p.SetFillColor(225, 225, 225)
	p.SetDrawColor(90, 90, 90)
	p.SetLineWidth(0.2)
	y := p.GetY()
	for i, c := range cols {
		p.SetXY(pageMargin+colOffset(cols, i), y)
		p.MultiCell(c.width, 4, c.title, "", "C", false)
	}
	p.SetY(y + 13) // headers wrap to three lines of 4 mm
	p.SetFont(fontSans, "", 8.5)
	row := func(name string, g central.RollGroup) {
		if p.GetY()+6 > h-footMargin {
			p.AddPage()
		}
		cells := []string{name, thousands(int(g.Checked)), thousands(int(g.Verified)) + " (" + percentOr0(g.Verified, g.Checked) + ")"}
		for _, st := range central.FailedStatuses {
			cells = append(cells, thousands(int(g.Failed[st])))
		}
		for i, c := range cols {
			align := "R"
			if i == 0 {
				align = "L"
			}
			p.CellFormat(c.width, 6, fitText(p, cells[i], c.width-1), "1", 0, align, false, 0, "")
		}
		p.Ln(6)
	}
	total := central.RollGroup{Checked: rs.Checked, Verified: rs.Verified, Failed: rs.ByStatus}
	for _, g := range rs.Alcaldias {
		name := alcaldiaName(g.ID)
		if name == "" {
			name = "(sin alcaldía)"
		}
		row(name, g)
	}
	p.SetFont(fontSans, "B", 8.5)
	row("Toda la ciudad", total)
}

func colOffset(cols []sheetColumn, i int) float64 {
	x := 0.0
	for _, c := range cols[:i] {
		x += c.width
	}
	return x
}

func percentOr0(part, whole int64) string {
	if whole == 0 {
		return "0 %"
	}
	return percent(int(part), int(whole))
}
