//! Every operation of `/api/v1`, one line each: method, path, tag, summary, then the types
//! of its request body and of its answer. The schemas are generated from these types
//! (`utoipa::ToSchema`); a test compares this table with the routes of the router itself.
//!
//! Adding an operation: route it in its feature's `api_routes()`, add its line here with
//! `.corps::<RequestType>()` (a `Champs` type: its text maxima become `maxLength`) and
//! `.ok::<T>()`, `.cree::<T>()`, `.liste::<T>()` or `.vide()` for what it answers.

use dui_domain::organisation::Categorie;
use dui_store::admin::organisation::{Etablissement, Organisme, Unite};
use dui_store::admin::utilisateur::Utilisateur;
use dui_store::audit::{AccesExceptionnel, Entry, Verification};
use dui_store::usager::EntreeLiaison;
use dui_store::usager::Transmission;
use dui_store::usager::{Absence, EtatMensuel, Journee, Sejour};
use dui_store::usager::{ActePlan, Constante, Feuille, Prescription, SeuilsMesure, Tour};
use dui_store::usager::{Candidature, Projet, VersionProjet};
use dui_store::usager::{Entourage, Fusion, Professionnel, ProfessionnelLie, ResultatRecherche};
use dui_store::usager::{Equipier, Message};
use dui_store::usager::{Mesure, Prestation, Suivi};
// Activities (hact).
use crate::usager::activites::{
    ActiviteCorps, FeuilleCorps, InscriptionCorps, SeancesCorps, SeancesCreees, StatutSeanceCorps,
    VersionSeance,
};
use dui_store::usager::{Activite, FeuillePresence, Inscription, Participation, Seance};
// Home-care planning and télégestion (h13b).
use dui_store::usager::{BilanMois, EntreeRecue, Intervention, ResultatEntree, Visite};

use dui_domain::grille::definition::Definition;
use dui_domain::grille::saisie::SaisieAggir;

use super::{op, Op};
use crate::admin::organisation::{EtablissementFields, OrganismeFields, UniteFields};
use crate::admin::permissions::MatrixDoc;
use crate::admin::utilisateurs::UtilisateurFields;
use crate::auth::login::{ApiLogin, ApiUser, Connecte};
use crate::corps::{
    AccesOuvert, Cree, DiffProjet, Dossier, EtatIdentite, FusionFaite, MotDePasseTemporaire,
    PhotoEnregistree, ProjetCourant, ProjetFait, TransmissionEcrite, TransmissionsMarquees,
    UsagerCree, VersionIdentite,
};
use crate::corps::{DossierCandidature, EntretienPlanifie};
use crate::corps::{Ecrite, SyntheseSoins};
use crate::grille::gmp::GmpReponse;
use crate::grille::{CalculAggir, GrilleResume};
use crate::usager::evaluation::{EvaluationBody, EvaluationVue, VersionSeule};
use crate::usager::fields::IdentiteFields;
use crate::usager::interventions::InterventionFields;
use crate::usager::planning::ReaffectationBody;
use crate::usager::telegestion::{PointageBody, Synchronisation, SynchronisationBody};
use crate::usager::{
    AbsenceEnregistree, AbsenceFields, Assign, AttributesBody, Brouillon, DemandeAccesExceptionnel,
    DocumentBody, EntourageFields, JourneeBody, LieuPropose, LinkBody, MouvementFields,
    NouveauProjet, OtherBody, ProfessionnelFields, SejourFields, SignatureBody, Validation,
    VersionBody, VersionJour,
};
use crate::usager::{
    ActePlanFields, ArretFields, ConstanteCreee, ConstanteFields, Enregistres, Medicaments,
    PrescriptionFields, SeuilsFields, TourBody, ValidationBody,
};
use crate::usager::{CandidatureFields, DossierFields, EntretienFields, StatutFields};
use crate::usager::{EntreeFields, FinFields, NoteFields, ObservationFields, RetourFields};
use crate::usager::{EntreeLiaisonFields, InvitationFields, PartenaireInvite, ParticipantFields};
use crate::usager::{
    EquipeCorps, FinMembreFields, FonctionMembreFields, MembreFields, MessageFields,
};
use crate::usager::{Lues, TransmissionFields};
use crate::usager::{MesureFields, PrestationFields, RevisionFields, SuiviFaitFields, SuiviFields};
use dui_store::usager::{Dlu, EntreeSoins, NotePsychologie, Observation, RetourUrgences};
// Agenda and exchanges (h13a).
use crate::usager::{
    Abonnement, EchangeCorps, Echanges, EvenementCorps, ExceptionCorps, PresenceCorps,
    RessourceCorps, Ressources, StatutCorps,
};
use dui_store::usager::{Evenement, VueAgenda};

/// The operations, in the order of the document.
pub(super) fn operations() -> Vec<Op> {
    vec![
        op("post", "/session", "Session", "Se connecter (identifiant, mot de passe, code TOTP éventuel) : jeton et cookie de session").corps::<ApiLogin>().ok::<Connecte>(),
        op("delete", "/session", "Session", "Se déconnecter").vide(),
        op("get", "/moi", "Session", "Le compte connecté").ok::<ApiUser>(),
        op("get", "/organismes", "Organisation", "Organismes gestionnaires").liste::<Organisme>(),
        op("post", "/organismes", "Organisation", "Créer un organisme gestionnaire (FINESS juridique, SIREN)").corps::<OrganismeFields>().cree::<Organisme>(),
        op("get", "/organismes/{id}", "Organisation", "Un organisme gestionnaire").ok::<Organisme>(),
        op("put", "/organismes/{id}", "Organisation", "Modifier un organisme (If-Match ou version)").corps::<OrganismeFields>().ok::<Organisme>(),
        op("get", "/etablissements", "Organisation", "Établissements et services visibles").liste::<Etablissement>(),
        op("post", "/etablissements", "Organisation", "Créer un établissement (FINESS géographique, catégorie TRE_R66)").corps::<EtablissementFields>().cree::<Etablissement>(),
        op("get", "/etablissements/{id}", "Organisation", "Un établissement").ok::<Etablissement>(),
        op("put", "/etablissements/{id}", "Organisation", "Modifier un établissement (If-Match ou version)").corps::<EtablissementFields>().ok::<Etablissement>(),
        op("get", "/etablissements/{id}/unites", "Organisation", "Unités, pôles et places d'un établissement").liste::<Unite>(),
        op("post", "/etablissements/{id}/unites", "Organisation", "Créer une unité").corps::<UniteFields>().cree::<Cree>(),
        op("get", "/categories", "Organisation", "Catégories FINESS utilisables").liste::<Categorie>(),
        op("get", "/utilisateurs", "Comptes", "Comptes (administrateurs)").liste::<Utilisateur>(),
        op("post", "/utilisateurs", "Comptes", "Créer un compte").corps::<UtilisateurFields>().cree::<Utilisateur>(),
        op("get", "/utilisateurs/{id}", "Comptes", "Un compte").ok::<Utilisateur>(),
        op("put", "/utilisateurs/{id}", "Comptes", "Modifier un compte (If-Match ou version)").corps::<UtilisateurFields>().ok::<Utilisateur>(),
        op("post", "/utilisateurs/{id}/mot-de-passe", "Comptes", "Réinitialiser le mot de passe (mot de passe temporaire)").ok::<MotDePasseTemporaire>(),
        op("get", "/permissions", "Habilitations", "Matrice profil × partie × action et double authentification obligatoire").ok::<MatrixDoc>(),
        op("put", "/permissions", "Habilitations", "Remplacer la matrice").corps::<MatrixDoc>().ok::<MatrixDoc>(),
        op("get", "/audit", "Audit", "Rechercher dans le journal d'audit (administrateur : vue technique, sans données des personnes ni filtre par dossier ; direction : toutes les entrées des comptes de ses établissements)").liste::<Entry>(),
        op("get", "/audit/verification", "Audit", "Vérifier la chaîne d'intégrité du journal").ok::<Verification>(),
        op("get", "/acces-exceptionnels", "Audit", "Accès exceptionnels (bris de glace) des 90 derniers jours").liste::<AccesExceptionnel>(),
        op("get", "/usagers", "Usagers", "Rechercher des usagers (?q= nom, date, INS, n° de dossier)").liste::<ResultatRecherche>(),
        op("post", "/usagers", "Usagers", "Créer un usager (409 si doublon probable, sauf confirmer_doublon)").corps::<IdentiteFields>().cree::<UsagerCree>(),
        op("get", "/usagers/{id}", "Usagers", "Ouvrir le dossier : identité, séjours, parties lisibles").ok::<Dossier>(),
        op("put", "/usagers/{id}", "Usagers", "Modifier l'identité (If-Match ou version) ; un trait strict modifié rend l'identité provisoire").corps::<IdentiteFields>().ok::<Dossier>(),
        op("get", "/usagers/{id}/audit", "Usagers", "Qui a consulté ou modifié le dossier").liste::<Entry>(),
        op("get", "/usagers/{id}/sejours", "Séjours", "Séjours de l'usager, du plus récent au plus ancien (tout le parcours, transferts compris)").liste::<Sejour>(),
        op("post", "/usagers/{id}/sejours", "Séjours", "Admettre : ouvrir un séjour (capacité respectée sauf depasser_capacite, tracé ; deux séjours permanents ne se chevauchent pas)").corps::<SejourFields>().cree::<Cree>(),
        op("get", "/usagers/{id}/sejours/{sid}", "Séjours", "Un séjour (le corps que sa modification accepte)").ok::<Sejour>(),
        op("put", "/usagers/{id}/sejours/{sid}", "Séjours", "Modifier un séjour (If-Match ou version) ; l'unité change par un transfert").corps::<SejourFields>().ok::<Cree>(),
        op("post", "/usagers/{id}/sejours/{sid}/transfert", "Séjours", "Transférer : clôt le séjour en cours et ouvre le suivant (If-Match ou version)").corps::<MouvementFields>().cree::<Cree>(),
        op("post", "/usagers/{id}/sejours/{sid}/sortie", "Séjours", "Sortie : clôt le séjour en cours avec son mode et sa destination (If-Match ou version)").corps::<MouvementFields>().ok::<Cree>(),
        op("get", "/usagers/{id}/presences", "Présences", "Jours d'absence de l'usager, du plus récent au plus ancien").liste::<Absence>(),
        op("post", "/usagers/{id}/presences", "Présences", "Enregistrer une période d'absence (chaque jour remplace celui enregistré)").corps::<AbsenceFields>().cree::<AbsenceEnregistree>(),
        op("get", "/presences", "Présences", "Présences d'une unité pour un jour (?etablissement_id=&unite_id=&jour=) : chacun est présent sauf absence").ok::<Journee>(),
        op("put", "/presences", "Présences", "Enregistrer les présences du jour en une requête (le corps du GET ; If-Match ou version ; 409 si une autre saisie est passée)").corps::<JourneeBody>().ok::<VersionJour>(),
        op("get", "/presences/etat", "Présences", "État mensuel d'un établissement (?etablissement_id=&mois=AAAA-MM) : jours prévus, de présence et d'absence par motif, totaux par financeur").ok::<EtatMensuel>(),
        op("get", "/presences/etat.csv", "Présences", "État mensuel en CSV (séparateur ;, UTF-8)").fichier("text/csv"),
        op("get", "/presences/etat.xlsx", "Présences", "État mensuel en tableur XLSX").fichier("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        op("get", "/usagers/{id}/versions", "Usagers", "Versions antérieures de l'identité").liste::<VersionIdentite>(),
        op("get", "/usagers/{id}/photo", "Usagers", "La photo de l'usager (image/jpeg ou image/png ; 404 s'il n'en a pas)").image(),
        op("put", "/usagers/{id}/photo", "Usagers", "Enregistrer la photo : le corps est l'image JPEG ou PNG (2 Mo au plus), enregistrée sans ses métadonnées").ok::<PhotoEnregistree>(),
        op("delete", "/usagers/{id}/photo", "Usagers", "Retirer la photo").vide(),
        op("post", "/usagers/{id}/identite/justificatif", "Identitovigilance", "Enregistrer la vérification d'un justificatif d'identité").corps::<DocumentBody>().ok::<EtatIdentite>(),
        op("post", "/usagers/{id}/identite/insi", "Identitovigilance", "Récupérer l'INS auprès du téléservice INSi").corps::<VersionBody>().ok::<EtatIdentite>(),
        op("post", "/usagers/{id}/identite/insi/verification", "Identitovigilance", "Vérifier l'INS auprès du téléservice INSi").ok::<EtatIdentite>(),
        op("post", "/usagers/{id}/identite/attributs", "Identitovigilance", "Signaler une identité douteuse ou fictive, lever un doute").corps::<AttributesBody>().ok::<EtatIdentite>(),
        op("get", "/usagers/{id}/doublons", "Identitovigilance", "Doublons probables du dossier").liste_candidats(),
        op("post", "/usagers/{id}/non-doublons", "Identitovigilance", "Confirmer que deux dossiers sont deux personnes différentes").corps::<OtherBody>().vide(),
        op("get", "/usagers/{id}/fusions", "Identitovigilance", "Fusions concernant le dossier").liste::<Fusion>(),
        op("post", "/usagers/{id}/fusions", "Identitovigilance", "Fusionner un doublon dans ce dossier (réversible)").corps::<OtherBody>().cree::<FusionFaite>(),
        op("post", "/usagers/{id}/fusions/{fid}/annulation", "Identitovigilance", "Annuler une fusion").vide(),
        op("get", "/usagers/{id}/transmissions", "Transmissions", "Transmissions du dossier, les plus récentes d'abord (les parties lisibles par l'appelant seulement)").liste::<Transmission>(),
        op("post", "/usagers/{id}/transmissions", "Transmissions", "Écrire une transmission narrative (texte) ou ciblée (cible, données, actions, résultats) ; ni modification ni suppression : une correction est une nouvelle transmission (corrige_id)").corps::<TransmissionFields>().cree::<TransmissionEcrite>(),
        op("get", "/transmissions", "Transmissions", "Relève (?depuis= et ?jusqua= en ISO 8601 ou AAAA-MM-JJTHH:MM heure de Paris, ?heures= nombre d'heures ou releve = depuis ma dernière relève, 24 h par défaut) et recherche plein texte en français (?q=) dans ce que l'appelant peut lire ; filtres usager, auteur, cible, importantes, non_lues, etablissement, unite ; chaque élément porte sa marque lue").liste::<Transmission>(),
        op("post", "/transmissions/lues", "Transmissions", "Marquer des transmissions comme lues pour l'appelant").corps::<Lues>().ok::<TransmissionsMarquees>(),
        op("get", "/usagers/{id}/projets", "Projet personnalisé", "Projets personnalisés de l'usager (PPA, PPE)").liste::<Projet>(),
        op("post", "/usagers/{id}/projets", "Projet personnalisé", "Créer un projet (type ppa ou ppe) et son premier brouillon ; 409 si la personne a déjà un projet de ce type ; codes SERAFIN-PH toujours avec leur système (ANS)").corps::<NouveauProjet>().cree::<ProjetFait>(),
        op("get", "/usagers/{id}/projets/{pid}", "Projet personnalisé", "Un projet et sa version en cours (le brouillon, sinon la dernière version validée) : le corps que sa modification accepte").ok::<ProjetCourant>(),
        op("put", "/usagers/{id}/projets/{pid}", "Projet personnalisé", "Enregistrer le brouillon (If-Match ou version ; 409 si périmée ou si le brouillon est signé) ; ouvre un brouillon depuis la dernière version validée s'il n'y en a pas").corps::<Brouillon>().ok::<ProjetCourant>(),
        op("post", "/usagers/{id}/projets/{pid}/validation", "Projet personnalisé", "Valider le brouillon (If-Match ou version) : la version est figée, la prochaine révision fixée (un an ; six mois avant deux ans)").corps::<Validation>().ok::<ProjetFait>(),
        op("get", "/usagers/{id}/projets/{pid}/versions", "Projet personnalisé", "Versions du projet, la plus récente d'abord").liste::<VersionProjet>(),
        op("get", "/usagers/{id}/projets/{pid}/versions/{numero}", "Projet personnalisé", "Une version du projet et ses signatures").ok::<VersionProjet>(),
        op("post", "/usagers/{id}/projets/{pid}/versions/{numero}/signatures", "Projet personnalisé", "Tracer la signature (ou son refus) d'une version par la personne, son représentant, un parent, un professionnel (If-Match ou version)").corps::<SignatureBody>().cree::<ProjetFait>(),
        op("get", "/usagers/{id}/projets/{pid}/diff", "Projet personnalisé", "Différences entre deux versions (?de=&a=)").ok::<DiffProjet>(),
        op("get", "/usagers/{id}/entourage", "Entourage", "Entourage de l'usager").liste::<Entourage>(),
        op("post", "/usagers/{id}/entourage", "Entourage", "Ajouter une personne de l'entourage").corps::<EntourageFields>().cree::<Cree>(),
        op("get", "/usagers/{id}/entourage/{eid}", "Entourage", "Une personne de l'entourage (le corps que sa modification accepte)").ok::<Entourage>(),
        op("put", "/usagers/{id}/entourage/{eid}", "Entourage", "Modifier une personne de l'entourage (If-Match ou version)").corps::<EntourageFields>().ok::<Cree>(),
        op("delete", "/usagers/{id}/entourage/{eid}", "Entourage", "Retirer une personne de l'entourage (conservée, inactive)").vide(),
        op("get", "/usagers/{id}/professionnels", "Entourage", "Professionnels extérieurs de l'usager").liste::<ProfessionnelLie>(),
        op("post", "/usagers/{id}/professionnels", "Entourage", "Lier un professionnel (existant ou nouveau) avec un rôle").corps::<LinkBody>().cree_vide(),
        op("delete", "/usagers/{id}/professionnels/{pid}/{role}", "Entourage", "Retirer un professionnel").vide(),
        op("post", "/usagers/{id}/affectations", "Usagers", "Affecter un intervenant à domicile ou un proche").corps::<Assign>().vide(),
        op("post", "/usagers/{id}/acces-exceptionnel", "Usagers", "Ouvrir un accès exceptionnel motivé et limité dans le temps").corps::<DemandeAccesExceptionnel>().cree::<AccesOuvert>(),
        op("get", "/professionnels", "Entourage", "Annuaire partagé des professionnels (?q=)").liste::<Professionnel>(),
        op("post", "/professionnels", "Entourage", "Ajouter un professionnel à l'annuaire").corps::<ProfessionnelFields>().cree::<Cree>(),
        op("get", "/grilles", "Grilles", "Grilles d'évaluation connues (version courante, versions publiées)").liste::<GrilleResume>(),
        op("post", "/grilles", "Grilles", "Publier une grille personnalisée (administrateurs) : le corps est sa définition, au format de reference/grilles ; une version publiée ne change plus (409 si elle existe) ; utilisable aussitôt dans les évaluations").corps::<Definition>().cree::<GrilleResume>(),
        op("get", "/grilles/{grille}", "Grilles", "Définition d'une grille (?version= ; la courante par défaut) : questions, types de réponse, scores, conditions, résultats").ok::<Definition>(),
        op("post", "/grilles/aggir/calcul", "Grilles", "Calculer le GIR (rang et GIR) d'une grille AGGIR, depuis les codes A/B/C des variables ou depuis les adverbes S/T/C/H des sous-variables (renvoie alors aussi les codes déduits) ; public, rien n'est enregistré").corps::<SaisieAggir>().ok::<CalculAggir>(),
        op("get", "/etablissements/{id}/gmp", "Grilles", "GMP de l'établissement par mois (?mois= 1 à 36, 12 par défaut ; ?date= AAAA-MM-JJ) à partir de la dernière évaluation AGGIR validée de chaque personne présente (direction, cadre)").ok::<GmpReponse>(),
        op("get", "/usagers/{id}/evaluations", "Évaluations", "Évaluations de l'usager, les plus récentes d'abord (?grille=), chacune avec la version de grille utilisée").liste::<EvaluationVue>(),
        op("post", "/usagers/{id}/evaluations", "Évaluations", "Enregistrer une évaluation (brouillon, ou validée si valider et le droit de valider) : 201 avec id, resultats et gir (AGGIR) ; 422 nommant chaque question ou variable fautive").corps::<EvaluationBody>().cree::<EvaluationVue>(),
        op("get", "/usagers/{id}/evaluations/{eid}", "Évaluations", "Une évaluation").ok::<EvaluationVue>(),
        op("put", "/usagers/{id}/evaluations/{eid}", "Évaluations", "Modifier un brouillon (If-Match ou version) ; 409 si la version est périmée ou si l'évaluation est validée (la corriger par une nouvelle évaluation, corrige)").corps::<EvaluationBody>().ok::<EvaluationVue>(),
        op("post", "/usagers/{id}/evaluations/{eid}/validation", "Évaluations", "Valider un brouillon (If-Match ou version) : il ne changera plus").corps::<VersionSeule>().ok::<EvaluationVue>(),
        // Identity forms (issue 16).
        op("get", "/lieux-naissance", "Usagers", "Lieux de naissance par nom (?q=reims) : communes du Code officiel géographique (dont communes déléguées et anciens codes des communes fusionnées) et pays étrangers (99 + code INSEE), avec le libellé que le formulaire d'identité accepte").liste::<LieuPropose>(),
        // Applications and the waiting list (ADM-1, ADM-2).
        op("get", "/candidatures", "Candidatures", "Liste d'attente consolidée des établissements de l'appelant (?statut= ; en cours par défaut, ?etablissement=, ?domaine=, ?age_min=, ?age_max=, ?gir=, ?orientation=) : les urgentes d'abord, puis par date de réception").liste::<Candidature>(),
        op("post", "/candidatures", "Candidatures", "Enregistrer une candidature (statut reçue) pour un ou plusieurs établissements, avant tout dossier (traits d'identité du candidat) ou pour un dossier existant (usager_id)").corps::<CandidatureFields>().cree::<Cree>(),
        op("get", "/candidatures/{id}", "Candidatures", "Une candidature (le corps que sa modification accepte)").ok::<Candidature>(),
        op("put", "/candidatures/{id}", "Candidatures", "Modifier une candidature (If-Match ou version)").corps::<CandidatureFields>().ok::<Cree>(),
        op("post", "/candidatures/{id}/statut", "Candidatures", "Changer le statut (reçue → à l'étude → entretien planifié → acceptée, refusée avec motif, liste d'attente, désistement ; toute autre transition refusée en 422 ; If-Match ou version, 409 si périmée)").corps::<StatutFields>().ok::<Cree>(),
        op("post", "/candidatures/{id}/entretien", "Candidatures", "Planifier l'entretien de préadmission : un rendez-vous dans l'agenda d'un professionnel des établissements demandés (début en heure de Paris ou ISO 8601, durée en minutes) ; la candidature passe à « entretien planifié »").corps::<EntretienFields>().cree::<EntretienPlanifie>(),
        op("post", "/candidatures/{id}/dossier", "Candidatures", "Créer le dossier de la personne depuis la candidature (recherche de doublons : 409 avec les candidats, sauf confirmer_doublon) ou rattacher son dossier existant (usager_id)").corps::<DossierFields>().cree::<DossierCandidature>(),
        // Care (issue 12, SOI-2/5/6): the medical summary, observations, the DLU, psychology.
        op("get", "/usagers/{id}/soins/synthese", "Soins", "Synthèse médicale : les entrées actives (ni closes ni corrigées) par rubrique : allergies, problèmes (CIM-10), antécédents, traitements, vaccinations, dispositifs, régime, risques, communication, état habituel, directives anticipées, soins palliatifs, alertes").ok::<SyntheseSoins>(),
        op("get", "/usagers/{id}/soins/synthese/entrees", "Soins", "Toutes les entrées de la synthèse médicale, historique compris, les plus récentes d'abord").liste::<EntreeSoins>(),
        op("post", "/usagers/{id}/soins/synthese/entrees", "Soins", "Ajouter une entrée datée et signée ; une correction nomme l'entrée corrigée (corrige_id), les deux restent visibles").corps::<EntreeFields>().cree::<Ecrite>(),
        op("post", "/usagers/{id}/soins/synthese/entrees/{eid}/fin", "Soins", "Clore une entrée (date_fin, motif ; If-Match ou version) : elle reste dans l'historique ; 409 si la version est périmée ou si elle est déjà close").corps::<FinFields>().ok::<Cree>(),
        op("get", "/usagers/{id}/soins/observations", "Soins", "Observations médicales et paramédicales, les plus récentes d'abord (les reçues de l'extérieur portent leur source)").liste::<Observation>(),
        op("post", "/usagers/{id}/soins/observations", "Soins", "Écrire une observation typée et datée (médicale : par un médecin, ou reçue avec sa source) ; ni modification ni suppression : une correction est une nouvelle observation (corrige_id)").corps::<ObservationFields>().cree::<Ecrite>(),
        op("get", "/usagers/{id}/soins/dlu", "Soins", "Dossier de liaison d'urgence assemblé à l'instant depuis le dossier, avec les éléments obligatoires manquants").ok::<Dlu>(),
        op("get", "/usagers/{id}/soins/dlu/retours", "Soins", "Fiches de retour des urgences, les plus récentes d'abord").liste::<RetourUrgences>(),
        op("post", "/usagers/{id}/soins/dlu/retours", "Soins", "Enregistrer la fiche de retour du service des urgences (diagnostic, examens, traitement, surveillance, suivi)").corps::<RetourFields>().cree::<Ecrite>(),
        op("get", "/usagers/{id}/psychologie", "Psychologie", "Notes de psychologie lisibles par l'appelant : psychologues de l'établissement où elles ont été écrites seulement, jamais par accès exceptionnel").liste::<NotePsychologie>(),
        op("post", "/usagers/{id}/psychologie", "Psychologie", "Écrire une note d'entretien, un bilan ou un résultat de test (psychologues) ; une correction nomme la note corrigée (corrige_id)").corps::<NoteFields>().cree::<Ecrite>(),
        op("get", "/usagers/{id}/soins/plan", "Soins", "Plan de soins : actes planifiés (?tous=oui : avec les actes retirés)").liste::<ActePlan>(),
        op("post", "/usagers/{id}/soins/plan", "Soins", "Ajouter un acte au plan de soins (infirmiers, médecins) : type, intervenant, fréquence (quotidien, jours_semaine 1,3,5, intervalle N jours), horaires HH:MM heure de Paris").corps::<ActePlanFields>().cree::<Cree>(),
        op("get", "/usagers/{id}/soins/plan/{aid}", "Soins", "Un acte du plan (le corps que sa modification accepte)").ok::<ActePlan>(),
        op("put", "/usagers/{id}/soins/plan/{aid}", "Soins", "Modifier ou retirer (actif false) un acte du plan (If-Match ou version ; 409 si périmée)").corps::<ActePlanFields>().ok::<Cree>(),
        op("get", "/usagers/{id}/soins/constantes", "Soins", "Constantes et mesures, les plus récentes d'abord, avec l'alerte levée").liste::<Constante>(),
        op("post", "/usagers/{id}/soins/constantes", "Soins", "Enregistrer une mesure (poids, température, pouls, tension, SpO2, glycémie, douleur) : 422 hors des valeurs plausibles ; l'alerte levée contre les seuils en vigueur").corps::<ConstanteFields>().cree::<ConstanteCreee>(),
        op("get", "/usagers/{id}/soins/constantes/seuils/{mesure}", "Soins", "Seuils d'alerte en vigueur d'une mesure (propres à la personne ou par défaut)").ok::<SeuilsMesure>(),
        op("put", "/usagers/{id}/soins/constantes/seuils/{mesure}", "Soins", "Seuils propres à la personne (infirmiers, médecins ; version lue, 0 sans seuils propres ; personnalises false : retour aux seuils par défaut)").corps::<SeuilsFields>().ok::<Cree>(),
        op("get", "/usagers/{id}/soins/prescriptions", "Soins", "Prescriptions en cours (?toutes=oui : avec l'historique), les plus récentes d'abord").liste::<Prescription>(),
        op("post", "/usagers/{id}/soins/prescriptions", "Soins", "Prescrire (médecin avec le RPPS de son compte, ou prescripteur extérieur saisi avec son RPPS) : médicament (libre ou du référentiel), acte ou examen").corps::<PrescriptionFields>().cree::<Cree>(),
        op("get", "/usagers/{id}/soins/prescriptions/{pid}", "Soins", "Une prescription").ok::<Prescription>(),
        op("put", "/usagers/{id}/soins/prescriptions/{pid}", "Soins", "Modifier une prescription (If-Match ou version) : elle est arrêtée et la nouvelle, renvoyée, la remplace").corps::<PrescriptionFields>().ok::<Cree>(),
        op("post", "/usagers/{id}/soins/prescriptions/{pid}/arret", "Soins", "Arrêter une prescription (If-Match ou version ; motif)").corps::<ArretFields>().vide(),
        op("get", "/soins/medicaments", "Soins", "Médicaments du référentiel (?q=), pour prescrire").ok::<Medicaments>(),
        op("get", "/soins/feuille", "Soins", "Feuille de soins d'une unité pour un poste (?etablissement_id=&unite_id=&jour=&poste=matin|apres_midi|nuit, heure de Paris) : actes prévus par les plans de soins et leur validation, alertes de constantes").ok::<Feuille>(),
        op("post", "/soins/feuille", "Soins", "Valider des actes de la feuille (fait, ou non_fait avec motif) ; 409 si un acte l'est déjà").corps::<ValidationBody>().ok::<Enregistres>(),
        op("get", "/soins/tour", "Soins", "Tour de médicaments d'une unité (?etablissement_id=&unite_id=&jour=&heure=HH:MM) : prises prévues par les prescriptions actives").ok::<Tour>(),
        op("post", "/soins/tour", "Soins", "Enregistrer des prises (donne, refuse, non_donne avec motif) ; 422 sans prescription active à l'heure prévue, 409 si déjà enregistrée").corps::<TourBody>().ok::<Enregistres>(),
        op("get", "/openapi.json", "Documentation", "Ce document").document(),
        // Field staff (issue 16).
        op("delete", "/usagers/{id}/affectations/{uid}", "Usagers", "Mettre fin à l'affectation d'un intervenant à domicile ou d'un proche (404 s'il n'est pas affecté)").vide(),
        // Benefits, freedom-of-movement measures, follow-ups after discharge (h11d).
        op("get", "/usagers/{id}/prestations", "Droits et mesures", "Droits et prestations sociales de l'usager (APA, PCH, AAH, ASH, AEEH, orientation MDPH…)").liste::<Prestation>(),
        op("post", "/usagers/{id}/prestations", "Droits et mesures", "Enregistrer un droit : type, payeur, référence, montant (montant en euros ou montant_centimes), début et fin (dernier jour valide)").corps::<PrestationFields>().cree::<Cree>(),
        op("get", "/usagers/{id}/prestations/{pid}", "Droits et mesures", "Un droit (le corps que sa modification accepte)").ok::<Prestation>(),
        op("put", "/usagers/{id}/prestations/{pid}", "Droits et mesures", "Modifier ou renouveler un droit (If-Match ou version ; l'état précédent est conservé dans l'historique)").corps::<PrestationFields>().ok::<Cree>(),
        op("get", "/usagers/{id}/mesures", "Droits et mesures", "Mesures de restriction de la liberté d'aller et venir (annexe au contrat, CASF L311-4-1) avec leurs révisions").liste::<Mesure>(),
        op("post", "/usagers/{id}/mesures", "Droits et mesures", "Enregistrer une mesure : nature, mesure, motif, avis médical (par qui, date), consentement, début et révision obligatoire (dans l'année)").corps::<MesureFields>().cree::<Cree>(),
        op("get", "/usagers/{id}/mesures/{mid}", "Droits et mesures", "Une mesure et ses révisions").ok::<Mesure>(),
        op("post", "/usagers/{id}/mesures/{mid}/revisions", "Droits et mesures", "Réviser une mesure (If-Match ou version) : maintenue ou modifiée avec la prochaine révision, ou levée").corps::<RevisionFields>().ok::<Cree>(),
        op("get", "/usagers/{id}/suivis", "Séjours", "Suivis après la sortie : tâches datées confiées à un professionnel").liste::<Suivi>(),
        op("post", "/usagers/{id}/suivis", "Séjours", "Confier un suivi à un professionnel de l'équipe de la personne").corps::<SuiviFields>().cree::<Cree>(),
        // The liaison book (h13c, COO-6).
        op("get", "/usagers/{id}/liaison", "Cahier de liaison", "Entrées du cahier de liaison, les plus récentes d'abord, chacune marquée nouvelle si l'appelant ne l'a pas encore vue (le cahier est ensuite marqué lu)").liste::<EntreeLiaison>(),
        op("post", "/usagers/{id}/liaison", "Cahier de liaison", "Écrire une entrée, datée et signée de la qualité de l'auteur (intervenant, infirmier, kinésithérapeute, proche…) ; ni modification ni suppression : une correction est une nouvelle entrée (corrige_id) ; un proche n'écrit que si le cadre le lui a permis").corps::<EntreeLiaisonFields>().cree::<Ecrite>(),
        op("post", "/usagers/{id}/liaison/partenaires", "Cahier de liaison", "Inviter un partenaire extérieur (cadre) : un compte limité au cahier de liaison de la personne est créé, son mot de passe provisoire renvoyé une seule fois").corps::<InvitationFields>().cree::<PartenaireInvite>(),
        op("post", "/usagers/{id}/liaison/fin", "Cahier de liaison", "Mettre fin (datée) à la participation d'un partenaire ou d'un proche et à son affectation (404 si aucune n'est ouverte)").corps::<ParticipantFields>().vide(),
        // The team around the person (hteam, COO-2).
        op("get", "/usagers/{id}/equipe", "Équipe", "Équipe autour de la personne : membres actuels (référent, co-référents, membres, avec leur fonction et leur date de début) puis anciens membres et anciens référents (dates de fin)").ok::<EquipeCorps>(),
        op("post", "/usagers/{id}/equipe", "Équipe", "Ajouter un professionnel du service à l'équipe (cadre, direction, secrétariat) : fonction, place (referent, co_referent, membre) et premier jour ; un nouveau référent met fin au rôle du précédent la veille").corps::<MembreFields>().cree::<Ecrite>(),
        op("get", "/usagers/{id}/equipe/{mid}", "Équipe", "Une participation à l'équipe (avec sa version)").ok::<Equipier>(),
        op("put", "/usagers/{id}/equipe/{mid}", "Équipe", "Mettre fin à une participation (If-Match ou version ; fin : dernier jour, aujourd'hui par défaut ; 409 si elle a changé) ; elle reste dans l'historique").corps::<FinMembreFields>().ok::<Equipier>(),
        op("post", "/usagers/{id}/equipe/{mid}/fonction", "Équipe", "Changer la fonction d'un membre à partir d'un jour (depuis, aujourd'hui par défaut ; If-Match ou version ; 409 si la participation a changé) : la participation se termine la veille et une nouvelle commence, ou est corrigée si elle a commencé ce jour-là ; répond la participation en cours").corps::<FonctionMembreFields>().ok::<Equipier>(),
        // Messages to professionals (hteam, COO-3/4).
        op("get", "/messages", "Messages", "Messages reçus (?boite=envoyes : envoyés), les plus récents d'abord, chacun marqué non lu pour son destinataire ; un message sur une personne que l'appelant ne peut plus lire (accompagnement) ne montre ni son nom, ni l'objet, ni le texte").liste::<Message>(),
        op("post", "/messages", "Messages", "Envoyer une information à un ou plusieurs professionnels (20 au plus), éventuellement sur une personne (usager_id : il faut lire son accompagnement) et avec un rendez-vous inscrit à leur agenda (rdv_jour, rdv_debut, rdv_fin en heure de Paris)").corps::<MessageFields>().cree::<Ecrite>(),
        op("get", "/messages/{id}", "Messages", "Lire un message (destinataire ou expéditeur ; 404 sinon) : la marque non lu du destinataire est effacée").ok::<Message>(),
        op("post", "/usagers/{id}/suivis/{tid}/fait", "Séjours", "Marquer un suivi comme fait avec sa note (If-Match ou version) : par la personne à qui il est confié, même dossier clos, ou par un professionnel qui écrit l'administratif").corps::<SuiviFaitFields>().ok::<Cree>(),
        // Home-care planning and télégestion (h13b).
        op("get", "/usagers/{id}/interventions", "Domicile", "Interventions à domicile planifiées de la personne : tâches, jours, plage horaire (heure de Paris), durée, qualification, intervenant").liste::<Intervention>(),
        op("post", "/usagers/{id}/interventions", "Domicile", "Planifier une intervention à domicile (coordinateur : cadre du service) ; l'intervenant est affecté à la personne").corps::<InterventionFields>().cree::<Cree>(),
        op("get", "/usagers/{id}/interventions/{iid}", "Domicile", "Une intervention planifiée (le corps que sa modification accepte)").ok::<Intervention>(),
        op("put", "/usagers/{id}/interventions/{iid}", "Domicile", "Modifier ou terminer (date_fin) une intervention (If-Match ou version) ; les visites à venir sans saisie suivent").corps::<InterventionFields>().ok::<Cree>(),
        op("get", "/interventions", "Domicile", "Visites : pour le coordinateur, celles du service sur une période (?etablissement=&jour=&vue=jour|semaine ou ?du=&au=, ?intervenant=) avec les chevauchements ; pour un intervenant, les siennes du jour").liste::<Visite>(),
        op("get", "/interventions/bilan", "Domicile", "Prévu / réalisé du mois (?mois=AAAA-MM&etablissement=) par personne et par intervenant : minutes prévues et faites, visites manquées").ok::<BilanMois>(),
        op("get", "/interventions/bilan.csv", "Domicile", "Prévu / réalisé du mois en CSV (séparateur ;, UTF-8)").fichier("text/csv"),
        op("get", "/interventions/{id}", "Domicile", "Une visite (404 hors du périmètre : le service du coordinateur, les visites du jour de l'intervenant)").ok::<Visite>(),
        op("get", "/interventions/{id}/entrees", "Domicile", "Saisies reçues pour une visite, conflits compris").ok::<Vec<EntreeRecue>>(),
        op("post", "/interventions/{id}/reaffectation", "Domicile", "Confier la visite à un autre intervenant du service (If-Match ou version ; 409 si périmée)").corps::<ReaffectationBody>().ok::<Cree>(),
        op("post", "/interventions/{id}/arrivee", "Domicile", "« J'arrive » : l'heure (et la position si l'intervenant l'accepte) ; 409 si un autre compte a modifié la visite depuis la version envoyée").corps::<PointageBody>().ok::<ResultatEntree>(),
        op("post", "/interventions/{id}/depart", "Domicile", "« Je pars » : l'heure (et la position si l'intervenant l'accepte)").corps::<PointageBody>().ok::<ResultatEntree>(),
        op("post", "/interventions/synchronisation", "Domicile", "Saisies enregistrées hors connexion (200 au plus) : chacune avec un id client (UUID), enregistrée une seule fois ; un conflit (visite modifiée par un autre compte) est gardé et signalé, jamais appliqué").corps::<SynchronisationBody>().ok::<Synchronisation>(),
        // Agenda and events, the file's exchanges (h13a).
        op("get", "/agenda", "Agenda", "Occurrences d'une période (?de=&a= jours de Paris, 62 jours au plus ; ?agenda=moi|utilisateur-N|etablissement-N|ressource-N) : les événements récurrents développés en heure de Paris ; une personne n'est montrée qu'à qui lit l'accompagnement, la psychologie jamais ailleurs").ok::<VueAgenda>(),
        op("post", "/agenda", "Agenda", "Planifier un événement : type, objet, début et fin, établissement, salle ou véhicule, récurrence (FREQ=DAILY|WEEKLY|MONTHLY ; INTERVAL ; BYDAY ; UNTIL ou COUNT), participants (comptes, dossiers, proches ou partenaires nommés)").corps::<EvenementCorps>().cree::<Cree>(),
        op("get", "/agenda/ressources", "Agenda", "Salles et véhicules d'un établissement (?etablissement=)").ok::<Ressources>(),
        op("post", "/agenda/ressources", "Agenda", "Ajouter une salle ou un véhicule (cadre, direction)").corps::<RessourceCorps>().cree::<Cree>(),
        op("post", "/agenda/abonnement", "Agenda", "Créer l'adresse secrète d'abonnement au calendrier (iCalendar) du compte ; l'ancienne est révoquée").cree::<Abonnement>(),
        op("delete", "/agenda/abonnement", "Agenda", "Révoquer l'adresse d'abonnement au calendrier").vide(),
        op("get", "/agenda/{id}", "Agenda", "Un événement, ses participants et leur présence, ses occurrences déplacées ou annulées (le corps que sa modification accepte)").ok::<Evenement>(),
        op("put", "/agenda/{id}", "Agenda", "Modifier un événement (If-Match ou version ; 409 si une autre modification est passée) ; la présence des participants maintenus est conservée").corps::<EvenementCorps>().ok::<Cree>(),
        op("post", "/agenda/{id}/statut", "Agenda", "Changer le statut (prevu, confirme, realise, annule, reporte avec motif) selon les règles du statut ; If-Match ou version").corps::<StatutCorps>().ok::<Cree>(),
        op("post", "/agenda/{id}/participants/{pid}/presence", "Agenda", "Noter la présence d'un participant à un événement non récurrent (present, absent une fois l'événement commencé ; excuse ; version du participant)").corps::<PresenceCorps>().ok::<Cree>(),
        op("post", "/agenda/{id}/occurrences/{date}/participants/{pid}/presence", "Agenda", "Noter la présence d'un participant à une occurrence d'un événement récurrent (date de l'occurrence dans la série ; une occurrence annulée n'en prend pas ; version 0 tant qu'aucune n'est notée, sinon celle lue ; 409 si elle a changé)").corps::<PresenceCorps>().ok::<Cree>(),
        op("post", "/agenda/{id}/exceptions", "Agenda", "Déplacer ou annuler une occurrence d'un événement récurrent (date de l'occurrence ; version de l'événement)").corps::<ExceptionCorps>().ok::<Cree>(),
        op("get", "/usagers/{id}/agenda", "Agenda", "Événements de la personne sur une période (?de=&a=), hors rendez-vous de psychologie").ok::<VueAgenda>(),
        op("get", "/usagers/{id}/echanges", "Agenda", "Échanges avec la personne, sa famille et les partenaires, les plus récents d'abord").ok::<Echanges>(),
        op("post", "/usagers/{id}/echanges", "Agenda", "Tracer un échange (appel, courriel, courrier, rencontre, visite ; entrant ou sortant) ; une correction nomme l'échange corrigé").corps::<EchangeCorps>().cree::<Ecrite>(),
        // Activities, sessions and attendance (hact).
        op("get", "/activites", "Activités", "Activités d'un établissement (?etablissement_id=&type=&actives=oui), par création").liste::<Activite>(),
        op("post", "/activites", "Activités", "Créer une activité individuelle ou collective (atelier, thérapie, sortie, sport, culture, scolarité, soutien…) : établissement, unité, animateurs, lieu, capacité, validité").corps::<ActiviteCorps>().cree::<Cree>(),
        op("get", "/activites/{id}", "Activités", "Une activité, ses animateurs et ses inscrits du jour (le corps que sa modification accepte)").ok::<Activite>(),
        op("put", "/activites/{id}", "Activités", "Modifier ou clore (active: false) une activité (If-Match ou version ; 409 si une autre modification est passée)").corps::<ActiviteCorps>().ok::<Cree>(),
        op("get", "/activites/{id}/seances", "Activités", "Séances de l'activité par jour et heure (?depuis=)").liste::<Seance>(),
        op("post", "/activites/{id}/seances", "Activités", "Créer une séance, ou une série (jusqu_au, jours de la semaine, intervalle en semaines ; 120 séances au plus) ; heures de Paris").corps::<SeancesCorps>().cree::<SeancesCreees>(),
        op("get", "/activites/{id}/inscriptions", "Activités", "Personnes inscrites à l'activité, avec leurs dates d'inscription").liste::<Inscription>(),
        op("post", "/activites/{id}/inscriptions", "Activités", "Inscrire une personne accueillie dans l'établissement, dans la limite de la capacité (409 si elle est déjà inscrite sur la période)").corps::<InscriptionCorps>().cree::<Cree>(),
        op("post", "/activites/{id}/inscriptions/{iid}", "Activités", "Changer les dates d'une inscription ou y mettre fin (If-Match ou version)").corps::<InscriptionCorps>().ok::<Cree>(),
        op("get", "/seances/{id}/presences", "Activités", "Feuille de présence d'une séance : les inscrits du jour et leur présence notée").ok::<FeuillePresence>(),
        op("put", "/seances/{id}/presences", "Activités", "Enregistrer d'un coup les présences du groupe (present, absent, excuse ; observation) avec la version lue : inscrits du jour seulement, jamais sur une séance annulée, à l'avance seulement excusé").corps::<FeuilleCorps>().ok::<VersionSeance>(),
        op("post", "/seances/{id}/statut", "Activités", "Changer le statut d'une séance (prevue, realisee, annulee avec motif) ; If-Match ou version").corps::<StatutSeanceCorps>().ok::<VersionSeance>(),
        op("get", "/usagers/{id}/activites", "Activités", "Historique de participation de la personne : séances d'activités (présence notée) et événements de l'agenda, les plus récents d'abord (?type=code d'activité|agenda&du=&au=)").liste::<Participation>(),
    ]
}
