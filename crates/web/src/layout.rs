//! What every page's layout shows: title, navigation, the account bar, the CSRF token.

/// The account bar of the layout.
#[derive(Clone, Debug)]
pub struct UserBar {
    /// "Prénom Nom".
    pub nom: String,
    /// Role label.
    pub role: &'static str,
    /// Administrator: shows the administration menu.
    pub admin: bool,
    /// Direction or administrator: shows the break-the-glass report.
    pub direction: bool,
    /// The label of the people menu entry, `None` for a role that opens no file (the
    /// administrator): no role is shown a link it cannot follow.
    pub usagers: Option<&'static str>,
    /// Shows the relève (the professionals who read files).
    pub releve: bool,
    /// Shows the agenda and the messages (every professional but the administrator).
    pub agenda: bool,
    /// Shows the presences (the professionals of établissements).
    pub presences: bool,
    /// Shows the care worksheet and round (the care team of établissements, by the default
    /// matrix: the pages themselves ask the matrix in force).
    pub soins: bool,
    /// Shows the activities (professionals of établissements who read the support section).
    pub activites: bool,
    /// The home-care planning entry (address, label): the coordinator's planning or the
    /// worker's day (h13b); `None` for other roles.
    pub planning: Option<(&'static str, &'static str)>,
}

/// Common data of a page.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Page title (also the `<h1>` unless the page has its own).
    pub title: String,
    /// Active navigation entry.
    pub nav: &'static str,
    /// Anti-CSRF token for forms and htmx.
    pub csrf: String,
    /// The account, when logged in.
    pub user: Option<UserBar>,
    /// The success to confirm, after the redirect of a form (`?fait=code`).
    pub fait: Option<Fait>,
    /// Seconds of inactivity after which the session ends (the page warns before).
    pub inactivite: u64,
}

impl Layout {
    /// Layout for a page without login.
    pub fn anonymous(title: impl Into<String>, csrf: String) -> Self {
        Self {
            title: title.into(),
            nav: "",
            csrf,
            user: None,
            fait: None,
            inactivite: 0,
        }
    }

    /// `aria-current` for a navigation entry.
    pub fn current(&self, nav: &str) -> &'static str {
        if self.nav == nav {
            "page"
        } else {
            "false"
        }
    }
}

/// A success confirmed after the redirect of a form: the handler redirects with
/// `?fait=<code>` ([`Fait::adresse`]) and the layout of the page reached shows the message
/// (`base.html`, a `role="status"` region). Only the codes of this table are shown: the
/// address carries a code, never a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fait {
    /// A file was created (provisional identity).
    DossierCree,
    /// The identity form was saved.
    IdentiteEnregistree,
    /// A document check was recorded.
    JustificatifEnregistre,
    /// INSi returned the INS, stored.
    InsRecuperee,
    /// An identity attribute was set or lifted.
    AttributEnregistre,
    /// Two files were merged.
    FusionFaite,
    /// Two files were confirmed as two people.
    NonDoublon,
    /// A photo was saved.
    PhotoEnregistree,
    /// The photo was removed.
    PhotoRetiree,
    /// A merge was undone (issue 16, field staff).
    FusionAnnulee,
    /// An account was assigned to the person.
    AffectationFaite,
    /// An assignment was ended.
    AffectationFinie,
    /// A person of the circle was saved.
    EntourageEnregistre,
    /// An act was added to the care plan.
    ActePlanAjoute,
    /// A prescription was recorded.
    PrescriptionEnregistree,
    /// A benefit was recorded.
    PrestationEnregistree,
    /// A person was admitted (a stay begun).
    AdmissionEnregistree,
    /// A freedom-of-movement measure was recorded.
    MesureEnregistree,
    /// An activity was created.
    ActiviteCreee,
    /// An activity's title, capacity or place was changed.
    ActiviteModifiee,
    /// An activity was closed.
    ActiviteClose,
    /// A closed activity was reopened.
    ActiviteRouverte,
    /// Sessions of an activity were created.
    SeancesCreees,
    /// A registration was recorded (or its dates changed).
    InscriptionEnregistree,
    /// A session's attendance was saved.
    PresencesSeance,
    /// A session's status was changed.
    StatutSeance,
    /// An event of the agenda was planned or changed (its status, time, place, title).
    EvenementEnregistre,
    /// A participant's presence was recorded.
    PresenceEnregistree,
    /// One occurrence of a series was moved or cancelled.
    OccurrenceEnregistree,
    /// An exchange was recorded in the file.
    EchangeEnregistre,
    /// A review of a freedom-of-movement measure was recorded.
    RevisionEnregistree,
    /// A person was transferred (a new stay begun).
    TransfertEnregistre,
    /// A stay was ended.
    SortieEnregistree,
    /// An act was withdrawn from the care plan.
    ActePlanRetire,
    /// A prescription was stopped.
    PrescriptionArretee,
    /// A follow-up task was given.
    SuiviConfie,
    /// A follow-up task was done.
    SuiviFait,
    /// A « si besoin » dose was given.
    PriseSiBesoinEnregistree,
    /// A vital sign was recorded.
    ConstanteEnregistree,
    /// The alert thresholds of a measure were saved.
    SeuilsEnregistres,
    /// A member joined the team around the person.
    EquipeMembreAjoute,
    /// A membership of the team ended.
    EquipeMembreSorti,
    /// The referent changed.
    ReferentChange,
    /// A member's function changed.
    FonctionChangee,
    /// A message was sent to professionals.
    MessageEnvoye,
    /// An observation was written (or corrected).
    ObservationEnregistree,
    /// A psychology note was written (or corrected).
    NotePsychologieEnregistree,
    /// An entry of the medical summary was added (or corrected).
    EntreeSoinsEnregistree,
    /// An entry of the medical summary was ended.
    EntreeSoinsClose,
    /// The emergency service's return sheet was recorded.
    RetourUrgencesEnregistre,
    /// An entry of the liaison book was written (or corrected).
    EntreeLiaisonEnregistree,
    /// An absence of a stay was recorded.
    AbsenceEnregistree,
    /// Acts of the care worksheet were validated.
    ActesEnregistres,
    /// Doses of the medication round were recorded.
    PrisesEnregistrees,
    /// The presences of a day were saved.
    PresencesEnregistrees,
    /// An application moved in the flow.
    StatutCandidature,
    /// The interview of an application was planned.
    EntretienPlanifie,
    /// A personalised project was begun.
    ProjetCree,
    /// The draft of a project was changed.
    ProjetModifie,
    /// A version of a project was validated.
    ProjetValide,
    /// A signature of a project's version was recorded.
    SignatureEnregistree,
    /// An evaluation was recorded as a draft.
    EvaluationEnregistree,
    /// An evaluation was validated.
    EvaluationValidee,
    /// An application was recorded.
    CandidatureCreee,
    /// The file of an application was created or linked.
    DossierCandidature,
    /// A relative's right on the liaison book was saved.
    ProcheAutorise,
    /// A participation in the liaison book ended.
    ParticipationFinie,
    /// A calendar subscription address was created.
    AbonnementCree,
    /// The calendar subscription address was revoked.
    AbonnementRevoque,
    /// A professional was linked to the person.
    ProfessionnelLie,
    /// A person was added to the circle.
    EntourageAjoute,
    /// A transmission was written.
    TransmissionEnregistree,
    /// An exceptional access (break-the-glass) was opened.
    AccesExceptionnelOuvert,
    /// A home-care intervention was planned.
    InterventionPlanifiee,
    /// A visit of the planning was given to another worker.
    VisiteReaffectee,
    /// A person was removed from the circle.
    EntourageRetire,
    /// Transmissions of the relève were marked read: how many.
    TransmissionsLues(u32),
    /// An account was created or changed (administration).
    CompteEnregistre,
    /// A unit was added to an établissement (administration).
    UniteCreee,
    /// The record of an établissement was changed (administration).
    EtablissementEnregistre,
    /// An organisme gestionnaire was created (administration).
    OrganismeCree,
    /// An établissement was created (administration).
    EtablissementCree,
}

impl Fait {
    /// Every confirmation.
    pub const ALL: [Fait; 82] = [
        Fait::DossierCree,
        Fait::IdentiteEnregistree,
        Fait::JustificatifEnregistre,
        Fait::InsRecuperee,
        Fait::AttributEnregistre,
        Fait::FusionFaite,
        Fait::NonDoublon,
        Fait::PhotoEnregistree,
        Fait::PhotoRetiree,
        Fait::FusionAnnulee,
        Fait::AffectationFaite,
        Fait::AffectationFinie,
        Fait::EntourageEnregistre,
        Fait::ActePlanAjoute,
        Fait::PrescriptionEnregistree,
        Fait::PrestationEnregistree,
        Fait::AdmissionEnregistree,
        Fait::MesureEnregistree,
        Fait::ActiviteCreee,
        Fait::ActiviteModifiee,
        Fait::ActiviteClose,
        Fait::ActiviteRouverte,
        Fait::SeancesCreees,
        Fait::InscriptionEnregistree,
        Fait::PresencesSeance,
        Fait::StatutSeance,
        Fait::EvenementEnregistre,
        Fait::PresenceEnregistree,
        Fait::OccurrenceEnregistree,
        Fait::EchangeEnregistre,
        Fait::RevisionEnregistree,
        Fait::TransfertEnregistre,
        Fait::SortieEnregistree,
        Fait::ActePlanRetire,
        Fait::PrescriptionArretee,
        Fait::SuiviConfie,
        Fait::SuiviFait,
        Fait::PriseSiBesoinEnregistree,
        Fait::ConstanteEnregistree,
        Fait::SeuilsEnregistres,
        Fait::EquipeMembreAjoute,
        Fait::EquipeMembreSorti,
        Fait::ReferentChange,
        Fait::MessageEnvoye,
        Fait::FonctionChangee,
        Fait::ObservationEnregistree,
        Fait::NotePsychologieEnregistree,
        Fait::EntreeSoinsEnregistree,
        Fait::EntreeSoinsClose,
        Fait::RetourUrgencesEnregistre,
        Fait::EntreeLiaisonEnregistree,
        Fait::AbsenceEnregistree,
        Fait::ActesEnregistres,
        Fait::PrisesEnregistrees,
        Fait::PresencesEnregistrees,
        Fait::StatutCandidature,
        Fait::EntretienPlanifie,
        Fait::ProjetCree,
        Fait::ProjetModifie,
        Fait::ProjetValide,
        Fait::SignatureEnregistree,
        Fait::EvaluationEnregistree,
        Fait::EvaluationValidee,
        Fait::CandidatureCreee,
        Fait::DossierCandidature,
        Fait::ProcheAutorise,
        Fait::ParticipationFinie,
        Fait::AbonnementCree,
        Fait::AbonnementRevoque,
        Fait::ProfessionnelLie,
        Fait::EntourageAjoute,
        Fait::TransmissionEnregistree,
        Fait::AccesExceptionnelOuvert,
        Fait::InterventionPlanifiee,
        Fait::VisiteReaffectee,
        Fait::EntourageRetire,
        Fait::TransmissionsLues(0),
        Fait::CompteEnregistre,
        Fait::UniteCreee,
        Fait::EtablissementEnregistre,
        Fait::OrganismeCree,
        Fait::EtablissementCree,
    ];

    /// The code carried by the address.
    pub fn code(self) -> &'static str {
        match self {
            Fait::DossierCree => "dossier_cree",
            Fait::IdentiteEnregistree => "identite",
            Fait::JustificatifEnregistre => "justificatif",
            Fait::InsRecuperee => "insi",
            Fait::AttributEnregistre => "attribut",
            Fait::FusionFaite => "fusion",
            Fait::NonDoublon => "non_doublon",
            Fait::PhotoEnregistree => "photo",
            Fait::PhotoRetiree => "photo_retiree",
            Fait::FusionAnnulee => "fusion_annulee",
            Fait::AffectationFaite => "affectation",
            Fait::AffectationFinie => "affectation_finie",
            Fait::EntourageEnregistre => "entourage",
            Fait::ActePlanAjoute => "acte_plan",
            Fait::PrescriptionEnregistree => "prescription",
            Fait::PrestationEnregistree => "prestation",
            Fait::AdmissionEnregistree => "admission",
            Fait::MesureEnregistree => "mesure",
            Fait::ActiviteCreee => "activite",
            Fait::ActiviteModifiee => "activite_modifiee",
            Fait::ActiviteClose => "activite_close",
            Fait::ActiviteRouverte => "activite_rouverte",
            Fait::SeancesCreees => "seances",
            Fait::InscriptionEnregistree => "inscription",
            Fait::PresencesSeance => "presences_seance",
            Fait::StatutSeance => "statut_seance",
            Fait::EvenementEnregistre => "evenement",
            Fait::PresenceEnregistree => "presence",
            Fait::OccurrenceEnregistree => "occurrence",
            Fait::EchangeEnregistre => "echange",
            Fait::RevisionEnregistree => "revision",
            Fait::TransfertEnregistre => "transfert",
            Fait::SortieEnregistree => "sortie",
            Fait::ActePlanRetire => "acte_retire",
            Fait::PrescriptionArretee => "prescription_arretee",
            Fait::SuiviConfie => "suivi",
            Fait::SuiviFait => "suivi_fait",
            Fait::PriseSiBesoinEnregistree => "si_besoin",
            Fait::ConstanteEnregistree => "constante",
            Fait::SeuilsEnregistres => "seuils",
            Fait::EquipeMembreAjoute => "equipe_ajout",
            Fait::EquipeMembreSorti => "equipe_fin",
            Fait::ReferentChange => "referent",
            Fait::FonctionChangee => "equipe_fonction",
            Fait::MessageEnvoye => "message",
            Fait::ObservationEnregistree => "observation",
            Fait::NotePsychologieEnregistree => "note_psychologie",
            Fait::EntreeSoinsEnregistree => "entree_soins",
            Fait::EntreeSoinsClose => "entree_close",
            Fait::RetourUrgencesEnregistre => "retour_urgences",
            Fait::EntreeLiaisonEnregistree => "liaison",
            Fait::AbsenceEnregistree => "absence",
            Fait::ActesEnregistres => "actes",
            Fait::PrisesEnregistrees => "prises",
            Fait::PresencesEnregistrees => "presences",
            Fait::StatutCandidature => "statut_candidature",
            Fait::EntretienPlanifie => "entretien",
            Fait::ProjetCree => "projet_cree",
            Fait::ProjetModifie => "projet",
            Fait::ProjetValide => "projet_valide",
            Fait::SignatureEnregistree => "signature",
            Fait::EvaluationEnregistree => "evaluation",
            Fait::EvaluationValidee => "evaluation_validee",
            Fait::CandidatureCreee => "candidature",
            Fait::DossierCandidature => "dossier_candidature",
            Fait::ProcheAutorise => "proche",
            Fait::ParticipationFinie => "participation_finie",
            Fait::AbonnementCree => "abonnement",
            Fait::AbonnementRevoque => "abonnement_revoque",
            Fait::ProfessionnelLie => "professionnel",
            Fait::EntourageAjoute => "entourage_ajout",
            Fait::TransmissionEnregistree => "transmission",
            Fait::AccesExceptionnelOuvert => "acces_exceptionnel",
            Fait::InterventionPlanifiee => "intervention",
            Fait::VisiteReaffectee => "reaffectation",
            Fait::EntourageRetire => "entourage_retrait",
            Fait::TransmissionsLues(_) => "lues",
            Fait::CompteEnregistre => "compte",
            Fait::UniteCreee => "unite",
            Fait::EtablissementEnregistre => "etablissement",
            Fait::OrganismeCree => "organisme_cree",
            Fait::EtablissementCree => "etablissement_cree",
        }
    }

    /// The French message shown.
    pub fn message(self) -> std::borrow::Cow<'static, str> {
        match self {
            Fait::TransmissionsLues(0) => {
                "Aucune transmission n'a été marquée : elles étaient déjà lues.".into()
            }
            Fait::TransmissionsLues(1) => "1 transmission marquée comme lue.".into(),
            Fait::TransmissionsLues(n) => format!("{n} transmissions marquées comme lues.").into(),
            other => other.libelle().into(),
        }
    }

    /// The message of a confirmation that carries no number.
    fn libelle(self) -> &'static str {
        match self {
            Fait::DossierCree => "Le dossier a été créé avec une identité provisoire. Vérifiez un justificatif d'identité et interrogez le téléservice INSi pour la qualifier.",
            Fait::IdentiteEnregistree => "L'identité a été enregistrée.",
            Fait::JustificatifEnregistre => "La vérification du justificatif d'identité a été enregistrée.",
            Fait::InsRecuperee => "Le téléservice INSi a renvoyé l'INS de la personne : elle a été enregistrée dans le dossier.",
            Fait::AttributEnregistre => "L'attribut de l'identité a été enregistré.",
            Fait::FusionFaite => "Les deux dossiers ont été fusionnés. La fusion peut être annulée.",
            Fait::NonDoublon => "Il est enregistré que les deux dossiers concernent deux personnes différentes.",
            Fait::PhotoEnregistree => "La photo a été enregistrée.",
            Fait::PhotoRetiree => "La photo a été retirée du dossier.",
            Fait::FusionAnnulee => "La fusion a été annulée : le dossier fusionné a retrouvé ses séjours, son entourage et son accompagnement.",
            Fait::AffectationFaite => "Le compte a été affecté à la personne : il voit maintenant son dossier.",
            Fait::AffectationFinie => "L'affectation a pris fin : le compte ne voit plus ce dossier.",
            Fait::EntourageEnregistre => "La personne de l'entourage a été enregistrée ; la version remplacée reste dans son historique.",
            Fait::ActePlanAjoute => "L'acte a été ajouté au plan de soins : il apparaît sur la feuille de soins de l'unité.",
            Fait::PrescriptionEnregistree => "La prescription a été enregistrée.",
            Fait::PrestationEnregistree => "Le droit a été enregistré.",
            Fait::AdmissionEnregistree => "L'admission a été enregistrée : le séjour est en cours.",
            Fait::MesureEnregistree => "La mesure a été enregistrée ; elle se révise à la date prévue.",
            Fait::ActiviteCreee => "L'activité a été créée : ajoutez ses séances et inscrivez les participants.",
            Fait::ActiviteModifiee => "L'activité a été modifiée.",
            Fait::ActiviteClose => "L'activité est close : elle ne prend plus de nouvelle séance ni d'inscription.",
            Fait::ActiviteRouverte => "L'activité est rouverte.",
            Fait::SeancesCreees => "Les séances ont été créées.",
            Fait::InscriptionEnregistree => "L'inscription a été enregistrée.",
            Fait::PresencesSeance => "Les présences de la séance sont enregistrées.",
            Fait::StatutSeance => "Le statut de la séance a été enregistré.",
            Fait::EvenementEnregistre => "L'événement a été enregistré : les participants le voient dans leur agenda.",
            Fait::PresenceEnregistree => "La présence a été enregistrée.",
            Fait::OccurrenceEnregistree => "L'occurrence a été enregistrée ; les autres dates de la série sont inchangées.",
            Fait::EchangeEnregistre => "L'échange a été enregistré dans le dossier.",
            Fait::RevisionEnregistree => "La révision de la mesure a été enregistrée.",
            Fait::TransfertEnregistre => "Le transfert a été enregistré : le nouveau séjour est en cours.",
            Fait::SortieEnregistree => "La sortie a été enregistrée : le séjour est clos.",
            Fait::ActePlanRetire => "L'acte a été retiré du plan de soins ; il reste dans son historique.",
            Fait::PrescriptionArretee => "La prescription a été arrêtée ; elle reste dans l'historique.",
            Fait::SuiviConfie => "Le suivi a été confié : il apparaît sur la page d'accueil de la personne à qui il est confié.",
            Fait::SuiviFait => "Le suivi a été enregistré comme fait.",
            Fait::PriseSiBesoinEnregistree => "La prise du médicament « si besoin » a été enregistrée.",
            Fait::ConstanteEnregistree => "La mesure a été enregistrée.",
            Fait::SeuilsEnregistres => "Les seuils d'alerte ont été enregistrés.",
            Fait::EquipeMembreAjoute => "Le professionnel a rejoint l'équipe de la personne.",
            Fait::EquipeMembreSorti => "La participation à l'équipe a pris fin ; elle reste dans l'historique.",
            Fait::ReferentChange => "Le référent a été changé : le rôle du précédent a pris fin la veille et reste dans l'historique.",
            Fait::FonctionChangee => "La fonction a été changée : la précédente reste dans l'historique.",
            Fait::MessageEnvoye => "Le message a été envoyé : ses destinataires le voient sur leur page d'accueil.",
            Fait::ObservationEnregistree => "L'observation a été enregistrée dans le dossier.",
            Fait::NotePsychologieEnregistree => "La note de psychologie a été enregistrée.",
            Fait::EntreeSoinsEnregistree => "L'entrée a été enregistrée dans la synthèse médicale.",
            Fait::EntreeSoinsClose => "L'entrée a été close ; elle reste dans l'historique de la synthèse médicale.",
            Fait::RetourUrgencesEnregistre => "Le retour des urgences a été enregistré dans le dossier de liaison d'urgence.",
            Fait::EntreeLiaisonEnregistree => "L'entrée a été écrite dans le cahier de liaison.",
            Fait::AbsenceEnregistree => "L'absence a été enregistrée.",
            Fait::ActesEnregistres => "Les actes sont enregistrés.",
            Fait::PrisesEnregistrees => "Les prises sont enregistrées.",
            Fait::PresencesEnregistrees => "Les présences sont enregistrées.",
            Fait::StatutCandidature => "Le statut de la candidature a été changé ; le changement est dans son historique.",
            Fait::EntretienPlanifie => "L'entretien a été planifié : il apparaît dans l'agenda du professionnel.",
            Fait::ProjetCree => "Le projet a été créé : ajoutez ses objectifs, ses participants, ses attentes.",
            Fait::ProjetModifie => "Le brouillon du projet a été enregistré.",
            Fait::ProjetValide => "La version du projet a été validée ; elle ne se modifie plus.",
            Fait::SignatureEnregistree => "La signature a été enregistrée sur cette version du projet.",
            Fait::EvaluationEnregistree => "L'évaluation a été enregistrée comme brouillon ; elle se valide depuis la liste.",
            Fait::EvaluationValidee => "L'évaluation a été validée ; elle ne se modifie plus, elle se corrige.",
            Fait::CandidatureCreee => "La candidature a été enregistrée : elle apparaît dans la liste d'attente.",
            Fait::DossierCandidature => "Le dossier de la personne a été créé depuis sa candidature : préparez son admission.",
            Fait::ProcheAutorise => "Le droit du proche sur le cahier de liaison a été enregistré.",
            Fait::ParticipationFinie => "L'accès au cahier de liaison a pris fin ; il reste dans l'historique.",
            Fait::AbonnementCree => "L'adresse d'abonnement a été créée : copiez-la maintenant, elle ne sera plus affichée.",
            Fait::AbonnementRevoque => "L'adresse d'abonnement a été révoquée : les calendriers abonnés ne reçoivent plus rien.",
            Fait::ProfessionnelLie => "Le professionnel a été ajouté à l'entourage de la personne.",
            Fait::EntourageAjoute => "La personne a été ajoutée à l'entourage.",
            Fait::TransmissionEnregistree => "La transmission a été enregistrée.",
            Fait::AccesExceptionnelOuvert => "L'accès exceptionnel est ouvert pour la durée choisie : il est tracé et signalé au référent de la personne et à la direction.",
            Fait::InterventionPlanifiee => "L'intervention a été planifiée : ses visites apparaissent au planning du service.",
            Fait::VisiteReaffectee => "La visite a été réaffectée : elle apparaît dans la tournée de l'intervenant choisi.",
            Fait::EntourageRetire => "La personne a été retirée de l'entourage ; elle reste dans l'historique.",
            Fait::TransmissionsLues(_) => "Les transmissions ont été marquées comme lues.",
            Fait::CompteEnregistre => "Le compte a été enregistré.",
            Fait::UniteCreee => "L'unité a été ajoutée à l'établissement.",
            Fait::EtablissementEnregistre => "La fiche de l'établissement a été enregistrée.",
            Fait::OrganismeCree => "L'organisme gestionnaire a été créé : ajoutez ses établissements.",
            Fait::EtablissementCree => "L'établissement a été créé : ajoutez ses unités et les comptes de ses professionnels.",
        }
    }

    /// The confirmation named by a query string (`…&fait=identite&…`, `fait=lues&n=3`), if
    /// any.
    pub fn depuis_requete(query: Option<&str>) -> Option<Fait> {
        let query = query?;
        let code = query.split('&').find_map(|p| p.strip_prefix("fait="))?;
        let f = Fait::ALL.into_iter().find(|f| f.code() == code)?;
        Some(match f {
            Fait::TransmissionsLues(_) => Fait::TransmissionsLues(
                query
                    .split('&')
                    .find_map(|p| p.strip_prefix("n="))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0),
            ),
            other => other,
        })
    }

    /// `url` with this confirmation added to its query string.
    pub fn adresse(self, url: &str) -> String {
        // The query goes before an anchor (`/page#section`): after it, the browser would
        // keep it in the fragment and never send it.
        let (chemin, ancre) = url.split_at(url.find('#').unwrap_or(url.len()));
        let sep = if chemin.contains('?') { '&' } else { '?' };
        let nombre = match self {
            Fait::TransmissionsLues(n) => format!("&n={n}"),
            _ => String::new(),
        };
        format!("{chemin}{sep}fait={}{nombre}{ancre}", self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::Fait;

    #[test]
    fn a_confirmation_goes_before_the_anchor() {
        assert_eq!(
            Fait::PresenceEnregistree.adresse("/agenda/evenements/4#participants"),
            "/agenda/evenements/4?fait=presence#participants"
        );
        assert_eq!(
            Fait::PresenceEnregistree.adresse("/agenda?periode=avenir"),
            "/agenda?periode=avenir&fait=presence"
        );
    }

    #[test]
    fn a_confirmation_goes_through_the_address_and_back() {
        for f in Fait::ALL {
            let url = f.adresse("/usagers/3");
            let query = url.split_once('?').map(|(_, q)| q);
            assert_eq!(Fait::depuis_requete(query), Some(f));
            assert!(f.message().ends_with('.'));
        }
        assert_eq!(
            Fait::IdentiteEnregistree.adresse("/usagers/3?onglet=x"),
            "/usagers/3?onglet=x&fait=identite"
        );
        assert_eq!(Fait::depuis_requete(Some("fait=<script>")), None);
        let lues = Fait::TransmissionsLues(3).adresse("/releve?heures=8");
        assert_eq!(lues, "/releve?heures=8&fait=lues&n=3");
        let f = Fait::depuis_requete(lues.split_once('?').map(|(_, q)| q));
        assert_eq!(
            f.map(Fait::message).as_deref(),
            Some("3 transmissions marquées comme lues.")
        );
        let f = Fait::depuis_requete(Some("fait=lues&n=x"));
        assert_eq!(f, Some(Fait::TransmissionsLues(0)));
        assert_eq!(Fait::depuis_requete(None), None);
    }
}
