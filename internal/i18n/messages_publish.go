package i18n

import (
	"fmt"
	"time"
)

// publishMessages are the messages of what central publishes back to the
// kiosk: the Drafting Group's answers, city-wide progress, plain-language
// summaries and search as you type.
var publishMessages = map[string]msg{
	// Plain-language summaries.
	"plain.title":     {"En pocas palabras", "In plain words"},
	"plain.full":      {"Leer el texto completo", "Read the full text"},
	"plain.fulltitle": {"El texto completo", "The full text"},

	// City-wide progress.
	"progress.city.one":        {"%d apoyo en toda la ciudad", "%d support across the city"},
	"progress.city.other":      {"%d apoyos en toda la ciudad", "%d supports across the city"},
	"progress.missing.one":     {"falta %d para %s", "%d more for %s"},
	"progress.missing.other":   {"faltan %d para %s", "%d more for %s"},
	"progress.alltiers":        {"alcanzó todos los niveles", "every tier reached"},
	"progress.tier":            {"Ya logró %s.", "It has earned %s."},
	"progress.asof":            {"al %s", "as of %s"},
	"progress.unsent.one":      {"+ %d de este módulo, aún sin enviar", "+ %d from this kiosk, not sent yet"},
	"progress.unsent.other":    {"+ %d de este módulo, aún sin enviar", "+ %d from this kiosk, not sent yet"},
	"progress.uncounted.one":   {"+ %d de este módulo, aún sin contar", "+ %d from this kiosk, not counted yet"},
	"progress.uncounted.other": {"+ %d de este módulo, aún sin contar", "+ %d from this kiosk, not counted yet"},

	// The Drafting Group's answers.
	"response.answer":  {"Respuesta del Grupo Redactor", "The Drafting Group's answer"},
	"response.meeting": {"Reunión con el Grupo Redactor", "Meeting with the Drafting Group"},
	"response.session": {"Presentación en sesión del Grupo Redactor", "Presentation at a Drafting Group session"},
	"response.held":    {"Realizado: %s", "Held: %s"},
	"response.signed":  {"%s · firmada por %s", "%s · signed by %s"},
	"response.place":   {"%s · %s", "%s · %s"},
	"browse.answered":  {"Con respuesta", "Answered"},
	"browse.closed":    {"Cerrada", "Closed"},
	"proposal.closed":  {"Esta propuesta ya no recibe apoyos. Los que reunió siguen contando.", "This proposal no longer takes supports. Those it gathered still count."},
	"attract.answered": {"Respondida esta semana", "Answered this week"},

	// Search as you type.
	"search.show.one":   {"Ver %d propuesta", "See %d proposal"},
	"search.show.other": {"Ver %d propuestas", "See %d proposals"},
}

func init() {
	for id, m := range publishMessages {
		if _, dup := catalogue[id]; dup {
			panic("i18n: message " + id + " is defined twice")
		}
		catalogue[id] = m
	}
}

// DayTime writes a day and time without the year, for how recent a count
// is: "3 de diciembre, 14:05", "3 December, 14:05". It uses t's own
// location.
func (l Lang) DayTime(t time.Time) string {
	mo := months[l.norm()][t.Month()-1]
	if l == English {
		return fmt.Sprintf("%d %s, %s", t.Day(), mo, l.Clock(t))
	}
	return fmt.Sprintf("%d de %s, %s", t.Day(), mo, l.Clock(t))
}

// Day writes a date without the weekday: "3 de diciembre de 2026",
// "3 December 2026".
func (l Lang) Day(t time.Time) string {
	mo := months[l.norm()][t.Month()-1]
	if l == English {
		return fmt.Sprintf("%d %s %d", t.Day(), mo, t.Year())
	}
	return fmt.Sprintf("%d de %s de %d", t.Day(), mo, t.Year())
}
