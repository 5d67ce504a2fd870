//! INSi paths of the person file: one INS, one file (the file that already holds a matricule
//! INS, told as a duplicate candidate; the unique partial index `usager_ins_unique` of
//! migration 0012 makes it hold on every path), and the audit of INSi calls that change
//! nothing.

use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Matrice, Section};

use super::{check, numero, Candidat};
use crate::audit::Outcome;
use crate::db::Store;
use crate::policy::{Capability, Principal};
use crate::{StoreError, StoreResult};

/// The refusal when a matricule INS would be held by two live files.
pub const INS_DEJA_ATTRIBUEE: &str = "Cette INS est déjà celle d'un autre dossier : elle n'a pas été enregistrée. S'il s'agit de la même personne, fusionnez les deux dossiers.";

/// A unique violation on the INS of a file, told as [`INS_DEJA_ATTRIBUEE`].
pub(crate) fn conflit_ins(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict(_) => StoreError::Conflict(INS_DEJA_ATTRIBUEE.into()),
        other => other,
    }
}

impl Store {
    /// The live (not merged) file other than the capability's that holds `matricule` (15
    /// characters), as a duplicate candidate: in full when `who` may open it, otherwise only
    /// its existence. When one is found the check is audited on the file (`usager.doublons`,
    /// detail `{"ins": true, "candidats": […], "hors_perimetre": […]}`), as duplicate checks are.
    pub async fn titulaire_ins(
        &self,
        cap: &Capability,
        who: &Principal,
        matrix: &Matrice,
        matricule: &str,
    ) -> StoreResult<Option<Candidat>> {
        let id = cap.usager_id();
        let now = cap.at();
        check(cap, id, Section::Administratif, Action::Valider)?;
        let row = crate::sql::query(
            "SELECT id, nom_naissance, nom_utilise, premier_prenom, date_naissance FROM usager \
             WHERE matricule_ins = $1 AND fusionne_dans IS NULL AND id <> $2 ORDER BY id",
        )
        .bind(matricule)
        .bind(id)
        .fetch_optional(self)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let autre: i64 = r.try_get(0)?;
        let visible = self.visible_to(who, matrix, autre, now).await?;
        let c = Candidat {
            id: autre,
            numero: visible.then(|| numero(autre)),
            motif: "même matricule INS".into(),
            meme_ins: true,
            visible,
            nom_naissance: if visible { r.try_get(1)? } else { None },
            nom_utilise: if visible { r.try_get(2)? } else { None },
            premier_prenom: if visible { r.try_get(3)? } else { None },
            date_naissance: if visible { r.try_get(4)? } else { None },
            lieu_naissance: None,
            statut_identite: None,
            etablissements: Vec::new(),
        };
        let (montres, caches) = if visible {
            (vec![autre], vec![])
        } else {
            (vec![], vec![autre])
        };
        self.reads
            .log(crate::read_log::ReadEntry {
                actor: cap.actor().clone(),
                action: ActionJournal::UsagerDoublons,
                usager_id: Some(id.get()),
                section: Some(Section::Administratif.code()),
                outcome: Outcome::Succes,
                detail:
                    serde_json::json!({"ins": true, "candidats": montres, "hors_perimetre": caches})
                        .to_string(),
                at: now,
            })
            .await?;
        Ok(Some(c))
    }

    /// Records a call to INSi on the file that changed nothing (no identity, several, a
    /// fault with its `siram_*` and `desir_*` codes, a verification not confirmed): `detail`
    /// says what, `succes` whether the call itself went through.
    pub async fn journal_insi(
        &self,
        cap: &Capability,
        succes: bool,
        detail: serde_json::Value,
    ) -> StoreResult<()> {
        let id = cap.usager_id();
        check(cap, id, Section::Administratif, Action::Valider)?;
        self.reads
            .log(crate::read_log::ReadEntry {
                actor: cap.actor().clone(),
                action: ActionJournal::UsagerInsi,
                usager_id: Some(id.get()),
                section: Some(Section::Administratif.code()),
                outcome: if succes {
                    Outcome::Succes
                } else {
                    Outcome::Echec
                },
                detail: detail.to_string(),
                at: cap.at(),
            })
            .await
    }

    /// Which of `matricules` some file already holds. For bulk imports (the demo generator
    /// draws INS matricules that must not repeat); never called from a request.
    pub async fn ins_deja_attribuees(
        &self,
        matricules: &[String],
    ) -> StoreResult<std::collections::HashSet<String>> {
        let mut pris = std::collections::HashSet::new();
        for lot in matricules.chunks(500) {
            let marques = crate::sql::marqueurs(1, lot.len());
            let sql = format!(
                "SELECT matricule_ins FROM usager WHERE matricule_ins IN ({})",
                marques
            );
            let mut q = crate::sql::query(&sql);
            for m in lot {
                q = q.bind(m.as_str());
            }
            for r in q.fetch_all(self).await? {
                let m: String = r.try_get(0)?;
                pris.insert(m);
            }
        }
        Ok(pris)
    }
}
