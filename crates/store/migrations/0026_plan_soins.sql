-- Care plan and acts, the daily worksheet, vital signs (issue 12, SOI-1).
-- A planned act: its kind, who does it, how often (every day, days of the week `1,3,5`, every
-- N days from its first day) at which local times (`08:00,20:00`, Europe/Paris), from its
-- first to its last day. Edited with optimistic versions; withdrawn acts are kept (actif = 0).
CREATE TABLE acte_plan (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    type_acte TEXT NOT NULL,
    libelle TEXT NOT NULL,
    intervenant TEXT NOT NULL,
    type_frequence TEXT NOT NULL,
    jours_semaine TEXT NOT NULL DEFAULT '',
    intervalle BIGINT NOT NULL DEFAULT 1,
    horaires TEXT NOT NULL,
    date_debut TEXT NOT NULL,
    date_fin TEXT,
    consignes TEXT,
    actif BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    saisi_par BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX acte_plan_usager ON acte_plan(usager_id, actif);

-- An act due at an instant (UTC), done or not (with a reason), by whom, when: once only.
CREATE TABLE acte_realise (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    acte_id BIGINT NOT NULL REFERENCES acte_plan(id),
    prevu_a TEXT NOT NULL,
    statut TEXT NOT NULL,
    motif TEXT,
    par BIGINT REFERENCES utilisateur(id),
    saisi_a TEXT NOT NULL,
    UNIQUE (acte_id, prevu_a)
);
CREATE INDEX acte_realise_usager ON acte_realise(usager_id, prevu_a);

-- A vital sign or measure, in hundredths of its unit (37,8 °C is 3780; blood pressure has
-- the diastolic in valeur2), with the alert it raised against the thresholds in force.
CREATE TABLE constante (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    type_mesure TEXT NOT NULL,
    valeur BIGINT NOT NULL,
    valeur2 BIGINT,
    mesure_a TEXT NOT NULL,
    commentaire TEXT,
    alerte TEXT,
    par BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL
);
CREATE INDEX constante_usager ON constante(usager_id, type_mesure, mesure_a);
CREATE INDEX constante_moment ON constante(usager_id, mesure_a);

-- A person's own alert thresholds of a measure (hundredths), replacing the defaults.
CREATE TABLE seuil_constante (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    type_mesure TEXT NOT NULL,
    bas BIGINT,
    haut BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    par BIGINT REFERENCES utilisateur(id),
    updated_at TEXT NOT NULL,
    UNIQUE (usager_id, type_mesure)
);
