package central

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// How fresh the progress document is. A fleet polling PathProgress reads
// the counters at most once per DefaultProgressTTL, whatever its size;
// when the counts have not changed the same document (same serial, same
// ETag: a 304) is served until it is DefaultProgressRefresh old, so a
// kiosk's "as of" time stays recent while it is online.
const (
	DefaultProgressTTL     = 15 * time.Second
	DefaultProgressRefresh = 10 * time.Minute
)

// progressDoc is one signed progress document, pre-encoded.
type progressDoc struct {
	doc       protocol.Progress
	body      []byte // the signed JSON
	gzipped   []byte
	signature string // base64 std, for HeaderAnswerSignature
	etag      string
	checked   time.Time // when the counters were last read for it
}

// progressCache holds the newest document; one builder at a time.
type progressCache struct {
	mu    sync.Mutex
	cur   *progressDoc
	known map[[2]string]bool // crossings (proposal, tier) this process has stored
}

// Progress returns the current signed progress document: the one built
// less than DefaultProgressTTL ago, or one built now from the counters.
// Building it also records tier crossings (CheckTiers). Serials come from
// the clock in milliseconds and always grow within a process; nodes
// sharing a database issue serials from their own clocks, so a device
// switching nodes may refuse one document as older and take the next.
func (s *Server) Progress(ctx context.Context) (doc *protocol.Progress, body, signature []byte, err error) {
	d, err := s.progress(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	sig, _ := base64.StdEncoding.DecodeString(d.signature)
	p := d.doc
	return &p, d.body, sig, nil
}

func (s *Server) progress(ctx context.Context) (*progressDoc, error) {
	now := s.Now().UTC()
	s.prog.mu.Lock()
	defer s.prog.mu.Unlock()
	cur := s.prog.cur
	if cur != nil && now.Sub(cur.checked) < s.ProgressTTL && now.Sub(cur.checked) >= 0 {
		return cur, nil
	}
	if err := s.refreshCampaigns(ctx); err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	latest := s.campaigns.newest()
	if latest == nil {
		return nil, refuse(protocol.CodeUnavailable, "no campaign has been published yet")
	}
	counts, _, err := TierCounts(ctx, s.store)
	if err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	if err := s.recordCrossings(ctx, crossingsOf(latest.campaign, counts, now)); err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	proposals := progressOf(latest.campaign, counts)
	if cur != nil && cur.doc.CampaignVersion == latest.Version && now.Sub(cur.doc.CountedAt) < s.ProgressRefresh &&
		sameProgress(cur.doc.Proposals, proposals) {
		cur.checked = now
		return cur, nil
	}
	serial := uint64(now.UnixMilli())
	if cur != nil && serial <= cur.doc.Serial {
		serial = cur.doc.Serial + 1
	}
	d, err := s.signProgress(protocol.Progress{CampaignID: latest.CampaignID, CampaignVersion: latest.Version,
		Serial: serial, CountedAt: now.Truncate(time.Second), Proposals: proposals})
	if err != nil {
		return nil, err
	}
	d.checked = now
	s.prog.cur = d
	return d, nil
}

// recordCrossings stores the crossings this process has not stored yet,
// so a document built every few seconds writes nothing once every
// crossing is known. Call it with s.prog.mu held.
func (s *Server) recordCrossings(ctx context.Context, all []Crossing) error {
	if s.prog.known == nil {
		s.prog.known = make(map[[2]string]bool)
	}
	var fresh []Crossing
	for _, c := range all {
		if !s.prog.known[[2]string{c.Proposal, c.Tier}] {
			fresh = append(fresh, c)
		}
	}
	if err := s.store.RecordCrossings(ctx, fresh); err != nil {
		return err
	}
	for _, c := range fresh {
		s.prog.known[[2]string{c.Proposal, c.Tier}] = true
	}
	return nil
}

// progressOf places each proposal of c that has signers on its ladder, in
// campaign order.
func progressOf(c *campaign.Campaign, counts map[string]int64) []protocol.ProposalProgress {
	out := []protocol.ProposalProgress{}
	for i := range c.Proposals {
		p := &c.Proposals[i]
		if n := counts[p.ID]; n > 0 {
			out = append(out, protocol.ProposalProgress{ID: p.ID, Signers: n, Tier: campaign.Stand(c.TiersOf(p), n).Reached})
		}
	}
	return out
}

func sameProgress(a, b []protocol.ProposalProgress) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (s *Server) signProgress(doc protocol.Progress) (*progressDoc, error) {
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode progress: %w", err)
	}
	gz, err := gzipBytes(body)
	if err != nil {
		return nil, fmt.Errorf("compress progress: %w", err)
	}
	return &progressDoc{
		doc: doc, body: body, gzipped: gz,
		signature: base64.StdEncoding.EncodeToString(protocol.SignProgress(s.keys.Signing, body)),
		etag:      `"p` + strconv.FormatUint(doc.Serial, 10) + `"`,
	}, nil
}

// handleProgress serves the progress document: 304 for a device that has
// it, gzip when asked (a few hundred bytes either way for a campaign of
// tens of proposals), signed in HeaderAnswerSignature.
func (s *Server) handleProgress(w http.ResponseWriter, r *http.Request) error {
	d, err := s.progress(r.Context())
	if err != nil {
		if ae := (*apiError)(nil); errors.As(err, &ae) {
			return ae
		}
		return unavailable(err)
	}
	h := w.Header()
	h.Set("ETag", d.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	if etagMatches(r.Header.Get("If-None-Match"), d.etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	body := d.body
	if acceptsGzip(r) && len(d.gzipped) < len(d.body) {
		body = d.gzipped
		h.Set("Content-Encoding", "gzip")
	}
	h.Set(protocol.HeaderAnswerSignature, d.signature)
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return nil
}
