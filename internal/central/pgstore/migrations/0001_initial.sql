-- PostgreSQL schema, column for column the SQLite one, so both stores
-- behave alike. Times are Unix milliseconds (UTC); NULL means "never".

-- Provisioning tokens, stored by hash only.
CREATE TABLE tokens (
	hash       BYTEA PRIMARY KEY,
	mode       TEXT NOT NULL, -- '' lets the device choose
	name       TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at    BIGINT,
	device_id  TEXT
);

CREATE TABLE devices (
	id          TEXT PRIMARY KEY,
	public_key  BYTEA NOT NULL,
	name        TEXT NOT NULL,
	mode        TEXT NOT NULL,
	app_version TEXT NOT NULL,
	enrolled_at BIGINT NOT NULL,
	revoked_at  BIGINT,
	last_seen   BIGINT,
	duplicates  BIGINT NOT NULL DEFAULT 0 -- arrivals of records already held
);

-- The latest heartbeat of each device. reported_seq is the highest
-- last_seq ever reported, for gap reports.
CREATE TABLE health (
	device_id        TEXT PRIMARY KEY,
	received_at      BIGINT NOT NULL,
	sent_at          BIGINT,
	pending          BIGINT NOT NULL,
	oldest_pending   BIGINT,
	synced           BIGINT NOT NULL,
	dead             BIGINT NOT NULL,
	last_seq         BIGINT NOT NULL,
	reported_seq     BIGINT NOT NULL,
	free_disk        BIGINT NOT NULL,
	app_version      TEXT NOT NULL,
	campaign_version BIGINT NOT NULL,
	mode             TEXT NOT NULL,
	last_error       TEXT NOT NULL
);

CREATE TABLE campaigns (
	version      BIGINT PRIMARY KEY,
	campaign_id  TEXT NOT NULL,
	content      BYTEA NOT NULL,
	signature    BYTEA NOT NULL,
	published_at BIGINT NOT NULL
);

-- Every record once, by id, with its clear envelope in columns so tallies
-- never open a body, and its exact bytes.
CREATE TABLE records (
	id               BYTEA PRIMARY KEY, -- 16-byte UUIDv7
	device_id        TEXT NOT NULL,
	seq              BIGINT NOT NULL,
	kind             TEXT NOT NULL,
	campaign_id      TEXT NOT NULL,
	campaign_version BIGINT NOT NULL,
	subject_id       TEXT NOT NULL,
	device_time      BIGINT NOT NULL,
	received_at      BIGINT NOT NULL,
	mode             TEXT NOT NULL,
	channel          TEXT NOT NULL,
	event_id         TEXT NOT NULL,
	alcaldia         TEXT NOT NULL,
	signer_index     BYTEA,
	receipt          TEXT NOT NULL,
	sha256           BYTEA NOT NULL,
	data             BYTEA NOT NULL
);
CREATE INDEX records_receipt ON records (receipt);
-- With id last, EachRecord's keyset pages are index range scans.
CREATE INDEX records_device_seq ON records (device_id, seq, id);

-- Record counts kept in the ingest transaction, so stats do not scan the
-- records table.
CREATE TABLE tallies (
	device_id TEXT NOT NULL,
	kind      TEXT NOT NULL,
	channel   TEXT NOT NULL,
	records   BIGINT NOT NULL,
	PRIMARY KEY (device_id, kind, channel)
);

-- Copies of a known record id with different bytes, once each, for audit.
CREATE TABLE conflicts (
	record_id   BYTEA NOT NULL,
	sha256      BYTEA NOT NULL,
	device_id   TEXT NOT NULL,
	channel     TEXT NOT NULL,
	received_at BIGINT NOT NULL,
	data        BYTEA NOT NULL,
	PRIMARY KEY (record_id, sha256)
);
