package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/pgstore"
	"github.com/voces-cdmx/voces/internal/central/storetest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// openNodes opens n stores on one schema at once, as n central processes
// starting together do; migrations must serialise.
func openNodes(t *testing.T, n int) []*pgstore.Store {
	t.Helper()
	url := storetest.PostgresURL(t)
	nodes := make([]*pgstore.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nodes[i], errs[i] = pgstore.Open(context.Background(), url)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		t.Cleanup(func() { nodes[i].Close() })
	}
	return nodes
}

func TestNodesShareOneDatabase(t *testing.T) {
	ctx := context.Background()
	nodes := openNodes(t, 3)
	storetest.Enrolled(t, nodes[0], "dev-n", record.ModeKiosk)

	t.Run("a token enrolls one device across nodes", func(t *testing.T) {
		hash := central.HashToken("SHARED")
		if err := nodes[0].CreateToken(ctx, central.Token{Hash: hash, CreatedAt: storetest.Base, ExpiresAt: storetest.Base.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		errs := make([]error, len(nodes))
		var wg sync.WaitGroup
		for i, n := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				key := make([]byte, 32)
				key[0] = byte(i + 1) // distinct keys: the same key would be a device asking again
				_, errs[i] = n.Enroll(ctx, hash, central.Device{ID: fmt.Sprintf("node-dev-%d", i), PublicKey: key,
					Mode: record.ModeKiosk, EnrolledAt: storetest.Base}, storetest.Base)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, central.ErrCodeUsed):
				t.Errorf("enroll: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d nodes enrolled a device with one token, want 1", won)
		}
	})

	t.Run("identical batches on every node are stored once", func(t *testing.T) {
		var recs []central.Incoming
		for i := range 300 {
			recs = append(recs, storetest.Incoming(t, storetest.Rec{Device: "dev-n", Seq: uint64(i + 1), Signer: fmt.Sprintf("V%d", i%100)}))
		}
		results := make([][]protocol.Status, len(nodes))
		errs := make([]error, len(nodes))
		var wg sync.WaitGroup
		for i, n := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := n.Ingest(ctx, storetest.Base, []central.IngestBatch{{DeviceID: "dev-n", Records: recs}})
				if err == nil {
					results[i] = out[0]
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("node %d: %v", i, err)
			}
		}
		for j := range recs {
			accepted := 0
			for i := range nodes {
				if results[i][j] == protocol.Accepted {
					accepted++
				} else if results[i][j] != protocol.Duplicate {
					t.Fatalf("node %d record %d: %s", i, j, results[i][j])
				}
			}
			if accepted != 1 {
				t.Fatalf("record %d accepted by %d nodes", j, accepted)
			}
		}
		tl, err := nodes[2].Tallies(ctx, storetest.Base, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if tl.Records != 300 || tl.Duplicates != 600 || tl.Proposals[0].UniqueSigners != 100 || tl.Today != 300 {
			t.Errorf("records %d duplicates %d proposals %+v today %d", tl.Records, tl.Duplicates, tl.Proposals, tl.Today)
		}
	})
}
