-- The team around the person (issue 13, COO-2): the service's accounts who follow a person,
-- each with a function and a place (referent, co-referent, member), dated. A change of
-- referent ends the former one's membership the day before the new one begins: the rows
-- are the history of referents. `usager.referent_id` stays the current referent (kept in
-- step by the team's writes, in the same transaction) for the reads that use it.
CREATE TABLE equipe_membre (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    fonction TEXT NOT NULL,
    place TEXT NOT NULL,
    debut TEXT NOT NULL,
    fin TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    cree_par BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL
);
CREATE INDEX equipe_membre_usager ON equipe_membre(usager_id, fin, place);
CREATE INDEX equipe_membre_utilisateur ON equipe_membre(utilisateur_id, fin);

-- The referents recorded so far become the current referents of the team, since the first
-- stay (else the file's creation; their function read from the account's role).
INSERT INTO equipe_membre (usager_id, utilisateur_id, fonction, place, debut, version, created_at)
SELECT u.id, u.referent_id,
       CASE c.role WHEN 'educateur' THEN 'educateur' WHEN 'infirmier' THEN 'infirmier'
            WHEN 'aide_soignant' THEN 'aide_soignant' WHEN 'psychologue' THEN 'psychologue'
            WHEN 'medecin' THEN 'medecin' WHEN 'intervenant_domicile' THEN 'intervenant_domicile'
            WHEN 'cadre' THEN 'cadre' WHEN 'direction' THEN 'cadre' ELSE 'autre' END,
       'referent', COALESCE((SELECT MIN(s.date_entree) FROM sejour s WHERE s.usager_id = u.id), substr(u.created_at, 1, 10)), 1, u.created_at
FROM usager u JOIN utilisateur c ON c.id = u.referent_id
WHERE u.referent_id IS NOT NULL;
