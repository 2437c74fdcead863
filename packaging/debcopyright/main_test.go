package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const mitText = `MIT License

Copyright (c) 2019 Jane Roe

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A module laid out as in the module cache: a root licence, a linked
// package, C sources below it with their own licence, and a command that
// is not linked with another.
func fakeModule(t *testing.T) *module {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "LICENSE"), mitText)
	write(t, filepath.Join(dir, "NOTICE"), "Widget\nCopyright 2020 The Widget Authors")
	write(t, filepath.Join(dir, "widget", "widget.go"), "package widget")
	write(t, filepath.Join(dir, "widget", "csrc", "LICENSE.md"), "Copyright (c) 2002 C Author\n\nzlib-style terms")
	write(t, filepath.Join(dir, "widget", "csrc", "x.c"), "int x;")
	write(t, filepath.Join(dir, "cmd", "tool", "main.go"), "package main")
	write(t, filepath.Join(dir, "cmd", "tool", "COPYING"), "GPL, not linked")
	write(t, filepath.Join(dir, "testdata", "LICENSE"), "test fixture")
	write(t, filepath.Join(dir, "widget", "notice_response.go"), "package widget")
	return &module{Path: "example.com/widget", Version: "v1.2.3", Dir: dir, pkgDirs: []string{filepath.Join(dir, "widget")}}
}

func TestLicenceFilesAreThoseOfWhatIsLinked(t *testing.T) {
	m := fakeModule(t)
	licences, notices, err := licenceFiles(m)
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, f := range licences {
		r, _ := filepath.Rel(m.Dir, f)
		rel = append(rel, filepath.ToSlash(r))
	}
	slices.Sort(rel)
	if want := []string{"LICENSE", "widget/csrc/LICENSE.md"}; !slices.Equal(rel, want) {
		t.Errorf("licence files %v, want %v (not the unlinked command's, not testdata's, not Go files)", rel, want)
	}
	if len(notices) != 1 || filepath.Base(notices[0]) != "NOTICE" {
		t.Errorf("notices %v, want the root NOTICE", notices)
	}
}

func TestHolders(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{mitText, []string{"Copyright (c) 2019 Jane Roe"}},
		{"Copyright 2009 The Go Authors.\n\nRedistribution…", []string{"Copyright 2009 The Go Authors."}},
		{"   Copyright [yyyy] [name of copyright owner]\n", nil},
		{"the above copyright notice and this permission notice", nil},
		{"// Copyright © 2012 The Go Authors. All rights reserved.\nCopyright © 2012 The Go Authors. All rights reserved.", []string{"Copyright © 2012 The Go Authors. All rights reserved."}},
	}
	for _, tt := range tests {
		if got := holders(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("holders(%.40q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestShortName(t *testing.T) {
	if got := shortName([]byte(mitText)); got != "MIT" {
		t.Errorf("MIT text named %q", got)
	}
	if got := shortName([]byte("All rights reserved. Ask us.")); got != "other" {
		t.Errorf("unknown text named %q, want other", got)
	}
}

// The paragraphs of a module: one per directory with licence files, each
// with the holders, the licence's name and its full text, NOTICE in the
// comment; a common licence refers to /usr/share/common-licenses.
func TestParagraphs(t *testing.T) {
	m := fakeModule(t)
	if _, err := paragraphs(graph{modules: []*module{m}, goRoot: t.TempDir(), goVersion: "go1.0"}); err == nil {
		t.Fatal("a toolchain without LICENSE was accepted")
	}
	goRoot := t.TempDir()
	write(t, filepath.Join(goRoot, "LICENSE"), "Copyright 2009 The Go Authors.\n\n"+strings.SplitN(mitText, "\n\n", 3)[2])
	paras, err := paragraphs(graph{modules: []*module{m}, goRoot: goRoot, goVersion: "go1.0"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, p := range paras {
		p.write(&b)
	}
	out := b.String()
	for _, want := range []string{
		"Files: go/*\nCopyright: Copyright 2009 The Go Authors.\n",
		"Files: example.com/widget/*\nCopyright: Copyright (c) 2019 Jane Roe\n Copyright 2020 The Widget Authors\nLicense: MIT\n MIT License\n .\n Copyright (c) 2019 Jane Roe\n",
		" SOFTWARE.\nComment: Go module example.com/widget v1.2.3.\n Its NOTICE (Apache License, section 4(d)):\n .\n Widget\n",
		"Files: example.com/widget/widget/csrc/*\nCopyright: Copyright (c) 2002 C Author\nLicense: other\n Copyright (c) 2002 C Author\n .\n zlib-style terms\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks\n%s\nin\n%s", want, out)
		}
	}

	// A file holding the Apache licence and another: the Apache text
	// gives way to where Debian keeps it, the other stays.
	apache, err := os.ReadFile("/usr/share/common-licenses/Apache-2.0")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no Apache licence text to test with (base-files): %v", err)
		}
		t.Skipf("no Apache licence text to test with (base-files): %v", err)
	}
	got := referCommon([]byte("Third-party licences\n\n" + string(apache) + "\n\n" + mitText))
	if strings.Contains(got, "TERMS AND CONDITIONS FOR USE") {
		t.Error("the Apache licence text is still there")
	}
	if !strings.Contains(got, "On Debian systems, the full text of this licence is in /usr/share/common-licenses/Apache-2.0.") {
		t.Errorf("no reference to common-licenses in\n%s", got)
	}
	if !strings.Contains(got, mitText) {
		t.Error("the MIT text went too")
	}

	m.pkgDirs = nil
	m.Dir = t.TempDir()
	if _, err := paragraphs(graph{modules: []*module{m}, goRoot: goRoot}); err == nil || !strings.Contains(err.Error(), "no licence file") {
		t.Errorf("a module with no licence gave %v, want an error", err)
	}
}
