//! "My people": the people a professional accompanies, for their home page. By unit for
//! an account scoped by établissements (the people staying there today), the assigned
//! people for one scoped by assignment (home-care workers, relatives). One statement per
//! page (keyset on the unit and the name), audited as the search is (one entry listing the
//! files shown).

use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::policy::Portee;
use dui_domain::usager::{DateNaissance, Sexe};
use serde::Serialize;

use super::recherche::NomsUsager;
use crate::db::Store;
use crate::fiche::code;
use crate::policy::CapaciteRecherche;
use crate::sql::Args;
use crate::StoreResult;

/// One person of the home page.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PersonneAccueil {
    /// Usager id.
    pub id: UsagerId,
    /// The names.
    #[serde(flatten)]
    #[schema(inline)]
    pub noms: NomsUsager,
    /// Sex (`F`, `M`, `I` in JSON).
    pub sexe: Sexe,
    /// Birth date, possibly partial.
    pub date_naissance: DateNaissance,
    /// Établissement of the current stay (`None` for an assigned person without one).
    pub etablissement_id: Option<i64>,
    /// Its name.
    pub etablissement: Option<String>,
    /// Unit of the current stay.
    pub unite_id: Option<i64>,
    /// Its name.
    pub unite: Option<String>,
    /// Fingerprint of the photo, when there is one (part of its address).
    pub photo: Option<String>,
}

deref_vers!(PersonneAccueil => noms: NomsUsager);

const COLONNES: &str = "u.id, u.nom_naissance, u.nom_utilise, u.premier_prenom, u.prenom_utilise, u.sexe, u.date_naissance, u.nom_naissance_saisi, p.empreinte";

fn personne_from(r: &crate::sql::Row) -> StoreResult<PersonneAccueil> {
    Ok(PersonneAccueil {
        id: r.try_get("id")?,
        noms: NomsUsager::de(r)?,
        sexe: code(r, "sexe", Sexe::from_code)?,
        date_naissance: code(r, "date_naissance", |s| {
            DateNaissance::from_iso_ou_fr(s).ok()
        })?,
        etablissement_id: r.try_get("etab_id")?,
        etablissement: r.try_get("etab_nom")?,
        unite_id: r.try_get("unite_id")?,
        unite: r.try_get("unite_nom")?,
        photo: r.try_get("empreinte")?,
    })
}

/// The keyset cursor of the next page: `établissement|unité|id|clé du nom`.
fn curseur(etab: i64, unite: i64, id: i64, cle: &str) -> String {
    format!("{etab}|{unite}|{id}|{cle}")
}

fn lire_curseur(c: &str) -> Option<(i64, i64, i64, String)> {
    let mut it = c.splitn(4, '|');
    Some((
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.to_string(),
    ))
}

impl Store {
    /// Writes the audit entry of a search or a list of people (`usager.recherche`, with the
    /// ids shown in `detail`), through the group-committed read log.
    pub(crate) async fn journaliser_recherche(
        &self,
        who: &crate::policy::Principal,
        detail: serde_json::Value,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.reads
            .log(crate::read_log::ReadEntry {
                actor: who.actor(),
                action: dui_domain::journal::ActionJournal::UsagerRecherche,
                usager_id: None,
                section: Some("administratif"),
                outcome: crate::acteur::Outcome::Succes,
                detail: detail.to_string(),
                at: now,
            })
            .await
    }

    /// A page of the people `cap`'s holder accompanies, as listed on their home page: those
    /// staying today in the account's établissements, by établissement, unit and name; or
    /// the people assigned to the account, by name. `None` for a scope of one's own file.
    /// Audited as one search entry listing the files shown. Returns the page and the cursor
    /// of the next one.
    pub async fn mes_personnes(
        &self,
        cap: &CapaciteRecherche,
        cursor: Option<&str>,
        limit: i64,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Vec<PersonneAccueil>, Option<String>)>> {
        let who = cap.principal();
        let limit = limit.clamp(1, 200);
        let mut a = Args::default();
        let jour = today.format("%Y-%m-%d").to_string();
        let en_cours = |s: &str, a: &mut Args| {
            let j = a.arg(jour.as_str());
            format!("{s}.date_entree <= {j} AND ({s}.date_sortie IS NULL OR {s}.date_sortie > {j})")
        };
        let after = cursor.and_then(lire_curseur);
        let sql = match who.role.portee() {
            Portee::SoiMeme => return Ok(None),
            Portee::Etablissements => {
                let Some(&last) = who.etablissements.last() else {
                    return Ok(Some((Vec::new(), None)));
                };
                // The établissements padded to a power of two: one statement text per size.
                let n = who.etablissements.len().next_power_of_two();
                let marks: Vec<String> = (0..n)
                    .map(|k| a.arg(who.etablissements.get(k).copied().unwrap_or(last)))
                    .collect();
                let courant = en_cours("s", &mut a);
                let mut sql = format!(
                    "SELECT {COLONNES}, e.id AS etab_id, e.nom AS etab_nom, un.id AS unite_id, un.nom AS unite_nom, \
                     COALESCE(s.unite_id, 0) AS tri_unite, u.cle_nom AS cle_tri \
                     FROM sejour s JOIN usager u ON u.id = s.usager_id JOIN etablissement e ON e.id = s.etablissement_id \
                     LEFT JOIN unite un ON un.id = s.unite_id LEFT JOIN usager_photo p ON p.usager_id = u.id \
                     WHERE s.etablissement_id IN ({}) AND {courant} AND u.fusionne_dans IS NULL",
                    marks.join(", ")
                );
                if let Some((e, un, id, cle)) = after {
                    let (e, un, cle, id) = (a.arg(e), a.arg(un), a.arg(cle), a.arg(id));
                    sql.push_str(&format!(
                        " AND (s.etablissement_id, COALESCE(s.unite_id, 0), u.cle_nom, u.id) > ({e}, {un}, {cle}, {id})"
                    ));
                }
                sql.push_str(&format!(
                    " ORDER BY s.etablissement_id, COALESCE(s.unite_id, 0), u.cle_nom, u.id LIMIT {}",
                    limit + 1
                ));
                sql
            }
            Portee::Affectation => {
                // The service of the latest current stay, read for the few people of the page.
                let courant = en_cours("s", &mut a);
                let sejour = format!(
                    "(SELECT s.id FROM sejour s WHERE s.usager_id = u.id AND {courant} ORDER BY s.date_entree DESC, s.id DESC LIMIT 1)"
                );
                let moi = a.arg(who.id);
                let mut sql = format!(
                    "SELECT {COLONNES}, e.id AS etab_id, e.nom AS etab_nom, un.id AS unite_id, un.nom AS unite_nom, \
                     CAST(0 AS BIGINT) AS tri_unite, u.cle_nom AS cle_tri \
                     FROM affectation af JOIN usager u ON u.id = af.usager_id \
                     LEFT JOIN sejour sc ON sc.id = {sejour} \
                     LEFT JOIN etablissement e ON e.id = sc.etablissement_id LEFT JOIN unite un ON un.id = sc.unite_id \
                     LEFT JOIN usager_photo p ON p.usager_id = u.id \
                     WHERE af.utilisateur_id = {moi} AND u.fusionne_dans IS NULL"
                );
                if let Some((_, _, id, cle)) = after {
                    let (cle, id) = (a.arg(cle), a.arg(id));
                    sql.push_str(&format!(
                        " AND (u.cle_nom > {cle} OR (u.cle_nom = {cle} AND u.id > {id}))"
                    ));
                }
                sql.push_str(&format!(" ORDER BY u.cle_nom, u.id LIMIT {}", limit + 1));
                sql
            }
        };
        let mut q = crate::sql::query(&sql);
        for v in a.0 {
            q = q.bind(v);
        }
        let rows = q.fetch_all(self).await?;
        let more = rows.len() as i64 > limit;
        let mut out = Vec::with_capacity(rows.len());
        let mut next = None;
        for r in rows.iter().take(limit as usize) {
            let p = personne_from(r)?;
            let cle: String = r.try_get("cle_tri")?;
            let unite: i64 = r.try_get("tri_unite")?;
            next = Some(curseur(
                p.etablissement_id.unwrap_or(0),
                unite,
                p.id.get(),
                &cle,
            ));
            out.push(p);
        }
        let shown: Vec<i64> = out.iter().map(|p| p.id.get()).collect();
        self.journaliser_recherche(
            who,
            serde_json::json!({"texte": "", "liste": "accueil", "resultats": shown}),
            now,
        )
        .await?;
        Ok(Some((out, if more { next } else { None })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_reads_back_a_key_holding_the_separator() {
        let c = curseur(3, 0, 42, "DUPONT|JEAN");
        assert_eq!(lire_curseur(&c), Some((3, 0, 42, "DUPONT|JEAN".into())));
        assert_eq!(lire_curseur("x|1|2|A"), None);
    }
}
