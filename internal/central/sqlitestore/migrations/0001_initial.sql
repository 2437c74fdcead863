-- Times are Unix milliseconds (UTC); NULL means "never".

-- Provisioning tokens, stored by hash only.
CREATE TABLE tokens (
	hash       BLOB PRIMARY KEY,
	mode       TEXT NOT NULL, -- '' lets the device choose
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER,
	device_id  TEXT
);

CREATE TABLE devices (
	id          TEXT PRIMARY KEY,
	public_key  BLOB NOT NULL,
	name        TEXT NOT NULL,
	mode        TEXT NOT NULL,
	app_version TEXT NOT NULL,
	enrolled_at INTEGER NOT NULL,
	revoked_at  INTEGER,
	last_seen   INTEGER,
	duplicates  INTEGER NOT NULL DEFAULT 0 -- arrivals of records already held
);

-- The latest heartbeat of each device. reported_seq is the highest
-- last_seq ever reported, for gap reports.
CREATE TABLE health (
	device_id        TEXT PRIMARY KEY,
	received_at      INTEGER NOT NULL,
	sent_at          INTEGER,
	pending          INTEGER NOT NULL,
	oldest_pending   INTEGER,
	synced           INTEGER NOT NULL,
	dead             INTEGER NOT NULL,
	last_seq         INTEGER NOT NULL,
	reported_seq     INTEGER NOT NULL,
	free_disk        INTEGER NOT NULL,
	app_version      TEXT NOT NULL,
	campaign_version INTEGER NOT NULL,
	mode             TEXT NOT NULL,
	last_error       TEXT NOT NULL
);

CREATE TABLE campaigns (
	version      INTEGER PRIMARY KEY,
	campaign_id  TEXT NOT NULL,
	content      BLOB NOT NULL,
	signature    BLOB NOT NULL,
	published_at INTEGER NOT NULL
);

-- Every record once, by id, with its clear envelope in columns so tallies
-- never open a body, and its exact bytes.
CREATE TABLE records (
	id               BLOB NOT NULL UNIQUE, -- 16-byte UUIDv7
	device_id        TEXT NOT NULL,
	seq              INTEGER NOT NULL,
	kind             TEXT NOT NULL,
	campaign_id      TEXT NOT NULL,
	campaign_version INTEGER NOT NULL,
	subject_id       TEXT NOT NULL,
	device_time      INTEGER NOT NULL,
	received_at      INTEGER NOT NULL,
	mode             TEXT NOT NULL,
	channel          TEXT NOT NULL,
	event_id         TEXT NOT NULL,
	alcaldia         TEXT NOT NULL,
	signer_index     BLOB,
	receipt          TEXT NOT NULL,
	sha256           BLOB NOT NULL,
	data             BLOB NOT NULL
);
CREATE INDEX records_receipt ON records (receipt);
CREATE INDEX records_device_seq ON records (device_id, seq);
-- Unique signers per proposal, read from the index alone.
CREATE INDEX records_signers ON records (subject_id, signer_index) WHERE kind = 'signature';

-- Record counts kept in the ingest transaction, so stats do not scan the
-- records table.
CREATE TABLE tallies (
	device_id TEXT NOT NULL,
	kind      TEXT NOT NULL,
	channel   TEXT NOT NULL,
	records   INTEGER NOT NULL,
	PRIMARY KEY (device_id, kind, channel)
);

-- Copies of a known record id with different bytes, once each, for audit.
CREATE TABLE conflicts (
	record_id   BLOB NOT NULL,
	sha256      BLOB NOT NULL,
	device_id   TEXT NOT NULL,
	channel     TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	data        BLOB NOT NULL,
	PRIMARY KEY (record_id, sha256)
);
