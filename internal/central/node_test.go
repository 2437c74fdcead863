package central_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
)

// sqliteAt opens (creating) the SQLite database at path for a node.
func sqliteAt(path string) func(context.Context) (central.OperationsStore, error) {
	return func(ctx context.Context) (central.OperationsStore, error) { return sqlitestore.Open(ctx, path) }
}

func serveConfig(dir, db string) central.Config {
	return central.Config{
		DataDir: dir, OpenStore: sqliteAt(db), Init: true,
		Campaign: assets.DefaultCampaign, CampaignSource: "built-in campaign",
	}
}

func TestOpenRunsANodeAndCloseStopsIt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "the dashboard") })
	cfg := serveConfig(dir, filepath.Join(t.TempDir(), "central.db"))
	cfg.Site = func(*central.Node) (http.Handler, error) { return site, nil }
	cfg.Surveys, cfg.SurveyInterval = true, time.Hour // Close must stop the worker mid-wait
	n, err := central.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{central.ServerKeyFile, central.SealKeyFile, central.SealPublicFile, central.DedupeKeyFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("Init made no %s: %v", name, err)
		}
	}
	if v, err := n.Store().LatestCampaignVersion(context.Background()); err != nil || v != 1 {
		t.Errorf("published version %d, %v; want the campaign published as version 1", v, err)
	}
	for path, want := range map[string]string{
		"/api/v1/health": `"status":"ok"`,
		"/metrics":       "voces_devices",
		"/login":         "the dashboard",
	} {
		rec := httptest.NewRecorder()
		n.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s = %d %q, want 200 with %q", path, rec.Code, rec.Body.String(), want)
		}
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestOpenChecksTheKeysAgainstTheDatabase(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "shared.db")
	first, err := central.Open(ctx, serveConfig(filepath.Join(t.TempDir(), "first"), db))
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("fresh keys made for a published database are refused and removed", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "second")
		_, err := central.Open(ctx, serveConfig(dir, db))
		if err == nil || !strings.Contains(err.Error(), "published with other keys") {
			t.Fatalf("open: %v, want a refusal naming the keys", err)
		}
		if _, err := os.Stat(filepath.Join(dir, central.ServerKeyFile)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the keys made a moment ago are still there: %v", err)
		}
	})
	t.Run("keys that were already there are kept", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "third")
		own, err := central.Open(ctx, serveConfig(dir, filepath.Join(t.TempDir(), "own.db")))
		if err != nil {
			t.Fatal(err)
		}
		own.Close()
		if _, err := central.Open(ctx, serveConfig(dir, db)); err == nil {
			t.Fatal("a data directory with other keys opened the shared database")
		}
		if _, err := os.Stat(filepath.Join(dir, central.ServerKeyFile)); err != nil {
			t.Errorf("existing keys were removed: %v", err)
		}
	})
	t.Run("without Init the keys must exist", func(t *testing.T) {
		_, err := central.Open(ctx, central.Config{DataDir: t.TempDir(), OpenStore: sqliteAt(db)})
		if !errors.Is(err, central.ErrNotInitialized) {
			t.Errorf("open: %v, want ErrNotInitialized", err)
		}
	})
}
