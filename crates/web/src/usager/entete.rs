//! The person file's header and tabs, and its opening: every file page starts with
//! `Dossier::ouvrir`, which authorizes and audits the opening, or answers with the
//! out-of-scope / break-the-glass page.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_domain::policy::{Action, Section};
use dui_domain::usager::StatutIdentite;
use dui_store::policy::{open_file_avec, Capability, OpenFile};
use dui_store::usager::{Sejour, Usager};

use super::{capability, is_out_of_scope, matrix};
use crate::auth::CurrentUser;
use crate::time::fr_date;
use crate::{App, AppError, Layout, WebResult};

/// A tab of the person file. Its label and address are exhaustive matches: a new tab
/// without its French label does not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Onglet {
    /// Identity, stays (the file page itself).
    Administratif,
    /// Relatives and professionals.
    Entourage,
    /// The team around the person (referent, members, partners), dated.
    Equipe,
    /// Admission, stays, transfers and discharge.
    Sejours,
    /// Social benefits and freedom-of-movement measures (administrative section).
    Droits,
    /// The personalised project (PPA, PPE), with the *Accompagnement* section.
    Projet,
    /// A section of the policy other than the administrative one.
    Section(Section),
    /// Evaluations with grids (AGGIR…), part of the accompaniment section.
    Evaluations,
    /// The printable synthesis sheet.
    Synthese,
    /// Who opened or changed the file.
    Tracabilite,
    /// The participation history (activity sessions and agenda events), support section.
    Activites,
    /// The person's events and the exchanges with them, their family and partners.
    Agenda,
}

impl Onglet {
    /// French label of the tab.
    pub fn label_fr(&self) -> &'static str {
        match self {
            Onglet::Administratif => "Administratif",
            Onglet::Entourage => "Entourage",
            Onglet::Equipe => "Équipe",
            Onglet::Sejours => "Séjours",
            Onglet::Droits => "Droits et mesures",
            Onglet::Projet => "Projet",
            Onglet::Section(s) => s.label_fr(),
            Onglet::Evaluations => "Évaluations",
            Onglet::Synthese => "Fiche de synthèse",
            Onglet::Tracabilite => "Traçabilité",
            Onglet::Activites => "Activités",
            Onglet::Agenda => "Agenda",
        }
    }

    /// Address of the tab in the file of usager `id`.
    pub fn href(&self, id: &UsagerId) -> String {
        match self {
            Onglet::Administratif => format!("/usagers/{id}"),
            Onglet::Entourage => format!("/usagers/{id}/entourage"),
            Onglet::Equipe => format!("/usagers/{id}/equipe"),
            Onglet::Sejours => format!("/usagers/{id}/sejours"),
            Onglet::Droits => format!("/usagers/{id}/droits"),
            Onglet::Projet => format!("/usagers/{id}/projet"),
            Onglet::Section(Section::Soins) => format!("/usagers/{id}/soins"),
            Onglet::Section(Section::Psychologie) => format!("/usagers/{id}/psychologie"),
            Onglet::Section(Section::Liaison) => format!("/usagers/{id}/liaison"),
            Onglet::Section(s) => format!("/usagers/{id}/section/{}", s.code()),
            Onglet::Evaluations => format!("/usagers/{id}/evaluations"),
            Onglet::Synthese => format!("/usagers/{id}/synthese"),
            Onglet::Tracabilite => format!("/usagers/{id}/tracabilite"),
            Onglet::Activites => format!("/usagers/{id}/activites"),
            Onglet::Agenda => format!("/usagers/{id}/agenda"),
        }
    }

    /// The tabs the person may see, in display order: `sections` are the readable
    /// sections of the opened file, `tracabilite` whether its audit may be read.
    fn visibles(sections: &[Section], tracabilite: bool) -> Vec<Onglet> {
        let mut v = vec![
            Onglet::Administratif,
            Onglet::Sejours,
            Onglet::Droits,
            Onglet::Entourage,
            Onglet::Equipe,
        ];
        if sections.contains(&Section::Accompagnement) {
            v.push(Onglet::Projet);
        }
        v.extend(
            sections
                .iter()
                .filter(|s| **s != Section::Administratif)
                .map(|s| Onglet::Section(*s)),
        );
        if sections.contains(&Section::Accompagnement) {
            v.push(Onglet::Evaluations);
            v.push(Onglet::Activites);
            v.push(Onglet::Agenda);
        }
        v.push(Onglet::Synthese);
        if tracabilite {
            v.push(Onglet::Tracabilite);
        }
        v
    }
}

/// Tabs of the file and what the header needs.
#[derive(Clone, Debug)]
pub struct Tabs {
    /// Usager id.
    pub id: UsagerId,
    /// Active tab.
    pub active: Onglet,
    /// The tabs the person may see, in display order.
    pub visibles: Vec<Onglet>,
    /// Opened through break-the-glass.
    pub exceptionnel: bool,
    /// Fingerprint of the photo, if there is one (part of its address, so that a new photo
    /// is never taken for the old one).
    pub photo: Option<String>,
    /// The person of the circle to call, with their phone.
    pub a_appeler: Option<AAppeler>,
    /// The alerts of the medical summary (allergies, risks…), for those who may read the
    /// care section (empty otherwise): `templates/usager/_alertes.html` shows them.
    pub alertes: Vec<AlerteSoins>,
}

/// The person to call, as the header shows them: « DUPONT Paul (fils) » and a `tel:` link.
#[derive(Clone, Debug)]
pub struct AAppeler {
    /// « DUPONT Paul ».
    pub nom: String,
    /// The relation's label.
    pub lien: &'static str,
    /// The number as typed.
    pub telephone: String,
    /// Its `tel:` address.
    pub href: String,
}

impl AAppeler {
    fn de(e: &dui_store::usager::Entourage) -> Option<AAppeler> {
        let telephone = e.telephone.clone()?;
        Some(AAppeler {
            nom: dui_domain::usager::nommage::nom_prenom(&e.nom, &e.prenom),
            lien: e.relation.label_fr(),
            href: dui_domain::usager::entourage::tel_uri(&telephone),
            telephone,
        })
    }
}

/// An alert of the header: an active entry of the medical summary shown in it, or a vital
/// sign whose latest measure crossed a threshold.
#[derive(Clone, Debug)]
pub struct AlerteSoins {
    /// The heading's French label (« Allergies », « Constante »).
    pub rubrique: &'static str,
    /// The entry's label, or the measure: « Température 38,6 °C, au-dessus du seuil haut
    /// (05/12/2026 à 14:00) ».
    pub libelle: String,
    /// A vital sign (false: an entry of the medical summary).
    pub constante: bool,
}

/// How long a vital sign out of its thresholds stays an alert of the header (as on the
/// unit's worksheet) when no later measure came back within them.
const ALERTES_CONSTANTES_HEURES: i64 = 48;

impl AlerteSoins {
    /// The alerts of the header, read with the care capability of the opening: the medical
    /// summary's, then the vital signs'.
    async fn du_dossier(app: &App, soins: &Capability) -> WebResult<Vec<AlerteSoins>> {
        let depuis = Utc::now() - chrono::Duration::hours(ALERTES_CONSTANTES_HEURES);
        let synthese = app.store.alertes_soins(soins).await?;
        let constantes = app.store.alertes_constantes_en_cours(soins, depuis).await?;
        let mut v: Vec<AlerteSoins> = synthese
            .into_iter()
            .map(|e| AlerteSoins {
                rubrique: e.rubrique.label_fr(),
                libelle: e.libelle,
                constante: false,
            })
            .collect();
        v.extend(constantes.iter().map(|c| AlerteSoins {
            rubrique: "Constante",
            libelle: format!(
                "{} {}, {} ({})",
                c.type_mesure.label_fr(),
                c.affichage(),
                c.alerte.map(|a| a.label_fr()).unwrap_or_default(),
                crate::time::fr_datetime(&c.mesure_a)
            ),
            constante: true,
        }));
        Ok(v)
    }
}

impl Tabs {
    /// Whether the account reads the care section of this file (its tab is shown).
    pub fn soins_lisibles(&self) -> bool {
        self.visibles.contains(&Onglet::Section(Section::Soins))
    }

    /// `aria-current` value of a tab.
    pub fn current(&self, tab: &Onglet) -> &'static str {
        if self.active == *tab {
            "page"
        } else {
            "false"
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/hors_perimetre.html")]
pub(crate) struct OutOfScopePage {
    layout: Layout,
    id: UsagerId,
    peut_bris: bool,
    /// The break-the-glass form refused (its reason), if it was.
    erreurs: crate::ErreursFormulaire,
    s: crate::Saisie,
}

/// The page of file `id` out of `me`'s scope, offering break-the-glass to a professional,
/// its form refused in place (or not).
pub(crate) fn hors_perimetre(
    me: &CurrentUser,
    id: UsagerId,
    en_place: crate::EnPlace,
) -> OutOfScopePage {
    OutOfScopePage {
        layout: Layout::new(me, "Dossier hors de votre périmètre", "usagers"),
        id,
        peut_bris: me.user.role.est_professionnel(),
        erreurs: en_place.erreurs,
        s: en_place.saisie,
    }
}

/// The opened file: what every file page receives.
pub(crate) struct Dossier {
    /// Capability on the administrative section (its read is audited).
    pub cap: Capability,
    /// Tabs and header data.
    pub tabs: Tabs,
    /// The usager.
    pub u: Usager,
    /// Their stays.
    pub sejours: Vec<Sejour>,
    /// The read of the care section (authorized and audited with the opening when the
    /// account may read it: the header shows its alerts).
    pub soins: Option<Capability>,
}

/// The response given instead of the file: the out-of-scope page (offering
/// break-the-glass), the redirection to the file a merged one went into, or an error.
pub(crate) struct NonOuvert(Response);

impl IntoResponse for NonOuvert {
    fn into_response(self) -> Response {
        self.0
    }
}

impl From<AppError> for NonOuvert {
    fn from(e: AppError) -> Self {
        NonOuvert(e.into_response())
    }
}

impl From<dui_store::StoreError> for NonOuvert {
    fn from(e: dui_store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

/// What a file-page handler returns.
pub(crate) type PageDossier = Result<Response, NonOuvert>;

impl Dossier {
    /// Opens the file of usager `id` on tab `active` (one audited read of the administrative
    /// section); when out of scope, the page offering break-the-glass instead.
    pub(crate) async fn ouvrir(
        app: &App,
        me: &CurrentUser,
        id: UsagerId,
        active: Onglet,
    ) -> Result<Dossier, NonOuvert> {
        let m = matrix(app).await?;
        let ouvert = open_file_avec(
            &app.store,
            &m,
            &me.principal,
            id,
            Utc::now(),
            &[Section::Soins],
        )
        .await;
        match ouvert {
            Ok(f) => {
                let soins = f.lecture(Section::Soins).cloned();
                let OpenFile {
                    cap,
                    sections,
                    usager: u,
                    sejours,
                    photo,
                    ..
                } = f;
                let a_appeler = app.store.entourage_a_appeler(&cap).await?;
                let alertes = match &soins {
                    Some(c) => AlerteSoins::du_dossier(app, c).await?,
                    None => Vec::new(),
                };
                let tabs = Tabs {
                    id,
                    active,
                    visibles: Onglet::visibles(&sections, cap.tracabilite()),
                    exceptionnel: cap.motif() == dui_domain::policy::Motif::AccesExceptionnel,
                    photo,
                    a_appeler: a_appeler.as_ref().and_then(AAppeler::de),
                    alertes,
                };
                Ok(Dossier {
                    cap,
                    tabs,
                    u,
                    sejours,
                    soins,
                })
            }
            Err(e) if is_out_of_scope(&e) => {
                if let Some(kept) = app.store.fusionne_dans(id).await? {
                    return Err(NonOuvert(
                        axum::response::Redirect::to(&format!("/usagers/{kept}")).into_response(),
                    ));
                }
                let page = hors_perimetre(me, id, crate::EnPlace::default());
                Err(NonOuvert((StatusCode::FORBIDDEN, page).into_response()))
            }
            Err(e) => Err(AppError::from(e).into()),
        }
    }

    /// The read of the care section: the one taken with the opening, or the refusal
    /// (audited) when the account may not read it.
    pub(crate) async fn soins(&self, app: &App, me: &CurrentUser) -> WebResult<Capability> {
        match &self.soins {
            Some(c) => Ok(c.clone()),
            None => capability(app, me, self.tabs.id, Section::Soins, Action::Lire).await,
        }
    }
}

/// Header helpers of the file templates (`u.nom_affiche()`…).
pub trait Header {
    /// French status label.
    fn statut_label(&self) -> &'static str;
    /// CSS class of the status badge.
    fn statut_classe(&self) -> &'static str;
    /// Attribute labels.
    fn attributs_labels(&self) -> Vec<&'static str>;
    /// Birth date in French with the age.
    fn naissance(&self) -> String;
    /// Sex label.
    fn sexe_label(&self) -> &'static str;
    /// Displayed name: « MARTIN-BÉRARD Jeanne » (`dui_domain::usager::nommage`).
    fn nom_affiche(&self) -> String;
    /// « nom d'usage, née DUPONT » when the called name is not the birth one.
    fn nom_precision(&self) -> Option<String>;
    /// « Né », « Née » or « Né(e) ».
    fn ne_majuscule(&self) -> &'static str;
    /// The birth name in capitals, as typed (accents kept).
    fn nom_naissance_affiche(&self) -> String;
    /// The INS form of the birth name, when the name as typed differs from it.
    fn nom_naissance_ins(&self) -> Option<&str>;
    /// The birth first names, capitalised.
    fn prenoms_affiches(&self) -> String;
    /// The name in use, in capitals.
    fn nom_utilise_affiche(&self) -> Option<String>;
    /// The first name in use, capitalised.
    fn prenom_utilise_affiche(&self) -> Option<String>;
    /// The matricule grouped for reading.
    fn ins_affiche(&self) -> String;
    /// What the matricule is: « Matricule INS » once INSi returned it, « NIR saisi, non
    /// vérifié » for a number typed by hand.
    fn ins_libelle(&self) -> &'static str;
    /// The birthplace by name (« Reims (51) », « Espagne »), never the bare code.
    fn lieu_affiche(&self) -> Option<String>;
}

impl Header for Usager {
    fn statut_label(&self) -> &'static str {
        self.statut_identite.label_fr()
    }
    fn statut_classe(&self) -> &'static str {
        match self.statut_identite {
            StatutIdentite::Qualifiee => "badge-qualifiee",
            StatutIdentite::Validee => "badge-validee",
            StatutIdentite::Recuperee => "badge-recuperee",
            StatutIdentite::Provisoire => "badge-provisoire",
        }
    }
    fn attributs_labels(&self) -> Vec<&'static str> {
        self.attributs_identite
            .liste()
            .iter()
            .map(|a| a.label_fr())
            .collect()
    }
    fn naissance(&self) -> String {
        let today = crate::time::paris_today(Utc::now());
        let date = fr_date(&self.date_naissance.to_string());
        match self.date_naissance.age_at(today) {
            Some(a) => format!("{date} ({a} ans)"),
            None => date,
        }
    }
    fn sexe_label(&self) -> &'static str {
        self.sexe.label_fr()
    }
    fn nom_affiche(&self) -> String {
        crate::noms::noms_usager(self).affiche()
    }
    fn nom_precision(&self) -> Option<String> {
        crate::noms::noms_usager(self).precision()
    }
    fn ne_majuscule(&self) -> &'static str {
        dui_domain::usager::nommage::ne_majuscule(self.sexe)
    }
    fn nom_naissance_affiche(&self) -> String {
        dui_domain::usager::nommage::nom_majuscules(
            dui_domain::usager::nommage::nom_naissance_affichable(
                &self.nom_naissance,
                self.nom_naissance_saisi.as_deref(),
            ),
        )
    }
    fn nom_naissance_ins(&self) -> Option<&str> {
        let affiche = self.nom_naissance_affiche();
        (affiche != self.nom_naissance).then_some(self.nom_naissance.as_str())
    }
    fn nom_utilise_affiche(&self) -> Option<String> {
        self.nom_utilise
            .as_deref()
            .map(dui_domain::usager::nommage::nom_majuscules)
    }
    fn prenom_utilise_affiche(&self) -> Option<String> {
        self.prenom_utilise
            .as_deref()
            .map(dui_domain::usager::nommage::prenom_capitalise)
    }
    fn prenoms_affiches(&self) -> String {
        self.prenoms_naissance
            .iter()
            .map(|p| dui_domain::usager::nommage::prenom_capitalise(p))
            .collect::<Vec<_>>()
            .join(" ")
    }
    fn ins_affiche(&self) -> String {
        self.matricule_ins
            .as_deref()
            .and_then(|m| dui_domain::identifiers::Nir::parse(m).ok())
            .map(|n| n.formatted())
            .unwrap_or_default()
    }
    fn lieu_affiche(&self) -> Option<String> {
        self.lieu_naissance
            .as_deref()
            .map(dui_domain::lieux::libelle)
    }
    fn ins_libelle(&self) -> &'static str {
        if self.oid_ins.is_some() {
            "Matricule INS"
        } else {
            "NIR saisi, non vérifié"
        }
    }
}

/// « NOM Prénom (rôle) » of the file's referent, when it has one.
pub(super) async fn referent(
    app: &App,
    id: Option<dui_domain::ids::UtilisateurId>,
) -> WebResult<Option<String>> {
    Ok(match id {
        Some(r) => app
            .store
            .comptes_nommes(&[r.get()])
            .await?
            .remove(&r.get())
            .map(|c| c.libelle()),
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_visible_tabs_follow_the_readable_sections_and_the_audit_right() {
        let v = Onglet::visibles(&[Section::Administratif, Section::Soins], false);
        let labels: Vec<_> = v.iter().map(|o| o.label_fr()).collect();
        assert_eq!(
            labels,
            [
                "Administratif",
                "Séjours",
                "Droits et mesures",
                "Entourage",
                "Équipe",
                "Soins",
                "Fiche de synthèse"
            ]
        );
        let v = Onglet::visibles(&[Section::Administratif], true);
        let hrefs: Vec<_> = v.iter().map(|o| o.href(&UsagerId(7))).collect();
        assert_eq!(
            hrefs,
            [
                "/usagers/7",
                "/usagers/7/sejours",
                "/usagers/7/droits",
                "/usagers/7/entourage",
                "/usagers/7/equipe",
                "/usagers/7/synthese",
                "/usagers/7/tracabilite"
            ]
        );
        assert_eq!(
            Onglet::Section(Section::Psychologie).href(&UsagerId(7)),
            "/usagers/7/psychologie"
        );
        assert_eq!(
            Onglet::Section(Section::Soins).href(&UsagerId(7)),
            "/usagers/7/soins"
        );
    }
}
