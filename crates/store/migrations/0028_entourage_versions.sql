-- Every saved version of a person of the circle (the row as it was before each change): a
-- new phone number or a renewed measure keeps what it replaced. Keyed by the circle entry,
-- which a merge moves with its id (no usager_id here: the history follows its entry).
CREATE TABLE entourage_version (
    entourage_id BIGINT NOT NULL REFERENCES entourage(id),
    version BIGINT NOT NULL,
    donnees TEXT NOT NULL,
    modifie_par BIGINT,
    modifie_at TEXT NOT NULL,
    PRIMARY KEY (entourage_id, version)
)
