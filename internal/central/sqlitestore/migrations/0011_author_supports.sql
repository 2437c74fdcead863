-- An author's support counts for what their proposal became: the proposal
-- published as itself, or the one it was merged into. support_index is the
-- author's blind index for that proposal (for a merge, central makes it
-- with the dedupe key at the decision), kept so the roll check can file
-- the author's support under the right proposal and find a direct
-- signature of the same person there, and so a cancellation can take the
-- support back. NULL while pending or declined.
ALTER TABLE submissions ADD COLUMN support_index BLOB;

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
	roll_id   INTEGER NOT NULL,
	disagrees INTEGER NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (dim, key, status, decision, roll_id, disagrees)
) WITHOUT ROWID;
INSERT INTO support_check_counts SELECT 'subject', subject_id, status, decision, roll_id, roll_status <> '', count(*)
	FROM support_checks GROUP BY 2, 3, 4, 5, 6;
INSERT INTO support_check_counts SELECT 'alcaldia', alcaldia, status, decision, roll_id, roll_status <> '', count(*)
	FROM support_checks GROUP BY 2, 3, 4, 5, 6;
INSERT INTO support_check_counts SELECT 'device', device_id, status, decision, roll_id, roll_status <> '', count(*)
	FROM support_checks GROUP BY 2, 3, 4, 5, 6;
INSERT INTO support_check_counts SELECT 'canvasser', canvasser, status, decision, roll_id, roll_status <> '', count(*)
	FROM support_checks GROUP BY 2, 3, 4, 5, 6;
-- The triggers append to support_check_deltas, cheaper than updating a
-- counter per support; FileSupportChecks folds the deltas into
-- support_check_counts at the end of each batch, and readers add what is
-- not folded yet (support_check_totals).
CREATE TABLE support_check_deltas (
	dim       TEXT NOT NULL,
	key       TEXT NOT NULL,
	status    TEXT NOT NULL,
	decision  TEXT NOT NULL,
	roll_id   INTEGER NOT NULL,
	disagrees INTEGER NOT NULL,
	n         INTEGER NOT NULL
);
CREATE VIEW support_check_totals AS
	SELECT dim, key, status, decision, roll_id, disagrees, sum(n) AS n FROM (
		SELECT dim, key, status, decision, roll_id, disagrees, n FROM support_check_counts
		UNION ALL
		SELECT dim, key, status, decision, roll_id, disagrees, n FROM support_check_deltas)
	GROUP BY dim, key, status, decision, roll_id, disagrees;
CREATE TRIGGER support_checks_count_insert AFTER INSERT ON support_checks BEGIN
	INSERT INTO support_check_deltas VALUES
		('subject', NEW.subject_id, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1),
		('alcaldia', NEW.alcaldia, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1),
		('device', NEW.device_id, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1),
		('canvasser', NEW.canvasser, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1);
END;
CREATE TRIGGER support_checks_count_delete AFTER DELETE ON support_checks BEGIN
	INSERT INTO support_check_deltas VALUES
		('subject', OLD.subject_id, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status <> '', -1),
		('alcaldia', OLD.alcaldia, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status <> '', -1),
		('device', OLD.device_id, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status <> '', -1),
		('canvasser', OLD.canvasser, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status <> '', -1);
END;
CREATE TRIGGER support_checks_count_update AFTER UPDATE OF subject_id, alcaldia, device_id, canvasser, status, decision, roll_id, roll_status ON support_checks
	WHEN OLD.subject_id <> NEW.subject_id OR OLD.alcaldia <> NEW.alcaldia OR OLD.device_id <> NEW.device_id OR OLD.canvasser <> NEW.canvasser OR OLD.status <> NEW.status OR OLD.decision <> NEW.decision OR OLD.roll_id <> NEW.roll_id OR OLD.roll_status <> NEW.roll_status BEGIN
	INSERT INTO support_check_deltas VALUES
		('subject', OLD.subject_id, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status <> '', -1),
		('alcaldia', OLD.alcaldia, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status <> '', -1),
		('device', OLD.device_id, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status <> '', -1),
		('canvasser', OLD.canvasser, OLD.status, OLD.decision, OLD.roll_id, OLD.roll_status <> '', -1);
	INSERT INTO support_check_deltas VALUES
		('subject', NEW.subject_id, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1),
		('alcaldia', NEW.alcaldia, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1),
		('device', NEW.device_id, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1),
		('canvasser', NEW.canvasser, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1);
END;
