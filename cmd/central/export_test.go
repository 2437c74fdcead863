package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/record"
)

func TestExportCommand(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	allAccepted(t, d.Upload(t, d.Records(t, 12)))

	// The key leaves the data directory, as on a server that runs without it.
	keys := t.TempDir()
	key := filepath.Join(keys, "campaign.key")
	if err := os.Rename(filepath.Join(c.Dir, central.SealKeyFile), key); err != nil {
		t.Fatal(err)
	}
	wrong := filepath.Join(keys, "wrong.key")
	other := make([]byte, 32)
	rand.Read(other)
	if err := os.WriteFile(wrong, other, 0o600); err != nil {
		t.Fatal(err)
	}
	outDir := t.TempDir()
	out := func(name string) string { return filepath.Join(outDir, name) }

	tests := []struct {
		name    string
		args    []string
		usage   bool   // a usage error, exit status 2
		fails   bool   // any error
		words   string // in the error or the output
		written string // the file that must exist afterwards, if any
	}{
		{"without --out", []string{"--data", c.Dir}, true, true, "--out FILE is required", ""},
		{"an unknown format", []string{"--data", c.Dir, "--out", out("x.xls"), "--format", "xls"}, true, true, "want csv, xlsx or pdf", ""},
		{"an unknown delimiter", []string{"--data", c.Dir, "--out", out("x.csv"), "--delimiter", ":"}, true, true, "--delimiter \":\"", ""},
		{"an unknown kind", []string{"--data", c.Dir, "--out", out("x.csv"), "--kind", "votes"}, true, true, "not a record kind", ""},
		{"a pdf of comments", []string{"--data", c.Dir, "--out", out("x.pdf"), "--format", "pdf", "--kind", "comment"}, true, true, "signatures only", ""},
		{"no key in the data directory", []string{"--data", c.Dir, "--out", out("nokey.csv")}, false, true, "the campaign private key is not in " + c.Dir + "; pass --key FILE", ""},
		{"a key file that is not there", []string{"--data", c.Dir, "--out", out("nokey.csv"), "--key", filepath.Join(keys, "absent.key")}, false, true, "not found", ""},
		{"the wrong key", []string{"--data", c.Dir, "--out", out("wrong.csv"), "--key", wrong}, false, true, "does not open its body", ""},
		{"csv with --key", []string{"--data", c.Dir, "--out", out("all.csv"), "--key", key}, false, false, "records exported 12", out("all.csv")},
		{"pdf with --key", []string{"--data", c.Dir, "--out", out("firmas.pdf"), "--format", "pdf", "--key", key}, false, false, "signature", out("firmas.pdf")},
		{"csv with semicolons", []string{"--data", c.Dir, "--out", out("excel.csv"), "--delimiter", ";", "--key", key}, false, false, "records exported 12", out("excel.csv")},
		{"xlsx with --key", []string{"--data", c.Dir, "--out", out("all.xlsx"), "--format", "xlsx", "--key", key}, false, false, "records exported 12", out("all.xlsx")},
		{"csv of one kind", []string{"--data", c.Dir, "--out", out("events.csv"), "--kind", "event_registration", "--key", key}, false, false, "event_registration 2", out("events.csv")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadDir(outDir)
			stdout, stderr, err := run(t, append([]string{"export"}, tt.args...)...)
			var ue *usageError
			if errors.As(err, &ue) != tt.usage || (err != nil) != tt.fails {
				t.Errorf("err %v: usage error %v, want %v; failed %v, want %v", err, errors.As(err, &ue), tt.usage, err != nil, tt.fails)
			}
			text := stdout + stderr
			if err != nil {
				text += err.Error()
			}
			// Columns are padded with spaces; compare words.
			if !strings.Contains(strings.Join(strings.Fields(text), " "), tt.words) {
				t.Errorf("output and error do not mention %q:\n%s", tt.words, text)
			}
			after, _ := os.ReadDir(outDir)
			if tt.fails && len(after) != len(before) {
				t.Errorf("a failed export left files: %d entries before, %d after", len(before), len(after))
			}
			if tt.written != "" {
				if _, err := os.Stat(tt.written); err != nil {
					t.Error(err)
				}
				if !strings.Contains(stderr, "records 100%") {
					t.Errorf("no finished progress bar on stderr:\n%s", stderr)
				}
				if strings.Contains(stderr, "\r") {
					t.Errorf("progress redrawn with carriage returns on a stderr that is not a terminal:\n%q", stderr)
				}
			}
		})
	}
}

func TestExportDelimiterReachesTheFile(t *testing.T) {
	c := centraltest.Start(t)
	d := c.NewDevice(t, record.ModeKiosk)
	allAccepted(t, d.Upload(t, d.Records(t, 4)))
	out := filepath.Join(t.TempDir(), "excel.csv")
	if _, _, err := run(t, "export", "--data", c.Dir, "--out", out, "--delimiter", ";"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if header, _, _ := strings.Cut(strings.TrimPrefix(string(b), "\uFEFF"), "\r\n"); !strings.HasPrefix(header, "record_id;receipt;kind;") {
		t.Errorf("header %q is not separated by semicolons", header)
	}
}

func TestExportHelpNamesEveryFlag(t *testing.T) {
	_, errOut, err := run(t, "export", "--help")
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err %v, want flag.ErrHelp", err)
	}
	for _, f := range []string{"--data", "--db", "--out", "--format", "--delimiter", "xlsx", "--key", "--kind", "_signatures/"} {
		if !strings.Contains(errOut, f) {
			t.Errorf("help does not mention %s:\n%s", f, errOut)
		}
	}
}
