//! Creating an usager's file with its checks: the right to create, the établissement, the
//! identity rules (through the caller's validation), the duplicate check and the INS
//! already given to another file. One call for the page form and the API.

use chrono::{DateTime, Utc};
use dui_domain::identifiers::Finess;
use dui_domain::policy::Matrice;
use dui_domain::usager::creation::{
    decider_doublons, peut_confirmer_doublon, peut_creer, DecisionDoublons, RefusCreation,
};

use super::{identite_valeurs, name_line, name_words, sort_key, write_names};
use super::{Candidat, IdentiteInput, TraitsCompares};
use crate::audit::{self, Actor, NewEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::policy::Principal;
use crate::{ts, StoreResult};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::usager::cle_phonetique;

/// What the caller asks besides the identity.
#[derive(Debug, Clone, Copy)]
pub struct DemandeCreation<'a> {
    /// FINESS of the établissement as typed (empty: the caller's only établissement).
    pub etablissement: &'a str,
    /// The caller confirms that the probable duplicates are other people.
    pub confirme: bool,
}

/// A validated identity, ready to be written.
#[derive(Debug, Clone)]
pub struct NouvelUsager {
    /// The identity.
    pub identite: IdentiteInput,
    /// The NIR typed, if any.
    pub nir: Option<String>,
    /// Entry date of the first stay (ISO).
    pub date_entree: String,
}

/// The outcome of a creation attempt.
#[derive(Debug)]
pub enum IssueCreation {
    /// Created with this id.
    Cree(dui_domain::ids::UsagerId),
    /// Probable duplicates, not confirmed: nothing created.
    Doublons(Vec<Candidat>),
    /// A candidate already carries this INS: nothing created.
    InsDejaAttribuee(Vec<Candidat>),
    /// Refused (rights, établissement): nothing created.
    Refusee(RefusCreation),
}

impl Store {
    /// Creates an usager's file after its checks, in this order: the caller's profile, the
    /// établissement (and that the caller works there), the identity (`valider`, the
    /// caller's parsing of its input; its error is returned as is), the duplicate check,
    /// the confirmation right and the INS already given to another file.
    pub async fn create_usager_checked<E: From<StoreError>>(
        &self,
        who: &Principal,
        m: &Matrice,
        demande: DemandeCreation<'_>,
        valider: impl FnOnce() -> Result<NouvelUsager, E>,
        now: DateTime<Utc>,
    ) -> Result<IssueCreation, E> {
        if !peut_creer(m, who.role) {
            return Ok(IssueCreation::Refusee(RefusCreation::Profil));
        }
        let finess = demande.etablissement.trim();
        let etab = if finess.is_empty() {
            // One établissement only: no need to choose.
            match who.etablissements.as_slice() {
                [one] => self.etablissement(*one).await?,
                _ => return Ok(IssueCreation::Refusee(RefusCreation::EtablissementAChoisir)),
            }
        } else {
            match Finess::parse(finess) {
                Ok(f) => self.etablissement_by_finess(f.as_str()).await?,
                Err(e) => {
                    return Ok(IssueCreation::Refusee(RefusCreation::FinessInvalide(
                        e.to_string(),
                    )))
                }
            }
        };
        let Some(etab) = etab else {
            return Ok(IssueCreation::Refusee(RefusCreation::FinessInconnu));
        };
        if !who.etablissements.contains(&etab.id) {
            return Ok(IssueCreation::Refusee(RefusCreation::HorsEtablissement));
        }
        let n = valider()?;
        let i = &n.identite;
        let traits = TraitsCompares {
            nom_naissance: &i.nom_naissance,
            nom_utilise: i.nom_utilise.as_deref(),
            premier_prenom: i
                .prenoms_naissance
                .first()
                .map(String::as_str)
                .unwrap_or(""),
            date_naissance: &i.date_naissance,
            ins: n.nir.as_deref(),
            prenoms: &i.prenoms_naissance,
        };
        let candidats = self.doublons(who, m, &traits, None, now).await?;
        match decider_doublons(
            !candidats.is_empty(),
            candidats.iter().any(|c| c.meme_ins),
            demande.confirme,
            peut_confirmer_doublon(m, who.role),
        ) {
            DecisionDoublons::Montrer => return Ok(IssueCreation::Doublons(candidats)),
            DecisionDoublons::Refus => {
                return Ok(IssueCreation::Refusee(RefusCreation::ConfirmationReservee))
            }
            DecisionDoublons::InsDejaAttribuee => {
                return Ok(IssueCreation::InsDejaAttribuee(candidats))
            }
            DecisionDoublons::Creer => {}
        }
        let ids: Vec<i64> = candidats.iter().map(|c| c.id).collect();
        let id = self
            .create_usager(
                &who.actor(),
                i,
                n.nir.as_deref(),
                etab.id,
                &n.date_entree,
                &ids,
                now,
            )
            .await?;
        Ok(IssueCreation::Cree(id))
    }
}

// The creation itself, once the rules above have let it through.
impl Store {
    /// Creates an usager with a first stay in `etablissement_id` (the caller checked that the
    /// actor may create files there). `non_doublons` are the candidates the actor confirmed
    /// as different people. Audited in the same transaction. Crate-private: files are created
    /// through [`Store::create_usager_checked`] (or in bulk for demo data and benchmarks).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn create_usager(
        &self,
        actor: &Actor,
        i: &IdentiteInput,
        nir: Option<&str>,
        etablissement_id: i64,
        date_entree: &str,
        non_doublons: &[i64],
        now: DateTime<Utc>,
    ) -> StoreResult<UsagerId> {
        i.borner()?;
        let words = name_words(i);
        let mut tx = self.begin().await?;
        let id: UsagerId = crate::sql::query(
            "INSERT INTO usager (nom_naissance, prenoms_naissance, premier_prenom, date_naissance, sexe, lieu_naissance, nom_utilise, prenom_utilise, \
             matricule_ins, statut_identite, attributs_identite, cle_nom, cle_phonetique, referent_id, cles_noms, nom_naissance_saisi, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'PROV', $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
        )
        .binds(identite_valeurs(i)?)
        .bind(nir)
        // Created although close to existing files: an homonym to watch (RNIV attribute HOMA).
        .bind(if non_doublons.is_empty() { "" } else { "HOMA" })
        .bind(sort_key(i))
        .bind(cle_phonetique(&i.nom_naissance))
        .bind(i.referent_id)
        .bind(name_line(&words))
        .bind(i.nom_naissance_saisi.as_deref())
        .bind(ts(now))
        .fetch_scalar(&mut tx)
        .await?;
        write_names(&mut tx, id, &words).await?;
        if i.referent_id.is_some() {
            super::equipe::suivre_referent(&mut tx, id, i.referent_id, actor, now).await?;
        }
        crate::sql::query("INSERT INTO sejour (usager_id, etablissement_id, date_entree, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(id)
            .bind(etablissement_id)
            .bind(date_entree)
            .bind(ts(now))
            .execute(&mut tx)
            .await?;
        for &other in non_doublons {
            let (a, b) = if other < id.get() {
                (other, id.get())
            } else {
                (id.get(), other)
            };
            crate::sql::query("INSERT INTO usager_non_doublon (usager_a, usager_b, confirme_par, confirme_at) VALUES ($1, $2, $3, $4)")
                .bind(a)
                .bind(b)
                .bind(actor.utilisateur_id.unwrap_or_default())
                .bind(ts(now))
                .execute(&mut tx)
                .await?;
        }
        audit::append(
            &mut tx,
            &NewEntry::succes_administratif(actor, ActionJournal::UsagerCreation, Some(id.get()), serde_json::json!({"etablissement_id": etablissement_id, "doublons_ecartes": non_doublons}), now),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}
