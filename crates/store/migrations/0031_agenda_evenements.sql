-- Agenda and events (issue 13, COO-3/COO-4/REL-1): the minimal agenda's appointment becomes
-- an event of an établissement with participants and their presence, a recurrence rule
-- (RRULE subset, expanded in Europe/Paris) with its exceptions, a room or a vehicle, the
-- motive of its last status change, and the policy section that reads it (accompagnement,
-- or psychologie: never shown to who does not read that section).
ALTER TABLE rendez_vous ADD COLUMN etablissement_id BIGINT REFERENCES etablissement(id);
ALTER TABLE rendez_vous ADD COLUMN section TEXT NOT NULL DEFAULT 'accompagnement';
ALTER TABLE rendez_vous ADD COLUMN rrule TEXT;
-- The end of the last occurrence (NULL: a series without end).
ALTER TABLE rendez_vous ADD COLUMN fin_serie TEXT;
ALTER TABLE rendez_vous ADD COLUMN motif TEXT;
ALTER TABLE rendez_vous ADD COLUMN ressource_id BIGINT;
ALTER TABLE rendez_vous ADD COLUMN description TEXT;
-- An établissement's agenda and a window.
CREATE INDEX rendez_vous_etablissement ON rendez_vous(etablissement_id, debut);

-- A room or a vehicle of an établissement.
CREATE TABLE ressource (
    id {pk},
    etablissement_id BIGINT NOT NULL REFERENCES etablissement(id),
    type_ressource TEXT NOT NULL,
    nom TEXT NOT NULL,
    actif INTEGER NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (etablissement_id, nom)
);
CREATE INDEX rendez_vous_ressource ON rendez_vous(ressource_id, debut);

-- Who takes part: a professional's account, a person's file, or a named relative/partner.
CREATE TABLE evenement_participant (
    id {pk},
    rendez_vous_id BIGINT NOT NULL REFERENCES rendez_vous(id),
    type_participant TEXT NOT NULL,
    utilisateur_id BIGINT REFERENCES utilisateur(id),
    usager_id BIGINT REFERENCES usager(id),
    nom TEXT,
    presence TEXT NOT NULL DEFAULT 'attendu',
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX evenement_participant_evenement ON evenement_participant(rendez_vous_id);
CREATE INDEX evenement_participant_utilisateur ON evenement_participant(utilisateur_id, rendez_vous_id);
CREATE INDEX evenement_participant_usager ON evenement_participant(usager_id, rendez_vous_id);

-- One occurrence of a series (its local date in the series) moved or cancelled.
CREATE TABLE evenement_exception (
    id {pk},
    rendez_vous_id BIGINT NOT NULL REFERENCES rendez_vous(id),
    date_origine TEXT NOT NULL,
    annulee INTEGER NOT NULL,
    debut TEXT,
    fin TEXT,
    UNIQUE (rendez_vous_id, date_origine)
);

-- An account's calendar subscription: the hash of its secret token (revocable).
CREATE TABLE agenda_abonnement (
    id {pk},
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    jeton_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoque_at TEXT
);
CREATE INDEX agenda_abonnement_utilisateur ON agenda_abonnement(utilisateur_id);
