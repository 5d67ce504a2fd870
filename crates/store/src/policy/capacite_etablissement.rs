//! What the capabilities decided without a file share: a page spanning the files of one
//! établissement (presences, a unit's care) is decided once for the établissement
//! ([`CapaciteEtablissement`], one type per kind of page through its marker), and every
//! decision without a file answers the same way ([`decider`]: the capability when allowed,
//! no round trip; a refusal audited and returned as `Denied`).

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Matrice, PageEtablissement, Refus, Section};

use super::{audit_refusal, Principal};
use crate::audit::{self, NewEntry, Outcome};
use crate::db::Store;
use crate::sql::{Query, Tx};
use crate::{StoreError, StoreResult};

/// What a capability granted to an account without a file share holds (the agenda, the
/// applications, the pages of one établissement): who, which action, when. Each capability
/// reaches it through `Deref`.
#[derive(Clone, Debug)]
pub struct Accord {
    pub(crate) who: Principal,
    pub(crate) action: Action,
    pub(crate) at: DateTime<Utc>,
}

impl Accord {
    /// Granted to `who` for `action` at `at`.
    pub(crate) fn new(who: &Principal, action: Action, at: DateTime<Utc>) -> Self {
        Self {
            who: who.clone(),
            action,
            at,
        }
    }
    /// The account.
    pub fn principal(&self) -> &Principal {
        &self.who
    }
    /// The action granted.
    pub fn action(&self) -> Action {
        self.action
    }
    /// When it was granted.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }
}

/// Proof that the policy let an account `action` the pages of one établissement of kind `T`
/// (a marker: [`super::presence::Presences`], [`super::soins::SoinsUnite`]). Only the
/// `authorize_…` function of that kind builds one.
#[derive(Clone, Debug)]
pub struct CapaciteEtablissement<T> {
    accord: Accord,
    pub(crate) etablissement_id: i64,
    quoi: PhantomData<T>,
}

impl<T> std::ops::Deref for CapaciteEtablissement<T> {
    type Target = Accord;
    fn deref(&self) -> &Accord {
        &self.accord
    }
}

impl<T> CapaciteEtablissement<T> {
    /// Granted to `who` for `action` on `etablissement_id` at `at`.
    pub(crate) fn accordee(
        who: &Principal,
        etablissement_id: i64,
        action: Action,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            accord: Accord::new(who, action, at),
            etablissement_id,
            quoi: PhantomData,
        }
    }
    /// The établissement.
    pub fn etablissement_id(&self) -> i64 {
        self.etablissement_id
    }

    /// Logs a read of these pages (one entry naming the files shown in `detail`), on
    /// `section`.
    pub(crate) async fn journal_lecture(
        &self,
        store: &Store,
        (section, action): (Section, ActionJournal),
        detail: serde_json::Value,
    ) -> StoreResult<()> {
        store
            .reads
            .log(crate::read_log::ReadEntry {
                actor: self.who.actor(),
                action,
                usager_id: None,
                section: Some(section.code()),
                outcome: Outcome::Succes,
                detail: detail.to_string(),
                at: self.at,
            })
            .await
    }

    /// Appends the audit entry of a save on these pages (one entry naming the files in
    /// `detail`), on `section`.
    pub(crate) async fn journal_saisie(
        &self,
        tx: &mut Tx,
        (section, action): (Section, ActionJournal),
        detail: serde_json::Value,
    ) -> StoreResult<()> {
        let entree = NewEntry {
            actor: &self.who.actor(),
            action,
            usager_id: None,
            section: Some(section.code()),
            outcome: Outcome::Succes,
            detail,
            at: self.at,
        };
        audit::append(tx, &entree).await?;
        Ok(())
    }

    /// Changes row `id` of `table` read at `version`: `q`, an `UPDATE … WHERE id = $n AND
    /// version = $n+1` (`StaleVersion` or `NotFound` when it touches nothing), then its audit
    /// entry on `section` ([`Self::journal_saisie`]) and the commit. The new version.
    pub(crate) async fn modification_auditee(
        &self,
        mut tx: Tx,
        (q, table, id, version): (Query<'_>, &str, i64, i64),
        quoi: (Section, ActionJournal),
        detail: serde_json::Value,
    ) -> StoreResult<i64> {
        q.execute_versioned(&mut tx, table, id, version).await?;
        self.journal_saisie(&mut tx, quoi, detail).await?;
        tx.commit().await?;
        Ok(version + 1)
    }
}

/// The capability `accordee(permis)` when `decision` allows (`Ok(permis)`), no round trip; otherwise the refusal
/// audited (as `action` on `section`, no file) and returned as `Denied`.
pub(crate) async fn decider<T, C>(
    store: &Store,
    who: &Principal,
    decision: Result<T, Refus>,
    (section, action): (Section, Action),
    now: DateTime<Utc>,
    accordee: impl FnOnce(T) -> C,
) -> StoreResult<C> {
    match decision {
        Ok(permis) => Ok(accordee(permis)),
        Err(refus) => {
            audit_refusal(store, &who.actor(), None, section, action, refus, now).await?;
            Err(StoreError::Denied(refus))
        }
    }
}

/// Decides by the domain's rule `page` whether `who` may `action` the pages of kind `T` of
/// `etablissement_id`: the capability when allowed, no round trip; a refusal audited (as
/// `action` on `section`) and returned as `Denied`.
pub(crate) async fn autoriser<T>(
    store: &Store,
    (matrix, page): (&Matrice, PageEtablissement),
    who: &Principal,
    etablissement_id: i64,
    (section, action): (Section, Action),
    now: DateTime<Utc>,
) -> StoreResult<CapaciteEtablissement<T>> {
    let decision = page.peut(
        matrix,
        who.role,
        &who.etablissements,
        etablissement_id,
        action,
    );
    decider(store, who, decision, (section, action), now, |()| {
        CapaciteEtablissement::accordee(who, etablissement_id, action, now)
    })
    .await
}

/// `authorize_…`, the public door of one kind of page of an établissement: its name, its
/// capability, the domain's rule and the section a refusal is audited on (by action).
macro_rules! autorisation_etablissement {
    ($(#[$doc:meta])* $nom:ident -> $capacite:ty: $page:path, $section:expr) => {
        $(#[$doc])*
        pub async fn $nom(
            store: &$crate::db::Store,
            matrix: &::dui_domain::policy::Matrice,
            who: &$crate::policy::Principal,
            etablissement_id: i64,
            action: ::dui_domain::policy::Action,
            now: ::chrono::DateTime<::chrono::Utc>,
        ) -> $crate::StoreResult<$capacite> {
            let section: fn(::dui_domain::policy::Action) -> ::dui_domain::policy::Section =
                $section;
            $crate::policy::capacite_etablissement::autoriser(
                store,
                (matrix, $page),
                who,
                etablissement_id,
                (section(action), action),
                now,
            )
            .await
        }
    };
}
pub(crate) use autorisation_etablissement;
