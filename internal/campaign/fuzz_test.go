package campaign

import (
	"bytes"
	"errors"
	"testing"

	"github.com/voces-cdmx/voces/assets"
)

// FuzzParse checks that no input makes Parse panic, that every refusal is a
// located *ParseError, and that whatever parses survives a marshal and parse
// unchanged. The seed corpus in testdata/fuzz/FuzzParse holds the default
// campaign and broken variants of it, so plain go test runs them.
func FuzzParse(f *testing.F) {
	f.Add(assets.DefaultCampaign)
	if data, err := Marshal(validCampaign()); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.json", data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "fuzz.json" || pe.Path == "" || pe.Problem == "" {
				t.Fatalf("error %q is not a complete *ParseError", err)
			}
			return
		}
		first, err := Marshal(c)
		if err != nil {
			t.Fatalf("marshal a parsed campaign: %v", err)
		}
		again, err := Parse("again.json", first)
		if err != nil {
			t.Fatalf("re-parse a marshaled campaign: %v\n%s", err, first)
		}
		second, err := Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("round trip changed the campaign:\n%s\n---\n%s", first, second)
		}
	})
}
