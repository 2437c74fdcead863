package centraltest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// StartTimeout is how long StartProcess waits for "listening on".
const StartTimeout = 60 * time.Second

// Build compiles cmd/central into dir and returns the binary's path. Call
// it once per test binary (from TestMain, or a sync.Once) and pass dir
// from os.MkdirTemp.
func Build(dir string) (string, error) {
	bin := filepath.Join(dir, "central")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/voces-cdmx/voces/cmd/central")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build cmd/central: %v\n%s", err, out)
	}
	return bin, nil
}

// BuildCommands compiles each named command (cmd/NAME, e.g. "syncd")
// into dir and returns the binaries' paths by name, for test binaries
// that run real processes besides central (Build).
func BuildCommands(dir string, names ...string) (map[string]string, error) {
	bins := make(map[string]string, len(names))
	for _, name := range names {
		pkg := "github.com/voces-cdmx/voces/cmd/" + name
		bins[name] = filepath.Join(dir, name)
		if out, err := exec.Command("go", "build", "-o", bins[name], pkg).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return bins, nil
}

// Process is a `central serve` process.
type Process struct {
	Bin  string // the central binary
	Dir  string // its data directory
	Addr string // HOST:PORT it listens on
	URL  string // http://Addr, or https://Addr when serving TLS

	cmd    *exec.Cmd
	exited chan struct{} // closed once the process is reaped
	err    error         // from Wait, valid once exited is closed

	mu     sync.Mutex
	output bytes.Buffer // everything it wrote to stderr
}

// StartProcess runs `central serve --data dir --addr 127.0.0.1:0` plus
// extra arguments and waits until it listens. The process is killed when
// the test ends if it still runs.
func StartProcess(tb testing.TB, bin, dir string, extra ...string) *Process {
	tb.Helper()
	args := append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, extra...)
	p := &Process{Bin: bin, Dir: dir, cmd: exec.Command(bin, args...), exited: make(chan struct{})}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.output.WriteString(line + "\n")
			p.mu.Unlock()
			for _, scheme := range []string{"http", "https"} {
				if addr, ok := strings.CutPrefix(line, "listening on "+scheme+"://"); ok {
					select {
					case listening <- scheme + "://" + addr:
					default:
					}
				}
			}
		}
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	tb.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
	})
	select {
	case u := <-listening:
		p.URL = u
		_, p.Addr, _ = strings.Cut(u, "://")
	case <-p.exited:
		tb.Fatalf("central exited before listening: %v\n%s", p.err, p.Output())
	case <-time.After(StartTimeout):
		tb.Fatalf("central did not listen within %s\n%s", StartTimeout, p.Output())
	}
	return p
}

// Pid is the process id, for reading what /proc says of it.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Output is what the process wrote to stderr so far.
func (p *Process) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.output.String()
}

// Kill ends the process with SIGKILL, as a power cut would, and waits.
func (p *Process) Kill(tb testing.TB) {
	tb.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		tb.Fatal(err)
	}
	<-p.exited
}

// Stop sends SIGTERM and waits, failing the test unless the server stops
// cleanly.
func (p *Process) Stop(tb testing.TB) {
	tb.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Fatal(err)
	}
	<-p.exited
	if p.err != nil {
		tb.Fatalf("central did not stop cleanly: %v\n%s", p.err, p.Output())
	}
}

// Run runs another central subcommand on the same data directory (for
// example "stats", "--json") and returns its standard output.
func (p *Process) Run(tb testing.TB, args ...string) []byte {
	tb.Helper()
	return RunCLI(tb, p.Bin, p.Dir, args...)
}

// RunCLI runs `central ARGS --data dir` and returns its standard output,
// failing the test if it exits non-zero.
func RunCLI(tb testing.TB, bin, dir string, args ...string) []byte {
	tb.Helper()
	cmd := exec.Command(bin, append(args, "--data", dir)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("central %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// TempDir makes a directory for Build that outlives single tests; remove
// it in TestMain after m.Run.
func TempDir() (string, error) {
	return os.MkdirTemp("", "centraltest-*")
}
