package central

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/voces-cdmx/voces/internal/protocol"
)

// codeNotFound answers a path central does not serve. protocol has no code
// for it because a device never asks for one on purpose.
const codeNotFound protocol.ErrorCode = "not_found"

// apiError is a refusal on its way to the client: the HTTP status, the
// protocol code and a message a technician can act on.
type apiError struct {
	status     int
	code       protocol.ErrorCode
	msg        string
	retryAfter time.Duration
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.msg) }

// statusOf is the one place protocol error codes meet HTTP statuses.
var statusOf = map[protocol.ErrorCode]int{
	protocol.CodeMalformed:        http.StatusBadRequest,
	protocol.CodeTooLarge:         http.StatusRequestEntityTooLarge,
	protocol.CodeBadSignature:     http.StatusUnauthorized,
	protocol.CodeUnknownDevice:    http.StatusUnauthorized,
	protocol.CodeRevoked:          http.StatusForbidden,
	protocol.CodeBadCode:          http.StatusForbidden,
	protocol.CodeCodeUsed:         http.StatusForbidden,
	protocol.CodeCodeExpired:      http.StatusForbidden,
	protocol.CodeRateLimited:      http.StatusTooManyRequests,
	protocol.CodeUnavailable:      http.StatusServiceUnavailable,
	protocol.CodeInternal:         http.StatusInternalServerError,
	protocol.CodeUnsupported:      http.StatusUnsupportedMediaType,
	protocol.CodeMethodNotAllowed: http.StatusMethodNotAllowed,
	codeNotFound:                  http.StatusNotFound,
}

func refuse(code protocol.ErrorCode, format string, args ...any) *apiError {
	return &apiError{status: statusOf[code], code: code, msg: fmt.Sprintf(format, args...)}
}

// unavailable is the answer when the database fails: devices retry it with
// backoff, and nothing was stored or acknowledged.
// busyRetry is how long a device told central is busy waits: about what a
// full queue of group commits takes to drain.
const busyRetry = 5 * time.Second

// busy tells a device to bring its batch back later: 429 with Retry-After.
func busy() *apiError {
	e := refuse(protocol.CodeRateLimited, "central is busy storing other devices' batches; nothing of this one was stored, try again in a few seconds")
	e.retryAfter = busyRetry
	return e
}

func unavailable(err error) *apiError {
	e := refuse(protocol.CodeUnavailable, "central could not store the request, try again: %v", err)
	e.retryAfter = 2 * time.Second
	return e
}

// asAPIError turns any error a handler returns into what the client sees.
func asAPIError(err error) *apiError {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, ErrNotFound):
		return refuse(protocol.CodeUnknownDevice, "this device is not enrolled with this server")
	case errors.Is(err, ErrRevoked):
		return refuse(protocol.CodeRevoked, "this device has been revoked; a technician must enroll it again")
	case errors.Is(err, ErrBusy):
		return busy()
	case errors.Is(err, ErrClosed), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return unavailable(err)
	}
	return refuse(protocol.CodeInternal, "internal error")
}

func writeError(w http.ResponseWriter, e *apiError) {
	setRetryAfter(w, e)
	writeJSON(w, e.status, protocol.Error{Code: e.code, Message: e.msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	status, b := encodeAnswer(status, v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func setRetryAfter(w http.ResponseWriter, e *apiError) {
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.retryAfter+time.Second-1)/time.Second)))
	}
}
