-- The electoral roll (lista nominal), as keyed hashes only: h is the first
-- 8 bytes of HMAC-SHA-256 of a clave de elector under roll.key, which
-- lives in the data directory, not here (internal/roll). The rowid is the
-- hash, so the table is its own index. A re-import loads roll_next and
-- renames it over roll in one short transaction.
CREATE TABLE roll (
	h        INTEGER PRIMARY KEY,
	entity   INTEGER NOT NULL,
	section  INTEGER NOT NULL,
	alcaldia INTEGER NOT NULL -- roll_alcaldias.id
);
CREATE TABLE roll_alcaldias (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL
);

-- Every import: who (the OS user), when, the file's SHA-256, how many
-- voters and bad rows, and how many reviewer decisions it would have
-- changed. The newest is the roll in use.
CREATE TABLE roll_imports (
	id              INTEGER PRIMARY KEY,
	imported_at     INTEGER NOT NULL,
	by_user         TEXT NOT NULL,
	file            TEXT NOT NULL,
	sha256          TEXT NOT NULL,
	rows            INTEGER NOT NULL,
	bad_rows        INTEGER NOT NULL,
	decided_changed INTEGER NOT NULL DEFAULT 0
);

-- Each support's classification against the roll it was checked under
-- (central.Status…), and a reviewer's decision. No voter id: the body
-- keeps it, sealed.
CREATE TABLE support_checks (
	record_id    BLOB PRIMARY KEY,
	subject_id   TEXT NOT NULL,
	device_id    TEXT NOT NULL,
	canvasser    TEXT NOT NULL,
	alcaldia     TEXT NOT NULL,
	signer_index BLOB,
	status       TEXT NOT NULL,
	roll_id      INTEGER NOT NULL,
	decision     TEXT NOT NULL DEFAULT '',
	reason       TEXT NOT NULL DEFAULT '',
	decided_by   TEXT NOT NULL DEFAULT '',
	decided_at   INTEGER
) WITHOUT ROWID;
CREATE INDEX support_checks_signer ON support_checks (subject_id, signer_index, record_id);
CREATE INDEX support_checks_queue ON support_checks (record_id) WHERE status <> 'verified' AND decision = '';
