package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/dashboard"
)

// OperatorsCommand manages dashboard accounts.
type OperatorsCommand struct {
	main *Main
	// Stdin is where passwords are read; nil means os.Stdin.
	Stdin io.Reader
}

const operatorsSynopsis = `
central operators --data DIR [--db … | --db-file FILE] [list | add NAME | passwd NAME]

Manages the accounts that may sign in to the dashboard. add and passwd read
the password from the first line of standard input (at least 10
characters); on a terminal they prompt for it, and the typed password is
visible, so prefer piping it: printf '%s\n' "$PW" | central operators add ana.
Passwords are stored only as argon2id hashes. list shows names and when each
account was created.`

// Run lists, adds or changes the password of an operator.
func (c *OperatorsCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("central operators", operatorsSynopsis)
	db := addDBFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := db.check(); err != nil {
		return err
	}
	action := "list"
	if len(pos) > 0 {
		action = pos[0]
	}
	switch {
	case action == "list" && len(pos) <= 1:
	case (action == "add" || action == "passwd") && len(pos) == 2:
	case action == "add" || action == "passwd":
		return &usageError{fmt.Sprintf("usage: central operators %s NAME", action)}
	default:
		return &usageError{fmt.Sprintf("unknown operators action %q; use list, add NAME or passwd NAME", action)}
	}
	store, err := db.open(ctx, c.main)
	if err != nil {
		return err
	}
	defer store.Close()
	if action == "list" {
		return c.list(ctx, store)
	}
	return c.setPassword(ctx, store, action, pos[1])
}

// setPassword adds an operator (action "add") or changes one's password
// ("passwd"), with the password read from standard input.
func (c *OperatorsCommand) setPassword(ctx context.Context, ops central.Operators, action, name string) error {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " \t\r\n") {
		return &usageError{"an operator name is one word without spaces"}
	}
	hash, err := c.readPassword(name)
	if err != nil {
		return err
	}
	if action == "add" {
		err = ops.CreateOperator(ctx, central.Operator{Name: name, PasswordHash: hash, CreatedAt: time.Now().UTC()})
		if errors.Is(err, central.ErrExists) {
			return fmt.Errorf("operator %q already exists; use passwd to change the password", name)
		}
		if err != nil {
			return fmt.Errorf("add operator: %w", err)
		}
		fmt.Fprintf(c.main.Stdout, "added operator %s\n", name)
		return nil
	}
	err = ops.SetOperatorPassword(ctx, name, hash)
	if errors.Is(err, central.ErrNotFound) {
		return fmt.Errorf("no operator %q", name)
	}
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	fmt.Fprintf(c.main.Stdout, "changed the password of %s\n", name)
	return nil
}

// readPassword reads one line and hashes it, prompting on stderr when
// standard input is a terminal.
func (c *OperatorsCommand) readPassword(name string) (string, error) {
	in := c.Stdin
	if in == nil {
		in = os.Stdin
		if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintf(c.main.Stderr, "password for %s (at least %d characters): ", name, dashboard.MinPasswordLength)
		}
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("read password: no password on standard input")
	}
	hash, err := dashboard.HashPassword(strings.TrimRight(line, "\r\n"))
	if err != nil {
		return "", err
	}
	return hash, nil
}

func (c *OperatorsCommand) list(ctx context.Context, ops central.Operators) error {
	list, err := ops.ListOperators(ctx)
	if err != nil {
		return fmt.Errorf("list operators: %w", err)
	}
	tw := tabwriter.NewWriter(c.main.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCREATED\tSTATE")
	for _, o := range list {
		state := "active"
		if !o.DisabledAt.IsZero() {
			state = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", o.Name, o.CreatedAt.Local().Format("2006-01-02 15:04"), state)
	}
	return tw.Flush()
}
