package i18n

import (
	"fmt"
	"time"
)

// Day and month names. Spanish writes them in lower case.
var (
	weekdays = map[Lang][7]string{
		Spanish: {"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
		English: {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	}
	months = map[Lang][12]string{
		Spanish: {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
			"septiembre", "octubre", "noviembre", "diciembre"},
		English: {"January", "February", "March", "April", "May", "June", "July", "August",
			"September", "October", "November", "December"},
	}
)

// Date writes a day the way people say it: "sábado 5 de diciembre de
// 2026", "Saturday 5 December 2026". It uses t's own location, so an
// assembly shows the local time its organisers published.
func (l Lang) Date(t time.Time) string {
	wd, mo := weekdays[l.norm()][t.Weekday()], months[l.norm()][t.Month()-1]
	if l == English {
		return fmt.Sprintf("%s %d %s %d", wd, t.Day(), mo, t.Year())
	}
	return fmt.Sprintf("%s %d de %s de %d", wd, t.Day(), mo, t.Year())
}

// Clock writes a time of day on the 24-hour clock both languages use in
// Mexico: "10:00".
func (l Lang) Clock(t time.Time) string {
	return t.Format("15:04")
}

// Span writes the hours of an event: "10:00 a 14:00", "10:00 to 14:00".
func (l Lang) Span(from, to time.Time) string {
	return l.F("time.span", l.Clock(from), l.Clock(to))
}

// Ago writes when something happened relative to now, coarsely, for the
// status strip: "hoy 10:42", "ayer 18:03", or a date.
func (l Lang) Ago(t, now time.Time) string {
	t = t.In(now.Location())
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch {
	case !t.Before(today):
		return l.F("time.today", l.Clock(t))
	case !t.Before(today.AddDate(0, 0, -1)):
		return l.F("time.yesterday", l.Clock(t))
	}
	return fmt.Sprintf("%d-%02d-%02d %s", t.Year(), t.Month(), t.Day(), l.Clock(t))
}

func (l Lang) norm() Lang {
	if l == English {
		return English
	}
	return Spanish
}
