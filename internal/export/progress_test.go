package export_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/export"
)

func TestProgressBarRedrawsOncePerPercentAndEndsTheLine(t *testing.T) {
	var b bytes.Buffer
	bar := export.ProgressBar(&b)
	const total = 5000
	for _, phase := range []string{export.PhaseReading, export.PhaseRendering} {
		for done := int64(1); done <= total; done++ {
			bar(phase, done, total)
		}
	}
	out := b.String()
	if n := strings.Count(out, "\r"); n != 2*101 {
		t.Errorf("%d redraws for %d records in two phases, want one per percent from 0 to 100 in each (202)", n, total)
	}
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("%d lines ended, want one per phase", n)
	}
	last := out[strings.LastIndex(out, "\r")+1:]
	if want := "rendering [" + strings.Repeat("#", 30) + "] 5000/5000 records 100%\n"; last != want {
		t.Errorf("last redraw %q, want %q", last, want)
	}
}

func TestProgressBarIgnoresAnUnknownTotal(t *testing.T) {
	var b bytes.Buffer
	export.ProgressBar(&b)(export.PhaseWriting, 3, 0)
	if b.Len() != 0 {
		t.Errorf("drew %q without a total", b.String())
	}
}
