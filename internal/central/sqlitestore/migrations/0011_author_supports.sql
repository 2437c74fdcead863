-- An author's support counts for what their proposal became: the proposal
-- published as itself, or the one it was merged into. support_index is the
-- author's blind index for that proposal (for a merge, central makes it
-- with the dedupe key at the decision), kept so the roll check can file
-- the author's support under the right proposal and find a direct
-- signature of the same person there, and so a cancellation can take the
-- support back. NULL while pending or declined.
ALTER TABLE submissions ADD COLUMN support_index BLOB;
