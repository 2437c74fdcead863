package fieldsim

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/roll"
)

// RollOptions are the shares of simulated signers the roll check must
// catch, each drawn independently per person.
type RollOptions struct {
	Missing float64 // not in the roll at all
	Outside float64 // in the roll, registered outside Mexico City
	Twice   float64 // sign the same proposal a second time (from another device)
	CURP    float64 // give their CURP, which the roll cannot check
	// Extra voters are in the roll and never sign, as most of the city.
	Extra int
}

// DefaultRollOptions are shares close to what INE's 2018 review found
// wrong, split across the checks.
var DefaultRollOptions = RollOptions{Missing: 0.1, Outside: 0.05, Twice: 0.05, CURP: 0.1, Extra: 1000}

// Fate is what the roll check should find for a signer's first support;
// a second support of the same proposal is always FateDuplicate.
type Fate int

// Fates, one per check a support can pass or fail.
const (
	FateVerified     Fate = iota // in the roll, in the city
	FateOutsideCity              // in the roll, registered elsewhere
	FateNotInRoll                // missing from the roll
	FateNotCheckable             // signed with a CURP
	FateDuplicate                // the second support of the same person
)

// RollSigner is one simulated signer and what the roll holds of them.
type RollSigner struct {
	Person
	Missing, Outside, Twice, CURP bool
	Entity, Section               int // in the roll (Entity 0 when Missing)
}

// Fate is what the check of the signer's first support must say. A
// signer with a CURP cannot be checked whether or not they are in the
// roll: the roll holds claves de elector only.
func (s *RollSigner) Fate() Fate {
	switch {
	case s.CURP:
		return FateNotCheckable
	case s.Missing:
		return FateNotInRoll
	case s.Outside:
		return FateOutsideCity
	}
	return FateVerified
}

// Population is a set of signers and the roll consistent with them.
type Population struct {
	Signers []RollSigner
	Extra   []RollSigner // in the roll, never sign
}

// NewPopulation makes n signers and o.Extra other voters from seed.
func NewPopulation(seed uint64, n int, o RollOptions) *Population {
	rng := rand.New(rand.NewPCG(seed, 0x726f6c6c))
	p := &Population{}
	for range n {
		s := RollSigner{Person: NewPerson(rng), Missing: rng.Float64() < o.Missing, Outside: rng.Float64() < o.Outside,
			Twice: rng.Float64() < o.Twice, CURP: rng.Float64() < o.CURP}
		registered(rng, &s)
		p.Signers = append(p.Signers, s)
	}
	for range o.Extra {
		s := RollSigner{Person: NewPerson(rng), Outside: rng.Float64() < o.Outside}
		registered(rng, &s)
		p.Extra = append(p.Extra, s)
	}
	return p
}

// registered gives a voter of the roll an entity (9, or any other for
// those registered outside the city) and a section.
func registered(rng *rand.Rand, s *RollSigner) {
	if s.Missing {
		return
	}
	s.Entity, s.Section = roll.CityEntity, 1+rng.IntN(5600)
	if s.Outside {
		s.Entity = 1 + rng.IntN(31)
		if s.Entity >= roll.CityEntity {
			s.Entity++
		}
	}
}

// WriteRoll writes the roll in the documented layout (roll.Header):
// every voter not Missing, signers and extras interleaved so the file's
// order says nothing about who signed. Claves are written as people type
// them in INE's extracts: upper case, no spaces.
func (p *Population) WriteRoll(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(roll.Header); err != nil {
		return fmt.Errorf("write roll: %w", err)
	}
	write := func(s *RollSigner) error {
		if s.Missing {
			return nil
		}
		alcaldia := s.Alcaldia
		if s.Entity != roll.CityEntity {
			alcaldia = ""
		}
		return cw.Write([]string{s.INE, strconv.Itoa(s.Section), strconv.Itoa(s.Entity), alcaldia})
	}
	for i := range max(len(p.Signers), len(p.Extra)) {
		for _, list := range [][]RollSigner{p.Signers, p.Extra} {
			if i < len(list) {
				if err := write(&list[i]); err != nil {
					return fmt.Errorf("write roll: %w", err)
				}
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write roll: %w", err)
	}
	return nil
}

// RollSignature is a support by a signer of a Population, with what the
// roll check must file it as.
type RollSignature struct {
	Draft  *record.Draft
	Signer int // index in Population.Signers
	Want   Fate
}

// PopulationSignatures makes every signer's support for a proposal of the
// campaign, and a second one of the same proposal for those who sign
// twice (Second true: it must reach central from another device, as the
// first device refuses it).
func (g *Generator) PopulationSignatures(p *Population) (first, second []RollSignature) {
	for i := range p.Signers {
		s := &p.Signers[i]
		idType := campaign.IDTypeINE
		if s.CURP {
			idType = campaign.IDTypeCURP
		}
		proposal := g.proposal()
		first = append(first, RollSignature{Draft: g.signature(&s.Person, idType, proposal), Signer: i, Want: s.Fate()})
		if s.Twice {
			second = append(second, RollSignature{Draft: g.signature(&s.Person, idType, proposal), Signer: i, Want: FateDuplicate})
		}
	}
	return first, second
}

// PopulationSignature is the next signer of g.Population supporting their
// proposal (the same one whichever device or seed asks, so two devices
// given the same population send central duplicates), with their CURP
// when they give one. After the last signer it starts again.
func (g *Generator) PopulationSignature() *record.Draft {
	i := g.next % len(g.Population.Signers)
	g.next++
	s := &g.Population.Signers[i]
	idType := campaign.IDTypeINE
	if s.CURP {
		idType = campaign.IDTypeCURP
	}
	open := g.c.OpenProposals()
	return g.signature(&s.Person, idType, open[i%len(open)])
}
