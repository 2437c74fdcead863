-- Rights: operator roles, and the audit log.

-- Operators made before roles could do everything: they become admins so
-- an upgrade locks nobody out of what they did yesterday. New operators
-- are viewers unless told otherwise (central operators role narrows them).
ALTER TABLE operators ADD COLUMN role TEXT NOT NULL DEFAULT 'viewer';
UPDATE operators SET role = 'admin';
-- Ending an operator's sessions finds them without a scan.
CREATE INDEX sessions_operator ON sessions (operator);

-- The audit log: each entry chained to the previous by hash (see
-- central/audit.go). The triggers make quiet edits a deliberate act
-- (dropping a trigger), and the chain and signed checkpoints catch them.
CREATE TABLE audit_log (
	seq       INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	details   TEXT NOT NULL,
	prev_hash BLOB NOT NULL,
	hash      BLOB NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TABLE audit_checkpoints (
	seq       INTEGER PRIMARY KEY,
	hash      BLOB NOT NULL,
	at        INTEGER NOT NULL,
	signature BLOB NOT NULL
);

-- ARCO rectification and opposition requests, with their legal deadline.
-- folio is the data-protection office's reference, never the person's name.
CREATE TABLE arco_requests (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,
	folio       TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	due_at      INTEGER NOT NULL,
	answered_at INTEGER,
	answer      TEXT NOT NULL DEFAULT '',
	answered_by TEXT NOT NULL DEFAULT ''
);
