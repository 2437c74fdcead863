package packaging

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A password in a URL: scheme://user:password@host.
var urlPassword = regexp.MustCompile(`[a-z]+://[^\s/@:]+:[^\s/@]+@`)

// The PostgreSQL URL holds a password: it must reach central through a
// file only the service can read, never a command line (ps shows it to
// every local user) or a file the package installs world-readable.
func TestNoSecretInConffilesOrUnits(t *testing.T) {
	for _, spec := range debSpecs {
		t.Run(spec.name, func(t *testing.T) {
			deb := debPath(t, spec.name)
			dir := extract(t, deb)
			control := extractControl(t, deb)
			conffiles, err := os.ReadFile(filepath.Join(control, "conffiles"))
			if err != nil {
				t.Fatal(err)
			}
			check := strings.Fields(string(conffiles))
			units, _ := filepath.Glob(filepath.Join(dir, "usr/lib/systemd/*/*.service"))
			for _, u := range units {
				check = append(check, strings.TrimPrefix(u, dir))
			}
			for _, f := range check {
				data, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				sc := bufio.NewScanner(strings.NewReader(string(data)))
				for n := 1; sc.Scan(); n++ {
					if m := urlPassword.FindString(sc.Text()); m != "" {
						t.Errorf("%s:%d holds a URL with a password: %s", f, n, sc.Text())
					}
				}
			}
		})
	}
}

func TestCentralTakesItsDatabaseAsACredential(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("systemd", "voces-central.service"))
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			settings[k] = append(settings[k], v)
		}
	}
	if !slices.Contains(settings["LoadCredential"], "db:/etc/voces/central-db") {
		t.Errorf("LoadCredential = %q, want db:/etc/voces/central-db", settings["LoadCredential"])
	}
	// Without the file central must still start, on its SQLite database.
	if !slices.Contains(settings["SetCredential"], "db:/var/lib/voces/central/central.db") {
		t.Errorf("SetCredential = %q, want the SQLite fallback db:/var/lib/voces/central/central.db", settings["SetCredential"])
	}
	if len(settings["ExecStart"]) != 1 {
		t.Fatalf("ExecStart = %q", settings["ExecStart"])
	}
	args := strings.Fields(settings["ExecStart"][0])
	i := slices.Index(args, "--db-file")
	if i < 0 || i+1 == len(args) || args[i+1] != "${CREDENTIALS_DIRECTORY}/db" {
		t.Errorf("ExecStart %q does not pass --db-file ${CREDENTIALS_DIRECTORY}/db", args)
	}
	if slices.Contains(args, "--db") {
		t.Errorf("ExecStart %q puts --db on the command line", args)
	}
	example, err := os.ReadFile(filepath.Join("default", "voces-central"))
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`--db[ =]`).Match(example) {
		t.Error("default/voces-central still shows --db in VOCES_CENTRAL_ARGS, which ends up on the command line")
	}
}
