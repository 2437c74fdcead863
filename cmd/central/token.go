package main

import (
	"context"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

// TokenCommand issues a provisioning code.
type TokenCommand struct {
	main *Main
}

const tokenSynopsis = `
central token --data DIR [--db …] [--url URL] [--mode kiosk|canvasser] [--name NAME] [--ttl DURATION]
              [--tls-pin-cert FILE | --tls-pin-ca FILE] [--insecure-http]

Prints one provisioning code line (URL#2-TOKEN-FINGERPRINT[-PIN|-HTTP]-CHECK)
that enrolls one device, once, before it expires. The URL is the one
"central serve" recorded unless --url is given. --mode and --name, when
given, are what the device is enrolled as whatever it asks for.

For an https:// URL the code pins the TLS key "central serve --tls-cert"
recorded; behind a TLS-terminating proxy give the proxy's certificate
(--tls-pin-cert) or the authority that signs it (--tls-pin-ca) instead.
A plain http:// URL to a host other than this machine is refused unless
--insecure-http says it is meant: devices then send over the network
unencrypted (answers are still signed, and records sealed).`

// Run issues the token and prints the code.
func (c *TokenCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("central token", tokenSynopsis)
	dataDir := fs.String("data", "", dataUsage)
	db := fs.String("db", "", dbUsage)
	serverURL := fs.String("url", "", "server `URL` to put in the code (default: the one central serve recorded)")
	mode := fs.String("mode", "", "enroll the device as `kiosk` or canvasser (default: what the device asks for)")
	name := fs.String("name", "", "device `NAME` shown in listings (default: what the device says)")
	ttl := fs.Duration("ttl", central.DefaultTokenTTL, "how long the code stays usable")
	pinCert := fs.String("tls-pin-cert", "", "pin the key of the TLS certificate in PEM `FILE` (a proxy's in front of central)")
	pinCA := fs.String("tls-pin-ca", "", "pin the key of the certificate authority in PEM `FILE` that signs central's or the proxy's certificate")
	insecure := fs.Bool("insecure-http", false, "allow a plain http:// URL to another machine")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if err := requireData(*dataDir); err != nil {
		return err
	}
	keys, err := central.LoadKeys(*dataDir)
	if err != nil {
		return err
	}
	u := *serverURL
	if u == "" {
		if u, err = central.ReadPublicURL(*dataDir); err != nil {
			return err
		}
	}
	store, err := openStore(ctx, *dataDir, *db, false)
	if err != nil {
		return err
	}
	defer store.Close()
	pin, err := central.CodePin(*dataDir, u, *pinCert, *pinCA)
	if err != nil {
		return err
	}
	now := time.Now()
	code, err := central.IssueCode(ctx, store, keys, central.CodeOptions{
		URL: u, Mode: *mode, Name: *name, TTL: *ttl, Now: now, Pin: pin, InsecureHTTP: *insecure,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(c.main.Stdout, code.String())
	fmt.Fprintf(c.main.Stderr, "valid once, until %s\n", now.Add(*ttl).Format(time.RFC3339))
	return nil
}
