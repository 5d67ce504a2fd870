-- The minimal agenda (ADM-2): an appointment in a professional's agenda. Issue 13
-- (coordination) extends it into full events (recurrence, participants, rooms): the row
-- already has a kind, a start and an end (UTC instants, shown in Europe/Paris), a place, an
-- object, its status and optional links to a file and to an application.
CREATE TABLE rendez_vous (
    id {pk},
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    type_rdv TEXT NOT NULL,
    debut TEXT NOT NULL,
    fin TEXT NOT NULL,
    lieu TEXT,
    objet TEXT NOT NULL,
    usager_id BIGINT REFERENCES usager(id),
    candidature_id BIGINT REFERENCES candidature(id),
    statut TEXT NOT NULL,
    cree_par BIGINT REFERENCES utilisateur(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- « My next appointments »: an account's agenda by start.
CREATE INDEX rendez_vous_agenda ON rendez_vous(utilisateur_id, debut);
CREATE INDEX rendez_vous_candidature ON rendez_vous(candidature_id);
CREATE INDEX rendez_vous_usager ON rendez_vous(usager_id);
