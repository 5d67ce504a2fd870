-- Every commit rewrites one page of each index of the audit table. The index of unsealed
-- entries held every entry (sealed ones under their sequence number, already indexed by
-- the UNIQUE constraint); a partial index holds only the few entries awaiting the sealer.
DROP INDEX audit_unsealed;
CREATE INDEX audit_unsealed ON audit(id) WHERE seq IS NULL;
