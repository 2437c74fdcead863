package syncer

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
)

func TestRetryPolicy(t *testing.T) {
	const initial, maxInterval = time.Second, 2 * time.Minute
	clock := newFakeClock()

	t.Run("waits grow exponentially within the jitter", func(t *testing.T) {
		p := newRetryPolicy(clock, initial, maxInterval)
		for n := range 7 {
			base := initial << n
			lo, hi := time.Duration(float64(base)*(1-DefaultJitter)), time.Duration(float64(base)*(1+DefaultJitter))+1
			if d := p.NextBackOff(); d < lo || d > hi {
				t.Fatalf("wait %d = %v, want within [%v, %v]", n, d, lo, hi)
			}
		}
	})
	t.Run("waits stop growing at the cap", func(t *testing.T) {
		p := newRetryPolicy(clock, initial, maxInterval)
		for n := range 40 {
			d := p.NextBackOff()
			if hi := time.Duration(float64(maxInterval)*(1+DefaultJitter)) + 1; d > hi {
				t.Fatalf("wait %d = %v, above the cap with jitter %v", n, d, hi)
			}
			if n >= 10 && d < time.Duration(float64(maxInterval)*(1-DefaultJitter)) {
				t.Fatalf("wait %d = %v, fell below the capped range", n, d)
			}
		}
	})
	t.Run("jitter spreads the waits of a fleet", func(t *testing.T) {
		lo, hi := time.Hour, time.Duration(0)
		for range 500 {
			d := newRetryPolicy(clock, initial, maxInterval).NextBackOff()
			lo, hi = min(lo, d), max(hi, d)
		}
		// Uniform over [0.5 s, 1.5 s]: 500 draws all inside the middle
		// half would happen with probability 0.5^500.
		if lo > 750*time.Millisecond || hi < 1250*time.Millisecond {
			t.Fatalf("first waits of 500 devices span only [%v, %v]", lo, hi)
		}
	})
	t.Run("Retry-After sets the least wait, once", func(t *testing.T) {
		p := newRetryPolicy(clock, initial, maxInterval)
		p.failed(&StatusError{StatusCode: 503, RetryAfter: 10 * time.Minute})
		if d := p.NextBackOff(); d != 10*time.Minute {
			t.Fatalf("wait after Retry-After: 600 = %v", d)
		}
		if d := p.NextBackOff(); d >= 10*time.Minute {
			t.Fatalf("the next wait %v still follows the old Retry-After", d)
		}
	})
	t.Run("reset starts over", func(t *testing.T) {
		p := newRetryPolicy(clock, initial, maxInterval)
		for range 10 {
			p.NextBackOff()
		}
		p.Reset()
		if d := p.NextBackOff(); d > time.Duration(float64(initial)*(1+DefaultJitter))+1 {
			t.Fatalf("first wait after reset = %v", d)
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, value string
		want        time.Duration
	}{
		{"seconds", "120", 2 * time.Minute},
		{"an HTTP date", now.Add(5 * time.Minute).Format(http.TimeFormat), 5 * time.Minute},
		{"a date already past", now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"absent", "", 0},
		{"garbage", "soon", 0},
		{"negative seconds", "-5", 0},
		{"days are capped", "864000", MaxRetryAfter},
		{"a date far ahead is capped", now.Add(30 * 24 * time.Hour).Format(http.TimeFormat), MaxRetryAfter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseRetryAfter(tc.value, now); got != tc.want {
				t.Fatalf("parseRetryAfter(%q) = %v, want %v", tc.value, got, tc.want)
			}
		})
	}
}

// flakyTransport fails the next requests to the batch endpoint with the
// given errors, as a broken network would, before passing requests on.
type flakyTransport struct {
	mu   sync.Mutex
	errs []error
	next http.RoundTripper
}

func (f *flakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	var err error
	if r.URL.Path == protocol.PathBatches && len(f.errs) > 0 {
		err, f.errs = f.errs[0], f.errs[1:]
	}
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return f.next.RoundTrip(r)
}

func flaky(d *device, errs ...error) {
	d.s.Client = &http.Client{Transport: &flakyTransport{errs: errs, next: http.DefaultTransport}}
}

var (
	errRefused = &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	errReset   = &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	errTimeout = &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
)

func TestDrain(t *testing.T) {
	ctx := context.Background()

	t.Run("transient errors never give up", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 30, 1)
		var fs []fault
		for range 60 {
			fs = append(fs, fault{path: protocol.PathBatches, status: 503, code: protocol.CodeUnavailable})
		}
		fc.addFaults(fs...)
		start := d.clock.Now()
		st, err := d.s.Drain(ctx)
		if err != nil {
			t.Fatalf("Drain: %v", err)
		}
		waits := d.clock.Waits()
		if len(waits) != 60 || st.Accepted != 30 || fc.stored() != 30 {
			t.Fatalf("%d waits, %d accepted, %d stored; want 60, 30, 30", len(waits), st.Accepted, fc.stored())
		}
		// The library's default gives up after 15 minutes; this policy
		// must not.
		if elapsed := d.clock.Now().Sub(start); elapsed < time.Hour {
			t.Fatalf("60 failures took %v of backoff, expected over an hour at the cap", elapsed)
		}
		for i, w := range waits {
			if w > time.Duration(float64(DefaultMaxBackoff)*(1+DefaultJitter))+1 {
				t.Fatalf("wait %d = %v, above the cap", i, w)
			}
		}
		if st := d.status(t); st.LastErrorAt.IsZero() || st.LastSuccess.Before(st.LastErrorAt) || !st.NextAttempt.IsZero() {
			t.Fatalf("status after recovery = %+v", st)
		}
	})

	t.Run("network errors are retried", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 10, 2)
		flaky(d, errRefused, errReset, errRefused)
		st, err := d.s.Drain(ctx)
		if err != nil || st.Accepted != 10 || len(d.clock.Waits()) != 3 {
			t.Fatalf("Drain = %+v, %v after %d waits; want 10 accepted after 3", st, err, len(d.clock.Waits()))
		}
	})

	for _, tc := range []struct {
		name  string
		value func(now time.Time) string
		want  time.Duration
	}{
		{"Retry-After in seconds is honoured", func(time.Time) string { return "90" }, 90 * time.Second},
		{"Retry-After as an HTTP date is honoured", func(now time.Time) string { return now.Add(5 * time.Minute).Format(http.TimeFormat) }, 5 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc := newFakeCentral(t)
			d := newDevice(t, fc)
			d.fill(t, 5, 3)
			fc.addFaults(fault{path: protocol.PathBatches, status: 429, code: protocol.CodeRateLimited, retryAfter: tc.value(d.clock.Now())})
			if _, err := d.s.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			if w := d.clock.Waits(); len(w) != 1 || w[0] != tc.want {
				t.Fatalf("waits = %v, want [%v]", w, tc.want)
			}
		})
	}

	t.Run("a permanent refusal stops at once and says so", func(t *testing.T) {
		for _, code := range []protocol.ErrorCode{protocol.CodeRevoked, protocol.CodeUnknownDevice, protocol.CodeBadSignature} {
			t.Run(string(code), func(t *testing.T) {
				fc := newFakeCentral(t)
				d := newDevice(t, fc)
				d.fill(t, 5, 4)
				fc.addFaults(fault{path: protocol.PathBatches, status: 403, code: code})
				_, err := d.s.Drain(ctx)
				if !errors.Is(err, ErrStopped) || !Permanent(err) {
					t.Fatalf("Drain err = %v, want ErrStopped", err)
				}
				if n := fc.count(protocol.PathBatches); n != 1 || len(d.clock.Waits()) != 0 {
					t.Fatalf("%d requests and %d waits after a permanent refusal", n, len(d.clock.Waits()))
				}
				if st := d.status(t); st.Stopped == "" {
					t.Fatalf("status does not say uploads stopped: %+v", st)
				}
				if c := d.counts(t); c.Pending != 5 {
					t.Fatalf("%d pending, want all 5 kept", c.Pending)
				}
			})
		}
	})

	t.Run("an outbox that is not enrolled fails at once", func(t *testing.T) {
		s := quietSyncer(openOutbox(t))
		clock := newFakeClock()
		s.Clock = clock
		if _, err := s.Drain(ctx); !errors.Is(err, outbox.ErrNotEnrolled) || len(clock.Waits()) != 0 {
			t.Fatalf("Drain = %v after %d waits, want ErrNotEnrolled at once", err, len(clock.Waits()))
		}
	})

	t.Run("cancelling ends the wait", func(t *testing.T) {
		fc := newFakeCentral(t)
		d := newDevice(t, fc)
		d.fill(t, 5, 5)
		fc.addFaults(fault{path: protocol.PathBatches, status: 503, code: protocol.CodeUnavailable})
		ctx, cancel := context.WithCancel(ctx)
		d.clock.onWait = func(time.Time, time.Duration) { cancel() }
		if _, err := d.s.Drain(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Drain err = %v, want context.Canceled", err)
		}
		if c := d.counts(t); c.Pending != 5 {
			t.Fatalf("%d pending after cancel, want 5", c.Pending)
		}
	})
}
