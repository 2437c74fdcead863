// Package progress is the one progress bar of the command-line tools
// (central import and export, syncd export). On a terminal it is a
// github.com/schollz/progressbar bar redrawn in place; anywhere else (a
// pipe, a log file, a test's buffer) it writes a plain line at each tenth
// of the work, so a file never fills with carriage returns.
package progress

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Width is the bar's length in cells; with the counts it fits an
// 80-column terminal.
const Width = 30

// redrawEvery throttles redraws: a million records would otherwise cost a
// million writes to the terminal.
const redrawEvery = 100 * time.Millisecond

// Bar shows the progress of one piece of work on W. Create it with New.
type Bar struct {
	w        io.Writer
	label    string // what the counts are of, e.g. "records imported"
	phase    string // the part of the work, e.g. "reading"; may be ""
	terminal bool   // w is a terminal: draw in place

	bar     *progressbar.ProgressBar // on a terminal, once a total is known
	done    int64                    // the last Update
	total   int64
	tenth   int64 // off a terminal: the tenths of the work already written
	updated bool  // Update was called
	shown   bool  // off a terminal: the last Update's count was written
}

// New returns a bar on w counting label ("records imported", "bytes
// checked"). It draws in place only when w is a terminal.
func New(w io.Writer, label string) *Bar {
	return &Bar{w: w, label: label, terminal: isTerminal(w)}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// Update reports done of total. A total that changes (a count that grew)
// is taken as it comes.
func (b *Bar) Update(done, total int64) {
	b.done, b.total, b.updated, b.shown = done, total, true, false
	if total <= 0 {
		return
	}
	if b.terminal {
		b.draw()
		return
	}
	if t := min(max(done, 0)*10/total, 10); t > b.tenth {
		b.tenth = t
		b.line()
	}
}

func (b *Bar) draw() {
	if b.bar == nil {
		b.bar = progressbar.NewOptions64(b.total,
			progressbar.OptionSetWriter(b.w),
			progressbar.OptionSetDescription(strings.TrimSpace(b.phase+" "+b.label)),
			progressbar.OptionSetWidth(Width),
			progressbar.OptionShowCount(),
			progressbar.OptionThrottle(redrawEvery),
			progressbar.OptionSetPredictTime(false),
		)
	}
	if b.bar.GetMax64() != b.total {
		b.bar.ChangeMax64(b.total)
	}
	// Set64 refuses nothing we pass; the bar clamps past its maximum.
	_ = b.bar.Set64(min(max(b.done, 0), b.total))
}

// line writes the counts as one line: "[PHASE: ]DONE/TOTAL LABEL PCT%".
func (b *Bar) line() {
	if b.phase != "" {
		fmt.Fprintf(b.w, "%s: ", b.phase)
	}
	pct := int64(100)
	if b.total > 0 {
		pct = min(max(b.done, 0)*100/b.total, 100)
	}
	fmt.Fprintf(b.w, "%d/%d %s %d%%\n", b.done, b.total, b.label, pct)
	b.shown = true
}

// Finish ends the bar: on a terminal the line is completed so what
// follows starts on its own; elsewhere the final count is written once,
// if it was not yet. Nothing is written when Update was never called.
func (b *Bar) Finish() {
	switch {
	case !b.updated:
	case b.terminal && b.bar != nil:
		_ = b.bar.Finish()
		fmt.Fprintln(b.w)
		b.bar = nil
	case !b.shown: // off a terminal, or on one with nothing to draw
		b.line()
	}
	b.updated = false
}

// Func adapts the bar to the callbacks that count in int.
func (b *Bar) Func() func(done, total int) {
	return func(done, total int) { b.Update(int64(done), int64(total)) }
}

// Phases returns a progress callback for work done in named phases (an
// export's "reading", then "rendering"): one bar per phase, labelled
// "phase: done/total what", each finished when its phase reaches its total or the
// next phase starts. An unknown total (0) shows nothing. Call the
// returned finish when the work ends.
func Phases(w io.Writer, what string) (update func(phase string, done, total int64), finish func()) {
	var (
		bar   *Bar
		phase string
	)
	update = func(p string, done, total int64) {
		if total <= 0 {
			return
		}
		if bar == nil || p != phase {
			if bar != nil {
				bar.Finish()
			}
			bar, phase = New(w, what), p
			bar.phase = p
		}
		bar.Update(done, total)
		if done >= total {
			bar.Finish()
		}
	}
	finish = func() {
		if bar != nil {
			bar.Finish()
		}
	}
	return update, finish
}

// Steps returns a maker of one bar per step of some work, labelled with
// the step ("bytes checked", "records imported"): the shape
// central.Node.Import takes for its progress.
func Steps(w io.Writer) func(step string) (update func(done, total int64), finish func()) {
	return func(step string) (func(done, total int64), func()) {
		b := New(w, step)
		return b.Update, b.Finish
	}
}
