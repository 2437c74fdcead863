package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestEveryMessageHasBothLanguages(t *testing.T) {
	for id, m := range catalogue {
		if strings.TrimSpace(m.es) == "" {
			t.Errorf("%s: no Spanish", id)
		}
		if strings.TrimSpace(m.en) == "" {
			t.Errorf("%s: no English", id)
		}
	}
}

var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

func TestBothLanguagesTakeTheSameArguments(t *testing.T) {
	for id, m := range catalogue {
		es, en := verb.FindAllString(m.es, -1), verb.FindAllString(m.en, -1)
		if !slices.Equal(es, en) {
			t.Errorf("%s: Spanish formats %v, English %v", id, es, en)
		}
	}
}

func TestPluralsComeInPairs(t *testing.T) {
	for id := range catalogue {
		base, form, ok := cutLast(id)
		if !ok || (form != "one" && form != "other") {
			continue
		}
		for _, f := range []string{"one", "other"} {
			if !Has(base + "." + f) {
				t.Errorf("%s has no %q form", base, f)
			}
		}
		if !strings.Contains(catalogue[id].es, "%d") {
			t.Errorf("%s does not show its count", id)
		}
	}
}

func cutLast(id string) (string, string, bool) {
	i := strings.LastIndexByte(id, '.')
	if i < 0 {
		return "", "", false
	}
	return id[:i], id[i+1:], true
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Lang
		bad  bool
	}{
		{in: "es", want: Spanish},
		{in: "en", want: English},
		{in: "es-MX", want: Spanish},
		{in: "es_ES.UTF-8", want: Spanish},
		{in: "en_GB.UTF-8", want: English},
		{in: " EN ", want: English},
		{in: "fr", bad: true},
		{in: "", bad: true},
		{in: "not a language", bad: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.bad {
				if err == nil {
					t.Fatalf("Parse(%q) = %q, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Parse(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestCountsPickTheirPluralAndGroupThousands(t *testing.T) {
	tests := []struct {
		lang Lang
		n    int
		want string
	}{
		{Spanish, 1, "1 propuesta"},
		{Spanish, 0, "0 propuestas"},
		{Spanish, 17, "17 propuestas"},
		{Spanish, 30000, "30,000 propuestas"},
		{English, 1, "1 proposal"},
		{English, 2, "2 proposals"},
		{English, 30000, "30,000 proposals"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.lang.N("browse.count", tc.n); got != tc.want {
				t.Fatalf("N(browse.count, %d) in %s = %q, want %q", tc.n, tc.lang, got, tc.want)
			}
		})
	}
}

func TestUnknownMessageShowsItsID(t *testing.T) {
	if got := Spanish.T("no.such.message"); got != "no.such.message" {
		t.Fatalf("T of an unknown id = %q, want the id", got)
	}
}

func TestOtherLanguage(t *testing.T) {
	if Spanish.Other() != English || English.Other() != Spanish {
		t.Fatal("Other does not swap Spanish and English")
	}
}

func TestDates(t *testing.T) {
	mx := time.FixedZone("CST", -6*3600)
	start := time.Date(2026, 12, 5, 10, 0, 0, 0, mx)
	end := time.Date(2026, 12, 5, 14, 0, 0, 0, mx)
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"Spanish date", Spanish.Date(start), "sábado 5 de diciembre de 2026"},
		{"English date", English.Date(start), "Saturday 5 December 2026"},
		{"Spanish span", Spanish.Span(start, end), "10:00 a 14:00"},
		{"English span", English.Span(start, end), "10:00 to 14:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		at   time.Time
		lang Lang
		want string
	}{
		{"earlier today", now.Add(-2 * time.Hour), Spanish, "hoy 08:30"},
		{"just after midnight", time.Date(2026, 11, 20, 0, 5, 0, 0, time.UTC), English, "today 00:05"},
		{"yesterday evening", time.Date(2026, 11, 19, 22, 0, 0, 0, time.UTC), Spanish, "ayer 22:00"},
		{"two days ago", time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC), English, "2026-11-18 09:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.lang.Ago(tc.at, now); got != tc.want {
				t.Fatalf("Ago = %q, want %q", got, tc.want)
			}
		})
	}
}
