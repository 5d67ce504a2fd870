//! Errors shown in place: an expected refusal of a form (invalid input 422, a conflict 409)
//! renders the same page again with what was typed, an error summary at the top (focused by
//! `app.js`, each line a link to its field) and each message next to its field
//! (`aria-invalid`, `aria-describedby`), plus a way out when there is one (open the existing
//! file…). Any other error (403, 404, 500) stays the error page.
//!
//! Use: the handler calls the store; on `Err(e)` it calls [`ErreursFormulaire::depuis`] with
//! the form's fields in display order and renders its page with the result and the status;
//! the template includes `_erreurs_formulaire.html` (the summary) and writes, in each field,
//! `{{ erreurs.aria("nir")|safe }}` on the input and `{{ erreurs.sous("nir")|safe }}` after
//! it. Success: redirect with a [`crate::layout::Fait`] (`reponses::confirme`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use axum::http::StatusCode;

use crate::error::{escape, AppError};

/// A way out offered with a refusal: a link, or a button that posts (with the CSRF token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// What the link or the button says.
    pub libelle: String,
    /// Where it goes.
    pub href: String,
    /// A form posting to `href` rather than a link.
    pub post: bool,
    /// The hidden fields that form posts (name, value).
    pub caches: Vec<(String, String)>,
}

/// The refusals of one form, as the page shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErreursFormulaire {
    /// Per field: (field id, French message), in the form's order.
    pub champs: Vec<(String, String)>,
    /// A refusal about the whole form (a conflict, a stale version, an outside service).
    pub general: Option<String>,
    /// Ways out.
    pub issues: Vec<Issue>,
    /// What the form's input ids start with (`"a-"` for `id="a-libelle"`), on a page holding
    /// several forms with the same field names (`"r-12-"` for the form of row 12); empty
    /// otherwise.
    pub prefixe: Cow<'static, str>,
}

impl ErreursFormulaire {
    /// The refusal `e` of a form whose fields are `champs` (ids, in display order), with the
    /// status to answer; `Err(e)` when it is no expected refusal (403, 404, 500…). A message
    /// on a field the form does not show goes to the general message.
    pub fn depuis(e: AppError, champs: &[&str]) -> Result<(StatusCode, Self), AppError> {
        match e {
            AppError::Invalid { message, fields } => Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Self::des_champs(message, fields, champs),
            )),
            AppError::Conflict { message, .. } => {
                Ok((StatusCode::CONFLICT, Self::generale(message)))
            }
            AppError::Stale => Ok((
                StatusCode::CONFLICT,
                Self::generale(
                    "Ce dossier a été modifié entre-temps par quelqu'un d'autre : rien n'a été écrasé. Rechargez la page pour voir la version à jour, puis saisissez de nouveau vos changements.",
                ),
            )),
            AppError::Upstream(message) => {
                Ok((StatusCode::SERVICE_UNAVAILABLE, Self::generale(message)))
            }
            other => Err(other),
        }
    }

    fn des_champs(message: String, fields: BTreeMap<String, String>, champs: &[&str]) -> Self {
        let mut out = Self::default();
        for c in champs {
            if let Some(m) = fields.get(*c) {
                out.champs.push(((*c).to_string(), m.clone()));
            }
        }
        let ailleurs: Vec<&String> = fields
            .iter()
            .filter(|(f, _)| !champs.contains(&f.as_str()))
            .map(|(_, m)| m)
            .collect();
        if !ailleurs.is_empty() {
            out.general = Some(ailleurs.into_iter().cloned().collect::<Vec<_>>().join(" "));
        } else if fields.is_empty() {
            out.general = Some(message);
        }
        out
    }

    /// One refusal about the whole form.
    pub fn generale(message: impl Into<String>) -> Self {
        Self {
            general: Some(message.into()),
            ..Self::default()
        }
    }

    /// One refusal on one field.
    pub fn champ(champ: &str, message: impl Into<String>) -> Self {
        Self {
            champs: vec![(champ.to_string(), message.into())],
            ..Self::default()
        }
    }

    /// Adds a link as a way out.
    pub fn avec_lien(mut self, libelle: impl Into<String>, href: impl Into<String>) -> Self {
        self.issues.push(Issue {
            libelle: libelle.into(),
            href: href.into(),
            post: false,
            caches: vec![],
        });
        self
    }

    /// Adds a button posting `caches` to `href` as a way out.
    pub fn avec_bouton(
        mut self,
        libelle: impl Into<String>,
        href: impl Into<String>,
        caches: Vec<(String, String)>,
    ) -> Self {
        self.issues.push(Issue {
            libelle: libelle.into(),
            href: href.into(),
            post: true,
            caches,
        });
        self
    }

    /// Nothing to show.
    pub fn est_vide(&self) -> bool {
        self.champs.is_empty() && self.general.is_none()
    }

    /// The summary's title: « Le formulaire contient 1 erreur », « … 2 erreurs », or the
    /// refusal's own words when it is about the whole form.
    pub fn titre(&self) -> String {
        match self.champs.len() {
            0 => "L'enregistrement n'a pas été fait".to_string(),
            1 => "Le formulaire contient 1 erreur".to_string(),
            n => format!("Le formulaire contient {n} erreurs"),
        }
    }

    /// The message of a field.
    pub fn de(&self, champ: &str) -> Option<&str> {
        self.champs
            .iter()
            .find(|(c, _)| c == champ)
            .map(|(_, m)| m.as_str())
    }

    /// The attributes of a field's input: `aria-invalid` and `aria-describedby` pointing at
    /// its message when it has one, nothing otherwise (to write with `|safe`: the id is the
    /// template's own constant).
    pub fn aria(&self, champ: &str) -> String {
        if self.de(champ).is_some() {
            let p = &self.prefixe;
            format!("aria-invalid=\"true\" aria-describedby=\"{p}{champ}-err\"")
        } else {
            String::new()
        }
    }

    /// The message under a field, escaped (to write with `|safe`).
    pub fn sous(&self, champ: &str) -> String {
        match self.de(champ) {
            Some(m) => format!(
                "<p class=\"erreur-champ\" id=\"{}{champ}-err\">{}</p>",
                self.prefixe,
                escape(m)
            ),
            None => String::new(),
        }
    }
}

/// One form of a page: its name (a page may hold several), what its input ids start with
/// (the ids, once the prefix is removed, are the fields' names) and the confirmation of its
/// success.
#[derive(Clone, Copy, Debug)]
pub struct Formulaire {
    /// Which form of the page (`"acte"`, `"prestation"`…).
    pub nom: &'static str,
    /// What its input ids start with (`"a-"`).
    pub prefixe: &'static str,
    /// The confirmation shown once it is applied.
    pub fait: crate::layout::Fait,
}

impl Formulaire {
    /// Form `nom` whose input ids start with `prefixe`, confirmed by `fait`.
    pub const fn new(nom: &'static str, prefixe: &'static str, fait: crate::layout::Fait) -> Self {
        Self { nom, prefixe, fait }
    }
}

/// What was typed in a form, to show it again with its refusals: each field's text by name
/// (numbers and booleans as typed back: `3`, `true`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Saisie(BTreeMap<String, String>);

impl Saisie {
    /// The fields of `f` (a form's `…Fields`, serialized by name; absent ones are empty).
    pub fn de(f: &impl serde::Serialize) -> Self {
        let mut out = BTreeMap::new();
        if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(f) {
            for (k, v) in m {
                let texte = match v {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                out.insert(k, texte);
            }
        }
        Self(out)
    }

    /// The text typed in `champ` (empty when none).
    pub fn val(&self, champ: &str) -> &str {
        self.0.get(champ).map_or("", String::as_str)
    }

    /// The text typed in `champ`, or `defaut` when the form was not sent yet.
    pub fn ou(&self, champ: &str, defaut: impl std::fmt::Display) -> String {
        if self.0.is_empty() {
            defaut.to_string()
        } else {
            self.val(champ).to_string()
        }
    }

    /// Whether `valeur` was chosen in `champ` (a select's option, a checked box).
    pub fn est(&self, champ: &str, valeur: impl AsRef<str>) -> bool {
        self.0.get(champ).is_some_and(|v| v == valeur.as_ref())
    }

    /// Whether `valeur` is chosen in `champ`: as typed when the form was sent, `defaut` (the
    /// stored choice) otherwise.
    pub fn choisi(
        &self,
        champ: &str,
        valeur: impl AsRef<str>,
        defaut: impl std::borrow::Borrow<bool>,
    ) -> bool {
        if self.0.is_empty() {
            *defaut.borrow()
        } else {
            self.est(champ, valeur)
        }
    }

    /// Whether box `champ` is checked: as typed when the form was sent, `defaut` otherwise.
    pub fn coche_ou(&self, champ: &str, defaut: impl std::borrow::Borrow<bool>) -> bool {
        if self.0.is_empty() {
            *defaut.borrow()
        } else {
            self.coche(champ)
        }
    }

    /// Whether box `champ` was checked (`oui`, `on`, `true`).
    pub fn coche(&self, champ: &str) -> bool {
        matches!(self.val(champ), "oui" | "on" | "true" | "1")
    }
}

/// A page's forms as shown: empty, or one of them refused, with what was typed and why.
#[derive(Clone, Debug, Default)]
pub struct EnPlace {
    /// The refused form's name (empty: none).
    pub formulaire: &'static str,
    /// What was typed in it.
    pub saisie: Saisie,
    /// Its refusals.
    pub erreurs: ErreursFormulaire,
    /// The row whose form was refused, on a page with one such form per row.
    pub ligne: Option<i64>,
    /// The row keyed by a text whose form was refused (an objective `o3`, a grid `aggir`).
    pub cle: Option<String>,
}

impl EnPlace {
    /// Form `f` refused with `erreurs`, `saisie` typed.
    pub fn refus(f: &Formulaire, saisie: Saisie, mut erreurs: ErreursFormulaire) -> Self {
        erreurs.prefixe = Cow::Borrowed(f.prefixe);
        Self {
            formulaire: f.nom,
            saisie,
            erreurs,
            ligne: None,
            cle: None,
        }
    }

    /// The form `f` of row `ligne` refused with `erreurs`, `saisie` typed: its input ids are
    /// `<prefix><row>-<field>` (`r-12-date_revision`).
    pub fn refus_ligne(
        f: &Formulaire,
        ligne: i64,
        saisie: Saisie,
        mut erreurs: ErreursFormulaire,
    ) -> Self {
        erreurs.prefixe = Cow::Owned(format!("{}{ligne}-", f.prefixe));
        Self {
            formulaire: f.nom,
            saisie,
            erreurs,
            ligne: Some(ligne),
            cle: None,
        }
    }

    /// The same refusal on the form of the row keyed by the text `cle` (an objective `o3`, a
    /// grid `aggir`): its input ids become `<prefix><cle>-<field>`.
    pub fn sur_cle(mut self, cle: &str) -> Self {
        self.erreurs.prefixe = Cow::Owned(format!("{}{cle}-", self.erreurs.prefixe));
        self.cle = Some(cle.to_string());
        self
    }

    /// Whether the form `nom` of the row keyed by the text `cle` is the one refused.
    pub fn est_cle(&self, nom: &str, cle: &str) -> bool {
        self.formulaire == nom && self.cle.as_deref() == Some(cle)
    }

    /// The refusals and what was typed in the form `nom` of the row keyed by `cle` (nothing
    /// for another form or row).
    pub fn de_cle(&self, nom: &str, cle: &str) -> (ErreursFormulaire, Saisie) {
        if self.est_cle(nom, cle) {
            (self.erreurs.clone(), self.saisie.clone())
        } else {
            Default::default()
        }
    }

    /// Whether the form `nom` of row `ligne` is the one refused.
    pub fn est_ligne(&self, nom: &str, ligne: &i64) -> bool {
        self.formulaire == nom && self.ligne == Some(*ligne)
    }

    /// The refusals of the form `nom` of row `ligne` (none for another form or row).
    pub fn erreurs_ligne(&self, nom: &str, ligne: &i64) -> ErreursFormulaire {
        if self.est_ligne(nom, ligne) {
            self.erreurs.clone()
        } else {
            ErreursFormulaire::default()
        }
    }

    /// What was typed in the form `nom` of row `ligne` (nothing for another form or row).
    pub fn saisie_ligne(&self, nom: &str, ligne: &i64) -> Saisie {
        if self.est_ligne(nom, ligne) {
            self.saisie.clone()
        } else {
            Saisie::default()
        }
    }

    /// The refusals of form `nom` (none when another form was refused).
    pub fn erreurs_de(&self, nom: &str) -> ErreursFormulaire {
        if self.formulaire == nom {
            self.erreurs.clone()
        } else {
            ErreursFormulaire::default()
        }
    }

    /// What was typed in form `nom` (nothing when another form was refused).
    pub fn saisie_de(&self, nom: &str) -> Saisie {
        if self.formulaire == nom {
            self.saisie.clone()
        } else {
            Saisie::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_messages_follow_the_form_and_others_go_to_the_general_message() {
        let mut fields = BTreeMap::new();
        fields.insert("sexe".to_string(), "Indiquez le sexe.".to_string());
        fields.insert(
            "nir".to_string(),
            "Le NIR a une faute de frappe.".to_string(),
        );
        fields.insert("version".to_string(), "Rechargez la page.".to_string());
        let e = AppError::Invalid {
            message: "3 champs".into(),
            fields,
        };
        let (status, e) = ErreursFormulaire::depuis(e, &["nir", "sexe"]).unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.champs[0].0, "nir");
        assert_eq!(e.champs[1].0, "sexe");
        assert_eq!(e.general.as_deref(), Some("Rechargez la page."));
        assert_eq!(e.titre(), "Le formulaire contient 2 erreurs");
        assert_eq!(
            e.aria("nir"),
            "aria-invalid=\"true\" aria-describedby=\"nir-err\""
        );
        assert_eq!(e.aria("nom"), "");
        assert_eq!(
            ErreursFormulaire::champ("x", "a < b").sous("x"),
            "<p class=\"erreur-champ\" id=\"x-err\">a &lt; b</p>"
        );
        assert_eq!(
            ErreursFormulaire::champ("x", "m").titre(),
            "Le formulaire contient 1 erreur"
        );
    }

    #[test]
    fn conflicts_are_shown_in_place_and_other_errors_are_not() {
        let (s, e) = ErreursFormulaire::depuis(AppError::Stale, &[]).unwrap();
        assert_eq!(s, StatusCode::CONFLICT);
        assert!(e.general.is_some_and(|m| m.contains("Rechargez")));
        assert!(ErreursFormulaire::depuis(AppError::NotFound, &[]).is_err());
        assert!(ErreursFormulaire::depuis(AppError::Forbidden("non".into()), &[]).is_err());
        let e = AppError::field("message_only", "Texte.");
        let (_, e) = ErreursFormulaire::depuis(e, &["autre"]).unwrap();
        assert_eq!(e.general.as_deref(), Some("Texte."));
        assert!(e.champs.is_empty());
    }

    #[test]
    fn a_refused_form_keeps_what_was_typed_and_its_ids() {
        #[derive(serde::Serialize)]
        struct F {
            libelle: Option<String>,
            version: Option<i64>,
            date_fin: Option<String>,
        }
        let s = Saisie::de(&F {
            libelle: Some("Pansement".into()),
            version: Some(3),
            date_fin: None,
        });
        assert_eq!(s.val("libelle"), "Pansement");
        assert_eq!(s.val("version"), "3");
        assert_eq!(s.ou("date_fin", "2026-01-01"), "");
        assert_eq!(Saisie::default().ou("date_fin", "2026-01-01"), "2026-01-01");
        assert!(s.est("libelle", "Pansement"));
        const ACTE: Formulaire = Formulaire {
            nom: "acte",
            prefixe: "a-",
            fait: crate::layout::Fait::ActePlanAjoute,
        };
        let p = EnPlace::refus(
            &ACTE,
            s,
            ErreursFormulaire::champ("libelle", "Obligatoire."),
        );
        assert_eq!(
            p.erreurs_de("acte").aria("libelle"),
            "aria-invalid=\"true\" aria-describedby=\"a-libelle-err\""
        );
        assert!(p.erreurs_de("autre").est_vide());
        assert_eq!(p.saisie_de("autre").val("libelle"), "");
        let r = EnPlace::refus_ligne(
            &ACTE,
            12,
            Saisie::default(),
            ErreursFormulaire::champ("libelle", "Obligatoire."),
        );
        assert_eq!(
            r.erreurs_ligne("acte", &12).sous("libelle"),
            "<p class=\"erreur-champ\" id=\"a-12-libelle-err\">Obligatoire.</p>"
        );
        assert!(r.erreurs_ligne("acte", &13).est_vide());
        let c = EnPlace::refus(&ACTE, Saisie::default(), ErreursFormulaire::champ("x", "m"))
            .sur_cle("o3");
        assert_eq!(
            c.de_cle("acte", "o3").0.aria("x"),
            "aria-invalid=\"true\" aria-describedby=\"a-o3-x-err\""
        );
        assert!(c.de_cle("acte", "o4").0.est_vide());
        assert!(r.erreurs_de("autre").est_vide());
    }
}
