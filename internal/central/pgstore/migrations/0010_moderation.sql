-- The moderation desk (issue 16): residents' proposals and assemblies,
-- opened where the campaign key is, one row per submission record. What a
-- moderator reads is here; who wrote it is not: the author's voter id and
-- signature stay sealed in the record, and author_name is kept only when
-- the author chose to be named on publication. Times are Unix ms; 0 is
-- "none".
CREATE TABLE submissions (
	record_id         BYTEA PRIMARY KEY,
	kind              TEXT NOT NULL,    -- proposal or event_proposal
	subject_id        TEXT NOT NULL,    -- the device-made id, kept when published
	device_id         TEXT NOT NULL,
	channel           TEXT NOT NULL,
	alcaldia          TEXT NOT NULL,    -- what it concerns; '' for the whole city
	theme             TEXT NOT NULL,
	lang              TEXT NOT NULL,
	title             TEXT NOT NULL,
	body              TEXT NOT NULL,    -- a proposal's text, an assembly's "about"
	venue             TEXT NOT NULL,
	starts            BIGINT NOT NULL,
	named             BIGINT NOT NULL,
	author_name       TEXT NOT NULL,
	author_alcaldia   TEXT NOT NULL,    -- where the author lives: their support's alcaldía
	signer_index      BYTEA,         -- the author's blind index for subject_id
	device_time       BIGINT NOT NULL,
	received_at       BIGINT NOT NULL,
	status            TEXT NOT NULL DEFAULT 'pending',
	target            TEXT NOT NULL DEFAULT '', -- published as, or merged into
	reason            TEXT NOT NULL DEFAULT '',
	note              TEXT NOT NULL DEFAULT '',
	needs_translation BIGINT NOT NULL DEFAULT 0,
	decided_by        TEXT NOT NULL DEFAULT '',
	decided_at        BIGINT NOT NULL DEFAULT 0
);
-- The desk's pages: by status in order of arrival, with kind and
-- alcaldía at hand for filters.
CREATE INDEX submissions_queue ON submissions (status, received_at, record_id);
CREATE INDEX submissions_filter ON submissions (status, kind, alcaldia, received_at, record_id);
-- Submissions per device in the last hour, for the abuse flag.
CREATE INDEX submissions_device ON submissions (device_id, received_at);
-- Authors' supports, counted for what their submission became.
CREATE INDEX submissions_target ON submissions (target) WHERE status IN ('published', 'merged');
-- Records the opener has still to file, and supports collected under an
-- assembly (impromptu ones included).
CREATE INDEX records_submissions ON records (id) WHERE kind IN ('proposal', 'event_proposal');
CREATE INDEX records_event ON records (event_id) WHERE event_id <> '';
