package fieldsim

import (
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
)

// proposalTexts are titles and texts of the kind residents wrote in 2016;
// some carry the stray spaces and line breaks of an on-screen keyboard,
// which the record layer normalises before sealing.
var proposalTexts = [][2]string{
	{"Bebederos en cada parque", "Que cada parque de la ciudad tenga un bebedero de agua potable\n\nque funcione todo el año."},
	{"Ciclovías  conectadas", "Unir las ciclovías que ya existen para cruzar la ciudad en bicicleta sin riesgo."},
	{"Luz en los bajo puentes", "Iluminar los bajo puentes y los pasos peatonales para caminar de noche.   "},
	{"Mercados con baños dignos", "Que los mercados públicos tengan baños limpios y gratuitos para quien compra y quien vende."},
	{"Consulta antes de construir", "Que ninguna obra grande empiece sin preguntar antes a los vecinos de la colonia."},
}

var assemblyTitles = []string{"Asamblea vecinal por el agua", "Reunión de la colonia sobre movilidad", "Asamblea de mercado", "Círculo de lectura de la Constitución"}

// Proposal returns a resident's new proposal with its author's own
// signed support; about half the authors agree to be named.
func (g *Generator) Proposal() *record.Draft {
	p, idType := NewPerson(g.rng), pick(g.rng, g.c.IDTypes)
	if a := g.PopulationAuthor(); a != nil {
		// With a population, authors are its voters who do not sign, in
		// turn, so the roll check of their supports has a ground truth.
		p, idType = a.Person, campaign.IDTypeINE
	}
	d := g.signature(&p, idType, "")
	d.Kind, d.SubjectID = record.KindProposal, record.NewSubmissionID(record.KindProposal)
	t := proposalTexts[g.rng.IntN(len(proposalTexts))]
	sub := &record.Submission{Title: t[0], Text: t[1], Lang: "es", Named: g.rng.IntN(2) == 0}
	if len(g.c.Themes) > 0 {
		sub.Theme = g.c.Themes[g.rng.IntN(len(g.c.Themes))].ID
	}
	if g.rng.IntN(4) > 0 {
		sub.Alcaldia = campaign.Alcaldias[g.rng.IntN(len(campaign.Alcaldias))].ID
	}
	d.Body.Proposal = sub
	return d
}

// PopulationAuthor is the author of the next proposal when g has a
// Population: its voters who never sign (Population.Extra) in turn, the
// same whichever device asks; nil without one.
func (g *Generator) PopulationAuthor() *RollSigner {
	if g.Population == nil || len(g.Population.Extra) == 0 {
		return nil
	}
	a := &g.Population.Extra[g.nextAuthor%len(g.Population.Extra)]
	g.nextAuthor++
	return a
}

// Assembly returns an assembly a resident announces, or in canvasser mode
// one the canvasser opens on the spot: the signatures that follow on this
// device are collected under it.
func (g *Generator) Assembly() *record.Draft {
	id := record.NewSubmissionID(record.KindEventProposal)
	d := g.draft(record.KindEventProposal, id)
	org := NewPerson(g.rng)
	area := campaign.Alcaldias[g.rng.IntN(len(campaign.Alcaldias))].ID
	day := time.Date(2016, time.Month(3+g.rng.IntN(4)), 1+g.rng.IntN(28), 10+g.rng.IntN(9), 0, 0, 0, time.FixedZone("CST", -6*3600))
	d.Body.Assembly = &record.Assembly{
		Title: pick(g.rng, assemblyTitles), Starts: day, Alcaldia: area, Venue: "Casa de cultura de la colonia",
		About: "Leer juntos las propuestas y reunir apoyos.", Organiser: org.Name(), Contact: "55 5555 0000",
		Lang: "es", ConsentVersion: g.c.Privacy.Version,
	}
	if g.mode == record.ModeCanvasser {
		g.impromptu = id
	}
	return d
}
