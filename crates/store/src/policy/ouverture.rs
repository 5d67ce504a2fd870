//! The opening of a person's file: one authorization of the administrative read, the other
//! sections the account may read decided from the same facts, and one read entry.

use chrono::{DateTime, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::policy::{decider, Action, Matrice, Section};

use super::{
    authorize_with_facts, load_facts_and_usager, Capability, Demande, FaitsDossier, Principal,
};
use crate::db::Store;
use crate::{StoreError, StoreResult};

/// A file opened for reading: see [`open_file`].
#[derive(Debug)]
pub struct OpenFile {
    /// The read of the administrative section, authorized and audited.
    pub cap: Capability,
    /// The sections the user may read.
    pub sections: Vec<Section>,
    /// The reads of the other sections asked with the opening ([`open_file_avec`]) that the
    /// policy allows, in the order asked: covered by the opening's single read entry.
    pub lectures: Vec<Capability>,
    /// The identity.
    pub usager: crate::fiche::Usager,
    /// The stays, newest first.
    pub sejours: Vec<crate::fiche::Sejour>,
    /// The fingerprint of the photo, if there is one.
    pub photo: Option<String>,
}

impl OpenFile {
    /// The read of `section` taken with the opening, if asked and allowed.
    pub fn lecture(&self, section: Section) -> Option<&Capability> {
        self.lectures.iter().find(|c| c.section() == section)
    }
}

/// Opens a person's file: authorizes (and audits) the read of its administrative section and
/// tells which sections the user may read, from the same facts (no extra audit entry), with
/// the usager's identity and stays read in the same round trip.
pub async fn open_file(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    usager_id: UsagerId,
    now: DateTime<Utc>,
) -> StoreResult<OpenFile> {
    open_file_avec(store, matrix, who, usager_id, now, &[]).await
}

/// [`open_file`], also reading the sections `aussi` that the policy allows (the header of a
/// page shows the care alerts): still one decision over one load of the facts and one read
/// entry, whose detail names every section read (`{"sections": ["administratif", "soins"]}`).
pub async fn open_file_avec(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    usager_id: UsagerId,
    now: DateTime<Utc>,
    aussi: &[Section],
) -> StoreResult<OpenFile> {
    let demande = Demande {
        usager_id,
        section: Section::Administratif,
        action: Action::Lire,
        aussi,
    };
    let Some(loaded) = load_facts_and_usager(store, who, usager_id, now).await? else {
        return Err(StoreError::NotFound);
    };
    let f = FaitsDossier {
        faits: loaded.faits,
        referent_id: loaded.usager.referent_id.map(|r| r.get()),
    };
    let (cap, lectures) = authorize_with_facts(store, matrix, who, demande, &f, now).await?;
    let sections = Section::ALL
        .iter()
        .copied()
        .filter(|s| decider(matrix, who.role, &f.faits, *s, Action::Lire, now).is_ok())
        .collect();
    Ok(OpenFile {
        cap,
        sections,
        lectures,
        usager: loaded.usager,
        sejours: loaded.sejours,
        photo: loaded.photo,
    })
}
