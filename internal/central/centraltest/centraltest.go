// Package centraltest runs central for tests and plays enrolled devices
// against it, through the real HTTP endpoints.
//
// Start runs a node in-process with central.Open, as `central serve` does
// (real SQLite file, real HTTP over loopback). NewDevice (or Enroll, given a provisioning code) enrolls a
// device through POST /api/v1/enroll and downloads and verifies the signed
// campaign, so the device holds exactly what a real one would: its own
// Ed25519 key, the campaign sealing key, the dedupe key and central's key.
// The device then makes valid, sequenced, signed records of every kind
// (Record, Records), and signed uploads and heartbeats (Upload, Heartbeat,
// SignedRequest). Build and StartProcess run the real `central` binary for
// tests that kill and restart it.
package centraltest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
)

// Central is a server running in-process on a fresh data directory.
type Central struct {
	URL    string             // base URL, e.g. http://127.0.0.1:41234
	Dir    string             // data directory with keys and central.db
	Node   *central.Node      // the engine, as central serve runs it
	Server *central.Server    // the node's ingest pipeline; Ingest and Publish are reachable here
	Store  *sqlitestore.Store // the server's database
	Keys   *central.Keys      // the server's keys
	HTTP   *httptest.Server   // the listener
	Client *http.Client       // a client with room for many concurrent devices

	closeOnce sync.Once
}

// Start runs central with the built-in campaign published as version 1.
// Everything is torn down when the test ends.
func Start(tb testing.TB) *Central {
	tb.Helper()
	return StartDir(tb, filepath.Join(tb.TempDir(), "central"))
}

// StartDir runs central on dir, creating it if needed, and publishes the
// built-in campaign unless that content is already the newest version. It
// is central.Open as `central serve` runs it, without the dashboard and
// the survey worker (tests aggregate surveys when they choose).
func StartDir(tb testing.TB, dir string) *Central {
	tb.Helper()
	var store *sqlitestore.Store
	node, err := central.Open(context.Background(), central.Config{
		DataDir: dir,
		Init:    true,
		OpenStore: func(ctx context.Context) (central.OperationsStore, error) {
			s, err := sqlitestore.Open(ctx, filepath.Join(dir, central.DBFile))
			store = s
			return s, err
		},
		Campaign:       assets.DefaultCampaign,
		CampaignSource: "built-in campaign",
		Logger:         discardLogger(),
	})
	if err != nil {
		tb.Fatal(err)
	}
	hs := httptest.NewServer(node.Handler())
	c := &Central{
		URL:    hs.URL,
		Dir:    dir,
		Node:   node,
		Server: node.Server(),
		Store:  store,
		Keys:   node.Keys(),
		HTTP:   hs,
		Client: NewClient(),
	}
	tb.Cleanup(func() {
		if err := c.Close(); err != nil {
			tb.Errorf("close central: %v", err)
		}
	})
	return c
}

// Close shuts central down cleanly: the listener after its requests, then
// the node (its ingest writer, then the database). StartDir on the same
// directory starts it again. Calling Close more than once is harmless.
func (c *Central) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.HTTP.Close()
		err = c.Node.Close()
	})
	return err
}

// NewClient returns an HTTP client that keeps a connection per concurrent
// device instead of the default two.
func NewClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 1000
	tr.MaxIdleConnsPerHost = 1000
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute}
}

// Code issues a provisioning code valid for a day. mode may be "" to let
// the device choose.
func (c *Central) Code(tb testing.TB, mode string) string {
	tb.Helper()
	return c.CodeAt(tb, mode, time.Now(), central.DefaultTokenTTL)
}

// CodeAt issues a code as if at now with the given lifetime, for expiry
// tests.
func (c *Central) CodeAt(tb testing.TB, mode string, now time.Time, ttl time.Duration) string {
	tb.Helper()
	code, err := central.IssueToken(context.Background(), c.Store, c.Keys, c.URL, mode, "", ttl, now)
	if err != nil {
		tb.Fatal(err)
	}
	return code.String()
}

// NewDevice issues a code and enrolls a device with it.
func (c *Central) NewDevice(tb testing.TB, mode string) *Device {
	tb.Helper()
	d := Enroll(tb, c.Client, c.Code(tb, mode), mode)
	return d
}

// Stats returns central's counts as `central stats --json` prints them.
func (c *Central) Stats(tb testing.TB) *central.Stats {
	tb.Helper()
	st, err := central.Summarize(context.Background(), c.Store)
	if err != nil {
		tb.Fatal(err)
	}
	return st
}
