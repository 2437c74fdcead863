-- A commit writes one b-tree page fewer. Each index on records has a leaf
-- that a new row lands in, so each was one more 4 KB WAL frame to write and
-- fsync on every commit: a record took the table leaf plus the
-- records_state (state, seq) leaf, and a signature the records_signer leaf
-- as well. records_state only served the queue head and the counts, and
-- both now leave the commit alone:
--
--   * the queue head is a low-water mark in config: no record below it is
--     pending. Records only ever move pending → synced/dead and a new record
--     takes a seq above every existing one, so adding records never makes
--     the mark wrong; Apply, in syncd, advances it in its own transaction.
--     Readers scan the table in seq order from the mark.
--   * finished records are in a partial index. A pending row is not in it,
--     so inserting one leaves it untouched; Apply adds the entry when a
--     record leaves pending. Counts, the dead list and purge read it, and
--     pending is LastSeq − synced − dead because seq is gap-free from 1.
--
-- records_signer stays: a signature must be checked against every record
-- the device holds, in any state, by either process. Keeping that set in
-- memory instead saved at most ~9% of the commit median in the benchmark.
--
-- The mark is computed while records_state still exists, so upgrading a
-- device with a long queue does not scan the table.
INSERT INTO config (key, value) VALUES ('queue.head', coalesce(
	(SELECT min(seq) FROM records WHERE state = 0),
	(SELECT coalesce(max(seq), 0) + 1 FROM records)))
	ON CONFLICT (key) DO UPDATE SET value = excluded.value;
DROP INDEX records_state;
-- Queries must repeat "state != 0" to use it: SQLite does not infer it from
-- "state = 1".
CREATE INDEX records_done ON records (state, state_at) WHERE state != 0;
