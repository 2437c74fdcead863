package main

import (
	"context"
	"embed"
	"flag"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/backend"
	"github.com/voces-cdmx/voces/internal/cli"
)

// help holds each subcommand's --help text, named after it.
//
//go:embed help/*.txt
var help embed.FS

//go:embed help/usage.txt
var usage string

const (
	dataUsage   = "central's data directory `DIR`: keys, the recorded public URL and the SQLite database"
	dbUsage     = "`DATABASE` to use instead of DIR/" + central.DBFile + ": a SQLite file path, or a postgres://USER:PASSWORD@HOST/DB URL (DIR still holds the keys)"
	dbFileUsage = "read the --db value from `FILE` (not readable by others), so a PostgreSQL password is not on the command line"
)

// usageError is a mistake on the command line; main exits 2 for it.
type usageError = cli.UsageError

// newFlagSet returns the flag set of `central NAME`, whose --help prints
// help/NAME.txt then the flags.
func (m *Main) newFlagSet(name string) *flag.FlagSet {
	text, _ := help.ReadFile("help/" + name + ".txt") // embedded: present
	return cli.NewFlagSet("central "+name, string(text), m.Stderr)
}

// dbFlags are the flags of every command that opens central's database.
type dbFlags struct {
	main             *Main
	positional       bool // the command takes positional arguments
	data, db, dbFile *string
}

func (m *Main) dbFlags(fs *flag.FlagSet, positional bool) *dbFlags {
	return &dbFlags{m, positional, fs.String("data", "", dataUsage), fs.String("db", "", dbUsage), fs.String("db-file", "", dbFileUsage)}
}

// parse parses args and refuses a command line without --data, with
// positional arguments the command does not take, or with both --db and
// --db-file; it reads --db-file before anything is made.
func (f *dbFlags) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	pos, err := cli.Parse(fs, args)
	switch {
	case err != nil:
		return nil, err
	case !f.positional && len(pos) > 0:
		return nil, cli.NoArgs(pos)
	case *f.data == "":
		return nil, cli.Usagef("--data DIR is required")
	case *f.db != "" && *f.dbFile != "":
		return nil, cli.Usagef("--db and --db-file name the same thing; give one")
	case *f.dbFile != "":
		*f.db, err = backend.ReadDBFile(*f.dbFile)
	}
	return pos, err
}

// opener is the OpenStore of a central.Config; only serve creates.
func (f *dbFlags) opener(create bool) func(context.Context) (central.OperationsStore, error) {
	return func(ctx context.Context) (central.OperationsStore, error) {
		return backend.Open(ctx, backend.Options{DataDir: *f.data, DB: *f.db, Create: create, Logger: f.main.Logger})
	}
}

// open opens the database for a command that needs no keys.
func (f *dbFlags) open(ctx context.Context) (central.OperationsStore, error) {
	return f.opener(false)(ctx)
}
