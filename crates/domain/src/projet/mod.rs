//! The personalised project (ACC-3): the PPA (*projet personnalisé d'accompagnement*) of an
//! adult and the PPE (*projet pour l'enfant*, CASF L223-1-1, D223-12 to D223-17) of a child in
//! child protection; see `reference/domain/ppe-dgcs.md`.
//!
//! A project is one structured document ([`Contenu`]) per version: the store keeps a draft
//! edited with optimistic concurrency and freezes each validated version. The rules that need
//! no I/O are here: what a content may hold ([`Contenu::erreurs`]), what a validation
//! requires ([`Contenu::erreurs_validation`]), the next review date ([`prochaine_revision`]),
//! its alert ([`alerte_revision`]), and the differences between two versions ([`diff`]).

mod diff;
pub mod echeances;
mod edition;

pub use diff::{diff, Difference};
pub use edition::Modification;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::saisie::{self as lim, Champ};
use crate::serafin;

code_enum! {
    /// The kind of project.
    TypeProjet {
        /// Adults (and children outside child protection).
        Ppa = "ppa", "Projet personnalisé d'accompagnement (PPA)";
        /// Child protection (CASF L223-1-1).
        Ppe = "ppe", "Projet pour l'enfant (PPE)";
    }
}

code_enum! {
    /// Where an objective stands.
    StatutObjectif {
        /// Not started.
        AEngager = "a_engager", "À engager";
        /// Being worked on.
        EnCours = "en_cours", "En cours";
        /// To be reviewed with the person at the next meeting.
        EnRevision = "en_revision", "À revoir";
        /// Reached.
        Atteint = "atteint", "Atteint";
        /// Partly reached.
        PartiellementAtteint = "partiellement_atteint", "Partiellement atteint";
        /// Not reached.
        NonAtteint = "non_atteint", "Non atteint";
        /// Given up (with the person).
        Abandonne = "abandonne", "Abandonné";
    }
}

code_enum! {
    /// Who took part in building the project (D223-13: the holders of parental authority, the
    /// child, third parties, the service).
    Qualite {
        /// The person (the child, for a PPE).
        Personne = "personne", "La personne accompagnée";
        /// A legal representative (tutor, curator…).
        RepresentantLegal = "representant_legal", "Représentant légal";
        /// A holder of parental authority.
        Parent = "parent", "Titulaire de l'autorité parentale";
        /// A relative or a third party.
        Proche = "proche", "Proche ou tiers";
        /// The ASE referent (département).
        ReferentAse = "referent_ase", "Référent ASE";
        /// A professional of the service.
        Professionnel = "professionnel", "Professionnel";
        /// The président du conseil départemental or their delegate (PPE).
        ConseilDepartemental = "conseil_departemental", "Conseil départemental";
    }
}

code_enum! {
    /// A signature offered to someone (D223-17: offered, not compulsory, may be refused).
    DecisionSignature {
        /// Signed.
        Signe = "signe", "A signé";
        /// Refused to sign.
        Refuse = "refuse", "A refusé de signer";
        /// Not offered (a child without discernment…).
        NonPropose = "non_propose", "Signature non proposée";
    }
}

code_enum! {
    /// The child's fundamental needs: the 2017 consensus model (*démarche de consensus sur
    /// les besoins fondamentaux de l'enfant en protection de l'enfance*), non-normative.
    BesoinFondamental {
        /// The meta-need of safety: physiological and health needs, protection, affective
        /// and relational security.
        Securite = "securite", "Méta-besoin de sécurité (besoins physiologiques et de santé, protection, sécurité affective et relationnelle)";
        /// Experiences and exploration of the world.
        Experiences = "experiences", "Besoin d'expériences et d'exploration du monde";
        /// A framework of rules and limits.
        Cadre = "cadre", "Besoin d'un cadre de règles et de limites";
        /// Self-esteem.
        Estime = "estime", "Besoin d'estime de soi et de valorisation de soi";
        /// Identity.
        Identite = "identite", "Besoin d'identité";
    }
}

code_enum! {
    /// The decision a PPE is built in coherence with.
    NatureDecision {
        /// Administrative (accueil provisoire, AED…).
        Administrative = "administrative", "Décision administrative";
        /// Judicial (placement, AEMO…).
        Judiciaire = "judiciaire", "Décision judiciaire";
    }
}

/// Most objectives of a project.
pub const MAX_OBJECTIFS: usize = 50;
/// Most actions of an objective, codes of an objective, participants, needs of a PPE.
pub const MAX_ELEMENTS: usize = 30;
/// Days before a review date from which it is announced on the home page.
pub const DELAI_ALERTE_JOURS: i64 = 30;

/// A SERAFIN-PH need or service linked to an objective: always with its code system.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CodeSerafin {
    /// The code system URI ([`serafin::SYSTEME`]).
    #[serde(default)]
    pub systeme: String,
    /// The code (`1.2.1.3`).
    #[serde(default)]
    pub code: String,
}

/// One action of the plan: what, who acts, when.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActionPlan {
    /// What is done.
    #[serde(default)]
    pub libelle: String,
    /// The professional (account) who acts, if one of the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsable_id: Option<i64>,
    /// Who acts otherwise (the parents, a partner…), or the responsible's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intervenant: Option<String>,
    /// Due date (`AAAA-MM-JJ`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub echeance: Option<String>,
    /// Duration or frequency as said (« 6 mois », « chaque semaine »).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duree: Option<String>,
}

/// One objective, linked to SERAFIN-PH needs and services.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Objectif {
    /// Stable key within the project (given by the store), so that versions compare.
    #[serde(default)]
    pub cle: String,
    /// The objective, in the person's words where possible.
    #[serde(default)]
    pub libelle: String,
    /// Status code ([`StatutObjectif`]).
    #[serde(default)]
    pub statut: String,
    /// Target date (`AAAA-MM-JJ`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub echeance: Option<String>,
    /// The needs and services it answers.
    #[serde(default)]
    pub serafin: Vec<CodeSerafin>,
    /// The action plan.
    #[serde(default)]
    pub actions: Vec<ActionPlan>,
}

/// Someone who took part in building the project.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Participant {
    /// Name (and first name).
    #[serde(default)]
    pub nom: String,
    /// [`Qualite`] code.
    #[serde(default)]
    pub qualite: String,
}

/// What the PPE holds beyond a PPA (CASF L223-1-1, D223-13).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VoletPpe {
    /// [`NatureDecision`] code.
    #[serde(default)]
    pub decision_nature: String,
    /// Reference of the decision (judgment number, decision of the département).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_reference: Option<String>,
    /// Date of the decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_date: Option<String>,
    /// The objectives of the decision the project is coherent with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_objectifs: Option<String>,
    /// The child's fundamental needs as observed, by need.
    #[serde(default)]
    pub besoins_fondamentaux: Vec<ObservationBesoin>,
    /// The projet d'accès à l'autonomie (L222-5-1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projet_autonomie: Option<String>,
    /// The child's view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avis_enfant: Option<String>,
    /// The parents' view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avis_parents: Option<String>,
    /// The ASE referent's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referent_ase: Option<String>,
    /// The ASE referent's service and phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referent_ase_coordonnees: Option<String>,
}

/// An observation about one fundamental need.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ObservationBesoin {
    /// [`BesoinFondamental`] code.
    #[serde(default)]
    pub besoin: String,
    /// What is observed and what answers it.
    #[serde(default)]
    pub observation: String,
}

/// The document of one version of a project.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contenu {
    /// The person's expectations, in their words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attentes: Option<String>,
    /// Summary of the evaluations the project is built on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synthese: Option<String>,
    /// Objectives and their action plans.
    #[serde(default)]
    pub objectifs: Vec<Objectif>,
    /// Who took part.
    #[serde(default)]
    pub participants: Vec<Participant>,
    /// The PPE part (PPE only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ppe: Option<VoletPpe>,
}

/// The text fields of a content and of a signature, by the name they have in JSON, with their
/// maxima: the web boundary checks each value by its name, [`Contenu::erreurs`] again before a
/// write.
pub const CHAMPS: &[Champ] = &[
    Champ::texte("attentes", lim::COMMENTAIRE),
    Champ::texte("synthese", lim::COMMENTAIRE),
    Champ::ligne("cle", lim::CODE),
    Champ::ligne("libelle", lim::LIBELLE),
    Champ::ligne("statut", lim::CODE),
    Champ::ligne("echeance", lim::DATE),
    Champ::ligne("systeme", lim::URI),
    Champ::ligne("code", lim::CODE),
    Champ::ligne("intervenant", lim::NOM_STRUCTURE),
    Champ::ligne("duree", lim::FONCTION),
    Champ::ligne("nom", lim::NOM_STRUCTURE),
    Champ::ligne("qualite", lim::CODE),
    Champ::ligne("decision_nature", lim::CODE),
    Champ::ligne("decision_reference", lim::REFERENCE),
    Champ::ligne("decision_date", lim::DATE),
    Champ::texte("decision_objectifs", lim::COMMENTAIRE),
    Champ::ligne("besoin", lim::CODE),
    Champ::texte("observation", lim::COMMENTAIRE),
    Champ::texte("projet_autonomie", lim::COMMENTAIRE),
    Champ::texte("avis_enfant", lim::COMMENTAIRE),
    Champ::texte("avis_parents", lim::COMMENTAIRE),
    Champ::ligne("referent_ase", lim::NOM_STRUCTURE),
    Champ::ligne("referent_ase_coordonnees", lim::ADRESSE),
    // A signature, as sent and as read back with a version.
    Champ::ligne("signataire", lim::NOM_STRUCTURE),
    Champ::ligne("decision", lim::CODE),
    Champ::ligne("signe_le", lim::DATE),
    Champ::texte("commentaire", lim::COMMENTAIRE),
];

/// Parses an ISO date (`AAAA-MM-JJ`).
pub fn date_iso(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Collects (field, French message) pairs.
struct Erreurs(Vec<(String, String)>);

impl Erreurs {
    fn add(&mut self, champ: impl Into<String>, message: impl Into<String>) {
        self.0.push((champ.into(), message.into()));
    }

    fn texte(&mut self, champ: String, nom: &str, v: Option<&str>) {
        if let Some(v) = v {
            if let Err(r) = Champ::parmi(CHAMPS, nom).verifier(&champ, v) {
                self.add(champ, r.to_string());
            }
        }
    }

    fn date(&mut self, champ: String, v: Option<&str>) {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            if date_iso(v).is_none() {
                self.add(champ, "La date doit être au format AAAA-MM-JJ.");
            }
        }
    }

    fn code<T>(&mut self, champ: String, v: &str, parse: fn(&str) -> Option<T>, quoi: &str) {
        if parse(v).is_none() {
            self.add(champ, format!("« {v} » n'est pas {quoi} connu(e)."));
        }
    }

    fn nombre(&mut self, champ: &str, n: usize, max: usize) {
        if n > max {
            self.add(champ, format!("Au plus {max} éléments (reçu {n})."));
        }
    }
}

impl Contenu {
    /// Everything this content breaks, as (field path, French message): maxima and control
    /// characters, dates, codes, SERAFIN-PH codes with their code system, the PPE part only
    /// in a PPE. Checked before every write of a draft.
    pub fn erreurs(&self, type_projet: TypeProjet) -> Vec<(String, String)> {
        let mut e = Erreurs(Vec::new());
        e.texte("attentes".into(), "attentes", self.attentes.as_deref());
        e.texte("synthese".into(), "synthese", self.synthese.as_deref());
        e.nombre("objectifs", self.objectifs.len(), MAX_OBJECTIFS);
        e.nombre("participants", self.participants.len(), MAX_ELEMENTS);
        for (i, o) in self.objectifs.iter().enumerate() {
            let p = format!("objectifs[{i}]");
            e.texte(format!("{p}.cle"), "cle", Some(&o.cle));
            e.texte(format!("{p}.libelle"), "libelle", Some(&o.libelle));
            if o.libelle.trim().is_empty() {
                e.add(
                    format!("{p}.libelle"),
                    "L'intitulé de l'objectif est obligatoire.",
                );
            }
            e.code(
                format!("{p}.statut"),
                &o.statut,
                StatutObjectif::from_code,
                "un statut d'objectif",
            );
            e.date(format!("{p}.echeance"), o.echeance.as_deref());
            e.nombre(&format!("{p}.serafin"), o.serafin.len(), MAX_ELEMENTS);
            e.nombre(&format!("{p}.actions"), o.actions.len(), MAX_ELEMENTS);
            for (j, c) in o.serafin.iter().enumerate() {
                let q = format!("{p}.serafin[{j}]");
                e.texte(format!("{q}.systeme"), "systeme", Some(&c.systeme));
                e.texte(format!("{q}.code"), "code", Some(&c.code));
                if let Err(r) = serafin::valider(&c.systeme, &c.code) {
                    e.add(q, r.to_string());
                }
            }
            for (j, a) in o.actions.iter().enumerate() {
                let q = format!("{p}.actions[{j}]");
                e.texte(format!("{q}.libelle"), "libelle", Some(&a.libelle));
                if a.libelle.trim().is_empty() {
                    e.add(
                        format!("{q}.libelle"),
                        "L'intitulé de l'action est obligatoire.",
                    );
                }
                e.texte(
                    format!("{q}.intervenant"),
                    "intervenant",
                    a.intervenant.as_deref(),
                );
                e.texte(format!("{q}.duree"), "duree", a.duree.as_deref());
                e.date(format!("{q}.echeance"), a.echeance.as_deref());
            }
        }
        let mut cles: Vec<&str> = self
            .objectifs
            .iter()
            .map(|o| o.cle.as_str())
            .filter(|c| !c.is_empty())
            .collect();
        let n = cles.len();
        cles.sort_unstable();
        cles.dedup();
        if cles.len() != n {
            e.add("objectifs", "Deux objectifs ont la même clé.");
        }
        for (i, p) in self.participants.iter().enumerate() {
            e.texte(format!("participants[{i}].nom"), "nom", Some(&p.nom));
            if p.nom.trim().is_empty() {
                e.add(
                    format!("participants[{i}].nom"),
                    "Le nom du participant est obligatoire.",
                );
            }
            e.code(
                format!("participants[{i}].qualite"),
                &p.qualite,
                Qualite::from_code,
                "une qualité de participant",
            );
        }
        match (&self.ppe, type_projet) {
            (Some(_), TypeProjet::Ppa) => e.add(
                "ppe",
                "Le volet « projet pour l'enfant » n'existe que dans un PPE.",
            ),
            (Some(v), TypeProjet::Ppe) => v.erreurs(&mut e),
            (None, _) => {}
        }
        e.0
    }

    /// What a validation requires beyond [`Contenu::erreurs`]: at least one objective, and
    /// for a PPE the decision it follows and the ASE referent.
    pub fn erreurs_validation(&self, type_projet: TypeProjet) -> Vec<(String, String)> {
        let mut e = Erreurs(Vec::new());
        if self.objectifs.is_empty() {
            e.add(
                "objectifs",
                "Un projet validé comporte au moins un objectif.",
            );
        }
        if type_projet == TypeProjet::Ppe {
            let v = self.ppe.clone().unwrap_or_default();
            if NatureDecision::from_code(&v.decision_nature).is_none() {
                e.add(
                    "ppe.decision_nature",
                    "Précisez la décision administrative ou judiciaire que le PPE met en œuvre.",
                );
            }
            if v.referent_ase
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
            {
                e.add(
                    "ppe.referent_ase",
                    "Le PPE nomme le référent ASE de l'enfant.",
                );
            }
        }
        e.0
    }

    /// The largest number of the keys `o<n>` this content uses.
    pub fn derniere_cle(&self) -> u32 {
        self.objectifs
            .iter()
            .filter_map(|o| o.cle.strip_prefix('o')?.parse::<u32>().ok())
            .max()
            .unwrap_or(0)
    }

    /// Gives a key to each objective that has none (`o<n>`, after the largest used here and
    /// in `precedents`, the earlier versions: a removed objective's key is never reused).
    pub fn numeroter(&mut self, precedents: &[&Contenu]) {
        let mut n = precedents
            .iter()
            .map(|c| c.derniere_cle())
            .chain([self.derniere_cle()])
            .max()
            .unwrap_or(0);
        for o in &mut self.objectifs {
            if o.cle.trim().is_empty() {
                n += 1;
                o.cle = format!("o{n}");
            }
        }
    }

    /// The actions assigned to a professional of the service, with their due date: (account,
    /// due date, objective, action).
    pub fn actions_assignees(&self) -> Vec<(i64, Option<NaiveDate>, &str, &str)> {
        self.objectifs
            .iter()
            .flat_map(|o| {
                o.actions.iter().filter_map(move |a| {
                    Some((
                        a.responsable_id?,
                        a.echeance.as_deref().and_then(date_iso),
                        o.libelle.as_str(),
                        a.libelle.as_str(),
                    ))
                })
            })
            .collect()
    }
}

impl VoletPpe {
    fn erreurs(&self, e: &mut Erreurs) {
        if !self.decision_nature.is_empty() {
            e.code(
                "ppe.decision_nature".into(),
                &self.decision_nature,
                NatureDecision::from_code,
                "une nature de décision",
            );
        }
        e.texte(
            "ppe.decision_nature".into(),
            "decision_nature",
            Some(&self.decision_nature),
        );
        e.texte(
            "ppe.decision_reference".into(),
            "decision_reference",
            self.decision_reference.as_deref(),
        );
        e.date("ppe.decision_date".into(), self.decision_date.as_deref());
        for (champ, v) in [
            ("decision_objectifs", &self.decision_objectifs),
            ("projet_autonomie", &self.projet_autonomie),
            ("avis_enfant", &self.avis_enfant),
            ("avis_parents", &self.avis_parents),
            ("referent_ase", &self.referent_ase),
            ("referent_ase_coordonnees", &self.referent_ase_coordonnees),
        ] {
            e.texte(format!("ppe.{champ}"), champ, v.as_deref());
        }
        e.nombre(
            "ppe.besoins_fondamentaux",
            self.besoins_fondamentaux.len(),
            MAX_ELEMENTS,
        );
        for (i, b) in self.besoins_fondamentaux.iter().enumerate() {
            let p = format!("ppe.besoins_fondamentaux[{i}]");
            e.code(
                format!("{p}.besoin"),
                &b.besoin,
                BesoinFondamental::from_code,
                "un besoin fondamental",
            );
            e.texte(
                format!("{p}.observation"),
                "observation",
                Some(&b.observation),
            );
        }
    }
}

/// The next review of a project validated on `validation` for a person born on `naissance`:
/// every 6 months while the child is under 2 (D223-13), every year otherwise.
pub fn prochaine_revision(naissance: Option<NaiveDate>, validation: NaiveDate) -> NaiveDate {
    let moins_de_deux_ans = naissance
        .and_then(|n| n.checked_add_months(Months::new(24)))
        .is_some_and(|deux_ans| validation < deux_ans);
    let mois = if moins_de_deux_ans { 6 } else { 12 };
    validation
        .checked_add_months(Months::new(mois))
        .unwrap_or(validation)
}

/// Where a review date stands on `aujourdhui`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EtatEcheance {
    /// Passed.
    EnRetard,
    /// Within [`DELAI_ALERTE_JOURS`].
    Proche,
}

impl EtatEcheance {
    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            EtatEcheance::EnRetard => "En retard",
            EtatEcheance::Proche => "Bientôt",
        }
    }
}

/// The alert of a due date (a review, an action) on `aujourdhui`, if any.
pub fn alerte_revision(echeance: NaiveDate, aujourdhui: NaiveDate) -> Option<EtatEcheance> {
    if echeance < aujourdhui {
        Some(EtatEcheance::EnRetard)
    } else if (echeance - aujourdhui).num_days() <= DELAI_ALERTE_JOURS {
        Some(EtatEcheance::Proche)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
