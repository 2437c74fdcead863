package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/report"
	"github.com/voces-cdmx/voces/internal/cli"
)

// DevicesCommand lists or revokes devices.
type DevicesCommand struct {
	main *Main
}

// Run lists or revokes.
func (c *DevicesCommand) Run(ctx context.Context, args []string) error {
	fs := c.main.newFlagSet("devices")
	db := c.main.dbFlags(fs, true)
	asJSON := fs.Bool("json", false, "print the list as JSON")
	pos, err := db.parse(fs, args)
	if err != nil {
		return err
	}
	action, err := cli.Action("central devices", pos, cli.Verb{Name: "list"}, cli.Verb{Name: "revoke", Args: []string{"DEVICE"}})
	if err != nil {
		return err
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if action == "revoke" {
		return c.revoke(ctx, store, pos[1])
	}
	devices, err := store.Devices(ctx)
	switch {
	case err != nil:
		return err
	case *asJSON:
		return report.DevicesJSON(c.main.Stdout, devices)
	}
	return report.Devices(c.main.Stdout, devices)
}

// revoke stops a device's uploads, also while a server runs.
func (c *DevicesCommand) revoke(ctx context.Context, store central.Store, id string) error {
	switch err := store.RevokeDevice(ctx, id, time.Now()); {
	case errors.Is(err, central.ErrNotFound):
		return fmt.Errorf("no device %q", id)
	case err != nil:
		return err
	}
	fmt.Fprintf(c.main.Stdout, "revoked %s\n", id)
	return nil
}
