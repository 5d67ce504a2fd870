-- Custom evaluation grids added by an administrator through the admin page or the API
-- (`POST /api/v1/grilles`): one row per version of a grid, its JSON definition (as read
-- from the upload, same format as reference/grilles/*.json). Rows are never updated nor deleted: an
-- evaluation made with a version is always displayed with it. Every server of a deployment
-- loads them into its registry (at start, and again when the count of rows changes).
CREATE TABLE grille_definition (
    id {pk},
    grille TEXT NOT NULL,
    version TEXT NOT NULL,
    titre TEXT NOT NULL,
    contenu TEXT NOT NULL,
    ajoute_par BIGINT REFERENCES utilisateur(id),
    created_at TEXT NOT NULL,
    UNIQUE (grille, version)
);

-- « Since my last relève » is the account's last mark (`MAX(lue_at)`), read on every home
-- page of a professional: an index ending on the time answers it without reading the marks.
CREATE INDEX transmission_lue_recente ON transmission_lue (utilisateur_id, lue_at);
