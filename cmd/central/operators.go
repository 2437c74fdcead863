package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/backend"
	"github.com/voces-cdmx/voces/internal/central/report"
	"github.com/voces-cdmx/voces/internal/cli"
	"github.com/voces-cdmx/voces/internal/dashboard"
)

// OperatorsCommand manages dashboard accounts.
type OperatorsCommand struct {
	main *Main
	// Stdin is where passwords are read; nil means os.Stdin (with a
	// prompt on a terminal).
	Stdin io.Reader
}

var operatorVerbs = []cli.Verb{{Name: "list"}, {Name: "add", Args: []string{"NAME"}}, {Name: "passwd", Args: []string{"NAME"}},
	{Name: "disable", Args: []string{"NAME"}}, {Name: "remove", Args: []string{"NAME"}}, {Name: "role", Args: []string{"NAME", "ROLE"}}}

// Run lists, adds, changes, disables or removes an operator; each change
// is recorded in the audit log as made by the command line's user.
func (c *OperatorsCommand) Run(ctx context.Context, args []string) error {
	var roleFlag, action string
	var role central.Role
	return c.main.onNode(ctx, "operators", args, backend.Command{Positional: true,
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(&roleFlag, "role", string(central.RoleViewer), "`ROLE` of a new operator: viewer, moderator, data-officer or admin")
		},
		Check: func(pos []string) (err error) {
			if action, err = cli.Action("central operators", pos, operatorVerbs...); err != nil {
				return err
			}
			if action == "role" {
				roleFlag = pos[2]
			}
			if role, err = central.ParseRole(roleFlag); err == nil && action != "list" {
				err = central.CheckOperatorName(strings.TrimSpace(pos[1]))
			}
			if err != nil {
				return cli.Usagef("%v", err)
			}
			return nil
		},
		Run: func(node *central.Node, pos []string) error {
			if action == "list" {
				return report.OperatorList(ctx, c.main.Stdout, node.Store())
			}
			ops := central.OperatorAdmin{Store: node.Store(), Audit: node, Actor: central.CommandLineActor()}
			return c.change(ctx, ops, action, strings.TrimSpace(pos[1]), role)
		}})
}

// change reads the new password (add, passwd) and applies the change.
func (c *OperatorsCommand) change(ctx context.Context, ops central.OperatorAdmin, action, name string, role central.Role) (err error) {
	var hash string
	if action == "add" || action == "passwd" {
		if hash, err = dashboard.ReadNewPassword(c.Stdin, c.main.Stderr, name); err != nil {
			return err
		}
	}
	done, err := ops.Apply(ctx, action, name, hash, role, time.Now())
	if err == nil {
		fmt.Fprintln(c.main.Stdout, done)
	}
	return err
}
