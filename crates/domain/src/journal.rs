//! What the audit journal records: every action as a code with its French label, declared
//! once, so that a new action without a label does not compile and every page shows it by
//! name (the file's *Traçabilité*, the audit journal).

use crate::policy::Action;

code_enum! {
    /// An action recorded in the audit journal.
    ActionJournal {
        /// Login (success or failure).
        Connexion = "connexion", "Connexion";
        /// Logout.
        Deconnexion = "deconnexion", "Déconnexion";
        /// A file opened (a read of one of its sections).
        UsagerLecture = "usager.lecture", "Consultation";
        /// A search among the files.
        UsagerRecherche = "usager.recherche", "Recherche d'usagers";
        /// A file created.
        UsagerCreation = "usager.creation", "Création du dossier";
        /// Files created by a bulk import (demo data).
        UsagerImport = "usager.import", "Import de dossiers";
        /// Identity changed.
        UsagerIdentiteModification = "usager.identite.modification", "Modification de l'identité";
        /// Identity status (RNIV) changed.
        UsagerIdentiteStatut = "usager.identite.statut", "Statut de l'identité";
        /// Photo added or replaced.
        UsagerPhotoModification = "usager.photo.modification", "Photo modifiée";
        /// Photo removed.
        UsagerPhotoSuppression = "usager.photo.suppression", "Photo supprimée";
        /// Break-the-glass access opened.
        UsagerAccesExceptionnel = "usager.acces_exceptionnel", "Accès exceptionnel ouvert";
        /// Someone added to the circle.
        UsagerEntourageAjout = "usager.entourage.ajout", "Ajout dans l'entourage";
        /// A circle entry changed.
        UsagerEntourageModification = "usager.entourage.modification", "Modification de l'entourage";
        /// Someone removed from the circle.
        UsagerEntourageRetrait = "usager.entourage.retrait", "Retrait de l'entourage";
        /// A transmission written (a correction too: its detail names the one it corrects).
        UsagerTransmissionAjout = "usager.transmission.ajout", "Transmission écrite";
        /// The relève or a search of transmissions read across files (one entry per file shown).
        TransmissionReleve = "transmission.releve", "Lecture de la relève";
        /// A full-text search among transmissions.
        TransmissionRecherche = "transmission.recherche", "Recherche dans les transmissions";
        /// A professional linked to the person.
        UsagerProfessionnelLien = "usager.professionnel.lien", "Professionnel ajouté";
        /// A professional unlinked.
        UsagerProfessionnelRetrait = "usager.professionnel.retrait", "Professionnel retiré";
        /// A personalised project (PPA, PPE) created with its first draft.
        UsagerProjetCreation = "usager.projet.creation", "Création du projet personnalisé";
        /// The draft of a personalised project saved.
        UsagerProjetModification = "usager.projet.modification", "Modification du projet personnalisé";
        /// A version of a personalised project validated (frozen).
        UsagerProjetValidation = "usager.projet.validation", "Validation du projet personnalisé";
        /// The personalised-project alerts of a home page shown (the files they name).
        UsagerProjetAlertes = "usager.projet.alertes", "Alertes des projets personnalisés affichées";
        /// A signature (or its refusal) of a personalised project recorded.
        UsagerProjetSignature = "usager.projet.signature", "Signature du projet personnalisé";
        /// An evaluation (grid) recorded, as a draft or validated.
        UsagerEvaluationAjout = "usager.evaluation.ajout", "Évaluation enregistrée";
        /// A draft evaluation changed.
        UsagerEvaluationModification = "usager.evaluation.modification", "Évaluation modifiée (brouillon)";
        /// An evaluation validated (it never changes afterwards).
        UsagerEvaluationValidation = "usager.evaluation.validation", "Évaluation validée";
        /// A person admitted (a stay opened); over capacity, the detail says so.
        UsagerSejourAdmission = "usager.sejour.admission", "Admission";
        /// A stay changed.
        UsagerSejourModification = "usager.sejour.modification", "Modification d'un séjour";
        /// A stay closed by a transfer and the next one opened.
        UsagerSejourTransfert = "usager.sejour.transfert", "Transfert";
        /// A stay closed by a discharge.
        UsagerSejourSortie = "usager.sejour.sortie", "Sortie";
        /// The presences of a unit for a day read (the files shown in the detail).
        PresenceLecture = "presence.lecture", "Consultation des présences";
        /// The presences of a unit for a day saved (the files changed in the detail).
        PresenceSaisie = "presence.saisie", "Saisie des présences";
        /// A monthly statement of presences produced (the files listed in the detail).
        PresenceEtat = "presence.etat", "État mensuel des présences";
        /// An absence period entered for a person.
        UsagerAbsenceAjout = "usager.absence.ajout", "Absence enregistrée";
        /// Applications read (a list, the waiting list or one application: their ids in the detail).
        CandidatureLecture = "candidature.lecture", "Consultation des candidatures";
        /// An application recorded.
        CandidatureCreation = "candidature.creation", "Candidature enregistrée";
        /// An application changed.
        CandidatureModification = "candidature.modification", "Candidature modifiée";
        /// The status of an application changed (from, to and motive in the detail).
        CandidatureStatut = "candidature.statut", "Statut d'une candidature changé";
        /// The first interview of an application planned (an appointment written).
        CandidatureEntretien = "candidature.entretien", "Entretien de préadmission planifié";
        /// An application linked to a file (created from it, or existing).
        CandidatureDossier = "candidature.dossier", "Candidature rattachée à un dossier";
        /// An agenda read (the appointments shown, the applications they name).
        AgendaLecture = "agenda.lecture", "Consultation de l'agenda";
        /// A social benefit (or right) recorded.
        UsagerPrestationAjout = "usager.prestation.ajout", "Droit ou prestation enregistré";
        /// A social benefit changed (the previous state kept in its history).
        UsagerPrestationModification = "usager.prestation.modification", "Droit ou prestation modifié";
        /// The benefits to renew of a home page shown (the files they name).
        PrestationAlertes = "prestation.alertes", "Droits à renouveler affichés";
        /// The alert delay of a kind of benefit set by the administrator.
        AdminPrestationDelai = "admin.prestation.delai", "Délai d'alerte des droits modifié";
        /// A measure restricting the freedom of movement recorded.
        UsagerMesureAjout = "usager.mesure.ajout", "Mesure de restriction de liberté enregistrée";
        /// A review of such a measure recorded (maintained, changed or lifted).
        UsagerMesureRevision = "usager.mesure.revision", "Révision d'une mesure de restriction de liberté";
        /// The overdue reviews of a home page shown (the files they name).
        MesureAlertes = "mesure.alertes", "Révisions de mesures en retard affichées";
        /// A follow-up task after a discharge given to a professional.
        UsagerSuiviAjout = "usager.suivi.ajout", "Suivi après la sortie confié";
        /// A follow-up task done, with its note.
        UsagerSuiviFait = "usager.suivi.fait", "Suivi après la sortie réalisé";
        /// The follow-up tasks of a home page shown (the files they name).
        SuiviListe = "suivi.liste", "Suivis à faire affichés";
        /// A care act added to a person's care plan.
        UsagerPlanSoinsAjout = "usager.plan_soins.ajout", "Acte ajouté au plan de soins";
        /// A care act of the plan changed.
        UsagerPlanSoinsModification = "usager.plan_soins.modification", "Acte du plan de soins modifié";
        /// The care worksheet of a unit read (the files shown in the detail).
        FeuilleSoinsLecture = "feuille_soins.lecture", "Consultation de la feuille de soins";
        /// Care acts validated (done or not) on the worksheet (the files in the detail).
        FeuilleSoinsSaisie = "feuille_soins.saisie", "Actes de soins validés";
        /// A vital sign or measure recorded.
        UsagerConstanteAjout = "usager.constante.ajout", "Constante enregistrée";
        /// A person's alert thresholds changed.
        UsagerConstanteSeuils = "usager.constante.seuils", "Seuils d'alerte modifiés";
        /// A prescription recorded.
        UsagerPrescriptionAjout = "usager.prescription.ajout", "Prescription enregistrée";
        /// A prescription changed (stopped and replaced by a new one).
        UsagerPrescriptionModification = "usager.prescription.modification", "Prescription modifiée";
        /// A prescription stopped.
        UsagerPrescriptionArret = "usager.prescription.arret", "Prescription arrêtée";
        /// A medication round read (the files shown in the detail).
        TourMedicamentsLecture = "tour_medicaments.lecture", "Consultation du tour de médicaments";
        /// Medicines given, refused or not given recorded (the files in the detail).
        TourMedicamentsSaisie = "tour_medicaments.saisie", "Administrations de médicaments enregistrées";
        /// Two files merged.
        UsagerFusion = "usager.fusion", "Fusion de dossiers";
        /// A merge undone.
        UsagerFusionAnnulation = "usager.fusion.annulation", "Annulation de fusion";
        /// A home-care worker or a relative assigned.
        UsagerAffectation = "usager.affectation", "Affectation d'un intervenant ou d'un proche";
        /// The assignment of a home-care worker or a relative ended.
        UsagerFinAffectation = "usager.affectation.fin", "Fin d'affectation d'un intervenant ou d'un proche";
        /// Two files declared different persons.
        UsagerNonDoublon = "usager.non_doublon", "Doublon écarté";
        /// Probable duplicates looked for.
        UsagerDoublons = "usager.doublons", "Recherche de doublons";
        /// A call to the INSi teleservice that changed nothing (no identity, several, a fault,
        /// an INS held by another file, a verification not confirmed): its codes in the detail.
        UsagerInsi = "usager.insi", "Interrogation du téléservice INSi";
        /// An entry added to the medical summary (a correction too: its detail names the one
        /// it corrects).
        UsagerSoinsEntreeAjout = "usager.soins.entree.ajout", "Synthèse médicale : entrée ajoutée";
        /// An entry of the medical summary ended (kept in its history).
        UsagerSoinsEntreeFin = "usager.soins.entree.fin", "Synthèse médicale : entrée close";
        /// A medical or paramedical observation written (or a received one entered).
        UsagerObservationAjout = "usager.observation.ajout", "Observation écrite";
        /// A psychology note written.
        UsagerPsychologieAjout = "usager.psychologie.ajout", "Note de psychologie écrite";
        /// The return sheet of the emergency service recorded.
        UsagerDluRetour = "usager.dlu.retour", "Retour des urgences enregistré";
        /// An entry written in the liaison book (a correction too: its detail names the one
        /// it corrects).
        UsagerLiaisonAjout = "usager.liaison.ajout", "Cahier de liaison : entrée écrite";
        /// An outside partner invited to the liaison book (an account created for them).
        UsagerLiaisonInvitation = "usager.liaison.invitation", "Cahier de liaison : partenaire invité";
        /// A relative allowed (or no longer allowed) to write in the liaison book.
        UsagerLiaisonProche = "usager.liaison.proche", "Cahier de liaison : droit d'écriture d'un proche";
        /// A participation in the liaison book ended (the account's assignment too).
        UsagerLiaisonFin = "usager.liaison.fin", "Cahier de liaison : participation close";
        /// The home-page panel of new liaison entries shown (the files it names).
        LiaisonNouvelles = "liaison.nouvelles", "Cahier de liaison : nouvelles entrées affichées";
        /// A member added to the team around the person (a referent too).
        UsagerEquipeAjout = "usager.equipe.ajout", "Équipe : membre ajouté";
        /// A membership of the team ended (dated).
        UsagerEquipeFin = "usager.equipe.fin", "Équipe : membre sorti";
        /// The referent changed (the former one's role ended the day before).
        UsagerEquipeReferent = "usager.equipe.referent", "Équipe : changement de référent";
        /// A member's function changed (the former membership ended the day before, or
        /// corrected the day it began).
        UsagerEquipeFonction = "usager.equipe.fonction", "Équipe : changement de fonction";
        /// A message sent to professionals (its detail names the file it is about, if any).
        MessageEnvoi = "message.envoi", "Message envoyé à un professionnel";
        /// A message read by a recipient (or its sender).
        MessageLecture = "message.lecture", "Message lu";
        /// A refused read.
        UsagerLireRefuse = "usager.lire", "Consultation refusée";
        /// A refused change.
        UsagerEcrireRefuse = "usager.ecrire", "Modification refusée";
        /// A refused validation (identity, merge, signature).
        UsagerValiderRefuse = "usager.valider", "Validation refusée";
        /// A professional added to the directory.
        AnnuaireProfessionnelCreation = "annuaire.professionnel.creation", "Professionnel ajouté à l'annuaire";
        /// Organisme created.
        AdminOrganismeCreation = "admin.organisme.creation", "Création d'un organisme";
        /// Organisme changed.
        AdminOrganismeModification = "admin.organisme.modification", "Modification d'un organisme";
        /// Établissement created.
        AdminEtablissementCreation = "admin.etablissement.creation", "Création d'un établissement";
        /// Établissement changed.
        AdminEtablissementModification = "admin.etablissement.modification", "Modification d'un établissement";
        /// Unit created.
        AdminUniteCreation = "admin.unite.creation", "Création d'une unité";
        /// Account created.
        AdminUtilisateurCreation = "admin.utilisateur.creation", "Création d'un compte";
        /// Account changed.
        AdminUtilisateurModification = "admin.utilisateur.modification", "Modification d'un compte";
        /// Password reset by an administrator.
        AdminUtilisateurReinitialisationMdp = "admin.utilisateur.reinitialisation_mdp", "Réinitialisation d'un mot de passe";
        /// Custom evaluation grid (a version) added.
        AdminGrilleAjout = "admin.grille.ajout", "Ajout d'une grille d'évaluation";
        /// Permission matrix changed.
        AdminPermissionsModification = "admin.permissions.modification", "Modification des habilitations";
        /// Default grants of a newer version added at start.
        HabilitationsDefauts = "habilitations.defauts", "Habilitations par défaut ajoutées";
        /// Roles required to use a second factor changed.
        AdminTotpObligatoireModification = "admin.totp_obligatoire.modification", "Double authentification obligatoire modifiée";
        /// Own password changed.
        CompteChangementMdp = "compte.changement_mdp", "Changement de mot de passe";
        /// Second factor enabled.
        CompteTotpActivation = "compte.totp.activation", "Double authentification activée";
        /// Second factor disabled.
        CompteTotpDesactivation = "compte.totp.desactivation", "Double authentification désactivée";
        /// An entry refused by the sealer (it did not follow the chain's head).
        AuditScellementRefus = "audit.scellement.refus", "Entrée refusée au scellement";
        /// The database found behind the chain's external anchor.
        AuditAncreEcart = "audit.ancre.ecart", "Écart avec l'ancre externe du journal";
        // Home-care planning and télégestion (h13b).
        /// A planned home-care intervention added to a file.
        UsagerInterventionAjout = "usager.intervention.ajout", "Intervention à domicile planifiée";
        /// A planned home-care intervention changed or ended.
        UsagerInterventionModification = "usager.intervention.modification", "Intervention à domicile modifiée";
        /// The home-care planning read (visits of a service or of a worker's day).
        PlanningLecture = "planning.lecture", "Consultation du planning à domicile";
        /// Arrival, departure, tasks or note of a visit recorded (télégestion).
        VisiteSaisie = "visite.saisie", "Saisie de télégestion";
        /// A visit given to another worker.
        VisiteReaffectation = "visite.reaffectation", "Visite réaffectée";
        /// The planned vs done report read or exported.
        PlanningBilan = "planning.bilan", "Bilan prévu / réalisé à domicile";
        // Issue 13, part A: agenda, events, exchanges.
        /// An event planned (its participants, its recurrence).
        AgendaEvenementAjout = "agenda.evenement.ajout", "Événement planifié";
        /// An event changed (slot, participants, place).
        AgendaEvenementModification = "agenda.evenement.modification", "Événement modifié";
        /// An event's status changed (confirmed, realised, cancelled, postponed).
        AgendaEvenementStatut = "agenda.evenement.statut", "Statut d'un événement changé";
        /// A participant's presence marked.
        AgendaPresence = "agenda.presence", "Présence à un événement notée";
        /// One occurrence of a recurring event moved or cancelled.
        AgendaException = "agenda.exception", "Occurrence d'un événement déplacée ou annulée";
        /// A room or a vehicle added or changed.
        AgendaRessource = "agenda.ressource", "Salle ou véhicule enregistré";
        /// An agenda's calendar subscription address created or revoked.
        AgendaAbonnement = "agenda.abonnement", "Abonnement au calendrier modifié";
        /// An exchange with the person, the family or a partner recorded.
        UsagerEchangeAjout = "usager.echange.ajout", "Échange enregistré";
        /// The activities of an établissement, an activity or a session read (the files named).
        ActiviteLecture = "activite.lecture", "Consultation des activités";
        /// An activity created.
        ActiviteCreation = "activite.creation", "Activité créée";
        /// An activity changed (or closed).
        ActiviteModification = "activite.modification", "Activité modifiée";
        /// Sessions of an activity created (one, or a series).
        ActiviteSeances = "activite.seances", "Séances d'activité créées";
        /// A session's status changed (held, cancelled with its motive, planned again).
        SeanceStatut = "activite.seance.statut", "Statut d'une séance changé";
        /// A person registered to an activity.
        ActiviteInscription = "activite.inscription", "Inscription à une activité";
        /// A registration ended or its dates changed.
        ActiviteInscriptionModification = "activite.inscription.modification", "Inscription à une activité modifiée";
        /// The attendance of a session saved (one entry naming the files changed).
        SeancePresences = "activite.seance.presences", "Présences d'une séance saisies";
    }
}

impl ActionJournal {
    /// The entry of an access to a file refused by the policy, by the action refused.
    pub fn refus(action: Action) -> Self {
        match action {
            Action::Lire => ActionJournal::UsagerLireRefuse,
            Action::Ecrire => ActionJournal::UsagerEcrireRefuse,
            Action::Valider => ActionJournal::UsagerValiderRefuse,
        }
    }

    /// The label of a stored code; a code this version does not know (written by a later
    /// one) is shown as such rather than hidden.
    pub fn libelle(code: &str) -> std::borrow::Cow<'static, str> {
        match ActionJournal::from_code(code) {
            Some(a) => a.label_fr().into(),
            None => format!("Action « {code} »").into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_labels_french() {
        let mut codes: Vec<&str> = ActionJournal::ALL.iter().map(|a| a.code()).collect();
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "duplicate code");
        assert_eq!(
            ActionJournal::libelle("usager.photo.modification"),
            "Photo modifiée"
        );
        assert_eq!(
            ActionJournal::libelle("futur.code"),
            "Action « futur.code »"
        );
        assert_eq!(
            ActionJournal::refus(Action::Valider).code(),
            "usager.valider"
        );
    }
}
