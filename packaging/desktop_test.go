package packaging

import (
	"bufio"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
)

const desktopFile = "desktop/voces-kiosk.desktop"

// desktopGroups reads a desktop entry: group → key → value.
func desktopGroups(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	groups := map[string]map[string]string{}
	var group map[string]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			group = map[string]string{}
			groups[strings.Trim(line, "[]")] = group
		default:
			k, v, _ := strings.Cut(line, "=")
			group[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return groups
}

// execArgs turns an Exec value into argv as the Desktop Entry
// Specification says a launcher must: first the escapes of any string
// value, then the quoting rules of Exec. The entries use no field codes.
func execArgs(value string) ([]string, error) {
	var s strings.Builder
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c != '\\' || i+1 == len(value) {
			s.WriteByte(c)
			continue
		}
		i++
		switch value[i] {
		case 's':
			s.WriteByte(' ')
		case 'n':
			s.WriteByte('\n')
		case 't':
			s.WriteByte('\t')
		case 'r':
			s.WriteByte('\r')
		case '\\':
			s.WriteByte('\\')
		default:
			s.WriteByte('\\')
			s.WriteByte(value[i])
		}
	}
	var args []string
	var arg strings.Builder
	inArg, quoted := false, false
	text := s.String()
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quoted && c == '\\' && i+1 < len(text) && strings.IndexByte("\"`$\\", text[i+1]) >= 0:
			i++
			arg.WriteByte(text[i])
		case quoted && c == '"':
			quoted = false
		case quoted:
			arg.WriteByte(c)
		case c == '"':
			quoted, inArg = true, true
		case c == ' ':
			if inArg {
				args = append(args, arg.String())
				arg.Reset()
				inArg = false
			}
		case c == '%':
			return nil, fmt.Errorf("field code at %d of %q", i, value)
		default:
			arg.WriteByte(c)
			inArg = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated quote in %q", value)
	}
	if inArg {
		args = append(args, arg.String())
	}
	return args, nil
}

func TestDesktopEntry(t *testing.T) {
	t.Run("passes desktop-file-validate", func(t *testing.T) {
		needTools(t, "desktop-file-validate")
		if out, err := runErr(t, nil, "desktop-file-validate", desktopFile); err != nil || out != "" {
			t.Errorf("%v\n%s", err, out)
		}
	})

	t.Run("names the packaged icon", func(t *testing.T) {
		icon := desktopGroups(t, desktopFile)["Desktop Entry"]["Icon"]
		if _, err := os.Stat(filepath.Join("icons", icon+".svg")); err != nil {
			t.Errorf("Icon=%s: %v", icon, err)
		}
	})

	// Each launcher is run for real, with a stand-in voces-kiosk that
	// records its arguments: the outbox goes to the person's own state
	// directory, which the launcher creates 0700.
	groups := desktopGroups(t, desktopFile)
	stub := t.TempDir()
	if err := os.WriteFile(filepath.Join(stub, "voces-kiosk"), []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$STUB_ARGS\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		group      string
		stateHome  bool // XDG_STATE_HOME set
		extraFlags []string
	}{
		{"the main entry keeps the outbox in ~/.local/state", "Desktop Entry", false, nil},
		{"the main entry follows XDG_STATE_HOME", "Desktop Entry", true, nil},
		{"the canvasser action adds --mode canvasser", "Desktop Action canvasser", false, []string{"--mode", "canvasser"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			argv, err := execArgs(groups[tt.group]["Exec"])
			if err != nil {
				t.Fatal(err)
			}
			home := t.TempDir()
			stateDir := filepath.Join(home, ".local/state/voces")
			env := []string{"HOME=" + home, "PATH=" + stub + ":" + os.Getenv("PATH"), "STUB_ARGS=" + filepath.Join(home, "args"), "XDG_STATE_HOME="}
			if tt.stateHome {
				env[len(env)-1] = "XDG_STATE_HOME=" + filepath.Join(home, "state")
				stateDir = filepath.Join(home, "state/voces")
			}
			run(t, env, argv[0], argv[1:]...)
			data, err := os.ReadFile(filepath.Join(home, "args"))
			if err != nil {
				t.Fatalf("voces-kiosk did not run: %v", err)
			}
			got := strings.Fields(string(data))
			want := append([]string{"--db", filepath.Join(stateDir, "outbox.db")}, tt.extraFlags...)
			if !slices.Equal(got, want) {
				t.Errorf("voces-kiosk %q, want %q", got, want)
			}
			info, err := os.Stat(stateDir)
			if err != nil || info.Mode().Perm() != 0o700 {
				t.Errorf("state directory %s: %v, %v; want mode 0700", stateDir, info, err)
			}
		})
	}
}

// The icon doubles as the Fyne app icon, and Fyne draws SVG with its own
// renderer (oksvg), which knows less SVG than a browser: this renders it
// the way the kiosk will and looks for the bubble, the tick and the name.
func TestIconRendersInFyne(t *testing.T) {
	test.NewTempApp(t)
	res, err := fyne.LoadResourceFromPath(filepath.Join("icons", "voces.svg"))
	if err != nil {
		t.Fatal(err)
	}
	img := canvas.NewImageFromResource(res)
	img.FillMode = canvas.ImageFillStretch
	c := software.NewCanvas()
	c.SetPadded(false)
	c.SetContent(img)
	c.Resize(fyne.NewSize(128, 128))
	out := c.Capture()

	bubble := color.NRGBA{0xc2, 0x18, 0x5b, 0xff}
	name := color.NRGBA{0x1d, 0x2b, 0x4f, 0xff}
	b := out.Bounds()
	at := func(fx, fy float64) color.Color {
		return out.At(b.Min.X+int(fx*float64(b.Dx())), b.Min.Y+int(fy*float64(b.Dy())))
	}
	checks := []struct {
		what   string
		fx, fy float64 // fraction of width and height
		want   color.NRGBA
	}{
		{"bubble left of the tick", 0.18, 0.30, bubble},
		{"bubble below the tick", 0.70, 0.50, bubble},
		{"white tick", 0.44, 0.46, color.NRGBA{0xff, 0xff, 0xff, 0xff}},
		{"the V of the name", 0.156, 0.93, name},
		{"the E of the name", 0.617, 0.867, name},
	}
	for _, c := range checks {
		if got := color.NRGBAModel.Convert(at(c.fx, c.fy)).(color.NRGBA); !near(got, c.want) {
			t.Errorf("%s at (%.2f, %.2f): %v, want %v", c.what, c.fx, c.fy, got, c.want)
		}
	}
}

func near(a, b color.NRGBA) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return d(a.R, b.R) < 24 && d(a.G, b.G) < 24 && d(a.B, b.B) < 24 && d(a.A, b.A) < 24
}
