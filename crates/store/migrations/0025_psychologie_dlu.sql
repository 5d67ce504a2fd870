-- The psychology section (SOI-5): psychologists' notes, append-only (a correction names the
-- note it corrects), each in the établissement it was written in: only the psychologists of
-- that établissement read it.
CREATE TABLE psychologie_note (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    etablissement_id BIGINT NOT NULL REFERENCES etablissement(id),
    type_note TEXT NOT NULL,
    titre TEXT NOT NULL,
    texte TEXT NOT NULL,
    outil TEXT,
    resultat TEXT,
    date_note TEXT NOT NULL,
    auteur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    auteur TEXT NOT NULL,
    corrige_id BIGINT REFERENCES psychologie_note(id),
    created_at TEXT NOT NULL
);
CREATE INDEX psychologie_note_usager ON psychologie_note(usager_id, etablissement_id, created_at, id);
CREATE INDEX psychologie_note_corrige ON psychologie_note(corrige_id);

-- The return sheets of the emergency service (fiche de liaison d'urgence, retour des
-- urgences vers l'établissement), append-only.
CREATE TABLE dlu_retour (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    date_retour TEXT NOT NULL,
    service TEXT,
    diagnostic TEXT NOT NULL,
    examens TEXT,
    traitement TEXT,
    surveillance TEXT,
    suivi TEXT,
    auteur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    auteur TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX dlu_retour_usager ON dlu_retour(usager_id, created_at, id);
