-- The usager's photo (one per file), stored in the database so that every server of a
-- PostgreSQL deployment serves it and backups hold it. Already stripped of its metadata
-- (dui_domain::usager::photo). `empreinte` is the SHA-256 of the content: the address of
-- the image in pages changes when the photo does.
CREATE TABLE usager_photo (
    usager_id BIGINT PRIMARY KEY REFERENCES usager(id),
    type_media TEXT NOT NULL,
    contenu {blob} NOT NULL,
    octets BIGINT NOT NULL,
    empreinte TEXT NOT NULL,
    modifie_par BIGINT,
    modifie_at TEXT NOT NULL
)
