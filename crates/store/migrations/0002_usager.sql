-- The usager's file: identity history, circle of people, professionals, duplicates, merges.

-- Every saved identity version (the row as it was before each change): nothing is lost.
CREATE TABLE usager_version (
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    version BIGINT NOT NULL,
    donnees TEXT NOT NULL,
    modifie_par BIGINT,
    modifie_at TEXT NOT NULL,
    PRIMARY KEY (usager_id, version)
);

-- Entourage: family, legal representatives, personne de confiance, people to call.
CREATE TABLE entourage (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    nom TEXT NOT NULL,
    prenom TEXT NOT NULL,
    relation TEXT NOT NULL,
    mesure_protection TEXT,
    mesure_debut TEXT,
    mesure_fin TEXT,
    mesure_reference TEXT,
    personne_confiance BIGINT NOT NULL DEFAULT 0,
    date_designation TEXT,
    personne_a_prevenir BIGINT NOT NULL DEFAULT 0,
    telephone TEXT,
    email TEXT,
    adresse TEXT,
    commentaire TEXT,
    actif BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX entourage_usager ON entourage(usager_id);

-- Shared directory of external professionals of the organisation.
CREATE TABLE professionnel (
    id {pk},
    nom TEXT NOT NULL,
    prenom TEXT NOT NULL,
    fonction TEXT NOT NULL,
    identifiant_pro TEXT,
    structure TEXT,
    telephone TEXT,
    email TEXT,
    mssante TEXT,
    cle_nom {text_c} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX professionnel_cle ON professionnel(cle_nom);

CREATE TABLE usager_professionnel (
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    professionnel_id BIGINT NOT NULL REFERENCES professionnel(id),
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (usager_id, professionnel_id, role)
);

-- Pairs confirmed as two different people (identitovigilance), smallest id first.
CREATE TABLE usager_non_doublon (
    usager_a BIGINT NOT NULL REFERENCES usager(id),
    usager_b BIGINT NOT NULL REFERENCES usager(id),
    confirme_par BIGINT NOT NULL,
    confirme_at TEXT NOT NULL,
    PRIMARY KEY (usager_a, usager_b)
);

-- Merges: what was moved from the absorbed file to the kept one, so that it can be undone.
CREATE TABLE fusion (
    id {pk},
    conserve_id BIGINT NOT NULL REFERENCES usager(id),
    absorbe_id BIGINT NOT NULL REFERENCES usager(id),
    deplacements TEXT NOT NULL,
    fusionne_par BIGINT NOT NULL,
    fusionne_at TEXT NOT NULL,
    annule_par BIGINT,
    annule_at TEXT
);
CREATE INDEX fusion_absorbe ON fusion(absorbe_id);
