-- Support tiers (issue 15). When central first saw a proposal's unique
-- signers at or above a tier, kept once: the obligations list runs from
-- that moment.
CREATE TABLE tier_crossings (
	proposal_id TEXT NOT NULL,
	tier_id     TEXT NOT NULL,
	signers     INTEGER NOT NULL, -- unique signers when the crossing was seen
	crossed_at  INTEGER NOT NULL,
	PRIMARY KEY (proposal_id, tier_id)
) WITHOUT ROWID;

-- The Drafting Group's response to a proposal for one tier (a written
-- answer, or a meeting or session held), as campaign.Response JSON; it is
-- published with the next campaign version. A correction replaces it.
CREATE TABLE tier_responses (
	proposal_id TEXT NOT NULL,
	tier_id     TEXT NOT NULL,
	content     BLOB NOT NULL,
	recorded_at INTEGER NOT NULL,
	recorded_by TEXT NOT NULL,
	PRIMARY KEY (proposal_id, tier_id)
) WITHOUT ROWID;
