-- Follow-up after a discharge (GA-5): dated tasks given to a professional account (the 3-
-- and 6-month news of child protection and shelter are proposed by the discharge), done
-- with a note. `sejour_id`: the stay whose discharge the task follows, if any.
CREATE TABLE suivi (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    sejour_id BIGINT REFERENCES sejour(id),
    libelle TEXT NOT NULL,
    echeance TEXT NOT NULL,
    assigne_a BIGINT NOT NULL REFERENCES utilisateur(id),
    fait_le TEXT,
    fait_par BIGINT REFERENCES utilisateur(id),
    note TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX suivi_usager ON suivi(usager_id, id);
-- The assignee's home page: the tasks not done, by due date.
CREATE INDEX suivi_assigne ON suivi(assigne_a, fait_le, echeance);
