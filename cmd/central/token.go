package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/backend"
)

// TokenCommand issues a provisioning code.
type TokenCommand struct {
	main *Main
}

// Run prints a new code and when it stops working.
func (c *TokenCommand) Run(ctx context.Context, args []string) error {
	var serverURL, mode, name string
	var ttl time.Duration
	return c.main.onNode(ctx, "token", args, backend.Command{Flags: func(fs *flag.FlagSet) {
		fs.StringVar(&serverURL, "url", "", "server `URL` to put in the code (default: the one central serve recorded)")
		fs.StringVar(&mode, "mode", "", "enroll the device as `kiosk` or canvasser (default: what the device asks for)")
		fs.StringVar(&name, "name", "", "device `NAME` shown in listings (default: what the device says)")
		fs.DurationVar(&ttl, "ttl", central.DefaultTokenTTL, "how long the code stays usable")
	},
		Run: func(node *central.Node, _ []string) error {
			now := time.Now()
			code, err := node.IssueCode(ctx, serverURL, mode, name, ttl, now)
			if err != nil {
				return err
			}
			fmt.Fprintln(c.main.Stdout, code.String())
			fmt.Fprintf(c.main.Stderr, "valid once, until %s\n", now.Add(ttl).Format(time.RFC3339))
			return nil
		}})
}
