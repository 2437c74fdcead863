// Command debcopyright writes the machine-readable Debian copyright file
// (DEP-5) of a package from the Go module graph of the programs it ships:
// one paragraph per directory of a linked module that holds licence
// files, with the holders found in them and their full text, and one for
// the Go toolchain's own code. scripts/package.sh runs it at build time,
// so the file follows go.mod and cannot drift from what the binaries hold.
//
//	go run ./packaging/debcopyright -holder "Voces CDMX" ./cmd/kiosk ./cmd/syncd
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/google/licensecheck"
)

func main() {
	out := flag.String("o", "", "write the copyright file to `FILE` instead of standard output")
	holder := flag.String("holder", "", "copyright `HOLDER` of the main module's own code (required)")
	source := flag.String("source", "", "`URL` of the main module's source (the Source field)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: debcopyright -holder NAME [-source URL] [-o FILE] PACKAGE...\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *holder == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, *holder, *source, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "debcopyright:", err)
		os.Exit(1)
	}
}

func run(out, holder, source string, patterns []string) error {
	pkgs, err := goList(patterns)
	if err != nil {
		return err
	}
	graph, err := linked(pkgs)
	if err != nil {
		return err
	}
	paras, err := paragraphs(graph)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	writeHeader(&b, graph, holder, source, patterns)
	for _, p := range paras {
		p.write(&b)
	}
	if out == "" {
		_, err = os.Stdout.Write(b.Bytes())
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// listedPackage is the part of `go list -json` this command reads.
type listedPackage struct {
	ImportPath string
	Dir        string
	Standard   bool
	Module     *struct {
		Path    string
		Version string
		Dir     string
		Main    bool
		Replace *struct {
			Path    string
			Version string
			Dir     string
		}
	}
}

// goList lists every package the patterns link, with the same go command,
// environment and build flags as the build that runs beside it.
func goList(patterns []string) ([]listedPackage, error) {
	goCmd := os.Getenv("GO")
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.Command(goCmd, append([]string{"list", "-deps", "-json"}, patterns...)...)
	cmd.Stderr = os.Stderr
	data, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("read go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// module is one module linked into the programs.
type module struct {
	Path, Version, Dir string
	pkgDirs            []string // directories of its linked packages
}

type graph struct {
	modules   []*module // sorted by path; not the main module
	goVersion string
	goRoot    string
	mainPath  string
}

func linked(pkgs []listedPackage) (graph, error) {
	var g graph
	// The toolchain the programs are built with, not this command's.
	v, err := exec.Command(envOr("GO", "go"), "env", "GOVERSION", "GOROOT").Output()
	if err != nil {
		return g, fmt.Errorf("go env: %w", err)
	}
	f := strings.Fields(string(v))
	if len(f) != 2 {
		return g, fmt.Errorf("go env GOVERSION GOROOT printed %q", v)
	}
	g.goVersion, g.goRoot = f[0], f[1]
	byPath := map[string]*module{}
	for _, p := range pkgs {
		switch {
		case p.Standard:
			continue
		case p.Module == nil:
			return g, fmt.Errorf("package %s belongs to no module", p.ImportPath)
		case p.Module.Main:
			g.mainPath = p.Module.Path
			continue
		}
		path, version, dir := p.Module.Path, p.Module.Version, p.Module.Dir
		if r := p.Module.Replace; r != nil {
			version, dir = r.Version, r.Dir
			if version == "" {
				version = "(replaced by " + r.Path + ")"
			}
		}
		if dir == "" {
			return g, fmt.Errorf("module %s %s is not in the module cache (go mod download)", path, version)
		}
		m := byPath[path]
		if m == nil {
			m = &module{Path: path, Version: version, Dir: dir}
			byPath[path] = m
			g.modules = append(g.modules, m)
		}
		m.pkgDirs = append(m.pkgDirs, p.Dir)
	}
	slices.SortFunc(g.modules, func(a, b *module) int { return strings.Compare(a.Path, b.Path) })
	return g, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

var (
	licenceName = regexp.MustCompile(`(?i)^(licen[cs]e|copying|unlicense)([-._][^/]*)?$`)
	noticeName  = regexp.MustCompile(`(?i)^notice(\.[a-z]+)?$`)
)

// licenceFiles finds the licence and NOTICE files of a module that apply
// to what is linked: those in the module root, in a linked package's
// directory or one above it, and in a directory below a linked package
// that is no Go package itself (C sources built by cgo, embedded fonts).
func licenceFiles(m *module) (licences, notices []string, err error) {
	err = filepath.WalkDir(m.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" || (strings.HasPrefix(d.Name(), ".") && path != m.Dir) {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		isLicence := licenceName.MatchString(name) && !strings.HasSuffix(name, ".go")
		isNotice := noticeName.MatchString(name)
		if !isLicence && !isNotice {
			return nil
		}
		applies, err := appliesTo(m, filepath.Dir(path))
		if err != nil || !applies {
			return err
		}
		if isLicence {
			licences = append(licences, path)
		} else {
			notices = append(notices, path)
		}
		return nil
	})
	return licences, notices, err
}

func appliesTo(m *module, dir string) (bool, error) {
	if dir == m.Dir {
		return true, nil
	}
	for _, p := range m.pkgDirs {
		if p == dir || strings.HasPrefix(p, dir+string(filepath.Separator)) {
			return true, nil
		}
	}
	for _, p := range m.pkgDirs {
		if !strings.HasPrefix(dir, p+string(filepath.Separator)) {
			continue
		}
		goFiles, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			return false, err
		}
		return len(goFiles) == 0, nil
	}
	return false, nil
}

// paragraph is one Files paragraph.
type paragraph struct {
	files     string
	copyright []string
	licenses  []string // short names, in the order of texts
	texts     []licenceText
	comment   []string
}

type licenceText struct {
	file string // relative to the module
	text string
}

func paragraphs(g graph) ([]paragraph, error) {
	var out []paragraph
	goLicence := filepath.Join(g.goRoot, "LICENSE")
	p, err := paragraphFor("go/*", []string{goLicence}, nil, g.goRoot)
	if err != nil {
		return nil, fmt.Errorf("the Go toolchain: %w", err)
	}
	p.comment = []string{"The Go runtime and standard library (" + g.goVersion + "), linked into every program."}
	out = append(out, p)

	for _, m := range g.modules {
		licences, notices, err := licenceFiles(m)
		if err != nil {
			return nil, fmt.Errorf("module %s: %w", m.Path, err)
		}
		if len(licences) == 0 {
			return nil, fmt.Errorf("module %s %s has no licence file in %s: the package cannot say under what terms it ships it", m.Path, m.Version, m.Dir)
		}
		byDir := map[string][]string{}
		var dirs []string
		for _, f := range licences {
			d := filepath.Dir(f)
			if byDir[d] == nil {
				dirs = append(dirs, d)
			}
			byDir[d] = append(byDir[d], f)
		}
		slices.Sort(dirs)
		for _, d := range dirs {
			rel, _ := filepath.Rel(m.Dir, d)
			files := m.Path + "/*"
			if rel != "." {
				files = m.Path + "/" + filepath.ToSlash(rel) + "/*"
			}
			var dirNotices []string
			for _, n := range notices {
				if filepath.Dir(n) == d {
					dirNotices = append(dirNotices, n)
				}
			}
			p, err := paragraphFor(files, byDir[d], dirNotices, m.Dir)
			if err != nil {
				return nil, fmt.Errorf("module %s: %w", m.Path, err)
			}
			p.comment = append([]string{"Go module " + m.Path + " " + m.Version + "."}, p.comment...)
			out = append(out, p)
		}
	}
	return out, nil
}

// holderLine matches a copyright notice: "Copyright (c) 2012 …",
// "Copyright 2009 The Go Authors", "© 2020 …", but not the template line of
// the Apache licence ("Copyright [yyyy] [name of copyright owner]") nor
// prose that mentions copyright.
var holderLine = regexp.MustCompile(`(?im)^[\s#*/-]*((?:copyright\s*(?:\(c\)|©)?|©)\s*(?:\(c\)\s*)?\d{4}.*?)\s*$`)

func holders(text string) []string {
	var found []string
	for _, m := range holderLine.FindAllStringSubmatch(text, -1) {
		h := strings.Join(strings.Fields(m[1]), " ")
		if !slices.Contains(found, h) {
			found = append(found, h)
		}
	}
	return found
}

func paragraphFor(files string, licences, notices []string, base string) (paragraph, error) {
	p := paragraph{files: files}
	slices.Sort(licences)
	for _, f := range licences {
		data, err := os.ReadFile(f)
		if err != nil {
			return p, err
		}
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		rel, _ := filepath.Rel(base, f)
		p.licenses = append(p.licenses, shortName(data))
		p.copyright = appendNew(p.copyright, holders(string(data))...)
		text := strings.TrimSpace(referCommon(data))
		p.texts = append(p.texts, licenceText{file: filepath.ToSlash(rel), text: text})
	}
	slices.Sort(notices)
	for _, f := range notices {
		data, err := os.ReadFile(f)
		if err != nil {
			return p, err
		}
		text := strings.TrimSpace(string(data))
		rel, _ := filepath.Rel(base, f)
		p.copyright = appendNew(p.copyright, holders(text)...)
		p.comment = append(p.comment, "Its "+filepath.ToSlash(rel)+" (Apache License, section 4(d)):", "", text)
	}
	if len(p.copyright) == 0 {
		// Apache-licensed modules often name no holder in LICENSE; the
		// notices in their source files name the contributors.
		p.copyright = []string{"the authors of " + strings.TrimSuffix(files, "/*") + " (its licence names no holder)"}
	}
	return p, nil
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

// shortName names a licence text by the SPDX identifiers licensecheck
// finds in it; a text it cannot name is "other", and its full text is in
// the file all the same.
func shortName(text []byte) string {
	cov := licensecheck.Scan(text)
	var ids []string
	for _, m := range cov.Match {
		if !m.IsURL && !slices.Contains(ids, m.ID) {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) == 0 || cov.Percent < 50 {
		return "other"
	}
	return strings.Join(ids, " and ")
}

// referCommon replaces the text of each common licence within a licence
// file (a file may hold several, e.g. a list of third-party licences) by
// where Debian keeps it.
func referCommon(text []byte) string {
	var b strings.Builder
	last := 0
	for _, m := range licensecheck.Scan(text).Match {
		common, ok := commonLicences[m.ID]
		if !ok || m.IsURL || m.Start < last {
			continue
		}
		b.Write(text[last:m.Start])
		b.WriteString(commonReference(common))
		last = m.End
	}
	b.Write(text[last:])
	return b.String()
}

func commonReference(name string) string {
	return "On Debian systems, the full text of this licence is in /usr/share/common-licenses/" + name + "."
}

// commonLicences are the licences Debian installs in
// /usr/share/common-licenses: a copyright file refers to them rather than
// repeat them (Debian Policy 12.5).
var commonLicences = map[string]string{
	"Apache-2.0":        "Apache-2.0",
	"MPL-2.0":           "MPL-2.0",
	"CC0-1.0":           "CC0-1.0",
	"GPL-2.0":           "GPL-2",
	"GPL-2.0-only":      "GPL-2",
	"GPL-2.0-or-later":  "GPL-2",
	"GPL-3.0":           "GPL-3",
	"GPL-3.0-only":      "GPL-3",
	"GPL-3.0-or-later":  "GPL-3",
	"LGPL-2.1":          "LGPL-2.1",
	"LGPL-2.1-only":     "LGPL-2.1",
	"LGPL-2.1-or-later": "LGPL-2.1",
	"LGPL-3.0":          "LGPL-3",
	"LGPL-3.0-only":     "LGPL-3",
	"LGPL-3.0-or-later": "LGPL-3",
}

func writeHeader(w *bytes.Buffer, g graph, holder, source string, patterns []string) {
	w.WriteString("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n")
	name := g.mainPath
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	fmt.Fprintf(w, "Upstream-Name: %s\n", name)
	if source != "" {
		fmt.Fprintf(w, "Source: %s\n", source)
	}
	field(w, "Comment", []string{
		"Written when the package was built, from the Go module graph of " + strings.Join(patterns, " ") +
			": every module linked into the programs, with the licence files of the directories that are linked.",
		"Files patterns name Go module paths, as the programs were built from the module cache.",
	})
	w.WriteString("\n")
	w.WriteString("Files: *\n")
	fmt.Fprintf(w, "Copyright: %s\n", holder)
	w.WriteString("License: LicenseRef-no-licence-yet\n")
	text(w, "The "+name+" repository holds no licence file yet: its owners grant no rights beyond those copyright law gives. The modules below keep their own licences.")
	w.WriteString("\n")
}

func (p paragraph) write(w *bytes.Buffer) {
	fmt.Fprintf(w, "Files: %s\n", p.files)
	field(w, "Copyright", p.copyright)
	var names []string
	for _, n := range p.licenses {
		for _, id := range strings.Split(n, " and ") {
			names = appendNew(names, id)
		}
	}
	license := strings.Join(names, " and ")
	fmt.Fprintf(w, "License: %s\n", license)
	if len(p.texts) == 1 {
		text(w, p.texts[0].text)
	} else {
		var parts []string
		for i, t := range p.texts {
			parts = append(parts, t.file+" ("+p.licenses[i]+"):\n\n"+t.text)
		}
		text(w, strings.Join(parts, "\n\n"))
	}
	if len(p.comment) > 0 {
		field(w, "Comment", p.comment)
	}
	w.WriteString("\n")
}

// field writes a field whose value is a list of lines: the first on the
// field's line, the others as continuation lines.
func field(w *bytes.Buffer, name string, lines []string) {
	fmt.Fprintf(w, "%s: %s\n", name, lines[0])
	for _, l := range lines[1:] {
		continuation(w, l)
	}
}

// text writes a block of text as continuation lines.
func text(w *bytes.Buffer, s string) {
	for _, l := range strings.Split(s, "\n") {
		continuation(w, l)
	}
}

// continuation writes one continuation line: a space before it, and an
// empty line as " ." (deb822).
func continuation(w *bytes.Buffer, l string) {
	l = strings.TrimRight(l, " \t")
	if l == "" || l == "." {
		w.WriteString(" .\n")
		return
	}
	w.WriteString(" " + l + "\n")
}
