-- The personalised project (ACC-3): a PPA or a PPE per usager, one structured document per
-- version (dui_domain::projet::Contenu, JSON). `version` is the project's optimistic version:
-- every draft save, validation and signature raises it, and each of them requires the one the
-- client read (409 otherwise). `prochaine_revision` is that of the last validated version.
CREATE TABLE projet (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    type TEXT NOT NULL,
    prochaine_revision TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX projet_usager ON projet(usager_id, id);
CREATE INDEX projet_revision ON projet(prochaine_revision);

-- The versions: at most one draft (`brouillon`) per project, edited; validated ones
-- (`valide`) are frozen: no statement of the store updates a validated row.
CREATE TABLE projet_version (
    id {pk},
    projet_id BIGINT NOT NULL REFERENCES projet(id),
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    numero BIGINT NOT NULL,
    statut TEXT NOT NULL,
    contenu TEXT NOT NULL,
    modifie_par BIGINT REFERENCES utilisateur(id),
    modifie_at TEXT NOT NULL,
    valide_par BIGINT REFERENCES utilisateur(id),
    valide_at TEXT,
    prochaine_revision TEXT,
    UNIQUE (projet_id, numero)
);
CREATE INDEX projet_version_usager ON projet_version(usager_id);

-- Signatures offered on a version (HAB-2, D223-17): who, in what capacity, signed, refused
-- or was not offered, when; and who recorded it. Append-only.
CREATE TABLE projet_signature (
    id {pk},
    projet_version_id BIGINT NOT NULL REFERENCES projet_version(id),
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    signataire TEXT NOT NULL,
    qualite TEXT NOT NULL,
    decision TEXT NOT NULL,
    signe_le TEXT NOT NULL,
    commentaire TEXT,
    saisi_par BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL
);
CREATE INDEX projet_signature_version ON projet_signature(projet_version_id, id);
CREATE INDEX projet_signature_usager ON projet_signature(usager_id);

-- The actions of the last validated version assigned to a professional, for the alerts of
-- their home page (rewritten at each validation; the record is the frozen version).
CREATE TABLE projet_action (
    id {pk},
    projet_id BIGINT NOT NULL REFERENCES projet(id),
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    responsable_id BIGINT NOT NULL REFERENCES utilisateur(id),
    echeance TEXT,
    objectif TEXT NOT NULL,
    libelle TEXT NOT NULL
);
CREATE INDEX projet_action_responsable ON projet_action(responsable_id, echeance);
CREATE INDEX projet_action_projet ON projet_action(projet_id);
CREATE INDEX projet_action_usager ON projet_action(usager_id)
