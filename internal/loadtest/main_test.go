package loadtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
)

// Paths of the real binaries, built once for the whole test binary.
var (
	centralBin  string
	syncdBin    string
	fieldsimBin string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := centraltest.TempDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if centralBin, err = centraltest.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, b := range []struct {
		path *string
		pkg  string
	}{
		{&syncdBin, "github.com/voces-cdmx/voces/cmd/syncd"},
		{&fieldsimBin, "github.com/voces-cdmx/voces/cmd/fieldsim"},
	} {
		*b.path = filepath.Join(dir, filepath.Base(b.pkg))
		if out, err := exec.Command("go", "build", "-o", *b.path, b.pkg).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build %s: %v\n%s", b.pkg, err, out)
			return 1
		}
	}
	return m.Run()
}
