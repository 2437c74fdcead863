-- Several central nodes ingest at once. Had each ingest transaction added
-- to the shared counter rows (this quarter hour, this minute, a popular
-- proposal) it would hold their row locks until its commit was flushed,
-- and every node would queue behind the others' fsyncs. Instead ingest
-- appends its counter changes here, which takes no lock another
-- transaction waits for, and a fold (one node at a time, under an
-- advisory lock) moves them into the counter tables. Readers use the
-- *_totals views: counters plus changes not folded yet.
CREATE TABLE counter_deltas (
	family TEXT NOT NULL,             -- 'subject', 'quarter', 'minute' or 'signers'
	k1     TEXT NOT NULL DEFAULT '',  -- subject: kind; signers: subject id
	k2     TEXT NOT NULL DEFAULT '',  -- subject: subject id
	k3     TEXT NOT NULL DEFAULT '',  -- subject: channel
	k4     TEXT NOT NULL DEFAULT '',  -- subject: alcaldía
	b      BIGINT NOT NULL DEFAULT 0, -- quarter, minute: the bucket
	n      BIGINT NOT NULL
);

CREATE VIEW subject_totals AS
	SELECT kind, subject_id, channel, alcaldia, sum(records)::bigint AS records FROM (
		SELECT kind, subject_id, channel, alcaldia, records FROM subject_counts
		UNION ALL
		SELECT k1, k2, k3, k4, n FROM counter_deltas WHERE family = 'subject') u
	GROUP BY kind, subject_id, channel, alcaldia;

CREATE VIEW quarter_totals AS
	SELECT quarter, sum(records)::bigint AS records FROM (
		SELECT quarter, records FROM quarter_counts
		UNION ALL
		SELECT b, n FROM counter_deltas WHERE family = 'quarter') u
	GROUP BY quarter;

CREATE VIEW minute_totals AS
	SELECT minute, sum(records)::bigint AS records FROM (
		SELECT minute, records FROM minute_counts
		UNION ALL
		SELECT b, n FROM counter_deltas WHERE family = 'minute') u
	GROUP BY minute;

CREATE VIEW signer_totals AS
	SELECT subject_id, sum(signers)::bigint AS signers FROM (
		SELECT subject_id, signers FROM signer_counts
		UNION ALL
		SELECT k1, n FROM counter_deltas WHERE family = 'signers') u
	GROUP BY subject_id;
