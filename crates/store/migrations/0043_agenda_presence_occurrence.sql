-- A participant's presence at one occurrence of a recurring event (h13d, decision 0059):
-- keyed by the participant and the occurrence's local date in its series (the key of an
-- exception: a moved occurrence keeps it). A single event keeps the participant's own
-- `presence`; a series records each occurrence here, with a version of its own.
CREATE TABLE evenement_presence_occurrence (
    id {pk},
    rendez_vous_id BIGINT NOT NULL REFERENCES rendez_vous(id),
    participant_id BIGINT NOT NULL REFERENCES evenement_participant(id),
    date_origine TEXT NOT NULL,
    presence TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    UNIQUE (participant_id, date_origine)
);
CREATE INDEX evenement_presence_occurrence_evenement ON evenement_presence_occurrence(rendez_vous_id, date_origine);
