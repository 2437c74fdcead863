package backend

import (
	"context"
	"flag"
	"log/slog"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/cli"
)

const (
	dataUsage   = "central's data directory `DIR`: keys, the recorded public URL and the SQLite database"
	dbUsage     = "`DATABASE` to use instead of DIR/" + central.DBFile + ": a SQLite file path, or a postgres://USER:PASSWORD@HOST/DB URL (DIR still holds the keys)"
	dbFileUsage = "read the --db value from `FILE` (not readable by others), so a PostgreSQL password is not on the command line"
)

// Flags are the flags of every central command that opens its database:
// --data, --db and --db-file.
type Flags struct {
	Data, DB, DBFile *string
	positional       bool // the command takes positional arguments
	log              *slog.Logger
}

// BindFlags declares the database flags on fs.
func BindFlags(fs *flag.FlagSet, positional bool, log *slog.Logger) *Flags {
	return &Flags{fs.String("data", "", dataUsage), fs.String("db", "", dbUsage), fs.String("db-file", "", dbFileUsage), positional, log}
}

// Parse parses args and refuses a command line without --data, with
// positional arguments the command does not take, or with both --db and
// --db-file; it reads --db-file before anything is made.
func (f *Flags) Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	pos, err := cli.Parse(fs, args)
	switch {
	case err != nil:
		return nil, err
	case !f.positional && len(pos) > 0:
		return nil, cli.NoArgs(pos)
	case *f.Data == "":
		return nil, cli.Usagef("--data DIR is required")
	case *f.DB != "" && *f.DBFile != "":
		return nil, cli.Usagef("--db and --db-file name the same thing; give one")
	case *f.DBFile != "":
		*f.DB, err = ReadDBFile(*f.DBFile)
	}
	return pos, err
}

// Opener is the OpenStore of a central.Config; only serve creates.
func (f *Flags) Opener(create bool) func(context.Context) (central.OperationsStore, error) {
	return func(ctx context.Context) (central.OperationsStore, error) {
		return Open(ctx, Options{DataDir: *f.Data, DB: *f.DB, Create: create, Logger: f.log})
	}
}

// Node opens central on the data directory (which must be initialised),
// for commands that need its keys or its audit log.
func (f *Flags) Node(ctx context.Context) (*central.Node, error) {
	return central.Open(ctx, central.Config{DataDir: *f.Data, OpenStore: f.Opener(false), Logger: f.log})
}

// Command is a central subcommand that works through a node.
type Command struct {
	Positional bool                                // it takes positional arguments
	Flags      func(fs *flag.FlagSet)              // declares its own flags; may be nil
	Check      func(pos []string) error            // usage checks before anything opens; may be nil
	Run        func(*central.Node, []string) error // the work, with the positional arguments
}

// RunOnNode parses fs with the database flags and c's, checks them, opens
// the node, runs c and closes the node, returning Close's error if
// nothing else failed.
func RunOnNode(ctx context.Context, fs *flag.FlagSet, log *slog.Logger, args []string, c Command) error {
	db := BindFlags(fs, c.Positional, log)
	if c.Flags != nil {
		c.Flags(fs)
	}
	pos, err := db.Parse(fs, args)
	if err == nil && c.Check != nil {
		err = c.Check(pos)
	}
	if err != nil {
		return err
	}
	node, err := db.Node(ctx)
	if err != nil {
		return err
	}
	defer node.Close()
	if err := c.Run(node, pos); err != nil {
		return err
	}
	return node.Close()
}
