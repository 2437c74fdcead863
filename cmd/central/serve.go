package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/dashboard"
)

// DefaultAddr is where central serve listens unless --addr says.
const DefaultAddr = ":8080"

// ServeCommand runs the server: ParseFlags, then Serve until its context
// ends, then Close; Run does all three.
type ServeCommand struct {
	main  *Main
	ready chan struct{} // closed once listening, for in-process tests; may be nil

	db                                  *dbFlags
	addr, publicURL, campaign, addrFile string
	node                                *central.Node
}

const serveSynopsis = `
central serve --data DIR [--addr HOST:PORT] [--public-url URL] [--campaign FILE] [--addr-file FILE] [--db … | --db-file FILE]

Runs the collection server. On first start it creates DIR (mode 0700) with
central's keys (campaign sealing key, dedupe key, server signing key; mode
0600; back them up) and the database. Every start publishes the campaign
(the built-in CDMX 2016 campaign, or FILE) as a new signed version if its
content differs from the newest published one; central numbers versions
itself. It records in DIR the URL devices must use (--public-url, or
http://ADDR), which "central token" embeds in provisioning codes.
It prints "listening on http://HOST:PORT" to stderr once it accepts
connections. SIGTERM or SIGINT stops it after in-flight requests finish.

The same address serves the device API under /api/v1/, Prometheus metrics
at /metrics, the public receipt check at /receipt and the operator
dashboard at / (create accounts with "central operators add NAME").
Dashboard cookies are Secure unless the request is plain HTTP to a
loopback address (localhost, 127.0.0.1, ::1): a demo on the same machine
works over http://, anything else needs HTTPS in front of central.`

// ParseFlags reads the command line.
func (c *ServeCommand) ParseFlags(args []string) error {
	fs := c.main.newFlagSet("central serve", serveSynopsis)
	c.db = addDBFlags(fs)
	fs.StringVar(&c.addr, "addr", DefaultAddr, "`HOST:PORT` to listen on; port 0 picks a free port")
	fs.StringVar(&c.publicURL, "public-url", "", "`URL` devices must use to reach this server (default http://ADDR)")
	fs.StringVar(&c.campaign, "campaign", "", "campaign JSON `FILE` to publish instead of the built-in one")
	fs.StringVar(&c.addrFile, "addr-file", "", "write the address actually bound (HOST:PORT) to `FILE`, for test harnesses")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	return c.db.check()
}

// Run starts the server and blocks until ctx ends.
func (c *ServeCommand) Run(ctx context.Context, args []string) (err error) {
	if err := c.ParseFlags(args); err != nil {
		return err
	}
	defer func() {
		if cerr := c.Close(); err == nil {
			err = cerr
		}
	}()
	return c.Serve(ctx)
}

// Serve opens the node, listens and serves until ctx ends. Close releases
// what it opened.
func (c *ServeCommand) Serve(ctx context.Context) error {
	name, content := "built-in campaign", assets.DefaultCampaign
	if c.campaign != "" {
		var err error
		name = c.campaign
		if content, err = os.ReadFile(c.campaign); err != nil {
			return fmt.Errorf("read campaign: %w", err)
		}
	}
	node, err := central.Open(ctx, central.Config{
		DataDir: *c.db.data, OpenStore: c.db.opener(c.main, true), Init: true,
		Campaign: content, CampaignSource: name, Surveys: true, Site: site, Logger: c.main.Logger,
	})
	if err != nil {
		return err
	}
	c.node = node
	ln, err := c.listen()
	if err != nil {
		return err
	}
	bound := ln.Addr().String()
	fmt.Fprintf(c.main.Stderr, "listening on http://%s\n", bound)
	fmt.Fprintf(c.main.Stderr, "dashboard on http://%s/ (accounts: central operators add NAME)\n", bound)
	if c.ready != nil {
		close(c.ready)
	}
	c.main.Logger.Info("listening", "addr", bound, "public_url", c.publicURL, "data", *c.db.data)
	if err := node.Serve(ctx, ln); err != nil {
		return err
	}
	c.main.Logger.Info("stopped")
	return nil
}

// listen binds the address and records it: the public URL in the data
// directory, and the bound address in --addr-file.
func (c *ServeCommand) listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	if c.publicURL == "" {
		c.publicURL = central.DefaultPublicURL(ln.Addr().(*net.TCPAddr))
	}
	if err = central.WritePublicURL(*c.db.data, c.publicURL); err == nil && c.addrFile != "" {
		err = writeAddrFile(c.addrFile, ln.Addr().String())
	}
	if err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// Close stops the node; after Run it commits what the writer holds.
func (c *ServeCommand) Close() error {
	if c.node == nil {
		return nil
	}
	return c.node.Close()
}

// site is the operator dashboard and the public receipt check.
func site(store central.OperationsStore, log *slog.Logger) (http.Handler, error) {
	return dashboard.New(dashboard.Config{Store: store, Logger: log})
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
