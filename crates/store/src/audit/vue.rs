//! Who reads the global journal, and what each one sees.
//!
//! The administrator keeps the platform running but reads no one's file: the journal's
//! technical view shows actions, accounts, times, outcomes, addresses and the detail keys
//! declared technical below, and nothing else. Every other detail key is person data (search
//! texts, result ids, break-the-glass reasons, relations, merged files…): hidden unless
//! declared here, so that a key added tomorrow stays hidden until someone decides otherwise.
//! The direction, and the file's traceability for those allowed to read it, see every field.

use super::{Entry, Filter};
use crate::{Store, StoreError, StoreResult};

/// Detail keys that carry no person data, by action prefix (an entry's key is technical when
/// an entry of this list whose prefix starts its action names it). Everything else is
/// hidden from the technical view.
pub const CLES_TECHNIQUES: &[(&str, &[&str])] = &[
    // Logins: second factor used, failure code (`mot_de_passe`, `compte_inconnu`…), lock end.
    ("connexion", &["totp", "raison", "verrouillage"]),
    ("compte.", &["id"]),
    // Accounts, organisation and permissions: what the administrator manages.
    (
        "admin.",
        &[
            "id",
            "username",
            "role",
            "roles",
            "actif",
            "etablissements",
            "etablissement_id",
            "finess",
            "ajouts",
            "retraits",
            "grille",
            "version",
        ],
    ),
    // Files: that break-the-glass was used (not why), for how long, the refusal code, how
    // many files a bulk import wrote, which account an assignment names.
    (
        "usager.",
        &[
            "acces_exceptionnel",
            "heures",
            "refus",
            "nombre",
            "utilisateur_id",
        ],
    ),
    // Personalised projects: which project, version and signature row (not its type: a PPE
    // says the person is in child protection; not who signed nor their decision).
    ("usager.projet.", &["projet_id", "numero", "signature_id"]),
    // Stays: which stay, the one a transfer closed, and whether capacity was overridden.
    (
        "usager.sejour.",
        &["sejour_id", "transfert_de", "depassement_capacite"],
    ),
    // Presences: which établissement, unit, day or month, how many files (not which).
    (
        "presence.",
        &["etablissement_id", "unite_id", "jour", "mois", "nombre"],
    ),
    ("usager.absence.", &["sejour_id", "jours"]),
    // Applications and the agenda: which application, établissements, status change and
    // appointment, how many were read (not whose: the candidate's identity is person data).
    (
        "candidature.",
        &[
            "candidature_id",
            "etablissements",
            "de",
            "vers",
            "rendez_vous_id",
            "utilisateur_id",
            "nombre",
        ],
    ),
    ("agenda.", &["nombre"]),
    // Activities: which établissement, activity, session and registration, how many files
    // (not which, not the title: an activity's kind can say a handicap).
    (
        "activite.",
        &[
            "etablissement_id",
            "activite_id",
            "seance_id",
            "inscription_id",
            "nombre",
        ],
    ),
    // Benefits, measures, follow-ups: which row (not the kind of benefit: an AAH says a
    // handicap), and the alert delays the administrator sets.
    ("usager.prestation.", &["prestation_id"]),
    ("admin.prestation.", &["type_prestation", "jours"]),
    ("usager.mesure.", &["mesure_id", "revision_id"]),
    ("usager.suivi.", &["suivi_id", "sejour_id"]),
    // Default grants of a newer version added at start: the versions and the grants.
    ("habilitations.", &["version_avant", "version", "ajouts"]),
    // The liaison book (h13c): which entry and the one it corrects, the author's quality,
    // a relative's right to write (not the text, not which files a panel named).
    (
        "usager.liaison.",
        &["id", "corrige", "qualite", "peut_ecrire"],
    ),
    // The sealer's own reports.
    ("audit.", &["entree_id", "probleme", "seq", "seq_ancre"]),
];

/// Whether `key` of an entry of `action` is technical.
pub fn cle_technique(action: &str, key: &str) -> bool {
    CLES_TECHNIQUES
        .iter()
        .any(|(prefix, keys)| action.starts_with(prefix) && keys.contains(&key))
}

/// The technical keys of a detail (a JSON object); anything unreadable becomes `{}`.
pub fn detail_technique(action: &str, detail: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(detail) {
        Ok(serde_json::Value::Object(m)) => serde_json::Value::Object(
            m.into_iter()
                .filter(|(k, _)| cle_technique(action, k))
                .collect(),
        )
        .to_string(),
        _ => "{}".into(),
    }
}

impl Entry {
    /// The technical view of the entry: person data hidden (the file's id, the detail keys
    /// not declared technical) and its hashes too (an entry's hash would let one test guesses
    /// of the hidden fields, names typed in a search for instance).
    pub fn vue_technique(mut self) -> Entry {
        self.detail = detail_technique(&self.action, &self.detail);
        self.usager_id = None;
        self.prev_hash = None;
        self.hash = None;
        self
    }
}

impl Entry {
    /// The entry as anyone but a psychologist sees it: an entry of the psychology section
    /// keeps who, when, the action and its outcome, not its detail (nor its hashes, which
    /// would let one test guesses of the detail). The psychology section is sealed (SOI-5).
    pub fn sans_psychologie(mut self) -> Entry {
        if self.section.as_deref() == Some(dui_domain::policy::Section::Psychologie.code()) {
            self.detail = "{}".into();
            self.prev_hash = None;
            self.hash = None;
        }
        self
    }
}

impl AccesExceptionnel {
    /// The technical view of a break-the-glass access: who opened a file outside their scope
    /// and when, not whose file (`usager_id` 0, `personne` empty) nor why (`motif` empty).
    pub fn vue_technique(mut self) -> AccesExceptionnel {
        self.usager_id = 0;
        self.personne = String::new();
        self.motif = String::new();
        self
    }
}

/// Who reads the global journal.
#[derive(Clone, Copy, Debug)]
pub enum Lecteur<'a> {
    /// The administrator: the technical view of every entry; no filter on a person's file.
    Administrateur,
    /// The direction: every field of the entries written by the accounts of its
    /// établissements (given by id).
    Direction(&'a [i64]),
}

impl Store {
    /// The global journal as `lecteur` may read it, newest first.
    ///
    /// The administrator cannot filter on a person's file (that would tell which accounts
    /// opened it): [`StoreError::Invalid`] with a French message.
    pub async fn audit_journal(
        &self,
        lecteur: Lecteur<'_>,
        f: &Filter,
        limit: i64,
    ) -> StoreResult<Vec<Entry>> {
        match lecteur {
            Lecteur::Administrateur => {
                if f.usager_id.is_some() {
                    return Err(StoreError::Invalid(
                        "le filtre par dossier est réservé à la direction : le journal technique ne montre pas quels dossiers ont été ouverts".into(),
                    ));
                }
                let rows = self.audit_search(f, limit).await?;
                Ok(rows.into_iter().map(Entry::vue_technique).collect())
            }
            Lecteur::Direction(etablissements) => {
                if etablissements.is_empty() {
                    return Ok(Vec::new());
                }
                let rows = self
                    .audit_search_scoped(f, Some(etablissements), limit)
                    .await?;
                Ok(rows.into_iter().map(Entry::sans_psychologie).collect())
            }
        }
    }
}

/// A break-the-glass access.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AccesExceptionnel {
    /// Id.
    pub id: i64,
    /// Who opened the file.
    pub utilisateur_id: i64,
    /// Their name, « NOM Prénom ».
    pub utilisateur: String,
    /// Their role's label.
    pub role: String,
    /// Whose file.
    pub usager_id: i64,
    /// The person's name, « NOM Prénom » (empty in the technical view).
    pub personne: String,
    /// Stated reason.
    pub motif: String,
    /// When.
    pub created_at: String,
    /// Until when.
    pub expires_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_declared_keys_survive_the_technical_view() {
        let search = r#"{"texte":"dupont 1938","resultats":[12,13]}"#;
        assert_eq!(detail_technique("usager.recherche", search), "{}");
        let bris = r#"{"motif":"Appel du SAMU","heures":4,"acces_exceptionnel":true}"#;
        assert_eq!(
            detail_technique("usager.acces_exceptionnel", bris),
            r#"{"acces_exceptionnel":true,"heures":4}"#
        );
        // A key declared for one family of actions is not technical for another.
        assert_eq!(
            detail_technique("usager.entourage.ajout", r#"{"id":3,"relation":"fille"}"#),
            "{}"
        );
        assert_eq!(
            detail_technique("admin.utilisateur.creation", r#"{"id":3,"role":"cadre"}"#),
            r#"{"id":3,"role":"cadre"}"#
        );
        // Unknown actions, unknown keys and unreadable details: nothing.
        assert_eq!(detail_technique("nouveau.type", r#"{"id":1}"#), "{}");
        assert_eq!(detail_technique("connexion", "pas du JSON"), "{}");
        assert_eq!(detail_technique("connexion", "[1,2]"), "{}");
    }
}
