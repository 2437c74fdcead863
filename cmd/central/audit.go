package main

import (
	"context"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/backend"
	"github.com/voces-cdmx/voces/internal/central/report"
	"github.com/voces-cdmx/voces/internal/cli"
)

// AuditCommand verifies the audit log or signs a checkpoint of it.
type AuditCommand struct{ main *Main }

// Run verifies (failing unless the chain and every checkpoint hold) or
// signs a checkpoint.
func (c *AuditCommand) Run(ctx context.Context, args []string) error {
	var action string
	return c.main.onNode(ctx, "audit", args, backend.Command{Positional: true,
		Check: func(pos []string) (err error) {
			action, err = cli.Action("central audit", pos, cli.Verb{Name: "verify"}, cli.Verb{Name: "checkpoint"})
			return err
		},
		Run: func(node *central.Node, _ []string) error {
			return report.AuditAction(ctx, c.main.Stdout, node, action)
		}})
}
