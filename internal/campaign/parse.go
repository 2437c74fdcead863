package campaign

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// MaxFileSize is the largest campaign file Parse reads. It is far above any
// real campaign and keeps a hostile file from exhausting a device's memory.
const MaxFileSize = 16 << 20

// maxProblems caps how many problems one error reports: enough to fix a
// file in a few rounds, few enough to read.
const maxProblems = 10

// ParseError is one problem with a campaign file: where it is and what is
// wrong, in words a content author can act on.
type ParseError struct {
	File    string // file name as given to Parse; empty from Validate
	Path    string // JSON path inside the file, e.g. "$.proposals[2].theme"
	Problem string // what is wrong, e.g. `unknown theme "salud"`
	Line    int    // 1-based line of the value, or of its nearest enclosing one; 0 if unknown
	Col     int    // 1-based column in characters; 0 if unknown

	at path // the same location as Path, to find it in the file
}

func (e *ParseError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(e.Problem)
	return b.String()
}

// joinProblems returns the single problem itself, so a caller can use a
// type assertion in the common case, or errors.Join of several; errors.As
// finds the first either way.
func joinProblems(ps []*ParseError) error {
	switch len(ps) {
	case 0:
		return nil
	case 1:
		return ps[0]
	}
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// Parse reads a campaign file strictly (no unknown or duplicate fields, no
// trailing data, valid UTF-8) and validates it. name is used in errors only.
//
// The error is a *ParseError, or, when there are several problems, an
// errors.Join of up to ten of them in file order; errors.As yields the first.
// A JSON syntax or type error stops decoding, so it is always reported alone.
func Parse(name string, data []byte) (*Campaign, error) {
	if len(data) > MaxFileSize {
		return nil, &ParseError{File: name, Path: "$", Problem: fmt.Sprintf("the file is %d bytes; the limit is %d", len(data), MaxFileSize)}
	}
	// Editors on Windows like to add a byte order mark; it carries no meaning.
	body := bytes.TrimPrefix(data, []byte("\ufeff"))
	base := int64(len(data) - len(body))

	var c Campaign
	if err := json.Unmarshal(body, &c, json.RejectUnknownMembers(true)); err != nil {
		pe := decodeProblem(body, err)
		pe.File = name
		pe.Line, pe.Col = lineCol(data, base+offsetOf(err))
		return nil, pe
	}
	ps := c.problems()
	if len(ps) == 0 {
		return &c, nil
	}
	offsets := locate(body, ps)
	for _, p := range ps {
		p.File = name
		if off, ok := offsets[p]; ok {
			p.Line, p.Col = lineCol(data, base+off)
		}
	}
	return nil, joinProblems(ps)
}

// Marshal encodes a campaign as indented JSON with sorted map keys, so the
// same content always gives the same bytes (and the same signature).
func Marshal(c *Campaign) ([]byte, error) {
	data, err := json.Marshal(c, json.Deterministic(true), jsontext.Multiline(true), jsontext.WithIndent("  "))
	if err != nil {
		return nil, fmt.Errorf("encode campaign: %w", err)
	}
	return append(data, '\n'), nil
}

func offsetOf(err error) int64 {
	var sy *jsontext.SyntacticError
	var se *json.SemanticError
	switch {
	case errors.As(err, &sy):
		return sy.ByteOffset
	case errors.As(err, &se):
		return se.ByteOffset
	}
	return 0
}

// decodeProblem turns a decoding error into a ParseError without file or
// position.
func decodeProblem(data []byte, err error) *ParseError {
	var sy *jsontext.SyntacticError
	var se *json.SemanticError
	switch {
	case errors.As(err, &sy):
		p := pathOf(sy.JSONPointer)
		switch {
		case errors.Is(sy.Err, jsontext.ErrDuplicateName) && len(p) > 0:
			return problemAt(p[:len(p)-1], fmt.Sprintf("duplicate field %q", p[len(p)-1].name))
		case errors.Is(sy.Err, io.ErrUnexpectedEOF):
			return problemAt(p, "the file ends before this value is complete")
		case sy.Err != nil:
			return problemAt(p, sy.Err.Error())
		}
		return problemAt(p, "invalid JSON")
	case errors.As(err, &se):
		p := pathOf(se.JSONPointer)
		if errors.Is(se.Err, json.ErrUnknownName) && len(p) > 0 {
			return problemAt(p[:len(p)-1], fmt.Sprintf("unknown field %q", p[len(p)-1].name))
		}
		return problemAt(p, typeProblem(data, se))
	}
	return problemAt(nil, err.Error())
}

func problemAt(p path, problem string) *ParseError {
	return &ParseError{Path: p.String(), Problem: problem, at: p}
}

var timeType = reflect.TypeFor[time.Time]()

// typeProblem says what was expected where a value did not fit.
func typeProblem(data []byte, se *json.SemanticError) string {
	found := describeValue(data, se)
	t := se.GoType
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var want string
	switch {
	case t == nil:
		if se.Err != nil {
			return fmt.Sprintf("cannot use %s: %v", found, se.Err)
		}
		return fmt.Sprintf("cannot use %s here", found)
	case t == timeType:
		want = `a date and time like "2026-12-05T10:00:00-06:00"`
	case t.Kind() == reflect.String:
		want = "a string"
	case t.Kind() == reflect.Bool:
		want = "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		if se.JSONKind == '0' && se.Err != nil && strings.Contains(se.Err.Error(), "range") {
			return fmt.Sprintf("the number %s is out of range", se.JSONValue)
		}
		want = "a whole number"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		want = "a number"
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		want = "a list [...]"
	case t.Kind() == reflect.Map || t.Kind() == reflect.Struct:
		want = "an object {...}"
	default:
		want = "a " + t.String()
	}
	return fmt.Sprintf("expected %s, found %s", want, found)
}

// describeValue names the JSON value that did not fit, quoting short
// scalars so the author can search for them.
func describeValue(data []byte, se *json.SemanticError) string {
	switch se.JSONKind {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	raw := se.JSONValue
	if len(raw) == 0 && se.ByteOffset >= 0 && se.ByteOffset < int64(len(data)) {
		// String values are not always carried in the error; read it back.
		if v, err := jsontext.NewDecoder(bytes.NewReader(data[se.ByteOffset:])).ReadValue(); err == nil {
			raw = v
		}
	}
	s := string(raw)
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	switch se.JSONKind {
	case '"':
		if s == "" {
			return "a string"
		}
		return "the string " + s
	case '0':
		if s == "" {
			return "a number"
		}
		return "the number " + s
	}
	if s == "" {
		return "a value"
	}
	return s
}

// lineCol converts a byte offset into a 1-based line and a 1-based column
// counted in characters, as editors show them.
func lineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[lineStart:]) + 1
}

// locate finds, for each problem, the offset of its value in the file, or of
// the nearest enclosing value present (a missing field is reported at its
// object). One pass over the tokens serves all problems.
func locate(data []byte, ps []*ParseError) map[*ParseError]int64 {
	want := make(map[string]int64)
	for _, p := range ps {
		ptr := p.at.pointer()
		for {
			want[string(ptr)] = -1
			if ptr == "" {
				break
			}
			ptr = ptr.Parent()
		}
	}
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	for {
		start := dec.InputOffset()
		tok, err := dec.ReadToken()
		if err != nil {
			break
		}
		if k := tok.Kind(); k == '}' || k == ']' {
			continue
		}
		// An object member is found at its name, a list element at its value.
		ptr := string(dec.StackPointer())
		if off, ok := want[ptr]; ok && off < 0 {
			for start < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[start]) >= 0 {
				start++
			}
			want[ptr] = start
		}
	}
	out := make(map[*ParseError]int64, len(ps))
	for _, p := range ps {
		ptr := p.at.pointer()
		for {
			if off := want[string(ptr)]; off >= 0 {
				out[p] = off
				break
			}
			if ptr == "" {
				break
			}
			ptr = ptr.Parent()
		}
	}
	return out
}

// path is a location inside a campaign file, built while validating.
type path []step

type step struct {
	name  string // object member name, when index < 0
	index int    // list index, or -1
}

func (p path) field(name string) path {
	return append(p[:len(p):len(p)], step{name: name, index: -1})
}

func (p path) at(i int) path {
	return append(p[:len(p):len(p)], step{index: i})
}

// String renders the path the way jq and JSONPath users read it.
func (p path) String() string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range p {
		switch {
		case s.index >= 0:
			fmt.Fprintf(&b, "[%d]", s.index)
		case isPlainName(s.name):
			b.WriteString(".")
			b.WriteString(s.name)
		default:
			fmt.Fprintf(&b, "[%q]", s.name)
		}
	}
	return b.String()
}

func (p path) pointer() jsontext.Pointer {
	var ptr jsontext.Pointer
	for _, s := range p {
		if s.index >= 0 {
			ptr = ptr.AppendToken(strconv.Itoa(s.index))
		} else {
			ptr = ptr.AppendToken(s.name)
		}
	}
	return ptr
}

// pathOf converts a JSON pointer from the decoder. Campaign objects never
// have numeric member names, so an all-digit token is a list index.
func pathOf(ptr jsontext.Pointer) path {
	var p path
	for tok := range ptr.Tokens() {
		if i, err := strconv.Atoi(tok); err == nil && i >= 0 && strconv.Itoa(i) == tok {
			p = p.at(i)
		} else {
			p = p.field(tok)
		}
	}
	return p
}

func isPlainName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		case r >= '0' && r <= '9':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
