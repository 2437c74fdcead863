package export

import (
	"fmt"
	"io"
	"strings"
)

// barWidth is the bar's length in characters; with the counts it fits an
// 80-column terminal.
const barWidth = 30

// ProgressBar returns an Options.Progress function that draws a bar with
// the phase, the records done and the total on w (a terminal's standard
// error), redrawing in place with a carriage return. It redraws only when
// the shown percentage or the phase changes, so a million records cost a
// hundred writes per phase, and ends the line when done reaches total.
func ProgressBar(w io.Writer) func(phase string, done, total int64) {
	last, lastPhase := int64(-1), ""
	return func(phase string, done, total int64) {
		if total <= 0 {
			return
		}
		pct := done * 100 / total
		if pct == last && phase == lastPhase && done != total {
			return
		}
		last, lastPhase = pct, phase
		filled := int(done * barWidth / total)
		fmt.Fprintf(w, "\r%-9s [%s%s] %d/%d records %3d%%", phase,
			strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), done, total, pct)
		if done >= total {
			fmt.Fprintln(w)
		}
	}
}
