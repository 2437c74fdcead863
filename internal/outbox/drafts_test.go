package outbox_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
)

// drafts makes valid drafts of every kind for one campaign. Signers get
// distinct INE claves so no two signatures collide on the blind index.
type drafts struct {
	c   *campaign.Campaign
	rng *rand.Rand
	n   int
}

func newDrafts(c *campaign.Campaign, seed uint64) *drafts {
	return &drafts{c: c, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// ine makes a well-formed clave de elector unique to n.
func ine(n int) string {
	letters := make([]byte, 6)
	for i := range letters {
		letters[i] = byte('A' + n%26)
		n /= 26
	}
	return fmt.Sprintf("%s%02d%02d%02d09H%03d", letters, 50+n%40, 1+n%12, 1+n%28, n%1000)
}

func (d *drafts) signature() *record.Draft {
	d.n++
	p := d.c.Proposals[d.rng.IntN(len(d.c.Proposals))]
	sig := stroke.Synthetic(d.rng, 600, 250, 12)
	strokes, err := sig.MarshalBinary()
	if err != nil {
		panic(err)
	}
	return &record.Draft{
		Kind: record.KindSignature, SubjectID: p.ID, Mode: record.ModeKiosk,
		Body: record.Body{
			Signer: &record.Signer{
				Name: fmt.Sprintf("Persona %d", d.n), IDType: "ine", VoterID: ine(d.n),
				Alcaldia: campaign.Alcaldias[d.n%len(campaign.Alcaldias)].ID, ConsentVersion: d.c.Privacy.Version,
			},
			Strokes: strokes,
		},
	}
}

func (d *drafts) comment() *record.Draft {
	d.n++
	a := d.c.Articles[d.rng.IntN(len(d.c.Articles))]
	return &record.Draft{Kind: record.KindComment, SubjectID: a.ID, Mode: record.ModeKiosk,
		Body: record.Body{Comment: &record.Comment{Text: fmt.Sprintf("Comentario número %d sobre el artículo.", d.n)}}}
}

func (d *drafts) registration() *record.Draft {
	d.n++
	e := d.c.Events[d.rng.IntN(len(d.c.Events))]
	return &record.Draft{Kind: record.KindEvent, SubjectID: e.ID, Mode: record.ModeKiosk,
		Body: record.Body{Registrant: &record.Registrant{Name: fmt.Sprintf("Asistente %d", d.n), ConsentVersion: d.c.Privacy.Version}}}
}

// survey answers every required question with a valid answer.
func (d *drafts) survey() *record.Draft {
	d.n++
	answers := campaign.Answers{}
	for _, q := range d.c.Survey.Questions {
		if !q.Required && d.rng.IntN(2) == 0 {
			continue
		}
		var a campaign.Answer
		switch q.Type {
		case campaign.TypeSingle:
			a.Choice = q.Options[d.rng.IntN(len(q.Options))].ID
		case campaign.TypeMultiple:
			a.Choices = []string{q.Options[0].ID}
		case campaign.TypeScale, campaign.TypeNumber:
			v := float64(q.Min)
			a.Number = &v
		case campaign.TypeText:
			a.Text = "Más parques y transporte seguro"
		case campaign.TypeAlcaldia:
			a.Choice = campaign.Alcaldias[d.rng.IntN(len(campaign.Alcaldias))].ID
		}
		answers[q.ID] = a
	}
	return &record.Draft{Kind: record.KindSurvey, Mode: record.ModeKiosk, Body: record.Body{Answers: answers}}
}

// any returns a draft of a random kind.
func (d *drafts) any() *record.Draft {
	switch d.rng.IntN(4) {
	case 0:
		return d.signature()
	case 1:
		return d.comment()
	case 2:
		return d.registration()
	}
	return d.survey()
}
