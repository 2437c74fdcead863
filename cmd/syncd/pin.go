package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/pinguard"
)

// PINCommand sets the device's technician PIN.
type PINCommand struct {
	m *Main
}

const pinAbout = `Sets the technician PIN of this device, which opens the kiosk's technician
menu. A kiosk without one does not collect: it asks for a technician.

The PIN (6 to 12 digits) is read from the first line of --pin-file, or from
standard input with --pin-file -, never from the command line, where other
users of the machine and the shell history would see it. It is stored as a
slow argon2id hash; any technician PIN lockout is lifted.
`

// Run sets the PIN.
func (c *PINCommand) Run(ctx context.Context, args []string) error {
	fs := c.m.flagSet("pin", "--db PATH --pin-file FILE|-", pinAbout)
	db := fs.String("db", "", "outbox `file` of this device")
	file := fs.String("pin-file", "", "`file` whose first line is the PIN; - for standard input")
	if err := parse(fs, args, db); err != nil {
		return err
	}
	if *file == "" {
		fs.Usage()
		return usageError{errors.New("--pin-file is required")}
	}
	pin, err := readPIN(*file, c.m.Stdin)
	if err != nil {
		return err
	}
	store, err := outbox.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := setPIN(ctx, store, pin); err != nil {
		return err
	}
	fmt.Fprintln(c.m.Stdout, "technician pin set")
	return nil
}

// readPIN reads a PIN from the first line of file ("-" for in) and checks
// its format, so a bad one is refused before anything else happens.
func readPIN(file string, in io.Reader) (string, error) {
	var r io.Reader = in
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("read pin: %w", err)
		}
		defer f.Close()
		r = f
	}
	if r == nil {
		return "", errors.New("read pin: no standard input")
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read pin: %w", err)
	}
	pin := strings.TrimSpace(line)
	if err := pinguard.CheckFormat(pin); err != nil {
		return "", usageError{fmt.Errorf("pin: %w", err)}
	}
	return pin, nil
}

// setPIN stores the technician PIN's slow hash.
func setPIN(ctx context.Context, store *outbox.Store, pin string) error {
	g := pinguard.New(store)
	g.Params = pinParams
	return g.Set(ctx, pin)
}

// pinParams are the hash costs of PINs set here; tests lower them.
var pinParams = pinguard.DefaultParams
