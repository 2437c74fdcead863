package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/central/storetest"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// TestMultiNodeBehindTLSProxy is the layout the operator guide documents
// for more than one machine: two `central serve` nodes on one PostgreSQL
// behind a TLS-terminating nginx. Three devices sync through the proxy
// while one node is SIGKILLed and restarted; every record ends at central
// exactly once, and both nodes' dashboards show the same figures.
func TestMultiNodeBehindTLSProxy(t *testing.T) {
	const perDevice = 600
	pg := storetest.PostgresURL(t)
	nginx := nginxBinary(t)
	dir := t.TempDir()
	ca, certFile, keyFile := proxyCertificate(t, dir)

	ports := freePorts(t, 5) // balanced, node 1, node 2, node 1 only, node 2 only
	bal := "https://127.0.0.1:" + ports[0]
	data := []string{filepath.Join(dir, "node1"), filepath.Join(dir, "node2")}
	// Every node holds the same keys: the first makes them, the others
	// get a copy before their first start, as the guide says.
	if _, err := central.InitDir(data[0]); err != nil {
		t.Fatal(err)
	}
	copyDir(t, data[0], data[1])
	node := func(i int) *centraltest.Process {
		return centraltest.StartProcess(t, centralBin, data[i], "--db", pg,
			"--addr", "127.0.0.1:"+ports[1+i], "--public-url", bal, "--trusted-proxy", "127.0.0.1")
	}
	nodes := []*centraltest.Process{node(0), node(1)}
	startNginx(t, nginx, dir, certFile, keyFile, ports)

	pool := x509.NewCertPool()
	pool.AddCert(ca)
	p := newProgress()
	var devs []*device
	var paths []string
	for i := range 3 {
		// As the guide says for a TLS-terminating proxy: the code pins the
		// proxy's certificate, which central never sees.
		code := strings.TrimSpace(string(runCentral(t, data[i%2], "token", "--db", pg, "--tls-pin-cert", certFile)))
		if !strings.HasPrefix(code, bal+"#") {
			t.Fatalf("code %q does not point devices at the proxy %s", code, bal)
		}
		if pc, err := protocol.ParseCode(code); err != nil || pc.Pin.Kind != protocol.PinKey {
			t.Fatalf("code %q does not pin the proxy's key: %+v, %v", code, pc, err)
		}
		d := newDevice(t, dir, fmt.Sprintf("device%d", i), code, perDevice, deviceOptions{p: p, roots: pool})
		devs = append(devs, d)
		paths = append(paths, d.path)
	}

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	done, errs := drainAll(ctx, devs)
	if !p.waitFor(t, done, func(ok, _ int) bool { return ok >= 6 }) {
		ok, failed := p.counts()
		t.Fatalf("the drain finished before a node was killed (%d batches answered, %d failed): %v", ok, failed, errs)
	}
	nodes[0].Kill(t)
	ok0, _ := p.counts()
	if !p.waitFor(t, done, func(ok, _ int) bool { return ok >= ok0+6 }) {
		t.Fatal("the drain finished while node 1 was down: too few records")
	}
	nodes[0] = node(0)
	finish(t, done, errs)
	ok, failed := p.counts()
	t.Logf("%d batches answered, %d failed, node 1 killed once", ok, failed)

	var st central.Stats
	if err := json.Unmarshal(runCentral(t, data[1], "stats", "--json", "--db", pg), &st); err != nil {
		t.Fatal(err)
	}
	accountStored(t, "multi-node behind TLS proxy", postgresIDs(t, pg), &st, paths...)

	// Both nodes' dashboards, each reached through the proxy on its own
	// port, show the same counts.
	addOperator(t, data[0], pg, "operadora", "contraseña larga de prueba")
	var pages [2]string
	for i := range 2 {
		b := newDashboardClient(t, "https://127.0.0.1:"+ports[3+i], pool)
		b.login(t, "operadora", "contraseña larga de prueba")
		pages[i] = b.main(t, "/proposals")
		total := b.main(t, "/")
		if m := recordsTotal.FindStringSubmatch(total); m == nil || digits(m[1]) != fmt.Sprint(3*perDevice) {
			t.Errorf("node %d overview shows %q records, want %d", i+1, m, 3*perDevice)
		}
	}
	if pages[0] != pages[1] {
		t.Errorf("the two nodes' proposals pages differ:\nnode 1:\n%s\nnode 2:\n%s", pages[0], pages[1])
	}
}

// nginxBinary finds nginx, skipping the test without it (failing on CI,
// where scripts/deps.sh installs it).
func nginxBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	msg := "nginx is not installed (scripts/deps.sh installs nginx-light)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// proxyCertificate makes a CA and a certificate for 127.0.0.1 signed by
// it, as an operator's own CA would, and writes the proxy's files.
func proxyCertificate(t *testing.T, dir string) (ca *x509.Certificate, certFile, keyFile string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Voces test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	if ca, err = x509.ParseCertificate(caDER); err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "proxy.crt"), filepath.Join(dir, "proxy.key")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "EC PRIVATE KEY", keyDER)
	return ca, certFile, keyFile
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// freePorts returns n distinct loopback ports nothing listens on now.
func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var ports []string
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, fmt.Sprint(ln.Addr().(*net.TCPAddr).Port))
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

// nginxConf balances ports[0] over the two nodes (ports[1], ports[2]) and
// serves each node alone on ports[3] and ports[4], all over TLS. A node
// that refuses connections is skipped for a moment; a request already
// sent to a node that dies is not retried elsewhere (nginx's default for
// POST), so the device sees the failure and sends the batch again.
const nginxConf = `worker_processes 1;
daemon off;
{{user}}
pid {{dir}}/nginx.pid;
error_log {{dir}}/nginx-error.log warn;
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path {{dir}}/nginx-tmp/body;
	proxy_temp_path {{dir}}/nginx-tmp/proxy;
	fastcgi_temp_path {{dir}}/nginx-tmp/fastcgi;
	uwsgi_temp_path {{dir}}/nginx-tmp/uwsgi;
	scgi_temp_path {{dir}}/nginx-tmp/scgi;
	client_max_body_size 4m;
	ssl_certificate {{cert}};
	ssl_certificate_key {{key}};
	upstream central {
		server 127.0.0.1:{{p1}} max_fails=1 fail_timeout=1s;
		server 127.0.0.1:{{p2}} max_fails=1 fail_timeout=1s;
	}
	upstream node1 { server 127.0.0.1:{{p1}}; }
	upstream node2 { server 127.0.0.1:{{p2}}; }
	proxy_set_header Host $host;
	proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
	proxy_set_header X-Forwarded-Proto https;
	proxy_next_upstream error timeout;
	server { listen 127.0.0.1:{{bal}} ssl; location / { proxy_pass http://central; } }
	server { listen 127.0.0.1:{{d1}} ssl; location / { proxy_pass http://node1; } }
	server { listen 127.0.0.1:{{d2}} ssl; location / { proxy_pass http://node2; } }
}
`

// startNginx runs nginx in the foreground on a configuration in dir and
// waits until its balanced port answers TLS.
func startNginx(t *testing.T, bin, dir, certFile, keyFile string, ports []string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "nginx-tmp"), 0o777); err != nil {
		t.Fatal(err)
	}
	// As root, nginx runs its workers as nobody, who may not enter the
	// test's private directory to write request bodies: keep root there.
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	conf := strings.NewReplacer("{{user}}", user, "{{dir}}", dir, "{{cert}}", certFile, "{{key}}", keyFile,
		"{{bal}}", ports[0], "{{p1}}", ports[1], "{{p2}}", ports[2], "{{d1}}", ports[3], "{{d2}}", ports[4]).Replace(nginxConf)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", path, "-e", filepath.Join(dir, "nginx-error.log"))
	// Its own process group, so the cleanup ends the workers with the
	// master; a file for output, so Wait does not wait on a pipe the
	// workers hold open.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := os.Create(filepath.Join(dir, "nginx.out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "nginx-error.log"))
			t.Logf("nginx error log:\n%s", log)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := tls.Dial("tcp", "127.0.0.1:"+ports[0], &tls.Config{InsecureSkipVerify: true})
		if err == nil {
			conn.Close()
			return
		}
		select {
		case err := <-exited:
			msg, _ := os.ReadFile(filepath.Join(dir, "nginx.out"))
			log, _ := os.ReadFile(filepath.Join(dir, "nginx-error.log"))
			t.Fatalf("nginx exited: %v\n%s%s", err, msg, log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not answer on %s: %v", ports[0], err)
		}
	}
}

// postgresIDs counts central's record rows by id in the PostgreSQL store.
func postgresIDs(t *testing.T, url string) map[uuid.UUID]int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT id FROM records`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := make(map[uuid.UUID]int)
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		id, err := uuid.FromBytes(raw)
		if err != nil {
			t.Fatalf("central record id: %v", err)
		}
		got[id]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// addOperator makes an operator account with the real command, the
// password on standard input as the guide says.
func addOperator(t *testing.T, dataDir, pg, name, password string) {
	t.Helper()
	cmd := exec.Command(centralBin, "operators", "--data", dataDir, "--db", pg, "add", name)
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("central operators add: %v\n%s", err, out)
	}
}

// dashboardClient is an operator's browser without the rendering: it
// keeps cookies and sends the sign-in form with its anti-forgery token.
type dashboardClient struct {
	base string
	c    *http.Client
}

func newDashboardClient(t *testing.T, base string, roots *x509.CertPool) *dashboardClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	t.Cleanup(tr.CloseIdleConnections)
	return &dashboardClient{base: base, c: &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}}
}

var (
	csrfField    = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	mainContent  = regexp.MustCompile(`(?s)<h1>.*</main>`)
	recordsTotal = regexp.MustCompile(`id="records-total">([^<]+)<`)
)

func (b *dashboardClient) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v\n%s", path, resp.StatusCode, err, body)
	}
	return string(body)
}

func (b *dashboardClient) login(t *testing.T, name, password string) {
	t.Helper()
	m := csrfField.FindStringSubmatch(b.get(t, "/login"))
	if m == nil {
		t.Fatal("sign-in page without an anti-forgery field")
	}
	resp, err := b.c.PostForm(b.base+"/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.Contains(resp.Request.URL.Path, "login") {
		t.Fatalf("sign-in on %s: %d at %s\n%s", b.base, resp.StatusCode, resp.Request.URL, body)
	}
}

// main returns a page's content from its heading on, without the
// per-session header (anti-forgery tokens, the operator's name).
func (b *dashboardClient) main(t *testing.T, path string) string {
	t.Helper()
	page := b.get(t, path)
	m := mainContent.FindString(page)
	if m == "" {
		t.Fatalf("GET %s: no <h1>…</main> in\n%s", path, page)
	}
	return m
}

// digits keeps the digits of a formatted number ("1,800" → "1800").
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
