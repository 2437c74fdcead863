package export

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/voces-cdmx/voces/internal/record"
)

// Writers are the export formats by name.
var Writers = map[string]Func{"csv": CSV, "xlsx": XLSX, "pdf": PDF}

// Choose checks an export's format, kind and CSV delimiter as an operator
// typed them, and returns the writer and the delimiter rune. Its errors
// are about what was typed (the command line shows them as usage errors).
func Choose(format, kind, delimiter string) (Func, rune, error) {
	comma, err := ParseDelimiter(delimiter)
	switch {
	case kind != "" && !record.Kind(kind).Valid():
		return nil, 0, fmt.Errorf("--kind %q is not a record kind", kind)
	case err != nil:
		return nil, 0, fmt.Errorf("--%v", err)
	case Writers[format] == nil:
		return nil, 0, fmt.Errorf("--format %q: want csv, xlsx or pdf", format)
	case format == "pdf" && kind != "" && kind != string(record.KindSignature):
		return nil, 0, errors.New("--format pdf holds signatures only; omit --kind or use --kind signature")
	}
	return Writers[format], comma, nil
}

// LoadKeyFrom loads the campaign private key from keyFile, or when that is
// "" from name in dataDir, saying where to find it when it is absent.
func LoadKeyFrom(dataDir, name, keyFile string) (*Key, error) {
	if keyFile != "" {
		return LoadKey(keyFile)
	}
	key, err := LoadKey(filepath.Join(dataDir, name))
	if errors.Is(err, ErrNoKey) {
		return nil, fmt.Errorf("the campaign private key is not in %s; pass --key FILE", dataDir)
	}
	return key, err
}
