package central

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestTheParentOfADataDirNamesIt: `central token --data var/demo` when
// central's data is in var/demo/central must name that directory, not
// suggest `central serve` there, which would start a second central.
func TestTheParentOfADataDirNamesIt(t *testing.T) {
	parent := t.TempDir()
	data := filepath.Join(parent, "central")
	if _, err := InitDir(data); err != nil {
		t.Fatal(err)
	}
	_, err := LoadKeys(parent)
	if !errors.Is(err, ErrWrongDataDir) || !strings.Contains(err.Error(), "--data "+data) {
		t.Fatalf("load keys from the parent: %v, want it to name %s", err, data)
	}
	if strings.Contains(err.Error(), "serve") {
		t.Fatalf("the error suggests serve: %v", err)
	}
	if _, err := InitDir(parent); !errors.Is(err, ErrWrongDataDir) {
		t.Fatalf("init the parent: %v, want ErrWrongDataDir", err)
	}
	if _, err := LoadKeys(data); err != nil {
		t.Fatalf("load keys from the data directory: %v", err)
	}
	if _, err := LoadKeys(t.TempDir()); !errors.Is(err, ErrNotInitialized) {
		t.Fatalf("an empty directory: %v, want ErrNotInitialized", err)
	}
}
