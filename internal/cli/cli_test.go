package cli

import (
	"errors"
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestParseTakesFlagsAnywhere(t *testing.T) {
	for _, args := range [][]string{
		{"--data", "d", "revoke", "dev-x"},
		{"revoke", "dev-x", "--data", "d"},
		{"revoke", "--data", "d", "dev-x"},
	} {
		fs := NewFlagSet("central devices", "central devices [revoke DEVICE]", io.Discard)
		data := fs.String("data", "", "")
		pos, err := Parse(fs, args)
		if err != nil || *data != "d" || !reflect.DeepEqual(pos, []string{"revoke", "dev-x"}) {
			t.Errorf("Parse(%q) = %q, --data %q, %v", args, pos, *data, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	var out strings.Builder
	fs := NewFlagSet("central stats", "central stats --data DIR\n\nPrints the counts.", &out)
	fs.Bool("json", false, "print JSON")
	var ue *UsageError
	if _, err := Parse(fs, []string{"--verbose"}); !errors.As(err, &ue) || !strings.Contains(err.Error(), "verbose") {
		t.Errorf("an unknown flag: %v, want a usage error naming it", err)
	}
	out.Reset()
	if _, err := Parse(fs, []string{"--help"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: %v, want flag.ErrHelp", err)
	}
	if help := out.String(); !strings.HasPrefix(help, "Usage: central stats --data DIR\n\nPrints the counts.\n\nFlags:\n") || !strings.Contains(help, "-json") {
		t.Errorf("help:\n%s", help)
	}
	if err := NoArgs([]string{"extra"}); !errors.As(err, &ue) || !strings.Contains(err.Error(), `"extra"`) {
		t.Errorf("NoArgs: %v, want a usage error naming the argument", err)
	}
	if err := NoArgs(nil); err != nil {
		t.Errorf("NoArgs(nil) = %v", err)
	}
}

func TestAction(t *testing.T) {
	devices := []Verb{{Name: "list"}, {Name: "revoke", Args: []string{"DEVICE"}}}
	operators := []Verb{{Name: "list"}, {Name: "add", Args: []string{"NAME"}}, {Name: "passwd", Args: []string{"NAME"}}}
	for _, tt := range []struct {
		command string
		verbs   []Verb
		pos     []string
		want    string // the action, or the usage error
	}{
		{"central devices", devices, nil, "list"},
		{"central devices", devices, []string{"list"}, "list"},
		{"central devices", devices, []string{"revoke", "dev-x"}, "revoke"},
		{"central devices", devices, []string{"revoke"}, "usage: central devices revoke DEVICE"},
		{"central devices", devices, []string{"list", "extra"}, `unknown devices action "list"; use list or revoke DEVICE`},
		{"central devices", devices, []string{"reboot"}, `unknown devices action "reboot"; use list or revoke DEVICE`},
		{"central operators", operators, []string{"add"}, "usage: central operators add NAME"},
		{"central operators", operators, []string{"rename"}, `unknown operators action "rename"; use list, add NAME or passwd NAME`},
	} {
		got, err := Action(tt.command, tt.pos, tt.verbs...)
		var ue *UsageError
		if err != nil && !errors.As(err, &ue) {
			t.Errorf("%s %q: %v is not a usage error", tt.command, tt.pos, err)
		}
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%s %q = %q, want %q", tt.command, tt.pos, got, tt.want)
		}
	}
}
