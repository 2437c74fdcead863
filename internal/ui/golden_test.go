package ui

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/record"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenScreens are the screens whose rendering is pinned. The receipt
// and the technician menu are left out: they show a random receipt code
// and device id.
var goldenScreens = []string{
	"attract", "language", "home", "survey-intro", "survey-single", "survey-scale",
	"survey-text", "survey-required", "survey-review", "proposals", "proposal",
	"sign-voterid-wrong", "sign-alcaldia", "sign-consent", "sign-signature",
	"sign-review", "sign-duplicate", "events", "register-review", "article",
	"idle-prompt", "out-of-service", "not-set-up", "tech-pin",
	"propose-text", "propose-scope", "propose-named", "propose-review",
	"organise-when", "organise-review",
}

// TestGoldenScreens renders the tour on a campaign whose central takes
// submissions, so its proposal and assembly screens are pinned too.
func TestGoldenScreens(t *testing.T) {
	r := newSubmissionRig(t, Config{})
	seen := 0
	err := r.k.Tour(func(name string) {
		short := name[strings.IndexByte(name, '-')+1:]
		if !slices.Contains(goldenScreens, short) {
			return
		}
		seen++
		file := filepath.Join("screens", short+".xml")
		if *update {
			path := filepath.Join("testdata", file)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(test.RenderToMarkup(r.k.win.Canvas())), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		test.AssertRendersToMarkup(t, file, r.k.win.Canvas())
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(goldenScreens) {
		t.Fatalf("the tour showed %d of the %d golden screens", seen, len(goldenScreens))
	}
}

// messageID is what a catalogue id looks like: "sign.pad.hint".
var messageID = regexp.MustCompile(`^[a-z]+(\.[a-z0-9_]+)+\.?$`)

// TestEveryMessageIDIsInTheCatalogue reads the package's own source: every
// string literal shaped like a message id must be in the catalogue (or, if
// it ends in a dot, be the prefix of some), so no screen ever shows a raw
// id to a passer-by.
func TestEveryMessageIDIsInTheCatalogue(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	ids := i18n.IDs()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			// Device setting keys look like ids but are not shown.
			if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Names) > 0 && strings.HasPrefix(vs.Names[0].Name, "Setting") {
				return false
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !messageID.MatchString(s) || s == string(SizeNameDisplay) {
				return true
			}
			checked++
			switch {
			case strings.HasSuffix(s, "."):
				if !slices.ContainsFunc(ids, func(id string) bool { return strings.HasPrefix(id, s) }) {
					t.Errorf("%s: no message starts with %q", fset.Position(lit.Pos()), s)
				}
			case i18n.Has(s), i18n.Has(s+".one") && i18n.Has(s+".other"):
			default:
				t.Errorf("%s: %q is not in the catalogue", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
	if checked < 100 {
		t.Fatalf("found only %d message ids in the source", checked)
	}
}

// TestMessagesBuiltFromValues covers the ids put together at run time.
func TestMessagesBuiltFromValues(t *testing.T) {
	var want []string
	for _, k := range record.Kinds {
		want = append(want, "kind."+string(k), "saved.thanks."+string(k))
	}
	for _, t := range []string{"curp", "ine"} {
		want = append(want, "voterid.type."+t)
	}
	for _, c := range []string{"letter", "digit", "consonant", "alnum", "valid"} {
		want = append(want, "voterid.class."+c)
	}
	for _, id := range want {
		if !i18n.Has(id) {
			t.Errorf("%q is not in the catalogue", id)
		}
	}
}

// goldenLarge are the large-text screens pinned as pictures, at the
// smallest display, where large text is hardest to fit: a question with
// tiles, one with the keyboard, a review, the home screen and the idle
// prompt. Review a changed picture by eye before updating it.
var goldenLarge = []string{"home", "survey-alcaldia", "survey-text", "sign-review", "idle-prompt",
	"propose-text", "organise-when"}

func TestGoldenLargeText(t *testing.T) {
	look := Look{LargeText: true}
	r := newSubmissionRig(t, Config{Look: &look})
	r.k.win.Resize(SmallestScreen)
	seen := 0
	err := r.k.Tour(func(name string) {
		short := name[strings.IndexByte(name, '-')+1:]
		if !slices.Contains(goldenLarge, short) {
			return
		}
		seen++
		file := filepath.Join("large", short+".png")
		img := r.k.win.Canvas().Capture()
		if *update {
			path := filepath.Join("testdata", file)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := png.Encode(f, img); err != nil {
				t.Fatal(err)
			}
			return
		}
		test.AssertImageMatches(t, file, img)
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(goldenLarge) {
		t.Fatalf("the tour showed %d of the %d large-text golden screens", seen, len(goldenLarge))
	}
}
