package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// The load of TestMemoryStaysBoundedUnderStrangers, from the trust issue:
// a thousand uploads from strangers that send almost all of a 1 MiB body
// and then stall, a hundred sign-ins at once from a hundred addresses, and
// one real device draining its outbox through all of it.
const (
	slowUploads     = 1000
	parallelSignIns = 100
	deviceRecords   = 400
	// memoryBudget bounds central's peak resident memory (VmHWM).
	memoryBudget = 200 << 20
	// testLimit bounds the whole test; the device gets most of it.
	testLimit = 3 * time.Minute
)

const (
	operatorName     = "ana"
	operatorPassword = "correct horse battery"
)

// TestMemoryStaysBoundedUnderStrangers runs `central serve` as a real
// process and measures its peak resident set (VmHWM in /proc/PID/status,
// which counts everything the process ever had in RAM: Go heap, stacks,
// runtime and SQLite) under the load above. It fails when the peak passes
// memoryBudget, when the device does not sync every record, or when a
// sign-in gets no answer.
func TestMemoryStaysBoundedUnderStrangers(t *testing.T) {
	// Each slow upload is one descriptor here and one in central.
	needFiles(t, slowUploads+parallelSignIns+200)
	ctx, cancel := context.WithTimeout(context.Background(), testLimit)
	defer cancel()

	dir := t.TempDir()
	data := filepath.Join(dir, "central")
	p := centraltest.StartProcess(t, centralBin, data)
	addOperator(t, data)
	device := newDevice(t, p, dir, "device", deviceRecords)
	victim := newDevice(t, p, dir, "victim", 1)
	idle := procStatus(t, p.Pid())
	t.Logf("central idle: VmRSS %s, VmHWM %s", mib(idle["VmRSS"]), mib(idle["VmHWM"]))

	held := openSlowUploads(t, p.Addr, victim)
	t.Logf("%d slow uploads sent all but their last byte; central answered %d of them at once", slowUploads, held.answered())

	var wg sync.WaitGroup
	var signIns map[int]int
	wg.Go(func() { signIns = signInStorm(ctx, t, p.URL) })
	var pushOut []byte
	var pushErr error
	wg.Go(func() {
		cmd := exec.CommandContext(ctx, syncdBin, "push", "--db", device, "--retry-for", "2m")
		pushOut, pushErr = cmd.CombinedOutput()
	})
	wg.Wait()
	if pushErr != nil {
		t.Errorf("syncd push under load: %v\n%s", pushErr, pushOut)
	}
	t.Logf("sign-in answers by status: %v", signIns)
	for status, n := range signIns {
		switch status {
		case http.StatusUnauthorized, http.StatusTooManyRequests, http.StatusServiceUnavailable:
		default:
			t.Errorf("%d sign-ins with a wrong password were answered %d", n, status)
		}
	}

	peak := procStatus(t, p.Pid())
	t.Logf("central under load: VmHWM %s (budget %s), VmRSS now %s", mib(peak["VmHWM"]), mib(memoryBudget), mib(peak["VmRSS"]))
	if peak["VmHWM"] > memoryBudget {
		t.Errorf("central's peak resident memory was %s, over the budget of %s", mib(peak["VmHWM"]), mib(memoryBudget))
	}
	held.close()

	var st struct {
		Pending int `json:"pending"`
		Synced  int `json:"synced"`
		Dead    int `json:"dead"`
	}
	out, err := exec.CommandContext(ctx, syncdBin, "status", "--db", device, "--json").Output()
	if err != nil || json.Unmarshal(out, &st) != nil {
		t.Fatalf("syncd status: %v\n%s", err, out)
	}
	if st.Pending != 0 || st.Dead != 0 || st.Synced != deviceRecords {
		t.Errorf("device after the push: %+v, want all %d synced", st, deviceRecords)
	}
	// Once the storm is over the operator signs in at the first try.
	if status := signIn(ctx, http.DefaultClient, p.URL, operatorName, operatorPassword); status != http.StatusSeeOther {
		t.Errorf("the operator's own sign-in after the storm = %d, want 303", status)
	}
}

// needFiles fails unless this process may open n descriptors. Go raises
// the soft limit to the hard one at start, so the hard limit is what
// counts (`ulimit -Hn`).
func needFiles(t *testing.T, n uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur < n {
		t.Fatalf("the open-file limit is %d; this test needs %d (raise ulimit -n)", lim.Cur, n)
	}
}

// addOperator creates the operator account the sign-ins aim at.
func addOperator(t *testing.T, data string) {
	t.Helper()
	cmd := exec.Command(centralBin, "operators", "--data", data, "add", operatorName)
	cmd.Stdin = strings.NewReader(operatorPassword + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("central operators add: %v\n%s", err, out)
	}
}

// newDevice enrolls a fieldsim device with n records and returns its outbox.
func newDevice(t *testing.T, p *centraltest.Process, dir, name string, n int) string {
	t.Helper()
	code := strings.TrimSpace(string(p.Run(t, "token")))
	db := filepath.Join(dir, name+".db")
	out, err := exec.Command(fieldsimBin, "--db", db, "--code", code, "--records", strconv.Itoa(n), "--json").Output()
	if err != nil {
		t.Fatalf("fieldsim: %v\n%s", err, out)
	}
	return db
}

// deviceID reads an outbox's device id through syncd status.
func deviceID(t *testing.T, db string) string {
	t.Helper()
	var st struct {
		DeviceID string `json:"device_id"`
	}
	out, err := exec.Command(syncdBin, "status", "--db", db, "--json").Output()
	if err != nil || json.Unmarshal(out, &st) != nil || st.DeviceID == "" {
		t.Fatalf("syncd status: %v\n%s", err, out)
	}
	return st.DeviceID
}

// slowSet is the connections of the slow uploads, kept open until close.
type slowSet struct {
	mu    sync.Mutex
	conns []net.Conn
	early int // uploads central answered before they finished
}

func (s *slowSet) answered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.early
}

func (s *slowSet) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
}

// openSlowUploads opens slowUploads connections, each sending a request
// whose body stops one byte short of its declared length and then waits:
// the cheapest way to make a server hold a request. Six in ten are batches
// from device ids central never enrolled, one in ten a batch without a
// device header, two in ten batches claiming an enrolled device (the
// victim, whose id a stranger read off a log or a screen) with a signature
// that cannot verify, and one in ten enrolments with a made-up token.
// Central's answer, when it gives one before the body is complete, is
// noted; the connection stays open either way.
func openSlowUploads(t *testing.T, addr, victimDB string) *slowSet {
	t.Helper()
	victim := deviceID(t, victimDB)
	body := make([]byte, protocol.MaxBatchBody)
	rand.Read(body)
	sig := base64.StdEncoding.EncodeToString(body[:64])
	s := &slowSet{}
	work := make(chan int)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for i := range work {
				path, size, device := protocol.PathBatches, protocol.MaxBatchBody, ""
				switch i % 10 {
				case 0, 1, 2, 3, 4, 5:
					device = fmt.Sprintf("dev-stranger%04d", i)
				case 6, 7:
					device = victim
				case 8:
				case 9:
					path, size = protocol.PathEnroll, protocol.MaxHeartbeatBody
				}
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Errorf("slow upload %d: %v", i, err)
					continue
				}
				s.mu.Lock()
				s.conns = append(s.conns, c)
				s.mu.Unlock()
				var h bytes.Buffer
				fmt.Fprintf(&h, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", path, addr, size)
				if path == protocol.PathBatches {
					h.WriteString("Content-Encoding: gzip\r\n")
				}
				if device != "" {
					fmt.Fprintf(&h, "%s: %s\r\n%s: %s\r\n", protocol.HeaderDevice, device, protocol.HeaderSignature, sig)
				}
				h.WriteString("\r\n")
				if _, err := c.Write(h.Bytes()); err != nil {
					t.Errorf("slow upload %d: headers: %v", i, err)
					continue
				}
				// Central may refuse before reading the body and close;
				// then this write fails, which is the point.
				c.SetWriteDeadline(time.Now().Add(30 * time.Second))
				c.Write(body[:size-1])
				c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
				if _, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
					s.mu.Lock()
					s.early++
					s.mu.Unlock()
				}
			}
		})
	}
	for i := range slowUploads {
		work <- i
	}
	close(work)
	wg.Wait()
	t.Cleanup(s.close)
	return s
}

// signInStorm sends parallelSignIns sign-ins with a wrong password at
// once, each from its own loopback address (127.0.0.2 and up) and for its
// own account name (op000 and up, none of them real: an unknown name costs
// the same hash as a known one), so no per-address or per-account limit
// stops them before the password is hashed. It returns how many got each
// status.
func signInStorm(ctx context.Context, t *testing.T, base string) map[int]int {
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range parallelSignIns {
		local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i))}
		tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: local}).DialContext}
		client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		wg.Go(func() {
			defer tr.CloseIdleConnections()
			<-start
			status := signIn(ctx, client, base, fmt.Sprintf("op%03d", i), "not the password")
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	if statuses[0] > 0 {
		t.Errorf("%d sign-ins got no answer", statuses[0])
	}
	return statuses
}

// signIn posts the sign-in form as a browser does after loading it (the
// form cookie and the same token in the form) and returns the status, or
// 0 when there was no answer.
func signIn(ctx context.Context, client *http.Client, base, name, password string) int {
	token := strings.Repeat("t", 43)
	form := url.Values{"csrf": {token}, "name": {name}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "voces_form", Value: token})
	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// procStatus reads the memory lines of /proc/PID/status, in bytes.
func procStatus(t *testing.T, pid int) map[string]int64 {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("read central's memory: %v", err)
	}
	m := map[string]int64{}
	for line := range strings.SplitSeq(string(raw), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || !strings.HasPrefix(name, "Vm") {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 2 && f[1] == "kB" {
			if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				m[name] = n << 10
			}
		}
	}
	return m
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
