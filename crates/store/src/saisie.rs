//! The store's own guard on what it writes: the maxima of [`dui_domain::saisie`] checked
//! again on every input before a write, and no control character in any text bound to a
//! statement (PostgreSQL cannot store U+0000; SQLite would, silently), so that no caller, the
//! web layer or a future one, writes an unbounded or unreadable value. A refusal is
//! `StoreError::Invalid` with the French message of the domain.

use dui_domain::saisie::{self as lim, controle, verifier_tous, Champ};

use crate::admin::organisation::{EtablissementInput, OrganismeInput};
use crate::admin::utilisateur::UtilisateurInput;
use crate::sql::Value;
use crate::usager::{EntourageInput, IdentiteInput, ProfessionnelInput};
use crate::{StoreError, StoreResult};

fn borne<'a>(v: impl IntoIterator<Item = (Champ, Option<&'a str>)>) -> StoreResult<()> {
    verifier_tous(v).map_err(|r| StoreError::Invalid(r.to_string()))
}

fn l(nom: &'static str, max: usize) -> Champ {
    Champ::ligne(nom, max)
}

/// Refuses a statement binding a text with a control character (tabs and line breaks of
/// multi-line fields excepted).
pub(crate) fn sans_controle(args: &[Value]) -> StoreResult<()> {
    for a in args {
        if let Value::Text(s) = a {
            if let Some(c) = controle(s, true) {
                return Err(StoreError::Invalid(format!(
                    "Un texte envoyé contient un caractère de contrôle (U+{:04X}), refusé.",
                    u32::from(c)
                )));
            }
        }
    }
    Ok(())
}

/// A search text: at most [`lim::RECHERCHE`] characters and [`lim::MOTS_RECHERCHE`] words.
pub(crate) fn recherche(texte: &str) -> StoreResult<()> {
    borne([(Champ::recherche("q"), Some(texte))])
}

/// A unit's name and kind.
pub(crate) fn unite(nom: &str, type_unite: &str) -> StoreResult<()> {
    borne([
        (l("nom", lim::NOM_STRUCTURE), Some(nom)),
        (l("type_unite", lim::CODE), Some(type_unite)),
    ])
}

/// The role of a professional for an usager.
pub(crate) fn role(role: &str) -> StoreResult<()> {
    borne([(l("role", lim::CODE), Some(role))])
}

impl IdentiteInput {
    /// Checks every text against its maximum (the first names together, as the INS has them).
    pub(crate) fn borner(&self) -> StoreResult<()> {
        let prenoms = self.prenoms_naissance.join(" ");
        borne([
            (
                l("nom_naissance", lim::NOM_PERSONNE),
                Some(self.nom_naissance.as_str()),
            ),
            (l("prenoms", lim::NOM_PERSONNE), Some(prenoms.as_str())),
            (
                l("date_naissance", lim::DATE),
                Some(self.date_naissance.as_str()),
            ),
            (l("sexe", lim::CODE), Some(self.sexe.as_str())),
            (
                l("lieu_naissance", lim::NUMERO),
                self.lieu_naissance.as_deref(),
            ),
            (
                l("nom_utilise", lim::NOM_PERSONNE),
                self.nom_utilise.as_deref(),
            ),
            (
                l("prenom_utilise", lim::NOM_PERSONNE),
                self.prenom_utilise.as_deref(),
            ),
            (
                Champ::texte("alertes", lim::ALERTES),
                Some(self.alertes.as_str()),
            ),
        ])
    }
}

impl EntourageInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (l("nom", lim::NOM_PERSONNE), Some(self.nom.as_str())),
            (l("prenom", lim::NOM_PERSONNE), Some(self.prenom.as_str())),
            (l("relation", lim::CODE), Some(self.relation.as_str())),
            (
                l("mesure_protection", lim::CODE),
                self.mesure_protection.as_deref(),
            ),
            (l("mesure_debut", lim::DATE), self.mesure_debut.as_deref()),
            (l("mesure_fin", lim::DATE), self.mesure_fin.as_deref()),
            (
                l("mesure_reference", lim::REFERENCE),
                self.mesure_reference.as_deref(),
            ),
            (
                l("date_designation", lim::DATE),
                self.date_designation.as_deref(),
            ),
            (l("telephone", lim::TELEPHONE), self.telephone.as_deref()),
            (l("email", lim::EMAIL), self.email.as_deref()),
            (l("adresse", lim::ADRESSE), self.adresse.as_deref()),
            (
                Champ::texte("commentaire", lim::COMMENTAIRE),
                self.commentaire.as_deref(),
            ),
        ])
    }
}

impl ProfessionnelInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (l("nom", lim::NOM_PERSONNE), Some(self.nom.as_str())),
            (l("prenom", lim::NOM_PERSONNE), Some(self.prenom.as_str())),
            (l("fonction", lim::FONCTION), Some(self.fonction.as_str())),
            (
                l("identifiant_pro", lim::NUMERO),
                self.identifiant_pro.as_deref(),
            ),
            (
                l("structure", lim::NOM_STRUCTURE),
                self.structure.as_deref(),
            ),
            (l("telephone", lim::TELEPHONE), self.telephone.as_deref()),
            (l("email", lim::EMAIL), self.email.as_deref()),
            (l("mssante", lim::EMAIL), self.mssante.as_deref()),
        ])
    }
}

impl OrganismeInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (l("nom", lim::NOM_STRUCTURE), Some(self.nom.as_str())),
            (
                l("finess_juridique", lim::NUMERO),
                Some(self.finess_juridique.as_str()),
            ),
            (l("siren", lim::NUMERO), self.siren.as_deref()),
            (l("adresse", lim::ADRESSE), self.adresse.as_deref()),
        ])
    }
}

impl EtablissementInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (l("nom", lim::NOM_STRUCTURE), Some(self.nom.as_str())),
            (l("finess", lim::NUMERO), Some(self.finess.as_str())),
            (l("siret", lim::NUMERO), self.siret.as_deref()),
            (l("categorie", lim::CODE), Some(self.categorie.as_str())),
            (l("domaine", lim::CODE), Some(self.domaine.as_str())),
            (l("adresse", lim::ADRESSE), self.adresse.as_deref()),
        ])
    }
}

impl UtilisateurInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (
                l("username", lim::IDENTIFIANT),
                Some(self.username.as_str()),
            ),
            (l("nom", lim::NOM_PERSONNE), Some(self.nom.as_str())),
            (l("prenom", lim::NOM_PERSONNE), Some(self.prenom.as_str())),
            (l("email", lim::EMAIL), self.email.as_deref()),
            (
                l("identifiant_pro", lim::NUMERO),
                self.identifiant_pro.as_deref(),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_with_control_characters_are_not_bound() {
        assert!(sans_controle(&[Value::Text("a\tb\r\nc".into()), Value::Int(1)]).is_ok());
        assert!(matches!(
            sans_controle(&[Value::Text("a\u{0}b".into())]),
            Err(StoreError::Invalid(m)) if m.contains("U+0000")
        ));
        assert!(recherche(&"a ".repeat(11)).is_err());
        assert!(recherche(&"a".repeat(201)).is_err());
        assert!(recherche("dupont marie 12/04/1938").is_ok());
    }
}
