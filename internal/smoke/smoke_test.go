// Package smoke runs the `make run` stack the way a newcomer does: the
// real script, the real binaries, a real X server. It is tests only.
package smoke

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// repoRoot is two levels up from this package.
func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func needDisplay(t *testing.T) {
	if os.Getenv("DISPLAY") != "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no DISPLAY in CI: the make run smoke test must run (scripts/test-env.sh starts Xvfb)")
	}
	t.Skip("no DISPLAY: run under Xvfb (scripts/test-env.sh) to smoke-test make run")
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// stack is one run of scripts/run.sh.
type stack struct {
	cmd   *exec.Cmd
	lines chan string
	done  chan error
}

func start(t *testing.T, root, bin, demo, addr string) *stack {
	t.Helper()
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "run.sh"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "VOCES_BIN="+bin, "VOCES_DEMO_DIR="+demo, "VOCES_ADDR="+addr)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &stack{cmd: cmd, lines: make(chan string, 100), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	return s
}

// waitFor reads the script's output until a line contains want.
func (s *stack) waitFor(t *testing.T, want string, log *strings.Builder) string {
	t.Helper()
	timeout := time.After(3 * time.Minute)
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				t.Fatalf("make run ended before %q:\n%s", want, log)
			}
			log.WriteString(l + "\n")
			if strings.Contains(l, want) {
				return l
			}
		case <-timeout:
			t.Fatalf("no %q from make run within 3 minutes:\n%s", want, log)
		}
	}
}

// interrupt is Ctrl-C: SIGINT to the script, which stops what it started.
func (s *stack) interrupt(t *testing.T, addr string) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGINT)
	go func() {
		for range s.lines {
		}
	}()
	select {
	case <-s.done:
	case <-time.After(time.Minute):
		t.Fatal("make run did not stop within a minute of Ctrl-C")
	}
	// Every process it started is gone: central's port is free again.
	deadline := time.Now().Add(30 * time.Second)
	for {
		l, err := net.Listen("tcp", addr)
		if err == nil {
			l.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("central still holds %s after Ctrl-C", addr)
		}
		time.Sleep(200 * time.Millisecond) // polling the port until central has exited
	}
}

type stats struct {
	Records int64 `json:"records"`
}

func centralRecords(t *testing.T, bin, demo string) int64 {
	t.Helper()
	out, err := exec.Command(filepath.Join(bin, "central"), "stats", "--data", filepath.Join(demo, "central"), "--json").Output()
	if err != nil {
		t.Fatalf("central stats: %v", err)
	}
	var st stats
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatal(err)
	}
	return st.Records
}

func deviceID(t *testing.T, bin, demo string) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(bin, "syncd"), "status", "--db", filepath.Join(demo, "device.db"), "--json").Output()
	if err != nil {
		t.Fatalf("syncd status: %v", err)
	}
	var st struct {
		DeviceID string `json:"device_id"`
	}
	json.Unmarshal(out, &st)
	return st.DeviceID
}

// TestMakeRun starts the make run stack headless, feeds the demo device
// with fieldsim while syncd runs, and checks that every record reaches
// central; then stops it with Ctrl-C and starts it again on the same data.
func TestMakeRun(t *testing.T) {
	needDisplay(t)
	root := repoRoot(t)
	bin := filepath.Join(t.TempDir(), "bin")
	build := exec.Command("go", "build", "-o", bin+"/", "./cmd/central", "./cmd/syncd", "./cmd/kiosk", "./cmd/fieldsim")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	demo := filepath.Join(t.TempDir(), "demo")
	addr := freeAddr(t)

	var log strings.Builder
	s := start(t, root, bin, demo, addr)
	s.waitFor(t, "dashboard at", &log)
	s.waitFor(t, "kiosk window opening", &log)
	id := deviceID(t, bin, demo)
	if !strings.HasPrefix(id, "dev-") {
		t.Fatalf("demo device not enrolled (device id %q):\n%s", id, log.String())
	}

	const n = 60
	fill := exec.Command(filepath.Join(bin, "fieldsim"), "--db", filepath.Join(demo, "device.db"), "--records", fmt.Sprint(n))
	if out, err := fill.CombinedOutput(); err != nil {
		t.Fatalf("fieldsim: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for centralRecords(t, bin, demo) != n {
		select {
		case <-ctx.Done():
			t.Fatalf("central holds %d records, want %d: syncd did not deliver them\n%s", centralRecords(t, bin, demo), n, log.String())
		case l, ok := <-s.lines:
			if ok {
				log.WriteString(l + "\n")
				continue
			}
			// The script ended (its kiosk, syncd or central died) before
			// delivering: say so, with what it printed, rather than wait.
			err := <-s.done
			t.Fatalf("make run ended on its own (%v) with %d of %d records at central:\n%s", err, centralRecords(t, bin, demo), n, log.String())
		case <-time.After(500 * time.Millisecond): // syncd polls the outbox every 2 s
		}
	}
	select {
	case err := <-s.done:
		t.Fatalf("make run ended on its own (%v):\n%s", err, log.String())
	default:
	}
	s.interrupt(t, addr)

	// Again: same data, same device, nothing re-enrolled or lost.
	log.Reset()
	s = start(t, root, bin, demo, addr)
	s.waitFor(t, "kiosk window opening", &log)
	if again := deviceID(t, bin, demo); again != id {
		t.Fatalf("second run enrolled a new device %s (was %s)", again, id)
	}
	if got := centralRecords(t, bin, demo); got != n {
		t.Fatalf("second run: central holds %d records, want %d", got, n)
	}
	s.interrupt(t, addr)
}
