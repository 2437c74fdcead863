-- Records whose sealed body does not open are quarantined, not fatal.
-- body_state: 0 not checked yet, 1 opens, 2 quarantined, 3 purged (see
-- central.BodyUnchecked…). Ingest writes the default; the body-check
-- worker finds new records from the partial index alone. Records held
-- before this migration are checked once, like new ones.
ALTER TABLE records ADD COLUMN body_state INTEGER NOT NULL DEFAULT 0;
CREATE INDEX records_unchecked ON records (received_at, id) WHERE body_state = 0;

-- Why each quarantined record does not open, and when it was found and
-- purged (NULL: its sealed bytes are still held).
CREATE TABLE quarantine (
	record_id BLOB PRIMARY KEY,
	device_id TEXT NOT NULL,
	reason    TEXT NOT NULL,
	found_at  INTEGER NOT NULL,
	purged_at INTEGER
);
CREATE INDEX quarantine_device ON quarantine (device_id);
