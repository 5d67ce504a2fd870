-- Evaluations of a person with a grid (AGGIR, Braden, custom grids): the grid id AND the
-- version of its definition used, the answers as sent and the results computed by the
-- domain from that definition. A draft (`brouillon`) may be edited; a validated one
-- (`validee`) never changes: a correction is a new evaluation whose `corrige_id` names it.
CREATE TABLE evaluation (
    id {pk},
    usager_id BIGINT NOT NULL REFERENCES usager(id),
    grille TEXT NOT NULL,
    grille_version TEXT NOT NULL,
    statut TEXT NOT NULL,
    date_evaluation TEXT NOT NULL,
    reponses TEXT NOT NULL,
    resultats TEXT NOT NULL,
    gir BIGINT,
    commentaire TEXT,
    corrige_id BIGINT REFERENCES evaluation(id),
    auteur_id BIGINT,
    auteur TEXT NOT NULL,
    valide_par TEXT,
    valide_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
-- A file's evaluations, newest first, per grid.
CREATE INDEX evaluation_usager ON evaluation (usager_id, grille, id);
-- The latest validated GIR of each person (GMP).
CREATE INDEX evaluation_gir ON evaluation (grille, statut, usager_id, date_evaluation);
