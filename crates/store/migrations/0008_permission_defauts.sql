-- Versioned default grants: the version of the default permission matrix
-- (dui_domain::policy::DEFAUTS) this database has applied, in a single row. At start, the
-- grants introduced after it are added and the version is raised (Store::seed_default_matrix).
-- A database that already has a matrix had the version-1 defaults seeded into its empty table
-- at its first start: it is recorded as having applied version 1, so that nothing an
-- administrator removed comes back. A database without a matrix yet gets no row, and its first
-- start seeds every default grant.
CREATE TABLE permission_defauts (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);

INSERT INTO permission_defauts (id, version) SELECT 1, 1 WHERE EXISTS (SELECT 1 FROM permission);
