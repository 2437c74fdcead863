// Command central is the collection server: it enrolls devices, ingests
// their uploads exactly once and publishes campaign content. Its other
// subcommands work on the same data directory, also while a server runs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal a second one kills at once, as usual.
		<-ctx.Done()
		stop()
	}()
	err := NewMain().Run(ctx, os.Args[1:])
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, "central:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "central:", err)
		os.Exit(1)
	}
}

// Main runs one central subcommand. Tests run it in-process with their
// own writers.
type Main struct {
	Stdout io.Writer
	Stderr io.Writer
	Logger *slog.Logger
}

// NewMain returns a Main on the process's standard streams.
func NewMain() *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, Logger: slog.Default()}
}

const usage = `central is the Voces collection server.

Usage:
  central serve   --data DIR [--addr HOST:PORT] [--public-url URL] [--campaign FILE] [--addr-file FILE] [--db … | --db-file FILE]
  central token   --data DIR [--db … | --db-file FILE] [--url URL] [--mode kiosk|canvasser] [--name NAME] [--ttl DURATION]
  central devices --data DIR [--db … | --db-file FILE] [--json] [list | revoke DEVICE]
  central stats   --data DIR [--db … | --db-file FILE] [--json]
  central operators --data DIR [--db … | --db-file FILE] [list | add NAME | passwd NAME]
  central export  --data DIR [--db … | --db-file FILE] --out FILE [--format csv|pdf] [--key FILE] [--kind KIND]
  central import  --data DIR [--db … | --db-file FILE] [--allow-revoked] BUNDLE…

Run "central COMMAND --help" for a command's flags.
`

// Run dispatches to the subcommand named by args[0].
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return &usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return (&ServeCommand{main: m}).Run(ctx, rest)
	case "token":
		return (&TokenCommand{main: m}).Run(ctx, rest)
	case "devices":
		return (&DevicesCommand{main: m}).Run(ctx, rest)
	case "stats":
		return (&StatsCommand{main: m}).Run(ctx, rest)
	case "operators":
		return (&OperatorsCommand{main: m}).Run(ctx, rest)
	case "import":
		return (&ImportCommand{main: m}).Run(ctx, rest)
	case "export":
		return (&ExportCommand{main: m}).Run(ctx, rest)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	fmt.Fprint(m.Stderr, usage)
	return &usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// usageError is a mistake on the command line; main exits 2 for it.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints synopsis then flags for --help.
func (m *Main) newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: %s\n\nFlags:\n", strings.TrimSpace(synopsis))
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses flags that may come before, between or after the
// positional arguments, so `central devices revoke dev-x --data DIR` works
// as well as the flags-first form.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}
