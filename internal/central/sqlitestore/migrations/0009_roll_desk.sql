-- The review desk (issue 17). note is what a reviewer added to a
-- decision's reason. roll_status is what the roll in use says of a decided
-- support when that differs from the status it was decided on: a new roll
-- never re-opens a decision, and never changes one silently either. A
-- new decision on the support takes the roll's word and clears it.
ALTER TABLE support_checks ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE support_checks ADD COLUMN roll_status TEXT NOT NULL DEFAULT '';
-- The desk lists decisions the roll disagrees with first, then the newest.
CREATE INDEX support_checks_decided ON support_checks (decided_at) WHERE decision <> '';
-- Tiers count verified supports (central.TierCounts) every time the
-- progress document is built: this index holds just those, so counting
-- them reads no other row.
CREATE INDEX support_checks_counted ON support_checks (subject_id)
	WHERE decision = 'valid' OR (decision = '' AND status = 'verified');
