package e2e

import (
	"fmt"
	"os"
	"testing"

	"github.com/rs/zerolog"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
)

// Paths of the real binaries, built once for the whole test binary.
var (
	centralBin  string
	syncdBin    string
	fieldsimBin string
)

func TestMain(m *testing.M) {
	// Toxiproxy logs every connection through zerolog's global logger.
	zerolog.SetGlobalLevel(zerolog.Disabled)
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
	bins, err := centraltest.BuildCommands(dir, "syncd", "fieldsim")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	syncdBin, fieldsimBin = bins["syncd"], bins["fieldsim"]
	return m.Run()
}
