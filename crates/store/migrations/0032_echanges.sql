-- Exchanges with the person, the family and partners (issue 13, REL-2): append-only, a
-- correction is a new row naming the one it corrects.
CREATE TABLE echange (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    date_echange TEXT NOT NULL,
    type_echange TEXT NOT NULL,
    sens TEXT NOT NULL,
    interlocuteur TEXT NOT NULL,
    objet TEXT NOT NULL,
    resume TEXT NOT NULL,
    corrige_id BIGINT REFERENCES echange(id),
    auteur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    created_at TEXT NOT NULL
);
CREATE INDEX echange_usager ON echange(usager_id, date_echange, id);
