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
CREATE TRIGGER support_checks_count_insert AFTER INSERT ON support_checks BEGIN
	INSERT INTO support_check_counts VALUES ('subject', NEW.subject_id, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1)
		ON CONFLICT (dim, key, status, decision, roll_id, disagrees) DO UPDATE SET n = n + 1;
	INSERT INTO support_check_counts VALUES ('alcaldia', NEW.alcaldia, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1)
		ON CONFLICT (dim, key, status, decision, roll_id, disagrees) DO UPDATE SET n = n + 1;
	INSERT INTO support_check_counts VALUES ('device', NEW.device_id, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1)
		ON CONFLICT (dim, key, status, decision, roll_id, disagrees) DO UPDATE SET n = n + 1;
	INSERT INTO support_check_counts VALUES ('canvasser', NEW.canvasser, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1)
		ON CONFLICT (dim, key, status, decision, roll_id, disagrees) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER support_checks_count_delete AFTER DELETE ON support_checks BEGIN
	UPDATE support_check_counts SET n = n - 1 WHERE dim = 'subject' AND key = OLD.subject_id AND status = OLD.status
		AND decision = OLD.decision AND roll_id = OLD.roll_id AND disagrees = (OLD.roll_status <> '');
	UPDATE support_check_counts SET n = n - 1 WHERE dim = 'alcaldia' AND key = OLD.alcaldia AND status = OLD.status
		AND decision = OLD.decision AND roll_id = OLD.roll_id AND disagrees = (OLD.roll_status <> '');
	UPDATE support_check_counts SET n = n - 1 WHERE dim = 'device' AND key = OLD.device_id AND status = OLD.status
		AND decision = OLD.decision AND roll_id = OLD.roll_id AND disagrees = (OLD.roll_status <> '');
	UPDATE support_check_counts SET n = n - 1 WHERE dim = 'canvasser' AND key = OLD.canvasser AND status = OLD.status
		AND decision = OLD.decision AND roll_id = OLD.roll_id AND disagrees = (OLD.roll_status <> '');
END;
CREATE TRIGGER support_checks_count_update AFTER UPDATE OF subject_id, alcaldia, device_id, canvasser, status, decision, roll_id, roll_status ON support_checks
	WHEN OLD.subject_id <> NEW.subject_id OR OLD.alcaldia <> NEW.alcaldia OR OLD.device_id <> NEW.device_id OR OLD.canvasser <> NEW.canvasser OR OLD.status <> NEW.status OR OLD.decision <> NEW.decision OR OLD.roll_id <> NEW.roll_id OR OLD.roll_status <> NEW.roll_status BEGIN
	UPDATE support_check_counts SET n = n - 1 WHERE dim = 'subject' AND key = OLD.subject_id AND status = OLD.status
		AND decision = OLD.decision AND roll_id = OLD.roll_id AND disagrees = (OLD.roll_status <> '');
	UPDATE support_check_counts SET n = n - 1 WHERE dim = 'alcaldia' AND key = OLD.alcaldia AND status = OLD.status
		AND decision = OLD.decision AND roll_id = OLD.roll_id AND disagrees = (OLD.roll_status <> '');
	UPDATE support_check_counts SET n = n - 1 WHERE dim = 'device' AND key = OLD.device_id AND status = OLD.status
		AND decision = OLD.decision AND roll_id = OLD.roll_id AND disagrees = (OLD.roll_status <> '');
	UPDATE support_check_counts SET n = n - 1 WHERE dim = 'canvasser' AND key = OLD.canvasser AND status = OLD.status
		AND decision = OLD.decision AND roll_id = OLD.roll_id AND disagrees = (OLD.roll_status <> '');
	INSERT INTO support_check_counts VALUES ('subject', NEW.subject_id, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1)
		ON CONFLICT (dim, key, status, decision, roll_id, disagrees) DO UPDATE SET n = n + 1;
	INSERT INTO support_check_counts VALUES ('alcaldia', NEW.alcaldia, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1)
		ON CONFLICT (dim, key, status, decision, roll_id, disagrees) DO UPDATE SET n = n + 1;
	INSERT INTO support_check_counts VALUES ('device', NEW.device_id, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1)
		ON CONFLICT (dim, key, status, decision, roll_id, disagrees) DO UPDATE SET n = n + 1;
	INSERT INTO support_check_counts VALUES ('canvasser', NEW.canvasser, NEW.status, NEW.decision, NEW.roll_id, NEW.roll_status <> '', 1)
		ON CONFLICT (dim, key, status, decision, roll_id, disagrees) DO UPDATE SET n = n + 1;
END;
