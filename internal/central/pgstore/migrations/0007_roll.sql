-- The electoral roll (lista nominal), as keyed hashes only: h is the first
-- 8 bytes of HMAC-SHA-256 of a clave de elector under roll.key, which
-- lives in the data directory, not here (internal/roll). A re-import
-- COPYs into roll_next, adds the key, and renames it over roll in the
-- same transaction.
CREATE TABLE roll (
	h        BIGINT PRIMARY KEY,
	entity   SMALLINT NOT NULL,
	section  SMALLINT NOT NULL,
	alcaldia SMALLINT NOT NULL -- roll_alcaldias.id
);
CREATE TABLE roll_alcaldias (
	id   SMALLINT PRIMARY KEY,
	name TEXT NOT NULL
);

-- Every import: who (the OS user), when, the file's SHA-256, how many
-- voters and bad rows, and how many reviewer decisions it would have
-- changed. The newest is the roll in use.
CREATE TABLE roll_imports (
	id              BIGSERIAL PRIMARY KEY,
	imported_at     BIGINT NOT NULL,
	by_user         TEXT NOT NULL,
	file            TEXT NOT NULL,
	sha256          TEXT NOT NULL,
	rows            BIGINT NOT NULL,
	bad_rows        BIGINT NOT NULL,
	decided_changed BIGINT NOT NULL DEFAULT 0
);

-- Each support's classification against the roll it was checked under
-- (central.Status…), and a reviewer's decision. No voter id: the body
-- keeps it, sealed.
CREATE TABLE support_checks (
	record_id    BYTEA PRIMARY KEY,
	subject_id   TEXT NOT NULL,
	device_id    TEXT NOT NULL,
	canvasser    TEXT NOT NULL,
	alcaldia     TEXT NOT NULL,
	signer_index BYTEA,
	status       TEXT NOT NULL,
	roll_id      BIGINT NOT NULL,
	decision     TEXT NOT NULL DEFAULT '',
	reason       TEXT NOT NULL DEFAULT '',
	decided_by   TEXT NOT NULL DEFAULT '',
	decided_at   BIGINT
);
CREATE INDEX support_checks_signer ON support_checks (subject_id, signer_index, record_id);
CREATE INDEX support_checks_queue ON support_checks (record_id) WHERE status <> 'verified' AND decision = '';
