package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/backend"
	"github.com/voces-cdmx/voces/internal/cli"
	"github.com/voces-cdmx/voces/internal/dashboard"
)

// DefaultAddr is where central serve listens unless --addr says.
const DefaultAddr = ":8080"

// ServeCommand runs the server: ParseFlags, then Serve until its context
// ends, then Close; Run does all three.
type ServeCommand struct {
	main  *Main
	ready chan struct{} // closed once listening, for in-process tests; may be nil

	db                                         *backend.Flags
	addr, publicURL, addrFile, tlsCert, tlsKey string
	campaign                                   cli.CampaignFlags // --campaign and --campaign-replace
	trustedProxies                             cli.Prefixes      // from --trusted-proxy
	submissions                                central.SubmissionFlags
	node                                       *central.Node
}

// ParseFlags reads the command line.
func (c *ServeCommand) ParseFlags(args []string) error {
	fs := c.main.newFlagSet("serve")
	c.db = c.main.dbFlags(fs, true)
	fs.StringVar(&c.addr, "addr", DefaultAddr, "`HOST:PORT` to listen on; port 0 picks a free port")
	fs.StringVar(&c.publicURL, "public-url", "", "`URL` devices must use to reach this server (default http://ADDR)")
	c.campaign.Register(fs)
	fs.StringVar(&c.addrFile, "addr-file", "", "write the address actually bound (HOST:PORT) to `FILE`, for test harnesses")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "serve HTTPS with the certificate chain in PEM `FILE` (with --tls-key)")
	fs.StringVar(&c.tlsKey, "tls-key", "", "the certificate's private key, PEM `FILE`")
	c.submissions.Register(fs)
	fs.Var(&c.trustedProxies, "trusted-proxy", "`CIDR[,CIDR]` of reverse proxies whose X-Forwarded-For names the client for rate limits")
	_, err := c.db.Parse(fs, args)
	return err
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
	name, content, err := central.CampaignFile(c.campaign.File)
	if err != nil {
		return err
	}
	node, err := central.Open(ctx, central.Config{
		DataDir: *c.db.Data, OpenStore: c.db.Opener(true), Init: true,
		Campaign: content, CampaignSource: name, CampaignReplace: c.campaign.Replace, Surveys: true, Site: c.site, Logger: c.main.Logger,
		TLSCertFile: c.tlsCert, TLSKeyFile: c.tlsKey, NoSubmissions: c.submissions.Off, AbuseThreshold: c.submissions.AbuseThreshold,
	})
	if err != nil {
		return err
	}
	c.node = node
	ln, publicURL, err := node.Listen(c.addr, c.publicURL, c.addrFile)
	if err != nil {
		return err
	}
	bound := ln.Addr().String()
	fmt.Fprintf(c.main.Stderr, "listening on %s://%s\n", node.Scheme(), bound)
	fmt.Fprintf(c.main.Stderr, "dashboard on %s://%s/ (accounts: central operators add NAME)\n", node.Scheme(), bound)
	if c.ready != nil {
		close(c.ready)
	}
	c.main.Logger.Info("listening", "addr", bound, "public_url", publicURL, "data", *c.db.Data)
	if err := node.Serve(ctx, ln); err != nil {
		return err
	}
	c.main.Logger.Info("stopped")
	return nil
}

// Close stops the node; after Run it commits what the writer holds.
func (c *ServeCommand) Close() error {
	if c.node == nil {
		return nil
	}
	return c.node.Close()
}

// site is the operator dashboard and the public receipt check. The public
// URL decides its cookies' Secure flag; an empty one (http://ADDR by
// default) is plain HTTP.
func (c *ServeCommand) site(n *central.Node) (http.Handler, error) {
	return dashboard.New(dashboard.Config{Store: n.Store(), Publisher: n.Server(), Audit: n.AuditLog(), Keys: n.Keys(), Moderation: n.Moderation(), Logger: n.Logger(), PublicURL: c.publicURL, TrustedProxies: c.trustedProxies, RollKey: func() ([]byte, error) { return central.LoadRollKey(n.DataDir(), false) }})
}
