-- Information sent to professionals (issue 13, COO-3/4): a short message from one account to
-- one or more others, optionally about a person (`usager_id`: person data, read only by a
-- recipient who may read that file's support section at reading time) and optionally with an
-- agenda entry created for the recipients (`evenement_id`).
CREATE TABLE message (
    id {pk},
    expediteur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    usager_id BIGINT REFERENCES usager(id),
    objet TEXT NOT NULL,
    texte TEXT NOT NULL,
    evenement_id BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX message_expediteur ON message(expediteur_id, id);
CREATE INDEX message_usager ON message(usager_id);

-- One row per recipient, with its unread mark (`lu_at` empty until read).
CREATE TABLE message_destinataire (
    message_id BIGINT NOT NULL REFERENCES message(id),
    utilisateur_id BIGINT NOT NULL REFERENCES utilisateur(id),
    lu_at TEXT,
    PRIMARY KEY (message_id, utilisateur_id)
);
CREATE INDEX message_destinataire_boite ON message_destinataire(utilisateur_id, message_id);
