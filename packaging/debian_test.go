package packaging

import (
	"compress/gzip"
	"debug/elf"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// What Debian's own checker says about the packages: no error, and no
// warning other than one an override file in the package justifies
// (lintian then reports it as overridden, not as a warning).
func TestLintian(t *testing.T) {
	needTools(t, "lintian")
	debs := []string{debPath(t, "voces-device"), debPath(t, "voces-server")}
	out, err := runErr(t, nil, "lintian", append([]string{"--no-cfg", "--fail-on", "none", "--show-overrides"}, debs...)...)
	if err != nil {
		t.Fatalf("lintian: %v\n%s", err, out)
	}
	var problems, overridden []string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "E: "), strings.HasPrefix(line, "W: "):
			problems = append(problems, line)
		case strings.HasPrefix(line, "O: "):
			overridden = append(overridden, line)
		}
	}
	if len(problems) > 0 {
		t.Errorf("lintian reports %d errors and warnings:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	if len(overridden) > 0 {
		t.Logf("overridden:\n%s", strings.Join(overridden, "\n"))
	}
}

// Every override must say why, in a comment right above it: lintian
// shows the overridden tag, not the reason.
func TestLintianOverridesAreJustified(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("lintian", "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		commented := false
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			switch {
			case line == "":
				commented = false
			case strings.HasPrefix(line, "#"):
				commented = true
			case !commented:
				t.Errorf("%s:%d overrides %q with no comment above it", f, i+1, line)
			}
		}
	}
}

// PIE and full RELRO (read-only relocations, bound at start-up): the ELF
// facts lintian's hardening check reads, asserted here directly.
func TestBinariesAreHardened(t *testing.T) {
	for _, spec := range debSpecs {
		dir := extract(t, debPath(t, spec.name))
		for _, b := range spec.binaries {
			t.Run(filepath.Base(b), func(t *testing.T) {
				f, err := elf.Open(filepath.Join(dir, b))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if f.Type != elf.ET_DYN || !hasProg(f, elf.PT_INTERP) {
					t.Errorf("not a position-independent executable (type %v)", f.Type)
				}
				if !hasProg(f, elf.PT_GNU_RELRO) {
					t.Error("no PT_GNU_RELRO segment: built without -z relro")
				}
				flags, _ := f.DynValue(elf.DT_FLAGS)
				flags1, _ := f.DynValue(elf.DT_FLAGS_1)
				now := slices.ContainsFunc(flags, func(v uint64) bool { return v&uint64(elf.DF_BIND_NOW) != 0 }) ||
					slices.ContainsFunc(flags1, func(v uint64) bool { return v&uint64(elf.DF_1_NOW) != 0 })
				if !now {
					t.Error("no BIND_NOW: built without -z now, so RELRO is partial")
				}
			})
		}
	}
}

func hasProg(f *elf.File, typ elf.ProgType) bool {
	return slices.ContainsFunc(f.Progs, func(p *elf.Prog) bool { return p.Type == typ })
}

// roffText undoes what help2man does to the help text: font changes and
// escaped minus signs and backslashes.
var roffFont = regexp.MustCompile(`\\f[BIRP]`)

func roffText(s string) string {
	s = roffFont.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, `\-`, "-")
	s = strings.ReplaceAll(s, `\&`, "")
	return strings.ReplaceAll(s, `\e`, `\`)
}

var helpFlag = regexp.MustCompile(`(?m)^\s+(-[a-z][a-z0-9-]*)`)

// The manual pages are made from --help when the package is built; this
// checks they say what the installed programs say: every flag of the
// program and, for each subcommand, its whole help.
func TestManPagesCarryTheHelp(t *testing.T) {
	for _, spec := range debSpecs {
		dir := extract(t, debPath(t, spec.name))
		for _, b := range spec.binaries {
			name := filepath.Base(b)
			t.Run(name, func(t *testing.T) {
				page := roffText(gunzip(t, filepath.Join(dir, "usr/share/man/man1", name+".1.gz")))
				if !strings.Contains(page, ".TH "+strings.ToUpper(name)+` "1"`) {
					t.Errorf("no .TH header for %s in section 1:\n%.300s", name, page)
				}
				help := helpText(t, filepath.Join(dir, b))
				for _, m := range helpFlag.FindAllStringSubmatch(help, -1) {
					if !strings.Contains(page, m[1]) {
						t.Errorf("the help lists %s; the manual page does not", m[1])
					}
				}
				subs := regexp.MustCompile(`(?m)^\.SS "`+regexp.QuoteMeta(name)+` ([a-z-]+)"$`).FindAllStringSubmatch(page, -1)
				if name != "voces-kiosk" && len(subs) == 0 {
					t.Errorf("no subcommand sections in the manual page of %s", name)
				}
				for _, s := range subs {
					sub := helpText(t, filepath.Join(dir, b), s[1])
					for _, line := range strings.Split(strings.TrimSpace(sub), "\n") {
						if !strings.Contains(page, line) {
							t.Errorf("%s %s --help says %q; the manual page does not", name, s[1], line)
							break
						}
					}
				}
			})
		}
	}
}

// helpText runs PROGRAM [ARGS] --help as scripts/package.sh does.
func helpText(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, _ := runErr(t, []string{"LANG=C.UTF-8", "LANGUAGE=en_US", "LC_ALL=", "LC_MESSAGES=", "DISPLAY="}, bin, append(args, "--help")...)
	if strings.TrimSpace(out) == "" {
		t.Fatalf("%s %v --help printed nothing", bin, args)
	}
	return out
}

func gunzip(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	data, err := io.ReadAll(z)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(data)
}

func TestChangelogNamesThisVersion(t *testing.T) {
	for _, spec := range debSpecs {
		t.Run(spec.name, func(t *testing.T) {
			deb := debPath(t, spec.name)
			version := controlFields(run(t, nil, "dpkg-deb", "--field", deb))["Version"]
			text := gunzip(t, filepath.Join(extract(t, deb), "usr/share/doc", spec.name, "changelog.gz"))
			first, _, _ := strings.Cut(text, "\n")
			if want := spec.name + " (" + version + ") "; !strings.HasPrefix(first, want) {
				t.Errorf("changelog starts %q, want %q…", first, want)
			}
			if !regexp.MustCompile(`(?m)^  \* \S`).MatchString(text) {
				t.Errorf("changelog lists no change:\n%s", text)
			}
			if !regexp.MustCompile(`(?m)^ -- .+ <.+>  \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$`).MatchString(text) {
				t.Errorf("changelog has no trailer line:\n%s", text)
			}
		})
	}
}

// deb822 reads the paragraphs of a Debian control-style file: field →
// value, continuation lines joined with newlines.
func deb822(text string) []map[string]string {
	var paras []map[string]string
	for _, block := range regexp.MustCompile(`\n\s*\n`).Split(strings.TrimSpace(text), -1) {
		paras = append(paras, controlFields(block))
	}
	return paras
}

// The copyright file names, with its licence, every module linked into
// the package's programs: the list comes from the module graph, so a
// module added to go.mod cannot ship unlisted.
func TestCopyrightCoversEveryLinkedModule(t *testing.T) {
	needTools(t, "go")
	for _, spec := range debSpecs {
		t.Run(spec.name, func(t *testing.T) {
			dir := extract(t, debPath(t, spec.name))
			data, err := os.ReadFile(filepath.Join(dir, "usr/share/doc", spec.name, "copyright"))
			if err != nil {
				t.Fatal(err)
			}
			paras := deb822(string(data))
			if !strings.HasPrefix(paras[0]["Format"], "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0") {
				t.Errorf("header paragraph has no DEP-5 Format: %v", paras[0])
			}
			files := map[string]map[string]string{}
			for _, p := range paras[1:] {
				if p["Files"] == "" {
					continue
				}
				files[p["Files"]] = p
				short, licenceText, _ := strings.Cut(p["License"], "\n")
				if p["Copyright"] == "" || short == "" || strings.TrimSpace(licenceText) == "" {
					t.Errorf("paragraph for %s lacks a holder, a licence name or its text", p["Files"])
				}
			}
			var pkgs []string
			for _, c := range spec.commands {
				pkgs = append(pkgs, "../cmd/"+c)
			}
			out := run(t, nil, "go", append([]string{"list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}{{end}}{{end}}"}, pkgs...)...)
			modules := 0
			for _, m := range strings.Fields(out) {
				modules++
				if files[m+"/*"] == nil {
					t.Errorf("%s is linked into %v but not in the copyright file", m, spec.commands)
				}
			}
			if modules == 0 {
				t.Error("go list found no modules")
			}
			if files["go/*"] == nil {
				t.Error("no paragraph for the Go runtime and standard library")
			}
		})
	}
}
