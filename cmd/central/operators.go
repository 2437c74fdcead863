package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
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

// Run lists, adds or changes the password of an operator.
func (c *OperatorsCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("operators")
	db := c.main.dbFlags(fs, true)
	pos, err := db.parse(fs, args)
	if err != nil {
		return err
	}
	name := []string{"NAME"}
	action, err := cli.Action("central operators", pos, cli.Verb{Name: "list"}, cli.Verb{Name: "add", Args: name}, cli.Verb{Name: "passwd", Args: name})
	if err != nil {
		return err
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if action == "list" {
		list, err := store.ListOperators(ctx)
		if err != nil {
			return fmt.Errorf("list operators: %w", err)
		}
		return report.Operators(c.main.Stdout, list)
	}
	return c.setPassword(ctx, store, action, pos[1])
}

// setPassword adds an operator (action "add") or changes one's password
// ("passwd"), with the password read from standard input.
func (c *OperatorsCommand) setPassword(ctx context.Context, ops central.Operators, action, name string) error {
	if name = strings.TrimSpace(name); name == "" || strings.ContainsAny(name, " \t\r\n") {
		return cli.Usagef("an operator name is one word without spaces")
	}
	hash, err := dashboard.ReadNewPassword(c.Stdin, c.main.Stderr, name)
	if err != nil {
		return err
	}
	what, done := "add operator", "added operator %s\n"
	if action == "add" {
		err = ops.CreateOperator(ctx, central.Operator{Name: name, PasswordHash: hash, CreatedAt: time.Now().UTC()})
	} else {
		what, done = "set password", "changed the password of %s\n"
		err = ops.SetOperatorPassword(ctx, name, hash)
	}
	switch {
	case errors.Is(err, central.ErrExists):
		return fmt.Errorf("operator %q already exists; use passwd to change the password", name)
	case errors.Is(err, central.ErrNotFound):
		return fmt.Errorf("no operator %q", name)
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	}
	fmt.Fprintf(c.main.Stdout, done, name)
	return nil
}
