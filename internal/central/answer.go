package central

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/voces-cdmx/voces/internal/protocol"
)

// Central signs every answer a device acts on with its server key, bound
// to the request it answers (protocol.SignAnswer): the enrolment answer
// with the device id and keys, batch results, heartbeat answers, and the
// refusals that stop a device's uploads. A device that finds the
// signature missing or wrong acts on nothing in the answer, so a proxy in
// between can delay a device but not make it store a key central did not
// give or drop a record central did not commit.

// bindRequest records what answers to r are bound to. Signed requests are
// bound to the device's signature header when the route starts; an
// enrolment to its body once read.
func bindRequest(r *http.Request, binding []byte) {
	infoOf(r).binding = binding
}

// requestSignature is the device's signature header, decoded, or nil.
func requestSignature(r *http.Request) []byte {
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get(protocol.HeaderSignature))
	if err != nil || len(sig) == 0 {
		return nil
	}
	return sig
}

// encodeAnswer is the body writeJSON sends for v, and the status it sends
// it with (500 when v does not encode).
func encodeAnswer(status int, v any) (int, []byte) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(protocol.Error{Code: protocol.CodeInternal, Message: "encode answer: " + err.Error()})
	}
	return status, append(b, '\n')
}

// writeSigned sends v as JSON with central's signature over the exact
// bytes sent. Without a binding (a request this route could not bind) it
// sends the answer unsigned, and the device will not act on it.
func (s *Server) writeSigned(w http.ResponseWriter, r *http.Request, status int, v any) {
	status, b := encodeAnswer(status, v)
	s.signAnswer(w, r, status, b)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// writeSignedEmpty sends a body-less answer (204) with its signature.
func (s *Server) writeSignedEmpty(w http.ResponseWriter, r *http.Request, status int) {
	s.signAnswer(w, r, status, nil)
	w.WriteHeader(status)
}

func (s *Server) signAnswer(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	if sig := protocol.SignAnswer(s.keys.Signing, r.URL.Path, infoOf(r).binding, status, body); sig != nil {
		w.Header().Set(protocol.HeaderAnswerSignature, base64.StdEncoding.EncodeToString(sig))
	}
}

// writeRefusal sends a refusal. The ones that stop a device (unknown,
// revoked, bad signature) are signed: a device treats an unsigned one as
// a passing fault, so no proxy can switch a fleet's uploads off.
// Others are not: a device only retries or splits on them, and signing
// costs an Ed25519 signature that a stranger's junk request should not
// buy.
func (s *Server) writeRefusal(w http.ResponseWriter, r *http.Request, e *apiError) {
	if !e.code.Permanent() {
		writeError(w, e)
		return
	}
	setRetryAfter(w, e)
	s.writeSigned(w, r, e.status, protocol.Error{Code: e.code, Message: e.msg})
}
