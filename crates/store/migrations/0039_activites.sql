-- Activities (issue 13, COO-1): individual and group activities of an établissement
-- (optionally of a unit), their animators, their sessions (a local date in Europe/Paris with
-- start and end times), the persons registered (dated) and each person's attendance at a
-- session. Registrations and attendance are support-section data of each person: they move
-- with a merge (no unique key on a person: a merged file keeps both rows).
CREATE TABLE activite (
    id {pk},
    etablissement_id BIGINT NOT NULL REFERENCES etablissement(id),
    unite_id BIGINT REFERENCES unite(id),
    type_activite TEXT NOT NULL,
    modalite TEXT NOT NULL,
    titre TEXT NOT NULL,
    description TEXT,
    lieu TEXT,
    capacite BIGINT,
    debut TEXT NOT NULL,
    fin TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    cree_par BIGINT REFERENCES utilisateur(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX activite_etablissement ON activite(etablissement_id, id);

-- The animators of an activity (accounts).
CREATE TABLE activite_animateur (
    activite_id BIGINT NOT NULL REFERENCES activite(id),
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    PRIMARY KEY (activite_id, utilisateur_id)
);

-- A session; its version is raised by every change of the session or of its attendance.
CREATE TABLE seance (
    id {pk},
    activite_id BIGINT NOT NULL REFERENCES activite(id),
    jour TEXT NOT NULL,
    heure_debut TEXT NOT NULL,
    heure_fin TEXT NOT NULL,
    lieu TEXT,
    statut TEXT NOT NULL,
    motif TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX seance_activite ON seance(activite_id, jour);

-- The animators of a session when they differ from the activity's.
CREATE TABLE seance_animateur (
    seance_id BIGINT NOT NULL REFERENCES seance(id),
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    PRIMARY KEY (seance_id, utilisateur_id)
);

CREATE TABLE activite_inscription (
    id {pk},
    activite_id BIGINT NOT NULL REFERENCES activite(id),
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    debut TEXT NOT NULL,
    fin TEXT,
    inscrit_par BIGINT REFERENCES utilisateur(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX activite_inscription_activite ON activite_inscription(activite_id, debut);
CREATE INDEX activite_inscription_usager ON activite_inscription(usager_id);

CREATE TABLE seance_presence (
    id {pk},
    seance_id BIGINT NOT NULL REFERENCES seance(id),
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    assiduite TEXT NOT NULL,
    observation TEXT,
    saisi_par BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL
);
CREATE INDEX seance_presence_seance ON seance_presence(seance_id);
CREATE INDEX seance_presence_usager ON seance_presence(usager_id, seance_id);
