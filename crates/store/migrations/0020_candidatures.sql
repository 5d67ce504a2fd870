-- Applications (ADM-1): a candidature for one or several établissements of the organisation.
-- It may exist before the person's file: it holds the candidate's identity traits; the file
-- is linked (`usager_id`) when it is created from it or when the person already has one.
-- The documents expected and received are a JSON list on the row (label, received on), the
-- files themselves go to the person's file once it exists
-- (docs/decisions/0042-candidatures.md).
CREATE TABLE candidature (
    id {pk},
    usager_id BIGINT REFERENCES usager(id),
    nom_naissance TEXT NOT NULL,
    prenoms TEXT NOT NULL,
    date_naissance TEXT NOT NULL,
    sexe TEXT NOT NULL,
    telephone TEXT,
    origine TEXT NOT NULL,
    numero_decision TEXT,
    date_decision TEXT,
    fin_decision TEXT,
    orientation TEXT,
    priorite TEXT NOT NULL,
    priorite_rang BIGINT NOT NULL,
    criteres TEXT,
    pieces TEXT NOT NULL,
    date_reception TEXT NOT NULL,
    statut TEXT NOT NULL,
    motif TEXT,
    created_by BIGINT REFERENCES utilisateur(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- The waiting list's order (priority, then date received) and the application of a file.
CREATE INDEX candidature_ordre ON candidature(priorite_rang, date_reception, id);
CREATE INDEX candidature_usager ON candidature(usager_id);

-- The établissements an application is aimed at (its scope: who may read it).
CREATE TABLE candidature_etablissement (
    candidature_id BIGINT NOT NULL REFERENCES candidature(id),
    etablissement_id BIGINT NOT NULL REFERENCES etablissement(id),
    PRIMARY KEY (candidature_id, etablissement_id)
);
CREATE INDEX candidature_etablissement_etab ON candidature_etablissement(etablissement_id, candidature_id);

-- Every change of status, kept: from, to, motive, who and when.
CREATE TABLE candidature_statut (
    id {pk},
    candidature_id BIGINT NOT NULL REFERENCES candidature(id),
    de TEXT,
    vers TEXT NOT NULL,
    motif TEXT,
    par BIGINT REFERENCES utilisateur(id),
    par_nom TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX candidature_statut_candidature ON candidature_statut(candidature_id, id);
