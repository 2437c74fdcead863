package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

var syncdBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "syncd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	syncdBin = filepath.Join(dir, "syncd")
	if out, err := exec.Command("go", "build", "-o", syncdBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is how a syncd run ended.
type result struct {
	code           int
	stdout, stderr string
}

func syncd(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(syncdBin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("syncd %v: %v", args, err)
	}
	return result{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String()}
}

// proxy puts a handler of the test's in front of central.
func proxy(t *testing.T, c *centraltest.Central, h func(w http.ResponseWriter, r *http.Request, next http.Handler)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(w, r, c.Server) }))
	t.Cleanup(srv.Close)
	return srv
}

// codeFor issues a code from central that points at url.
func codeFor(t *testing.T, c *centraltest.Central, url string) string {
	t.Helper()
	pc, err := protocol.ParseCode(c.Code(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	pc.URL = url
	return pc.String()
}

// fill stores n records of every kind in the outbox at path.
func fill(t *testing.T, path string, n int, seed uint64) {
	t.Helper()
	ctx := context.Background()
	store, err := outbox.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sc, err := store.LatestCampaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := campaign.Parse("campaign", sc.Content)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fieldsim.Fill(ctx, store, fieldsim.New(c, record.ModeKiosk, seed), n); err != nil {
		t.Fatal(err)
	}
}

func status(t *testing.T, db string) handoff.Status {
	t.Helper()
	r := syncd(t, "status", "--db", db, "--json")
	if r.code != 0 {
		t.Fatalf("status exit %d: %s", r.code, r.stderr)
	}
	var st handoff.Status
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("status --json printed %q: %v", r.stdout, err)
	}
	return st
}

func TestEnrollStatusPush(t *testing.T) {
	c := centraltest.Start(t)
	db := filepath.Join(t.TempDir(), "outbox.db")

	r := syncd(t, "enroll", "--db", db, "--code", c.Code(t, ""), "--name", "kiosk zócalo")
	if r.code != 0 || !strings.Contains(r.stdout, "enrolled as dev-") {
		t.Fatalf("enroll exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	fill(t, db, 60, 1)

	t.Run("status shows what is pending", func(t *testing.T) {
		st := status(t, db)
		if !st.Enrolled || st.DeviceID == "" || st.Pending != 60 || st.Synced != 0 || st.LastSuccess != nil || st.CampaignVersion != 1 {
			t.Fatalf("status %+v", st)
		}
		var raw map[string]any
		json.Unmarshal([]byte(syncd(t, "status", "--db", db, "--json").stdout), &raw)
		for _, k := range []string{"device_id", "pending", "synced", "dead", "last_success", "last_error", "next_attempt"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("status --json has no %q", k)
			}
		}
		if text := syncd(t, "status", "--db", db); !strings.Contains(text.stdout, "60 pending") {
			t.Fatalf("status text: %s", text.stdout)
		}
	})
	t.Run("push drains and exits 0", func(t *testing.T) {
		r := syncd(t, "push", "--db", db)
		if r.code != 0 || !strings.Contains(r.stdout, "60 accepted") {
			t.Fatalf("push exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
		st := status(t, db)
		if st.Pending != 0 || st.Synced != 60 || st.LastSuccess == nil {
			t.Fatalf("status after push %+v", st)
		}
		if n := c.Stats(t).Records; n != 60 {
			t.Fatalf("central holds %d records", n)
		}
	})
	t.Run("enrolling again with a used code fails", func(t *testing.T) {
		code := c.Code(t, "")
		if r := syncd(t, "enroll", "--db", filepath.Join(t.TempDir(), "a.db"), "--code", code); r.code != 0 {
			t.Fatalf("first use: %s", r.stderr)
		}
		r := syncd(t, "enroll", "--db", filepath.Join(t.TempDir(), "b.db"), "--code", code)
		if r.code != exitFailed || !strings.Contains(r.stderr, "already used") {
			t.Fatalf("second use: exit %d, %s", r.code, r.stderr)
		}
	})
}

func TestPushExitStatus(t *testing.T) {
	c := centraltest.Start(t)

	t.Run("3 when central is unreachable", func(t *testing.T) {
		front := httptest.NewServer(c.Server)
		db := filepath.Join(t.TempDir(), "outbox.db")
		if r := syncd(t, "enroll", "--db", db, "--code", codeFor(t, c, front.URL)); r.code != 0 {
			t.Fatal(r.stderr)
		}
		fill(t, db, 5, 2)
		front.Close()
		r := syncd(t, "push", "--db", db)
		if r.code != exitPending || !strings.Contains(r.stderr, "5 records still pending") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if st := status(t, db); st.LastError == "" || st.Pending != 5 {
			t.Fatalf("status %+v", st)
		}
	})
	t.Run("4 when the device is revoked", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "outbox.db")
		if r := syncd(t, "enroll", "--db", db, "--code", c.Code(t, "")); r.code != 0 {
			t.Fatal(r.stderr)
		}
		fill(t, db, 5, 3)
		if err := c.Store.RevokeDevice(context.Background(), status(t, db).DeviceID, time.Now()); err != nil {
			t.Fatal(err)
		}
		r := syncd(t, "push", "--db", db)
		if r.code != exitStopped || !strings.Contains(r.stderr, "revoked") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if st := status(t, db); st.Stopped == "" {
			t.Fatalf("status does not show the stop: %+v", st)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"1 when the device is not enrolled", []string{"push", "--db", "EMPTY"}, exitFailed},
		{"1 when there is no outbox", []string{"push", "--db", "MISSING"}, exitFailed},
		{"2 without --db", []string{"push"}, exitUsage},
		{"2 for an unknown command", []string{"pull"}, exitUsage},
		{"0 for help", []string{"push", "--help"}, exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			empty := filepath.Join(dir, "empty.db")
			s, err := outbox.Open(context.Background(), empty)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			args := strings.Split(strings.NewReplacer("EMPTY", empty, "MISSING", filepath.Join(dir, "missing.db")).Replace(strings.Join(tc.args, "\x00")), "\x00")
			if r := syncd(t, args...); r.code != tc.code {
				t.Fatalf("syncd %v: exit %d, want %d\n%s", tc.args, r.code, tc.code, r.stderr)
			}
		})
	}
}

// TestRunStopsCleanlyOnSIGTERM stops `syncd run` while central has
// committed a batch whose answer has not reached the device: the process
// exits 0, the outbox is intact, and the next push finds each of those
// records already at central, so none is lost or counted twice.
func TestRunStopsCleanlyOnSIGTERM(t *testing.T) {
	c := centraltest.Start(t)
	var (
		mu        sync.Mutex
		batches   int
		committed = make(chan struct{})
	)
	front := proxy(t, c, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.URL.Path != protocol.PathBatches {
			next.ServeHTTP(w, r)
			return
		}
		mu.Lock()
		batches++
		n := batches
		mu.Unlock()
		if n != 2 {
			next.ServeHTTP(w, r)
			return
		}
		// The second batch: central commits it, the answer never leaves.
		next.ServeHTTP(httptest.NewRecorder(), r)
		close(committed)
		<-r.Context().Done()
	})
	db := filepath.Join(t.TempDir(), "outbox.db")
	if r := syncd(t, "enroll", "--db", db, "--code", codeFor(t, c, front.URL)); r.code != 0 {
		t.Fatal(r.stderr)
	}
	const total = 500
	fill(t, db, total, 4)

	var stderr bytes.Buffer
	run := exec.Command(syncdBin, "run", "--db", db)
	run.Stderr = &stderr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-committed:
	case <-time.After(time.Minute):
		run.Process.Kill()
		t.Fatalf("syncd never sent a second batch\n%s", stderr.String())
	}
	run.Process.Signal(syscall.SIGTERM)
	if err := run.Wait(); err != nil {
		t.Fatalf("syncd run after SIGTERM: %v\n%s", err, stderr.String())
	}

	st := status(t, db) // opening the outbox runs its integrity check
	held := c.Stats(t).Records
	if st.Pending+st.Synced != total || st.Dead != 0 {
		t.Fatalf("after SIGTERM: %d pending + %d synced + %d dead, want %d in all", st.Pending, st.Synced, st.Dead, total)
	}
	if st.Pending == 0 || held <= int64(st.Synced) {
		t.Fatalf("central holds %d; device has %d synced, %d pending: the cut batch should be held centrally and pending here", held, st.Synced, st.Pending)
	}
	r := syncd(t, "push", "--db", db)
	if r.code != 0 {
		t.Fatalf("push after restart: exit %d: %s", r.code, r.stderr)
	}
	stats := c.Stats(t)
	if stats.Records != total || status(t, db).Synced != total {
		t.Fatalf("central holds %d records, want %d; push said %s", stats.Records, total, r.stdout)
	}
	if stats.Duplicates == 0 {
		t.Fatalf("the committed batch came back without duplicates: %s", r.stdout)
	}
}
