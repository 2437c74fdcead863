-- Records are append-only. seq is the device sequence number: assigned as
-- max+1 inside the inserting transaction, never reused, and tombstoned
-- rather than deleted, so the sequence stays gap-free for central to check.
CREATE TABLE records (
	seq          INTEGER PRIMARY KEY,
	id           TEXT    NOT NULL,          -- UUIDv7; unique by construction, and
	                                        -- nothing on the device looks it up, so no
	                                        -- index: one less page per commit
	kind         TEXT    NOT NULL,
	subject_id   TEXT    NOT NULL,
	event_id     TEXT    NOT NULL DEFAULT '',
	signer_index BLOB,
	device_time  INTEGER NOT NULL,          -- unix ms, device clock
	created_at   INTEGER NOT NULL,          -- unix ms when stored
	size         INTEGER NOT NULL,          -- bytes of data when stored
	data         BLOB,                      -- record.Marshal; NULL once purged
	state        INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)), -- pending, synced, dead
	state_at     INTEGER,                   -- unix ms of the last state change
	reason       TEXT    NOT NULL DEFAULT '' -- why a record is dead
);
CREATE INDEX records_state ON records (state, seq);
CREATE INDEX records_signer ON records (subject_id, signer_index) WHERE signer_index IS NOT NULL;

-- Device configuration and settings, one value per key.
CREATE TABLE config (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;

-- Campaign content as central signed it. The kiosk applies the newest one
-- between two people.
CREATE TABLE campaigns (
	version     INTEGER PRIMARY KEY,
	content     BLOB    NOT NULL,
	signature   BLOB    NOT NULL,
	etag        TEXT    NOT NULL DEFAULT '',
	received_at INTEGER NOT NULL
);
