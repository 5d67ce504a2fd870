-- Admission and stays (ADM-3): the kind of support, financing, referent and the usager's
-- number in the établissement; how the stay ended; the stay it follows after a transfer
-- (the whole path is kept: a transfer closes a stay and opens the next one). Stays are
-- half-open periods [date_entree, date_sortie).
ALTER TABLE sejour ADD COLUMN type_accompagnement TEXT NOT NULL DEFAULT 'hebergement_permanent';
ALTER TABLE sejour ADD COLUMN financement TEXT;
ALTER TABLE sejour ADD COLUMN referent_id BIGINT REFERENCES utilisateur(id);
ALTER TABLE sejour ADD COLUMN numero_usager TEXT;
ALTER TABLE sejour ADD COLUMN date_fin_prevue TEXT;
ALTER TABLE sejour ADD COLUMN mode_sortie TEXT;
ALTER TABLE sejour ADD COLUMN destination TEXT;
ALTER TABLE sejour ADD COLUMN transfert_de BIGINT REFERENCES sejour(id);
ALTER TABLE sejour ADD COLUMN depassement_capacite BIGINT NOT NULL DEFAULT 0;

-- Occupation of a unit or an établissement on a day (capacity, presences, statements).
CREATE INDEX sejour_unite_dates ON sejour(unite_id, date_entree);
CREATE INDEX sejour_etablissement_dates ON sejour(etablissement_id, date_entree);
