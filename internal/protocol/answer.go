package protocol

import (
	"crypto/ed25519"
	"crypto/sha256"
)

// HeaderAnswerSignature carries central's Ed25519 signature over an
// answer (base64 std), made with the server key whose fingerprint is in
// the provisioning code. A device acts on an enrolment answer, a batch
// answer, a heartbeat answer or a refusal that stops it only when this
// signature verifies.
const HeaderAnswerSignature = "X-Voces-Answer-Signature"

// Answer domains: one per kind of answer, so a signature central made for
// one can never pass as another, nor as a campaign or a device request.
const (
	domainEnrollAnswer    = "voces/enroll-answer/v1\x00"
	domainBatchAnswer     = "voces/batch-answer/v1\x00"
	domainHeartbeatAnswer = "voces/heartbeat-answer/v1\x00"
)

// answerDomain is the domain of the answers to path, "" for a path whose
// answers are not signed this way (campaign content carries its own
// signature).
func answerDomain(path string) string {
	switch path {
	case PathEnroll:
		return domainEnrollAnswer
	case PathBatches:
		return domainBatchAnswer
	case PathHeartbeat:
		return domainHeartbeatAnswer
	}
	return ""
}

// AnswerBinding is what ties an answer to the one request it answers, so
// an old answer cannot be replayed for a new request: for an enrolment
// the exact request body (it holds the one-time token and the device's
// new public key), for a signed request the device's signature over it
// (which covers the body's hash, and which central has before reading the
// body). Every batch carries a fresh batch id and time, so no two batches
// share a binding.
func AnswerBinding(path string, body, requestSignature []byte) []byte {
	if path == PathEnroll {
		return body
	}
	return requestSignature
}

// answerMessage is domain ‖ path ‖ 0 ‖ SHA-256(binding) ‖ status (2 bytes,
// big-endian) ‖ SHA-256(answer body as sent).
func answerMessage(domain, path string, binding []byte, status int, answer []byte) []byte {
	b := sha256.Sum256(binding)
	a := sha256.Sum256(answer)
	m := make([]byte, 0, len(domain)+len(path)+1+2*sha256.Size+2)
	m = append(m, domain...)
	m = append(m, path...)
	m = append(m, 0)
	m = append(m, b[:]...)
	m = append(m, byte(status>>8), byte(status))
	return append(m, a[:]...)
}

// SignAnswer is central's signature over the answer body it sends with
// the given HTTP status for a request to path; binding is
// AnswerBinding's. It returns nil for a path whose answers are not
// signed.
func SignAnswer(key ed25519.PrivateKey, path string, binding []byte, status int, answer []byte) []byte {
	d := answerDomain(path)
	if d == "" || len(binding) == 0 {
		return nil
	}
	return ed25519.Sign(key, answerMessage(d, path, binding, status, answer))
}

// VerifyAnswer checks central's signature over an answer as the device
// received it: the exact body bytes, with that status, for that request.
func VerifyAnswer(pub ed25519.PublicKey, path string, binding []byte, status int, answer, sig []byte) bool {
	d := answerDomain(path)
	return d != "" && len(binding) > 0 && len(pub) == ed25519.PublicKeySize &&
		ed25519.Verify(pub, answerMessage(d, path, binding, status, answer), sig)
}
