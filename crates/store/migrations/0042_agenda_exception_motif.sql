-- The motive of a moved (postponed) or cancelled occurrence of a series (hagenda): the
-- event's own status carries the motive of the whole event; one occurrence keeps its own.
ALTER TABLE evenement_exception ADD COLUMN motif TEXT;
