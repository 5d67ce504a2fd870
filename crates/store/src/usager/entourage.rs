//! The usager's circle (REL-3): relatives, legal representatives, personne de confiance,
//! people to call; and the external professionals from the organisation's shared directory.

use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use dui_domain::usager::cle_recherche;
use dui_domain::usager::entourage::{
    erreurs_personne, MesureProtection, PersonneEntourage, Relation, RoleProfessionnel,
};
use serde::Serialize;

use super::exiger;
use crate::audit::{self, Actor};
use crate::db::Store;
use crate::fiche::{code, opt_code};
use crate::policy::Capability;
use crate::sql::{Query, Value};
use crate::stored::Stored;
use crate::{ts, StoreError, StoreResult};

/// A person of the circle.
pub type Entourage = Stored<EntourageInput>;

/// Fields of a person of the circle, validated by the caller.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EntourageInput {
    /// Family name.
    pub nom: String,
    /// First name.
    pub prenom: String,
    /// Relation (its code in JSON: parent, conjoint, enfant, tuteur…).
    pub relation: Relation,
    /// Legal protection measure (its code in JSON), for a legal representative.
    pub mesure_protection: Option<MesureProtection>,
    /// Measure start (ISO).
    pub mesure_debut: Option<String>,
    /// Measure end (ISO).
    pub mesure_fin: Option<String>,
    /// Judgment reference.
    pub mesure_reference: Option<String>,
    /// Named *personne de confiance*.
    pub personne_confiance: bool,
    /// Date of the written designation (ISO).
    pub date_designation: Option<String>,
    /// To call in an emergency.
    pub personne_a_prevenir: bool,
    /// Phone.
    pub telephone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Address.
    pub adresse: Option<String>,
    /// Comment.
    pub commentaire: Option<String>,
}

impl EntourageInput {
    /// The circle's rules this person breaks ([`erreurs_personne`]), as (field, French
    /// message); a date that is not ISO (`AAAA-MM-JJ`) is one.
    pub fn erreurs(&self) -> Vec<(&'static str, String)> {
        let mut e = Vec::new();
        let mut date = |champ: &'static str, v: &Option<String>| {
            let d = v
                .as_deref()
                .map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d"));
            match d {
                Some(Ok(d)) => Some(d),
                Some(Err(_)) => {
                    e.push((champ, "La date doit être au format AAAA-MM-JJ.".to_string()));
                    None
                }
                None => None,
            }
        };
        let p = PersonneEntourage {
            nom: &self.nom,
            prenom: &self.prenom,
            relation: self.relation,
            mesure_protection: self.mesure_protection,
            mesure_debut: date("mesure_debut", &self.mesure_debut),
            mesure_fin: date("mesure_fin", &self.mesure_fin),
            personne_confiance: self.personne_confiance,
            date_designation: date("date_designation", &self.date_designation),
            telephone: self.telephone.as_deref(),
            email: self.email.as_deref(),
        };
        for (champ, message) in erreurs_personne(&p) {
            if !e.iter().any(|(c, _)| *c == champ) {
                e.push((champ, message));
            }
        }
        e
    }

    /// The values of the columns the INSERT and the UPDATE write, in this order: nom, prenom,
    /// relation, mesure_protection, mesure_debut, mesure_fin, mesure_reference,
    /// personne_confiance, date_designation, personne_a_prevenir, telephone, email, adresse,
    /// commentaire.
    fn valeurs(&self) -> Vec<Value> {
        vec![
            self.nom.as_str().into(),
            self.prenom.as_str().into(),
            self.relation.code().into(),
            self.mesure_protection.map(MesureProtection::code).into(),
            self.mesure_debut.as_deref().into(),
            self.mesure_fin.as_deref().into(),
            self.mesure_reference.as_deref().into(),
            self.personne_confiance.into(),
            self.date_designation.as_deref().into(),
            self.personne_a_prevenir.into(),
            self.telephone.as_deref().into(),
            self.email.as_deref().into(),
            self.adresse.as_deref().into(),
            self.commentaire.as_deref().into(),
        ]
    }

    /// Refuses a person that breaks the circle's rules (checked before every write, so that
    /// the page and the API cannot diverge).
    fn verifier(&self) -> StoreResult<()> {
        let e = self.erreurs();
        if e.is_empty() {
            return Ok(());
        }
        Err(StoreError::Invalid(
            e.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" "),
        ))
    }
}

/// A professional of the shared directory.
pub type Professionnel = Stored<ProfessionnelInput>;

/// Fields of a professional, validated by the caller.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ProfessionnelInput {
    /// Family name.
    pub nom: String,
    /// First name.
    pub prenom: String,
    /// Function (médecin généraliste, référent ASE…).
    pub fonction: String,
    /// RPPS/ADELI.
    pub identifiant_pro: Option<String>,
    /// Structure (cabinet, conseil départemental, MDPH…).
    pub structure: Option<String>,
    /// Phone.
    pub telephone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// MSSanté address.
    pub mssante: Option<String>,
}

/// A professional linked to an usager, with their role for this person.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProfessionnelLie {
    /// The professional.
    #[serde(flatten)]
    pub professionnel: Professionnel,
    /// Role for this usager (its code in JSON: medecin_traitant, specialiste, referent_ase…).
    pub role: RoleProfessionnel,
}

pub(crate) const ENT_COLUMNS: &str = "id, nom, prenom, relation, mesure_protection, mesure_debut, mesure_fin, mesure_reference, personne_confiance, date_designation, \
    personne_a_prevenir, telephone, email, adresse, commentaire, version";

pub(crate) fn entourage_from(r: &crate::sql::Row) -> StoreResult<Entourage> {
    Ok(Entourage {
        id: r.try_get("id")?,
        fields: EntourageInput {
            nom: r.try_get("nom")?,
            prenom: r.try_get("prenom")?,
            relation: code(r, "relation", Relation::from_code)?,
            mesure_protection: opt_code(r, "mesure_protection", MesureProtection::from_code)?,
            mesure_debut: r.try_get("mesure_debut")?,
            mesure_fin: r.try_get("mesure_fin")?,
            mesure_reference: r.try_get("mesure_reference")?,
            personne_confiance: r.try_get::<i64, _>("personne_confiance")? != 0,
            date_designation: r.try_get("date_designation")?,
            personne_a_prevenir: r.try_get::<i64, _>("personne_a_prevenir")? != 0,
            telephone: r.try_get("telephone")?,
            email: r.try_get("email")?,
            adresse: r.try_get("adresse")?,
            commentaire: r.try_get("commentaire")?,
        },
        version: r.try_get("version")?,
    })
}

pub(crate) const PRO_COLUMNS: &str =
    "id, nom, prenom, fonction, identifiant_pro, structure, telephone, email, mssante, version";

pub(crate) fn pro_from(r: &crate::sql::Row) -> StoreResult<Professionnel> {
    Ok(Professionnel {
        id: r.try_get("id")?,
        fields: ProfessionnelInput {
            nom: r.try_get("nom")?,
            prenom: r.try_get("prenom")?,
            fonction: r.try_get("fonction")?,
            identifiant_pro: r.try_get("identifiant_pro")?,
            structure: r.try_get("structure")?,
            telephone: r.try_get("telephone")?,
            email: r.try_get("email")?,
            mssante: r.try_get("mssante")?,
        },
        version: r.try_get("version")?,
    })
}

impl Store {
    /// The active circle of the usager.
    pub async fn entourage(&self, cap: &Capability) -> StoreResult<Vec<Entourage>> {
        self.entourage_page(cap, crate::page::Page::TOUT).await
    }

    /// The person of the circle to call first (the file header's tap-to-call): someone
    /// with a phone number, the person to warn first, then the personne de confiance, then
    /// the legal representative, then by name.
    pub async fn entourage_a_appeler(&self, cap: &Capability) -> StoreResult<Option<Entourage>> {
        exiger(cap, Section::Administratif, Action::Lire)?;
        let row = crate::sql::query(&format!(
            "SELECT {ENT_COLUMNS} FROM entourage WHERE usager_id = $1 AND actif = 1 AND telephone IS NOT NULL AND telephone <> '' \
             ORDER BY personne_a_prevenir DESC, personne_confiance DESC, CASE WHEN mesure_protection IS NULL THEN 1 ELSE 0 END, nom, prenom, id LIMIT 1"
        ))
        .bind(cap.usager_id())
        .fetch_optional(self)
        .await?;
        row.as_ref().map(entourage_from).transpose()
    }

    /// One active person of the circle.
    pub async fn entourage_entry(
        &self,
        cap: &Capability,
        id: i64,
    ) -> StoreResult<Option<Entourage>> {
        exiger(cap, Section::Administratif, Action::Lire)?;
        let row = crate::sql::query(&format!(
            "SELECT {ENT_COLUMNS} FROM entourage WHERE id = $1 AND usager_id = $2 AND actif = 1"
        ))
        .bind(id)
        .bind(cap.usager_id())
        .fetch_optional(self)
        .await?;
        row.as_ref().map(entourage_from).transpose()
    }

    /// Adds a person to the circle (audited).
    pub async fn add_entourage(&self, cap: &Capability, e: &EntourageInput) -> StoreResult<i64> {
        e.borner()?;
        e.verifier()?;
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        if e.personne_confiance {
            // Only one personne de confiance at a time (CASF L311-5-1): the new one replaces.
            crate::sql::query("UPDATE entourage SET personne_confiance = 0, version = version + 1 WHERE usager_id = $1 AND personne_confiance = 1")
                .bind(cap.usager_id())
                .execute(&mut tx)
                .await?;
        }
        let q = crate::sql::query(
            "INSERT INTO entourage (usager_id, nom, prenom, relation, mesure_protection, mesure_debut, mesure_fin, mesure_reference, personne_confiance, \
             date_designation, personne_a_prevenir, telephone, email, adresse, commentaire, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
        )
        .bind(cap.usager_id())
        .binds(e.valeurs())
        .bind(ts(cap.at()));
        cap.inserer_audite(
            tx,
            q,
            ActionJournal::UsagerEntourageAjout,
            |id| serde_json::json!({"id": id, "relation": e.relation}),
        )
        .await
    }

    /// Updates a person of the circle with optimistic concurrency (audited).
    pub async fn update_entourage(
        &self,
        cap: &Capability,
        id: i64,
        version: i64,
        e: &EntourageInput,
    ) -> StoreResult<i64> {
        e.borner()?;
        e.verifier()?;
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        // The row as it was, kept as a version (`entourage_version`) once the change is made.
        let avant = crate::sql::query(&format!(
            "SELECT {ENT_COLUMNS} FROM entourage WHERE id = $1 AND usager_id = $2 AND version = $3 AND actif = 1"
        ))
        .bind(id)
        .bind(cap.usager_id())
        .bind(version)
        .fetch_optional(&mut tx)
        .await?;
        if e.personne_confiance {
            crate::sql::query("UPDATE entourage SET personne_confiance = 0, version = version + 1 WHERE usager_id = $1 AND personne_confiance = 1 AND id <> $2")
                .bind(cap.usager_id())
                .bind(id)
                .execute(&mut tx)
                .await?;
        }
        let done = crate::sql::query(
            "UPDATE entourage SET nom = $1, prenom = $2, relation = $3, mesure_protection = $4, mesure_debut = $5, mesure_fin = $6, mesure_reference = $7, \
             personne_confiance = $8, date_designation = $9, personne_a_prevenir = $10, telephone = $11, email = $12, adresse = $13, commentaire = $14, \
             version = version + 1, updated_at = $15 WHERE id = $16 AND usager_id = $17 AND version = $18 AND actif = 1",
        )
        .binds(e.valeurs())
        .bind(ts(cap.at()))
        .bind(id)
        .bind(cap.usager_id())
        .bind(version)
        .execute(&mut tx)
        .await?;
        if done == 0 {
            let exists = crate::sql::query(
                "SELECT id FROM entourage WHERE id = $1 AND usager_id = $2 AND actif = 1",
            )
            .bind(id)
            .bind(cap.usager_id())
            .fetch_optional(&mut tx)
            .await?;
            return Err(if exists.is_some() {
                StoreError::StaleVersion
            } else {
                StoreError::NotFound
            });
        }
        if let Some(avant) = avant {
            super::entourage_versions::garder(&mut tx, cap, &entourage_from(&avant)?).await?;
        }
        cap.commit_audite(
            tx,
            ActionJournal::UsagerEntourageModification,
            serde_json::json!({"id": id}),
        )
        .await?;
        Ok(version + 1)
    }

    /// Removes a person from the circle (kept, inactive; audited).
    pub async fn remove_entourage(&self, cap: &Capability, id: i64) -> StoreResult<()> {
        let q = crate::sql::query("UPDATE entourage SET actif = 0, version = version + 1, updated_at = $1 WHERE id = $2 AND usager_id = $3 AND actif = 1")
            .bind(ts(cap.at()))
            .bind(id)
            .bind(cap.usager_id());
        let detail = serde_json::json!({"id": id});
        self.retrait(cap, q, ActionJournal::UsagerEntourageRetrait, detail)
            .await
    }

    /// Withdraws one link of the circle with `q`: `NotFound` when it changed nothing, else
    /// audited as `action` with `detail` and committed.
    async fn retrait(
        &self,
        cap: &Capability,
        q: Query<'_>,
        action: ActionJournal,
        detail: serde_json::Value,
    ) -> StoreResult<()> {
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        if q.execute(&mut tx).await? == 0 {
            return Err(StoreError::NotFound);
        }
        cap.commit_audite(tx, action, detail).await
    }

    /// Searches the shared directory of professionals by name prefix (or lists the first).
    pub async fn professionnels(&self, q: &str, limit: i64) -> StoreResult<Vec<Professionnel>> {
        let page = crate::page::Page::first(limit);
        let items = self.professionnels_page(q, page).await?;
        Ok(page.split(items, |p| p.id).0)
    }

    /// One professional of the directory.
    pub async fn professionnel(&self, id: i64) -> StoreResult<Option<Professionnel>> {
        let row = crate::sql::query(&format!(
            "SELECT {PRO_COLUMNS} FROM professionnel WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self)
        .await?;
        row.as_ref().map(pro_from).transpose()
    }

    /// Adds a professional to the directory (audited).
    pub async fn create_professionnel(
        &self,
        actor: &Actor,
        p: &ProfessionnelInput,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        p.borner()?;
        let mut tx = self.begin().await?;
        let id: i64 = crate::sql::query(
            "INSERT INTO professionnel (nom, prenom, fonction, identifiant_pro, structure, telephone, email, mssante, cle_nom, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(p.nom.as_str())
        .bind(p.prenom.as_str())
        .bind(p.fonction.as_str())
        .bind(p.identifiant_pro.as_deref())
        .bind(p.structure.as_deref())
        .bind(p.telephone.as_deref())
        .bind(p.email.as_deref())
        .bind(p.mssante.as_deref())
        .bind(cle_recherche(&format!("{} {}", p.nom, p.prenom)))
        .bind(ts(now))
        .fetch_scalar(&mut tx)
        .await?;
        audit::commit_succes(
            tx,
            actor,
            ActionJournal::AnnuaireProfessionnelCreation,
            serde_json::json!({"id": id}),
            now,
        )
        .await?;
        Ok(id)
    }

    /// Professionals linked to the usager.
    pub async fn professionnels_usager(
        &self,
        cap: &Capability,
    ) -> StoreResult<Vec<ProfessionnelLie>> {
        self.professionnels_usager_page(cap, None, i64::MAX - 1)
            .await
    }

    /// Links a professional to the usager with a role (audited).
    pub async fn link_professionnel(
        &self,
        cap: &Capability,
        professionnel_id: i64,
        role: RoleProfessionnel,
    ) -> StoreResult<()> {
        let mut tx = self
            .ecriture(cap, Section::Administratif, Action::Ecrire)
            .await?;
        if role == RoleProfessionnel::MedecinTraitant {
            // One médecin traitant at a time: the new one replaces the previous.
            crate::sql::query("DELETE FROM usager_professionnel WHERE usager_id = $1 AND role = 'medecin_traitant'").bind(cap.usager_id()).execute(&mut tx).await?;
        }
        crate::sql::query("INSERT INTO usager_professionnel (usager_id, professionnel_id, role, created_at) VALUES ($1, $2, $3, $4)")
            .bind(cap.usager_id())
            .bind(professionnel_id)
            .bind(role.code())
            .bind(ts(cap.at()))
            .execute(&mut tx)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => StoreError::Conflict("Ce professionnel est déjà lié à cet usager avec ce rôle.".into()),
                other => other,
            })?;
        cap.commit_audite(
            tx,
            ActionJournal::UsagerProfessionnelLien,
            serde_json::json!({"professionnel_id": professionnel_id, "role": role.code()}),
        )
        .await?;
        Ok(())
    }

    /// Unlinks a professional (audited).
    pub async fn unlink_professionnel(
        &self,
        cap: &Capability,
        professionnel_id: i64,
        role: RoleProfessionnel,
    ) -> StoreResult<()> {
        let q = crate::sql::query("DELETE FROM usager_professionnel WHERE usager_id = $1 AND professionnel_id = $2 AND role = $3")
            .bind(cap.usager_id())
            .bind(professionnel_id)
            .bind(role.code());
        let detail = serde_json::json!({"professionnel_id": professionnel_id, "role": role.code()});
        self.retrait(cap, q, ActionJournal::UsagerProfessionnelRetrait, detail)
            .await
    }
}
