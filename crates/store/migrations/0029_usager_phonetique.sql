-- Search as people type (issue 16, item 10): after the names that start with what was
-- typed come the names that sound the same (« dupond » finds DUPONT), read by their
-- phonetic key.
CREATE INDEX usager_phonetique ON usager(cle_phonetique);
