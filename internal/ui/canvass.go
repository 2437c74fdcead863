package ui

import (
	"time"

	"github.com/voces-cdmx/voces/internal/record"
)

// Canvasser mode: a canvasser signs in (canvass_signin.go, with the PIN
// lockout of canvass_lock.go), says which assembly they are at and which
// proposals are signed there (canvass_pickers.go), then hands the tablet to
// one attendee after another from the hub (canvass_hub.go). Each attendee
// walks the signing flow of flow_sign.go, with the canvasser's options:
// name, voter id, alcaldía, consent and signature; after the save one tap
// starts the next. The canvasser's sign-in lasts until the tablet is left
// idle, which locks it back to the sign-in and wipes whatever an attendee
// had typed.

// Canvasser screens.
const (
	kindCanvassSignIn    screenKind = "canvass-signin"
	kindCanvassEvent     screenKind = "canvass-assembly"
	kindCanvassProposals screenKind = "canvass-proposals"
	kindCanvassReady     screenKind = "canvass-ready"
	kindCanvassPick      screenKind = "canvass-proposal"
	kindCanvassName      screenKind = "canvass-name"
	kindCanvassID        screenKind = "canvass-voterid"
	kindCanvassArea      screenKind = "canvass-alcaldia"
	kindCanvassConsent   screenKind = "canvass-consent"
	kindCanvassPad       screenKind = "canvass-signature"
)

// canvass is the signed-in canvasser and where they work. It lives only
// in memory and is dropped when the kiosk forgets.
type canvass struct {
	name      string    // the canvasser
	since     time.Time // sign-in, for this sign-in's count
	event     string    // the assembly
	proposals []string  // proposals signed at it, in campaign order
	last      string    // receipt of the previous attendee's signature, for the hub
	duplicate bool      // the previous attendee had already signed
	attending bool      // an attendee is between "next attendee" and the save
}

// restScreen is where the kiosk waits for the next person: the attract
// screen, or in canvasser mode the canvasser sign-in.
func (k *Kiosk) restScreen() screen {
	if k.mode == record.ModeCanvasser {
		return &canvassSignIn{k: k}
	}
	return newAttract(k)
}
