// Command central is the collection server: it enrolls devices, ingests
// their uploads exactly once and publishes campaign content. Its other
// subcommands work on the same data directory, also while a server runs.
// The engine is package central (central.Open); this command holds flags
// and wiring, and each subcommand's help text in help/.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/voces-cdmx/voces/internal/cli"
)

func main() {
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, nil)))
	cli.Main("central", NewMain().Run)
}

// Main runs one central subcommand. Tests run it in-process with their
// own writers.
type Main struct {
	Stdout, Stderr io.Writer
	Logger         *slog.Logger
}

// NewMain returns a Main on the process's standard streams.
func NewMain() *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, Logger: slog.Default()}
}

// command is a subcommand: it parses its own flags from args.
type command interface {
	Run(ctx context.Context, args []string) error
}

// commands are the subcommands by name.
var commands = map[string]func(*Main) command{
	"serve":      func(m *Main) command { return &ServeCommand{main: m} },
	"token":      func(m *Main) command { return &TokenCommand{main: m} },
	"devices":    func(m *Main) command { return &DevicesCommand{main: m} },
	"stats":      func(m *Main) command { return &StatsCommand{main: m} },
	"operators":  func(m *Main) command { return &OperatorsCommand{main: m} },
	"import":     func(m *Main) command { return &ImportCommand{main: m} },
	"export":     func(m *Main) command { return &ExportCommand{main: m} },
	"quarantine": func(m *Main) command { return &QuarantineCommand{main: m} },
	"audit":      func(m *Main) command { return &AuditCommand{main: m} },
	"roll":       func(m *Main) command { return &RollCommand{main: m} },
}

// Run dispatches to the subcommand named by args[0].
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return cli.Usagef("no command given")
	}
	switch newCommand, ok := commands[args[0]]; {
	case ok:
		return newCommand(m).Run(ctx, args[1:])
	case args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	fmt.Fprint(m.Stderr, usage)
	return cli.Usagef("unknown command %q", args[0])
}
