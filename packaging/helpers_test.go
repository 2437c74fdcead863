package packaging

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Environment variables that hand the tests prebuilt artifacts, so a
// caller that has just run `make package` or `make windows` does not pay
// for the builds twice.
const (
	envDebs       = "VOCES_DEBS"        // folder with voces-device_*.deb and voces-server_*.deb
	envWindowsExe = "VOCES_WINDOWS_EXE" // path of a built voces-kiosk.exe
)

// shared holds what TestMain makes once for every test in this binary.
var shared struct {
	tmp string // removed after the tests

	debsOnce sync.Once
	debsDir  string
	debsOut  []byte
	debsErr  error
}

func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "voces-packaging-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "packaging tests:", err)
		os.Exit(1)
	}
	shared.tmp = tmp
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

// inCI reports whether this is the CI run (.ci/run sets CI=true), where
// every test here must run rather than skip.
func inCI() bool { return os.Getenv("CI") == "true" }

// need skips the test, naming what is missing, when ok is false; in CI it
// fails instead.
func need(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if ok {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if inCI() {
		t.Fatalf("%s (with CI=true this test must run)", msg)
	}
	t.Skip(msg)
}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		_, err := exec.LookPath(tool)
		need(t, err == nil, "%s is not installed", tool)
	}
}

func needRoot(t *testing.T) {
	t.Helper()
	need(t, os.Geteuid() == 0, "not root: installing into a scratch root gives files to the voces user")
}

// needCommands skips (fails in CI) while a command the packages ship has
// no Go code yet.
func needCommands(t *testing.T, names ...string) {
	t.Helper()
	var missing []string
	for _, name := range names {
		files, _ := filepath.Glob(filepath.Join(repoRoot(t), "cmd", name, "*.go"))
		found := false
		for _, f := range files {
			if !strings.HasSuffix(f, "_test.go") {
				found = true
			}
		}
		if !found {
			missing = append(missing, "cmd/"+name)
		}
	}
	need(t, len(missing) == 0, "%s not written yet", strings.Join(missing, ", "))
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// run runs a command and fails the test with its output if it fails.
func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	out, err := runErr(t, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func runErr(t *testing.T, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// debsDir returns the folder holding both .deb files: $VOCES_DEBS when
// set, else one scripts/package.sh run shared by every test here.
func debsDir(t *testing.T) string {
	t.Helper()
	needTools(t, "dpkg-deb")
	if dir := os.Getenv(envDebs); dir != "" {
		return dir
	}
	if testing.Short() {
		t.Skip("-short: building the packages takes minutes")
	}
	needCommands(t, "kiosk", "syncd", "central")
	shared.debsOnce.Do(func() {
		shared.debsDir = filepath.Join(shared.tmp, "debs")
		start := time.Now()
		cmd := exec.Command(filepath.Join(repoRoot(t), "scripts", "package.sh"))
		cmd.Env = append(os.Environ(), "DIST="+shared.debsDir)
		shared.debsOut, shared.debsErr = cmd.CombinedOutput()
		t.Logf("scripts/package.sh took %s", time.Since(start).Round(time.Second))
	})
	if shared.debsErr != nil {
		t.Fatalf("scripts/package.sh: %v\n%s", shared.debsErr, shared.debsOut)
	}
	return shared.debsDir
}

// debPath returns the one .deb of package pkg.
func debPath(t *testing.T, pkg string) string {
	t.Helper()
	dir := debsDir(t)
	matches, _ := filepath.Glob(filepath.Join(dir, pkg+"_*.deb"))
	if len(matches) != 1 {
		t.Fatalf("want one %s_*.deb in %s, found %v", pkg, dir, matches)
	}
	return matches[0]
}

// controlFields parses a Debian control paragraph; continuation lines are
// joined to their field with newlines.
func controlFields(text string) map[string]string {
	fields := map[string]string{}
	var last string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, " ") && last != "" {
			fields[last] += "\n" + strings.TrimSpace(line)
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		last = key
		fields[key] = strings.TrimSpace(value)
	}
	return fields
}

// dependsNames returns the package names of a Depends field, without
// version constraints or architecture qualifiers.
func dependsNames(depends string) map[string]bool {
	names := map[string]bool{}
	for _, clause := range strings.Split(depends, ",") {
		for _, alt := range strings.Split(clause, "|") {
			name, _, _ := strings.Cut(strings.TrimSpace(alt), " ")
			name, _, _ = strings.Cut(name, ":")
			if name != "" {
				names[name] = true
			}
		}
	}
	return names
}

// debEntry is one line of dpkg-deb --contents.
type debEntry struct {
	perms string // e.g. -rwxr-xr-x
	owner string // e.g. root/root
}

// debContents lists a package's files by absolute path.
func debContents(t *testing.T, deb string) map[string]debEntry {
	t.Helper()
	out := run(t, nil, "dpkg-deb", "--contents", deb)
	entries := map[string]debEntry{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 {
			t.Fatalf("unexpected dpkg-deb --contents line %q", sc.Text())
		}
		path := strings.TrimSuffix(strings.TrimPrefix(f[5], "."), "/")
		if path == "" {
			path = "/"
		}
		entries[path] = debEntry{perms: f[0], owner: f[1]}
	}
	return entries
}

// extract unpacks a package's files into a fresh folder.
func extract(t *testing.T, deb string) string {
	t.Helper()
	dir := t.TempDir()
	run(t, nil, "dpkg-deb", "-x", deb, dir)
	return dir
}

// extractControl unpacks a package's control files into a fresh folder.
func extractControl(t *testing.T, deb string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "DEBIAN")
	run(t, nil, "dpkg-deb", "-e", deb, dir)
	return dir
}

func sameFile(t *testing.T, got, want string) {
	t.Helper()
	a, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("%s differs from %s", got, want)
	}
}
