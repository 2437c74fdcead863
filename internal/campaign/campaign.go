// Package campaign holds the content a device shows (survey, proposals,
// assemblies, draft articles, privacy notice) in its versioned JSON format,
// and checks both the content and the answers people give to it.
package campaign

import "time"

// FormatVersion is the version of the JSON format this package reads. A file
// with another "format" is refused rather than half understood.
//
// Tiers and responses were added to format 1 without a new number, so
// every file written before them still reads with its meaning: a
// proposal's "threshold" is the number of its first tier (a written
// answer; see TiersOf). Programs from before them read strictly and refuse
// a file that uses them, keeping the version they hold.
//
// Plain-language summaries ("plain" on proposals and articles) were added
// the same way: optional, so every earlier file still reads, and a device
// from before them refuses a version that carries one and goes on showing
// the version it holds until it is updated.
const FormatVersion = 1

// Voter id types a campaign can accept for signatures.
const (
	IDTypeINE  = "ine"  // clave de elector on the INE voting card
	IDTypeCURP = "curp" // Clave Única de Registro de Población
)

// Campaign is one version of a campaign's content. Ids are stable across
// versions so records made under an older version still count.
type Campaign struct {
	Format    int        `json:"format"`
	ID        string     `json:"id"`
	Version   int        `json:"version"`
	Title     Text       `json:"title"`
	Subtitle  Text       `json:"subtitle,omitempty"`
	IDTypes   []string   `json:"id_types"` // accepted voter id types, IDTypeINE or IDTypeCURP
	Privacy   Privacy    `json:"privacy"`
	Tiers     []Tier     `json:"tiers,omitempty"` // support tiers; DefaultTiers when empty
	Themes    []Theme    `json:"themes,omitempty"`
	Survey    Survey     `json:"survey"`
	Proposals []Proposal `json:"proposals,omitempty"`
	Events    []Event    `json:"events,omitempty"`
	Articles  []Article  `json:"articles,omitempty"`
	// Kinds are the record kinds central accepts for this campaign beyond
	// the four every central has always accepted (see BaseKinds). A device
	// offers a flow only when the campaign it holds lists its kind, so a
	// device never collects what its central would refuse.
	Kinds []string `json:"kinds,omitempty"`
}

// BaseKinds are the record kinds every central accepts, whether or not the
// campaign lists them. Their names are those of internal/record.
var BaseKinds = []string{"survey_response", "signature", "event_registration", "comment"}

// Privacy is the privacy notice a person accepts before giving personal
// data. Records store the Version they were made under.
type Privacy struct {
	Version string `json:"version"`
	Text    Text   `json:"text"`
}

// Theme groups proposals on screen.
type Theme struct {
	ID    string `json:"id"`
	Label Text   `json:"label"`
}

// Survey is an anonymous questionnaire.
type Survey struct {
	ID        string     `json:"id"`
	Title     Text       `json:"title"`
	Intro     Text       `json:"intro,omitempty"`
	Questions []Question `json:"questions"`
}

// QuestionType says how a question is asked and which Answer field holds
// its answer.
type QuestionType string

// Question types.
const (
	TypeSingle   QuestionType = "single"   // one of Options; Answer.Choice
	TypeMultiple QuestionType = "multiple" // some of Options; Answer.Choices
	TypeScale    QuestionType = "scale"    // a whole number from Min to Max; Answer.Number
	TypeText     QuestionType = "text"     // free text up to MaxLength characters; Answer.Text
	TypeNumber   QuestionType = "number"   // a number from Min to Max; Answer.Number
	TypeAlcaldia QuestionType = "alcaldia" // an alcaldía id from Alcaldias; Answer.Choice
)

// Question is one survey question. Fields that do not apply to its Type are
// left empty; Validate refuses them so a content author is never misled into
// thinking they have an effect.
type Question struct {
	ID        string       `json:"id"`
	Type      QuestionType `json:"type"`
	Required  bool         `json:"required,omitzero"`
	Prompt    Text         `json:"prompt"`
	Help      Text         `json:"help,omitempty"`
	Options   []Option     `json:"options,omitempty"`   // single and multiple
	Min       int          `json:"min,omitzero"`        // scale and number bounds; multiple: fewest choices (0 = none)
	Max       int          `json:"max,omitzero"`        // scale and number bounds; multiple: most choices (0 = all)
	MaxLength int          `json:"max_length,omitzero"` // text, in characters
	MinLabel  Text         `json:"min_label,omitempty"` // scale: what Min means
	MaxLabel  Text         `json:"max_label,omitempty"` // scale: what Max means
}

// Option is one choice of a single- or multiple-choice question.
type Option struct {
	ID    string `json:"id"`
	Label Text   `json:"label"`
}

// Proposal is a citizen proposal people support with a signature.
type Proposal struct {
	ID       string `json:"id"`
	Theme    string `json:"theme"`              // a Theme id
	Alcaldia string `json:"alcaldia,omitempty"` // an alcaldía id; "" for the whole city
	Title    Text   `json:"title"`
	Summary  Text   `json:"summary"`
	// Plain is the proposal in plain language (short sentences, common
	// words), which the kiosk offers before Summary; optional.
	Plain     Text   `json:"plain,omitempty"`
	Threshold int    `json:"threshold,omitzero"` // format 1 before tiers: supports for a written answer; see TiersOf
	Tiers     []Tier `json:"tiers,omitempty"`    // this proposal's own ladder, replacing the campaign's
	// Closed proposals take no new supports (devices refuse to record
	// them) but stay in the campaign, so the supports they have keep
	// counting and keep their title. An author closes a proposal that has
	// supports instead of removing it.
	Closed bool `json:"closed,omitzero"`
	// Responses are what the Drafting Group gave the proposal for the tiers
	// it crossed, as central published them.
	Responses []Response `json:"responses,omitempty"`
	// Author is the name of the resident who wrote a citizen proposal
	// (one whose id a device made, see record.IsSubmissionID), only when
	// they chose to be named; "" otherwise, and for the city's own.
	Author string `json:"author,omitempty"`
}

// Event is a Citizen Assembly people can register for and where canvassers
// collect signatures.
type Event struct {
	ID        string    `json:"id"`
	Title     Text      `json:"title"`
	Place     Text      `json:"place"`
	Alcaldia  string    `json:"alcaldia"` // an alcaldía id
	Starts    time.Time `json:"starts"`   // RFC 3339 with the local offset
	Ends      time.Time `json:"ends"`
	Proposals []string  `json:"proposals,omitempty"` // ids of the proposals signed there
}

// Article is a draft constitution article open for comment. Paragraphs in
// Text are separated by a blank line.
type Article struct {
	ID     string `json:"id"`
	Number string `json:"number"` // as printed, e.g. "12"
	Title  Text   `json:"title"`
	Text   Text   `json:"text"`
	Plain  Text   `json:"plain,omitempty"` // the article in plain language, offered before Text; optional
}
