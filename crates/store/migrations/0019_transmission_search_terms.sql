-- The full-text index of transmissions reads the terms as they are stored (decision
-- 0039-search-and-bulk-load): `transmission.termes` already holds the French
-- Snowball stems without accents computed in Rust, space-separated ASCII words, which the
-- text-to-tsvector cast takes as lexemes. Applying the `french` configuration to those stems
-- again cost 12 µs a row (index builds, bulk loads, and every row a search checks while
-- walking the table) and dropped French stop words that SQLite keeps. Those statements are
-- engine-specific (PostgreSQL only: migrate.rs, PAR_MOTEUR).

-- The relève of a unit starts from the unit's current stays. Most stays have no unit (home
-- care, services without units): in a whole-table index their NULLs made the unit look as
-- large as the table to SQLite's statistics (`sqlite_stat1`: one value, 100,000 rows), which
-- then scanned every stay. Only stays placed in a unit are indexed now.
DROP INDEX sejour_unite;
CREATE INDEX sejour_unite ON sejour(unite_id, usager_id) WHERE unite_id IS NOT NULL;
