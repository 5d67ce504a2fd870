//! Capabilities on transmissions read across sections or across files: the file's
//! transmissions (every section the account may read, decided from one load of the facts and
//! audited by one entry naming the sections) and the relève / search (the sections the role
//! may read, in the files of its normal scope).

use chrono::{DateTime, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{
    decider, sections_permises, Action, Faits, Matrice, Motif, Refus, Section,
};
use dui_domain::transmission::SECTIONS;

use super::{audit_refusal, load_faits, with_motif, Principal};
use crate::audit::Outcome;
use crate::db::Store;
use crate::{StoreError, StoreResult};

/// Proof that the policy let an account read the transmissions of `sections` in one file.
/// Only [`authorize_transmissions`] builds one.
#[derive(Clone, Debug)]
pub struct CapaciteTransmissions {
    pub(crate) usager_id: UsagerId,
    pub(crate) sections: Vec<Section>,
    pub(crate) motif: Motif,
    pub(crate) etablissements: Vec<i64>,
}

impl CapaciteTransmissions {
    /// The file.
    pub fn usager_id(&self) -> UsagerId {
        self.usager_id
    }
    /// The sections whose transmissions may be read (never empty).
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }
    /// Normal or break-the-glass.
    pub fn motif(&self) -> Motif {
        self.motif
    }
    /// The établissements the reader works in: its psychology transmissions are those
    /// written there (decision 0044).
    pub fn etablissements(&self) -> &[i64] {
        &self.etablissements
    }
}

/// Decides which sections of transmissions `who` may read in the file `usager_id` (one load
/// of the facts, [`decider`] for each section) and audits the read in one entry (section
/// `accompagnement`, the sections read in its detail). Refused (and audited) when none.
pub async fn authorize_transmissions(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    usager_id: UsagerId,
    now: DateTime<Utc>,
) -> StoreResult<CapaciteTransmissions> {
    let Some(loaded) = load_faits(store, who, usager_id, now).await? else {
        return Err(StoreError::NotFound);
    };
    let (cap, entree) =
        decide_transmissions_de(store, matrix, who, usager_id, &loaded.faits, now).await?;
    store.reads.log(entree).await?;
    Ok(cap)
}

/// The sections of transmissions `who`'s role may read in a file at most (the matrix alone,
/// before the facts of the file), in the order of [`SECTIONS`].
pub(crate) fn sections_au_plus(matrix: &Matrice, who: &Principal) -> Vec<Section> {
    let permises = sections_permises(matrix, who.role, Action::Lire);
    SECTIONS
        .into_iter()
        .filter(|s| permises.contains(s))
        .collect()
}

/// The decision of [`authorize_transmissions`] from the facts `faits` (read with the page by
/// [`Store::transmissions_du_dossier`]) and the audit entry of the read, not yet written:
/// the caller writes it before any data leaves the store. A refusal is audited.
pub(crate) async fn decide_transmissions_de(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    usager_id: UsagerId,
    faits: &Faits,
    now: DateTime<Utc>,
) -> StoreResult<(CapaciteTransmissions, crate::read_log::ReadEntry)> {
    let mut sections = Vec::new();
    let mut motif = Motif::Normal;
    let mut refus = Refus::NonPermisParLeRole;
    for s in SECTIONS {
        match decider(matrix, who.role, faits, s, Action::Lire, now) {
            Ok(m) => {
                if m == Motif::AccesExceptionnel {
                    motif = m;
                }
                sections.push(s);
            }
            Err(r) if s == Section::Accompagnement => refus = r,
            Err(_) => {}
        }
    }
    if sections.is_empty() {
        return Err(refus_audite(store, who, Some(usager_id.get()), refus, now).await?);
    }
    let codes: Vec<&str> = sections.iter().map(|s| s.code()).collect();
    let entree = crate::read_log::ReadEntry {
        actor: who.actor(),
        action: ActionJournal::UsagerLecture,
        usager_id: Some(usager_id.get()),
        section: Some(Section::Accompagnement.code()),
        outcome: Outcome::Succes,
        detail: with_motif(serde_json::json!({ "transmissions": codes }), motif).to_string(),
        at: now,
    };
    let cap = CapaciteTransmissions {
        usager_id,
        sections,
        motif,
        etablissements: who.etablissements.clone(),
    };
    Ok((cap, entree))
}

/// Proof that the policy let an account read the transmissions of `sections` across the
/// files of its normal scope (the relève, the search). Only [`authorize_releve`] builds one;
/// each read with it is audited by the store with the files shown.
#[derive(Clone, Debug)]
pub struct CapaciteReleve {
    pub(crate) who: Principal,
    pub(crate) sections: Vec<Section>,
}

impl CapaciteReleve {
    /// The account reading.
    pub fn principal(&self) -> &Principal {
        &self.who
    }
    /// The sections whose transmissions it may read (never empty).
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }
}

/// The sections of transmissions `who`'s role may read ([`sections_permises`]); refused and
/// audited when none. No round trip when allowed.
pub async fn authorize_releve(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    now: DateTime<Utc>,
) -> StoreResult<CapaciteReleve> {
    let sections: Vec<Section> = sections_permises(matrix, who.role, Action::Lire)
        .into_iter()
        .filter(|s| SECTIONS.contains(s))
        .collect();
    if sections.is_empty() || !who.role.est_professionnel() {
        let refus = Refus::NonPermisParLeRole;
        return Err(refus_audite(store, who, None, refus, now).await?);
    }
    Ok(CapaciteReleve {
        who: who.clone(),
        sections,
    })
}

/// Audits a refused read of transmissions (of the file `usager_id`, or across files for the
/// relève) and returns the refusal to answer.
async fn refus_audite(
    store: &Store,
    who: &Principal,
    usager_id: Option<i64>,
    refus: Refus,
    now: DateTime<Utc>,
) -> StoreResult<StoreError> {
    audit_refusal(
        store,
        &who.actor(),
        usager_id,
        Section::Accompagnement,
        Action::Lire,
        refus,
        now,
    )
    .await?;
    Ok(StoreError::Denied(refus))
}
