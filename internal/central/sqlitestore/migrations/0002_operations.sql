-- What the operator side reads: counters kept in the ingest transaction so
-- tallies never scan records, survey aggregates, and dashboard accounts.

-- Records by what they name and where they came from. Small: kinds ×
-- subjects × channels × alcaldías, whatever the number of records.
CREATE TABLE subject_counts (
	kind       TEXT NOT NULL,
	subject_id TEXT NOT NULL,
	channel    TEXT NOT NULL,
	alcaldia   TEXT NOT NULL,
	records    INTEGER NOT NULL,
	PRIMARY KEY (kind, subject_id, channel, alcaldia)
) WITHOUT ROWID;

-- Records by quarter hour of receipt (Unix milliseconds / 900000): every
-- time zone's midnight falls on a quarter hour, so days in any zone are
-- exact. minute_counts does the same for "the last hour".
CREATE TABLE quarter_counts (
	quarter INTEGER PRIMARY KEY,
	records INTEGER NOT NULL
);
CREATE TABLE minute_counts (
	minute  INTEGER PRIMARY KEY,
	records INTEGER NOT NULL
);

-- Each blind signer index once per proposal, so unique signers are a
-- counter rather than a DISTINCT over millions of index entries.
CREATE TABLE signers (
	subject_id   TEXT NOT NULL,
	signer_index BLOB NOT NULL,
	PRIMARY KEY (subject_id, signer_index)
) WITHOUT ROWID;
CREATE TABLE signer_counts (
	subject_id TEXT PRIMARY KEY,
	signers    INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO subject_counts (kind, subject_id, channel, alcaldia, records)
	SELECT kind, subject_id, channel, alcaldia, count(*) FROM records GROUP BY 1, 2, 3, 4;
INSERT INTO quarter_counts (quarter, records)
	SELECT received_at / 900000, count(*) FROM records GROUP BY 1;
INSERT INTO minute_counts (minute, records)
	SELECT received_at / 60000, count(*) FROM records GROUP BY 1;
INSERT INTO signers (subject_id, signer_index)
	SELECT DISTINCT subject_id, signer_index FROM records WHERE kind = 'signature' AND signer_index IS NOT NULL;
INSERT INTO signer_counts (subject_id, signers)
	SELECT subject_id, count(*) FROM signers GROUP BY 1;

-- Survey answers, aggregated once per record by central's survey worker.
ALTER TABLE records ADD COLUMN aggregated INTEGER NOT NULL DEFAULT 0;
CREATE INDEX records_unaggregated ON records (received_at) WHERE kind = 'survey_response' AND aggregated = 0;
-- bucket is 'options' or 'values'; key '' with bucket '' counts answers.
CREATE TABLE survey_counts (
	question_id TEXT NOT NULL,
	bucket      TEXT NOT NULL,
	key         TEXT NOT NULL,
	n           INTEGER NOT NULL,
	PRIMARY KEY (question_id, bucket, key)
) WITHOUT ROWID;
CREATE TABLE counters (
	name TEXT PRIMARY KEY,
	n    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE operators (
	name          TEXT PRIMARY KEY,
	password_hash TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	disabled_at   INTEGER
);
CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	operator   TEXT NOT NULL REFERENCES operators (name),
	csrf_token TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
