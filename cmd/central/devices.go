package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/backend"
	"github.com/voces-cdmx/voces/internal/central/report"
	"github.com/voces-cdmx/voces/internal/cli"
)

// DevicesCommand lists or revokes devices.
type DevicesCommand struct{ main *Main }

// Run lists or revokes (recording the revocation in the audit log).
func (c *DevicesCommand) Run(ctx context.Context, args []string) error {
	var asJSON bool
	var action string
	return c.main.onNode(ctx, "devices", args, backend.Command{Positional: true,
		Flags: func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print the list as JSON") },
		Check: func(pos []string) (err error) {
			action, err = cli.Action("central devices", pos, cli.Verb{Name: "list"}, cli.Verb{Name: "revoke", Args: []string{"DEVICE"}})
			return err
		},
		Run: func(node *central.Node, pos []string) error {
			if action == "revoke" {
				err := central.RevokeDevice(ctx, node.Store(), node, central.CommandLineActor(), pos[1], time.Now())
				if err == nil {
					fmt.Fprintf(c.main.Stdout, "revoked %s\n", pos[1])
				}
				return err
			}
			devices, err := node.Store().Devices(ctx)
			switch {
			case err != nil:
				return err
			case asJSON:
				return report.DevicesJSON(c.main.Stdout, devices)
			}
			return report.Devices(c.main.Stdout, devices)
		}})
}
