//! Finding usagers: by any name (accent- and case-insensitive prefix), birth date, INS,
//! internal number; only among the usagers the user may see.
//!
//! Names are indexed one word per row in `usager_nom(cle, usager_id)` (accent-free upper
//! case, C collation): a prefix is a range scan on that index, read in index order, so a
//! page of results stops after `limit` visible rows instead of sorting every match.

use chrono::{DateTime, Utc};
use dui_domain::policy::Portee;
use dui_domain::usager::cle_recherche;
use serde::Serialize;

use crate::audit::Outcome;
use crate::db::Store;
use crate::policy::Principal;
use crate::{ts, StoreResult};

/// A search request.
#[derive(Clone, Debug, Default)]
pub struct Recherche {
    /// What was typed: names, a birth date, an INS/NIR, an internal number.
    pub texte: String,
    /// Only usagers staying in this établissement.
    pub etablissement: Option<i64>,
    /// Page size.
    pub limit: i64,
    /// Opaque cursor from the previous page.
    pub cursor: Option<String>,
}

/// One usager found.
#[derive(Clone, Debug, Serialize)]
pub struct ResultatRecherche {
    /// Id.
    pub id: i64,
    /// Internal number.
    pub numero: String,
    /// Nom de naissance.
    pub nom_naissance: String,
    /// Nom utilisé.
    pub nom_utilise: Option<String>,
    /// Premier prénom de naissance.
    pub premier_prenom: String,
    /// Prénom utilisé.
    pub prenom_utilise: Option<String>,
    /// Birth date (ISO, 00 for unknown parts).
    pub date_naissance: String,
    /// Sex.
    pub sexe: String,
    /// RNIV status code.
    pub statut_identite: String,
    /// Établissements of the usager's stays.
    pub etablissements: Vec<String>,
}

/// What the typed text means.
#[derive(Debug, PartialEq)]
enum Critere {
    Noms(Vec<String>, Option<String>),
    Date(String),
    Ins(String),
    Numero(i64),
    /// Nothing typed but an établissement chosen: everyone visible there.
    Tous,
    Rien,
}

/// Reads "12/04/1938" or "1938-04-12" as an ISO date.
fn as_date(s: &str) -> Option<String> {
    let s = s.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%d/%m/%Y") {
        return Some(d.format("%Y-%m-%d").to_string());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d.format("%Y-%m-%d").to_string());
    }
    None
}

fn parse(texte: &str) -> Critere {
    let t = texte.trim();
    if t.is_empty() {
        return Critere::Rien;
    }
    if let Some(d) = as_date(t) {
        return Critere::Date(d);
    }
    let compact: String = t
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if compact.len() == 15
        && compact
            .chars()
            .all(|c| c.is_ascii_digit() || c == 'A' || c == 'B')
    {
        return Critere::Ins(compact);
    }
    let num = compact.strip_prefix('U').unwrap_or(&compact);
    if !num.is_empty() && num.len() <= 10 && num.chars().all(|c| c.is_ascii_digit()) {
        return num.parse().map(Critere::Numero).unwrap_or(Critere::Rien);
    }
    // Names, possibly with a birth date among the words.
    let mut date = None;
    let mut words = Vec::new();
    for w in t.split_whitespace() {
        match as_date(w) {
            Some(d) => date = Some(d),
            None => words.extend(
                cle_recherche(w)
                    .split(' ')
                    .filter(|x| !x.is_empty())
                    .map(str::to_string),
            ),
        }
    }
    if words.is_empty() {
        return date.map(Critere::Date).unwrap_or(Critere::Rien);
    }
    // Longest word first: it drives the index scan.
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.dedup();
    Critere::Noms(words, date)
}

/// Upper bound of a prefix range: the prefix followed by the highest character.
fn prefix_end(p: &str) -> String {
    format!("{p}\u{10FFFF}")
}

fn ids(v: &[i64]) -> String {
    if v.is_empty() {
        "NULL".into()
    } else {
        v.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    }
}

/// SQL condition: the usager `u` is visible to `who` (scope, or a running break-the-glass).
fn visibility(who: &Principal, now: &str, etablissement: Option<i64>) -> String {
    let scope = match who.role.portee() {
        Portee::Etablissements => {
            format!("EXISTS (SELECT 1 FROM sejour s WHERE s.usager_id = u.id AND s.etablissement_id IN ({}))", ids(&who.etablissements))
        }
        Portee::Affectation => format!("EXISTS (SELECT 1 FROM affectation a WHERE a.usager_id = u.id AND a.utilisateur_id = {})", who.id),
        Portee::SoiMeme => format!("u.id = {}", who.usager_id.unwrap_or(-1)),
    };
    let bris = if who.role.est_professionnel() {
        format!(" OR EXISTS (SELECT 1 FROM acces_exceptionnel x WHERE x.usager_id = u.id AND x.utilisateur_id = {} AND x.expires_at > '{}')", who.id, now.replace('\'', ""))
    } else {
        String::new()
    };
    let etab = etablissement
        .map(|e| format!(" AND EXISTS (SELECT 1 FROM sejour s2 WHERE s2.usager_id = u.id AND s2.etablissement_id = {e})"))
        .unwrap_or_default();
    format!("(({scope}){bris}){etab}")
}

const RESULT_COLUMNS: &str = "u.id, u.nom_naissance, u.nom_utilise, u.premier_prenom, u.prenom_utilise, u.date_naissance, u.sexe, u.statut_identite";

fn result_from(r: &crate::sql::Row) -> StoreResult<ResultatRecherche> {
    let id: i64 = r.try_get(0)?;
    Ok(ResultatRecherche {
        id,
        numero: super::numero(id),
        nom_naissance: r.try_get(1)?,
        nom_utilise: r.try_get(2)?,
        premier_prenom: r.try_get(3)?,
        prenom_utilise: r.try_get(4)?,
        date_naissance: r.try_get(5)?,
        sexe: r.try_get(6)?,
        statut_identite: r.try_get(7)?,
        etablissements: Vec::new(),
    })
}

impl Store {
    /// Searches the usagers visible to `who`; audited as one entry listing the ids shown.
    /// Returns the page and the cursor of the next one.
    pub async fn search_usagers(
        &self,
        who: &Principal,
        r: &Recherche,
        now: DateTime<Utc>,
    ) -> StoreResult<(Vec<ResultatRecherche>, Option<String>)> {
        let limit = r.limit.clamp(1, 100);
        let now_s = ts(now);
        let vis = visibility(who, &now_s, r.etablissement);
        let mut binds: Vec<String> = Vec::new();
        let mut bind = |v: String| {
            binds.push(v);
            format!("${}", binds.len())
        };
        let critere = match parse(&r.texte) {
            Critere::Rien if r.etablissement.is_some() => Critere::Tous,
            c => c,
        };
        let sql = match &critere {
            Critere::Noms(words, date) => {
                let lo = bind(words[0].clone());
                let hi = bind(prefix_end(&words[0]));
                // One row per usager: the smallest of its name words matching the prefix, so
                // that an usager with several matching words never comes back on a later page.
                let mut sql = format!(
                    "SELECT {RESULT_COLUMNS}, n.cle FROM usager_nom n JOIN usager u ON u.id = n.usager_id \
                     WHERE n.cle >= {lo} AND n.cle < {hi} AND u.fusionne_dans IS NULL AND {vis} \
                     AND NOT EXISTS (SELECT 1 FROM usager_nom d WHERE d.usager_id = n.usager_id AND d.cle >= {lo} AND d.cle < n.cle)"
                );
                for w in &words[1..] {
                    let lo = bind(w.clone());
                    let hi = bind(prefix_end(w));
                    sql.push_str(&format!(" AND EXISTS (SELECT 1 FROM usager_nom m WHERE m.usager_id = u.id AND m.cle >= {lo} AND m.cle < {hi})"));
                }
                if let Some(d) = date {
                    let p = bind(d.clone());
                    sql.push_str(&format!(" AND u.date_naissance = {p}"));
                }
                if let Some((c, id)) = r.cursor.as_deref().and_then(|c| c.rsplit_once('|')) {
                    let id: i64 = id.parse().unwrap_or(0);
                    let p = bind(c.to_string());
                    sql.push_str(&format!(
                        " AND (n.cle > {p} OR (n.cle = {p} AND n.usager_id > {id}))"
                    ));
                }
                sql.push_str(&format!(
                    " ORDER BY n.cle, n.usager_id LIMIT {}",
                    limit + 10
                ));
                sql
            }
            Critere::Rien => String::new(),
            other => {
                let cond = match other {
                    Critere::Date(d) => format!("u.date_naissance = {}", bind(d.clone())),
                    Critere::Ins(m) => format!("u.matricule_ins = {}", bind(m.clone())),
                    Critere::Numero(n) => format!("u.id = {n}"),
                    Critere::Tous => "1 = 1".into(),
                    _ => "1 = 0".into(),
                };
                let mut sql = format!("SELECT {RESULT_COLUMNS}, u.cle_nom FROM usager u WHERE {cond} AND u.fusionne_dans IS NULL AND {vis}");
                if let Some((c, id)) = r.cursor.as_deref().and_then(|c| c.rsplit_once('|')) {
                    let id: i64 = id.parse().unwrap_or(0);
                    let p = bind(c.to_string());
                    sql.push_str(&format!(
                        " AND (u.cle_nom > {p} OR (u.cle_nom = {p} AND u.id > {id}))"
                    ));
                }
                sql.push_str(&format!(" ORDER BY u.cle_nom, u.id LIMIT {}", limit + 10));
                sql
            }
        };
        if sql.is_empty() {
            return Ok((Vec::new(), None));
        }
        let mut q = crate::sql::query(&sql).planned_each_time();
        for b in &binds {
            q = q.bind(b.as_str());
        }
        let rows = q.fetch_all(self).await?;
        let fetched = rows.len() as i64;
        let mut out: Vec<ResultatRecherche> = Vec::new();
        let mut last_key = None;
        for row in &rows {
            if out.len() as i64 == limit {
                break;
            }
            let res = result_from(row)?;
            let key: String = row.try_get(8)?;
            last_key = Some(format!("{key}|{}", res.id));
            if !out.iter().any(|o| o.id == res.id) {
                out.push(res);
            }
        }
        let next = if fetched > limit && out.len() as i64 == limit {
            last_key
        } else {
            None
        };
        self.fill_etablissements(&mut out).await?;
        let shown: Vec<i64> = out.iter().map(|o| o.id).collect();
        self.reads
            .log(crate::read_log::ReadEntry {
                actor: who.actor(),
                action: "usager.recherche",
                usager_id: None,
                section: Some("administratif"),
                outcome: Outcome::Succes,
                detail: serde_json::json!({"texte": r.texte.chars().take(100).collect::<String>(), "resultats": shown}).to_string(),
                at: now,
            })
            .await?;
        Ok((out, next))
    }

    async fn fill_etablissements(&self, out: &mut [ResultatRecherche]) -> StoreResult<()> {
        if out.is_empty() {
            return Ok(());
        }
        // One statement text per page-size bucket, the ids bound (the last one repeated up to
        // the bucket): prepared once per connection instead of once per distinct page, which
        // on PostgreSQL cost a parse, a plan and a round trip more for every search.
        let bucket = [10, 25, 50, 100]
            .into_iter()
            .find(|b| *b >= out.len())
            .unwrap_or(out.len());
        let marks: Vec<String> = (1..=bucket).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT DISTINCT s.usager_id, e.nom FROM sejour s JOIN etablissement e ON e.id = s.etablissement_id WHERE s.usager_id IN ({}) ORDER BY e.nom",
            marks.join(", ")
        );
        let mut q = crate::sql::query(&sql);
        for k in 0..bucket {
            q = q.bind(out[k.min(out.len() - 1)].id);
        }
        let rows = q.fetch_all(self).await?;
        for r in rows {
            let id: i64 = r.try_get(0)?;
            let nom: String = r.try_get(1)?;
            if let Some(o) = out.iter_mut().find(|o| o.id == id) {
                o.etablissements.push(nom);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_is_understood() {
        assert_eq!(parse("12/04/1938"), Critere::Date("1938-04-12".into()));
        assert_eq!(parse("U0000042"), Critere::Numero(42));
        assert_eq!(
            parse("2 79 03 51 215 189 89"),
            Critere::Ins("279035121518989".into())
        );
        assert_eq!(
            parse("hél dupont"),
            Critere::Noms(vec!["DUPONT".into(), "HEL".into()], None)
        );
        assert_eq!(
            parse("Lefèvre 12/04/1938"),
            Critere::Noms(vec!["LEFEVRE".into()], Some("1938-04-12".into()))
        );
        assert_eq!(parse("   "), Critere::Rien);
    }
}
