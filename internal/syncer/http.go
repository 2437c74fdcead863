package syncer

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// maxAnswer bounds what the engine reads of any answer: a campaign
// document, base64-encoded inside JSON, is the largest central sends.
const maxAnswer = protocol.MaxCampaignDocument*2 + 64<<10

// maxErrorBody bounds what is read of a refusal.
const maxErrorBody = 64 << 10

// exchange is one request to central and its answer.
type exchange struct {
	method string
	peer   peer   // central, as the provisioning code names it
	path   string // protocol.Path*
	body   []byte
	header http.Header
	// verify, when set, is the server key a 2xx answer must be signed
	// with (protocol.VerifyAnswer), over binding; a refusal signed with it
	// is one the device may stop for. nil leaves the check to the caller
	// (enrolment, which learns the key from the answer) or to the content
	// (campaigns).
	verify  ed25519.PublicKey
	binding []byte // protocol.AnswerBinding of the request
}

// endpoint joins central's URL, which may carry a path prefix, and an API
// path.
func endpoint(base, path string) string {
	return strings.TrimRight(base, "/") + path
}

// answerSignature is central's signature header of an answer, decoded.
func answerSignature(h http.Header) []byte {
	sig, _ := base64.StdEncoding.DecodeString(h.Get(protocol.HeaderAnswerSignature))
	return sig
}

// answer is a 2xx or 304 reply.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// send makes one request with the per-request timeout and reads the whole
// answer within it. A reply outside 2xx and 304 is a *StatusError; no
// reply is a *NetError. Cancelling ctx abandons the request.
func (s *Syncer) send(ctx context.Context, x exchange) (*answer, error) {
	if err := x.peer.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", x.path, err)
	}
	client, err := s.clientFor(x.peer)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", x.path, err)
	}
	rctx, cancel := context.WithTimeout(ctx, s.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, x.method, endpoint(x.peer.url, x.path), bytes.NewReader(x.body))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", x.path, err)
	}
	for k, vs := range x.header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", "voces-syncd/"+s.AppVersion)
	netErr := func(err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var te interface{ Timeout() bool }
		timeout := errors.Is(rctx.Err(), context.DeadlineExceeded) || (errors.As(err, &te) && te.Timeout())
		return &NetError{Path: x.path, Timeout: timeout, Err: err}
	}
	resp, err := client.Do(req)
	if err != nil {
		if terr := trustError(err); terr != nil && ctx.Err() == nil {
			// Not the link: something answered that is not central, and
			// trying again the same way gets the same answer.
			return nil, fmt.Errorf("%s: %w", x.path, terr)
		}
		return nil, netErr(err)
	}
	defer resp.Body.Close()
	ok := resp.StatusCode/100 == 2 || resp.StatusCode == http.StatusNotModified
	limit := int64(maxErrorBody)
	if ok {
		limit = maxAnswer
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, netErr(err)
	}
	signed := x.verify != nil && protocol.VerifyAnswer(x.verify, x.path, x.binding, resp.StatusCode, body, answerSignature(resp.Header))
	if !ok {
		se := s.statusError(x.path, resp, body)
		se.Signed = signed
		return nil, se
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: %s: answer longer than %d bytes", ErrBadAnswer, x.path, limit)
	}
	if x.verify != nil && !signed {
		return nil, fmt.Errorf("%s: %w", x.path, ErrForgedAnswer)
	}
	return &answer{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// statusError reads a refusal: protocol.Error JSON when central sent it,
// or the start of whatever a proxy in between put there.
func (s *Syncer) statusError(path string, resp *http.Response, body []byte) *StatusError {
	e := &StatusError{
		Path:       path,
		StatusCode: resp.StatusCode,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), s.Clock.Now()),
	}
	var pe protocol.Error
	if json.Unmarshal(body, &pe) == nil && pe.Code != "" {
		e.Code, e.Message = pe.Code, pe.Message
		return e
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	e.Message = msg
	return e
}

// signed is an exchange carrying the device's signature over the body
// exactly as sent.
func signed(id *outbox.Identity, path string, body []byte, gzipped bool) exchange {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	if gzipped {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set(protocol.HeaderDevice, id.DeviceID)
	sig := protocol.SignRequest(id.DeviceKey, path, body)
	h.Set(protocol.HeaderSignature, base64.StdEncoding.EncodeToString(sig))
	return exchange{
		method: http.MethodPost, peer: peerOf(id), path: path, body: body, header: h,
		verify: id.ServerKey, binding: protocol.AnswerBinding(path, body, sig),
	}
}
