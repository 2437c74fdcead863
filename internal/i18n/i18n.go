// Package i18n is the kiosk's run-time language catalogue: every string a
// screen shows, in Spanish and English, looked up by message id in the
// language the person at the screen chose a moment ago.
//
// Fyne's own lang package follows the system locale and is fixed for the
// life of the process; a public kiosk switches language between one person
// and the next, and even in the middle of a session, so it needs its own.
package i18n

import (
	"fmt"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Lang is a language the kiosk speaks. Its value is the code campaign
// texts are keyed by ("es", "en").
type Lang string

// The languages of the kiosk. Spanish is the default: Mexico City.
const (
	Spanish Lang = "es"
	English Lang = "en"
)

// Langs lists the supported languages, the default first.
var Langs = []Lang{Spanish, English}

// tags are the locales used for number formatting and plural rules. Mexican
// Spanish groups thousands with a comma ("30,000"), unlike Spain.
var tags = map[Lang]language.Tag{
	Spanish: language.MustParse("es-MX"),
	English: language.AmericanEnglish,
}

var matcher = language.NewMatcher([]language.Tag{tags[Spanish], tags[English]})

// Parse reads a language from a flag, a setting or a locale string
// ("es", "en", "es-MX", "en_GB.UTF-8"). It refuses a language the kiosk
// does not speak rather than silently falling back.
func Parse(s string) (Lang, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ".@"); i >= 0 {
		s = s[:i] // POSIX locale suffixes: en_GB.UTF-8, es_MX@euro
	}
	s = strings.ReplaceAll(s, "_", "-")
	t, err := language.Parse(s)
	if err != nil {
		return "", fmt.Errorf("parse language %q: %w", s, err)
	}
	_, i, conf := matcher.Match(t)
	if conf < language.High {
		return "", fmt.Errorf("parse language %q: not one of es, en", s)
	}
	return Langs[i], nil
}

// Tag is the locale of l, for formatting.
func (l Lang) Tag() language.Tag {
	if t, ok := tags[l]; ok {
		return t
	}
	return tags[Spanish]
}

// Other is the language the switch button offers: with two languages, the
// one not in use.
func (l Lang) Other() Lang {
	if l == English {
		return Spanish
	}
	return English
}

// T returns the message id in l. A message missing in l falls back to
// Spanish, and an unknown id is returned as is so the gap shows on screen
// and in tests instead of an empty label.
func (l Lang) T(id string) string {
	m, ok := catalogue[id]
	if !ok {
		return id
	}
	if s := m.get(l); s != "" {
		return s
	}
	return m.es
}

// F formats the message id in l with args, printing numbers the way l
// writes them ("30,000").
func (l Lang) F(id string, args ...any) string {
	return message.NewPrinter(l.Tag()).Sprintf(l.T(id), args...)
}

// N formats the plural form of id that fits n: id+".one" or id+".other"
// (or ".many", where the language has it and the catalogue defines it).
// n is passed to the format as its first argument, before args.
func (l Lang) N(id string, n int, args ...any) string {
	form := "other"
	switch plural.Cardinal.MatchPlural(l.Tag(), n, 0, 0, 0, 0) {
	case plural.One:
		form = "one"
	case plural.Many:
		if Has(id + ".many") {
			form = "many"
		}
	}
	return l.F(id+"."+form, append([]any{n}, args...)...)
}

// Has reports whether the catalogue defines id.
func Has(id string) bool {
	_, ok := catalogue[id]
	return ok
}

// IDs returns every message id, for tests that check the catalogue.
func IDs() []string {
	ids := make([]string, 0, len(catalogue))
	for id := range catalogue {
		ids = append(ids, id)
	}
	return ids
}

// msg is one message in every language.
type msg struct{ es, en string }

func (m msg) get(l Lang) string {
	if l == English {
		return m.en
	}
	return m.es
}
