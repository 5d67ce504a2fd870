//! A valid body of each request schema of the OpenAPI document (the values the boundary test
//! makes bad one field at a time).

use serde_json::{json, Value};

use crate::helpers::{finess, TestApp, PASSWORD};

/// A valid body of each request schema; a schema missing here fails the test.
pub(super) fn base_body(app: &TestApp, schema: &str) -> Value {
    match schema {
        "ApiLogin" => json!({"username": "admin", "password": PASSWORD}),
        "OrganismeFields" => {
            json!({"nom": "Association Saisie", "finess_juridique": finess(75, 1), "version": 1})
        }
        "EtablissementFields" => {
            json!({"organisme_id": app.organisme_id, "nom": "Foyer Saisie", "finess": finess(75, 2), "categorie": "500", "version": 1})
        }
        "UniteFields" => json!({"nom": "Unité Saisie", "type_unite": "unite"}),
        "UtilisateurFields" => {
            json!({"username": "saisie.nouveau", "nom": "Martin", "prenom": "Claire", "role": "educateur", "etablissements": [app.etablissement_id], "version": 1})
        }
        "MatrixDoc" => {
            json!({"permissions": [{"role": "direction", "section": "administratif", "action": "lire"}], "totp_obligatoire": ["direction"]})
        }
        "IdentiteFields" => {
            json!({"nom_naissance": "Saisie", "prenoms": ["Marie"], "date_naissance": "1950-01-01", "sexe": "F", "etablissement": app.etablissement_finess, "version": 1})
        }
        "DocumentBody" => json!({"type_justificatif": "passeport", "version": 1}),
        "VersionBody" => json!({"version": 1}),
        "AttributesBody" => json!({"douteuse": true, "version": 1}),
        "OtherBody" => json!({"autre_id": 1}),
        "EntourageFields" => {
            json!({"nom": "Martin", "prenom": "Paul", "relation": "enfant", "version": 1})
        }
        "ProfessionnelFields" => {
            json!({"nom": "Bernard", "prenom": "Luc", "fonction": "Médecin généraliste"})
        }
        "LinkBody" => {
            json!({"role": "medecin_traitant", "nom": "Petit", "prenom": "Anne", "fonction": "Médecin généraliste"})
        }
        "Assign" => json!({"utilisateur_id": 1}),
        "DemandeAccesExceptionnel" => {
            json!({"motif": "Appel de nuit du SAMU : consultation des traitements.", "heures": 1})
        }
        "SaisieAggir" => {
            json!({"variables": {"coherence": "A", "orientation": "A", "toilette": "A", "habillage": "A",
                "alimentation": "A", "elimination": "A", "transferts": "A", "deplacements_interieurs": "A",
                "deplacements_exterieurs": "A", "alerter": "A"}})
        }
        "EvaluationBody" => {
            json!({"grille": "braden", "reponses": {"perception": "4", "humidite": "4", "activite": "4",
                "mobilite": "4", "nutrition": "4", "friction": "3"}, "commentaire": "Bien.", "version": 1})
        }
        "TransmissionFields" => {
            json!({"texte": "Nuit calme.", "section": "accompagnement", "categorie": "sommeil"})
        }
        "Lues" => json!({"ids": [1]}),
        "NouveauProjet" | "Brouillon" => json!({"type": "ppa", "contenu": {}, "version": 1}),
        "Validation" => json!({"version": 1}),
        "SignatureBody" => {
            json!({"signataire": "Hélène Dupont", "qualite": "personne", "decision": "signe", "version": 1})
        }
        "VersionSeule" => json!({"version": 1}),
        "SejourFields" => {
            json!({"etablissement_id": app.etablissement_id, "type_accompagnement": "accueil_jour",
                "date_entree": "2026-01-05", "numero_usager": "A-1", "version": 1})
        }
        "MouvementFields" => {
            json!({"date": "2026-02-01", "etablissement_id": app.etablissement_id,
                "mode_sortie": "retour_domicile", "destination": "Domicile", "version": 1})
        }
        "PrestationFields" => crate::parcours_suivi::prestation(),
        "MesureFields" => crate::parcours_suivi::mesure(),
        "RevisionFields" => {
            json!({"date_revision": "2026-03-01", "revise_par": "Dr Bernard", "decision": "maintenue",
                "commentaire": "Inchangée.", "prochaine_revision": "2026-06-01", "version": 1})
        }
        // Agenda and exchanges (h13a).
        "EvenementCorps" => {
            json!({"type_rdv": "reunion", "objet": "Réunion", "description": "Ordre du jour.",
                "debut": "2026-12-08T09:00:00Z", "fin": "2026-12-08T10:00:00Z", "lieu": "Salle",
                "etablissement_id": app.etablissement_id, "rrule": "FREQ=WEEKLY;COUNT=2",
                "participants": [{"type_participant": "externe", "nom": "Mme DUPONT"}], "version": 1})
        }
        "StatutCorps" => json!({"statut": "reporte", "motif": "Absent.", "version": 1}),
        "PresenceCorps" => json!({"presence": "excuse", "version": 1}),
        "ExceptionCorps" => json!({"date": "2026-12-08", "annulee": true, "version": 1}),
        "RessourceCorps" => {
            json!({"etablissement_id": app.etablissement_id, "type_ressource": "salle", "nom": "Salle Saisie"})
        }
        "EchangeCorps" => {
            json!({"date_echange": "2026-01-05T10:00:00Z", "type_echange": "appel", "sens": "entrant",
                "interlocuteur": "Mme DUPONT", "objet": "Nouvelles", "resume": "Demande des nouvelles."})
        }
        "SuiviFields" => {
            json!({"libelle": "Nouvelles à 3 mois", "echeance": "2026-06-01", "assigne_a": 1, "sejour_id": 1})
        }
        "SuiviFaitFields" => {
            json!({"note": "Appel à la famille.", "date": "2026-06-02", "version": 1})
        }
        "AbsenceFields" => {
            json!({"sejour_id": 1, "debut": "2026-02-01", "fin": "2026-02-02",
                "type_absence": "vacances", "commentaire": "En famille."})
        }
        "JourneeBody" => {
            json!({"etablissement_id": app.etablissement_id, "jour": "2026-02-01", "version": 1,
                "personnes": [{"sejour_id": 1, "absence": "vacances", "commentaire": "En famille."}]})
        }
        "Definition" => {
            json!({"id": "saisie-grille", "version": "1", "titre": "Grille saisie", "source": "Essai.",
                "questions": [{"id": "q", "libelle": "Q", "aide": "Aide.", "type": "choix",
                    "options": [{"valeur": "a", "libelle": "A", "score": 1}]}],
                "resultats": [{"id": "r", "libelle": "R", "somme": ["q"], "interpretation": [{"min": 0, "libelle": "Lu"}]}]})
        }
        "CandidatureFields" => {
            json!({"etablissements": [app.etablissement_id], "nom_naissance": "Saisie", "prenoms": "Marie",
                "date_naissance": "1950-01-01", "sexe": "F", "origine": "mdph", "numero_decision": "CDAPH-1",
                "orientation": "internat", "priorite": "haute", "criteres": "Urgence.", "telephone": "0600000000",
                "pieces": [{"libelle": "Notification", "recue_le": "2026-01-02"}], "date_reception": "2026-01-03", "version": 1})
        }
        "StatutFields" => json!({"statut": "a_l_etude", "motif": "Étude.", "version": 1}),
        "EntretienFields" => {
            json!({"utilisateur_id": 1, "debut": "2026-12-08T10:00", "duree": 60, "lieu": "Bureau", "objet": "Entretien", "version": 1})
        }
        "DossierFields" => {
            json!({"etablissement_id": app.etablissement_id, "date_entree": "2026-12-08", "version": 1})
        }
        "EntreeFields" => {
            json!({"rubrique": "allergie", "libelle": "Pénicilline", "details": "Urticaire."})
        }
        "FinFields" => json!({"date_fin": "2026-02-01", "motif": "Erreur.", "version": 1}),
        // The liaison book (h13c).
        "EntreeLiaisonFields" => json!({"texte": "Passage fait, rien à signaler."}),
        "InvitationFields" => {
            json!({"username": "saisie.kine", "prenom": "Karim", "nom": "Kiné", "qualite": "kinesitherapeute", "email": "kine@example.org"})
        }
        "ParticipantFields" => json!({"utilisateur_id": 1, "peut_ecrire": true}),
        // The team around the person, messages (hteam).
        "MembreFields" => {
            json!({"utilisateur_id": 1, "fonction": "educateur", "place": "membre", "debut": "2026-01-05"})
        }
        "FinMembreFields" => json!({"version": 1, "fin": "2026-02-01"}),
        "FonctionMembreFields" => {
            json!({"version": 1, "fonction": "infirmier", "depuis": "2026-02-01"})
        }
        "MessageFields" => {
            json!({"destinataires": [1], "objet": "Réunion", "texte": "Jeudi 14 h."})
        }
        "ObservationFields" => {
            json!({"type_observation": "infirmiere", "texte": "Nuit calme.", "source": "CH"})
        }
        "RetourFields" => {
            json!({"date_retour": "2026-02-01", "service": "Urgences", "diagnostic": "Contusion.",
            "examens": "Radio.", "traitement": "Aucun.", "surveillance": "Douleur.", "suivi": "Médecin."})
        }
        "NoteFields" => {
            json!({"type_note": "test", "titre": "Bilan", "texte": "Texte.", "outil": "MMSE", "resultat": "27/30"})
        }
        "ActePlanFields" => {
            json!({"type_acte": "hygiene", "libelle": "Aide à la toilette", "intervenant": "aide_soignant",
                "type_frequence": "quotidien", "horaires": "07:30", "consignes": "Douche.", "version": 1})
        }
        "ConstanteFields" => {
            json!({"type_mesure": "pouls", "valeur": 72, "commentaire": "Au repos."})
        }
        "SeuilsFields" => json!({"bas": 36, "haut": 38, "version": 0}),
        "PrescriptionFields" => {
            json!({"type_prescription": "examen", "libelle": "Bilan sanguin", "prescripteur_nom": "Dr Durand",
                "prescripteur_rpps": "10000000009", "consignes": "À jeun.", "version": 1})
        }
        "ArretFields" => json!({"motif": "Fin du traitement.", "version": 1}),
        "ValidationBody" => {
            json!({"etablissement_id": app.etablissement_id, "actes": [{"acte_id": 1,
                "prevu_a": "2026-02-01T07:00:00Z", "statut": "non_fait", "motif": "Refus."}]})
        }
        "TourBody" => {
            json!({"etablissement_id": app.etablissement_id, "doses": [{"prescription_id": 1,
                "prevu_a": "2026-02-01T07:00:00Z", "statut": "refuse", "motif": "Refus."}]})
        }
        // Home-care planning and télégestion (h13b).
        "InterventionFields" => {
            json!({"etablissement_id": app.etablissement_id, "taches": "toilette", "tache_libre": "Arroser les plantes.",
                "adresse": "3 rue Garibaldi, 69003 Lyon", "jours_semaine": "1,4", "heure_debut": "08:00", "heure_fin": "09:00",
                "duree_minutes": 45, "qualification": "Auxiliaire de vie", "version": 1})
        }
        "ReaffectationBody" => json!({"intervenant": 1, "version": 1}),
        "PointageBody" => json!({"version": 1, "id": "0b9f7c1e-0000-4000-8000-000000000001"}),
        "SynchronisationBody" => {
            json!({"entrees": [{"id": "0b9f7c1e-0000-4000-8000-000000000002", "visite": 1, "version": 1, "type": "taches",
                "horodatage": "2026-02-01T07:00:00Z", "taches": [{"tache": "repas", "fait": false, "motif": "Refus."}],
                "note": "Nuit calme."}]})
        }
        // Activities (hact).
        "ActiviteCorps" => {
            json!({"etablissement_id": app.etablissement_id, "type_activite": "atelier", "modalite": "collective",
                "titre": "Atelier mémoire", "description": "Jeux de mémoire.", "lieu": "Salon", "capacite": 8,
                "debut": "2026-01-05", "version": 1})
        }
        "SeancesCorps" => {
            json!({"jour": "2026-02-03", "heure_debut": "10:30", "heure_fin": "11:30", "lieu": "Salon",
                "jusqu_au": "2026-02-17", "jours": ["mar"], "intervalle": 1})
        }
        "InscriptionCorps" => {
            json!({"usager_id": 1, "debut": "2026-02-01", "fin": "2026-03-01", "version": 1})
        }
        "FeuilleCorps" => {
            json!({"version": 1, "personnes": [{"usager_id": 1, "assiduite": "present", "observation": "Très participatif."}]})
        }
        "StatutSeanceCorps" => {
            json!({"statut": "annulee", "motif": "Animatrice absente.", "version": 1})
        }
        other => panic!("no valid body for schema {other}: add one to this table"),
    }
}
