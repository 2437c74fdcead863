// Package progress draws the progress bar the command-line tools show
// while they read or write a bundle: "[#####     ] done/total what" on one
// terminal line, redrawn in place.
package progress

import (
	"fmt"
	"io"
	"strings"
)

// width is the number of cells between the brackets.
const width = 30

// Bar is one progress line on W. The zero value is not usable: set W.
type Bar struct {
	W     io.Writer
	What  string // what is counted, e.g. "records"
	drawn bool
}

// Update redraws the line for done of total. A total of 0 draws a full bar.
func (b *Bar) Update(done, total int) {
	filled := width
	if total > 0 {
		filled = min(max(done*width/total, 0), width)
	}
	fmt.Fprintf(b.W, "\r[%s%s] %d/%d %s", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total, b.What)
	b.drawn = true
}

// Finish ends the line, if one was drawn, so what follows starts on its own.
func (b *Bar) Finish() {
	if b.drawn {
		fmt.Fprintln(b.W)
		b.drawn = false
	}
}
