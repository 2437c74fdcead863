package central_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/record"
)

// Shape of BenchmarkIngest: the benchmark of 100 devices uploading
// at once.
const (
	benchDevices   = 100
	benchTemplates = 4 // records built from drafts per device, then cloned
)

// BenchmarkIngest measures central's ingest on SQLite: each iteration is
// one round in which every one of 100 devices uploads one batch of
// signature records, all at once, each device waiting for its answer.
// Requests are built and signed before the timer starts, so the figures
// are central's work (plus the in-process HTTP client's). It reports
// records/s, batch acknowledgement at the 50th and 99th percentile, and the
// process's CPU time per record.
//
// Every device has a batch in flight, so by Little's law the ack time is
// about devices × batch ÷ records/s: the small batches show latency below
// saturation, the 150-record ones (about syncd's 256 KB default) show
// throughput with long queues. Run with -benchtime=10x or more.
func BenchmarkIngest(b *testing.B) {
	for _, batch := range []int{25, 150} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) { benchIngest(b, batch) })
	}
}

func benchIngest(b *testing.B, benchBatch int) {
	c := centraltest.Start(b)
	devices := make([]*centraltest.Device, benchDevices)
	templates := make([][]*record.Record, benchDevices)
	for i := range devices {
		devices[i] = c.NewDevice(b, record.ModeKiosk)
		for range benchTemplates {
			templates[i] = append(templates[i], devices[i].Record(b, record.KindSignature))
		}
	}
	// Every batch of every round, ready to send. Clones of a built record
	// get a new id, sequence number and sealed body (fresh random bytes:
	// a sealed box is indistinguishable from them, and central does not
	// open bodies on ingest) and are signed again, so each is a distinct
	// valid record of realistic size that costs no sealing to make.
	rng := mrand.NewChaCha8([32]byte{})
	requests := make([][]*http.Request, benchDevices)
	var wire int64
	for i, d := range devices {
		for n := range b.N {
			recs := make([][]byte, benchBatch)
			for j := range recs {
				r := *templates[i][(n*benchBatch+j)%benchTemplates]
				id, err := record.NewID()
				if err != nil {
					b.Fatal(err)
				}
				r.ID, r.Seq = id, d.NextSeq()
				r.Body = make([]byte, len(r.Body))
				rng.Read(r.Body)
				r.Sign(d.Key)
				recs[j] = r.Marshal()
			}
			req := d.BatchRequest(b, recs)
			wire += req.ContentLength
			requests[i] = append(requests[i], req)
		}
	}

	latencies := make([][]time.Duration, benchDevices)
	limit := verifyRate(b, 500*time.Millisecond)
	b.ResetTimer()
	start, cpu := time.Now(), cpuTime()
	var wg sync.WaitGroup
	for i := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, req := range requests[i] {
				t0 := time.Now()
				resp, err := centraltest.Send(c.Client, req)
				if err != nil {
					b.Error(err)
					return
				}
				latencies[i] = append(latencies[i], time.Since(t0))
				if resp.Status != http.StatusOK {
					b.Errorf("status %d: %s", resp.Status, resp.Body)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed, cpuUsed := time.Since(start), cpuTime()-cpu
	b.StopTimer()
	// The CPU limit is measured on both sides of the run: on a shared
	// machine the cores' speed changes from one second to the next.
	limit = (limit + verifyRate(b, 500*time.Millisecond)) / 2

	all := slices.Concat(latencies...)
	slices.Sort(all)
	records := float64(b.N * benchDevices * benchBatch)
	b.ReportMetric(records/elapsed.Seconds(), "records/s")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ack-ms")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ack-ms")
	b.ReportMetric(float64(wire)/records, "wire-bytes/record")
	b.ReportMetric(float64(cpuUsed.Microseconds())/records, "cpu-µs/record")
	b.ReportMetric(limit, "cpu-limit-records/s")
	b.ReportMetric(records/elapsed.Seconds()/limit, "of-cpu-limit")
	if st := c.Stats(b); st.Records != int64(records) {
		b.Errorf("%d records stored, want %.0f", st.Records, records)
	}
}

// cpuTime is the CPU time the process has used, user and system: a cost
// that, unlike wall time, does not depend much on what else the machine
// runs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// verifyRate measures for about d how many Ed25519 signatures this
// machine verifies per second with GOMAXPROCS goroutines: the most records
// per second central could take if checking signatures were all it did.
func verifyRate(tb testing.TB, d time.Duration) float64 {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	msg := make([]byte, 180)
	sig := ed25519.Sign(priv, msg)
	var total atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := int64(0)
			for time.Since(start) < d {
				for range 16 {
					ed25519.Verify(pub, msg, sig)
				}
				n += 16
			}
			total.Add(n)
		}()
	}
	wg.Wait()
	return float64(total.Load()) / time.Since(start).Seconds()
}

// BenchmarkEd25519Verify measures how many record signatures this machine
// verifies per second on all its cores (GOMAXPROCS goroutines): the CPU
// limit BenchmarkIngest's records/s is compared with.
func BenchmarkEd25519Verify(b *testing.B) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	// A signing message the size of a signature record's.
	msg := make([]byte, 180)
	rand.Read(msg)
	sig := ed25519.Sign(priv, msg)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Error("signature does not verify")
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "verifies/s")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
}
