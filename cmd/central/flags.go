package main

import (
	"context"
	"embed"
	"flag"

	"github.com/voces-cdmx/voces/internal/central/backend"
	"github.com/voces-cdmx/voces/internal/cli"
)

// help holds each subcommand's --help text, named after it.
//
//go:embed help/*.txt
var help embed.FS

//go:embed help/usage.txt
var usage string

// newFlagSet returns the flag set of `central NAME`, whose --help prints
// help/NAME.txt then the flags.
func (m *Main) newFlagSet(name string) *flag.FlagSet {
	text, _ := help.ReadFile("help/" + name + ".txt") // embedded: present
	return cli.NewFlagSet("central "+name, string(text), m.Stderr)
}

// dbFlags binds the database flags of a command that opens no node.
func (m *Main) dbFlags(fs *flag.FlagSet, positional bool) *backend.Flags {
	return backend.BindFlags(fs, positional, m.Logger)
}

// onNode runs a command that works through a node.
func (m *Main) onNode(ctx context.Context, name string, args []string, c backend.Command) error {
	return backend.RunOnNode(ctx, m.newFlagSet(name), m.Logger, args, c)
}
