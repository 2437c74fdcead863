package packaging

import (
	"bufio"
	"bytes"
	"debug/elf"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// debSpec is what one package must hold.
type debSpec struct {
	name      string
	depends   []string          // at least these
	conffiles []string          // exactly these
	files     map[string]string // every non-directory entry: path → permissions
	sources   map[string]string // installed path → file in the repository it must equal
	binaries  []string          // installed ELF programs
	commands  []string          // the cmd/ directories they are built from
}

var debSpecs = []debSpec{
	{
		name:      "voces-device",
		depends:   []string{"cage", "xwayland", "systemd", "passwd", "libc6", "libgl1", "libx11-6"},
		conffiles: []string{"/etc/default/voces-kiosk"},
		files: map[string]string{
			"/usr/bin/voces-kiosk":                             "-rwxr-xr-x",
			"/usr/bin/voces-syncd":                             "-rwxr-xr-x",
			"/usr/lib/systemd/system/voces-syncd.service":      "-rw-r--r--",
			"/usr/lib/systemd/system/voces-kiosk.service":      "-rw-r--r--",
			"/usr/lib/systemd/user/voces-syncd.service":        "-rw-r--r--",
			"/etc/default/voces-kiosk":                         "-rw-r--r--",
			"/usr/share/applications/voces-kiosk.desktop":      "-rw-r--r--",
			"/usr/share/icons/hicolor/scalable/apps/voces.svg": "-rw-r--r--",
			"/usr/share/doc/voces-device/copyright":            "-rw-r--r--",
			"/usr/share/doc/voces-device/changelog.gz":         "-rw-r--r--",
			"/usr/share/man/man1/voces-kiosk.1.gz":             "-rw-r--r--",
			"/usr/share/man/man1/voces-syncd.1.gz":             "-rw-r--r--",
		},
		sources: map[string]string{
			"/usr/lib/systemd/system/voces-syncd.service":      "systemd/voces-syncd.service",
			"/usr/lib/systemd/system/voces-kiosk.service":      "systemd/voces-kiosk.service",
			"/usr/lib/systemd/user/voces-syncd.service":        "systemd/user/voces-syncd.service",
			"/etc/default/voces-kiosk":                         "default/voces-kiosk",
			"/usr/share/applications/voces-kiosk.desktop":      "desktop/voces-kiosk.desktop",
			"/usr/share/icons/hicolor/scalable/apps/voces.svg": "icons/voces.svg",
		},
		binaries: []string{"/usr/bin/voces-kiosk", "/usr/bin/voces-syncd"},
		commands: []string{"kiosk", "syncd"},
	},
	{
		name:      "voces-server",
		depends:   []string{"passwd", "libc6"},
		conffiles: []string{"/etc/default/voces-central"},
		files: map[string]string{
			"/usr/bin/voces-central":                        "-rwxr-xr-x",
			"/usr/lib/systemd/system/voces-central.service": "-rw-r--r--",
			"/etc/default/voces-central":                    "-rw-r--r--",
			"/usr/share/doc/voces-server/copyright":         "-rw-r--r--",
			"/usr/share/doc/voces-server/changelog.gz":      "-rw-r--r--",
			"/usr/share/man/man1/voces-central.1.gz":        "-rw-r--r--",
		},
		sources: map[string]string{
			"/usr/lib/systemd/system/voces-central.service": "systemd/voces-central.service",
			"/etc/default/voces-central":                    "default/voces-central",
		},
		binaries: []string{"/usr/bin/voces-central"},
		commands: []string{"central"},
	},
}

var maintainerScripts = []string{"postinst", "prerm", "postrm"}

func TestDebControl(t *testing.T) {
	versions := map[string]bool{}
	for _, spec := range debSpecs {
		t.Run(spec.name, func(t *testing.T) {
			deb := debPath(t, spec.name)
			fields := controlFields(run(t, nil, "dpkg-deb", "--field", deb))

			t.Run("names the package, version and architecture", func(t *testing.T) {
				if fields["Package"] != spec.name {
					t.Errorf("Package = %q, want %q", fields["Package"], spec.name)
				}
				if want := debArch(); fields["Architecture"] != want {
					t.Errorf("Architecture = %q, want %q", fields["Architecture"], want)
				}
				v := fields["Version"]
				if out, err := runErr(t, nil, "dpkg", "--validate-version", v); err != nil {
					t.Errorf("Version %q is not a Debian version: %s", v, out)
				}
				versions[v] = true
				if want := spec.name + "_" + v + "_" + fields["Architecture"] + ".deb"; filepath.Base(deb) != want {
					t.Errorf("file name %s, want %s", filepath.Base(deb), want)
				}
				for _, f := range []string{"Maintainer", "Description", "Section", "Priority", "Homepage"} {
					if fields[f] == "" {
						t.Errorf("no %s field", f)
					}
				}
			})

			t.Run("depends on what it needs", func(t *testing.T) {
				have := dependsNames(fields["Depends"])
				for _, d := range spec.depends {
					if !have[d] {
						t.Errorf("Depends %q lacks %s", fields["Depends"], d)
					}
				}
			})

			control := extractControl(t, deb)

			t.Run("marks its defaults file as configuration", func(t *testing.T) {
				data, err := os.ReadFile(filepath.Join(control, "conffiles"))
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.Fields(string(data)); !slices.Equal(got, spec.conffiles) {
					t.Errorf("conffiles = %v, want %v", got, spec.conffiles)
				}
			})

			t.Run("carries the maintainer scripts from packaging/scripts", func(t *testing.T) {
				for _, s := range maintainerScripts {
					path := filepath.Join(control, s)
					info, err := os.Stat(path)
					if err != nil {
						t.Errorf("no %s: %v", s, err)
						continue
					}
					if info.Mode().Perm() != 0o755 {
						t.Errorf("%s mode %v, want 0755", s, info.Mode().Perm())
					}
					sameFile(t, path, filepath.Join("scripts", s))
				}
			})
		})
	}
	if len(versions) > 1 {
		t.Errorf("the packages carry different versions: %v", versions)
	}
}

// debArch is the Debian name of the architecture the tests run on, which
// scripts/package.sh builds for.
func debArch() string {
	if runtime.GOARCH == "arm" {
		return "armhf"
	}
	return runtime.GOARCH
}

func TestDebContents(t *testing.T) {
	for _, spec := range debSpecs {
		t.Run(spec.name, func(t *testing.T) {
			deb := debPath(t, spec.name)
			entries := debContents(t, deb)

			t.Run("holds exactly the expected files, owned by root", func(t *testing.T) {
				for path, e := range entries {
					if e.owner != "root/root" {
						t.Errorf("%s owned by %s", path, e.owner)
					}
					if strings.HasPrefix(e.perms, "d") {
						if e.perms != "drwxr-xr-x" {
							t.Errorf("directory %s has %s", path, e.perms)
						}
						continue
					}
					want, ok := spec.files[path]
					if !ok {
						t.Errorf("unexpected %s %s", e.perms, path)
						continue
					}
					if e.perms != want {
						t.Errorf("%s has %s, want %s", path, e.perms, want)
					}
				}
				for path := range spec.files {
					if _, ok := entries[path]; !ok {
						t.Errorf("missing %s", path)
					}
				}
			})

			// dpkg removes only what a package lists; listing nothing
			// under /var/lib/voces keeps dpkg itself from ever deleting
			// records there.
			t.Run("owns nothing under /var/lib/voces", func(t *testing.T) {
				for path := range entries {
					if path == "/var/lib/voces" || strings.HasPrefix(path, "/var/lib/voces/") {
						t.Errorf("package lists %s", path)
					}
				}
			})

			dir := extract(t, deb)

			t.Run("ships the files in packaging/ unchanged", func(t *testing.T) {
				for installed, source := range spec.sources {
					sameFile(t, filepath.Join(dir, installed), source)
				}
			})

			t.Run("installs programs for this architecture", func(t *testing.T) {
				for _, b := range spec.binaries {
					f, err := elf.Open(filepath.Join(dir, b))
					if err != nil {
						t.Errorf("%s: %v", b, err)
						continue
					}
					if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
						t.Errorf("%s is ELF type %v, not a program", b, f.Type)
					}
					if f.Section(".symtab") != nil {
						t.Errorf("%s keeps its symbol table: built without -s", b)
					}
					f.Close()
				}
			})

			// Every shared library a program loads must come from a package
			// in Depends, or the program will not start on a fresh device.
			t.Run("depends on the package of every linked library", func(t *testing.T) {
				needTools(t, "dpkg")
				fields := controlFields(run(t, nil, "dpkg-deb", "--field", deb))
				have := dependsNames(fields["Depends"])
				for _, b := range spec.binaries {
					f, err := elf.Open(filepath.Join(dir, b))
					if err != nil {
						t.Fatal(err)
					}
					libs, err := f.ImportedLibraries()
					f.Close()
					if err != nil {
						t.Fatalf("%s: %v", b, err)
					}
					for _, lib := range libs {
						pkgs := packagesOwning(t, lib)
						if len(pkgs) == 0 {
							t.Errorf("%s links %s, which no installed package provides", b, lib)
							continue
						}
						if !slices.ContainsFunc(pkgs, func(p string) bool { return have[p] }) {
							t.Errorf("%s links %s from %v; Depends %q has none of them", b, lib, pkgs, fields["Depends"])
						}
					}
				}
			})
		})
	}
}

// glfwLoads are the X11 libraries Fyne's GLFW driver opens with dlopen
// when it starts on X11 (Xwayland under cage): not in the ELF's NEEDED
// list, yet the kiosk falls back or fails without them. GLFW's other
// dlopen names (EGL, GLES, OSMesa, Vulkan) are fallbacks the X11 build
// does not need.
var glfwLoads = []string{
	"libX11-xcb.so.1", "libXcursor.so.1", "libXi.so.6", "libXinerama.so.1",
	"libXrandr.so.2", "libXrender.so.1", "libXxf86vm.so.1",
}

func TestKioskDependsOnWhatGLFWLoads(t *testing.T) {
	needTools(t, "dpkg")
	deb := debPath(t, "voces-device")
	have := dependsNames(controlFields(run(t, nil, "dpkg-deb", "--field", deb))["Depends"])
	kiosk, err := os.ReadFile(filepath.Join(extract(t, deb), "usr/bin/voces-kiosk"))
	if err != nil {
		t.Fatal(err)
	}
	for _, lib := range glfwLoads {
		t.Run(lib, func(t *testing.T) {
			// The name is a string constant in the binary; when it is gone,
			// GLFW no longer loads it and this list is out of date.
			if !bytes.Contains(kiosk, []byte(lib+"\x00")) {
				t.Fatalf("voces-kiosk never names %s", lib)
			}
			pkgs := packagesOwning(t, lib)
			if len(pkgs) == 0 {
				t.Fatalf("no installed package provides %s", lib)
			}
			if !slices.ContainsFunc(pkgs, func(p string) bool { return have[p] }) {
				t.Errorf("%s comes from %v; Depends has none of them", lib, pkgs)
			}
		})
	}
}

// packagesOwning asks dpkg which installed packages hold a library with
// this file name.
func packagesOwning(t *testing.T, soname string) []string {
	t.Helper()
	out, err := runErr(t, nil, "dpkg", "-S", "*/"+soname)
	if err != nil {
		return nil
	}
	var pkgs []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "diversion ") {
			continue
		}
		names, _, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		for _, n := range strings.Split(names, ",") {
			n, _, _ = strings.Cut(strings.TrimSpace(n), ":")
			if !slices.Contains(pkgs, n) {
				pkgs = append(pkgs, n)
			}
		}
	}
	return pkgs
}

// destructive matches commands that delete files or accounts.
var destructive = regexp.MustCompile(`(^|[\s;&|(])(rm|rmdir|unlink|find|userdel|deluser|groupdel|delgroup|shred)(\s|$)`)

// TestMaintainerScriptsNeverDeleteRecords reads the scripts themselves; the
// install tests check the same promise by running them.
func TestMaintainerScriptsNeverDeleteRecords(t *testing.T) {
	for _, s := range maintainerScripts {
		t.Run(s, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("scripts", s))
			if err != nil {
				t.Fatal(err)
			}
			if out, err := runErr(t, nil, "sh", "-n", filepath.Join("scripts", s)); err != nil {
				t.Errorf("sh -n: %v\n%s", err, out)
			}
			for i, line := range strings.Split(string(data), "\n") {
				code, _, _ := strings.Cut(line, "#")
				m := destructive.FindStringSubmatch(code)
				switch {
				case m == nil:
				case strings.HasSuffix(m[2], "del") || strings.HasPrefix(m[2], "del"):
					t.Errorf("%s:%d deletes an account: %s", s, i+1, strings.TrimSpace(line))
				case !strings.Contains(code, "/etc/systemd/system/"):
					// The enable links are the only thing a script may delete.
					t.Errorf("%s:%d deletes something other than enable links: %s", s, i+1, strings.TrimSpace(line))
				}
			}
		})
	}
}

// The units and the defaults files call the commands with flags; a flag
// renamed in cmd/ would leave a device that installs cleanly and never
// starts. Each command's own --help is the authority.
func TestUnitsUseFlagsTheCommandsHave(t *testing.T) {
	root := t.TempDir()
	for _, spec := range debSpecs {
		run(t, nil, "dpkg-deb", "-x", debPath(t, spec.name), root)
	}
	tests := []struct {
		unit     string
		defaults string // file whose commented example shows more flags
	}{
		{"voces-syncd.service", ""},
		{"voces-kiosk.service", "etc/default/voces-kiosk"},
		{"voces-central.service", "etc/default/voces-central"},
	}
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(root, "usr/lib/systemd/system", tt.unit))
			if err != nil {
				t.Fatal(err)
			}
			var words []string
			for _, line := range strings.Split(string(data), "\n") {
				if cmd, ok := strings.CutPrefix(line, "ExecStart="); ok {
					words = strings.Fields(cmd)
				}
			}
			i := slices.IndexFunc(words, func(w string) bool { return strings.HasPrefix(w, "/usr/bin/voces-") })
			if i < 0 {
				t.Fatalf("no Voces command in ExecStart %q", words)
			}
			bin, args := words[i], words[i+1:]
			helpArgs := []string{"--help"}
			if len(args) > 0 && !strings.HasPrefix(args[0], "-") && !strings.HasPrefix(args[0], "$") {
				helpArgs = []string{args[0], "--help"}
			}
			if tt.defaults != "" {
				example, err := os.ReadFile(filepath.Join(root, tt.defaults))
				if err != nil {
					t.Fatal(err)
				}
				args = append(args, strings.Fields(string(example))...)
			}
			help, _ := runErr(t, nil, filepath.Join(root, bin), helpArgs...)
			flags := 0
			for _, a := range args {
				a = strings.Trim(a, `"#`)
				if _, flag, ok := strings.Cut(a, "ARGS="); ok {
					a = strings.Trim(flag, `"`)
				}
				name, ok := strings.CutPrefix(a, "--")
				if !ok {
					continue
				}
				flags++
				if !regexp.MustCompile(`(?m)^\s+-` + regexp.QuoteMeta(name) + `\b`).MatchString(help) {
					t.Errorf("%s has no --%s; its help:\n%s", bin, name, help)
				}
			}
			if flags == 0 {
				t.Errorf("found no flags to check in %s", tt.unit)
			}
		})
	}
}
