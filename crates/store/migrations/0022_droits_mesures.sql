-- Social benefits (GA-3): a right of the person (APA, PCH, AAH, ASH, MDPH orientation…)
-- with its payer, reference, amount (cents), validity [date_debut, date_fin] (the end day is
-- the last valid one). Edited with an optimistic version; each change keeps the previous
-- state in `prestation_historique` (JSON of the fields, who, when).
CREATE TABLE prestation (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    type_prestation TEXT NOT NULL,
    payeur TEXT,
    reference TEXT,
    montant_centimes BIGINT,
    date_debut TEXT NOT NULL,
    date_fin TEXT,
    notes TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX prestation_usager ON prestation(usager_id, id);
-- The renewal alerts of the home pages: ends before a horizon.
CREATE INDEX prestation_fin ON prestation(date_fin, usager_id);

CREATE TABLE prestation_historique (
    id {pk},
    prestation_id BIGINT NOT NULL REFERENCES prestation(id),
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    version BIGINT NOT NULL,
    contenu TEXT NOT NULL,
    modifie_par BIGINT REFERENCES utilisateur(id),
    modifie_at TEXT NOT NULL
);
CREATE INDEX prestation_historique_prestation ON prestation_historique(prestation_id, id);
CREATE INDEX prestation_historique_usager ON prestation_historique(usager_id);

-- The alert delay (days before the end) per kind of benefit set by the administrator; a
-- kind without a row uses the domain's default (`TypePrestation::delai_alerte_defaut`).
CREATE TABLE prestation_delai (
    type_prestation TEXT PRIMARY KEY,
    jours BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Measures restricting the freedom of movement (GA-2, CASF L311-4-1): the annex to the
-- contract, its medical opinion, the consent sought, its start and the next mandatory
-- review; `date_fin` once lifted. The reviews are appended to `mesure_revision`.
CREATE TABLE mesure (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    nature TEXT NOT NULL,
    description TEXT NOT NULL,
    motif TEXT NOT NULL,
    avis_medical_par TEXT NOT NULL,
    avis_medical_date TEXT NOT NULL,
    consentement TEXT NOT NULL,
    consentement_par TEXT,
    date_debut TEXT NOT NULL,
    prochaine_revision TEXT,
    date_fin TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX mesure_usager ON mesure(usager_id, id);
-- Overdue reviews across the files of the home pages.
CREATE INDEX mesure_revision_due ON mesure(prochaine_revision, usager_id);

CREATE TABLE mesure_revision (
    id {pk},
    mesure_id BIGINT NOT NULL REFERENCES mesure(id),
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    date_revision TEXT NOT NULL,
    revise_par TEXT NOT NULL,
    decision TEXT NOT NULL,
    commentaire TEXT,
    prochaine_revision TEXT,
    saisi_par BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL
);
CREATE INDEX mesure_revision_mesure ON mesure_revision(mesure_id, id);
CREATE INDEX mesure_revision_usager ON mesure_revision(usager_id);
