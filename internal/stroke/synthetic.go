package stroke

import (
	"math"
	"math/rand/v2"
)

// Bounds of what Synthetic makes. The point counts and sampling intervals
// are those of a 60 Hz touch digitiser as the pen speeds up and slows down.
const (
	synthMinPoints = 15 // per stroke
	synthMaxPoints = 60
	synthMinDT     = 8 // ms between samples
	synthMaxDT     = 25
	synthMinPause  = 120 // ms between strokes, lifting and placing the pen
	synthMaxPause  = 650
	// SyntheticMinW and SyntheticMinH are the smallest pad Synthetic draws
	// on: below that a signature cannot reach MinInkLength pixels of ink.
	SyntheticMinW = 120
	SyntheticMinH = 50
	// synthMaxStrokes keeps the worst case within MaxPoints.
	synthMaxStrokes = MaxPoints / synthMaxPoints
)

// Synthetic makes a signature that looks and samples like a handwritten one,
// for demos, load tests and benchmarks: a tall initial, cursive runs of
// loops with ascenders and descenders across the pad, dots and crossbars,
// sometimes an underline flourish; points 8–25 ms apart, 15–60 a stroke,
// with pauses between strokes. It always passes Validate. A typical
// signature is about 12 strokes on a 600×250 pad. strokes is clamped to
// 1..333 and the pad to at least SyntheticMinW×SyntheticMinH.
func Synthetic(rng *rand.Rand, w, h uint16, strokes int) *Signature {
	w, h = max(w, SyntheticMinW), max(h, SyntheticMinH)
	strokes = min(max(strokes, 1), synthMaxStrokes)
	g := &synth{
		rng:    rng,
		aspect: float64(h) / float64(w),
		left:   0.05 + 0.07*rng.Float64(),
		right:  0.88 + 0.07*rng.Float64(),
		base:   0.58 + 0.12*rng.Float64(),
		xh:     0.15 + 0.08*rng.Float64(),
		slant:  0.1 + 0.3*rng.Float64(),
	}
	// Letters are about as wide as 0.5–0.9 x-heights, measured in pixels.
	g.letterW = g.xh * g.aspect * (0.5 + 0.4*rng.Float64())

	kinds := make([]strokeKind, strokes)
	mains := 1 // the first stroke always starts the name
	for i := 1; i < strokes; i++ {
		switch {
		case i == strokes-1 && strokes >= 3 && rng.Float64() < 0.5:
			kinds[i] = flourish
		case rng.Float64() < 0.3:
			kinds[i] = accent
		default:
			kinds[i] = run
			mains++
		}
	}
	spans := g.spans(mains)

	sig := &Signature{W: w, H: h, Strokes: make([]Stroke, 0, strokes)}
	var t uint32
	next, lastSpan := 0, spans[0]
	for i, k := range kinds {
		if i > 0 {
			t += uint32(synthMinPause + rng.IntN(synthMaxPause-synthMinPause+1))
		}
		var pts []vec
		switch k {
		case run:
			lastSpan = spans[next]
			pts = g.run(lastSpan, i == 0)
			next++
		case accent:
			pts = g.accent(lastSpan)
		case flourish:
			pts = g.flourish()
		}
		st := make(Stroke, len(pts))
		for j, p := range pts {
			if j > 0 {
				t += uint32(synthMinDT + rng.IntN(synthMaxDT-synthMinDT+1))
			}
			st[j] = Point{X: float32(clamp01(p.x)), Y: float32(clamp01(p.y)), T: t}
		}
		sig.Strokes = append(sig.Strokes, st)
	}
	return sig
}

type strokeKind uint8

const (
	run      strokeKind = iota // a cursive run of letters
	accent                     // a dot or a crossbar over a run
	flourish                   // an underline sweeping under the name
)

// synth holds one signature's style; lengths are pad fractions.
type synth struct {
	rng         *rand.Rand
	aspect      float64 // H/W, to turn a vertical length into a horizontal one
	left, right float64 // horizontal extent of the name
	base        float64 // baseline
	xh          float64 // x-height, as a fraction of H
	letterW     float64 // letter width, as a fraction of W
	slant       float64 // rightward lean, horizontal pixels per vertical pixel
}

type vec struct{ x, y float64 }

type span struct{ x0, x1 float64 }

// spans splits the name's extent into n runs of random length with small
// gaps where the pen lifts between words.
func (g *synth) spans(n int) []span {
	weights := make([]float64, n)
	sum := 0.0
	for i := range weights {
		weights[i] = 0.6 + 0.8*g.rng.Float64()
		sum += weights[i]
	}
	gap := 0.15 * g.letterW
	width := g.right - g.left
	out := make([]span, n)
	x := g.left
	for i, wt := range weights {
		l := width * wt / sum
		out[i] = span{x, x + l - gap}
		x += l
	}
	return out
}

// count picks a point count for a stroke in [lo, hi] within the digitiser's
// range.
func (g *synth) count(lo, hi int) int {
	lo, hi = max(lo, synthMinPoints), min(hi, synthMaxPoints)
	if hi <= lo {
		return lo
	}
	return lo + g.rng.IntN(hi-lo+1)
}

// params returns n sampling positions in [0,1], unevenly spaced as a pen
// speeds up and slows down.
func (g *synth) params(n int) []float64 {
	u := make([]float64, n)
	for i := 1; i < n; i++ {
		u[i] = u[i-1] + 0.6 + 0.8*g.rng.Float64()
	}
	for i := range u {
		u[i] /= u[n-1]
	}
	return u
}

// run draws a cursive run across sp as a prolate cycloid — the pen moves
// right while circling, which draws the loops of joined letters — each
// letter with its own height (ascenders, descenders), leaning right, with a
// wavering baseline and a little tremor.
func (g *synth) run(sp span, initial bool) []vec {
	width := sp.x1 - sp.x0
	letters := max(1, int(math.Round(width/g.letterW)))
	n := g.count(letters*9, letters*12)
	// At least 7 points a letter, or the loops turn into zigzags.
	letters = max(1, min(letters, n/7))

	heights := make([]float64, letters)
	for i := range heights {
		switch p := g.rng.Float64(); {
		case i == 0 && initial:
			heights[i] = g.xh * (2.2 + 0.6*g.rng.Float64()) // capital
		case p < 0.2:
			heights[i] = g.xh * (1.9 + 0.6*g.rng.Float64()) // ascender: l, h, d
		case p < 0.32:
			heights[i] = -g.xh * (1.1 + 0.5*g.rng.Float64()) // descender: g, p, y
		default:
			heights[i] = g.xh * (0.8 + 0.3*g.rng.Float64())
		}
	}
	// Advance per radian, and the loop radius relative to it: above 1 the
	// cycloid crosses itself and draws loops, below it draws arcades.
	c := width / (2 * math.Pi * float64(letters))
	loop := c * (0.6 + 1.1*g.rng.Float64())
	waveA, waveF, waveP := 0.02*g.rng.Float64(), 0.5+1.5*g.rng.Float64(), 2*math.Pi*g.rng.Float64()
	trem := g.tremor(n, 0.0025)

	pts := make([]vec, n)
	for i, u := range g.params(n) {
		phi := 2 * math.Pi * float64(letters) * u
		k := min(int(phi/(2*math.Pi)), letters-1)
		rise := heights[k] * (1 - math.Cos(phi)) / 2 // 0 on the baseline between letters
		y := g.base - rise + waveA*math.Sin(2*math.Pi*waveF*u+waveP)
		x := sp.x0 + c*phi - loop*math.Sin(phi) + g.slant*rise*g.aspect
		pts[i] = vec{x + trem[i].x, y + trem[i].y}
	}
	return pts
}

// accent draws the dot of an i or the crossbar of a t over a run.
func (g *synth) accent(sp span) []vec {
	xc := sp.x0 + (sp.x1-sp.x0)*(0.15+0.7*g.rng.Float64())
	y := g.base - g.xh*(1.4+0.5*g.rng.Float64())
	n := g.count(15, 24)
	trem := g.tremor(n, 0.0015)
	pts := make([]vec, n)
	if g.rng.Float64() < 0.5 {
		// A dot: the pen lands and wobbles in a small spiral.
		r := 0.12 * g.xh
		for i, u := range g.params(n) {
			a := 4 * math.Pi * u
			pts[i] = vec{xc + r*u*math.Cos(a)*g.aspect + trem[i].x, y + r*u*math.Sin(a) + trem[i].y}
		}
		return pts
	}
	half := g.letterW * (0.6 + 0.8*g.rng.Float64())
	tilt := (g.rng.Float64() - 0.5) * 0.3 * g.xh
	for i, u := range g.params(n) {
		pts[i] = vec{xc - half + 2*half*u + trem[i].x, y + tilt*(u-0.5) - 0.1*g.xh*math.Sin(math.Pi*u) + trem[i].y}
	}
	return pts
}

// flourish draws an underline sweeping under the name with a hook at the
// start, sagging in the middle.
func (g *synth) flourish() []vec {
	n := g.count(25, 45)
	width := g.right - g.left
	x0 := g.left + width*0.1*g.rng.Float64()
	x1 := g.right - width*0.3*g.rng.Float64()
	y := g.base + g.xh*(0.5+0.5*g.rng.Float64())
	sag := g.xh * 0.4 * g.rng.Float64()
	trem := g.tremor(n, 0.002)
	pts := make([]vec, n)
	for i, u := range g.params(n) {
		hook := 0.5 * g.xh * math.Exp(-12*u) // starts low and swings up
		pts[i] = vec{x0 + (x1-x0)*u + trem[i].x, y + sag*math.Sin(math.Pi*u) + hook + trem[i].y}
	}
	return pts
}

// tremor is a smoothed random walk: the slow wander of a hand, not sensor
// noise.
func (g *synth) tremor(n int, step float64) []vec {
	walk := make([]vec, n)
	var p vec
	for i := range walk {
		p.x += g.rng.NormFloat64() * step * g.aspect
		p.y += g.rng.NormFloat64() * step
		walk[i] = p
	}
	out := make([]vec, n)
	const win = 2
	for i := range walk {
		var s vec
		k := 0
		for j := max(0, i-win); j <= min(n-1, i+win); j++ {
			s.x += walk[j].x
			s.y += walk[j].y
			k++
		}
		out[i] = vec{s.x / float64(k), s.y / float64(k)}
	}
	return out
}

func clamp01(v float64) float64 { return min(max(v, 0), 1) }
