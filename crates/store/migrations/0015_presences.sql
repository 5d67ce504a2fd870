-- Presences and absences (ACC-4): everyone with a stay on a day is expected present; one row
-- per stay and day of absence says otherwise, with its kind. A period entered for a person
-- is its days. The day screen of a unit saves the whole day at once, with the version it read
-- (a fingerprint of that day's rows, computed by the store: 409 when another save came first).
CREATE TABLE absence (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    sejour_id BIGINT NOT NULL REFERENCES sejour(id),
    jour TEXT NOT NULL,
    type_absence TEXT NOT NULL,
    commentaire TEXT,
    saisi_par BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL,
    UNIQUE (sejour_id, jour)
);
CREATE INDEX absence_usager ON absence(usager_id, jour);
CREATE INDEX absence_jour ON absence(jour, sejour_id);
