package centraltest

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// Device is an enrolled device as a test drives it.
type Device struct {
	ID        string
	URL       string             // central's base URL
	Mode      string             // record.ModeKiosk or record.ModeCanvasser
	Key       ed25519.PrivateKey // the device key central enrolled
	ServerKey ed25519.PublicKey
	Keys      record.Keys        // what record.Build needs
	Campaign  *campaign.Campaign // the newest campaign, verified
	Client    *http.Client

	mu  sync.Mutex // guards seq and rng, so goroutines may share a device
	seq uint64     // last sequence number handed out
	rng *mrand.Rand
}

// Response is an HTTP answer read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// SignedBy reports whether the answer carries central's signature with
// serverKey over its body and status, for the request binding names
// (protocol.AnswerBinding).
func (r *Response) SignedBy(serverKey ed25519.PublicKey, path string, binding []byte) bool {
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get(protocol.HeaderAnswerSignature))
	return err == nil && protocol.VerifyAnswer(serverKey, path, binding, r.Status, r.Body, sig)
}

// requestBinding is what central binds its answer to a signed request to.
func requestBinding(req *http.Request) []byte {
	sig, _ := base64.StdEncoding.DecodeString(req.Header.Get(protocol.HeaderSignature))
	return sig
}

// Error decodes a protocol.Error body, failing the test if it is not one.
func (r *Response) Error(tb testing.TB) protocol.Error {
	tb.Helper()
	var e protocol.Error
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Code == "" {
		tb.Fatalf("status %d: body is not a protocol error: %q", r.Status, r.Body)
	}
	return e
}

// Send sends req and reads the whole answer. It is safe in goroutines
// other than the test's; Do is the same for the test's own goroutine.
func Send(client *http.Client, req *http.Request) (*Response, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// Do sends req and reads the whole answer, failing the test if it cannot.
func Do(tb testing.TB, client *http.Client, req *http.Request) *Response {
	tb.Helper()
	resp, err := Send(client, req)
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

// EnrollRequest makes an enrollment request to central at baseURL.
func EnrollRequest(baseURL string, req protocol.EnrollRequest) (*http.Request, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequest(http.MethodPost, baseURL+protocol.PathEnroll, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json")
	return r, nil
}

// PostEnroll sends an enrollment request as is.
func PostEnroll(tb testing.TB, client *http.Client, baseURL string, req protocol.EnrollRequest) *Response {
	tb.Helper()
	r, err := EnrollRequest(baseURL, req)
	if err != nil {
		tb.Fatal(err)
	}
	return Do(tb, client, r)
}

// Enroll enrolls a new device with a provisioning code line, checks that
// central's key matches the code's fingerprint, and downloads the campaign,
// checking central's signature over it.
func Enroll(tb testing.TB, client *http.Client, code, mode string) *Device {
	tb.Helper()
	pc, err := protocol.ParseCode(code)
	if err != nil {
		tb.Fatal(err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	req, err := EnrollRequest(pc.URL, protocol.EnrollRequest{
		Token: pc.Token, DeviceKey: pub, Name: "test device", Mode: mode,
		DeviceTime: time.Now().UTC(), AppVersion: "centraltest",
	})
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := req.GetBody()
	sent, _ := io.ReadAll(body)
	resp := Do(tb, client, req)
	if resp.Status != http.StatusOK {
		tb.Fatalf("enroll: status %d: %s", resp.Status, resp.Body)
	}
	var er protocol.EnrollResponse
	if err := json.Unmarshal(resp.Body, &er); err != nil {
		tb.Fatal(err)
	}
	if !protocol.FingerprintMatches(er.ServerKey, pc.Fingerprint) {
		tb.Fatalf("enroll: server key does not match the code's fingerprint")
	}
	if !resp.SignedBy(er.ServerKey, protocol.PathEnroll, protocol.AnswerBinding(protocol.PathEnroll, sent, nil)) {
		tb.Fatalf("enroll: the answer is not signed with the server key for this request")
	}
	if len(er.SealKey) != 32 {
		tb.Fatalf("enroll: seal key has %d bytes", len(er.SealKey))
	}
	var seal [32]byte
	copy(seal[:], er.SealKey)
	seed := sha256.Sum256(pub)
	if mode == "" {
		mode = record.ModeKiosk
	}
	d := &Device{
		ID:        er.DeviceID,
		URL:       pc.URL,
		Mode:      mode,
		Key:       priv,
		ServerKey: er.ServerKey,
		Keys:      record.Keys{DeviceID: er.DeviceID, SealTo: &seal, DedupeKey: er.DedupeKey},
		Client:    client,
		rng:       mrand.New(mrand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:16]))),
	}
	d.Campaign = d.FetchCampaign(tb)
	return d
}

// FetchCampaign downloads the newest campaign and verifies central's
// signature over it.
func (d *Device) FetchCampaign(tb testing.TB) *campaign.Campaign {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, d.URL+protocol.PathCampaign, nil)
	if err != nil {
		tb.Fatal(err)
	}
	resp := Do(tb, d.Client, req)
	if resp.Status != http.StatusOK {
		tb.Fatalf("campaign: status %d: %s", resp.Status, resp.Body)
	}
	var cr protocol.CampaignResponse
	if err := json.Unmarshal(resp.Body, &cr); err != nil {
		tb.Fatal(err)
	}
	if !protocol.VerifyCampaign(d.ServerKey, cr.Version, cr.Content, cr.Signature) {
		tb.Fatalf("campaign version %d: signature does not verify with the server key", cr.Version)
	}
	c, err := campaign.Parse("campaign", cr.Content)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// NextSeq hands out the next sequence number, as the outbox does.
func (d *Device) NextSeq() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq++
	return d.seq
}

// SkipSeq hands out n sequence numbers without making records: the records
// a device made that never arrived.
func (d *Device) SkipSeq(n uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq += n
}

// Seal builds a record from a draft against the device's campaign, gives
// it the next sequence number and signs it.
func (d *Device) Seal(tb testing.TB, draft *record.Draft) *record.Record {
	tb.Helper()
	r, err := record.Build(draft, d.Campaign, &d.Keys, time.Now())
	if err != nil {
		tb.Fatalf("build %s record: %v", draft.Kind, err)
	}
	r.Seq = d.NextSeq()
	r.Sign(d.Key)
	return r
}

// Resign signs a record again after a test changed it, and encodes it.
func (d *Device) Resign(r *record.Record) []byte {
	r.Sign(d.Key)
	return r.Marshal()
}

// Record makes a valid, signed record of the given kind with random
// plausible content.
func (d *Device) Record(tb testing.TB, kind record.Kind) *record.Record {
	tb.Helper()
	return d.Seal(tb, d.Draft(kind))
}

// Records makes n encoded records, kinds in rotation (signatures every
// other one, as at a busy kiosk).
func (d *Device) Records(tb testing.TB, n int) [][]byte {
	tb.Helper()
	kinds := []record.Kind{record.KindSignature, record.KindSurvey, record.KindSignature, record.KindEvent, record.KindSignature, record.KindComment}
	out := make([][]byte, n)
	for i := range out {
		out[i] = d.Record(tb, kinds[i%len(kinds)]).Marshal()
	}
	return out
}

// Signature makes a signed support of proposalID by the person with the
// given voter id (a random one if "").
func (d *Device) Signature(tb testing.TB, proposalID, voterID string) *record.Record {
	tb.Helper()
	draft := d.Draft(record.KindSignature)
	draft.SubjectID = proposalID
	if voterID != "" {
		draft.Body.Signer.VoterID = voterID
	}
	return d.Seal(tb, draft)
}

// SignedRequest makes a request to path signed with the device key over
// the body exactly as sent (gzip-compressed when gz is set).
func (d *Device) SignedRequest(tb testing.TB, path string, plain []byte, gz bool) *http.Request {
	tb.Helper()
	body := plain
	if gz {
		body = Gzip(plain)
	}
	req, err := http.NewRequest(http.MethodPost, d.URL+path, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	req.Header.Set(protocol.HeaderDevice, d.ID)
	req.Header.Set(protocol.HeaderSignature, base64.StdEncoding.EncodeToString(protocol.SignRequest(d.Key, path, body)))
	return req
}

// BatchJSON encodes a batch of this device's records.
func (d *Device) BatchJSON(tb testing.TB, records [][]byte) []byte {
	tb.Helper()
	b, err := json.Marshal(protocol.Batch{DeviceID: d.ID, BatchID: uuid.NewString(), SentAt: time.Now().UTC(), Records: records})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BatchRequest makes a signed, gzip-compressed upload of records.
func (d *Device) BatchRequest(tb testing.TB, records [][]byte) *http.Request {
	tb.Helper()
	return d.SignedRequest(tb, protocol.PathBatches, d.BatchJSON(tb, records), true)
}

// Upload sends records in one batch and returns central's answer, failing
// the test unless it is 200 with one result per record.
func (d *Device) Upload(tb testing.TB, records [][]byte) *protocol.BatchResponse {
	tb.Helper()
	req := d.BatchRequest(tb, records)
	resp := Do(tb, d.Client, req)
	if resp.Status != http.StatusOK {
		tb.Fatalf("upload: status %d: %s", resp.Status, resp.Body)
	}
	if !resp.SignedBy(d.ServerKey, protocol.PathBatches, requestBinding(req)) {
		tb.Fatalf("upload: the answer is not signed with the server key for this batch")
	}
	var br protocol.BatchResponse
	if err := json.Unmarshal(resp.Body, &br); err != nil {
		tb.Fatal(err)
	}
	if len(br.Results) != len(records) {
		tb.Fatalf("upload: %d results for %d records", len(br.Results), len(records))
	}
	return &br
}

// Heartbeat sends a health report, filling in the device id and time, and
// fails the test unless central answers 204.
func (d *Device) Heartbeat(tb testing.TB, hb protocol.Heartbeat) {
	tb.Helper()
	hb.DeviceID = d.ID
	if hb.SentAt.IsZero() {
		hb.SentAt = time.Now().UTC()
	}
	if hb.Mode == "" {
		hb.Mode = d.Mode
	}
	body, err := json.Marshal(hb)
	if err != nil {
		tb.Fatal(err)
	}
	req := d.SignedRequest(tb, protocol.PathHeartbeat, body, false)
	resp := Do(tb, d.Client, req)
	if resp.Status != http.StatusNoContent {
		tb.Fatalf("heartbeat: status %d: %s", resp.Status, resp.Body)
	}
	if !resp.SignedBy(d.ServerKey, protocol.PathHeartbeat, requestBinding(req)) {
		tb.Fatalf("heartbeat: the answer is not signed with the server key for this heartbeat")
	}
}

// Gzip compresses p.
func Gzip(p []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

func discardLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Proposal makes a resident's proposal whose author has the given voter
// id (a random one if ""), named on publication when named is set.
func (d *Device) Proposal(tb testing.TB, voterID string, named bool) *record.Record {
	tb.Helper()
	draft := d.Draft(record.KindProposal)
	draft.Body.Proposal.Named = named
	if voterID != "" {
		draft.Body.Signer.VoterID = voterID
	}
	return d.Seal(tb, draft)
}

// SignatureAt makes a support of proposalID by a random person collected
// at the assembly eventID (a campaign event, or an impromptu "ca-" one).
func (d *Device) SignatureAt(tb testing.TB, proposalID, eventID string) *record.Record {
	tb.Helper()
	draft := d.Draft(record.KindSignature)
	draft.SubjectID, draft.EventID = proposalID, eventID
	return d.Seal(tb, draft)
}
