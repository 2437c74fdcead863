package central

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/voces-cdmx/voces/internal/protocol"
)

// DefaultShutdownTimeout is how long in-flight requests get to finish
// once Serve's context ends; an upload on a 2G link can take tens of
// seconds.
const DefaultShutdownTimeout = 60 * time.Second

// Config says how Open runs a node. DataDir and OpenStore are required.
type Config struct {
	// DataDir holds central's keys and the recorded public URL.
	DataDir string
	// OpenStore opens the database. Open calls it once the data
	// directory exists (Init may have just made it); the node closes
	// what it returns.
	OpenStore func(ctx context.Context) (OperationsStore, error)
	// Init makes the data directory and its keys when they are missing,
	// and refuses a database published with other keys (removing keys
	// made a moment ago for it). Without Init the keys must exist.
	Init bool
	// Campaign, when set, is published as a new signed version if it
	// differs from the newest one. CampaignSource names it in logs.
	Campaign       []byte
	CampaignSource string
	// CampaignReplace publishes Campaign even over a version published
	// from the dashboard (see Server.PublishFile).
	CampaignReplace bool
	// Surveys runs the workers that need the campaign private key, when
	// the data directory holds it: survey aggregation, and the body check
	// that quarantines records whose sealed body does not open.
	Surveys bool
	// SurveyInterval is how often survey aggregation runs;
	// DefaultSurveyInterval when 0.
	SurveyInterval time.Duration
	// BodyCheckInterval is how often the body check runs;
	// DefaultBodyCheckInterval when 0.
	BodyCheckInterval time.Duration
	// Site serves what is neither the device API (/api/) nor /metrics:
	// the operator dashboard. It is given the node (its store, keys,
	// logger and audit log). Nil leaves those paths to the API's
	// not-found answer.
	Site func(n *Node) (http.Handler, error)
	// NoSubmissions makes this central refuse residents' proposals and
	// assemblies: the campaigns it publishes list no extra kinds, so
	// devices do not offer those flows (central serve --no-submissions).
	NoSubmissions bool
	// AbuseThreshold is how many submissions a device may send in an
	// hour before it is flagged; DefaultAbuseThreshold when 0.
	AbuseThreshold int
	// Logger receives the node's logs; nil discards them.
	Logger *slog.Logger
	// TLSCertFile and TLSKeyFile, when set, make Serve answer HTTPS with
	// that certificate chain and key (PEM, see LoadTLS); Listen then
	// defaults the public URL to https and records the pin of the key
	// for codes.
	TLSCertFile, TLSKeyFile string
}

// Node is a running central: its keys, its database, the ingest pipeline
// with its HTTP API and the background workers. Create it with Open and
// stop it with Close.
type Node struct {
	dataDir string             // keys and the recorded public URL
	keys    *Keys              // central's secrets
	store   OperationsStore    // the database, closed by Close
	server  *Server            // ingest pipeline and device API
	audit   *AuditLog          // the chained audit log
	handler http.Handler       // API, metrics and site
	log     *slog.Logger       // never personal data
	cancel  context.CancelFunc // stops the workers
	wg      sync.WaitGroup     // the workers
	closed  sync.Once
	err     error           // Close's first error
	tls     *tls.Config     // HTTPS, nil for plain HTTP
	tlsPin  protocol.TLSPin // the served certificate's key, for codes
	mod     *Moderation     // the moderation desk's engine
}

// Open loads (or with Init makes) the keys, opens the database and checks
// the keys against it, publishes the campaign, starts the ingest writer
// and the workers, and builds the HTTP handler. On error nothing is left
// running.
func Open(ctx context.Context, cfg Config) (_ *Node, err error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	// Before the keys: a certificate that does not load should not
	// leave a fresh data directory behind.
	tlsConf, tlsPin, err := LoadTLS(cfg.TLSCertFile, cfg.TLSKeyFile)
	if err != nil {
		return nil, err
	}
	keys, store, err := openKeysAndStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	n := &Node{dataDir: cfg.DataDir, keys: keys, store: store, log: log, cancel: func() {}, tls: tlsConf, tlsPin: tlsPin, audit: NewAuditLog(store, keys.Signing)}
	defer func() {
		if err != nil {
			n.Close()
		}
	}()
	n.server = NewServer(store, keys)
	n.server.Logger = log
	n.server.Metrics = NewMetrics(store, time.Now)
	if cfg.NoSubmissions {
		n.server.Kinds = nil
	}
	n.mod = NewModeration(n.server, store, n.audit, keys)
	if cfg.AbuseThreshold > 0 {
		n.mod.AbuseThreshold = cfg.AbuseThreshold
	}
	if err := n.server.Open(ctx); err != nil {
		return nil, err
	}
	if cfg.Campaign != nil {
		version, changed, err := n.server.PublishFile(ctx, cfg.CampaignSource, cfg.Campaign, cfg.CampaignReplace)
		if err != nil {
			return nil, err
		}
		log.Info("campaign", "version", version, "published_now", changed, "source", filepath.Base(cfg.CampaignSource))
	}
	if n.handler, err = n.mount(cfg.Site); err != nil {
		return nil, err
	}
	if cfg.Surveys {
		n.startKeyWorkers(cmp.Or(cfg.SurveyInterval, DefaultSurveyInterval), cmp.Or(cfg.BodyCheckInterval, DefaultBodyCheckInterval))
	}
	return n, nil
}

// openKeysAndStore is the first step of Open: keys, then the database the
// data directory may hold, then the check that they belong together.
func openKeysAndStore(ctx context.Context, cfg Config) (*Keys, OperationsStore, error) {
	if cfg.DataDir == "" || cfg.OpenStore == nil {
		return nil, nil, errors.New("open central: no data directory or database")
	}
	if !cfg.Init {
		keys, err := LoadKeys(cfg.DataDir)
		if err != nil {
			return nil, nil, err
		}
		store, err := cfg.OpenStore(ctx)
		return keys, store, err
	}
	_, statErr := os.Stat(filepath.Join(cfg.DataDir, ServerKeyFile))
	fresh := errors.Is(statErr, os.ErrNotExist)
	keys, err := InitDir(cfg.DataDir)
	if err != nil {
		return nil, nil, err
	}
	store, err := cfg.OpenStore(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := checkKeysMatchStore(ctx, store, keys); err != nil {
		store.Close()
		if fresh {
			// Keys made a moment ago for a database that already has
			// its own: remove them so the right ones can be copied in.
			for _, name := range keyFiles {
				os.Remove(filepath.Join(cfg.DataDir, name))
			}
		}
		return nil, nil, err
	}
	return keys, store, nil
}

// checkKeysMatchStore refuses to serve a database with keys it was not
// made with: a second central node started on a shared PostgreSQL with an
// empty data directory would otherwise make new keys, hand devices a
// campaign key nobody can open and a dedupe key that splits signers.
func checkKeysMatchStore(ctx context.Context, store Store, keys *Keys) error {
	versions, err := store.Campaigns(ctx)
	if err != nil {
		return fmt.Errorf("check keys: %w", err)
	}
	if len(versions) == 0 {
		return nil
	}
	c := versions[len(versions)-1]
	if !protocol.VerifyCampaign(keys.ServerKey(), c.Version, c.Content, c.Signature) {
		return fmt.Errorf("the database was published with other keys than this data directory's: copy %s, %s, %s and %s from an existing node (or a backup) into the data directory",
			ServerKeyFile, DedupeKeyFile, SealPublicFile, SealKeyFile)
	}
	return nil
}

// mount puts the device API under /api/, Prometheus metrics at /metrics
// and the site (the operator dashboard and the public receipt check)
// everywhere else.
func (n *Node) mount(site func(*Node) (http.Handler, error)) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.Handle("/api/", n.server)
	mux.Handle("/metrics", n.server.Metrics.Handler())
	if site == nil {
		mux.Handle("/", n.server)
		return mux, nil
	}
	h, err := site(n)
	if err != nil {
		return nil, err
	}
	mux.Handle("/", h)
	return mux, nil
}

// startKeyWorkers runs survey aggregation and the body check until
// Close, when this node holds the campaign key pair. Each opens every
// record it handles once, off the ingest path.
func (n *Node) startKeyWorkers(surveys, bodies time.Duration) {
	if n.keys.SealPrivate == nil || n.keys.SealPublic == nil {
		n.log.Info("survey aggregation and body checks off: no campaign private key in the data directory")
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	n.wg.Add(4)
	go func() {
		defer n.wg.Done()
		RunSubmissions(ctx, n.store, n.keys.SealPublic, n.keys.SealPrivate, surveys, n.log)
	}()
	go func() {
		defer n.wg.Done()
		RunRollChecks(ctx, n.store, n.dataDir, n.keys.SealPublic, n.keys.SealPrivate, surveys, n.log)
	}()
	go func() {
		defer n.wg.Done()
		RunSurveys(ctx, n.store, n.keys.SealPublic, n.keys.SealPrivate, surveys, n.log)
	}()
	go func() {
		defer n.wg.Done()
		RunBodyChecks(ctx, n.store, n.keys.SealPublic, n.keys.SealPrivate, bodies, n.log)
	}()
}

// Keys are the node's keys.
func (n *Node) Keys() *Keys { return n.keys }

// Store is the node's database.
func (n *Node) Store() OperationsStore { return n.store }

// DataDir is the node's data directory.
func (n *Node) DataDir() string { return n.dataDir }

// Logger is the node's logger.
func (n *Node) Logger() *slog.Logger { return n.log }

// AuditLog is the node's audit log, for checkpoints.
func (n *Node) AuditLog() *AuditLog { return n.audit }

// Audit appends one entry to the audit log: who (an operator's name, or
// CommandLineActor), what (an Audit* action) and details that name no
// person. Every decision an operator makes goes through here.
func (n *Node) Audit(ctx context.Context, actor, action string, details map[string]string) error {
	return n.audit.Audit(ctx, actor, action, details)
}

// VerifyAudit checks the audit log's chain and its signed checkpoints.
func (n *Node) VerifyAudit(ctx context.Context) (AuditReport, error) {
	return VerifyAudit(ctx, n.store, n.keys.ServerKey())
}

// Server is the ingest pipeline and device API.
func (n *Node) Server() *Server { return n.server }

// Moderation is the moderation desk's engine.
func (n *Node) Moderation() *Moderation { return n.mod }

// Handler serves the device API, the metrics and the site.
func (n *Node) Handler() http.Handler { return n.handler }

// Scheme is "https" when the node serves TLS, else "http".
func (n *Node) Scheme() string {
	if n.tls != nil {
		return "https"
	}
	return "http"
}

// Listen binds addr and records in the data directory the URL devices
// must use: publicURL, or http:// (https:// when serving TLS) with the
// bound address when it is "", and the pin of the TLS key it serves with
// (removing an old one when it serves plain HTTP).
// When addrFile is set it also writes the bound HOST:PORT there, through
// a rename, so a harness polling for the file never reads half of it.
// It returns the listener and the URL.
func (n *Node) Listen(addr, publicURL, addrFile string) (net.Listener, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("listen: %w", err)
	}
	if publicURL == "" {
		publicURL = DefaultPublicURL(ln.Addr().(*net.TCPAddr), n.tls != nil)
	}
	err = WritePublicURL(n.dataDir, publicURL)
	if err == nil {
		err = WriteTLSPin(n.dataDir, n.tlsPin)
	}
	if err == nil && addrFile != "" {
		if err = writeFileAtomic(addrFile, []byte(ln.Addr().String()+"\n"), 0o644); err != nil {
			err = fmt.Errorf("write addr file: %w", err)
		}
	}
	if err != nil {
		ln.Close()
		return nil, "", err
	}
	return ln, publicURL, nil
}

// Serve answers HTTP on ln until ctx ends, then lets in-flight requests
// finish for up to DefaultShutdownTimeout.
func (n *Node) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           n.handler,
		ReadHeaderTimeout: 30 * time.Second,
		// A 1 MB batch over a 2G link takes minutes; anything slower is a
		// stuck client holding a connection.
		ReadTimeout:    5 * time.Minute,
		WriteTimeout:   5 * time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(n.log.Handler(), slog.LevelWarn),
		TLSConfig:      n.tls,
	}
	errc := make(chan error, 1)
	go func() { errc <- Serve(hs, ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	n.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), DefaultShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// Close stops the workers, then the ingest writer after it committed
// what it was given, then closes the database, keeping the first error.
// Call it after Serve returned. Calling it again returns the same error.
func (n *Node) Close() error {
	n.closed.Do(func() {
		n.cancel()
		n.wg.Wait()
		if n.server != nil {
			n.err = n.server.Close()
		}
		if err := n.store.Close(); err != nil && n.err == nil {
			n.err = err
		}
	})
	return n.err
}

// DefaultPublicURL is http://ADDR (https:// when tls), with an address
// devices can reach when the server listens on all interfaces: the
// machine's first non-loopback IPv4 address, or its host name.
func DefaultPublicURL(a *net.TCPAddr, tls bool) string {
	port := strconv.Itoa(a.Port)
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	if !a.IP.IsUnspecified() {
		return scheme + net.JoinHostPort(a.IP.String(), port)
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, ad := range addrs {
			if n, ok := ad.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
				return scheme + net.JoinHostPort(n.IP.String(), port)
			}
		}
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return scheme + net.JoinHostPort(host, port)
}

// IssueCode issues a provisioning code (central.IssueCode) as `central
// token` does: for o.URL, or the URL the data directory records when it
// is "", and unless o.Pin is set with the pin CodePin chooses from
// pinCert, pinCA and the data directory.
func (n *Node) IssueCode(ctx context.Context, o CodeOptions, pinCert, pinCA string) (protocol.ProvisioningCode, error) {
	if o.URL == "" {
		var err error
		if o.URL, err = ReadPublicURL(n.dataDir); err != nil {
			return protocol.ProvisioningCode{}, err
		}
	}
	if o.Pin.IsZero() {
		var err error
		if o.Pin, err = CodePin(n.dataDir, o.URL, pinCert, pinCA); err != nil {
			return protocol.ProvisioningCode{}, err
		}
	}
	code, err := IssueCode(ctx, n.store, n.keys, o)
	if err != nil {
		return code, err
	}
	return code, n.Audit(ctx, CommandLineActor(), AuditToken, map[string]string{"mode": o.Mode, "name": o.Name, "ttl": o.TTL.String()})
}
