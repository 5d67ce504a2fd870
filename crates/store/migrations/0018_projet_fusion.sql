-- A merge must not leave two current projects of one type in the kept file: when both files
-- had one (a PPA each…), the absorbed file's project moves with the file but is archived by
-- that merge (`fusion_archive` = the merge's id): readable, frozen, out of the alerts. Undoing
-- the merge clears it. See docs/decisions/XXXX-h17ui-projets-et-fusion.md.
ALTER TABLE projet ADD COLUMN fusion_archive BIGINT;
