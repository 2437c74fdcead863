package pgstore

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/protocol"
)

// entry is one record of an ingest call, with where its status goes.
type entry struct {
	in     *central.Incoming
	batch  int
	index  int
	device string // the batch's device, for conflicts
}

// Ingest files several batches in one transaction, with a handful of
// statements whatever the number of records: the records go in with one
// INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING id, so
// a record another node is inserting at the same moment waits for that
// node's commit and is then a duplicate, never a second copy. Every lock
// is taken in key order (records by id, counters by key), so two nodes
// ingesting the same records in different orders queue rather than
// deadlock; a deadlock or serialization failure that happens anyway
// (devices rows) reruns the transaction.
func (s *Store) Ingest(ctx context.Context, at time.Time, batches []central.IngestBatch) ([][]protocol.Status, error) {
	var entries []entry
	out := make([][]protocol.Status, len(batches))
	for i, b := range batches {
		out[i] = make([]protocol.Status, len(b.Records))
		for j := range b.Records {
			entries = append(entries, entry{in: &b.Records[j], batch: i, index: j, device: b.DeviceID})
		}
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return bytes.Compare(a.in.Record.ID[:], b.in.Record.ID[:]) })
	err := s.update(ctx, func(tx pgx.Tx) error {
		return ingest(ctx, tx, at, batches, entries, out)
	})
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	// The batches are durable; folding is bookkeeping, and a failed fold
	// is retried later with nothing lost meanwhile.
	if last, now := s.lastFold.Load(), time.Now().UnixNano(); now-last >= int64(FoldInterval) && s.lastFold.CompareAndSwap(last, now) {
		s.foldOrLog(ctx)
	}
	return out, nil
}

// foldOrLog folds counter deltas, and says so when that fails: tallies
// stay right (they add the deltas not folded yet), but a fold that keeps
// failing lets the delta rows grow and the dashboard slow down.
func (s *Store) foldOrLog(ctx context.Context) {
	if err := s.fold(ctx); err != nil {
		log := s.Log
		if log == nil {
			log = slog.Default()
		}
		log.Warn("fold of counter deltas failed; retried after the next ingest", "every", FoldInterval, "err", err)
	}
}

func ingest(ctx context.Context, tx pgx.Tx, at time.Time, batches []central.IngestBatch, entries []entry, out [][]protocol.Status) error {
	received := at.UnixMilli()
	n := len(entries)
	var (
		ids, signers, hashes, data                 = make([][]byte, n), make([][]byte, n), make([][]byte, n), make([][]byte, n)
		devices, kinds, campaigns, subjects, modes = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		channels, events, alcaldias, receipts      = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		seqs, versions, deviceTimes                = make([]int64, n), make([]int64, n), make([]int64, n)
	)
	for i, e := range entries {
		r := e.in.Record
		ids[i] = r.ID[:]
		if len(r.SignerIndex) > 0 {
			signers[i] = r.SignerIndex
		}
		hashes[i], data[i] = e.in.Hash[:], e.in.Data
		devices[i], kinds[i], campaigns[i], subjects[i], modes[i] = r.DeviceID, string(r.Kind), r.CampaignID, r.SubjectID, r.Mode
		channels[i], events[i], alcaldias[i], receipts[i] = e.in.Channel, r.EventID, r.Alcaldia, e.in.Receipt
		seqs[i], versions[i], deviceTimes[i] = int64(r.Seq), int64(r.CampaignVersion), r.DeviceTime.UnixMilli()
	}
	inserted := map[string]bool{}
	if n > 0 {
		err := eachRow(ctx, tx, `
			INSERT INTO records (id, device_id, seq, kind, campaign_id, campaign_version, subject_id, device_time, received_at,
				mode, channel, event_id, alcaldia, signer_index, receipt, sha256, data)
			SELECT id, device_id, seq, kind, campaign_id, campaign_version, subject_id, device_time, $9,
				mode, channel, event_id, alcaldia, signer_index, receipt, sha256, data
			FROM unnest($1::bytea[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::bigint[],
				$10::text[], $11::text[], $12::text[], $13::text[], $14::bytea[], $15::text[], $16::bytea[], $17::bytea[])
				AS u(id, device_id, seq, kind, campaign_id, campaign_version, subject_id, device_time,
				mode, channel, event_id, alcaldia, signer_index, receipt, sha256, data)
			ON CONFLICT (id) DO NOTHING
			RETURNING id`,
			[]any{ids, devices, seqs, kinds, campaigns, versions, subjects, deviceTimes, received,
				modes, channels, events, alcaldias, signers, receipts, hashes, data},
			func(rows pgx.Rows) error {
				var id []byte
				if err := rows.Scan(&id); err != nil {
					return err
				}
				inserted[string(id)] = true
				return nil
			})
		if err != nil {
			return fmt.Errorf("store records: %w", err)
		}
	}
	// Every id not inserted here, or inserted by an earlier entry of this
	// call, is judged against the copy held.
	var judge [][]byte
	claimed := map[string]bool{}
	for i, e := range entries {
		id := string(ids[i])
		if inserted[id] && !claimed[id] {
			claimed[id] = true
			out[e.batch][e.index] = protocol.Accepted
			continue
		}
		judge = append(judge, ids[i])
	}
	held := map[string][]byte{}
	if len(judge) > 0 {
		if err := eachRow(ctx, tx, `SELECT id, sha256 FROM records WHERE id = ANY($1)`, []any{judge}, func(rows pgx.Rows) error {
			var id, h []byte
			if err := rows.Scan(&id, &h); err != nil {
				return err
			}
			held[string(id)] = h
			return nil
		}); err != nil {
			return fmt.Errorf("read stored hashes: %w", err)
		}
	}
	var conflicts []entry
	duplicates := map[string]int64{}
	for i, e := range entries {
		if out[e.batch][e.index] == protocol.Accepted {
			continue
		}
		h, ok := held[string(ids[i])]
		if !ok {
			return fmt.Errorf("record %s neither stored nor held", e.in.Record.ID)
		}
		if bytes.Equal(h, e.in.Hash[:]) {
			out[e.batch][e.index] = protocol.Duplicate
			duplicates[e.device]++
			continue
		}
		out[e.batch][e.index] = protocol.Conflict
		conflicts = append(conflicts, e)
	}
	if err := keepConflicts(ctx, tx, conflicts, received); err != nil {
		return err
	}
	if err := touchDevices(ctx, tx, batches, duplicates, received); err != nil {
		return err
	}
	c := central.NewIncrements()
	for _, e := range entries {
		if out[e.batch][e.index] == protocol.Accepted {
			c.Add(e.in, at)
		}
	}
	return saveIncrements(ctx, tx, c)
}

func keepConflicts(ctx context.Context, tx pgx.Tx, conflicts []entry, received int64) error {
	if len(conflicts) == 0 {
		return nil
	}
	var ids, hashes, data [][]byte
	var devices, channels []string
	for _, e := range conflicts {
		ids, hashes, data = append(ids, e.in.Record.ID[:]), append(hashes, e.in.Hash[:]), append(data, e.in.Data)
		devices, channels = append(devices, e.device), append(channels, e.in.Channel)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO conflicts (record_id, sha256, device_id, channel, received_at, data)
		SELECT record_id, sha256, device_id, channel, $6, data
		FROM unnest($1::bytea[], $2::bytea[], $3::text[], $4::text[], $5::bytea[]) AS u(record_id, sha256, device_id, channel, data)
		ORDER BY record_id, sha256
		ON CONFLICT (record_id, sha256) DO NOTHING`, ids, hashes, devices, channels, data, received); err != nil {
		return fmt.Errorf("keep conflicts: %w", err)
	}
	return nil
}

// touchDevices marks each batch's device seen and adds its duplicates, in
// device id order.
func touchDevices(ctx context.Context, tx pgx.Tx, batches []central.IngestBatch, duplicates map[string]int64, received int64) error {
	var ids []string
	for _, b := range batches {
		if !slices.Contains(ids, b.DeviceID) {
			ids = append(ids, b.DeviceID)
		}
	}
	slices.Sort(ids)
	dups := make([]int64, len(ids))
	for i, id := range ids {
		dups[i] = duplicates[id]
	}
	if _, err := tx.Exec(ctx, `UPDATE devices d SET last_seen = greatest(coalesce(d.last_seen, 0), $3), duplicates = d.duplicates + u.dups
		FROM (SELECT * FROM unnest($1::text[], $2::bigint[]) AS u(id, dups) ORDER BY id) u WHERE d.id = u.id`, ids, dups, received); err != nil {
		return fmt.Errorf("mark devices seen: %w", err)
	}
	return nil
}

// save writes the counters in one round trip. The per-device tallies are
// updated in place (a device's rows are only contended by its own
// replays), in key order; everything shared goes to counter_deltas, which
// takes no row lock another node could wait for.
func saveIncrements(ctx context.Context, tx pgx.Tx, c *central.Increments) error {
	if c.Empty() {
		return nil
	}
	var b pgx.Batch

	tk := sortedKeys(c.Tallies, func(a, b central.TallyKey) int {
		return cmp.Or(strings.Compare(a.Device, b.Device), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Channel, b.Channel))
	})
	var td, tkind, tch []string
	var tn []int64
	for _, k := range tk {
		td, tkind, tch, tn = append(td, k.Device), append(tkind, k.Kind), append(tch, k.Channel), append(tn, c.Tallies[k])
	}
	b.Queue(`INSERT INTO tallies (device_id, kind, channel, records)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
		ON CONFLICT (device_id, kind, channel) DO UPDATE SET records = tallies.records + excluded.records`, td, tkind, tch, tn)

	var d deltas
	for k, n := range c.Subjects {
		d.add("subject", k.Kind, k.Subject, k.Channel, k.Alcaldia, 0, n)
	}
	for q, n := range c.Quarters {
		d.add("quarter", "", "", "", "", q, n)
	}
	for m, n := range c.Minutes {
		d.add("minute", "", "", "", "", m, n)
	}
	b.Queue(`INSERT INTO counter_deltas (family, k1, k2, k3, k4, b, n)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[])`,
		d.family, d.k1, d.k2, d.k3, d.k4, d.b, d.n)

	if len(c.Signers) > 0 {
		gk := sortedKeys(c.Signers, func(a, b central.SignerKey) int {
			return cmp.Or(strings.Compare(a.Subject, b.Subject), strings.Compare(a.Index, b.Index))
		})
		var gs []string
		var gi [][]byte
		for _, k := range gk {
			gs, gi = append(gs, k.Subject), append(gi, []byte(k.Index))
		}
		// A signer another node is adding at the same moment waits for
		// its commit and is then not new here: counted once.
		b.Queue(`WITH fresh AS (
				INSERT INTO signers (subject_id, signer_index)
				SELECT * FROM unnest($1::text[], $2::bytea[])
				ON CONFLICT DO NOTHING
				RETURNING subject_id)
			INSERT INTO counter_deltas (family, k1, n)
			SELECT 'signers', subject_id, count(*) FROM fresh GROUP BY subject_id`, gs, gi)
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("count records: %w", err)
	}
	return nil
}

// deltas are counter_deltas rows as column arrays for unnest.
type deltas struct {
	family, k1, k2, k3, k4 []string
	b, n                   []int64
}

func (d *deltas) add(family, k1, k2, k3, k4 string, b, n int64) {
	d.family, d.k1, d.k2, d.k3, d.k4 = append(d.family, family), append(d.k1, k1), append(d.k2, k2), append(d.k3, k3), append(d.k4, k4)
	d.b, d.n = append(d.b, b), append(d.n, n)
}

// foldLock is the advisory lock key of the fold: one node folds at a time,
// so folds never wait on each other's counter rows.
const foldLock = 0x766f6365730f

// fold moves counter_deltas into the counter tables in one statement, if
// no other node is folding. Until it runs, readers add the deltas
// themselves (the *_totals views), so a fold that fails or is skipped
// delays nothing but the shrinking of counter_deltas.
func (s *Store) fold(ctx context.Context) error {
	return s.update(ctx, func(tx pgx.Tx) error {
		var locked bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(foldLock)).Scan(&locked); err != nil || !locked {
			return err
		}
		_, err := tx.Exec(ctx, `
			WITH moved AS (DELETE FROM counter_deltas RETURNING family, k1, k2, k3, k4, b, n),
			subjects AS (
				INSERT INTO subject_counts (kind, subject_id, channel, alcaldia, records)
				SELECT k1, k2, k3, k4, sum(n)::bigint FROM moved WHERE family = 'subject' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
				ON CONFLICT (kind, subject_id, channel, alcaldia) DO UPDATE SET records = subject_counts.records + excluded.records),
			quarters AS (
				INSERT INTO quarter_counts (quarter, records)
				SELECT b, sum(n)::bigint FROM moved WHERE family = 'quarter' GROUP BY 1 ORDER BY 1
				ON CONFLICT (quarter) DO UPDATE SET records = quarter_counts.records + excluded.records),
			minutes AS (
				INSERT INTO minute_counts (minute, records)
				SELECT b, sum(n)::bigint FROM moved WHERE family = 'minute' GROUP BY 1 ORDER BY 1
				ON CONFLICT (minute) DO UPDATE SET records = minute_counts.records + excluded.records)
			INSERT INTO signer_counts (subject_id, signers)
			SELECT k1, sum(n)::bigint FROM moved WHERE family = 'signers' GROUP BY 1 ORDER BY 1
			ON CONFLICT (subject_id) DO UPDATE SET signers = signer_counts.signers + excluded.signers`)
		return err
	})
}

func sortedKeys[K comparable, V any](m map[K]V, compare func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compare)
	return keys
}

// Campaigns returns every published version, oldest first.
func (s *Store) Campaigns(ctx context.Context) ([]central.PublishedCampaign, error) {
	var out []central.PublishedCampaign
	err := eachRow(ctx, s.pool, `SELECT version, campaign_id, content, signature, published_at, published_by, source FROM campaigns ORDER BY version`, nil,
		func(rows pgx.Rows) error {
			var (
				c       central.PublishedCampaign
				v, when int64
			)
			if err := rows.Scan(&v, &c.CampaignID, &c.Content, &c.Signature, &when, &c.PublishedBy, &c.Source); err != nil {
				return err
			}
			c.Version = int(v)
			c.PublishedAt = time.UnixMilli(when).UTC()
			out = append(out, c)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("load campaigns: %w", err)
	}
	return out, nil
}

// LatestCampaignVersion returns the newest version, 0 if none.
func (s *Store) LatestCampaignVersion(ctx context.Context) (int, error) {
	var v int64
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM campaigns`).Scan(&v); err != nil {
		return 0, fmt.Errorf("latest campaign version: %w", err)
	}
	return int(v), nil
}

// PublishCampaign stores a new version; the primary key refuses a taken
// number even when two nodes publish at once.
func (s *Store) PublishCampaign(ctx context.Context, c central.PublishedCampaign) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO campaigns (version, campaign_id, content, signature, published_at, published_by, source) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (version) DO NOTHING`, int64(c.Version), c.CampaignID, c.Content, c.Signature, c.PublishedAt.UnixMilli(), c.PublishedBy, c.Source)
	if err == nil && tag.RowsAffected() == 0 {
		err = central.ErrVersionExists
	}
	if err != nil {
		return fmt.Errorf("publish campaign version %d: %w", c.Version, err)
	}
	return nil
}

// Stats counts what the database holds, from one snapshot of the
// counters.
func (s *Store) Stats(ctx context.Context) (*central.Stats, error) {
	b := central.NewStatsBuilder()
	st := b.Stats()
	err := s.view(ctx, func(tx pgx.Tx) error {
		if err := eachRow(ctx, tx, `SELECT kind, channel, sum(records)::bigint FROM tallies GROUP BY kind, channel`, nil, func(rows pgx.Rows) error {
			var kind, channel string
			var n int64
			if err := rows.Scan(&kind, &channel, &n); err != nil {
				return err
			}
			b.Records(kind, channel, n)
			return nil
		}); err != nil {
			return fmt.Errorf("count records: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(sum(duplicates), 0)::bigint FROM devices`).Scan(&st.Duplicates); err != nil {
			return fmt.Errorf("count duplicates: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM conflicts`).Scan(&st.Conflicts); err != nil {
			return fmt.Errorf("count conflicts: %w", err)
		}
		var v int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM campaigns`).Scan(&v); err != nil {
			return fmt.Errorf("campaign version: %w", err)
		}
		st.CampaignVersion = int(v)
		if err := eachRow(ctx, tx, `SELECT revoked_at IS NULL, count(*) FROM devices GROUP BY 1`, nil, func(rows pgx.Rows) error {
			var active bool
			var n int64
			if err := rows.Scan(&active, &n); err != nil {
				return err
			}
			b.Devices(active, n)
			return nil
		}); err != nil {
			return fmt.Errorf("count devices: %w", err)
		}
		// A published or merged proposal's author is one more support.
		if err := eachRow(ctx, tx, `SELECT s.subject_id, sum(s.records)::bigint, coalesce(max(g.signers), 0)
			FROM (SELECT subject_id, records FROM subject_totals WHERE kind = 'signature'
				UNION ALL SELECT target, 1 FROM submissions WHERE kind = 'proposal' AND status IN ('published', 'merged')) s
			LEFT JOIN signer_totals g ON g.subject_id = s.subject_id
			GROUP BY s.subject_id ORDER BY s.subject_id`, nil, func(rows pgx.Rows) error {
			var id string
			var supports, signers int64
			if err := rows.Scan(&id, &supports, &signers); err != nil {
				return err
			}
			b.Proposal(id, supports, signers)
			return nil
		}); err != nil {
			return fmt.Errorf("count supports: %w", err)
		}
		return gaps(ctx, tx, b)
	})
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	return b.Finish(), nil
}

// gaps feeds the builder the holes between the sequence numbers held
// (LAG over the device/seq index); the builder adds the tail up to the
// highest reported.
func gaps(ctx context.Context, tx pgx.Tx, b *central.StatsBuilder) error {
	if err := eachRow(ctx, tx, `
		SELECT d.id, coalesce((SELECT max(r.seq) FROM records r WHERE r.device_id = d.id), 0), coalesce(h.reported_seq, 0)
		FROM devices d LEFT JOIN health h ON h.device_id = d.id ORDER BY d.id`, nil, func(rows pgx.Rows) error {
		var id string
		var highest, reported int64
		if err := rows.Scan(&id, &highest, &reported); err != nil {
			return err
		}
		b.Device(id, highest, reported)
		return nil
	}); err != nil {
		return fmt.Errorf("gaps: %w", err)
	}
	if err := eachRow(ctx, tx, `
		SELECT device_id, prev + 1, seq - 1 FROM (
			SELECT device_id, seq, lag(seq, 1, 0::bigint) OVER (PARTITION BY device_id ORDER BY seq) AS prev
			FROM (SELECT DISTINCT device_id, seq FROM records) d) w
		WHERE seq > prev + 1 ORDER BY device_id, seq`, nil, func(rows pgx.Rows) error {
		var id string
		var from, to int64
		if err := rows.Scan(&id, &from, &to); err != nil {
			return err
		}
		return b.Hole(id, from, to)
	}); err != nil {
		return fmt.Errorf("gaps: %w", err)
	}
	return nil
}
