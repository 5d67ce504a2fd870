-- A TOTP code is valid for its 30-second step (and one step either side for clock drift):
-- the last step used is kept so that a code seen over a shoulder or replayed from a captured
-- request cannot open a second session (RFC 6238, section 5.2).
ALTER TABLE utilisateur ADD COLUMN totp_dernier_pas BIGINT
