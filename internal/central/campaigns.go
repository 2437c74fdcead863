package central

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// published is one campaign version as the server holds it in memory:
// parsed for record checks, and its answer pre-encoded so a fleet polling
// for content costs no work per request.
type published struct {
	PublishedCampaign
	campaign *campaign.Campaign
	etag     string
	body     []byte // CampaignResponse JSON
	gzipped  []byte // body, gzip-compressed

	deltaMu sync.Mutex
	deltas  map[int]*encodedDelta // from version → its delta answer, made on first request
}

// encodedDelta is a delta answer, pre-encoded like the whole version.
type encodedDelta struct {
	body, gzipped []byte // nil: no delta worth sending from that version
}

// Deltas: a device at most MaxDeltaSpan versions behind gets the change
// rather than the whole version, when the change is smaller than half of
// it. Further behind, or when most of the content changed, the whole
// version is cheaper to make and no dearer to send.
const MaxDeltaSpan = 32

// campaignCache holds every published version. Versions are immutable once
// published, so only new ones are ever added.
type campaignCache struct {
	mu        sync.RWMutex
	byVersion map[int]*published
	ids       map[string]bool // campaign ids of any version
	latest    *published

	reload sync.Mutex // one reload from the store at a time
}

func (c *campaignCache) get(version int) *published {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byVersion[version]
}

func (c *campaignCache) knownID(id string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.ids[id]
}

func (c *campaignCache) newest() *published {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.latest
}

func (c *campaignCache) add(p *published) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byVersion == nil {
		c.byVersion = make(map[int]*published)
		c.ids = make(map[string]bool)
	}
	c.byVersion[p.Version] = p
	c.ids[p.CampaignID] = true
	if c.latest == nil || p.Version > c.latest.Version {
		c.latest = p
	}
}

func newPublished(pc PublishedCampaign) (*published, error) {
	c, err := campaign.Parse(fmt.Sprintf("campaign version %d", pc.Version), pc.Content)
	if err != nil {
		return nil, err
	}
	if c.Version != pc.Version || c.ID != pc.CampaignID {
		return nil, fmt.Errorf("campaign version %d: content says %s version %d", pc.Version, c.ID, c.Version)
	}
	body, err := json.Marshal(protocol.CampaignResponse{Version: pc.Version, Content: pc.Content, Signature: pc.Signature})
	if err != nil {
		return nil, fmt.Errorf("encode campaign version %d: %w", pc.Version, err)
	}
	gzipped, err := gzipBytes(body)
	if err != nil {
		return nil, fmt.Errorf("compress campaign version %d: %w", pc.Version, err)
	}
	return &published{
		PublishedCampaign: pc,
		campaign:          c,
		etag:              `"v` + strconv.Itoa(pc.Version) + `"`,
		body:              body,
		gzipped:           gzipped,
	}, nil
}

// refreshCampaigns loads versions the store has and the cache does not: published by
// this process before, or by another node sharing the database.
func (s *Server) refreshCampaigns(ctx context.Context) error {
	latest, err := s.store.LatestCampaignVersion(ctx)
	if err != nil {
		return fmt.Errorf("latest campaign version: %w", err)
	}
	if p := s.campaigns.newest(); p != nil && p.Version >= latest {
		return nil
	}
	s.campaigns.reload.Lock()
	defer s.campaigns.reload.Unlock()
	all, err := s.store.Campaigns(ctx)
	if err != nil {
		return fmt.Errorf("load campaigns: %w", err)
	}
	for _, pc := range all {
		if s.campaigns.get(pc.Version) != nil {
			continue
		}
		p, err := newPublished(pc)
		if err != nil {
			return fmt.Errorf("load campaigns: %w", err)
		}
		s.campaigns.add(p)
	}
	return nil
}

// Publish makes the campaign in data the current version if its content
// differs from the newest published one, and returns the version in force.
// Central numbers versions itself: the file's "version" is replaced by the
// next number, so versions only ever grow whatever the file says. The
// version records name as who published it and comes from a file; see
// PublishFile for the check `central serve --campaign` makes first.
func (s *Server) Publish(ctx context.Context, name string, data []byte) (version int, changed bool, err error) {
	c, err := campaign.Parse(name, data)
	if err != nil {
		return 0, false, fmt.Errorf("publish campaign: %w", err)
	}
	return s.publish(ctx, c, name, SourceFile)
}

// publish is the one way a version is made, whatever it comes from (a
// file, the dashboard's draft, new responses): every response recorded so
// far is put on c's proposals, central numbers and signs it, and nothing
// is stored when the content is the newest version's.
func (s *Server) publish(ctx context.Context, c *campaign.Campaign, by, source string) (version int, changed bool, err error) {
	if err := s.refreshCampaigns(ctx); err != nil {
		return 0, false, fmt.Errorf("publish campaign: %w", err)
	}
	if latest := s.campaigns.newest(); latest != nil {
		keepCitizenContent(c, latest.campaign)
	}
	if err := withResponses(ctx, s.store, c); err != nil {
		return 0, false, fmt.Errorf("publish campaign: %w", err)
	}
	// The kinds this central takes travel with every version, so a
	// device offers only the flows it can deliver (whatever the file says).
	c.Kinds = slices.Clone(s.Kinds)
	next := 1
	if latest := s.campaigns.newest(); latest != nil {
		c.Version = latest.Version
		same, err := campaign.Marshal(c)
		if err != nil {
			return 0, false, fmt.Errorf("publish campaign: %w", err)
		}
		if bytes.Equal(same, latest.Content) {
			return latest.Version, false, nil
		}
		next = latest.Version + 1
	}
	c.Version = next
	// The validation again, after the responses went on: a response the
	// store holds for a tier this content no longer has is left out by
	// withResponses, and anything else wrong must not reach a device.
	if err := c.Validate(); err != nil {
		return 0, false, fmt.Errorf("publish campaign: %w", err)
	}
	content, err := campaign.Marshal(c)
	if err != nil {
		return 0, false, fmt.Errorf("publish campaign: %w", err)
	}
	if len(content) > protocol.MaxCampaignDocument {
		return 0, false, fmt.Errorf("publish campaign: %d bytes; devices accept at most %d", len(content), protocol.MaxCampaignDocument)
	}
	pc := PublishedCampaign{
		Version:     next,
		CampaignID:  c.ID,
		Content:     content,
		Signature:   protocol.SignCampaign(s.keys.Signing, next, content),
		PublishedAt: s.Now().UTC(),
		PublishedBy: by,
		Source:      source,
	}
	p, err := newPublished(pc)
	if err != nil {
		return 0, false, fmt.Errorf("publish campaign: %w", err)
	}
	if err := s.store.PublishCampaign(ctx, pc); err != nil {
		return 0, false, fmt.Errorf("publish campaign version %d: %w", next, err)
	}
	s.campaigns.add(p)
	return next, true, nil
}

// PublishResponses publishes the newest version again with every
// response recorded since (SaveResponse), as the next version; it changes
// nothing when there is no new response.
func (s *Server) PublishResponses(ctx context.Context) (version int, changed bool, err error) {
	return s.PublishAnswers(ctx, CommandLineActor())
}

// PublishAnswers is PublishResponses by an operator: the new version
// keeps the newest one's source, so answering never makes a draft or a
// campaign file look overtaken (drafts and files hold no responses).
func (s *Server) PublishAnswers(ctx context.Context, by string) (version int, changed bool, err error) {
	if err := s.refreshCampaigns(ctx); err != nil {
		return 0, false, fmt.Errorf("publish responses: %w", err)
	}
	latest := s.campaigns.newest()
	if latest == nil {
		return 0, false, fmt.Errorf("publish responses: no campaign has been published yet")
	}
	c, err := campaign.Parse(fmt.Sprintf("campaign version %d", latest.Version), latest.Content)
	if err != nil {
		return 0, false, fmt.Errorf("publish responses: %w", err)
	}
	return s.publish(ctx, c, by, cmp.Or(latest.Source, SourceFile))
}

// delta returns the answer that takes a device from version from to p,
// or nil when it should get the whole version.
func (s *Server) delta(p *published, from int) (*encodedDelta, error) {
	if from < 1 || from >= p.Version || p.Version-from > MaxDeltaSpan {
		return nil, nil
	}
	p.deltaMu.Lock()
	defer p.deltaMu.Unlock()
	if d, ok := p.deltas[from]; ok {
		return d, nil
	}
	old := s.campaigns.get(from)
	if old == nil {
		return nil, nil
	}
	d := &encodedDelta{}
	if delta := protocol.MakeDelta(old.Content, p.Content); len(delta) < len(p.Content)/2 {
		body, err := json.Marshal(protocol.CampaignResponse{Version: p.Version, Signature: p.Signature, From: from, Delta: delta})
		if err != nil {
			return nil, fmt.Errorf("encode campaign delta %d→%d: %w", from, p.Version, err)
		}
		if d.gzipped, err = gzipBytes(body); err != nil {
			return nil, fmt.Errorf("compress campaign delta %d→%d: %w", from, p.Version, err)
		}
		d.body = body
	}
	if p.deltas == nil {
		p.deltas = make(map[int]*encodedDelta)
	}
	p.deltas[from] = d
	return d, nil
}

func gzipBytes(b []byte) ([]byte, error) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return z.Bytes(), nil
}

// handleCampaign serves the newest campaign version. The ETag is the
// version, so a device that has it gets 304 and a few bytes. A device that
// says which version it holds (HeaderCampaignHave) gets a delta from it
// when one is worth sending.
func (s *Server) handleCampaign(w http.ResponseWriter, r *http.Request) error {
	if err := s.refreshCampaigns(r.Context()); err != nil {
		return unavailable(err)
	}
	p := s.campaigns.newest()
	if p == nil {
		return refuse(protocol.CodeUnavailable, "no campaign has been published yet")
	}
	h := w.Header()
	h.Set("ETag", p.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding, "+protocol.HeaderCampaignHave)
	if etagMatches(r.Header.Get("If-None-Match"), p.etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	body, gzipped := p.body, p.gzipped
	if have, err := strconv.Atoi(r.Header.Get(protocol.HeaderCampaignHave)); err == nil {
		d, err := s.delta(p, have)
		if err != nil {
			return err
		}
		if d != nil && d.body != nil {
			body, gzipped = d.body, d.gzipped
		}
	}
	if acceptsGzip(r) {
		body = gzipped
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return nil
}

// etagMatches implements If-None-Match's weak comparison.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// LoadCampaigns parses every published version, oldest first, for what
// reads records of any version (exports' titles and survey columns).
func LoadCampaigns(ctx context.Context, store Store) ([]*campaign.Campaign, error) {
	pcs, err := store.Campaigns(ctx)
	if err != nil {
		return nil, fmt.Errorf("load campaigns: %w", err)
	}
	out := make([]*campaign.Campaign, 0, len(pcs))
	for _, pc := range pcs {
		c, err := campaign.Parse(fmt.Sprintf("campaign version %d", pc.Version), pc.Content)
		if err != nil {
			return nil, fmt.Errorf("load campaigns: %w", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// CampaignFile reads the campaign content a server publishes: file, or
// the built-in CDMX 2016 campaign when file is "". source names it in
// logs.
func CampaignFile(file string) (source string, content []byte, err error) {
	if file == "" {
		return BuiltInCampaign, assets.DefaultCampaign, nil
	}
	if content, err = os.ReadFile(file); err != nil {
		return "", nil, fmt.Errorf("read campaign: %w", err)
	}
	return file, content, nil
}

// keepCitizenContent adds to c the residents' proposals and assemblies the
// moderation desk published into newest (their ids are device-made, see
// record.IsSubmissionID) that c lacks. A campaign file knows nothing of
// them, so without this, `central serve` publishing its file again on a
// restart would unpublish every one.
func keepCitizenContent(c, newest *campaign.Campaign) {
	for _, p := range newest.Proposals {
		if record.IsSubmissionID(record.KindProposal, p.ID) && c.Proposal(p.ID) == nil {
			p.Responses = nil // withResponses puts the stored ones back
			if c.Theme(p.Theme) == nil && len(c.Themes) > 0 {
				// The file dropped its theme: it stays published, under
				// the file's first theme, rather than stop central.
				p.Theme = c.Themes[0].ID
			}
			c.Proposals = append(c.Proposals, p)
		}
	}
	for _, e := range newest.Events {
		if record.IsSubmissionID(record.KindEventProposal, e.ID) && c.Event(e.ID) == nil {
			c.Events = append(c.Events, e)
		}
	}
}
