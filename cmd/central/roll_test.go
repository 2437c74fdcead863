package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/fieldsim"
)

func TestRollImportCommand(t *testing.T) {
	c := centraltest.Start(t)
	var b bytes.Buffer
	if err := fieldsim.NewPopulation(3, 0, fieldsim.RollOptions{Extra: 200}).WriteRoll(&b); err != nil {
		t.Fatal(err)
	}
	// Columns named otherwise, and mapped.
	text := strings.Replace(b.String(), "clave_elector,seccion,entidad,alcaldia", "CLAVE,SECCION,EDO,MUN", 1)
	file := filepath.Join(t.TempDir(), "lista.csv")
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "roll", "--data", c.Dir, "import", file); err == nil || !strings.Contains(err.Error(), `no column "clave_elector"`) {
		t.Fatalf("import without the mapping: %v", err)
	}
	stdout, _, err := run(t, "roll", "--data", c.Dir, "--columns", "clave_elector=CLAVE,seccion=SECCION,entidad=EDO,alcaldia=MUN", "import", file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "roll 1 imported from lista.csv") || !strings.Contains(stdout, "200 voters, 0 bad rows") {
		t.Errorf("import printed %q", stdout)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, central.RollKeyFile)); err != nil {
		t.Errorf("no roll key after the first import: %v", err)
	}
	// 11 bad rows of 211: refused, each named on stderr.
	bad := text + strings.Repeat("nope,1,9,tlalpan\n", 11)
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := run(t, "roll", "--data", c.Dir, "--columns", "clave_elector=CLAVE,seccion=SECCION,entidad=EDO,alcaldia=MUN", "import", file)
	if err == nil || !strings.Contains(stderr, "line 202: clave de elector") || !strings.Contains(stderr, "line 212:") {
		t.Fatalf("bad file: %v, stderr %q", err, stderr)
	}
	stdout, _, err = run(t, "stats", "--data", c.Dir, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var st central.Stats
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatal(err)
	}
	if st.Roll == nil || st.Roll.Import.ID != 1 || st.Roll.Import.Rows != 200 {
		t.Errorf("stats roll %+v, want the first import only", st.Roll)
	}
	if _, _, err := run(t, "roll", "--data", c.Dir, "list"); err == nil {
		t.Error("roll list accepted")
	}
}
