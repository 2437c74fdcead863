package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/pgstore"
	"github.com/voces-cdmx/voces/internal/dashboard"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// Defaults of central serve.
const (
	DefaultAddr = ":8080"
	// DefaultShutdownTimeout is how long in-flight requests get to finish
	// after SIGTERM; an upload on a 2G link can take tens of seconds.
	DefaultShutdownTimeout = 60 * time.Second
)

// ServeCommand runs the server.
type ServeCommand struct {
	main  *Main
	ready chan struct{} // closed once listening, for in-process tests; may be nil
}

const serveSynopsis = `
central serve --data DIR [--addr HOST:PORT] [--public-url URL] [--tls-cert FILE --tls-key FILE] [--campaign FILE] [--addr-file FILE] [--db …]

Runs the collection server. On first start it creates DIR (mode 0700) with
central's keys (campaign sealing key, dedupe key, server signing key; mode
0600; back them up) and the database. Every start publishes the campaign
(the built-in CDMX 2016 campaign, or FILE) as a new signed version if its
content differs from the newest published one; central numbers versions
itself. It records in DIR the URL devices must use (--public-url, or
http://ADDR), which "central token" embeds in provisioning codes.
With --tls-cert and --tls-key (PEM files) it serves HTTPS, the default
URL is https://ADDR, and it records the pin of the certificate's key in
DIR for "central token" to put in codes (keep the key when renewing the
certificate, or devices enrolled with the pin refuse the new one).
It prints "listening on http://HOST:PORT" (or https://) to stderr once it
accepts connections. SIGTERM or SIGINT stops it after in-flight requests finish.

The same address serves the device API under /api/v1/, Prometheus metrics
at /metrics, the public receipt check at /receipt and the operator
dashboard at / (create accounts with "central operators add NAME").
Dashboard cookies are Secure unless the request is plain HTTP to a
loopback address (localhost, 127.0.0.1, ::1): a demo on the same machine
works over http://, anything else needs HTTPS in front of central.`

// Run starts the server and blocks until ctx ends.
func (c *ServeCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("central serve", serveSynopsis)
	dataDir := fs.String("data", "", dataUsage)
	addr := fs.String("addr", DefaultAddr, "`HOST:PORT` to listen on; port 0 picks a free port")
	publicURL := fs.String("public-url", "", "`URL` devices must use to reach this server (default http://ADDR)")
	campaignFile := fs.String("campaign", "", "campaign JSON `FILE` to publish instead of the built-in one")
	addrFile := fs.String("addr-file", "", "write the address actually bound (HOST:PORT) to `FILE`, for test harnesses")
	db := fs.String("db", "", dbUsage)
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with the certificate chain in PEM `FILE` (with --tls-key)")
	tlsKey := fs.String("tls-key", "", "the certificate's private key, PEM `FILE`")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	tlsConf, tlsPin, err := central.LoadTLS(*tlsCert, *tlsKey)
	if err != nil {
		return err
	}
	if err := requireData(*dataDir); err != nil {
		return err
	}
	log := c.main.Logger

	_, statErr := os.Stat(filepath.Join(*dataDir, central.ServerKeyFile))
	fresh := errors.Is(statErr, os.ErrNotExist)
	keys, err := central.InitDir(*dataDir)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *dataDir, *db, true)
	if err != nil {
		return err
	}
	defer store.Close()
	if ps, ok := store.(*pgstore.Store); ok {
		ps.Log = log
	}
	if err := checkKeysMatchStore(ctx, store, keys); err != nil {
		if fresh {
			// Keys made a moment ago for a database that already has
			// its own: remove them so the right ones can be copied in.
			for _, name := range []string{central.SealKeyFile, central.SealPublicFile, central.DedupeKeyFile, central.ServerKeyFile} {
				os.Remove(filepath.Join(*dataDir, name))
			}
		}
		return err
	}
	srv := central.NewServer(store, keys)
	srv.Logger = log
	srv.Metrics = central.NewMetrics(store, time.Now)
	if err := srv.Open(ctx); err != nil {
		return err
	}
	defer srv.Close()
	handler, err := mountSite(srv, store, log)
	if err != nil {
		return err
	}

	name, content := "built-in campaign", assets.DefaultCampaign
	if *campaignFile != "" {
		name = *campaignFile
		if content, err = os.ReadFile(*campaignFile); err != nil {
			return fmt.Errorf("read campaign: %w", err)
		}
	}
	version, changed, err := srv.Publish(ctx, name, content)
	if err != nil {
		return err
	}
	log.Info("campaign", "version", version, "published_now", changed, "source", filepath.Base(name))
	defer startSurveys(ctx, store, keys, log)()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	bound := ln.Addr().String()
	u := *publicURL
	if u == "" {
		u = defaultPublicURL(ln.Addr().(*net.TCPAddr), tlsConf != nil)
	}
	if err := central.WritePublicURL(*dataDir, u); err != nil {
		ln.Close()
		return err
	}
	if err := central.WriteTLSPin(*dataDir, tlsPin); err != nil {
		ln.Close()
		return err
	}
	if *addrFile != "" {
		if err := writeAddrFile(*addrFile, bound); err != nil {
			ln.Close()
			return err
		}
	}

	hs := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 30 * time.Second,
		// A 1 MB batch over a 2G link takes minutes; anything slower is a
		// stuck client holding a connection.
		ReadTimeout:    5 * time.Minute,
		WriteTimeout:   5 * time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		TLSConfig:      tlsConf,
	}
	errc := make(chan error, 1)
	go func() { errc <- central.Serve(hs, ln) }()
	scheme := "http"
	if tlsConf != nil {
		scheme = "https"
	}
	fmt.Fprintf(c.main.Stderr, "listening on %s://%s\n", scheme, bound)
	fmt.Fprintf(c.main.Stderr, "dashboard on %s://%s/ (accounts: central operators add NAME)\n", scheme, bound)
	if c.ready != nil {
		close(c.ready)
	}
	log.Info("listening", "addr", bound, "public_url", u, "data", *dataDir)

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), DefaultShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// mountSite puts the device API under /api/, Prometheus metrics at
// /metrics, and the operator dashboard and public receipt check (/receipt)
// everywhere else.
func mountSite(srv *central.Server, store central.Store, log *slog.Logger) (http.Handler, error) {
	ops, ok := store.(central.OperationsStore)
	if !ok {
		return nil, errors.New("this database does not provide the operator views the dashboard needs")
	}
	dash, err := dashboard.New(dashboard.Config{Store: ops, Logger: log})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", srv)
	mux.Handle("/metrics", srv.Metrics.Handler())
	mux.Handle("/", dash)
	return mux, nil
}

// defaultPublicURL is http://ADDR (https:// when serving TLS), with an
// address devices can reach when the server listens on all interfaces:
// the machine's first non-loopback IPv4 address, or its host name.
func defaultPublicURL(a *net.TCPAddr, tls bool) string {
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

// writeAddrFile writes the bound address through a rename, so a harness
// polling for the file never reads half of it.
func writeAddrFile(name, addr string) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, []byte(addr+"\n"), 0o644); err != nil {
		return fmt.Errorf("write addr file: %w", err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("write addr file: %w", err)
	}
	return nil
}

// checkKeysMatchStore refuses to serve a database with keys it was not
// made with: a second central node started on a shared PostgreSQL with an
// empty data directory would otherwise make new keys, hand devices a
// campaign key nobody can open and a dedupe key that splits signers.
func checkKeysMatchStore(ctx context.Context, store central.Store, keys *central.Keys) error {
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
			central.ServerKeyFile, central.DedupeKeyFile, central.SealPublicFile, central.SealKeyFile)
	}
	return nil
}
