-- The identity (issues 12 and 16). The free-text alerts moved to the medical summary
-- (migration 0024 copied them there and emptied the column): the empty column goes.
ALTER TABLE usager DROP COLUMN alertes;
-- The birth name as typed, accents and case kept (« Dupônt-Lefèvre »), beside the INS form
-- kept in `nom_naissance` (capitals without accents, what INSi compares). NULL: the file
-- predates it, or the typed name is already the INS form (decision 0041).
ALTER TABLE usager ADD COLUMN nom_naissance_saisi TEXT;
