package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// tempFile is an output file written under a temporary name beside its
// final one, so a failed or interrupted export never leaves a half file
// where a whole one is expected.
type tempFile struct {
	*os.File
	final string
}

func createTemp(final string) (*tempFile, error) {
	f, err := os.CreateTemp(filepath.Dir(final), "."+filepath.Base(final)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("create output: %w", err)
	}
	return &tempFile{File: f, final: final}, nil
}

// commit syncs the file and renames it into place.
func (t *tempFile) commit() error {
	if err := t.Sync(); err != nil {
		t.abort()
		return fmt.Errorf("write %s: %w", t.final, err)
	}
	if err := t.Close(); err != nil {
		os.Remove(t.Name())
		return fmt.Errorf("write %s: %w", t.final, err)
	}
	if err := os.Rename(t.Name(), t.final); err != nil {
		os.Remove(t.Name())
		return fmt.Errorf("write %s: %w", t.final, err)
	}
	return syncDir(filepath.Dir(t.final))
}

// abort throws the temporary file away.
func (t *tempFile) abort() {
	t.Close()
	os.Remove(t.Name())
}

// tempDir is an output directory filled under a temporary name.
type tempDir struct {
	path  string
	final string
}

func createTempDir(final string) (*tempDir, error) {
	p, err := os.MkdirTemp(filepath.Dir(final), "."+filepath.Base(final)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("create output directory: %w", err)
	}
	return &tempDir{path: p, final: final}, nil
}

// commit moves the directory into place, replacing one from an earlier
// export: rename cannot replace a non-empty directory, so the old one is
// moved aside first and removed once the new one is in.
func (d *tempDir) commit() error {
	var old string
	if _, err := os.Stat(d.final); err == nil {
		old = d.path + ".old"
		if err := os.Rename(d.final, old); err != nil {
			d.abort()
			return fmt.Errorf("replace %s: %w", d.final, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		d.abort()
		return fmt.Errorf("replace %s: %w", d.final, err)
	}
	if err := os.Rename(d.path, d.final); err != nil {
		if old != "" {
			os.Rename(old, d.final)
		}
		d.abort()
		return fmt.Errorf("write %s: %w", d.final, err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("remove the previous %s: %w", d.final, err)
		}
	}
	return syncDir(filepath.Dir(d.final))
}

func (d *tempDir) abort() { os.RemoveAll(d.path) }

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
