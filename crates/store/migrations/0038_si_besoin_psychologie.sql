-- Psychology transmissions are split by établissement as the psychology notes are (decision
-- 0044): each is written in one établissement, the smallest where its author works and the
-- person has a stay, and read only by the psychologists working there. Other sections: NULL.
ALTER TABLE transmission ADD COLUMN etablissement_id BIGINT REFERENCES etablissement(id);
-- Those written before: the établissement their author shared with the person, else the
-- person's first one.
UPDATE transmission SET etablissement_id = COALESCE(
    (SELECT MIN(s.etablissement_id) FROM sejour s
       JOIN utilisateur_etablissement ue ON ue.etablissement_id = s.etablissement_id
      WHERE s.usager_id = transmission.usager_id AND ue.utilisateur_id = transmission.auteur_id),
    (SELECT MIN(s.etablissement_id) FROM sejour s WHERE s.usager_id = transmission.usager_id))
WHERE section = 'psychologie';
CREATE INDEX transmission_psychologie ON transmission(usager_id, etablissement_id);

-- A « si besoin » medicine may have a maximum of doses given in any 24 hours: the round
-- refuses a dose over it (issue 12). NULL: no maximum prescribed.
ALTER TABLE prescription ADD COLUMN max_par_24h BIGINT;
