-- Prescriptions and the medication administration record (issue 12, SOI-3).
-- A prescription is never rewritten: stopping it sets arret_a; changing it stops it and adds
-- the new one pointing back to it (remplace_id). A medicine may come from a drug source
-- (medicament_code, source) besides its free text (libelle).
CREATE TABLE prescription (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    type_prescription TEXT NOT NULL,
    libelle TEXT NOT NULL,
    medicament_code TEXT,
    source TEXT,
    dose TEXT,
    voie TEXT,
    horaires TEXT NOT NULL DEFAULT '',
    si_besoin BIGINT NOT NULL DEFAULT 0,
    date_debut TEXT NOT NULL,
    date_fin TEXT,
    consignes TEXT,
    prescripteur_nom TEXT NOT NULL,
    prescripteur_rpps TEXT NOT NULL,
    prescripteur_id BIGINT REFERENCES utilisateur(id),
    remplace_id BIGINT REFERENCES prescription(id),
    arret_a TEXT,
    arret_motif TEXT,
    arret_par BIGINT REFERENCES utilisateur(id),
    version BIGINT NOT NULL DEFAULT 1,
    saisi_par BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL
);
CREATE INDEX prescription_usager ON prescription(usager_id, arret_a);

-- A dose due at an instant (UTC; the instant given for a « si besoin » medicine): given,
-- refused or not given (with a reason), by whom, when. Once only per dose.
CREATE TABLE administration (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    prescription_id BIGINT NOT NULL REFERENCES prescription(id),
    prevu_a TEXT NOT NULL,
    statut TEXT NOT NULL,
    motif TEXT,
    par BIGINT REFERENCES utilisateur(id),
    saisi_a TEXT NOT NULL,
    UNIQUE (prescription_id, prevu_a)
);
CREATE INDEX administration_usager ON administration(usager_id, prevu_a);
