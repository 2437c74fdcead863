package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
	"github.com/voces-cdmx/voces/internal/syncer"
)

// The shaped link of BenchmarkDrainShapedLink: 1 Mbit/s each way (the
// bandwidth toxic counts KB of 1,000 bytes per second) and 300 ms round
// trip, 150 ms added in each direction.
const (
	linkRate     = 125 // KB/s = 1 Mbit/s
	linkOneWayMS = 150
	linkRTT      = 2 * linkOneWayMS * time.Millisecond
)

// Sizes of BenchmarkDrainShapedLink: the drain, and the sample uploaded
// one record per request and scaled up to the drain's size.
const (
	shapedRecords  = 2000
	perRecordCount = 100
)

// shapedLink is the toxics that make a proxy behave like the shaped link.
var shapedLink = []toxic{
	{"rate up", "bandwidth", "upstream", map[string]int{"rate": linkRate}},
	{"rate down", "bandwidth", "downstream", map[string]int{"rate": linkRate}},
	{"delay up", "latency", "upstream", map[string]int{"latency": linkOneWayMS}},
	{"delay down", "latency", "downstream", map[string]int{"latency": linkOneWayMS}},
}

// BenchmarkDrainShapedLink drains 2,000 signature records from one device
// through a toxiproxy link shaped to 1 Mbit/s each way and 300 ms round
// trip, with the engine's default batch size and timeouts, and compares
// the time with two figures measured in the same run:
//
//   - the link limit: the bytes central's listener read and wrote during
//     the drain (HTTP requests and answers as sent, without TCP/IP
//     headers) divided by the bandwidth. Requests and answers alternate,
//     so both directions count in full. Latency is left out of the limit,
//     which makes the ratio strict; link-limit-rtt-s adds one round trip
//     per request for reference.
//   - uploading one record per request as ODK Collect does (a HEAD, then
//     a multipart POST per submission) over the same shaped link, into
//     central's real ingest path (Server.Ingest). A sample of 100 records
//     is timed and scaled linearly to 2,000.
//
// Metrics: drain-s, link-limit-s, x-link-limit (target ≤ 1.3),
// per-record-s (scaled) and x-faster-than-per-record (target ≥ 20). Run
// with: go test -run '^$' -bench DrainShapedLink -benchtime 1x ./internal/e2e
func BenchmarkDrainShapedLink(b *testing.B) {
	var drain, limit, limitRTT, perRecord time.Duration
	var up, down, odkBytes int64
	for range b.N {
		r := shapedRun(b)
		drain += r.drain
		limit += r.limit
		limitRTT += r.limitRTT
		perRecord += r.perRecord
		up += r.up
		down += r.down
		odkBytes += r.odkBytes
	}
	n := float64(b.N)
	b.ReportMetric(drain.Seconds()/n, "drain-s")
	b.ReportMetric(limit.Seconds()/n, "link-limit-s")
	b.ReportMetric(limitRTT.Seconds()/n, "link-limit-rtt-s")
	b.ReportMetric(drain.Seconds()/limit.Seconds(), "x-link-limit")
	b.ReportMetric(perRecord.Seconds()/n, "per-record-s")
	b.ReportMetric(perRecord.Seconds()/drain.Seconds(), "x-faster-than-per-record")
	b.ReportMetric(float64(up)/n, "bytes-up")
	b.ReportMetric(float64(down)/n, "bytes-down")
	b.ReportMetric(float64(odkBytes)/n*shapedRecords/perRecordCount, "per-record-bytes")
	b.ReportMetric(0, "ns/op")
}

// shapedResult is one run of BenchmarkDrainShapedLink.
type shapedResult struct {
	drain, limit, limitRTT, perRecord time.Duration
	up, down, odkBytes                int64
}

func shapedRun(b *testing.B) shapedResult {
	b.Helper()
	b.StopTimer()
	c := centraltest.Start(b)
	batches := countingServer(b, c.Server)
	proxy := newToxiproxy(b, batches.addr)
	dir := b.TempDir()
	d := newDevice(b, dir, "drainer", issueCode(b, c.Store, c.Keys, "http://"+proxy.Listen), shapedRecords,
		deviceOptions{only: string(record.KindSignature)})
	// The engine as shipped, not the fault suite's impatient settings.
	d.sync.BatchBytes = protocol.DefaultBatchBytes
	d.sync.RequestTimeout = syncer.DefaultRequestTimeout
	d.sync.InitialBackoff = syncer.DefaultInitialBackoff
	d.sync.MaxBackoff = syncer.DefaultMaxBackoff

	addToxics(b, proxy, shapedLink...)
	batches.reset()
	b.StartTimer()
	start := time.Now()
	st, err := d.sync.Drain(context.Background())
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatalf("drain: %v", err)
	}
	if st.Accepted != shapedRecords {
		b.Fatalf("central accepted %d records, want %d", st.Accepted, shapedRecords)
	}
	up, down, conns := batches.counts()
	limit := time.Duration(float64(up+down) / (linkRate * 1000) * float64(time.Second))
	r := shapedResult{
		drain: elapsed, limit: limit, limitRTT: limit + time.Duration(st.Batches)*linkRTT,
		up: up, down: down,
	}
	b.Logf("drain: %d records in %d batches (%d connections in all, enrollment included), %d bytes up, %d down, %s (link limit %s)",
		st.Accepted, st.Batches, conns, up, down, elapsed.Round(time.Millisecond), limit.Round(time.Millisecond))
	r.perRecord, r.odkBytes = perRecordRun(b, c, dir)
	b.Logf("one request per record: %d records in %s, scaled to %d: %s",
		perRecordCount, (r.perRecord * perRecordCount / shapedRecords).Round(time.Millisecond), shapedRecords, r.perRecord.Round(time.Millisecond))
	return r
}

// perRecordRun uploads a sample of signature records from another device
// one per request, HEAD then POST as ODK Collect does, through a link
// shaped like the drain's, and returns the time scaled to shapedRecords
// and the bytes on the wire.
func perRecordRun(b *testing.B, c *centraltest.Central, dir string) (time.Duration, int64) {
	b.Helper()
	d := newDevice(b, dir, "collect", c.Code(b, ""), perRecordCount, deviceOptions{only: string(record.KindSignature)})
	id, err := d.store.Identity(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	sample, err := d.store.NextBatch(context.Background(), 1<<30, perRecordCount)
	if err != nil || len(sample) != perRecordCount {
		b.Fatalf("sample: %d records, %v", len(sample), err)
	}
	odk := countingServer(b, openRosa(c.Server, id.DeviceID))
	proxy := newToxiproxy(b, odk.addr)
	addToxics(b, proxy, shapedLink...)
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	b.Cleanup(client.CloseIdleConnections)
	url := "http://" + proxy.Listen + "/submission"

	b.StartTimer()
	start := time.Now()
	for _, p := range sample {
		head, err := http.NewRequest(http.MethodHead, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		head.Header.Set("X-OpenRosa-Version", "1.0")
		if resp := send(b, client, head); resp != http.StatusNoContent {
			b.Fatalf("HEAD /submission: status %d", resp)
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		part, err := mw.CreateFormFile("xml_submission_file", p.ID.String())
		if err != nil {
			b.Fatal(err)
		}
		part.Write(p.Data)
		if err := mw.Close(); err != nil {
			b.Fatal(err)
		}
		post, err := http.NewRequest(http.MethodPost, url, &body)
		if err != nil {
			b.Fatal(err)
		}
		post.Header.Set("Content-Type", mw.FormDataContentType())
		post.Header.Set("X-OpenRosa-Version", "1.0")
		if resp := send(b, client, post); resp != http.StatusCreated {
			b.Fatalf("POST /submission: status %d", resp)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	up, down, _ := odk.counts()
	return elapsed * shapedRecords / perRecordCount, up + down
}

// send sends a request, drains the answer and returns its status.
func send(b *testing.B, client *http.Client, req *http.Request) int {
	b.Helper()
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// openRosa is the per-record upload endpoint for the comparison: HEAD
// /submission answers 204 as an OpenRosa server does before each
// submission; POST /submission takes one record in a multipart form and
// stores it through central's ingest path, answering 201 once committed.
func openRosa(srv *central.Server, deviceID string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("HEAD /submission", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-OpenRosa-Version", "1.0")
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /submission", func(w http.ResponseWriter, r *http.Request) {
		f, _, err := r.FormFile("xml_submission_file")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		defer f.Close()
		rec, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res, err := srv.Ingest(r.Context(), deviceID, [][]byte{rec}, "")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if len(res) != 1 || res[0].Status != protocol.Accepted {
			http.Error(w, fmt.Sprintf("ingest: %+v", res), http.StatusUnprocessableEntity)
			return
		}
		w.Header().Set("X-OpenRosa-Version", "1.0")
		w.WriteHeader(http.StatusCreated)
	})
	return mux
}

// byteCounter is an HTTP server whose listener counts the bytes its
// connections read and write.
type byteCounter struct {
	net.Listener
	addr  string
	read  atomic.Int64
	wrote atomic.Int64
	conns atomic.Int64
}

// countingServer serves h on a loopback port through a byteCounter.
func countingServer(tb testing.TB, h http.Handler) *byteCounter {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	bc := &byteCounter{Listener: ln, addr: ln.Addr().String()}
	srv := &http.Server{Handler: h}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		srv.Serve(bc)
	}()
	tb.Cleanup(func() {
		srv.Close()
		wg.Wait()
	})
	return bc
}

func (bc *byteCounter) Accept() (net.Conn, error) {
	c, err := bc.Listener.Accept()
	if err != nil {
		return nil, err
	}
	bc.conns.Add(1)
	return &countedConn{Conn: c, bc: bc}, nil
}

// reset starts counting bytes afresh; connections are counted since the
// start.
func (bc *byteCounter) reset() {
	bc.read.Store(0)
	bc.wrote.Store(0)
}

// counts returns the bytes central read (device to central) and wrote
// since the last reset, and the connections accepted in all.
func (bc *byteCounter) counts() (up, down, conns int64) {
	return bc.read.Load(), bc.wrote.Load(), bc.conns.Load()
}

type countedConn struct {
	net.Conn
	bc *byteCounter
}

func (c *countedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.bc.read.Add(int64(n))
	return n, err
}

func (c *countedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.bc.wrote.Add(int64(n))
	return n, err
}
