-- Home-care planning and télégestion (issue 13, COO-5).
-- A recurring planned intervention of an usager at home: its tasks (codes `toilette,repas`
-- and a free text), the address of the visits, the days of the week (`1,4`; 1 = lundi), the local time window
-- (Europe/Paris) and planned duration, the qualification required, the worker assigned.
-- Edited with optimistic versions; ended by its last day.
CREATE TABLE intervention (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    etablissement_id BIGINT NOT NULL REFERENCES etablissement(id),
    intervenant_id BIGINT REFERENCES utilisateur(id),
    taches TEXT NOT NULL,
    tache_libre TEXT,
    adresse TEXT,
    jours_semaine TEXT NOT NULL,
    heure_debut TEXT NOT NULL,
    heure_fin TEXT NOT NULL,
    duree_minutes BIGINT NOT NULL,
    qualification TEXT,
    date_debut TEXT NOT NULL,
    date_fin TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    saisi_par BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX intervention_etablissement ON intervention(etablissement_id, date_debut);
CREATE INDEX intervention_intervenant ON intervention(intervenant_id);
CREATE INDEX intervention_usager ON intervention(usager_id);

-- A visit: one day of an intervention, generated from it when a planning first shows that
-- day (once: the pair is unique), with its window as instants (UTC), the worker who goes
-- (reassignable), and what the télégestion recorded: arrival and departure (positions in
-- thousandths of a degree, only with the worker's consent), tasks done or not with a reason
-- (JSON), a short note. `version` rises with every change; `modifie_par` is the last account.
CREATE TABLE visite (
    id {pk},
    intervention_id BIGINT NOT NULL REFERENCES intervention(id),
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    etablissement_id BIGINT NOT NULL REFERENCES etablissement(id),
    intervenant_id BIGINT REFERENCES utilisateur(id),
    jour TEXT NOT NULL,
    debut_prevu TEXT NOT NULL,
    fin_prevue TEXT NOT NULL,
    duree_minutes BIGINT NOT NULL,
    arrivee TEXT,
    depart TEXT,
    arrivee_lat BIGINT,
    arrivee_lon BIGINT,
    depart_lat BIGINT,
    depart_lon BIGINT,
    taches_faites TEXT NOT NULL DEFAULT '[]',
    note TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    modifie_par BIGINT REFERENCES utilisateur(id),
    updated_at TEXT NOT NULL,
    UNIQUE (intervention_id, jour)
);
CREATE INDEX visite_etablissement ON visite(etablissement_id, debut_prevu);
CREATE INDEX visite_intervenant ON visite(intervenant_id, jour);
CREATE INDEX visite_usager ON visite(usager_id, jour);

-- An entry of the télégestion as the phone sent it, kept once by its client-generated id
-- (the idempotency key): what became of it (`enregistree`, `conflit`) and its content.
CREATE TABLE telegestion_entree (
    id {pk},
    uuid TEXT NOT NULL UNIQUE,
    visite_id BIGINT NOT NULL REFERENCES visite(id),
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    type_entree TEXT NOT NULL,
    version_base BIGINT NOT NULL,
    statut TEXT NOT NULL,
    saisi_a TEXT NOT NULL,
    recu_a TEXT NOT NULL,
    contenu TEXT NOT NULL
);
CREATE INDEX telegestion_entree_visite ON telegestion_entree(visite_id);
