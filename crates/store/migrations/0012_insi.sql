-- INSi (issue 15).
-- Parameters of this installation, created once and kept across restarts: `insi_instance` is
-- the identifier sent in the ContexteLPS header (`Instance`), one per installation.
CREATE TABLE installation_parametre (
    cle TEXT PRIMARY KEY,
    valeur TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- One INS, one person: a matricule INS is held by at most one file that is not merged into
-- another (a merged file keeps its own for the history). No path (INSi retrieval, NIR typed at
-- creation, identity edit, undoing a merge) can attach the same INS to two live files.
CREATE UNIQUE INDEX usager_ins_unique ON usager(matricule_ins)
    WHERE matricule_ins IS NOT NULL AND fusionne_dans IS NULL;
