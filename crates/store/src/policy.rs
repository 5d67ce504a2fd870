//! The only way to person data: [`authorize`] loads the facts, asks the domain policy, writes
//! the audit entry, and returns a [`Capability`] that store functions for person data require.

use chrono::{DateTime, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{
    decider, peut_lire_tracabilite, peut_rechercher, Action, Faits, Matrice, Motif, Refus, Role,
    Section,
};

mod acces_exceptionnel;
mod activite;
mod agenda;
mod candidature;
// The facts of a decision about one file.
mod faits;
// h10: what the capabilities decided without a file share.
mod capacite_etablissement;
mod liaison;
mod ouverture;
mod presence;
mod soins;
mod telegestion;
mod transmission;
// h10: the tails of a section's writes (addition, versioned change).
mod versionne;

pub use crate::audit::AccesExceptionnel;
use crate::audit::{self, Actor, NewEntry, Outcome};
use crate::db::Store;
use crate::{StoreError, StoreResult};
pub use activite::{authorize_activites, CapaciteActivites};
pub use agenda::{authorize_agenda, CapaciteAgenda};
pub use candidature::{authorize_candidatures, CapaciteCandidatures};
pub use capacite_etablissement::{Accord, CapaciteEtablissement};
pub(crate) use faits::load_faits_et_page;
use faits::{load_facts_and_usager, load_faits, FaitsDossier};
pub use liaison::{authorize_liaison_nouvelles, CapaciteLiaison};
pub use ouverture::{open_file, open_file_avec, OpenFile};
pub use presence::{authorize_presences, CapacitePresences};
pub use soins::{authorize_soins_unite, CapaciteSoins};
pub use telegestion::{authorize_telegestion, CapaciteTelegestion};
pub use transmission::{
    authorize_releve, authorize_transmissions, CapaciteReleve, CapaciteTransmissions,
};
pub(crate) use transmission::{decide_transmissions_de, sections_au_plus};

/// The logged-in account as the policy sees it.
#[derive(Clone, Debug)]
pub struct Principal {
    /// Account id.
    pub id: i64,
    /// Account name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Établissements the account works in.
    pub etablissements: Vec<i64>,
    /// For an `usager` account, its own file.
    pub usager_id: Option<i64>,
    /// Client address of the current request.
    pub ip: Option<String>,
}

impl Principal {
    /// The audit actor for this principal.
    pub fn actor(&self) -> Actor {
        Actor {
            utilisateur_id: Some(self.id),
            username: self.username.clone(),
            ip: self.ip.clone(),
        }
    }
}

/// Proof that the policy allowed `action` on `section` of usager `usager_id` for a user.
/// Only [`authorize`] builds one.
#[derive(Clone, Debug)]
pub struct Capability {
    usager_id: UsagerId,
    section: Section,
    action: Action,
    motif: Motif,
    actor: Actor,
    role: Role,
    at: DateTime<Utc>,
    tracabilite: bool,
    etablissements: Vec<i64>,
}

impl Capability {
    /// The établissements the holder works in (where it may admit or transfer a person).
    pub fn etablissements(&self) -> &[i64] {
        &self.etablissements
    }
    /// The usager this capability is about.
    pub fn usager_id(&self) -> UsagerId {
        self.usager_id
    }
    /// The section.
    pub fn section(&self) -> Section {
        self.section
    }
    /// The action.
    pub fn action(&self) -> Action {
        self.action
    }
    /// Normal or break-the-glass.
    pub fn motif(&self) -> Motif {
        self.motif
    }
    /// Who holds it.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }
    /// The holder's role.
    pub fn role(&self) -> Role {
        self.role
    }
    /// When it was granted (the request time).
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }
    /// Whether the holder may also read the file's audit (*Traçabilité*), as decided by
    /// [`peut_lire_tracabilite`] from the same facts; [`Store::usager_audit`] enforces it.
    pub fn tracabilite(&self) -> bool {
        self.tracabilite
    }

    /// Refuses the file's audit to a holder without that right, with the usual refusal entry.
    pub(crate) async fn check_tracabilite(&self, store: &Store) -> StoreResult<()> {
        if self.tracabilite {
            return Ok(());
        }
        let refus = Refus::TracabiliteReservee;
        audit_refusal(
            store,
            &self.actor,
            Some(self.usager_id.get()),
            self.section,
            Action::Lire,
            refus,
            self.at,
        )
        .await?;
        Err(StoreError::Denied(refus))
    }

    /// Records a change done with this capability, inside the change's transaction.
    pub(crate) async fn audit_change(
        &self,
        conn: &mut crate::sql::Tx,
        action: ActionJournal,
        detail: serde_json::Value,
    ) -> StoreResult<i64> {
        audit::append(
            conn,
            &NewEntry {
                actor: &self.actor,
                action,
                usager_id: Some(self.usager_id.get()),
                section: Some(self.section.code()),
                outcome: Outcome::Succes,
                detail: with_motif(detail, self.motif),
                at: self.at,
            },
        )
        .await
    }

    /// Audits a change of the file ([`Capability::audit_change`]) and commits it with the
    /// change: both are written, or neither.
    pub(crate) async fn commit_audite(
        &self,
        mut tx: crate::sql::Tx,
        action: ActionJournal,
        detail: serde_json::Value,
    ) -> StoreResult<()> {
        self.audit_change(&mut tx, action, detail).await?;
        tx.commit().await
    }
}

fn with_motif(mut detail: serde_json::Value, motif: Motif) -> serde_json::Value {
    if motif == Motif::AccesExceptionnel {
        if let Some(o) = detail.as_object_mut() {
            o.insert("acces_exceptionnel".into(), serde_json::Value::Bool(true));
        }
    }
    detail
}

/// Loads the role × section × action matrix.
pub async fn load_matrix(store: &Store) -> StoreResult<Matrice> {
    let rows = crate::sql::query("SELECT role, section, action FROM permission")
        .fetch_all(store)
        .await?;
    let mut grants = Vec::with_capacity(rows.len());
    for r in rows {
        let (role, section, action): (String, String, String) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        // Unknown codes (from a newer version) are ignored: deny by default.
        if let (Some(ro), Some(s), Some(a)) = (
            Role::from_code(&role),
            Section::from_code(&section),
            Action::from_code(&action),
        ) {
            grants.push((ro, s, a));
        }
    }
    Ok(Matrice::from_grants(grants))
}

/// Loads what the decision needs about `who` and usager `usager_id`.
pub async fn load_facts(
    store: &Store,
    who: &Principal,
    usager_id: UsagerId,
    now: DateTime<Utc>,
) -> StoreResult<Option<Faits>> {
    Ok(load_faits(store, who, usager_id, now)
        .await?
        .map(|l| l.faits))
}

/// Decides, audits and returns a capability, or `Denied` (audited too) / `NotFound`.
///
/// For `Lire`, the read is audited now (its own short transaction). For `Ecrire`/`Valider`,
/// the refusal is audited now and the success is audited by the write itself, inside its
/// transaction, through [`Capability::audit_change`].
pub async fn authorize(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    usager_id: UsagerId,
    section: Section,
    action: Action,
    now: DateTime<Utc>,
) -> StoreResult<Capability> {
    let Some(f) = load_faits(store, who, usager_id, now).await? else {
        return Err(StoreError::NotFound);
    };
    let demande = Demande {
        usager_id,
        section,
        action,
        aussi: &[],
    };
    Ok(authorize_with_facts(store, matrix, who, demande, &f, now)
        .await?
        .0)
}

/// Proof that the policy allowed an account to search (and list) the usagers of its scope.
/// Only [`authorize_recherche`] builds one; [`Store::rechercher_usagers`] requires it.
#[derive(Clone, Debug)]
pub struct CapaciteRecherche {
    who: Principal,
}

impl CapaciteRecherche {
    /// The account searching (its scope is applied by the search).
    pub fn principal(&self) -> &Principal {
        &self.who
    }
}

/// Decides whether `who` may search the usagers ([`peut_rechercher`]): no round trip when
/// allowed; a refusal is audited and returned as `Denied`.
pub async fn authorize_recherche(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    now: DateTime<Utc>,
) -> StoreResult<CapaciteRecherche> {
    let decision = peut_rechercher(matrix, who.role);
    let section = (Section::Administratif, Action::Lire);
    capacite_etablissement::decider(store, who, decision, section, now, |()| CapaciteRecherche {
        who: who.clone(),
    })
    .await
}

/// What is asked of the policy: an action on a section of a file.
struct Demande<'a> {
    usager_id: UsagerId,
    section: Section,
    action: Action,
    /// Other sections read with this one (the opening of a file), when the policy allows
    /// them: one authorization, one read entry naming every section read.
    aussi: &'a [Section],
}

/// Decides `demande` from the facts `f` read by the caller, audits, and returns the
/// capability with the reads of the other sections asked.
async fn authorize_with_facts(
    store: &Store,
    matrix: &Matrice,
    who: &Principal,
    demande: Demande<'_>,
    f: &FaitsDossier,
    now: DateTime<Utc>,
) -> StoreResult<(Capability, Vec<Capability>)> {
    let Demande {
        usager_id,
        section,
        action,
        aussi,
    } = demande;
    let decision = decider(matrix, who.role, &f.faits, section, action, now);
    let actor = who.actor();
    match decision {
        Ok(motif) => {
            let cap = Capability {
                usager_id,
                section,
                action,
                motif,
                actor,
                role: who.role,
                at: now,
                tracabilite: peut_lire_tracabilite(
                    who.role,
                    f.referent_id == Some(who.id),
                    f.faits.soi_meme,
                ),
                etablissements: who.etablissements.clone(),
            };
            let lues: Vec<Capability> = aussi
                .iter()
                .filter_map(|s| {
                    let m = decider(matrix, who.role, &f.faits, *s, Action::Lire, now).ok()?;
                    Some(Capability {
                        section: *s,
                        action: Action::Lire,
                        motif: m,
                        ..cap.clone()
                    })
                })
                .collect();
            if action == Action::Lire {
                let detail = if aussi.is_empty() {
                    serde_json::json!({})
                } else {
                    let codes: Vec<&str> = std::iter::once(section.code())
                        .chain(lues.iter().map(|c| c.section.code()))
                        .collect();
                    serde_json::json!({ "sections": codes })
                };
                store
                    .reads
                    .log(crate::read_log::ReadEntry {
                        actor: cap.actor.clone(),
                        action: ActionJournal::UsagerLecture,
                        usager_id: Some(usager_id.get()),
                        section: Some(section.code()),
                        outcome: Outcome::Succes,
                        detail: with_motif(detail, cap.motif).to_string(),
                        at: now,
                    })
                    .await?;
            }
            Ok((cap, lues))
        }
        Err(refus) => {
            audit_refusal(
                store,
                &actor,
                Some(usager_id.get()),
                section,
                action,
                refus,
                now,
            )
            .await?;
            Err(StoreError::Denied(refus))
        }
    }
}

async fn audit_refusal(
    store: &Store,
    actor: &Actor,
    usager_id: Option<i64>,
    section: Section,
    action: Action,
    refus: Refus,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut tx = store.begin().await?;
    audit::append(
        &mut tx,
        &NewEntry {
            actor,
            action: ActionJournal::refus(action),
            usager_id,
            section: Some(section.code()),
            outcome: Outcome::Refus,
            detail: serde_json::json!({ "refus": refus }),
            at: now,
        },
    )
    .await?;
    tx.commit().await
}
