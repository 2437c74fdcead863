package ui

import (
	"fmt"
	"strings"
)

// The tours of what residents bring: a proposal and an assembly at the
// kiosk, an impromptu assembly in canvasser mode. Each screen is shown
// with its sample answer in, as the other tours do.

// tourText is a sample proposal of about 1,200 characters: enough to
// show the text area grown and the count in the thousands.
var tourText = strings.Repeat("Propongo que cada colonia tenga un parque iluminado y cuidado por sus vecinos, "+
	"con bancas, árboles y un horario de uso acordado en asamblea. ", 9)

// tourProposal walks the propose flow with the sample author and saves
// it.
func (k *Kiosk) tourProposal(snap func(string)) error {
	c := k.camp
	k.show(&homeScreen{k: k})
	d := &k.sess.propose
	d.wipe()
	f := k.proposing()
	steps := []struct {
		kind screenKind
		give func()
	}{
		{kindProposeTitle, func() { d.title = "Parques iluminados en cada colonia" }},
		{kindProposeText, func() { d.text = tourText }},
		{kindProposeTheme, func() { d.theme = c.Themes[0].ID }},
		{kindProposeArea, func() { d.scope = wholeCity }},
		{kindProposeNamed, func() {}},
	}
	for _, st := range steps {
		if st.kind == kindProposeTheme && len(c.Themes) == 0 {
			continue
		}
		st.give()
		k.show(f.stepOf(st.kind))
		snap(string(st.kind))
	}
	k.tourSigner(f, proposeSignKinds, &d.author, func(kind screenKind) { snap(string(kind)) })
	k.show(f.stepOf(kindProposeReview))
	snap(string(kindProposeReview))
	if err := k.save(f); err != nil {
		return fmt.Errorf("tour: send proposal: %w", err)
	}
	snap("propose-saved")
	return nil
}

// tourOrganise walks the organise flow with a sample assembly, without
// saving it.
func (k *Kiosk) tourOrganise(snap func(string)) {
	d := &k.sess.organise
	d.wipe()
	f := k.organising()
	today := (&whenStep{k: k}).today()
	steps := []struct {
		kind screenKind
		give func()
	}{
		{kindOrganiseTitle, func() { d.title = "Asamblea del mercado de Coyoacán" }},
		{kindOrganiseWhen, func() { d.day, d.clock = today.AddDate(0, 0, 8), 18*60+30 }},
		{kindOrganiseArea, func() { d.area = "coyoacan" }},
		{kindOrganiseVenue, func() { d.venue = "Mercado de Coyoacán, Ignacio Allende s/n" }},
		{kindOrganiseAbout, func() { d.about = "Agua, limpieza y horarios del mercado; invitamos a locatarios y vecinos." }},
		{kindOrganiseOrganiser, func() { d.organiser = tourName }},
		{kindOrganiseContact, func() {}},
		{kindOrganiseConsent, func() { d.consent = true }},
	}
	for _, st := range steps {
		st.give()
		k.show(f.stepOf(st.kind))
		snap(string(st.kind))
	}
	k.show(f.stepOf(kindOrganiseReview))
	snap(string(kindOrganiseReview))
	d.wipe()
}

// tourImpromptu opens an impromptu assembly from the canvasser's picker,
// saves it and shows the hub collecting under it.
func (k *Kiosk) tourImpromptu(snap func(string)) error {
	k.show(&assemblyPicker{k: k})
	snap("assembly-open")
	d := &k.sess.impromptu
	d.wipe()
	f := k.openingAssembly()
	steps := []struct {
		kind screenKind
		give func()
	}{
		{kindImpromptuTitle, func() { d.title = "Junta vecinal del parque" }},
		{kindImpromptuVenue, func() { d.venue = "Parque Xicoténcatl, kiosco" }},
		{kindImpromptuArea, func() { d.area = "coyoacan" }},
		{kindImpromptuAbout, func() { d.about = "Seguridad y alumbrado del parque." }},
		{kindImpromptuConsent, func() { d.consent = true }},
	}
	for _, st := range steps {
		st.give()
		k.show(f.stepOf(st.kind))
		snap(string(st.kind)[len("canvass-"):])
	}
	k.show(f.stepOf(kindImpromptuReview))
	snap("open-review")
	if err := k.save(f); err != nil {
		return fmt.Errorf("canvass tour: open assembly: %w", err)
	}
	props := eventProposals(k.camp, k.canv.event)
	for i := range min(2, len(props)) {
		k.canv.proposals = append(k.canv.proposals, props[i].ID)
	}
	k.show(&proposalsPicker{k: k})
	snap("open-proposals")
	k.rememberProposals()
	k.show(&canvassHub{k: k})
	snap("ready-impromptu")
	return nil
}
