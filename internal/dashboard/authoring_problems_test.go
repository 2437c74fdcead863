package dashboard

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
)

// validatorFormats are the formats of every problem the campaign
// validator reports: the string literal of each v.report call in
// internal/campaign/validate*.go.
func validatorFormats(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "campaign", "validate*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fs := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fs, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "report" || len(call.Args) < 2 {
				return true
			}
			lit, ok := call.Args[1].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: a report whose format is not a string literal: the Spanish cannot be checked", fs.Position(call.Pos()))
				return true
			}
			format, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(out, format) {
				out = append(out, format)
			}
			return true
		})
	}
	if len(out) < 50 {
		t.Fatalf("found only %d report formats in %v: is the walk still reading the validator?", len(out), files)
	}
	return out
}

// TestEveryValidatorProblemHasSpanish fails on a problem the validator
// can report that the Spanish dashboard would show in English, on a
// Spanish form left behind by a changed problem, and on a Spanish form
// that loses or misplaces a value of the English.
func TestEveryValidatorProblemHasSpanish(t *testing.T) {
	formats := validatorFormats(t)
	for _, f := range formats {
		if _, ok := problemSpanish[f]; !ok {
			t.Errorf("no Spanish for the validator's problem %q (add it to problemSpanish)", f)
		}
	}
	for f := range problemSpanish {
		if !slices.Contains(formats, f) {
			t.Errorf("problemSpanish has %q, which the validator no longer reports", f)
		}
	}
	verbs := regexp.MustCompile(`%[a-z]`)
	for _, f := range formats {
		es, ok := problemSpanish[f]
		if !ok {
			continue
		}
		// One distinct value per verb, each of which must come through.
		var args []any
		var values []string
		for i, v := range verbs.FindAllString(f, -1) {
			switch v {
			case "%d":
				args = append(args, 1000+i)
				values = append(values, strconv.Itoa(1000+i))
			case "%q":
				args = append(args, fmt.Sprintf("valor-%d", i))
				values = append(values, strconv.Quote(fmt.Sprintf("valor-%d", i)))
			case "%s":
				args = append(args, fmt.Sprintf("$.lista[%d]", i))
				values = append(values, fmt.Sprintf("$.lista[%d]", i))
			default:
				t.Errorf("%q: verb %s is not read back (add it to verbPattern)", f, v)
			}
		}
		problem := fmt.Sprintf(f, args...)
		got, ok := spanishProblem(problem)
		if !ok {
			t.Errorf("%q is not recognised as made from %q", problem, f)
			continue
		}
		strs := make([]any, len(values))
		for i, v := range values {
			strs[i] = v
		}
		if want := fmt.Sprintf(es, strs...); got != want {
			t.Errorf("%q in Spanish is %q, want %q (another format took it?)", problem, got, want)
		}
		for _, v := range values {
			if !strings.Contains(got, v) {
				t.Errorf("%q in Spanish (%q) drops the value %s", problem, got, v)
			}
		}
		if strings.Contains(got, "%!") {
			t.Errorf("%q in Spanish: %q", problem, got)
		}
	}
}

// TestValidatorWordsInsideProblemsAreSpanish checks the words the
// validator writes into its problems (a question type, a list's name)
// on problems it really makes.
func TestValidatorWordsInsideProblemsAreSpanish(t *testing.T) {
	c, err := campaign.Parse("default", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	opts := []campaign.Option{{ID: "a", Label: campaign.Text{"es": "a", "en": "a"}}, {ID: "b", Label: campaign.Text{"es": "b", "en": "b"}}}
	c.Survey.Questions = append(c.Survey.Questions,
		campaign.Question{ID: "q-scale", Type: campaign.TypeScale, Prompt: campaign.Text{"es": "x", "en": "x"}, Min: 0, Max: 5, Options: opts,
			MinLabel: campaign.Text{"es": "x", "en": "x"}, MaxLabel: campaign.Text{"es": "x", "en": "x"}},
		campaign.Question{ID: "q-text", Type: campaign.TypeText, Prompt: campaign.Text{"es": "x", "en": "x"}, MaxLength: 10, Min: 1, Max: 2},
		campaign.Question{ID: "q-alc", Type: campaign.TypeAlcaldia, Prompt: campaign.Text{"es": "x", "en": "x"}, Options: opts},
		campaign.Question{ID: "q-one", Type: campaign.TypeSingle, Prompt: campaign.Text{"es": "x", "en": "x"}, Options: opts[:1]},
	)
	c.Proposals[0].Plain = campaign.Text{"es": "Corta. " + longSentence, "en": "Short."}
	for len(c.Themes) <= 100 {
		c.Themes = append(c.Themes, campaign.Theme{ID: fmt.Sprintf("t-%d", len(c.Themes)), Label: campaign.Text{"es": "x", "en": "x"}})
	}
	var got []string
	for _, p := range c.Problems() {
		s, ok := spanishProblem(p.Problem)
		if !ok {
			t.Errorf("no Spanish for %q", p.Problem)
		}
		got = append(got, s)
	}
	for _, want := range []string{
		"Una pregunta de escala no lleva opciones.",
		"Una pregunta de texto no lleva mínimo ni máximo.",
		"Una pregunta de alcaldía no lleva opciones.",
		"Una pregunta de una opción necesita al menos 2 opciones.",
		"La oración 2 tiene 25 palabras; en lenguaje sencillo cada oración lleva 20 palabras o menos.",
		"Cantidad de temas: 101; el límite es 100.",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("no problem reads %q; the Spanish problems are:\n%s", want, strings.Join(got, "\n"))
		}
	}
	// On the English dashboard the validator's own words stay.
	if p := "a scale question has no options"; problemText(en, p) != p {
		t.Errorf("in English %q reads %q", p, problemText(en, p))
	}
}
