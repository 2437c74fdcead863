package dashboard

import "net/url"

// barChart is a horizontal bar chart drawn as inline SVG: each bar has its
// label on a line above it, so long option labels fit on a phone.
type barChart struct {
	Title  string // for screen readers
	Width  int
	Height int
	Bars   []bar
}

type bar struct {
	Label       string
	Count       string
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

func newBarChart(l lang, title string, counts []labelled) *barChart {
	c := &barChart{Title: l.T("survey.chart", title), Width: chartWidth, Height: len(counts)*chartRow + chartPad}
	var most int64
	for _, b := range counts {
		most = max(most, b.Count)
	}
	for i, b := range counts {
		y := i*chartRow + chartPad
		br := bar{Label: b.Label, Count: l.N(b.Count), LabelY: y + chartLabelH - 3, Y: y + chartLabelH + 2}
		if most > 0 {
			br.W = float64(b.Count) / float64(most) * (chartWidth - 60)
		}
		br.CountX = br.W + 6
		c.Bars = append(c.Bars, br)
	}
	return c
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
