package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
)

// TestServeDoesNotPublishAFileOverTheDashboard: once an operator has
// published from the dashboard, `serve` at its next start neither
// republishes the built-in campaign over it nor a changed --campaign
// FILE, unless --campaign-replace says so.
func TestServeDoesNotPublishAFileOverTheDashboard(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	file := filepath.Join(t.TempDir(), "campaign.json")
	if err := os.WriteFile(file, changedCampaignJSON(t), 0o644); err != nil {
		t.Fatal(err)
	}
	p := centraltest.StartProcess(t, bin, dir, "--campaign", file)
	p.Stop(t)

	// An operator publishes version 2 from the dashboard (the engine the
	// dashboard calls, on the same data directory).
	ctx := context.Background()
	node, err := central.Open(ctx, central.Config{DataDir: dir, OpenStore: func(ctx context.Context) (central.OperationsStore, error) {
		return sqlitestore.Open(ctx, filepath.Join(dir, central.DBFile))
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = central.EditDraft(ctx, node.Store(), node.AuditLog(), "mara", "title", central.AnyRevision, time.Now(), func(c *campaign.Campaign) error {
		c.Title["en"] = "From the dashboard"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := node.Server().PublishDraft(ctx, node.AuditLog(), "alma", central.AnyRevision); err != nil || v != 2 {
		t.Fatalf("publish from the dashboard: %d %v", v, err)
	}
	if err := node.Close(); err != nil {
		t.Fatal(err)
	}

	// The same file as before, and the built-in campaign, leave it.
	for _, args := range [][]string{{"--campaign", file}, nil} {
		p = centraltest.StartProcess(t, bin, dir, args...)
		if st := statsOf(t, p); st.CampaignVersion != 2 {
			t.Errorf("serve %v: version %d, want the dashboard's 2", args, st.CampaignVersion)
		}
		p.Stop(t)
	}
	// A changed file is refused, saying why and what to do.
	c, err := campaign.Parse("changed", changedCampaignJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	c.Title["es"] = "Otra edición del archivo"
	data, _ := campaign.Marshal(c)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = run(t, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--campaign", file)
	if err == nil || !strings.Contains(err.Error(), "alma published from the dashboard") || !strings.Contains(err.Error(), "--campaign-replace") {
		t.Fatalf("serve with a changed file over the dashboard's version: %v", err)
	}
	p = centraltest.StartProcess(t, bin, dir, "--campaign", file, "--campaign-replace")
	if st := statsOf(t, p); st.CampaignVersion != 3 {
		t.Errorf("with --campaign-replace: version %d, want 3", st.CampaignVersion)
	}
	p.Stop(t)
}
