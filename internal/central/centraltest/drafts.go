package centraltest

import (
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
)

var (
	givenNames = []string{"María", "José", "Guadalupe", "Juan", "Ana Laura", "Luis", "Verónica", "Jesús", "Rosa", "Alejandro", "Fernanda", "Ximena"}
	surnames   = []string{"Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez", "Cruz", "Flores", "Gómez"}
	comments   = []string{
		"Que el derecho al agua quede escrito sin condiciones.",
		"Falta mencionar a las personas que cuidan a otras.",
		"El artículo debería decir cómo se va a pagar.",
		"Más transporte público nocturno, por favor.",
	}
)

// Draft makes a valid draft of the given kind with random plausible
// content for the device's campaign: a person's name, a valid INE voter
// key, an alcaldía, a synthetic handwritten signature, survey answers to
// every question.
func (d *Device) Draft(kind record.Kind) *record.Draft {
	d.mu.Lock()
	defer d.mu.Unlock()
	rng, c := d.rng, d.Campaign
	dr := &record.Draft{Kind: kind, Mode: d.Mode}
	switch kind {
	case record.KindSignature:
		// A closed proposal takes no new supports.
		open := c.OpenProposals()
		dr.SubjectID = open[rng.IntN(len(open))]
		signer(dr, rng, c)
	case record.KindProposal:
		dr.SubjectID = record.NewSubmissionID(kind)
		t := proposalTexts[rng.IntN(len(proposalTexts))]
		dr.Body.Proposal = &record.Submission{
			Title: t[0], Text: t[1], Lang: "es", Named: rng.IntN(2) == 0,
			Alcaldia: campaign.Alcaldias[rng.IntN(len(campaign.Alcaldias))].ID,
		}
		if len(c.Themes) > 0 {
			dr.Body.Proposal.Theme = c.Themes[rng.IntN(len(c.Themes))].ID
		}
		signer(dr, rng, c)
	case record.KindEventProposal:
		dr.SubjectID = record.NewSubmissionID(kind)
		dr.Body.Assembly = &record.Assembly{
			Title:     "Asamblea vecinal por el agua",
			Starts:    time.Date(2026, 4, 1+rng.IntN(28), 17, 0, 0, 0, time.FixedZone("CST", -6*3600)),
			Alcaldia:  campaign.Alcaldias[rng.IntN(len(campaign.Alcaldias))].ID,
			Venue:     "Casa de cultura, patio central",
			About:     "Leer juntos las propuestas sobre el agua y reunir apoyos.",
			Organiser: personName(rng),
			Contact:   fmt.Sprintf("55 %04d %04d", rng.IntN(10000), rng.IntN(10000)),
			Lang:      "es", ConsentVersion: c.Privacy.Version,
		}
	case record.KindSurvey:
		dr.Body.Answers = answers(rng, &c.Survey)
	case record.KindEvent:
		dr.SubjectID = c.Events[rng.IntN(len(c.Events))].ID
		dr.Body.Registrant = &record.Registrant{
			Name:           personName(rng),
			Contact:        fmt.Sprintf("55 %04d %04d", rng.IntN(10000), rng.IntN(10000)),
			ConsentVersion: c.Privacy.Version,
		}
	case record.KindComment:
		dr.SubjectID = c.Articles[rng.IntN(len(c.Articles))].ID
		dr.Body.Comment = &record.Comment{
			Text:     comments[rng.IntN(len(comments))],
			Alcaldia: campaign.Alcaldias[rng.IntN(len(campaign.Alcaldias))].ID,
		}
	default:
		panic(fmt.Sprintf("centraltest: unknown kind %q", kind))
	}
	return dr
}

// proposalTexts are titles and texts of plausible citizen proposals.
var proposalTexts = [][2]string{
	{"Bebederos en cada parque", "Que cada parque de la ciudad tenga un bebedero de agua potable que funcione todo el año."},
	{"Ciclovías conectadas", "Unir las ciclovías que ya existen para que se pueda cruzar la ciudad en bicicleta sin riesgo."},
	{"Luz en los bajo puentes", "Iluminar los bajo puentes y pasos peatonales para que se pueda caminar de noche."},
}

// signer gives a draft a person who signs: a supporter, or a proposal's
// author.
func signer(dr *record.Draft, rng *mrand.Rand, c *campaign.Campaign) {
	sig, err := stroke.Synthetic(rng, 600, 250, 8+rng.IntN(8)).MarshalBinary()
	if err != nil {
		panic(fmt.Sprintf("encode synthetic signature: %v", err))
	}
	dr.Body.Signer = &record.Signer{
		Name:           personName(rng),
		IDType:         campaign.IDTypeINE,
		VoterID:        RandomINE(rng),
		Alcaldia:       campaign.Alcaldias[rng.IntN(len(campaign.Alcaldias))].ID,
		ConsentVersion: c.Privacy.Version,
	}
	dr.Body.Strokes = sig
}

func personName(rng *mrand.Rand) string {
	return givenNames[rng.IntN(len(givenNames))] + " " + surnames[rng.IntN(len(surnames))] + " " + surnames[rng.IntN(len(surnames))]
}

// RandomINE returns a valid INE clave de elector: six letters, a birth
// date, a state number, sex and three digits.
func RandomINE(rng *mrand.Rand) string {
	b := make([]byte, 0, 18)
	for range 6 {
		b = append(b, byte('A'+rng.IntN(26)))
	}
	b = fmt.Appendf(b, "%02d%02d%02d", 40+rng.IntN(60), 1+rng.IntN(12), 1+rng.IntN(28))
	b = fmt.Appendf(b, "%02d", 1+rng.IntN(32))
	b = append(b, "HM"[rng.IntN(2)])
	return string(fmt.Appendf(b, "%03d", rng.IntN(1000)))
}

// answers answers every question of a survey within its rules.
func answers(rng *mrand.Rand, s *campaign.Survey) campaign.Answers {
	a := campaign.Answers{}
	for _, q := range s.Questions {
		switch q.Type {
		case campaign.TypeSingle:
			a[q.ID] = campaign.Answer{Choice: q.Options[rng.IntN(len(q.Options))].ID}
		case campaign.TypeMultiple:
			hi := len(q.Options)
			if q.Max > 0 {
				hi = q.Max
			}
			lo := max(q.Min, 1)
			n := lo + rng.IntN(hi-lo+1)
			var choices []string
			for _, i := range rng.Perm(len(q.Options))[:n] {
				choices = append(choices, q.Options[i].ID)
			}
			a[q.ID] = campaign.Answer{Choices: choices}
		case campaign.TypeScale, campaign.TypeNumber:
			x := float64(q.Min + rng.IntN(q.Max-q.Min+1))
			a[q.ID] = campaign.Answer{Number: &x}
		case campaign.TypeText:
			text := "Una ciudad con agua y parques"
			if r := []rune(text); len(r) > q.MaxLength {
				text = string(r[:q.MaxLength])
			}
			a[q.ID] = campaign.Answer{Text: text}
		case campaign.TypeAlcaldia:
			a[q.ID] = campaign.Answer{Choice: campaign.Alcaldias[rng.IntN(len(campaign.Alcaldias))].ID}
		}
	}
	return a
}
