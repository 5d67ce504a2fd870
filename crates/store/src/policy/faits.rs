//! The facts of a decision about one file, read in one statement: light (the stays'
//! établissements and ends, the account's links, the referent) for every authorization, or
//! with the identity, the stays and the photo for the opening of the file. Nothing of it
//! leaves the store before the decision allows it.

use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::policy::Faits;

use super::Principal;
use crate::db::Store;
use crate::page::{Page, Tri};
use crate::sql::Row;
use crate::{parse_ts, ts, Engine, StoreError, StoreResult};

/// The account's links to the file `$1` (account `$2`, at `$3`): assignment and running
/// break-the-glass access.
const LIENS: &str = "(SELECT COUNT(*) FROM affectation WHERE utilisateur_id = $2 AND usager_id = $1) AS f_affecte, \
     (SELECT MAX(expires_at) FROM acces_exceptionnel WHERE utilisateur_id = $2 AND usager_id = $1 AND expires_at > $3) AS f_bris";

/// The facts of a decision and the file's referent (who may read its traceability).
pub(crate) struct FaitsDossier {
    pub faits: Faits,
    pub referent_id: Option<i64>,
}

/// The facts with the file itself (the opening of a file).
pub(crate) struct Loaded {
    pub faits: Faits,
    pub usager: crate::fiche::Usager,
    pub sejours: Vec<crate::fiche::Sejour>,
    pub photo: Option<String>,
}

/// The facts about `who` and the file `usager_id`, `None` when there is no such file: one
/// short statement (this runs on every authorization).
pub(crate) async fn load_faits(
    store: &Store,
    who: &Principal,
    usager_id: UsagerId,
    now: DateTime<Utc>,
) -> StoreResult<Option<FaitsDossier>> {
    let row = crate::sql::query(&faits_sql(store.engine()))
        .bind(usager_id)
        .bind(who.id)
        .bind(ts(now))
        .fetch_optional(store)
        .await?;
    row.map(|r| faits_dossier(&r, who, usager_id, now))
        .transpose()
}

/// [`load_faits`] and, in the same statement, one page of `select` (the file `$1`'s rows of
/// a list, in the order `tri`): the rows are only read here; the caller shows them only
/// once the decision allows it. One round trip for a file's list opened many times a day.
pub(crate) async fn load_faits_et_page(
    store: &Store,
    who: &Principal,
    usager_id: UsagerId,
    now: DateTime<Utc>,
    (select, tri, page): (&str, Tri<'_>, Page),
) -> StoreResult<Option<(FaitsDossier, Vec<Row>)>> {
    let sql = format!(
        "SELECT f.*, p.* FROM ({}) f LEFT JOIN ({}) p ON 1 = 1 ORDER BY {}",
        faits_sql(store.engine()),
        tri.page_sql(select, 3, page),
        tri.order_by(Some("p"))
    );
    let q = crate::sql::query(&sql)
        .bind(usager_id)
        .bind(who.id)
        .bind(ts(now));
    let rows = page.lier(q).fetch_all(store).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let faits = faits_dossier(first, who, usager_id, now)?;
    // No row of the page: the facts' row alone, its page columns empty.
    let mut lignes = Vec::with_capacity(rows.len());
    for r in rows {
        if r.try_get::<Option<i64>, _>(tri.id.rsplit('.').next().unwrap_or(tri.id))?
            .is_some()
        {
            lignes.push(r);
        }
    }
    Ok(Some((faits, lignes)))
}

/// The light facts' statement: file `$1`, account `$2`, at `$3`.
fn faits_sql(engine: Engine) -> String {
    // Each stay as `etablissement:date_sortie`, comma separated (ids and ISO dates hold
    // neither separator).
    let sejours = match engine {
        Engine::Sqlite => {
            "group_concat(s.etablissement_id || ':' || COALESCE(s.date_sortie, ''), ',')"
        }
        Engine::Postgres => {
            "string_agg(s.etablissement_id::text || ':' || COALESCE(s.date_sortie, ''), ',')"
        }
    };
    format!(
        "SELECT referent_id AS f_referent, (SELECT {sejours} FROM sejour s WHERE s.usager_id = $1) AS f_sejours, {LIENS} \
         FROM usager WHERE id = $1"
    )
}

/// The facts of a row of [`faits_sql`].
fn faits_dossier(
    row: &Row,
    who: &Principal,
    usager_id: UsagerId,
    now: DateTime<Utc>,
) -> StoreResult<FaitsDossier> {
    let liste: Option<String> = row.try_get("f_sejours")?;
    let mut etablissements = Vec::new();
    let mut sorties = Vec::new();
    for sejour in liste
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
    {
        let (etablissement, sortie) = sejour.split_once(':').unwrap_or((sejour, ""));
        etablissements.push(etablissement.parse::<i64>().map_err(|_| {
            StoreError::Corrupt(format!(
                "établissement {etablissement:?} illisible dans un séjour"
            ))
        })?);
        let sortie = Some(sortie).filter(|d| !d.is_empty());
        sorties.push(sortie.map(date_sortie).transpose()?);
    }
    Ok(FaitsDossier {
        faits: faits(who, usager_id, etablissements, &sorties, row, now)?,
        referent_id: row.try_get("f_referent")?,
    })
}

/// The facts with the identity, the stays (with their établissement and unit) and the photo's
/// fingerprint, in one round trip (the opening of a file).
pub(crate) async fn load_facts_and_usager(
    store: &Store,
    who: &Principal,
    usager_id: UsagerId,
    now: DateTime<Utc>,
) -> StoreResult<Option<Loaded>> {
    let (pairs, from) = (crate::fiche::sejour_json_pairs(), crate::fiche::SEJOUR_FROM);
    let (agg, cast) = match store.engine() {
        Engine::Sqlite => ("json_group_array(json_object", ""),
        Engine::Postgres => ("json_agg(json_build_object", "::text"),
    };
    let stays = format!("(SELECT {agg}({pairs}) ORDER BY s.date_entree DESC, s.id DESC){cast} FROM {from} WHERE s.usager_id = $1)");
    let row = crate::sql::query(&format!(
        "SELECT {}, {stays} AS f_sejours, (SELECT empreinte FROM usager_photo WHERE usager_id = $1) AS f_photo, {LIENS} \
         FROM usager WHERE id = $1",
        crate::fiche::USAGER_COLUMNS
    ))
    .bind(usager_id)
    .bind(who.id)
    .bind(ts(now))
    .fetch_optional(store)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let stays: Option<String> = row.try_get("f_sejours")?;
    let sejours = crate::fiche::sejours_from_json(stays.as_deref())?;
    let etablissements = sejours.iter().map(|s| s.etablissement_id).collect();
    let sorties = sejours
        .iter()
        .map(|s| s.date_sortie.as_deref().map(date_sortie).transpose())
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Some(Loaded {
        faits: faits(who, usager_id, etablissements, &sorties, &row, now)?,
        usager: crate::fiche::usager_from(&row)?,
        sejours,
        photo: row.try_get("f_photo")?,
    }))
}

fn date_sortie(d: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
        StoreError::Corrupt(format!("date {d:?} illisible dans la colonne date_sortie"))
    })
}

/// The facts from the stays' établissements and ends and the links read by [`LIENS`].
fn faits(
    who: &Principal,
    usager_id: UsagerId,
    mut etablissements_usager: Vec<i64>,
    sorties: &[Option<NaiveDate>],
    row: &Row,
    now: DateTime<Utc>,
) -> StoreResult<Faits> {
    etablissements_usager.sort_unstable();
    etablissements_usager.dedup();
    let affecte: i64 = row.try_get("f_affecte")?;
    let bris: Option<String> = row.try_get("f_bris")?;
    let aujourdhui = now.with_timezone(&chrono_tz::Europe::Paris).date_naive();
    Ok(Faits {
        dossier_clos: dui_domain::suivi::dossier_clos(sorties, aujourdhui),
        etablissements_utilisateur: who.etablissements.clone(),
        etablissements_usager,
        affecte: affecte > 0,
        soi_meme: who.usager_id == Some(usager_id.get()),
        acces_exceptionnel_jusqua: bris.map(|s| parse_ts(&s)).transpose()?,
    })
}
