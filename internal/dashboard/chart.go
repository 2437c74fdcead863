package dashboard

import "net/url"

// barChart is a horizontal bar chart drawn as inline SVG: each bar has its
// label on a line above it, so long option labels fit on a phone. The
// same bars are also a data table (survey.html), because an SVG is one
// opaque image to a screen reader: its name is all it announces, never the
// options and counts (WCAG 1.1.1, 1.3.1).
type barChart struct {
	Title   string // the SVG's accessible name
	Caption string // the data table's caption: the question
	Width   int
	Height  int
	Bars    []bar
}

type bar struct {
	Label       string
	Count       string
	Share       string // of those who answered the question, for the table
	Y, LabelY   int
	W           float64 // bar length in chart units
	CountX      float64
	CountInside bool // the count is drawn inside a long bar
}

// Chart geometry in SVG units; the SVG scales to the page width.
const (
	chartWidth  = 400
	chartRow    = 46
	chartLabelH = 18
	chartPad    = 4
)

// newBarChart draws counts; answered is how many answered the question,
// the whole each share is of (several choices can add up to more).
func newBarChart(l lang, title string, counts []labelled, answered int64) *barChart {
	c := &barChart{Title: l.T("survey.chart", title), Caption: title, Width: chartWidth, Height: len(counts)*chartRow + chartPad}
	var most int64
	for _, b := range counts {
		most = max(most, b.Count)
	}
	for i, b := range counts {
		y := i*chartRow + chartPad
		br := bar{Label: b.Label, Count: l.N(b.Count), Share: "—", LabelY: y + chartLabelH - 3, Y: y + chartLabelH + 2}
		if answered > 0 {
			br.Share = l.Pct(float64(b.Count) * 100 / float64(answered))
		}
		if most > 0 {
			br.W = float64(b.Count) / float64(most) * (chartWidth - 60)
		}
		br.CountX = br.W + 6
		c.Bars = append(c.Bars, br)
	}
	return c
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
