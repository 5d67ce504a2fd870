//! The usager and their file: search, creation with duplicate check, file page, identity
//! (RNIV statuses, INSi), circle, synthesis sheet, "who opened my file", break-the-glass.

// Activities, sessions and attendance (hact).
mod activite_edition;
pub(crate) mod activites;
mod activites_dossier;
mod activites_pages;
mod activites_presences;
mod affectations;
mod agenda_api;
mod agenda_dossier;
mod agenda_evenement;
mod agenda_nouveau;
mod agenda_occurrence;
mod agenda_page;
mod alertes;
mod api;
mod candidature_nouvelle;
mod candidature_page;
mod candidature_suite;
pub(crate) mod candidatures;
mod collectif;
mod constantes;
mod creation;
mod creation_issue;
mod dlu;
mod dossier;
mod droits;
mod entete;
mod entourage;
mod entourage_edition;
mod equipe;
mod etat;
pub mod evaluation;
mod evaluation_page;
mod extracteurs;
mod feuille_soins;
pub mod fields;
pub(crate) mod formulaire_ligne;
mod fusion_page;
mod graphique;
mod hors_perimetre;
mod identite;
mod insi;
mod liaison;
mod lieux;
mod listes;
mod mes_personnes;
mod messages;
mod messages_nouveau;
mod mesures;
mod observation;
mod photo;
mod plan_soins;
mod prescription;
mod presences;
mod prestations;
mod projet;
mod projet_edition;
mod projet_impression;
mod projet_libelles;
mod projet_page;
mod psychologie;
mod recherche;
mod releve;
mod seance_page;
mod sejours;
mod si_besoin;
mod soins;
mod suivis;
mod synthese;
mod tour_medicaments;
mod tracabilite;
mod transmissions;
// h10: the versioned records' generic handlers (decision 0047-formulaires).
mod versionne;
// h10: the append-only sections' generic handlers.
mod ajout_seul;
// Home-care planning and télégestion (h13b).
pub(crate) mod interventions;
pub(crate) mod planning;
mod planning_bilan;
pub(crate) mod telegestion;

pub(crate) use agenda_api::{
    Abonnement, EchangeCorps, Echanges, EvenementCorps, ExceptionCorps, PresenceCorps,
    RessourceCorps, Ressources, StatutCorps,
};
pub(crate) use agenda_page::jour_fr;
pub(crate) use creation_issue::{create, doublons_error, ins_deja_attribuee_error, Creation};
pub(crate) use mes_personnes::{mes_personnes, MesPersonnes};
pub(crate) use messages::{messages_accueil, MessageFields, MessagesAccueil};
pub(crate) use {
    alertes::{panneau_parcours, PanneauParcours},
    api::{Assign, DemandeAccesExceptionnel},
    candidature_suite::{DossierFields, EntretienFields, StatutFields},
    candidatures::CandidatureFields,
    constantes::{ConstanteCreee, ConstanteFields, SeuilsFields},
    dlu::RetourFields,
    entourage::{EntourageFields, LinkBody, ProfessionnelFields},
    equipe::{EquipeCorps, FinMembreFields, FonctionMembreFields, MembreFields},
    feuille_soins::{Enregistres, ValidationBody},
    identite::{AttributesBody, DocumentBody, OtherBody, VersionBody},
    liaison::{EntreeLiaisonFields, InvitationFields, PartenaireInvite, ParticipantFields},
    lieux::LieuPropose,
    mesures::{MesureFields, RevisionFields},
    observation::ObservationFields,
    plan_soins::ActePlanFields,
    prescription::{ArretFields, Medicaments, PrescriptionFields},
    presences::{AbsenceEnregistree, AbsenceFields, JourneeBody, VersionJour},
    prestations::PrestationFields,
    projet::{Brouillon, NouveauProjet, SignatureBody, Validation},
    psychologie::NoteFields,
    releve::Lues,
    sejours::{MouvementFields, SejourFields},
    soins::{EntreeFields, FinFields},
    suivis::{SuiviFaitFields, SuiviFields},
    tour_medicaments::TourBody,
    transmissions::TransmissionFields,
};

use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Matrice, Refus, Section};
use dui_store::policy::{authorize, Capability};
use dui_store::StoreError;

use crate::auth::CurrentUser;
use crate::{App, WebResult};

/// The matrix in force.
pub(crate) async fn matrix(app: &App) -> WebResult<std::sync::Arc<Matrice>> {
    Ok(app.caches.matrix(&app.store).await?)
}

/// Authorizes (and audits) `action` on `section` of usager `id`.
pub(crate) async fn capability(
    app: &App,
    me: &CurrentUser,
    id: UsagerId,
    section: Section,
    action: Action,
) -> WebResult<Capability> {
    let m = matrix(app).await?;
    Ok(authorize(
        &app.store,
        &m,
        &me.principal,
        id,
        section,
        action,
        Utc::now(),
    )
    .await?)
}

/// Whether a store error is the out-of-scope refusal (break-the-glass is then offered).
pub(crate) fn is_out_of_scope(e: &StoreError) -> bool {
    matches!(e, StoreError::Denied(Refus::HorsPerimetre))
}

/// HTML routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/usagers",
            get(recherche::recherche_page).post(creation::create_form),
        )
        .route("/usagers/nouveau", get(creation::new_page))
        .route("/usagers/{id}", get(dossier::file_page))
        .route(
            "/usagers/{id}/identite",
            get(dossier::identity_page).post(dossier::identity_form),
        )
        .route("/usagers/{id}/identite/statut", post(identite::status_form))
        .route("/usagers/{id}/identite/insi", post(insi::insi_form))
        .route(
            "/usagers/{id}/section/{section}",
            get(dossier::section_page),
        )
        .route(
            "/usagers/{id}/section/accompagnement",
            get(transmissions::page).post(transmissions::add_form),
        )
        .route("/releve", get(releve::releve_page))
        .route("/presences", get(presences::page).post(presences::form))
        .route("/presences/etat", get(etat::page))
        .route("/usagers/{id}/activites", get(activites_dossier::page))
        .route(
            "/usagers/{id}/sejours/absence",
            post(presences::absence_form),
        )
        .route("/releve/lues", post(releve::lues_form))
        .route(
            "/usagers/{id}/entourage",
            get(entourage::page).post(entourage::add_form),
        )
        .route(
            "/usagers/{id}/entourage/{eid}/retrait",
            post(entourage::remove_form),
        )
        .route("/usagers/{id}/professionnels", post(entourage::link_form))
        .route(
            "/usagers/{id}/sejours",
            get(versionne::page::<sejours::SejoursPage>)
                .post(versionne::ajout_form::<SejourFields>),
        )
        .route(
            "/usagers/{id}/sejours/{sid}/transfert",
            post(sejours::mouvement_form::<true>),
        )
        .route(
            "/usagers/{id}/sejours/{sid}/sortie",
            post(sejours::mouvement_form::<false>),
        )
        .route(
            "/usagers/{id}/projet",
            get(projet_page::page).post(projet_page::create_form),
        )
        .route(
            "/usagers/{id}/projet/{pid}/brouillon",
            post(projet_page::edit_form),
        )
        .route(
            "/usagers/{id}/projet/{pid}/validation",
            post(projet_page::validate_form),
        )
        .route(
            "/usagers/{id}/projet/{pid}/versions/{numero}/impression",
            get(projet_impression::page),
        )
        .route(
            "/usagers/{id}/projet/{pid}/signature",
            post(projet_page::sign_form),
        )
        .route("/usagers/{id}/synthese", get(synthese::synthese_page))
        .route(
            "/usagers/{id}/evaluations",
            get(evaluation_page::page).post(evaluation_page::create_form),
        )
        .route(
            "/usagers/{id}/evaluations/{eid}/validation",
            post(evaluation_page::valider_form),
        )
        .route("/usagers/{id}/tracabilite", get(tracabilite::audit_page))
        .route(
            "/usagers/{id}/acces-exceptionnel",
            post(dossier::acces_exceptionnel_form),
        )
        .route("/usagers/{id}/non-doublon", post(dossier::non_doublon_form))
        .merge(photo::routes())
        .merge(activites_pages::routes())
        // Field staff (issue 16): the merge chosen by name, and its undo.
        .route(
            "/usagers/{id}/fusion",
            get(fusion_page::page).post(identite::fusion_form),
        )
        .route(
            "/usagers/{id}/fusion/annulation",
            post(fusion_page::annuler_form),
        )
        .route("/usagers/{id}/affectations", post(affectations::ajout_form))
        .route(
            "/usagers/{id}/affectations/fin",
            post(affectations::fin_form),
        )
        .route(
            "/usagers/{id}/entourage/{eid}",
            get(entourage_edition::page).post(entourage_edition::edit_form),
        )
        // Applications and the waiting list (ADM-1, ADM-2).
        .route(
            "/candidatures",
            get(candidature_page::liste).post(candidature_nouvelle::creer_form),
        )
        .route(
            "/candidatures/nouvelle",
            get(candidature_nouvelle::nouvelle),
        )
        .route("/candidatures/{id}", get(candidature_page::fiche))
        .route(
            "/candidatures/{id}/statut",
            post(candidature_page::statut_form),
        )
        .route(
            "/candidatures/{id}/entretien",
            post(candidature_page::entretien_form),
        )
        .route(
            "/candidatures/{id}/dossier",
            post(candidature_page::dossier_form),
        )
        // Benefits, freedom-of-movement measures, follow-ups after discharge (h11d).
        .route(
            "/usagers/{id}/droits",
            get(versionne::page::<droits::DroitsPage>),
        )
        .route(
            "/usagers/{id}/prestations",
            post(versionne::ajout_form::<PrestationFields>),
        )
        .route(
            "/usagers/{id}/prestations/{pid}",
            post(prestations::modification_form),
        )
        .route(
            "/usagers/{id}/mesures",
            post(versionne::ajout_form::<MesureFields>),
        )
        .route(
            "/usagers/{id}/mesures/{mid}/revision",
            post(mesures::revision_form),
        )
        .route("/usagers/{id}/suivis", post(suivis::ajout_form))
        .route("/usagers/{id}/suivis/{tid}/fait", post(suivis::fait_form))
        .merge(soins::routes())
        // Care: the plan, vital signs, prescriptions, the unit's worksheet and round.
        .merge(plan_soins::routes())
        .merge(constantes::routes())
        .merge(prescription::routes())
        .merge(feuille_soins::routes())
        .merge(tour_medicaments::routes())
        // hpol: « si besoin » doses given from the round.
        .merge(si_besoin::routes())
        // Home-care planning and télégestion (h13b).
        .merge(interventions::routes())
        .merge(planning::routes())
        .merge(telegestion::routes())
        // The liaison book (h13c).
        .merge(liaison::routes())
        // The team around the person, messages to professionals (hteam).
        .merge(equipe::routes())
        .merge(messages::routes())
        // Agenda and events (h13a).
        .merge(agenda_page::routes())
        // The person file's Agenda tab (hagenda).
        .merge(agenda_dossier::routes())
}

/// API routes.
pub fn api_routes() -> Router<App> {
    Router::new()
        .route("/usagers", get(api::recherche).post(api::create))
        .route("/usagers/{id}", get(api::get).put(api::update))
        .route("/usagers/{id}/audit", get(api::file_audit))
        .route(
            "/usagers/{id}/sejours",
            get(api::sejours).post(versionne::api_ajouter::<SejourFields>),
        )
        .route(
            "/usagers/{id}/sejours/{sid}",
            get(versionne::api_get::<SejourFields>).put(versionne::api_modifier::<SejourFields>),
        )
        .route(
            "/usagers/{id}/sejours/{sid}/transfert",
            post(sejours::api_mouvement::<true>),
        )
        .route(
            "/usagers/{id}/sejours/{sid}/sortie",
            post(sejours::api_mouvement::<false>),
        )
        .route("/usagers/{id}/versions", get(api::versions))
        .route(
            "/usagers/{id}/identite/justificatif",
            post(identite::api_document),
        )
        .route("/usagers/{id}/identite/insi", post(insi::api_insi))
        .route(
            "/usagers/{id}/identite/insi/verification",
            post(insi::api_insi_verify),
        )
        .route(
            "/usagers/{id}/identite/attributs",
            post(identite::api_attributes),
        )
        .route("/usagers/{id}/doublons", get(listes::api_doublons))
        .route(
            "/usagers/{id}/non-doublons",
            post(identite::api_non_doublon),
        )
        .route(
            "/usagers/{id}/fusions",
            get(listes::api_fusions).post(identite::api_fusion),
        )
        .route(
            "/usagers/{id}/fusions/{fid}/annulation",
            post(identite::api_annuler_fusion),
        )
        .route(
            "/usagers/{id}/entourage",
            get(listes::api_entourage).post(entourage::api_add),
        )
        .route(
            "/usagers/{id}/entourage/{eid}",
            get(listes::api_entourage_entry)
                .put(entourage::api_update)
                .delete(entourage::api_remove),
        )
        .route(
            "/usagers/{id}/professionnels",
            get(listes::api_professionnels).post(entourage::api_link),
        )
        .route(
            "/usagers/{id}/professionnels/{pid}/{role}",
            axum::routing::delete(entourage::api_unlink),
        )
        .route(
            "/usagers/{id}/transmissions",
            get(transmissions::api_list).post(transmissions::api_add),
        )
        .route("/transmissions", get(releve::api_releve))
        .route(
            "/presences",
            get(presences::api_jour).put(presences::api_enregistrer),
        )
        .route("/presences/etat", get(etat::api_json))
        .route("/presences/etat.csv", get(etat::api_csv))
        .route("/presences/etat.xlsx", get(etat::api_xlsx))
        .route(
            "/activites",
            get(activites::api_liste).post(activites::api_creer),
        )
        .route(
            "/activites/{id}",
            get(activites::api_get).put(activites::api_modifier),
        )
        .route(
            "/activites/{id}/seances",
            get(activites::api_seances).post(activites::api_creer_seances),
        )
        .route(
            "/activites/{id}/inscriptions",
            get(activites::api_inscriptions).post(activites::api_inscrire),
        )
        .route(
            "/activites/{id}/inscriptions/{iid}",
            post(activites::api_modifier_inscription),
        )
        .route(
            "/seances/{id}/presences",
            get(activites::api_feuille).put(activites::api_presences),
        )
        .route("/seances/{id}/statut", post(activites::api_statut))
        .route("/usagers/{id}/activites", get(activites::api_historique))
        .route(
            "/usagers/{id}/presences",
            get(presences::api_absences).post(presences::api_absence),
        )
        .route("/transmissions/lues", post(releve::api_lues))
        .route(
            "/usagers/{id}/projets",
            get(projet::api_list).post(projet::api_create),
        )
        .route(
            "/usagers/{id}/projets/{pid}",
            get(projet::api_get).put(projet::api_update),
        )
        .route(
            "/usagers/{id}/projets/{pid}/validation",
            post(projet::api_validate),
        )
        .route(
            "/usagers/{id}/projets/{pid}/versions",
            get(projet::api_versions),
        )
        .route(
            "/usagers/{id}/projets/{pid}/versions/{numero}",
            get(projet::api_version),
        )
        .route(
            "/usagers/{id}/projets/{pid}/versions/{numero}/signatures",
            post(projet::api_sign),
        )
        .route("/usagers/{id}/projets/{pid}/diff", get(projet::api_diff))
        .route("/usagers/{id}/affectations", post(api::assign))
        .route(
            "/usagers/{id}/affectations/{uid}",
            axum::routing::delete(affectations::api_fin),
        )
        .route(
            "/usagers/{id}/evaluations",
            get(evaluation::api_liste).post(evaluation::api_create),
        )
        .route(
            "/usagers/{id}/evaluations/{eid}",
            get(evaluation::api_get).put(evaluation::api_update),
        )
        .route(
            "/usagers/{id}/evaluations/{eid}/validation",
            post(evaluation::api_valider),
        )
        .route(
            "/usagers/{id}/acces-exceptionnel",
            post(api::acces_exceptionnel),
        )
        .route(
            "/professionnels",
            get(listes::api_directory).post(entourage::api_create_pro),
        )
        .merge(photo::api_routes())
        // Identity forms (issue 16): the birthplaces by name.
        .route("/lieux-naissance", get(lieux::api_lieux))
        // Applications and the waiting list (ADM-1, ADM-2).
        .route(
            "/candidatures",
            get(candidatures::api_liste).post(candidatures::api_creer),
        )
        .route(
            "/candidatures/{id}",
            get(versionne::api_get::<CandidatureFields>)
                .put(versionne::api_modifier::<CandidatureFields>),
        )
        .route(
            "/candidatures/{id}/statut",
            post(candidature_suite::api_statut),
        )
        .route(
            "/candidatures/{id}/entretien",
            post(candidature_suite::api_entretien),
        )
        .route(
            "/candidatures/{id}/dossier",
            post(candidature_suite::api_dossier),
        )
        // Benefits, freedom-of-movement measures, follow-ups after discharge (h11d).
        .route(
            "/usagers/{id}/prestations",
            get(prestations::api_liste).post(versionne::api_ajouter::<PrestationFields>),
        )
        .route(
            "/usagers/{id}/prestations/{pid}",
            get(versionne::api_get::<PrestationFields>)
                .put(versionne::api_modifier::<PrestationFields>),
        )
        .route(
            "/usagers/{id}/mesures",
            get(mesures::api_liste).post(versionne::api_ajouter::<MesureFields>),
        )
        .route(
            "/usagers/{id}/mesures/{mid}",
            get(versionne::api_get::<MesureFields>),
        )
        .route(
            "/usagers/{id}/mesures/{mid}/revisions",
            post(mesures::api_reviser),
        )
        .route(
            "/usagers/{id}/suivis",
            get(suivis::api_liste).post(suivis::api_ajout),
        )
        .route("/usagers/{id}/suivis/{tid}/fait", post(suivis::api_fait))
        .merge(soins::api_routes())
        // Care: the plan, vital signs, prescriptions, the unit's worksheet and round.
        .merge(plan_soins::api_routes())
        .merge(constantes::api_routes())
        .merge(prescription::api_routes())
        .merge(feuille_soins::api_routes())
        .merge(tour_medicaments::api_routes())
        // Home-care planning and télégestion (h13b).
        .merge(interventions::api_routes())
        .merge(planning::api_routes())
        .merge(telegestion::api_routes())
        // The liaison book (h13c).
        .merge(liaison::api_routes())
        // The team around the person, messages to professionals (hteam).
        .merge(equipe::api_routes())
        .merge(messages::api_routes())
        // Agenda, the file's events and exchanges (h13a).
        .merge(agenda_api::api_routes())
}
