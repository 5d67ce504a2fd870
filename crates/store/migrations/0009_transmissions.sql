-- Transmissions (ACC-2, SOI-4): append-only, no row is ever updated or deleted (but its
-- `usager_id` by a merge and its undoing). A correction is a new row naming the one it
-- corrects (`corrige_id`). `termes` holds the French search terms computed in Rust
-- (dui_domain::transmission::termes), indexed by each engine's full-text index (the
-- engine-specific part of this migration, migrate.rs).
CREATE TABLE transmission (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    section TEXT NOT NULL,
    categorie TEXT NOT NULL,
    texte TEXT,
    cible TEXT,
    donnees TEXT,
    actions TEXT,
    resultats TEXT,
    importante BIGINT NOT NULL DEFAULT 0,
    date_fait TEXT NOT NULL,
    auteur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    auteur TEXT NOT NULL,
    auteur_role TEXT NOT NULL,
    corrige_id BIGINT REFERENCES transmission(id),
    termes TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The file's transmissions, newest first.
CREATE INDEX transmission_usager ON transmission(usager_id, created_at, id);
-- The relève of an établissement: what was written since a time.
CREATE INDEX transmission_ecrite ON transmission(created_at, id);
CREATE INDEX transmission_corrige ON transmission(corrige_id);
-- The relève of a unit: the people staying in it.
CREATE INDEX sejour_unite ON sejour(unite_id, usager_id);

-- Unread marks of the relève: a row per professional and transmission read.
CREATE TABLE transmission_lue (
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    transmission_id BIGINT NOT NULL REFERENCES transmission(id),
    lue_at TEXT NOT NULL,
    PRIMARY KEY (utilisateur_id, transmission_id)
)
