-- Foundation: organisation, accounts, sessions, permissions, usagers and stays, audit.
-- One source for both engines: {pk}, {text_c} are rendered per engine (see migrate.rs).
-- Integers are BIGINT everywhere (decoded as i64 on both engines); booleans are BIGINT 0/1;
-- timestamps are fixed-width UTC RFC 3339 text written by the application.

CREATE TABLE organisme (
    id {pk},
    nom TEXT NOT NULL,
    finess_juridique TEXT NOT NULL UNIQUE,
    siren TEXT,
    adresse TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE etablissement (
    id {pk},
    organisme_id BIGINT NOT NULL REFERENCES organisme(id),
    nom TEXT NOT NULL,
    finess TEXT NOT NULL UNIQUE,
    siret TEXT,
    categorie TEXT NOT NULL,
    domaine TEXT NOT NULL,
    capacite BIGINT,
    adresse TEXT,
    actif BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX etablissement_organisme ON etablissement(organisme_id);

CREATE TABLE unite (
    id {pk},
    etablissement_id BIGINT NOT NULL REFERENCES etablissement(id),
    nom TEXT NOT NULL,
    type_unite TEXT NOT NULL,
    capacite BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (etablissement_id, nom)
);

CREATE TABLE utilisateur (
    id {pk},
    username TEXT NOT NULL UNIQUE,
    nom TEXT NOT NULL,
    prenom TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL,
    identifiant_pro TEXT,
    password_hash TEXT NOT NULL,
    doit_changer_mdp BIGINT NOT NULL DEFAULT 0,
    totp_secret TEXT,
    actif BIGINT NOT NULL DEFAULT 1,
    echecs_connexion BIGINT NOT NULL DEFAULT 0,
    verrouille_jusqua TEXT,
    usager_id BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE utilisateur_etablissement (
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    etablissement_id BIGINT NOT NULL REFERENCES etablissement(id),
    PRIMARY KEY (utilisateur_id, etablissement_id)
);
CREATE INDEX utilisateur_etablissement_etab ON utilisateur_etablissement(etablissement_id);

CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX session_utilisateur ON session(utilisateur_id);

CREATE TABLE role_config (
    role TEXT PRIMARY KEY,
    totp_obligatoire BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE permission (
    role TEXT NOT NULL,
    section TEXT NOT NULL,
    action TEXT NOT NULL,
    PRIMARY KEY (role, section, action)
);

CREATE TABLE usager (
    id {pk},
    nom_naissance TEXT NOT NULL,
    prenoms_naissance TEXT NOT NULL,
    premier_prenom TEXT NOT NULL,
    date_naissance TEXT NOT NULL,
    sexe TEXT NOT NULL,
    lieu_naissance TEXT,
    nom_utilise TEXT,
    prenom_utilise TEXT,
    matricule_ins TEXT,
    oid_ins TEXT,
    statut_identite TEXT NOT NULL,
    attributs_identite TEXT NOT NULL DEFAULT '',
    justificatif_type TEXT,
    justificatif_at TEXT,
    ins_at TEXT,
    cle_nom {text_c} NOT NULL,
    cle_phonetique TEXT NOT NULL,
    referent_id BIGINT REFERENCES utilisateur(id),
    alertes TEXT NOT NULL DEFAULT '',
    fusionne_dans BIGINT REFERENCES usager(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX usager_naissance ON usager(date_naissance);
CREATE INDEX usager_ins ON usager(matricule_ins);
CREATE INDEX usager_cle_nom ON usager(cle_nom);

-- One row per name word of an usager (birth name, used name, first names), accent-free
-- upper case: prefix search on any name uses this index.
CREATE TABLE usager_nom (
    cle {text_c} NOT NULL,
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    PRIMARY KEY (cle, usager_id)
);
CREATE INDEX usager_nom_usager ON usager_nom(usager_id);

CREATE TABLE sejour (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    etablissement_id BIGINT NOT NULL REFERENCES etablissement(id),
    unite_id BIGINT REFERENCES unite(id),
    date_entree TEXT NOT NULL,
    date_sortie TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sejour_usager ON sejour(usager_id, etablissement_id);
CREATE INDEX sejour_etablissement ON sejour(etablissement_id, usager_id);

CREATE TABLE affectation (
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (utilisateur_id, usager_id)
);
CREATE INDEX affectation_usager ON affectation(usager_id);

CREATE TABLE acces_exceptionnel (
    id {pk},
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    motif TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX acces_exceptionnel_usager ON acces_exceptionnel(usager_id, utilisateur_id);
CREATE INDEX acces_exceptionnel_date ON acces_exceptionnel(created_at);

-- Audit: rows are inserted in the transaction of what they record (seq and hash NULL), then
-- chained in order by the sealer: hash = SHA-256(previous hash, seq, every field).
CREATE TABLE audit (
    id {pk},
    at TEXT NOT NULL,
    utilisateur_id BIGINT,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    usager_id BIGINT,
    section TEXT,
    ip TEXT,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    seq BIGINT UNIQUE,
    prev_hash TEXT,
    hash TEXT
);
CREATE INDEX audit_usager ON audit(usager_id, id);
CREATE INDEX audit_utilisateur ON audit(utilisateur_id, id);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_unsealed ON audit(seq, id);

CREATE TABLE audit_checkpoint (
    seq BIGINT PRIMARY KEY,
    hash TEXT NOT NULL,
    at TEXT NOT NULL
);
