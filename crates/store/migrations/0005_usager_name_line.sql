-- The words of an usager's names on the usager row itself, sorted in byte order and each
-- surrounded by spaces (" DUPONT JEAN MARIE "): the search filters on the second and later
-- words typed, and keeps one row per usager, with a string test on the row it already reads
-- instead of joins on usager_nom. Fewer joins make a plan that PostgreSQL can keep for every
-- prefix (decision 0010).
ALTER TABLE usager ADD COLUMN cles_noms {text_c} NOT NULL DEFAULT '';
UPDATE usager SET cles_noms = COALESCE(' ' || (SELECT string_agg(n.cle, ' ' ORDER BY n.cle) FROM usager_nom n WHERE n.usager_id = usager.id) || ' ', '')
