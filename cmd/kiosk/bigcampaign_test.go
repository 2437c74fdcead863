package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/demo"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

var (
	idleRSS  = regexp.MustCompile(`idle at attract: RSS ([0-9.]+) MB \(peak ([0-9.]+) MB\)`)
	idleAnon = regexp.MustCompile(`anonymous \(the kiosk's own\) ([0-9.]+) MB`)
)

// BenchmarkBigCampaignResident starts the real kiosk (this test binary
// standing in for it, as in TestOpensARealWindow) under the X server of
// DISPLAY, on an outbox holding the 400-proposal campaign
// (fieldsim.BigPublished), and reports its resident memory idle at the
// attract screen, and its peak, against the kiosk's budget of 150 MB.
// Run it once:
//
//	go test -run '^$' -bench BigCampaignResident -benchtime 1x ./cmd/kiosk
func BenchmarkBigCampaignResident(b *testing.B) {
	if os.Getenv("DISPLAY") == "" {
		if os.Getenv("CI") == "true" {
			b.Fatal("no DISPLAY in CI: the kiosk's memory is measured in a real window")
		}
		b.Skip("no DISPLAY: run under Xvfb (scripts/test-env.sh)")
	}
	db := bigOutbox(b)
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		cmd := exec.CommandContext(ctx, os.Args[0], "--db", db, "--measure-startup")
		cmd.Env = append(os.Environ(), "VOCES_KIOSK_MAIN=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		cancel()
		if err != nil {
			b.Fatalf("kiosk: %v\n%s\n%s", err, out, stderr.Bytes())
		}
		m := idleRSS.FindSubmatch(out)
		if m == nil {
			b.Fatalf("no memory figure in:\n%s", out)
		}
		rss, _ := strconv.ParseFloat(string(m[1]), 64)
		peak, _ := strconv.ParseFloat(string(m[2]), 64)
		b.Logf("%s", out)
		b.ReportMetric(rss, "rss-MB")
		b.ReportMetric(peak, "peak-rss-MB")
		if a := idleAnon.FindSubmatch(out); a != nil {
			anon, _ := strconv.ParseFloat(string(a[1]), 64)
			b.ReportMetric(anon, "anon-rss-MB")
		}
		if s := startupLine.FindSubmatch(out); s != nil {
			ms, _ := strconv.ParseFloat(string(s[1]), 64)
			b.ReportMetric(ms, "startup-ms")
		}
	}
}

// bigOutbox is a demo device holding the big campaign as its newest
// version, signed by its server key, with a technician PIN.
func bigOutbox(b *testing.B) string {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "device.db")
	s, err := outbox.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	e, err := demo.EnrollAs(ctx, s, demo.Device{Mode: record.ModeKiosk, DeviceID: "dev-BIG", Name: "big", ServerURL: demo.ServerURL})
	if err != nil {
		b.Fatal(err)
	}
	base, err := campaign.Parse("default", assets.DefaultCampaign)
	if err != nil {
		b.Fatal(err)
	}
	big, err := fieldsim.BigCampaign(base, fieldsim.BigPublished, 1)
	if err != nil {
		b.Fatal(err)
	}
	big.Version = e.Campaign.Version + 1
	content, err := campaign.Marshal(big)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.SaveCampaign(ctx, outbox.StoredCampaign{Version: big.Version, Content: content,
		Signature: protocol.SignCampaign(e.ServerKey, big.Version, content)}); err != nil {
		b.Fatal(err)
	}
	g := pinguard.New(s)
	g.Params = pinguard.Params{Time: 1, Memory: 64, Threads: 1}
	if err := g.Set(ctx, demo.TechPIN); err != nil {
		b.Fatal(err)
	}
	return path
}
