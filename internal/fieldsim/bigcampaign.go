package fieldsim

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
)

// Size is how much content BigCampaign makes.
type Size struct {
	Proposals, Events, Articles int
	// Published adds what central publishes back as the campaign goes on:
	// a plain-language summary on every proposal and article, and the
	// Drafting Group's answer on every eighth proposal (a meeting held on
	// every fortieth). It draws nothing more from the seed, so the rest
	// of the campaign is the same with or without it.
	Published bool
}

// BigSize is a campaign the size Mexico City's grew to (358 proposals),
// rounded up, for tests and benchmarks of what a big campaign costs: on
// the wire, to publish and to browse.
var BigSize = Size{Proposals: 400, Events: 100, Articles: 10}

// BigPublished is BigSize later in the process, with plain summaries and
// answers, for what a kiosk shows: the browse list, search, the proposal
// page.
var BigPublished = Size{Proposals: 400, Events: 100, Articles: 10, Published: true}

// answeredFrom is when the first generated answer is dated; later ones
// follow a day apart.
var answeredFrom = time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)

// Words the generated content is made of, Spanish and English side by
// side, so every text is a plausible length in both languages.
var (
	bigSubjects = [][2]string{
		{"el transporte público", "public transport"}, {"el agua potable", "drinking water"}, {"los parques", "parks"},
		{"las escuelas", "schools"}, {"la seguridad en las calles", "street safety"}, {"los mercados", "markets"},
		{"las ciclovías", "cycle lanes"}, {"la vivienda", "housing"}, {"los centros de salud", "health centres"},
		{"la basura", "waste collection"}, {"el alumbrado", "street lighting"}, {"las bibliotecas", "libraries"},
	}
	bigActions = [][2]string{
		{"Mejorar", "Improve"}, {"Ampliar", "Expand"}, {"Garantizar", "Guarantee"}, {"Proteger", "Protect"},
		{"Transparentar", "Open up"}, {"Financiar", "Fund"}, {"Vigilar", "Monitor"}, {"Descentralizar", "Decentralise"},
	}
	bigWho = [][2]string{
		{"para las personas mayores", "for older people"}, {"para niñas y niños", "for children"},
		{"en los pueblos originarios", "in the original villages"}, {"con participación vecinal", "with neighbourhood participation"},
		{"para personas con discapacidad", "for people with disabilities"}, {"en cada colonia", "in every neighbourhood"},
	}
)

// BigCampaign makes a valid campaign of the given size from base, whose
// identity, privacy notice, themes, tiers and survey it keeps: proposals
// spread over base's themes and the alcaldías, assemblies in every
// alcaldía each signing a dozen proposals, and draft articles of numbered
// paragraphs, all in Spanish and English. The same seed makes the same
// campaign.
func BigCampaign(base *campaign.Campaign, size Size, seed uint64) (*campaign.Campaign, error) {
	if len(base.Themes) == 0 {
		return nil, fmt.Errorf("big campaign: the base campaign has no themes")
	}
	rng := rand.New(rand.NewPCG(seed, 0x62696763))
	c := *base
	c.Proposals = make([]campaign.Proposal, 0, size.Proposals)
	for i := range size.Proposals {
		c.Proposals = append(c.Proposals, bigProposal(rng, base, i, size.Published))
	}
	c.Events = make([]campaign.Event, 0, size.Events)
	start := time.Date(2026, 12, 5, 10, 0, 0, 0, time.FixedZone("CST", -6*3600))
	for i := range size.Events {
		c.Events = append(c.Events, bigEvent(rng, c.Proposals, start, i))
	}
	c.Articles = make([]campaign.Article, 0, size.Articles)
	for i := range size.Articles {
		c.Articles = append(c.Articles, bigArticle(rng, i, size.Published))
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("big campaign: %w", err)
	}
	return &c, nil
}

func pair(rng *rand.Rand, xs [][2]string) [2]string { return xs[rng.IntN(len(xs))] }

func bigProposal(rng *rand.Rand, base *campaign.Campaign, i int, published bool) campaign.Proposal {
	act, subj, who := pair(rng, bigActions), pair(rng, bigSubjects), pair(rng, bigWho)
	p := campaign.Proposal{
		ID:    fmt.Sprintf("propuesta-%03d", i+1),
		Theme: base.Themes[i%len(base.Themes)].ID,
		Title: campaign.Text{
			"es": fmt.Sprintf("%s %s %s (%d)", act[0], subj[0], who[0], i+1),
			"en": fmt.Sprintf("%s %s %s (%d)", act[1], subj[1], who[1], i+1),
		},
		Summary: campaign.Text{
			"es": fmt.Sprintf("Que la Constitución obligue a la Ciudad a %s %s %s, con presupuesto propio, metas públicas cada año y un informe que cualquier persona pueda consultar.", strings.ToLower(act[0]), subj[0], who[0]),
			"en": fmt.Sprintf("The Constitution should oblige the city to %s %s %s, with its own budget, public yearly targets and a report anyone can read.", strings.ToLower(act[1]), subj[1], who[1]),
		},
	}
	if len(base.Tiers) == 0 {
		p.Threshold = 5000 // a base of format 1 before tiers needs one
	}
	if published {
		p.Plain = campaign.Text{
			"es": fmt.Sprintf("%s %s %s. Con dinero propio. Cada año se dice cómo va.", act[0], subj[0], who[0]),
			"en": fmt.Sprintf("%s %s %s. With its own money. Every year we hear how it is going.", act[1], subj[1], who[1]),
		}
		p.Responses = bigResponses(base, &p, i)
	}
	// One in four is local to an alcaldía, as in 2016.
	if i%4 == 3 {
		p.Alcaldia = campaign.Alcaldias[rng.IntN(len(campaign.Alcaldias))].ID
	}
	return p
}

// bigResponses are the Drafting Group's answer to every eighth proposal,
// and a meeting held for every fortieth, a day apart from answeredFrom.
func bigResponses(base *campaign.Campaign, p *campaign.Proposal, i int) []campaign.Response {
	if i%8 != 7 {
		return nil
	}
	at := answeredFrom.AddDate(0, 0, i/8)
	rs := []campaign.Response{{
		Tier: base.TiersOf(p)[0].ID, Date: at, SignedBy: "Grupo Redactor",
		Text: campaign.Text{
			"es": fmt.Sprintf("El Grupo Redactor estudió la propuesta %d y la tomó en cuenta en la redacción del proyecto de Constitución.", i+1),
			"en": fmt.Sprintf("The Drafting Group studied proposal %d and took it into account in drafting the Constitution.", i+1),
		},
	}}
	if ladder := base.TiersOf(p); i%40 == 39 && len(ladder) > 1 {
		rs = append(rs, campaign.Response{
			Tier: ladder[1].ID, Date: at.AddDate(0, 0, 1),
			Place:  campaign.Text{"es": "Antiguo Palacio del Ayuntamiento", "en": "Old City Hall"},
			Minute: campaign.Text{"es": "Tres integrantes escucharon a quienes la propusieron.", "en": "Three members heard the people who proposed it."},
		})
	}
	return rs
}

func bigEvent(rng *rand.Rand, proposals []campaign.Proposal, start time.Time, i int) campaign.Event {
	a := campaign.Alcaldias[i%len(campaign.Alcaldias)]
	begins := start.AddDate(0, 0, i/4).Add(time.Duration(i%4) * 2 * time.Hour)
	e := campaign.Event{
		ID:       fmt.Sprintf("asamblea-%03d", i+1),
		Title:    campaign.Text{"es": fmt.Sprintf("Asamblea ciudadana %d en %s", i+1, a.Name), "en": fmt.Sprintf("Citizen Assembly %d in %s", i+1, a.Name)},
		Place:    campaign.Text{"es": fmt.Sprintf("Casa de cultura de %s, salón %d", a.Name, i%5+1), "en": fmt.Sprintf("%s cultural centre, room %d", a.Name, i%5+1)},
		Alcaldia: a.ID,
		Starts:   begins,
		Ends:     begins.Add(2 * time.Hour),
	}
	for _, k := range rng.Perm(len(proposals))[:min(12, len(proposals))] {
		e.Proposals = append(e.Proposals, proposals[k].ID)
	}
	return e
}

func bigArticle(rng *rand.Rand, i int, published bool) campaign.Article {
	var es, en []string
	for n := range 4 + rng.IntN(4) {
		subj, who := pair(rng, bigSubjects), pair(rng, bigWho)
		es = append(es, fmt.Sprintf("%d. La Ciudad garantiza %s %s, con recursos suficientes y rendición de cuentas.", n+1, subj[0], who[0]))
		en = append(en, fmt.Sprintf("%d. The city guarantees %s %s, with sufficient resources and accountability.", n+1, subj[1], who[1]))
	}
	a := campaign.Article{
		ID:     fmt.Sprintf("articulo-%d", i+101),
		Number: fmt.Sprint(i + 101),
		Title:  campaign.Text{"es": fmt.Sprintf("Artículo %d", i+101), "en": fmt.Sprintf("Article %d", i+101)},
		Text:   campaign.Text{"es": strings.Join(es, "\n\n"), "en": strings.Join(en, "\n\n")},
	}
	if published {
		a.Plain = campaign.Text{
			"es": fmt.Sprintf("Este artículo tiene %d partes. La Ciudad cuida a todas las personas. Y dice en qué gasta.", len(es)),
			"en": fmt.Sprintf("This article has %d parts. The city looks after everyone. And it says what it spends.", len(en)),
		}
	}
	return a
}
