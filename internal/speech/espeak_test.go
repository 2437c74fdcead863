package speech

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// need returns the path of a program the test cannot do without: under
// CI=true its absence fails the test (scripts/deps.sh installs it),
// elsewhere it skips with the package to install.
func need(t testing.TB, prog, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (Debian package %s) is required under CI=true; scripts/deps.sh installs it", prog, pkg)
	}
	t.Skipf("%s is not installed (Debian package %s)", prog, pkg)
	return ""
}

// soxInfo reads a WAV's duration in seconds and its RMS amplitude with
// sox --i and sox stat.
func soxInfo(t *testing.T, wav string) (seconds, rms float64) {
	t.Helper()
	out, err := exec.Command("sox", "--i", "-D", wav).Output()
	if err != nil {
		t.Fatalf("sox --i: %v", err)
	}
	if seconds, err = strconv.ParseFloat(strings.TrimSpace(string(out)), 64); err != nil {
		t.Fatalf("sox --i -D said %q", out)
	}
	// sox writes its statistics to standard error.
	var stat bytes.Buffer
	cmd := exec.Command("sox", wav, "-n", "stat")
	cmd.Stderr = &stat
	if err := cmd.Run(); err != nil {
		t.Fatalf("sox stat: %v: %s", err, stat.String())
	}
	m := regexp.MustCompile(`RMS\s+amplitude:\s+([0-9.e+-]+)`).FindStringSubmatch(stat.String())
	if m == nil {
		t.Fatalf("sox stat has no RMS amplitude:\n%s", stat.String())
	}
	rms, _ = strconv.ParseFloat(m[1], 64)
	return seconds, rms
}

func TestEspeakSynthesisesBothLanguages(t *testing.T) {
	bin := need(t, "espeak-ng", "espeak-ng")
	need(t, "sox", "sox")
	for _, tc := range []struct {
		lang, text string
	}{
		{"es", "Opción 2 de 5, Iztapalapa, seleccionada."},
		{"en", "Option 2 of 5, Iztapalapa, selected."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			say := func(rate int) (secs, rms float64) {
				dir := t.TempDir()
				e := &Espeak{Binary: bin, Dir: dir}
				e.Say(Utterance{Text: tc.text, Lang: tc.lang, Rate: rate})
				e.Wait()
				return soxInfo(t, filepath.Join(dir, "speech-0001.wav"))
			}
			secs, rms := say(0)
			// Six or seven words at 160 a minute: two to three seconds.
			if secs < 1 || secs > 6 {
				t.Errorf("%q lasts %.2f s, want 1 to 6", tc.text, secs)
			}
			if rms < 0.01 {
				t.Errorf("RMS amplitude %.4f: the audio is silent", rms)
			}
			// Faster is shorter: the rate reaches the synthesiser.
			if fs, _ := say(MaxRate); fs >= secs*0.8 {
				t.Errorf("at %d words a minute it lasts %.2f s, at the default %.2f s", MaxRate, fs, secs)
			}
		})
	}
}

func TestEspeakWritesFilesInOrderAndForgets(t *testing.T) {
	need(t, "espeak-ng", "espeak-ng")
	dir := t.TempDir()
	var started []string
	e := &Espeak{Dir: dir, OnStart: func(u Utterance, _ time.Time) { started = append(started, u.Text) }}
	e.Say(Utterance{Text: "uno", Lang: "es"})
	e.Say(Utterance{Text: "two", Lang: "en"})
	e.Wait()
	files, _ := filepath.Glob(filepath.Join(dir, "*.wav"))
	if len(files) != 2 || filepath.Base(files[0]) != "speech-0001.wav" {
		t.Fatalf("files %v, want two, numbered from 1", files)
	}
	if strings.Join(started, ",") != "uno,two" {
		t.Fatalf("started %v, want uno then two", started)
	}
	e.Forget()
	if files, _ := filepath.Glob(filepath.Join(dir, "*.wav")); len(files) != 0 {
		t.Fatalf("forget left %v", files)
	}
}

func TestEspeakStopDropsTheQueue(t *testing.T) {
	need(t, "espeak-ng", "espeak-ng")
	dir := t.TempDir()
	e := &Espeak{Dir: dir}
	e.Say(Utterance{Text: strings.Repeat("Una frase larga que tarda en decirse. ", 20), Lang: "es"})
	e.Say(Utterance{Text: "esto no se dice", Lang: "es"})
	e.Stop()
	e.Wait()
	if _, err := os.Stat(filepath.Join(dir, "speech-0002.wav")); err == nil {
		t.Fatal("the utterance queued before stop was said")
	}
}

func TestEspeakKeepsFewFiles(t *testing.T) {
	need(t, "espeak-ng", "espeak-ng")
	dir := t.TempDir()
	e := &Espeak{Dir: dir, Keep: 2}
	for _, w := range []string{"a", "b", "c"} {
		e.Say(Utterance{Text: w, Lang: "en"})
	}
	e.Wait()
	files, _ := filepath.Glob(filepath.Join(dir, "*.wav"))
	if len(files) != 2 || filepath.Base(files[0]) != "speech-0002.wav" {
		t.Fatalf("files %v, want the last two", files)
	}
}

func TestRecorderSaidIsSinceTheLastStop(t *testing.T) {
	var r Recorder
	r.Say(Utterance{Text: "a"})
	r.Stop()
	r.Say(Utterance{Text: "b"})
	r.Say(Utterance{Text: "c"})
	if got := strings.Join(r.Said(), ","); got != "b,c" {
		t.Fatalf("said %q, want b,c", got)
	}
	if n := len(r.Events()); n != 4 {
		t.Fatalf("%d events, want 4", n)
	}
}

// BenchmarkFirstAudio is the time from Say to the first audio espeak-ng
// produces for a control's description: the synthesiser's share of the
// key press → speech latency.
func BenchmarkFirstAudio(b *testing.B) {
	need(b, "espeak-ng", "espeak-ng")
	dir := b.TempDir()
	var total time.Duration
	for b.Loop() {
		var at time.Time
		e := &Espeak{Dir: dir, OnStart: func(_ Utterance, t time.Time) { at = t }}
		t0 := time.Now()
		e.Say(Utterance{Text: "Opción 2 de 16, Iztapalapa, seleccionada.", Lang: "es"})
		e.Wait()
		total += at.Sub(t0)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/first-audio")
}
