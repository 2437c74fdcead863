package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"

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
	trustedProxies                      []netip.Prefix // from --trusted-proxy
	node                                *central.Node
}

// ParseFlags reads the command line.
func (c *ServeCommand) ParseFlags(args []string) error {
	fs := c.main.newFlagSet("serve")
	c.db = c.main.dbFlags(fs, true)
	fs.StringVar(&c.addr, "addr", DefaultAddr, "`HOST:PORT` to listen on; port 0 picks a free port")
	fs.StringVar(&c.publicURL, "public-url", "", "`URL` devices must use to reach this server (default http://ADDR)")
	fs.StringVar(&c.campaign, "campaign", "", "campaign JSON `FILE` to publish instead of the built-in one")
	fs.StringVar(&c.addrFile, "addr-file", "", "write the address actually bound (HOST:PORT) to `FILE`, for test harnesses")
	trusted := fs.String("trusted-proxy", "", "`CIDR[,CIDR]` of reverse proxies whose X-Forwarded-For names the client for rate limits")
	if _, err := c.db.parse(fs, args); err != nil {
		return err
	}
	var err error
	if c.trustedProxies, err = parsePrefixes(*trusted); err != nil {
		return &usageError{Msg: fmt.Sprintf("--trusted-proxy: %v", err)}
	}
	return nil
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
	name, content, err := central.CampaignFile(c.campaign)
	if err != nil {
		return err
	}
	node, err := central.Open(ctx, central.Config{
		DataDir: *c.db.data, OpenStore: c.db.opener(true), Init: true,
		Campaign: content, CampaignSource: name, Surveys: true, Site: c.site, Logger: c.main.Logger,
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
	fmt.Fprintf(c.main.Stderr, "listening on http://%s\n", bound)
	fmt.Fprintf(c.main.Stderr, "dashboard on http://%s/ (accounts: central operators add NAME)\n", bound)
	if c.ready != nil {
		close(c.ready)
	}
	c.main.Logger.Info("listening", "addr", bound, "public_url", publicURL, "data", *c.db.data)
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
func (c *ServeCommand) site(store central.OperationsStore, log *slog.Logger) (http.Handler, error) {
	return dashboard.New(dashboard.Config{Store: store, Logger: log, PublicURL: c.publicURL, TrustedProxies: c.trustedProxies})
}

// parsePrefixes reads a comma-separated list of CIDR prefixes; a bare
// address stands for itself alone.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for part := range strings.SplitSeq(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if a, err := netip.ParseAddr(part); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR prefix such as 10.0.0.0/8", part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
