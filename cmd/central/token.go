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
central token --data DIR [--db … | --db-file FILE] [--url URL] [--mode kiosk|canvasser] [--name NAME] [--ttl DURATION]

Prints one provisioning code line (URL#TOKEN-FINGERPRINT-CHECK) that enrolls
one device, once, before it expires. The URL is the one "central serve"
recorded unless --url is given. --mode and --name, when given, are what the
device is enrolled as whatever it asks for.`

// Run issues the token and prints the code.
func (c *TokenCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("central token", tokenSynopsis)
	db := addDBFlags(fs)
	serverURL := fs.String("url", "", "server `URL` to put in the code (default: the one central serve recorded)")
	mode := fs.String("mode", "", "enroll the device as `kiosk` or canvasser (default: what the device asks for)")
	name := fs.String("name", "", "device `NAME` shown in listings (default: what the device says)")
	ttl := fs.Duration("ttl", central.DefaultTokenTTL, "how long the code stays usable")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if err := db.check(); err != nil {
		return err
	}
	keys, err := central.LoadKeys(*db.data)
	if err != nil {
		return err
	}
	u := *serverURL
	if u == "" {
		if u, err = central.ReadPublicURL(*db.data); err != nil {
			return err
		}
	}
	store, err := db.open(ctx, c.main)
	if err != nil {
		return err
	}
	defer store.Close()
	now := time.Now()
	code, err := central.IssueToken(ctx, store, keys, u, *mode, *name, *ttl, now)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.main.Stdout, code.String())
	fmt.Fprintf(c.main.Stderr, "valid once, until %s\n", now.Add(*ttl).Format(time.RFC3339))
	return nil
}
