-- An author's support counts for what their proposal became: the proposal
-- published as itself, or the one it was merged into. support_index is the
-- author's blind index for that proposal (for a merge, central makes it
-- with the dedupe key at the decision), kept so the roll check can file
-- the author's support under the right proposal and find a direct
-- signature of the same person there, and so a cancellation can take the
-- support back. NULL while pending or declined.
ALTER TABLE submissions ADD COLUMN support_index BYTEA;

-- What /roll, `central stats` and tiers count of the roll check, kept as
-- support_checks changes (classification, re-checks, decisions,
-- cancellations) instead of grouping every classified support on each
-- read: per proposal ('subject'), alcaldía, device and canvasser, by
-- status, decision, roll and whether the roll in use disagrees with a
-- decision. A row whose n falls to 0 stays; readers skip it.
CREATE TABLE support_check_counts (
	dim       TEXT NOT NULL,
	key       TEXT NOT NULL,
	status    TEXT NOT NULL,
	decision  TEXT NOT NULL,
	roll_id   BIGINT NOT NULL,
	disagrees BOOLEAN NOT NULL,
	n         BIGINT NOT NULL,
	PRIMARY KEY (dim, key, status, decision, roll_id, disagrees)
);
INSERT INTO support_check_counts SELECT 'subject', subject_id, status, decision, roll_id, roll_status <> '', count(*)
	FROM support_checks GROUP BY 2, 3, 4, 5, 6;
INSERT INTO support_check_counts SELECT 'alcaldia', alcaldia, status, decision, roll_id, roll_status <> '', count(*)
	FROM support_checks GROUP BY 2, 3, 4, 5, 6;
INSERT INTO support_check_counts SELECT 'device', device_id, status, decision, roll_id, roll_status <> '', count(*)
	FROM support_checks GROUP BY 2, 3, 4, 5, 6;
INSERT INTO support_check_counts SELECT 'canvasser', canvasser, status, decision, roll_id, roll_status <> '', count(*)
	FROM support_checks GROUP BY 2, 3, 4, 5, 6;
-- The triggers append to support_check_deltas rather than update the
-- counters: the roll check files 2,000 supports a transaction, and
-- updating one counter row a thousand times in a transaction leaves a
-- thousand row versions each update walks past. FileSupportChecks folds
-- the deltas into support_check_counts at the end of its transaction;
-- readers add what is not folded yet, as for counter_deltas.
CREATE TABLE support_check_deltas (
	dim       TEXT NOT NULL,
	key       TEXT NOT NULL,
	status    TEXT NOT NULL,
	decision  TEXT NOT NULL,
	roll_id   BIGINT NOT NULL,
	disagrees BOOLEAN NOT NULL,
	n         BIGINT NOT NULL
);
CREATE VIEW support_check_totals AS
	SELECT dim, key, status, decision, roll_id, disagrees, sum(n)::bigint AS n FROM (
		SELECT dim, key, status, decision, roll_id, disagrees, n FROM support_check_counts
		UNION ALL
		SELECT dim, key, status, decision, roll_id, disagrees, n FROM support_check_deltas) u
	GROUP BY dim, key, status, decision, roll_id, disagrees;
CREATE FUNCTION support_checks_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		INSERT INTO support_check_deltas (dim, key, status, decision, roll_id, disagrees, n) VALUES
			('subject', OLD.subject_id, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status <> '', -1),
			('alcaldia', OLD.alcaldia, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status <> '', -1),
			('device', OLD.device_id, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status <> '', -1),
			('canvasser', OLD.canvasser, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status <> '', -1);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		INSERT INTO support_check_deltas (dim, key, status, decision, roll_id, disagrees, n) VALUES
			('subject', NEW.subject_id, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1),
			('alcaldia', NEW.alcaldia, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1),
			('device', NEW.device_id, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1),
			('canvasser', NEW.canvasser, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER support_checks_count_rows AFTER INSERT OR DELETE ON support_checks
	FOR EACH ROW EXECUTE FUNCTION support_checks_counted();
CREATE TRIGGER support_checks_count_update AFTER UPDATE ON support_checks
	FOR EACH ROW WHEN ((OLD.subject_id, OLD.alcaldia, OLD.device_id, OLD.canvasser, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status) IS DISTINCT FROM (NEW.subject_id, NEW.alcaldia, NEW.device_id, NEW.canvasser, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status))
	EXECUTE FUNCTION support_checks_counted();
