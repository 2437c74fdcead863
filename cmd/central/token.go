package main

import (
	"context"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/report"
)

// TokenCommand issues a provisioning code.
type TokenCommand struct{ main *Main }

// Run issues the token and prints the code.
func (c *TokenCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("token")
	db := c.main.dbFlags(fs, false)
	serverURL := fs.String("url", "", "server `URL` to put in the code (default: the one central serve recorded)")
	mode := fs.String("mode", "", "enroll the device as `kiosk` or canvasser (default: what the device asks for)")
	name := fs.String("name", "", "device `NAME` shown in listings (default: what the device says)")
	ttl := fs.Duration("ttl", central.DefaultTokenTTL, "how long the code stays usable")
	pinCert := fs.String("tls-pin-cert", "", "pin the key of the TLS certificate in PEM `FILE` (a proxy's in front of central)")
	pinCA := fs.String("tls-pin-ca", "", "pin the key of the certificate authority in PEM `FILE` that signs central's or the proxy's certificate")
	insecure := fs.Bool("insecure-http", false, "allow a plain http:// URL to another machine")
	if _, err := db.Parse(fs, args); err != nil {
		return err
	}
	node, err := db.Node(ctx)
	if err != nil {
		return err
	}
	defer node.Close()
	now := time.Now()
	code, err := node.IssueCode(ctx, central.CodeOptions{
		URL: *serverURL, Mode: *mode, Name: *name, TTL: *ttl, Now: now, InsecureHTTP: *insecure,
	}, *pinCert, *pinCA)
	if err == nil {
		report.Code(c.main.Stdout, c.main.Stderr, code, now.Add(*ttl))
	}
	return err
}
