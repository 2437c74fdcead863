package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// bin is the central binary built once for the tests that run it as a
// process.
var bin string

func TestMain(m *testing.M) {
	dir, err := centraltest.TempDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin, err = centraltest.Build(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func statsOf(t *testing.T, p *centraltest.Process) central.Stats {
	t.Helper()
	var st central.Stats
	if err := json.Unmarshal(p.Run(t, "stats", "--json"), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestServeKeepsEverythingCommittedThroughSIGKILL(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	p := centraltest.StartProcess(t, bin, dir)
	client := centraltest.NewClient()

	// The CLI issues a code against the database the server has open.
	code := strings.TrimSpace(string(p.Run(t, "token", "--mode", "kiosk", "--name", "kiosco zócalo")))
	d := centraltest.Enroll(t, client, code, record.ModeKiosk)
	recs := d.Records(t, 40)
	allAccepted(t, d.Upload(t, recs[:25]))
	allAccepted(t, d.Upload(t, recs[25:]))
	d.Heartbeat(t, protocol.Heartbeat{LastSeq: 40})
	before := statsOf(t, p)
	if before.Records != 40 {
		t.Fatalf("%d records before the kill, want 40", before.Records)
	}

	p.Kill(t)
	p2 := centraltest.StartProcess(t, bin, dir)
	if after := statsOf(t, p2); !reflect.DeepEqual(after, before) {
		t.Errorf("stats after SIGKILL and restart:\n%+v\nwant\n%+v", after, before)
	}
	// Same keys, same campaign version, same device.
	d.URL = p2.URL
	if c := d.FetchCampaign(t); c.Version != 1 {
		t.Errorf("campaign version %d after restart, want 1", c.Version)
	}
	br := d.Upload(t, recs)
	for i, r := range br.Results {
		if r.Status != protocol.Duplicate {
			t.Fatalf("record %d after restart: %s %s, want duplicate", i, r.Status, r.Reason)
		}
	}
	p2.Stop(t)
}

func allAccepted(t *testing.T, br *protocol.BatchResponse) {
	t.Helper()
	for i, r := range br.Results {
		if r.Status != protocol.Accepted {
			t.Fatalf("record %d: %s %s", i, r.Status, r.Reason)
		}
	}
}

func TestServeWritesItsAddressAndStopsCleanlyOnSIGTERM(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	addrFile := filepath.Join(t.TempDir(), "addr")
	p := centraltest.StartProcess(t, bin, dir, "--addr-file", addrFile, "--public-url", "https://voces.example.mx")
	b, err := os.ReadFile(addrFile)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(b)); got != p.Addr {
		t.Errorf("addr file says %q, stderr said %q", got, p.Addr)
	}
	code := strings.TrimSpace(string(p.Run(t, "token")))
	if !strings.HasPrefix(code, "https://voces.example.mx#") {
		t.Errorf("code %q does not embed the public URL", code)
	}
	for _, name := range []string{central.SealKeyFile, central.DedupeKeyFile, central.ServerKeyFile, central.DBFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data directory mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	p.Stop(t)
}

func TestServeRevokedWhileRunningRefusesTheDevice(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	p := centraltest.StartProcess(t, bin, dir)
	client := centraltest.NewClient()
	d := centraltest.Enroll(t, client, strings.TrimSpace(string(p.Run(t, "token"))), record.ModeCanvasser)
	allAccepted(t, d.Upload(t, d.Records(t, 3)))

	list := string(p.Run(t, "devices", "list"))
	if !strings.Contains(list, d.ID) || !strings.Contains(list, "active") {
		t.Errorf("devices list does not show %s as active:\n%s", d.ID, list)
	}
	if out := string(p.Run(t, "devices", "revoke", d.ID)); !strings.Contains(out, d.ID) {
		t.Errorf("revoke said %q", out)
	}
	resp := centraltest.Do(t, client, d.BatchRequest(t, d.Records(t, 1)))
	if resp.Status != http.StatusForbidden || resp.Error(t).Code != protocol.CodeRevoked {
		t.Errorf("upload after revoke: status %d %s", resp.Status, resp.Body)
	}
	var devices []map[string]any
	if err := json.Unmarshal(p.Run(t, "devices", "--json"), &devices); err != nil {
		t.Fatal(err)
	}
	if len(devices) != 1 || devices[0]["state"] != "revoked" || devices[0]["last_seq"] != float64(3) {
		t.Errorf("devices --json: %v", devices)
	}
}

func TestServeWithAChangedCampaignFilePublishesANewVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	p := centraltest.StartProcess(t, bin, dir)
	p.Stop(t)
	file := filepath.Join(t.TempDir(), "campaign.json")
	if err := os.WriteFile(file, changedCampaignJSON(t), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second start with the same file publishes nothing new
		p = centraltest.StartProcess(t, bin, dir, "--campaign", file)
		if st := statsOf(t, p); st.CampaignVersion != 2 {
			t.Errorf("campaign version %d, want 2", st.CampaignVersion)
		}
		p.Stop(t)
	}
}

func changedCampaignJSON(t *testing.T) []byte {
	t.Helper()
	var c map[string]any
	if err := json.Unmarshal(assets.DefaultCampaign, &c); err != nil {
		t.Fatal(err)
	}
	c["title"].(map[string]any)["en"] = "Imagine your City, revised"
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// run runs a subcommand in-process.
func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut, Logger: slog.New(slog.NewTextHandler(&errOut, nil))}
	err = m.Run(context.Background(), args)
	return out.String(), errOut.String(), err
}

func TestCommandLine(t *testing.T) {
	empty := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		usage bool   // a usage error, exit status 2
		words string // in the error or the output
	}{
		{"no command", nil, true, "no command"},
		{"an unknown command", []string{"launch"}, true, "unknown command"},
		{"help", []string{"help"}, false, "central serve"},
		{"token without --data", []string{"token"}, true, "--data DIR is required"},
		{"token before serve ever ran", []string{"token", "--data", empty}, false, "not initialised"},
		{"stats before serve ever ran", []string{"stats", "--data", empty, "--json"}, false, "not initialised"},
		{"an unreachable postgres URL", []string{"stats", "--data", empty, "--db", "postgres://voces@127.0.0.1:1/voces?connect_timeout=5"}, false, "open database"},
		{"an unknown devices action", []string{"devices", "--data", empty, "reboot"}, true, "unknown devices action"},
		{"revoke without a device", []string{"devices", "--data", empty, "revoke"}, true, "revoke DEVICE"},
		{"an unknown flag", []string{"stats", "--verbose"}, true, "verbose"},
		{"a trusted proxy that is not a CIDR", []string{"serve", "--data", empty, "--trusted-proxy", "10.0.0.0/33"}, true, "--trusted-proxy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := run(t, tt.args...)
			var ue *usageError
			if errors.As(err, &ue) != tt.usage {
				t.Errorf("err %v: usage error %v, want %v", err, !tt.usage, tt.usage)
			}
			text := out + errOut
			if err != nil {
				text += err.Error()
			}
			if !strings.Contains(text, tt.words) {
				t.Errorf("output and error do not mention %q:\n%s", tt.words, text)
			}
		})
	}
	t.Run("--help for a command", func(t *testing.T) {
		_, errOut, err := run(t, "token", "--help")
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut, "--ttl") || !strings.Contains(errOut, "one provisioning code line") {
			t.Errorf("err %v, help:\n%s", err, errOut)
		}
	})
}

func TestCommandLineAgainstAServedDirectory(t *testing.T) {
	// serve runs in-process here, so this test also covers Main's wiring.
	dir := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithCancel(context.Background())
	addrFile := filepath.Join(t.TempDir(), "addr")
	var serveErr error
	done := make(chan struct{})
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ready := make(chan struct{})
	go func() {
		defer close(done)
		serveErr = (&ServeCommand{main: m, ready: ready}).Run(ctx, []string{"--data", dir, "--addr", "127.0.0.1:0", "--addr-file", addrFile})
	}()
	select {
	case <-ready:
	case <-done:
		t.Fatalf("serve: %v", serveErr)
	}

	out, _, err := run(t, "token", "--data", dir, "--mode", "canvasser", "--ttl", "1h")
	if err != nil {
		t.Fatal(err)
	}
	d := centraltest.Enroll(t, centraltest.NewClient(), strings.TrimSpace(out), "")
	allAccepted(t, d.Upload(t, d.Records(t, 4)))

	out, _, err = run(t, "stats", "--data", dir)
	if err != nil || !strings.Contains(out, "records") || !strings.Contains(out, "4") {
		t.Errorf("stats: %v\n%s", err, out)
	}
	out, _, err = run(t, "devices", "--data", dir)
	if err != nil || !strings.Contains(out, d.ID) || !strings.Contains(out, "canvasser") {
		t.Errorf("devices: %v\n%s", err, out)
	}
	cancel()
	<-done
	if serveErr != nil {
		t.Errorf("serve ended with %v", serveErr)
	}
}

// TestServeRunsWithTheCampaignKeyOffTheServer moves seal.key out of the
// data directory, as an operator keeping it offline does: the real server
// restarts, enrolls a device and takes its records; only the key opens
// them, on another machine.
func TestServeRunsWithTheCampaignKeyOffTheServer(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	p := centraltest.StartProcess(t, bin, dir)
	p.Stop(t)
	if _, err := os.Stat(filepath.Join(dir, central.SealPublicFile)); err != nil {
		t.Fatalf("no %s beside the private key: %v", central.SealPublicFile, err)
	}
	offline := filepath.Join(t.TempDir(), "campaign.key")
	if err := os.Rename(filepath.Join(dir, central.SealKeyFile), offline); err != nil {
		t.Fatal(err)
	}
	keys, err := central.LoadKeys(dir)
	if err != nil {
		t.Fatalf("load keys without seal.key: %v", err)
	}
	if keys.SealPrivate != nil {
		t.Fatal("a private key appeared from nowhere")
	}

	p = centraltest.StartProcess(t, bin, dir)
	code := strings.TrimSpace(string(p.Run(t, "token")))
	d := centraltest.Enroll(t, centraltest.NewClient(), code, record.ModeKiosk)
	resp := d.Upload(t, d.Records(t, 8))
	for _, r := range resp.Results {
		if r.Status != protocol.Accepted {
			t.Fatalf("record %s: %s %s", r.ID, r.Status, r.Reason)
		}
	}
	p.Stop(t)

	out := filepath.Join(t.TempDir(), "records.csv")
	if _, _, err := run(t, "export", "--data", dir, "--out", out); err == nil {
		t.Fatal("export without the key succeeded")
	}
	if _, stderr, err := run(t, "export", "--data", dir, "--out", out, "--key", offline); err != nil {
		t.Fatalf("export with the offline key: %v\n%s", err, stderr)
	}
}
