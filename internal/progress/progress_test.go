package progress

import (
	"os"
	"strings"
	"testing"
)

func TestOffATerminalTheBarWritesALinePerTenth(t *testing.T) {
	var out strings.Builder
	b := New(&out, "records imported")
	if b.terminal {
		t.Fatal("a strings.Builder was taken for a terminal")
	}
	b.Finish() // nothing counted: nothing written
	if out.Len() != 0 {
		t.Fatalf("Finish before Update wrote %q", out.String())
	}
	for done := int64(0); done <= 1000; done++ {
		b.Update(done, 1000)
	}
	b.Finish()
	b.Finish()
	got := out.String()
	if strings.Contains(got, "\r") {
		t.Errorf("redrew in place off a terminal: %q", got)
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines for 1000 updates, want one per tenth (10):\n%s", len(lines), got)
	}
	if lines[0] != "100/1000 records imported 10%" || lines[9] != "1000/1000 records imported 100%" {
		t.Errorf("first and last lines %q, %q; want 100/1000 (10%%) and 1000/1000 records imported (100%%)", lines[0], lines[9])
	}
}

func TestOffATerminalFinishWritesTheCountReachedOnce(t *testing.T) {
	for _, c := range []struct {
		name        string
		done, total int64
		want        string
	}{
		{"stopped half-way", 5, 12, "5/12 bytes checked 41%\n"},
		{"nothing to do", 0, 0, "0/0 bytes checked 100%\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out strings.Builder
			b := New(&out, "bytes checked")
			b.Update(c.done, c.total)
			b.Finish()
			b.Finish()
			if out.String() != c.want {
				t.Errorf("wrote %q, want %q", out.String(), c.want)
			}
		})
	}
}

func TestAFileIsNotATerminal(t *testing.T) {
	f, err := os.Create(t.TempDir() + "/progress.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if New(f, "records").terminal {
		t.Error("a regular file was taken for a terminal")
	}
}

func TestOnATerminalTheBarRedrawsInPlaceAndEndsItsLine(t *testing.T) {
	var out strings.Builder
	b := New(&out, "records imported")
	b.terminal = true // a strings.Builder standing in for a terminal
	b.Update(0, 4)
	b.Update(4, 4)
	b.Finish()
	got := out.String()
	if !strings.Contains(got, "\r") || !strings.HasSuffix(got, "\n") {
		t.Errorf("terminal output %q, want redraws with \\r and a final newline", got)
	}
	if !strings.Contains(got, "records imported") || !strings.Contains(got, "4/4") {
		t.Errorf("terminal output %q lacks the label or the final count", got)
	}
}

func TestPhasesGetABarEach(t *testing.T) {
	var out strings.Builder
	update, finish := Phases(&out, "records")
	for _, phase := range []string{"reading", "rendering"} {
		for done := int64(1); done <= 5000; done++ {
			update(phase, done, 5000)
		}
	}
	update("writing", 3, 0) // no total: nothing to show
	finish()
	got := out.String()
	if n := strings.Count(got, "\n"); n != 20 {
		t.Errorf("%d lines, want ten per phase and none for the unknown total (20):\n%s", n, got)
	}
	if strings.Contains(got, "writing") {
		t.Errorf("a phase without a total was shown:\n%s", got)
	}
	if !strings.HasPrefix(got, "reading: 500/5000 records 10%\n") {
		t.Errorf("first line of %q, want the first tenth of reading", got)
	}
	for _, want := range []string{"\nreading: 5000/5000 records 100%\n", "\nrendering: 5000/5000 records 100%\n"} {
		if strings.Count(got, want) != 1 {
			t.Errorf("output has %d lines %q, want one", strings.Count(got, want), want)
		}
	}
}

func TestStepsGiveABarPerStep(t *testing.T) {
	var out strings.Builder
	step := Steps(&out)
	for _, s := range []string{"bytes checked", "records imported"} {
		update, finish := step(s)
		update(3, 3)
		finish()
	}
	if want := "3/3 bytes checked 100%\n3/3 records imported 100%\n"; out.String() != want {
		t.Errorf("wrote %q, want %q", out.String(), want)
	}
}
