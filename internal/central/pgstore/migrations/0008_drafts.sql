-- Campaign authoring in the dashboard (issue 15). Who published each
-- version and from where (a file or the dashboard), so `central serve
-- --campaign` never silently publishes a file over an operator's work.
ALTER TABLE campaigns ADD COLUMN published_by TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN source TEXT NOT NULL DEFAULT '';

-- The one campaign draft operators edit: campaign JSON that may not
-- validate yet, the version it was started from, and a revision that
-- grows with every save so two operators (or two nodes) never overwrite
-- each other unseen.
CREATE TABLE campaign_draft (
	id           SMALLINT PRIMARY KEY CHECK (id = 1),
	content      BYTEA NOT NULL,
	base_version BIGINT NOT NULL,
	revision     BIGINT NOT NULL,
	saved_at     BIGINT NOT NULL,
	saved_by     TEXT NOT NULL
);
