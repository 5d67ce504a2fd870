-- The medical summary (synthèse médicale) and the observations of the care section (SOI-2).
-- Both are append-only but for the end of a summary entry: an entry is ended (its end date,
-- who and why kept on the row, raising its version) or corrected by a new entry naming it
-- (`corrige_id`); an observation is corrected the same way. Nothing is ever deleted.
CREATE TABLE soins_entree (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    rubrique TEXT NOT NULL,
    libelle TEXT NOT NULL,
    code_cim10 TEXT,
    details TEXT,
    date_debut TEXT,
    date_fin TEXT,
    fin_motif TEXT,
    fin_par TEXT,
    corrige_id BIGINT REFERENCES soins_entree(id),
    auteur_id BIGINT REFERENCES utilisateur(id),
    auteur TEXT NOT NULL,
    auteur_role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX soins_entree_usager ON soins_entree(usager_id, created_at, id);
CREATE INDEX soins_entree_corrige ON soins_entree(corrige_id);

-- The free-text alerts of the identity become entries of the summary (heading « alerte »),
-- nothing lost: a text longer than a label keeps its whole text in `details`. The identity
-- no longer holds alerts.
INSERT INTO soins_entree (usager_id, rubrique, libelle, details, auteur, auteur_role, created_at)
SELECT id, 'alerte',
       CASE WHEN length(trim(alertes)) <= 300 THEN trim(alertes) ELSE substr(trim(alertes), 1, 299) || '…' END,
       CASE WHEN length(trim(alertes)) > 300 THEN trim(alertes) END,
       'Reprise des alertes du dossier', '', updated_at
FROM usager WHERE trim(alertes) <> '';
UPDATE usager SET alertes = '' WHERE alertes <> '';

CREATE TABLE observation (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    type_observation TEXT NOT NULL,
    texte TEXT NOT NULL,
    date_observation TEXT NOT NULL,
    source TEXT,
    auteur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    auteur TEXT NOT NULL,
    auteur_role TEXT NOT NULL,
    corrige_id BIGINT REFERENCES observation(id),
    created_at TEXT NOT NULL
);
CREATE INDEX observation_usager ON observation(usager_id, created_at, id);
CREATE INDEX observation_corrige ON observation(corrige_id);
