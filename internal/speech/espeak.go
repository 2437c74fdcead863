package speech

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Voices are espeak-ng's voice names for the kiosk's languages: Latin
// American Spanish is closer to Mexico City's than Castilian.
var Voices = map[string]string{"es": "es-419", "en": "en-us"}

// DefaultKeep is how many WAV files an Espeak writing to a directory
// keeps: enough to follow a screen or two by hand, few enough that little
// of one person lingers until Forget removes them.
const DefaultKeep = 20

// Espeak speaks with espeak-ng: each utterance is synthesised to WAV and
// piped to a player (aplay, paplay) or, on a device without a sound card,
// written to a file in Dir. One utterance plays at a time, in order.
type Espeak struct {
	mu      sync.Mutex
	queue   []Utterance        // waiting to be said
	cancel  context.CancelFunc // ends the utterance being said
	gen     uint64             // bumped by Stop: work from before is dropped
	running bool               // the worker goroutine is up
	files   []string           // WAVs written to Dir, oldest first
	n       int                // numbers the WAV files
	idle    chan struct{}      // closed when the queue runs dry

	// Binary is the espeak-ng program; "" is espeak-ng on PATH.
	Binary string
	// Player reads a WAV on its standard input and plays it; ignored
	// when Dir is set.
	Player []string
	// Dir, when set, receives each utterance as a WAV file instead of
	// playing it.
	Dir string
	// Keep is how many files Dir keeps; 0 is DefaultKeep.
	Keep int
	// OnStart, if set, runs when an utterance's first audio is ready to
	// play: the moment a listener starts hearing it.
	OnStart func(u Utterance, at time.Time)
	// OnError, if set, gets failures (never the text said).
	OnError func(error)
}

var _ Speaker = (*Espeak)(nil)

// Say queues u.
func (e *Espeak) Say(u Utterance) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.queue = append(e.queue, u)
	if e.idle == nil {
		e.idle = make(chan struct{})
	}
	if !e.running {
		e.running = true
		go e.work()
	}
}

// Stop cuts off the utterance being said and drops the queue.
func (e *Espeak) Stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stopLocked()
}

func (e *Espeak) stopLocked() {
	e.gen++
	e.queue = nil
	if e.cancel != nil {
		e.cancel()
		e.cancel = nil
	}
}

// Forget stops and removes the WAV files written to Dir.
func (e *Espeak) Forget() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stopLocked()
	for _, f := range e.files {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			e.fail(fmt.Errorf("remove spoken audio: %w", err))
		}
	}
	e.files = nil
}

// Wait blocks until nothing is queued or being said.
func (e *Espeak) Wait() {
	e.mu.Lock()
	ch := e.idle
	running := e.running
	e.mu.Unlock()
	if running && ch != nil {
		<-ch
	}
}

func (e *Espeak) fail(err error) {
	if e.OnError != nil {
		e.OnError(err)
	}
}

// work says the queue, one utterance at a time, until it is empty.
func (e *Espeak) work() {
	for {
		e.mu.Lock()
		if len(e.queue) == 0 {
			e.running = false
			if e.idle != nil {
				close(e.idle)
				e.idle = nil
			}
			e.mu.Unlock()
			return
		}
		u := e.queue[0]
		e.queue = e.queue[1:]
		ctx, cancel := context.WithCancel(context.Background())
		e.cancel = cancel
		gen := e.gen
		e.mu.Unlock()
		if err := e.sayOne(ctx, gen, u); err != nil && ctx.Err() == nil {
			e.fail(err)
		}
		cancel()
	}
}

// current reports whether gen is still the generation being said.
func (e *Espeak) current(gen uint64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.gen == gen
}

func (e *Espeak) sayOne(ctx context.Context, gen uint64, u Utterance) error {
	if e.Dir != "" {
		return e.toFile(ctx, gen, u)
	}
	if len(e.Player) == 0 {
		return errors.New("speak: no player and no directory")
	}
	player := exec.CommandContext(ctx, e.Player[0], e.Player[1:]...)
	in, err := player.StdinPipe()
	if err != nil {
		return fmt.Errorf("speak: %w", err)
	}
	if err := player.Start(); err != nil {
		return fmt.Errorf("start player: %w", err)
	}
	err = e.synth(ctx, u, in, func() { e.started(gen, u) })
	in.Close()
	if werr := player.Wait(); err == nil && werr != nil && ctx.Err() == nil {
		err = fmt.Errorf("player: %w", werr)
	}
	return err
}

func (e *Espeak) toFile(ctx context.Context, gen uint64, u Utterance) error {
	e.mu.Lock()
	e.n++
	name := filepath.Join(e.Dir, fmt.Sprintf("speech-%04d.wav", e.n))
	e.mu.Unlock()
	f, err := os.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("spoken audio file: %w", err)
	}
	err = e.synth(ctx, u, f, func() { e.started(gen, u) })
	if err == nil {
		err = fixSizes(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.files = append(e.files, name)
	keep := e.Keep
	if keep <= 0 {
		keep = DefaultKeep
	}
	for len(e.files) > keep {
		if rerr := os.Remove(e.files[0]); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
			err = fmt.Errorf("remove spoken audio: %w", rerr)
		}
		e.files = e.files[1:]
	}
	return err
}

// fixSizes writes the real lengths into a WAV espeak-ng streamed: its
// header carries placeholder sizes, since it cannot seek its output, and
// players and sox --i read a file's length from there.
func fixSizes(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("spoken audio file: %w", err)
	}
	const header = 44 // espeak-ng's canonical PCM header
	if st.Size() < header {
		return fmt.Errorf("spoken audio file: %d bytes, not a WAV", st.Size())
	}
	var b [4]byte
	for _, at := range []struct{ off, size int64 }{{4, st.Size() - 8}, {40, st.Size() - header}} {
		binary.LittleEndian.PutUint32(b[:], uint32(at.size))
		if _, err := f.WriteAt(b[:], at.off); err != nil {
			return fmt.Errorf("spoken audio file: %w", err)
		}
	}
	return nil
}

func (e *Espeak) started(gen uint64, u Utterance) {
	if e.OnStart != nil && e.current(gen) {
		e.OnStart(u, time.Now())
	}
}

func (e *Espeak) synth(ctx context.Context, u Utterance, w io.Writer, first func()) error {
	bin := e.Binary
	if bin == "" {
		bin = "espeak-ng"
	}
	return Synthesize(ctx, bin, u, w, first)
}

// Synthesize runs espeak-ng (bin) to write u as a WAV to w. first, if
// not nil, runs when the first bytes of audio arrive. The text goes on
// espeak-ng's standard input.
func Synthesize(ctx context.Context, bin string, u Utterance, w io.Writer, first func()) error {
	voice, ok := Voices[u.Lang]
	if !ok {
		return fmt.Errorf("synthesize: no voice for language %q", u.Lang)
	}
	rate := clamp(u.Rate, MinRate, MaxRate, DefaultRate)
	vol := clamp(u.Volume, 0, MaxVolume, DefaultVolume)
	cmd := exec.CommandContext(ctx, bin, "-v", voice, "-s", strconv.Itoa(rate), "-a", strconv.Itoa(vol), "--stdout")
	// One line of text: a newline in the middle would end it early.
	cmd.Stdin = strings.NewReader(strings.ReplaceAll(u.Text, "\n", " ") + "\n")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("synthesize: %w", err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start espeak-ng: %w", err)
	}
	br := bufio.NewReader(out)
	if _, err := br.Peek(1); err == nil && first != nil {
		first()
	}
	_, cerr := io.Copy(w, br)
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("espeak-ng: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	if cerr != nil {
		return fmt.Errorf("write audio: %w", cerr)
	}
	return nil
}

func clamp(v, lo, hi, def int) int {
	if v == 0 {
		return def
	}
	return max(lo, min(hi, v))
}

// Silent is the Speaker of a kiosk that cannot speak (no espeak-ng, no
// sound card and no directory to write to): guidance is simply not heard,
// and the kiosk works as before.
type Silent struct{}

var _ Speaker = Silent{}

// Say does nothing.
func (Silent) Say(Utterance) {}

// Stop does nothing.
func (Silent) Stop() {}

// Forget does nothing.
func (Silent) Forget() {}

// Open returns the Speaker a device can use: espeak-ng writing WAVs to
// dir when dir is set, else espeak-ng through the first player found when
// there is a sound device, else Silent. why says which, for the log.
func Open(dir string) (s Speaker, why string) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		return Silent{}, "espeak-ng is not installed"
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return Silent{}, "cannot make the speech directory"
		}
		return &Espeak{Dir: dir}, "espeak-ng to files"
	}
	if p := DetectPlayer(); p != nil {
		return &Espeak{Player: p}, "espeak-ng through " + p[0]
	}
	return Silent{}, "no sound device"
}

// DetectPlayer returns a command that plays a WAV from its standard
// input on this machine's audio, or nil when there is none: a PulseAudio
// (or PipeWire) server through paplay, else an ALSA card through aplay.
func DetectPlayer() []string {
	if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" || os.Getenv("PULSE_SERVER") != "" {
		if _, err := os.Stat(filepath.Join(rt, "pulse", "native")); err == nil || os.Getenv("PULSE_SERVER") != "" {
			if _, err := exec.LookPath("paplay"); err == nil {
				return []string{"paplay"}
			}
		}
	}
	if cards, _ := filepath.Glob("/dev/snd/pcmC*p"); len(cards) > 0 {
		if _, err := exec.LookPath("aplay"); err == nil {
			return []string{"aplay", "-q"}
		}
	}
	return nil
}
