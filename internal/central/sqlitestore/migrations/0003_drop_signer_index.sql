-- Unique signers now come from the signers table and its counters, so the
-- partial index over every signature only slowed ingest down.
DROP INDEX IF EXISTS records_signers;
