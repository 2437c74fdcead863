// Package cli is what the Voces commands share on their command line:
// flag sets that report errors instead of exiting, flags allowed between
// positional arguments, usage errors (exit status 2) and a main that ends
// on SIGINT or SIGTERM and maps errors to exit statuses.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// UsageError is a mistake on the command line; Main exits 2 for it.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{fmt.Sprintf(format, args...)}
}

// Main runs run with the process's arguments and a context that ends on
// the first SIGINT or SIGTERM (a second one kills at once, as usual), and
// exits: 0 on success or --help, 2 on a UsageError, 1 on any other error,
// printed after "name:".
func Main(name string, run func(ctx context.Context, args []string) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:])
	var ue *UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// NewFlagSet returns a flag set that reports errors instead of exiting
// and, for --help, prints "Usage: " and help, then the flags, on out.
func NewFlagSet(name, help string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: %s\n\nFlags:\n", strings.TrimSpace(help))
		fs.PrintDefaults()
	}
	return fs
}

// Parse parses flags that may come before, between or after the
// positional arguments, so `central devices revoke dev-x --data DIR`
// works as well as the flags-first form, and returns the positional ones.
// A bad flag is a UsageError; --help is flag.ErrHelp.
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &UsageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// NoArgs refuses positional arguments a command does not take.
func NoArgs(pos []string) error {
	if len(pos) > 0 {
		return Usagef("unexpected argument %q", pos[0])
	}
	return nil
}

// Verb is an action a command takes as its first positional argument,
// with the arguments it wants after it (e.g. "revoke" wants "DEVICE").
type Verb struct {
	Name string
	Args []string
}

// Action returns the action pos names (the first verb when pos is
// empty) after checking it is one of verbs with its arguments, or a
// UsageError in the words of command (e.g. "central devices"). A verb
// without arguments given some is not known.
func Action(command string, pos []string, verbs ...Verb) (string, error) {
	if len(pos) == 0 {
		return verbs[0].Name, nil
	}
	forms := make([]string, len(verbs))
	for i, v := range verbs {
		forms[i] = strings.Join(append([]string{v.Name}, v.Args...), " ")
	}
	for i, v := range verbs {
		switch {
		case v.Name != pos[0]:
		case len(pos) == 1+len(v.Args):
			return v.Name, nil
		case len(v.Args) > 0:
			return "", Usagef("usage: %s %s", command, forms[i])
		}
	}
	list := strings.Join(forms[:len(forms)-1], ", ") + " or " + forms[len(forms)-1]
	return "", Usagef("unknown %s action %q; use %s", command[strings.LastIndex(command, " ")+1:], pos[0], list)
}
