package storetest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/storetest"
	"github.com/voces-cdmx/voces/internal/fieldsim"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// benchCampaign is a 358-proposal campaign whose proposal ids are the
// fill's (p-000 … p-357), with tiers low enough that most proposals have
// crossed two of them, so building a document also checks crossings.
func benchCampaign(b *testing.B) []byte {
	base, err := campaign.Parse("built-in", assets.DefaultCampaign)
	if err != nil {
		b.Fatal(err)
	}
	base.ID = "cdmx-2016"
	c, err := fieldsim.BigCampaign(base, fieldsim.Size{Proposals: 358, Events: 16, Articles: 4}, 1)
	if err != nil {
		b.Fatal(err)
	}
	rename := map[string]string{}
	for i := range c.Proposals {
		id := fmt.Sprintf("p-%03d", i)
		rename[c.Proposals[i].ID], c.Proposals[i].ID = id, id
	}
	for i := range c.Events {
		for j, p := range c.Events[i].Proposals {
			c.Events[i].Proposals[j] = rename[p]
		}
	}
	c.Tiers = campaign.DefaultTiers()
	c.Tiers[0].Signers, c.Tiers[1].Signers, c.Tiers[2].Signers = 500, 1000, 50000
	data, err := campaign.Marshal(c)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkProgress times what central does to answer a progress poll
// when its cached document is stale, over the million records of
// BenchmarkTallies: read every proposal's unique signers, place them on
// their tiers, check for new crossings, encode and sign (ProgressTTL and
// ProgressRefresh 0, so every iteration rebuilds and re-signs). It
// reports the document's size, plain and gzip-compressed.
func BenchmarkProgress(b *testing.B) {
	fills := map[string]func(b *testing.B, s central.OperationsStore){
		"sqlite":   fillSQLite,
		"postgres": fillPostgres,
	}
	for _, bs := range benchStores() {
		b.Run(bs.name, func(b *testing.B) {
			s := bs.open(b)
			for d := range benchDevices {
				storetest.Enrolled(b, s, fmt.Sprintf("bench-%03d", d), record.ModeKiosk)
			}
			fills[bs.name](b, s)
			ctx := context.Background()
			keys, err := central.InitDir(filepath.Join(b.TempDir(), "keys"))
			if err != nil {
				b.Fatal(err)
			}
			srv := central.NewServer(s, keys)
			srv.ProgressTTL, srv.ProgressRefresh = 0, 0
			if err := srv.Open(ctx); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { srv.Close() })
			if _, _, err := srv.Publish(ctx, "bench", benchCampaign(b)); err != nil {
				b.Fatal(err)
			}
			var body []byte
			var doc *protocol.Progress
			b.ResetTimer()
			for range b.N {
				if doc, body, _, err = srv.Progress(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if len(doc.Proposals) != 358 || doc.Proposals[0].Signers == 0 || doc.Proposals[0].Tier != 2 {
				b.Errorf("document of the fill: %d proposals, first %+v", len(doc.Proposals), doc.Proposals[0])
			}
			var check protocol.Progress
			if err := json.Unmarshal(body, &check); err != nil || check.Serial != doc.Serial {
				b.Errorf("body does not decode to the document: %v", err)
			}
			gz, err := gzipLen(body)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/document")
			b.ReportMetric(float64(len(body)), "bytes")
			b.ReportMetric(float64(gz), "gzip-bytes")
		})
	}
}

func gzipLen(b []byte) (int, error) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	if _, err := zw.Write(b); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return z.Len(), nil
}
