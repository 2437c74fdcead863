package campaign

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParseReportsJSONErrorsWithPosition(t *testing.T) {
	tests := []struct {
		name      string
		json      string
		path      string
		problem   string
		line, col int
	}{
		{"trailing data", "{\"format\": 1}\n{\"format\": 1}",
			"$", "invalid character '{' after top-level value", 2, 1},
		{"unknown top-level field", "{\n  \"format\": 1,\n  \"titel\": {}\n}",
			"$", `unknown field "titel"`, 3, 3},
		{"unknown field deep inside", `{"survey": {"questions": [{"id": "a", "kind": "x"}]}}`,
			"$.survey.questions[0]", `unknown field "kind"`, 1, 39},
		{"field names are case-sensitive", `{"Format": 1}`,
			"$", `unknown field "Format"`, 1, 2},
		{"duplicate field", `{"format": 1, "format": 1}`,
			"$", `duplicate field "format"`, 1, 15},
		{"duplicate language in a text", "{\"title\": {\"es\": \"a\",\n \"es\": \"b\"}}",
			"$.title", `duplicate field "es"`, 2, 2},
		{"string for a number", `{"version": "1"}`,
			"$.version", `expected a whole number, found the string "1"`, 1, 13},
		{"fraction for a whole number", `{"proposals": [{"threshold": 1.5}]}`,
			"$.proposals[0].threshold", "expected a whole number, found the number 1.5", 1, 30},
		{"number out of range", `{"version": 99999999999999999999}`,
			"$.version", "the number 99999999999999999999 is out of range", 1, 13},
		{"date without time zone", `{"events": [{"starts": "2026-12-05 10:00"}]}`,
			"$.events[0].starts", `expected a date and time like "2026-12-05T10:00:00-06:00", found the string "2026-12-05 10:00"`, 1, 24},
		{"number in a text", "{\"title\": {\"es\": \"Ñandú\", \"en\": 1}}",
			"$.title.en", "expected a string, found the number 1", 1, 33},
		{"object for a list", `{"id_types": {"ine": true}}`,
			"$.id_types", "expected a list [...], found an object", 1, 14},
		{"list for the campaign", `[]`,
			"$", "expected an object {...}, found a list", 1, 1},
		{"boolean for a string", `{"id": true}`,
			"$.id", "expected a string, found a boolean", 1, 8},
		{"file cut short", "{\"format\": 1,\n \"id\": \"x\"",
			"$", "the file ends before this value is complete", 2, 11},
		{"empty file", "",
			"$", "the file ends before this value is complete", 1, 1},
		{"invalid UTF-8", "{\"id\": \"\xff\"}",
			"$.id", "invalid UTF-8", 1, 9},
		{"trailing comma", `{"format": 1,}`,
			"$", "invalid character ',' at start of value", 1, 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("campaign.json", []byte(tt.json))
			pe, ok := err.(*ParseError)
			if !ok {
				t.Fatalf("got %T %v, want a *ParseError", err, err)
			}
			if pe.Path != tt.path || pe.Problem != tt.problem {
				t.Errorf("got   %s: %s\nwant  %s: %s", pe.Path, pe.Problem, tt.path, tt.problem)
			}
			if pe.File != "campaign.json" || pe.Line != tt.line || pe.Col != tt.col {
				t.Errorf("at %s:%d:%d, want campaign.json:%d:%d", pe.File, pe.Line, pe.Col, tt.line, tt.col)
			}
		})
	}
}

func TestParseAcceptsByteOrderMark(t *testing.T) {
	data, err := Marshal(validCampaign())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("campaign.json", append([]byte("\ufeff"), data...)); err != nil {
		t.Fatal(err)
	}
}

func TestParseRefusesHugeFile(t *testing.T) {
	data := bytes.Repeat([]byte(" "), MaxFileSize+1)
	_, err := Parse("huge.json", data)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != "$" || !strings.HasPrefix(pe.Problem, "the file is ") {
		t.Errorf("got %v", err)
	}
}

func TestMarshalRoundTrips(t *testing.T) {
	first, err := Marshal(validCampaign())
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse("campaign.json", first)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("marshal, parse, marshal changed the bytes:\n%s\n---\n%s", first, second)
	}
	if !bytes.Contains(first, []byte(`"starts": "2026-12-05T10:00:00-06:00"`)) {
		t.Errorf("event times lost their offset:\n%s", first)
	}
}

func TestParseErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  ParseError
		want string
	}{
		{"with file and position", ParseError{File: "c.json", Path: "$.id", Problem: "an id is required", Line: 3, Col: 5},
			"c.json:3:5: $.id: an id is required"},
		{"with file only", ParseError{File: "c.json", Path: "$", Problem: "too big"},
			"c.json: $: too big"},
		{"from Validate", ParseError{Path: "$.survey.questions[3].options", Problem: "a single-choice question needs at least 2 options"},
			"$.survey.questions[3].options: a single-choice question needs at least 2 options"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPathString(t *testing.T) {
	var root path
	tests := []struct {
		p    path
		want string
	}{
		{root, "$"},
		{root.field("survey").field("questions").at(3).field("options"), "$.survey.questions[3].options"},
		{root.field("title").field("es-MX"), `$.title["es-MX"]`},
		{root.field("title").field(""), `$.title[""]`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.p.String(); got != tt.want {
				t.Errorf("got %q", got)
			}
			if got := pathOf(tt.p.pointer()).String(); got != tt.want {
				t.Errorf("through a JSON pointer: got %q", got)
			}
		})
	}
}
