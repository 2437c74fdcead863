// Package fieldsim makes realistic synthetic field input — people with
// valid voter ids, handwritten-looking signatures, survey answers for every
// question type, assembly registrations and comments — that passes every
// validation a kiosk applies, for demos, rehearsals, load tests and
// benchmarks.
package fieldsim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/stroke"
	"github.com/voces-cdmx/voces/internal/voterid"
)

// Mix is the relative share of each kind among generated drafts.
type Mix map[record.Kind]int

// DefaultMix is about half signatures, as at a Citizen Assembly, with the
// rest mostly survey responses.
// Residents' own proposals and assemblies are rare next to supports: a
// proposal takes minutes to write on a kiosk.
var DefaultMix = Mix{record.KindSignature: 8, record.KindSurvey: 4, record.KindEvent: 2, record.KindComment: 2,
	record.KindProposal: 1, record.KindEventProposal: 1}

// The crowd is a population every simulated device shares, whatever its
// seed: the same person signing the same proposal on two devices is what
// central's duplicate-signer count (by blind index) is for.
const (
	CrowdSeed = 2016
	CrowdSize = 100
	// DefaultRepeatShare is the share of signatures made by crowd members.
	DefaultRepeatShare = 0.1
)

// crowdMember is a person of the shared crowd: the voter id they always
// show and the two proposals they care about.
type crowdMember struct {
	Person
	idType    string
	proposals [2]string
}

// Generator makes valid drafts for one simulated device. It is not safe
// for concurrent use.
type Generator struct {
	rng       *rand.Rand
	c         *campaign.Campaign
	mode      string
	event     *campaign.Event // canvasser mode: the assembly being worked
	impromptu string          // canvasser mode: the id of an assembly opened on the spot, once one is
	canvasser string          // canvasser mode: who is collecting
	crowd     []crowdMember

	// Mix is the share of each kind; kinds the campaign has no subjects
	// for are never made.
	Mix Mix
	// RepeatShare is the share of signatures made by the shared crowd.
	RepeatShare float64
	// Population, when set, makes every signature: its signers in turn
	// (see PopulationSignature), so a roll written from it (WriteRoll)
	// is consistent with what the device collected.
	Population *Population
	next       int // the Population signer of the next signature
	nextAuthor int // the Population voter who writes the next proposal
}

// New returns a generator for campaign c in mode (record.ModeKiosk or
// record.ModeCanvasser). The same seed gives the same drafts.
func New(c *campaign.Campaign, mode string, seed uint64) *Generator {
	g := &Generator{
		rng:         rand.New(rand.NewPCG(seed, 0x766f636573)),
		c:           c,
		mode:        mode,
		Mix:         DefaultMix,
		RepeatShare: DefaultRepeatShare,
	}
	if mode == record.ModeCanvasser && len(c.Events) > 0 {
		g.event = &c.Events[g.rng.IntN(len(c.Events))]
		p := NewPerson(g.rng)
		g.canvasser = p.Name()
	}
	g.crowd = makeCrowd(c)
	return g
}

func makeCrowd(c *campaign.Campaign) []crowdMember {
	// Closed proposals take no new supports: devices refuse them.
	open := c.OpenProposals()
	if len(open) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(CrowdSeed, CrowdSeed))
	crowd := make([]crowdMember, CrowdSize)
	for i := range crowd {
		m := &crowd[i]
		m.Person = NewPerson(rng)
		m.idType = pick(rng, c.IDTypes)
		m.proposals[0] = open[rng.IntN(len(open))]
		m.proposals[1] = open[rng.IntN(len(open))]
	}
	return crowd
}

// Campaign is the campaign the generator makes drafts for.
func (g *Generator) Campaign() *campaign.Campaign { return g.c }

// EventID is the assembly a canvasser works at, or "".
func (g *Generator) EventID() string {
	if g.event == nil {
		return ""
	}
	return g.event.ID
}

// possible reports whether the campaign has subjects for kind.
func (g *Generator) possible(k record.Kind) bool {
	switch k {
	case record.KindSurvey:
		return len(g.c.Survey.Questions) > 0
	case record.KindSignature:
		return len(g.c.OpenProposals()) > 0
	case record.KindEvent:
		return len(g.c.Events) > 0
	case record.KindComment:
		return len(g.c.Articles) > 0
	case record.KindProposal, record.KindEventProposal:
		// Only what the campaign says central accepts (see Kinds).
		return g.c.AcceptsKind(string(k))
	}
	return false
}

// Next returns a draft of a kind chosen by Mix, and whether it is a
// signature by a member of the shared crowd.
func (g *Generator) Next() (d *record.Draft, crowd bool) {
	kinds := slices.DeleteFunc(slices.Clone(record.Kinds), func(k record.Kind) bool {
		return g.Mix[k] <= 0 || !g.possible(k)
	})
	if len(kinds) == 0 {
		kinds = []record.Kind{record.KindSurvey}
	}
	k := kinds[weighted(g.rng, len(kinds), func(i int) int { return max(g.Mix[kinds[i]], 1) })]
	switch k {
	case record.KindSignature:
		if g.Population != nil && len(g.Population.Signers) > 0 {
			return g.PopulationSignature(), false
		}
		if len(g.crowd) > 0 && g.rng.Float64() < g.RepeatShare {
			m := &g.crowd[g.rng.IntN(len(g.crowd))]
			return g.signature(&m.Person, m.idType, m.proposals[g.rng.IntN(2)]), true
		}
		p := NewPerson(g.rng)
		return g.signature(&p, pick(g.rng, g.c.IDTypes), g.proposal()), false
	case record.KindEvent:
		return g.Registration(), false
	case record.KindComment:
		return g.Comment(), false
	case record.KindProposal:
		return g.Proposal(), false
	case record.KindEventProposal:
		return g.Assembly(), false
	}
	return g.Survey(), false
}

// draft starts a draft with the device's mode, and in canvasser mode the
// assembly and the canvasser's name.
func (g *Generator) draft(k record.Kind, subject string) *record.Draft {
	d := &record.Draft{Kind: k, SubjectID: subject, Mode: g.mode}
	if g.event != nil {
		d.EventID = g.event.ID
		d.Body.Canvasser = g.canvasser
	}
	if g.impromptu != "" {
		d.EventID = g.impromptu
	}
	return d
}

// proposal picks what a new signer supports: at an assembly, one of the
// open proposals signed there.
func (g *Generator) proposal() string {
	open := g.c.OpenProposals()
	if g.event != nil {
		there := slices.DeleteFunc(slices.Clone(g.event.Proposals), func(id string) bool { return !slices.Contains(open, id) })
		if len(there) > 0 {
			return pick(g.rng, there)
		}
	}
	return open[g.rng.IntN(len(open))]
}

// Signature returns a new person's support for a proposal.
func (g *Generator) Signature() *record.Draft {
	p := NewPerson(g.rng)
	return g.signature(&p, pick(g.rng, g.c.IDTypes), g.proposal())
}

func (g *Generator) signature(p *Person, idType, proposal string) *record.Draft {
	d := g.draft(record.KindSignature, proposal)
	id := p.INE
	if idType == campaign.IDTypeCURP {
		id = p.CURP
	}
	// People type ids their own way; the outbox normalises them.
	switch g.rng.IntN(6) {
	case 0:
		id = toLowerASCII(id)
	case 1:
		id = id[:6] + " " + id[6:12] + " " + id[12:]
	}
	pad := [2]uint16{600, 250}
	if g.mode == record.ModeCanvasser {
		pad = [2]uint16{800, 320}
	}
	sig := stroke.Synthetic(g.rng, pad[0], pad[1], 8+g.rng.IntN(9))
	enc, err := sig.MarshalBinary()
	if err != nil {
		// Synthetic always makes an encodable signature; anything else is
		// a bug in the stroke package.
		panic(fmt.Sprintf("fieldsim: encode synthetic signature: %v", err))
	}
	d.Body.Signer = &record.Signer{
		Name:           p.Name(),
		IDType:         idType,
		VoterID:        id,
		Alcaldia:       p.Alcaldia,
		ConsentVersion: g.c.Privacy.Version,
	}
	d.Body.Strokes = enc
	return d
}

func toLowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Survey returns a survey response: every required question answered,
// optional ones skipped now and then, each answer fitting its type.
func (g *Generator) Survey() *record.Draft {
	d := g.draft(record.KindSurvey, g.c.Survey.ID)
	ans := campaign.Answers{}
	for i := range g.c.Survey.Questions {
		q := &g.c.Survey.Questions[i]
		if !q.Required && g.rng.IntN(5) == 0 {
			continue
		}
		if a, ok := g.answer(q); ok {
			ans[q.ID] = a
		}
	}
	d.Body.Answers = ans
	return d
}

func (g *Generator) answer(q *campaign.Question) (campaign.Answer, bool) {
	num := func(x float64) campaign.Answer { return campaign.Answer{Number: &x} }
	switch q.Type {
	case campaign.TypeSingle:
		if len(q.Options) == 0 {
			return campaign.Answer{}, false
		}
		return campaign.Answer{Choice: q.Options[g.rng.IntN(len(q.Options))].ID}, true
	case campaign.TypeMultiple:
		most := len(q.Options)
		if q.Max > 0 {
			most = min(most, q.Max)
		}
		least := max(q.Min, 1)
		if most < least {
			return campaign.Answer{}, false
		}
		n := least + g.rng.IntN(most-least+1)
		var choices []string
		for _, i := range g.rng.Perm(len(q.Options))[:n] {
			choices = append(choices, q.Options[i].ID)
		}
		return campaign.Answer{Choices: choices}, true
	case campaign.TypeScale:
		return num(float64(q.Min + g.rng.IntN(q.Max-q.Min+1))), true
	case campaign.TypeNumber:
		// Answers cluster low, as years in the city and minutes of travel
		// do, but stay inside the bounds.
		span := float64(q.Max - q.Min)
		x := float64(q.Min) + span*g.rng.Float64()*g.rng.Float64()
		return num(float64(int(x))), true
	case campaign.TypeText:
		return campaign.Answer{Text: freeText(g.rng, q.MaxLength)}, true
	case campaign.TypeAlcaldia:
		return campaign.Answer{Choice: campaign.Alcaldias[g.rng.IntN(len(campaign.Alcaldias))].ID}, true
	}
	return campaign.Answer{}, false
}

// Registration returns a person registering for an assembly: the one a
// canvasser works at, or any.
func (g *Generator) Registration() *record.Draft {
	ev := g.event
	if ev == nil {
		ev = &g.c.Events[g.rng.IntN(len(g.c.Events))]
	}
	d := g.draft(record.KindEvent, ev.ID)
	p := NewPerson(g.rng)
	r := &record.Registrant{Name: p.Name(), ConsentVersion: g.c.Privacy.Version}
	switch g.rng.IntN(5) {
	case 0, 1:
		r.Contact = phone(g.rng)
	case 2, 3:
		r.Contact = email(g.rng, &p)
	}
	d.Body.Registrant = r
	return d
}

// Comment returns a remark on a draft article, signed with a name and an
// alcaldía about half the time.
func (g *Generator) Comment() *record.Draft {
	a := &g.c.Articles[g.rng.IntN(len(g.c.Articles))]
	d := g.draft(record.KindComment, a.ID)
	cm := &record.Comment{Text: commentText(g.rng)}
	if g.rng.IntN(2) == 0 {
		p := NewPerson(g.rng)
		cm.Name = p.Name()
		cm.Alcaldia = p.Alcaldia
	}
	d.Body.Comment = cm
	return d
}

// Summary says what Fill stored.
type Summary struct {
	Records int
	ByKind  map[record.Kind]int
	// CrowdSignatures are signatures by members of the shared crowd; the
	// same person may sign the same proposal on another simulated device,
	// which central counts once per proposal.
	CrowdSignatures int
	// RefusedOnDevice counts signatures the device refused because that
	// person had already supported that proposal here, as the kiosk would.
	// They are not among Records.
	RefusedOnDevice int
}

// fillChunk is how many records Fill stores per transaction: the kiosk
// saves one at a time, a simulator filling thousands need not.
const fillChunk = 200

// Fill stores n records from g in the enrolled outbox store, in
// transactions of a few hundred. Every record is built by record.Build, so
// it passes the same validation the kiosk's do.
func Fill(ctx context.Context, store *outbox.Store, g *Generator, n int) (*Summary, error) {
	id, err := store.Identity(ctx)
	if err != nil {
		return nil, err
	}
	keys := id.Keys()
	sum := &Summary{ByKind: make(map[record.Kind]int)}
	signed := make(map[string]bool) // subject and voter id of this run's signatures
	var chunk []*record.Record
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		if err := store.AppendRecords(ctx, chunk, id); err != nil {
			return err
		}
		for _, r := range chunk {
			sum.Records++
			sum.ByKind[r.Kind]++
		}
		chunk = chunk[:0]
		return nil
	}
	for sum.Records+len(chunk) < n {
		d, crowd := g.Next()
		if d.Kind == record.KindSignature {
			v := voterid.Normalize(d.Body.Signer.VoterID)
			key := d.SubjectID + "\x00" + v
			dup := signed[key]
			if !dup {
				if dup, err = store.HasSigned(ctx, d.SubjectID, record.BlindIndex(id.DedupeKey, v, d.SubjectID)); err != nil {
					return sum, err
				}
			}
			if dup {
				sum.RefusedOnDevice++
				continue
			}
			signed[key] = true
			if crowd {
				sum.CrowdSignatures++
			}
		}
		r, err := record.Build(d, g.c, keys, store.Now())
		if err != nil {
			return sum, fmt.Errorf("build %s record: %w", d.Kind, err)
		}
		chunk = append(chunk, r)
		if len(chunk) == fillChunk {
			if err := flush(); err != nil {
				return sum, err
			}
		}
	}
	if err := flush(); err != nil {
		return sum, err
	}
	return sum, nil
}
