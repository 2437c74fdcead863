-- Rights: operator roles, and the audit log.

-- Operators made before roles could do everything: they become admins so
-- an upgrade locks nobody out of what they did yesterday. New operators
-- are viewers unless told otherwise (central operators role narrows them).
ALTER TABLE operators ADD COLUMN role TEXT NOT NULL DEFAULT 'viewer';
UPDATE operators SET role = 'admin';
-- Ending an operator's sessions finds them without a scan.
CREATE INDEX sessions_operator ON sessions (operator);

-- The audit log: each entry chained to the previous by hash (see
-- central/audit.go). Appends are serialised by an advisory lock taken in
-- the appending transaction, and seq as the primary key refuses a fork.
-- The triggers make quiet edits a deliberate act (dropping a trigger),
-- and the chain and signed checkpoints catch them.
CREATE TABLE audit_log (
	seq       BIGINT PRIMARY KEY,
	at        BIGINT NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	details   TEXT NOT NULL,
	prev_hash BYTEA NOT NULL,
	hash      BYTEA NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TABLE audit_checkpoints (
	seq       BIGINT PRIMARY KEY,
	hash      BYTEA NOT NULL,
	at        BIGINT NOT NULL,
	signature BYTEA NOT NULL
);

-- ARCO rectification and opposition requests, with their legal deadline.
-- folio is the data-protection office's reference, never the person's name.
CREATE TABLE arco_requests (
	id          BIGSERIAL PRIMARY KEY,
	kind        TEXT NOT NULL,
	folio       TEXT NOT NULL,
	received_at BIGINT NOT NULL,
	due_at      BIGINT NOT NULL,
	answered_at BIGINT,
	answer      TEXT NOT NULL DEFAULT '',
	answered_by TEXT NOT NULL DEFAULT ''
);
