package syncer

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// The man-in-the-middle tests put a real reverse proxy between a real
// engine and a real central, and let the proxy do what an attacker on
// the path would: swap the keys of the enrolment answer, answer batches
// itself, rewrite central's answers, replay old ones and present another
// TLS certificate. Each time the device must refuse what it is told, and
// no record may leave the pending state unless central committed it.

// mitm is an attacker's reverse proxy in front of central.
type mitm struct {
	srv *httptest.Server
	rp  *httputil.ReverseProxy

	mu sync.Mutex
	// answer, when set, may answer a request in central's place, without
	// forwarding it (returning true).
	answer func(w http.ResponseWriter, r *http.Request, body []byte) bool
	// rewrite, when set, changes central's answer on its way back; it may
	// change resp.StatusCode and headers, and returns the new body.
	rewrite func(resp *http.Response, body []byte) []byte
	// seen holds central's real answers as they passed, by path.
	seen      map[string][]captured
	forwarded map[string]int
	requests  int
}

// captured is an answer as it went over the wire.
type captured struct {
	status int
	header http.Header
	body   []byte
}

// replay writes a captured answer as if central sent it now.
func (c captured) replay(w http.ResponseWriter) {
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.WriteHeader(c.status)
	w.Write(c.body)
}

// newMITM starts a proxy to target; tlsCert, when set, makes it serve
// HTTPS with that certificate, and upstream is the transport to central.
func newMITM(t *testing.T, target string, tlsCert *tls.Certificate, upstream http.RoundTripper) *mitm {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	m := &mitm{seen: map[string][]captured{}, forwarded: map[string]int{}}
	m.rp = &httputil.ReverseProxy{
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.SetURL(u) },
		Transport: upstream,
		ModifyResponse: func(resp *http.Response) error {
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			path := resp.Request.URL.Path
			m.mu.Lock()
			m.seen[path] = append(m.seen[path], captured{status: resp.StatusCode, header: resp.Header.Clone(), body: body})
			rewrite := m.rewrite
			m.mu.Unlock()
			if rewrite != nil {
				body = rewrite(resp, body)
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			resp.ContentLength = int64(len(body))
			resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
			return nil
		},
	}
	m.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r = r.WithContext(context.WithValue(r.Context(), sentKey{}, body))
		m.mu.Lock()
		m.requests++
		answer := m.answer
		m.mu.Unlock()
		if answer != nil && answer(w, r, body) {
			return
		}
		m.mu.Lock()
		m.forwarded[r.URL.Path]++
		m.mu.Unlock()
		m.rp.ServeHTTP(w, r)
	}))
	// The refused handshakes are what the tests want; not worth a log line.
	m.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tlsCert != nil {
		m.srv.TLS = &tls.Config{Certificates: []tls.Certificate{*tlsCert}}
		m.srv.StartTLS()
	} else {
		m.srv.Start()
	}
	t.Cleanup(m.srv.Close)
	return m
}

type sentKey struct{}

// sent is the request body a device sent, as the proxy saw it.
func sent(resp *http.Response) []byte {
	b, _ := resp.Request.Context().Value(sentKey{}).([]byte)
	return b
}

func (m *mitm) set(answer func(http.ResponseWriter, *http.Request, []byte) bool, rewrite func(*http.Response, []byte) []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.answer, m.rewrite = answer, rewrite
}

func (m *mitm) last(t *testing.T, path string) captured {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.seen[path]
	if len(s) == 0 {
		t.Fatalf("the proxy saw no answer to %s", path)
	}
	return s[len(s)-1]
}

func (m *mitm) counts() (requests int, forwardedBatches int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.requests, m.forwarded[protocol.PathBatches]
}

// codeFor is a code central issued, for url instead of central's own.
func codeFor(t *testing.T, c *centraltest.Central, u string) protocol.ProvisioningCode {
	t.Helper()
	pc, err := protocol.ParseCode(c.Code(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	pc.URL = u
	return pc
}

// mitmDevice is an outbox with an engine on a fake clock, not enrolled.
func mitmDevice(t *testing.T, client *http.Client) *device {
	t.Helper()
	store := openOutbox(t)
	d := &device{store: store, s: quietSyncer(store), clock: newFakeClock()}
	d.s.Clock = d.clock
	if client != nil {
		d.s.Client = client
	}
	return d
}

// enroll enrolls d with code and fills it with records; it returns how
// many are pending.
func (d *device) enrollAndFill(t *testing.T, code string, n int) int {
	t.Helper()
	ctx := context.Background()
	if _, err := d.s.Enroll(ctx, code, "mitm test", record.ModeKiosk); err != nil {
		t.Fatalf("enroll: %v", err)
	}
	sc, err := d.store.LatestCampaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.c, err = VerifyCampaign(d.s.mustIdentity(t).ServerKey, "", &protocol.CampaignResponse{Version: sc.Version, Content: sc.Content, Signature: sc.Signature}); err != nil {
		t.Fatal(err)
	}
	d.fill(t, n, 7)
	return d.counts(t).Pending
}

// wantUntouched fails unless the device still has all pending records
// and none synced or dead, and central has stored the given number.
func wantUntouched(t *testing.T, d *device, c *centraltest.Central, pending int, stored int64) {
	t.Helper()
	got := d.counts(t)
	if got.Pending != pending || got.Synced != 0 || got.Dead != 0 {
		t.Errorf("outbox pending %d, synced %d, dead %d; want %d pending and nothing synced or dead", got.Pending, got.Synced, got.Dead, pending)
	}
	if st := c.Stats(t); st.Records != stored {
		t.Errorf("central stored %d records, want %d", st.Records, stored)
	}
}

// wantDrainsHonestly checks that once the proxy stops interfering the
// device syncs everything, and central holds every record once.
func wantDrainsHonestly(t *testing.T, d *device, c *centraltest.Central, m *mitm, pending int) {
	t.Helper()
	m.set(nil, nil)
	if _, err := d.s.PushOnce(context.Background()); err != nil {
		t.Fatalf("push without interference: %v", err)
	}
	got := d.counts(t)
	if got.Pending != 0 || got.Synced != pending || got.Dead != 0 {
		t.Errorf("after an honest push: pending %d, synced %d, dead %d; want %d synced", got.Pending, got.Synced, got.Dead, pending)
	}
	if st := c.Stats(t); st.Records != int64(pending) {
		t.Errorf("central stored %d records, want %d", st.Records, pending)
	}
}

// decodeBatch reads a device's upload as the proxy sees it.
func decodeBatch(t *testing.T, body []byte) protocol.Batch {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Error(err)
		return protocol.Batch{}
	}
	var b protocol.Batch
	if err := json.NewDecoder(zr).Decode(&b); err != nil {
		t.Error(err)
	}
	return b
}

// acceptAll is the answer a proxy makes up to make a device drop records:
// every record of the batch accepted, ids and sequence numbers right.
func acceptAll(t *testing.T, body []byte) protocol.BatchResponse {
	resp := protocol.BatchResponse{ServerTime: time.Now()}
	for _, data := range decodeBatch(t, body).Records {
		rec, err := record.Unmarshal(data)
		if err != nil {
			t.Error(err)
			continue
		}
		resp.Results = append(resp.Results, protocol.Result{ID: rec.ID.String(), Seq: rec.Seq, Status: protocol.Accepted})
	}
	return resp
}

func writeAnswer(w http.ResponseWriter, status int, v any, sig []byte) {
	b, _ := json.Marshal(v)
	if sig != nil {
		w.Header().Set(protocol.HeaderAnswerSignature, base64.StdEncoding.EncodeToString(sig))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func TestManInTheMiddleCannotSubvertEnrolment(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	m := newMITM(t, c.URL, nil, nil)
	attackerSeal, _, _ := record.NewCampaignKey()
	attackerPub, attackerKey, _ := ed25519.GenerateKey(rand.Reader)

	refused := func(t *testing.T, d *device, err error) {
		t.Helper()
		if !errors.Is(err, ErrServerKeyMismatch) || EnrollErrorKind(err) != handoff.KindServerKeyMismatch {
			t.Fatalf("enroll err = %v (kind %q), want the server key mismatch", err, EnrollErrorKind(err))
		}
		if _, err := d.store.Identity(ctx); !errors.Is(err, outbox.ErrNotEnrolled) {
			t.Fatalf("the device stored an identity from a forged answer: %v", err)
		}
	}
	swap := func(resp *protocol.EnrollResponse) {
		resp.SealKey = attackerSeal[:]
		resp.DedupeKey = bytes.Repeat([]byte{1}, 32)
		resp.DeviceID = "dev-attacker"
	}

	t.Run("swapping the seal key, dedupe key and device id", func(t *testing.T) {
		m.set(nil, func(resp *http.Response, body []byte) []byte {
			if resp.Request.URL.Path != protocol.PathEnroll {
				return body
			}
			var er protocol.EnrollResponse
			json.Unmarshal(body, &er)
			swap(&er)
			b, _ := json.Marshal(er)
			return b // central's signature header goes along, over other bytes
		})
		d := mitmDevice(t, nil)
		_, err := d.s.Enroll(ctx, codeFor(t, c, m.srv.URL).String(), "kiosk", record.ModeKiosk)
		refused(t, d, err)
		if !errors.Is(err, ErrForgedAnswer) {
			t.Errorf("err = %v, want it to say the answer is not central's", err)
		}
	})
	t.Run("swapping every key and signing with its own", func(t *testing.T) {
		m.set(nil, func(resp *http.Response, body []byte) []byte {
			if resp.Request.URL.Path != protocol.PathEnroll {
				return body
			}
			var er protocol.EnrollResponse
			json.Unmarshal(body, &er)
			swap(&er)
			er.ServerKey = attackerPub
			b, _ := json.Marshal(er)
			// The proxy saw the request, so it can bind its signature to it.
			sig := protocol.SignAnswer(attackerKey, protocol.PathEnroll, sent(resp), resp.StatusCode, b)
			resp.Header.Set(protocol.HeaderAnswerSignature, base64.StdEncoding.EncodeToString(sig))
			return b
		})
		d := mitmDevice(t, nil)
		_, err := d.s.Enroll(ctx, codeFor(t, c, m.srv.URL).String(), "kiosk", record.ModeKiosk)
		refused(t, d, err)
	})
	t.Run("replaying another device's enrolment answer", func(t *testing.T) {
		m.set(nil, nil)
		first := mitmDevice(t, nil)
		if _, err := first.s.Enroll(ctx, codeFor(t, c, m.srv.URL).String(), "first", record.ModeKiosk); err != nil {
			t.Fatal(err)
		}
		old := m.last(t, protocol.PathEnroll)
		m.set(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
			if r.URL.Path != protocol.PathEnroll {
				return false
			}
			old.replay(w)
			return true
		}, nil)
		d := mitmDevice(t, nil)
		_, err := d.s.Enroll(ctx, codeFor(t, c, m.srv.URL).String(), "second", record.ModeKiosk)
		refused(t, d, err)
	})
}

func TestManInTheMiddleCannotMakeADeviceDropRecords(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (*centraltest.Central, *mitm, *device, int) {
		c := centraltest.Start(t)
		m := newMITM(t, c.URL, nil, nil)
		d := mitmDevice(t, nil)
		n := d.enrollAndFill(t, codeFor(t, c, m.srv.URL).String(), 25)
		if n == 0 {
			t.Fatal("nothing to push")
		}
		return c, m, d, n
	}

	t.Run("answering batches itself with accepted", func(t *testing.T) {
		c, m, d, n := setup(t)
		_, attackerKey, _ := ed25519.GenerateKey(rand.Reader)
		for _, signer := range []ed25519.PrivateKey{nil, attackerKey} {
			m.set(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
				if r.URL.Path != protocol.PathBatches {
					return false
				}
				resp := acceptAll(t, body)
				var sig []byte
				if signer != nil {
					b, _ := json.Marshal(resp)
					reqSig, _ := base64.StdEncoding.DecodeString(r.Header.Get(protocol.HeaderSignature))
					sig = protocol.SignAnswer(signer, protocol.PathBatches, reqSig, http.StatusOK, b)
				}
				writeAnswer(w, http.StatusOK, resp, sig)
				return true
			}, nil)
			_, err := d.s.PushOnce(ctx)
			if !errors.Is(err, ErrForgedAnswer) {
				t.Fatalf("push err = %v, want ErrForgedAnswer", err)
			}
			wantUntouched(t, d, c, n, 0)
		}
		if _, fwd := m.counts(); fwd != 0 {
			t.Fatalf("the proxy forwarded %d batches; this attack forwards none", fwd)
		}
		if st := d.status(t); st.LastError == "" || st.Stopped != "" {
			t.Errorf("status %+v: want the error recorded and uploads not stopped", st)
		}
		wantDrainsHonestly(t, d, c, m, n)
	})

	rewriteResults := func(change func([]protocol.Result)) func(*http.Response, []byte) []byte {
		return func(resp *http.Response, body []byte) []byte {
			if resp.Request.URL.Path != protocol.PathBatches || resp.StatusCode != http.StatusOK {
				return body
			}
			var br protocol.BatchResponse
			json.Unmarshal(body, &br)
			change(br.Results)
			b, _ := json.Marshal(br)
			return b
		}
	}
	for name, change := range map[string]func([]protocol.Result){
		"rewriting central's answer from accepted to rejected": func(rs []protocol.Result) {
			for i := range rs {
				rs[i].Status, rs[i].Reason = protocol.Rejected, protocol.ReasonBadSignature
			}
		},
		"rewriting central's answer from accepted to conflict": func(rs []protocol.Result) {
			for i := range rs {
				rs[i].Status = protocol.Conflict
			}
		},
		"rewriting the ids in central's answer": func(rs []protocol.Result) {
			for i := range rs {
				rs[i].ID, rs[i].Seq = "", 0
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			c, m, d, n := setup(t)
			m.set(nil, rewriteResults(change))
			_, err := d.s.PushOnce(ctx)
			if !errors.Is(err, ErrForgedAnswer) {
				t.Fatalf("push err = %v, want ErrForgedAnswer", err)
			}
			// Central committed them; the device, not knowing that, keeps
			// them pending rather than believe an answer it cannot check.
			wantUntouched(t, d, c, n, int64(n))
			wantDrainsHonestly(t, d, c, m, n)
		})
	}

	t.Run("replaying an old answer for a new batch", func(t *testing.T) {
		c, m, d, n := setup(t)
		// The first batch reaches central, but the device hears a 502;
		// the proxy keeps central's real, signed answer.
		m.set(nil, func(resp *http.Response, body []byte) []byte {
			if resp.Request.URL.Path == protocol.PathBatches {
				resp.StatusCode = http.StatusBadGateway
				resp.Header.Del(protocol.HeaderAnswerSignature)
				return []byte("bad gateway")
			}
			return body
		})
		if _, err := d.s.PushOnce(ctx); err == nil {
			t.Fatal("the push succeeded through a 502")
		}
		old := m.last(t, protocol.PathBatches)
		if old.status != http.StatusOK {
			t.Fatalf("central answered %d", old.status)
		}
		// The device sends the same records again, in a new batch; the
		// proxy answers with the old answer: same ids, same sequence
		// numbers, central's signature, all accepted.
		m.set(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
			if r.URL.Path != protocol.PathBatches {
				return false
			}
			old.replay(w)
			return true
		}, nil)
		_, err := d.s.PushOnce(ctx)
		if !errors.Is(err, ErrForgedAnswer) {
			t.Fatalf("push err = %v, want ErrForgedAnswer", err)
		}
		wantUntouched(t, d, c, n, int64(n))
		wantDrainsHonestly(t, d, c, m, n)
	})

	t.Run("replaying an old heartbeat answer", func(t *testing.T) {
		_, m, d, _ := setup(t)
		if err := d.s.SendHeartbeat(ctx); err != nil {
			t.Fatal(err)
		}
		old := m.last(t, protocol.PathHeartbeat)
		m.set(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
			if r.URL.Path != protocol.PathHeartbeat {
				return false
			}
			old.replay(w)
			return true
		}, nil)
		d.clock.mu.Lock()
		d.clock.now = d.clock.now.Add(time.Minute)
		d.clock.mu.Unlock()
		if err := d.s.SendHeartbeat(ctx); !errors.Is(err, ErrForgedAnswer) {
			t.Fatalf("heartbeat err = %v, want ErrForgedAnswer", err)
		}
	})

	t.Run("an unsigned refusal does not stop the device", func(t *testing.T) {
		c, m, d, n := setup(t)
		m.set(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
			writeAnswer(w, http.StatusForbidden, protocol.Error{Code: protocol.CodeRevoked, Message: "revoked, says the proxy"}, nil)
			return true
		}, nil)
		_, err := d.s.PushOnce(ctx)
		if err == nil || errors.Is(err, ErrStopped) || Permanent(err) {
			t.Fatalf("push err = %v: an unsigned refusal stopped the device", err)
		}
		if st := d.status(t); st.Stopped != "" {
			t.Fatalf("uploads stopped: %q", st.Stopped)
		}
		wantUntouched(t, d, c, n, 0)
		// A real revocation, signed by central, still stops it.
		if err := c.Store.RevokeDevice(ctx, d.s.mustIdentity(t).DeviceID, time.Now()); err != nil {
			t.Fatal(err)
		}
		m.set(nil, nil)
		if _, err := d.s.PushOnce(ctx); !errors.Is(err, ErrStopped) {
			t.Fatalf("push err = %v after central revoked the device, want ErrStopped", err)
		}
	})
}

// tlsCentral serves central's API over HTTPS with cert.
func tlsCentral(t *testing.T, c *centraltest.Central, cert tls.Certificate) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(c.Server)
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts
}

// dns is a resolver an attacker controls: central.test goes wherever it
// says, whatever the port.
type dns struct{ addr atomic.Value }

func (r *dns) point(u string) {
	p, _ := url.Parse(u)
	r.addr.Store(p.Host)
}

func (r *dns) client() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// Every request looks the name up again, as a device would after
	// its connection dropped: a kept connection would hide the switch.
	tr.DisableKeepAlives = true
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, _, _ := net.SplitHostPort(addr); host == "central.test" {
			addr = r.addr.Load().(string)
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: tr}
}

func TestManInTheMiddleWithAnotherTLSCertificateIsRefused(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	centralCert, centralLeaf := newCert(t, "central.test", nil, nil)
	attackerCert, _ := newCert(t, "central.test", nil, nil)
	ts := tlsCentral(t, c, centralCert)
	m := newMITM(t, ts.URL, &attackerCert, &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}})
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	u := "https://central.test:" + port
	pinned := func(t *testing.T) protocol.ProvisioningCode {
		pc, err := central.IssueCode(ctx, c.Store, c.Keys, central.CodeOptions{
			URL: u, TTL: time.Hour, Now: time.Now(), Pin: protocol.PinOf(protocol.PinKey, centralLeaf),
		})
		if err != nil {
			t.Fatal(err)
		}
		return pc
	}
	var r dns

	t.Run("enrolment through the proxy fails and the code is not spent", func(t *testing.T) {
		r.point(m.srv.URL)
		d := mitmDevice(t, r.client())
		code := pinned(t).String()
		_, err := d.s.Enroll(ctx, code, "kiosk", record.ModeKiosk)
		if !errors.Is(err, ErrTLSPinMismatch) || EnrollErrorKind(err) != handoff.KindServerKeyMismatch {
			t.Fatalf("enroll err = %v (kind %q), want the TLS pin mismatch", err, EnrollErrorKind(err))
		}
		if reqs, _ := m.counts(); reqs != 0 {
			t.Fatalf("the proxy got %d requests: the token left the device", reqs)
		}
		r.point(ts.URL)
		if _, err := d.s.Enroll(ctx, code, "kiosk", record.ModeKiosk); err != nil {
			t.Fatalf("enroll with the same code at the real central: %v", err)
		}
	})
	t.Run("an enrolled device sends nothing to the proxy", func(t *testing.T) {
		r.point(ts.URL)
		d := mitmDevice(t, r.client())
		before := c.Stats(t).Records
		n := d.enrollAndFill(t, pinned(t).String(), 25)
		r.point(m.srv.URL)
		if _, err := d.s.PushOnce(ctx); !errors.Is(err, ErrTLSPinMismatch) {
			t.Fatalf("push err = %v, want ErrTLSPinMismatch", err)
		}
		if err := d.s.SendHeartbeat(ctx); !errors.Is(err, ErrTLSPinMismatch) {
			t.Fatalf("heartbeat err = %v, want ErrTLSPinMismatch", err)
		}
		wantUntouched(t, d, c, n, before)
		if reqs, _ := m.counts(); reqs != 0 {
			t.Fatalf("the proxy got %d requests", reqs)
		}
		r.point(ts.URL)
		if _, err := d.s.PushOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if got := d.counts(t); got.Pending != 0 || got.Synced != n {
			t.Fatalf("after the real central: %+v", got)
		}
	})
	t.Run("without a pin, a certificate the system does not trust is refused", func(t *testing.T) {
		r.point(m.srv.URL)
		d := mitmDevice(t, r.client())
		pc := pinned(t)
		pc.Pin = protocol.TLSPin{}
		_, err := d.s.Enroll(ctx, pc.String(), "kiosk", record.ModeKiosk)
		if !errors.Is(err, ErrTLSUntrusted) || EnrollErrorKind(err) != handoff.KindTLSUntrusted {
			t.Fatalf("enroll err = %v (kind %q), want ErrTLSUntrusted", err, EnrollErrorKind(err))
		}
	})
	t.Run("a pinned authority vouches for central and not for the proxy", func(t *testing.T) {
		caCert, caLeaf := newCert(t, "Voces test CA", nil, nil)
		leaf, _ := newCert(t, "central.test", caLeaf, caCert.PrivateKey)
		leaf.Certificate = append(leaf.Certificate, caCert.Certificate[0])
		tsCA := tlsCentral(t, c, leaf)
		_, port, _ := net.SplitHostPort(tsCA.Listener.Addr().String())
		pc, err := central.IssueCode(ctx, c.Store, c.Keys, central.CodeOptions{
			URL: "https://central.test:" + port, TTL: time.Hour, Now: time.Now(), Pin: protocol.PinOf(protocol.PinCA, caLeaf),
		})
		if err != nil {
			t.Fatal(err)
		}
		r.point(m.srv.URL)
		d := mitmDevice(t, r.client())
		if _, err := d.s.Enroll(ctx, pc.String(), "kiosk", record.ModeKiosk); !errors.Is(err, ErrTLSPinMismatch) {
			t.Fatalf("enroll through the proxy: err = %v, want ErrTLSPinMismatch", err)
		}
		r.point(tsCA.URL)
		if _, err := d.s.Enroll(ctx, pc.String(), "kiosk", record.ModeKiosk); err != nil {
			t.Fatalf("enroll at central with a certificate from the pinned authority: %v", err)
		}
	})
}

func TestDeviceRefusesPlainHTTPAndRedirectsOffCentral(t *testing.T) {
	ctx := context.Background()
	c := centraltest.Start(t)
	var r dns
	r.point(c.URL)
	_, port, _ := net.SplitHostPort(c.HTTP.Listener.Addr().String())
	remote := "http://central.test:" + port

	t.Run("plain http to another machine without the code's flag", func(t *testing.T) {
		d := mitmDevice(t, r.client())
		code := codeFor(t, c, remote)
		_, err := d.s.Enroll(ctx, code.String(), "kiosk", record.ModeKiosk)
		if !errors.Is(err, ErrInsecureURL) || EnrollErrorKind(err) != handoff.KindInsecureURL {
			t.Fatalf("enroll err = %v (kind %q), want ErrInsecureURL", err, EnrollErrorKind(err))
		}
		code.InsecureHTTP = true
		if _, err := d.s.Enroll(ctx, code.String(), "kiosk", record.ModeKiosk); err != nil {
			t.Fatalf("the same code with the insecure flag (and its token unspent): %v", err)
		}
		if !d.s.mustIdentity(t).InsecureHTTP {
			t.Fatal("the identity forgot the code's insecure flag")
		}
	})
	t.Run("a redirect to another address", func(t *testing.T) {
		var elsewhere atomic.Int32
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
		t.Cleanup(other.Close)
		m := newMITM(t, c.URL, nil, nil)
		m.set(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
			return true
		}, nil)
		d := mitmDevice(t, nil)
		_, err := d.s.Enroll(ctx, codeFor(t, c, m.srv.URL).String(), "kiosk", record.ModeKiosk)
		if !errors.Is(err, ErrRedirected) || EnrollErrorKind(err) != handoff.KindRedirected {
			t.Fatalf("enroll err = %v (kind %q), want ErrRedirected", err, EnrollErrorKind(err))
		}
		if n := elsewhere.Load(); n != 0 {
			t.Fatalf("the other address got %d requests", n)
		}
	})
}

// newCert makes a certificate for name, self-signed when parent is nil.
func newCert(t *testing.T, name string, parent *x509.Certificate, parentKey any) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		parent, parentKey = tmpl, key
	}
	if name == "central.test" {
		tmpl.DNSNames = []string{name}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf
}

func TestPeerChecks(t *testing.T) {
	pin := protocol.TLSPin{Kind: protocol.PinKey}
	for name, tc := range map[string]struct {
		p    peer
		want error
	}{
		"https":                           {peer{url: "https://central.example.org"}, nil},
		"plain http to loopback":          {peer{url: "http://127.0.0.1:8080"}, nil},
		"plain http to another host":      {peer{url: "http://10.0.0.5:8080"}, ErrInsecureURL},
		"plain http allowed by the code":  {peer{url: "http://10.0.0.5:8080", insecureHTTP: true}, nil},
		"a pin with plain http, loopback": {peer{url: "http://127.0.0.1:8080", pin: pin}, ErrInsecureURL},
		"a stored pin that does not read": {peerOf(&outbox.Identity{ServerURL: "https://central.example.org", TLSPin: "K123"}), protocol.ErrPinFormat},
	} {
		t.Run(name, func(t *testing.T) {
			if err := tc.p.check(); !errors.Is(err, tc.want) || (tc.want != nil) != (err != nil) {
				t.Fatalf("check() = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("a client whose transport cannot be pinned is refused", func(t *testing.T) {
		s := quietSyncer(openOutbox(t))
		s.Client = &http.Client{Transport: roundTripper(func(*http.Request) (*http.Response, error) { return nil, errors.New("unused") })}
		if _, err := s.clientFor(peer{url: "https://central.example.org", pin: pin}); err == nil {
			t.Fatal("a pinned peer got a client that does not check the pin")
		}
	})
	t.Run("WrapTransport wraps the pinned transport", func(t *testing.T) {
		s := quietSyncer(openOutbox(t))
		var inner http.RoundTripper
		s.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { inner = rt; return rt }
		if _, err := s.clientFor(peer{url: "https://central.example.org", pin: pin}); err != nil {
			t.Fatal(err)
		}
		tr, ok := inner.(*http.Transport)
		if !ok || tr.TLSClientConfig == nil || tr.TLSClientConfig.VerifyConnection == nil {
			t.Fatalf("wrapped %T without the pin check", inner)
		}
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
