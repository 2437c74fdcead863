package syncer

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/voces-cdmx/voces/internal/protocol"
)

// Errors callers act on.
var (
	// ErrStopped means central refused this device for good (revoked,
	// unknown, or its signatures no longer verify): uploads stop until a
	// technician acts. The status's Stopped field says why.
	ErrStopped = errors.New("central refused this device; uploads are stopped until a technician acts")
	// ErrUnreachable matches every failure where no answer came back from
	// central: no route, connection refused or reset, timeout.
	ErrUnreachable = errors.New("central is unreachable")
	// ErrTimeout matches a request that got no complete answer in time. It
	// also matches ErrUnreachable.
	ErrTimeout = errors.New("request to central timed out")
	// ErrBadAnswer means central answered 2xx with something that does not
	// fit the protocol, such as results that do not match the batch.
	ErrBadAnswer = errors.New("central's answer does not fit the protocol")
	// ErrForgedAnswer means an answer did not carry a valid signature of
	// the server key the device enrolled with (or, at enrolment, of the
	// key the code names): something between the device and central
	// changed it or answered in central's place. Nothing in it is used:
	// no key stored, no record marked synced or dead.
	ErrForgedAnswer = errors.New("the answer is not signed by central: something between the device and central changed it or answered in its place, and the device used nothing in it")
	// ErrInsecureURL refuses plain http:// to a host that is not this
	// machine, unless the provisioning code allowed it.
	ErrInsecureURL = errors.New("central's address is plain http:// to another machine, and the provisioning code does not allow that: ask for a code with an https:// address (or one made with --insecure-http)")
	// ErrRedirected means central's address sent the device elsewhere: a
	// device follows no redirect away from the address in its code.
	ErrRedirected = errors.New("central's address redirected the device to another address, and the device only talks to the address in its provisioning code")
	// ErrTLSPinMismatch means the TLS certificate is not the one the code
	// pins: something is answering in central's place.
	ErrTLSPinMismatch = errors.New("central's TLS certificate is not the one the provisioning code pins: something between the device and central is answering in its place")
	// ErrTLSUntrusted means an https:// address without a pin presented a
	// certificate this device's trusted authorities do not vouch for.
	ErrTLSUntrusted = errors.New("central's TLS certificate is not trusted on this device: ask for a provisioning code that pins it")
)

// NetError is a request that got no HTTP answer.
type NetError struct {
	Path    string
	Timeout bool // no complete answer within the request timeout
	Err     error
}

func (e *NetError) Error() string {
	if e.Timeout {
		return fmt.Sprintf("%s: %v: %v", e.Path, ErrTimeout, e.Err)
	}
	return fmt.Sprintf("%s: %v: %v", e.Path, ErrUnreachable, e.Err)
}

func (e *NetError) Unwrap() error { return e.Err }

// Is lets errors.Is match ErrUnreachable, and ErrTimeout for a timeout.
func (e *NetError) Is(target error) bool {
	return target == ErrUnreachable || (e.Timeout && target == ErrTimeout)
}

// midTransfer reports whether the link broke while a request was under way
// (reset, cut short, timed out), as opposed to no link at all (no route,
// refused, no DNS). Only the first says a smaller request might get
// through.
func (e *NetError) midTransfer() bool {
	if e.Timeout {
		return true
	}
	var dns *net.DNSError
	switch {
	case errors.As(e.Err, &dns),
		errors.Is(e.Err, syscall.ECONNREFUSED),
		errors.Is(e.Err, syscall.ENETUNREACH),
		errors.Is(e.Err, syscall.EHOSTUNREACH):
		return false
	}
	return true
}

// StatusError is a non-2xx answer from central.
type StatusError struct {
	Path       string
	StatusCode int
	Code       protocol.ErrorCode // empty when the body was not a protocol.Error
	Message    string
	RetryAfter time.Duration // what Retry-After asked for; 0 when absent
	Signed     bool          // carries central's answer signature for this request
}

func (e *StatusError) Error() string {
	code := string(e.Code)
	if code == "" {
		code = http.StatusText(e.StatusCode)
	}
	if e.Message == "" {
		return fmt.Sprintf("%s: central answered %d %s", e.Path, e.StatusCode, code)
	}
	return fmt.Sprintf("%s: central answered %d %s: %s", e.Path, e.StatusCode, code, e.Message)
}

// Permanent reports whether central refused the device itself, so that
// retrying cannot help. Only a refusal signed by central counts: an
// unsigned one may come from anything in between, and a proxy must not
// be able to switch a device's uploads off.
func (e *StatusError) Permanent() bool { return e.Code.Permanent() && e.Signed }

// TooLarge reports whether central refused the request for its size.
func (e *StatusError) TooLarge() bool {
	return e.StatusCode == http.StatusRequestEntityTooLarge || e.Code == protocol.CodeTooLarge
}

// Permanent reports whether err is central refusing the device for good.
func Permanent(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Permanent()
}

// retryAfterOf returns the wait central asked for in err, or 0.
func retryAfterOf(err error) time.Duration {
	var se *StatusError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}

// MaxRetryAfter bounds how long a Retry-After can hold a device back, so a
// misconfigured proxy cannot silence a fleet for days.
const MaxRetryAfter = time.Hour

// parseRetryAfter reads a Retry-After value, either delay-seconds or an
// HTTP date, relative to now. It returns 0 for an absent or unreadable
// value and for a date already past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		d = time.Duration(min(secs, int64(MaxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), MaxRetryAfter)
}
