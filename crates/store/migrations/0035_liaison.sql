-- The liaison book of a person at home (COO-6): entries written by workers, nurses, outside
-- partners and relatives for each other. Append-only: an entry is never changed nor
-- deleted; a correction is a new entry naming the one it corrects (`corrige_id`).
CREATE TABLE liaison_entree (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    texte TEXT NOT NULL,
    auteur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    auteur TEXT NOT NULL,
    qualite TEXT NOT NULL,
    corrige_id BIGINT REFERENCES liaison_entree(id),
    created_at TEXT NOT NULL
);
CREATE INDEX liaison_entree_usager ON liaison_entree(usager_id, created_at, id);
CREATE INDEX liaison_entree_corrige ON liaison_entree(corrige_id);

-- The relatives and outside partners of a book, as the cadre set them: their quality,
-- whether they write (a relative only if allowed), when it began and ended (dated, kept).
CREATE TABLE liaison_participant (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    qualite TEXT NOT NULL,
    peut_ecrire BIGINT NOT NULL,
    debut TEXT NOT NULL,
    fin TEXT,
    cree_par BIGINT REFERENCES utilisateur(id)
);
CREATE INDEX liaison_participant_usager ON liaison_participant(usager_id, utilisateur_id);
CREATE INDEX liaison_participant_utilisateur ON liaison_participant(utilisateur_id);

-- Unread marks: the newest entry each reader has seen in each book.
CREATE TABLE liaison_lecture (
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    derniere_lue BIGINT NOT NULL,
    PRIMARY KEY (utilisateur_id, usager_id)
)
