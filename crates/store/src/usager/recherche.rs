//! Finding usagers: by any name (accent- and case-insensitive prefix), birth date, INS,
//! internal number; only among the usagers the user may see.
//!
//! Names are indexed one word per row in `usager_nom(cle, usager_id)` (accent-free upper
//! case, C collation): a prefix is a range scan on that index, read in index order, so a
//! page of results stops after `limit` visible rows instead of sorting every match.

use chrono::{DateTime, Utc};
use dui_domain::policy::Portee;
use dui_domain::usager::cle_phonetique;
use serde::Serialize;

use super::recherche_texte::{correspondance, parse, Critere, Quand};

use crate::db::{Engine, Store};
use crate::policy::{CapaciteRecherche, Principal};
use crate::sql::Args;
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

/// The names of a person as a list shows them (search results, the home page).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct NomsUsager {
    /// Nom de naissance.
    pub nom_naissance: String,
    /// Nom de naissance as typed, when it says more than the INS form.
    pub nom_naissance_saisi: Option<String>,
    /// Nom utilisé.
    pub nom_utilise: Option<String>,
    /// Premier prénom de naissance.
    pub premier_prenom: String,
    /// Prénom utilisé.
    pub prenom_utilise: Option<String>,
}

impl NomsUsager {
    /// The names of row `r` (its columns of the same names).
    pub(crate) fn de(r: &crate::sql::Row) -> StoreResult<Self> {
        Ok(Self {
            nom_naissance: r.try_get("nom_naissance")?,
            nom_naissance_saisi: r.try_get("nom_naissance_saisi")?,
            nom_utilise: r.try_get("nom_utilise")?,
            premier_prenom: r.try_get("premier_prenom")?,
            prenom_utilise: r.try_get("prenom_utilise")?,
        })
    }
}

/// One usager found.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ResultatRecherche {
    /// Id.
    pub id: i64,
    /// Internal number.
    pub numero: String,
    /// The names.
    #[serde(flatten)]
    #[schema(inline)]
    pub noms: NomsUsager,
    /// Birth date (ISO, 00 for unknown parts).
    pub date_naissance: String,
    /// Sex (`F`, `M`, `I` in JSON).
    pub sexe: dui_domain::usager::Sexe,
    /// RNIV status (its code in JSON).
    pub statut_identite: dui_domain::usager::StatutIdentite,
    /// Établissements of the usager's stays.
    pub etablissements: Vec<String>,
    /// The part of the name matched that the other fields do not show (« 2e prénom de
    /// naissance : Marie »), if any.
    pub correspondance: Option<String>,
    /// Found by the sound of the name (« dupond » for DUPONT), after the exact matches.
    pub approchant: bool,
}

deref_vers!(ResultatRecherche => noms: NomsUsager);

/// The cursor of a page of the phonetic matches (they follow the exact ones): `~` for their
/// first page, `~KEY|id` after the row (`cle_nom`, id).
const PHONETIQUE: char = '~';

/// The position in the phonetic matches a cursor gives (`None`: not such a cursor; an
/// exact match's cursor is `KEY|id`, and no key starts with `~`).
fn curseur_phonetique(c: &str) -> Option<Option<(String, i64)>> {
    let rest = c.strip_prefix(PHONETIQUE)?;
    if rest.is_empty() {
        return Some(None);
    }
    let (k, id) = rest.rsplit_once('|')?;
    Some(Some((k.to_string(), id.parse().ok()?)))
}

/// Upper bound of a prefix range: the prefix followed by the highest character.
fn prefix_end(p: &str) -> String {
    format!("{p}\u{10FFFF}")
}

/// SQL condition: the usager `u` is visible to `who` (scope, or a running break-the-glass).
///
/// This is the scope rule of [`dui_domain::policy::decider`] written in SQL (the search
/// cannot load the facts of each file): change both together. The store test
/// `usager::perimetre::search_returns_exactly_the_files_decider_lets_read` walks every role
/// and fails when they diverge.
///
/// Every value is an argument, so that the statement text depends on the kind of account
/// and not on the account: one prepared statement, planned once, serves them all. The
/// établissements of the scope are padded (last one repeated) up to a power of two.
/// An account scoped by assignment sees a few files among many: the condition is a
/// membership in that small set, which the plan reads first (the names of a common prefix,
/// checked one by one, took 100 ms for a home-care worker typing « MAR »).
fn visibility(who: &Principal, now: &str, etablissement: Option<i64>, a: &mut Args) -> String {
    let bris = |a: &mut Args| {
        format!(
            "SELECT x.usager_id FROM acces_exceptionnel x WHERE x.utilisateur_id = {} AND x.expires_at > {}",
            a.arg(who.id),
            a.arg(now)
        )
    };
    let pro = who.role.est_professionnel();
    // A scope given as a condition on `u`, widened by a running break-the-glass.
    let or_bris = |scope: String, a: &mut Args| {
        if pro {
            format!("({scope} OR EXISTS ({} AND x.usager_id = u.id))", bris(a))
        } else {
            format!("({scope})")
        }
    };
    let seen = match who.role.portee() {
        Portee::Affectation => {
            let assigned = format!(
                "SELECT a.usager_id FROM affectation a WHERE a.utilisateur_id = {}",
                a.arg(who.id)
            );
            if pro {
                format!("u.id IN ({assigned} UNION {})", bris(a))
            } else {
                format!("u.id IN ({assigned})")
            }
        }
        Portee::Etablissements => {
            let scope = match who.etablissements.last() {
                None => "1 = 0".to_string(),
                Some(&last) => {
                    let n = who.etablissements.len().next_power_of_two();
                    let marks: Vec<String> = (0..n)
                        .map(|k| a.arg(who.etablissements.get(k).copied().unwrap_or(last)))
                        .collect();
                    format!("EXISTS (SELECT 1 FROM sejour s WHERE s.usager_id = u.id AND s.etablissement_id IN ({}))", marks.join(", "))
                }
            };
            or_bris(scope, a)
        }
        Portee::SoiMeme => {
            let own = format!("u.id = {}", a.arg(who.usager_id.unwrap_or(-1)));
            or_bris(own, a)
        }
    };
    let etab = etablissement
        .map(|e| {
            format!(
                " AND EXISTS (SELECT 1 FROM sejour s2 WHERE s2.usager_id = u.id AND s2.etablissement_id = {})",
                a.arg(e)
            )
        })
        .unwrap_or_default();
    format!("{seen}{etab}")
}

/// PostgreSQL: `search` (a statement whose rows carry `id` and `cle_tri`) wrapped so that
/// the same statement writes the search's audit entry, with the ids of the page shown, in
/// the form the read log gives it (`{"texte": …, "resultats": […]}`).
fn with_audit_entry(
    search: &str,
    a: &mut Args,
    who: &Principal,
    now: &str,
    texte: &str,
    limit: i64,
) -> String {
    let actor = who.actor();
    let (at, uid, name, ip, t) = (
        a.arg(now),
        a.arg(actor.utilisateur_id),
        a.arg(actor.username.as_str()),
        a.arg(actor.ip.as_deref()),
        a.arg(texte),
    );
    format!(
        "WITH r AS ({search}), \
         entree AS (INSERT INTO audit (at, utilisateur_id, username, action, usager_id, section, ip, outcome, detail) \
           SELECT {at}, {uid}, {name}, 'usager.recherche', NULL, 'administratif', {ip}, 'succes', \
           json_build_object('texte', {t}::text, 'resultats', COALESCE((SELECT json_agg(p.id ORDER BY p.cle_tri, p.id) \
             FROM (SELECT id, cle_tri FROM r ORDER BY cle_tri, id LIMIT {limit}) p), '[]'::json))::text) \
         SELECT * FROM r ORDER BY cle_tri, id"
    )
}

const RESULT_COLUMNS: &str = "u.id, u.nom_naissance, u.nom_utilise, u.premier_prenom, u.prenom_utilise, u.date_naissance, u.sexe, u.statut_identite, u.prenoms_naissance, u.nom_naissance_saisi";

/// Position of the sort key in a result row (the établissements follow on PostgreSQL).
const CLE_TRI: usize = 10;

/// SQL condition on the birth date asked.
fn condition_date(q: &Quand, a: &mut Args) -> String {
    match q {
        Quand::Jour(d) => format!("u.date_naissance = {}", a.arg(d.clone())),
        Quand::Periode(lo, hi) => format!(
            "u.date_naissance >= {} AND u.date_naissance < {}",
            a.arg(lo.clone()),
            a.arg(hi.clone())
        ),
    }
}

fn result_from(r: &crate::sql::Row) -> StoreResult<ResultatRecherche> {
    let id: i64 = r.try_get(0)?;
    Ok(ResultatRecherche {
        id,
        numero: super::numero(id),
        noms: NomsUsager::de(r)?,
        date_naissance: r.try_get(5)?,
        sexe: crate::fiche::code(r, "sexe", dui_domain::usager::Sexe::from_code)?,
        statut_identite: crate::fiche::code(
            r,
            "statut_identite",
            dui_domain::usager::StatutIdentite::from_code,
        )?,
        etablissements: Vec::new(),
        correspondance: None,
        approchant: false,
    })
}

/// The first names of a result row (stored as a JSON list).
fn prenoms_de(r: &crate::sql::Row) -> StoreResult<Vec<String>> {
    let t: String = r.try_get(8)?;
    Ok(serde_json::from_str(&t).unwrap_or_default())
}

/// What the phonetic matches of a search are asked for.
struct Approchants<'a> {
    who: &'a Principal,
    now_s: &'a str,
    etablissement: Option<i64>,
    words: &'a [String],
    date: Option<&'a Quand>,
}

impl Store {
    /// Searches the usagers visible to the holder of `cap` (see [`authorize_recherche`]); audited
    /// as one entry listing the ids shown. Returns the page and the cursor of the next one.
    ///
    /// [`authorize_recherche`]: crate::policy::authorize_recherche
    pub async fn rechercher_usagers(
        &self,
        cap: &CapaciteRecherche,
        r: &Recherche,
        now: DateTime<Utc>,
    ) -> StoreResult<(Vec<ResultatRecherche>, Option<String>)> {
        let who = cap.principal();
        crate::saisie::recherche(&r.texte)?;
        let limit = r.limit.clamp(1, 100);
        let now_s = ts(now);
        let mut a = Args::default();
        // Nothing typed: everyone visible (in the établissement chosen), by name.
        let critere = parse(&r.texte);
        let texte: String = r.texte.chars().take(100).collect();
        // The names that sound the same follow the exact matches of names typed.
        let phonetique = match &critere {
            Critere::Noms(words, date) => Some(Approchants {
                who,
                now_s: &now_s,
                etablissement: r.etablissement,
                words,
                date: date.as_ref(),
            }),
            _ => None,
        };
        // A page past the exact matches: the names that sound the same, by name.
        if let (Some(q), Some(apres)) = (
            &phonetique,
            r.cursor.as_deref().and_then(curseur_phonetique),
        ) {
            let (out, next) = self.approchants(q, apres, limit).await?;
            self.journal_approchants(who, &texte, &out, now).await?;
            return Ok((out, next));
        }
        let vis = visibility(who, &now_s, r.etablissement, &mut a);
        // PostgreSQL: the établissements of each usager shown come with the row, and the
        // audit entry is written by the same statement (one round trip, committed before any
        // row is returned). SQLite reads the établissements after, which it does faster than
        // this sub-query, and logs the entry on this thread.
        let pg = self.engine() == Engine::Postgres;
        // Position of a substring: the same function under two names.
        let pos = if pg { "strpos" } else { "instr" };
        let etabs = if pg {
            ", (SELECT string_agg(e.nom, chr(31) ORDER BY e.nom) FROM etablissement e WHERE e.id IN (SELECT s.etablissement_id FROM sejour s WHERE s.usager_id = u.id))"
        } else {
            ""
        };
        let cursor = r.cursor.as_deref().and_then(|c| c.rsplit_once('|'));
        let sql = match &critere {
            Critere::Noms(words, date) => {
                // One row per usager: the one of its smallest name word matching the prefix,
                // so that an usager with several matching words never comes back on a later
                // page. `cles_noms` is sorted: the first word start found is the smallest.
                let first = a.arg(format!(" {}", words[0]));
                let (from, key, id) = if who.role.portee() == Portee::Affectation {
                    // A few files among many: read them first (they are in `vis`) and take the
                    // word from the row; no plan can then scan the names of the prefix.
                    let at = format!("{pos}(u.cles_noms, {first}) + 1");
                    let word = format!(
                        "substr(u.cles_noms, {at}, {pos}(substr(u.cles_noms, {at}), ' ') - 1)"
                    );
                    let from = format!("usager u WHERE {pos}(u.cles_noms, {first}) > 0");
                    (from, word, "u.id")
                } else {
                    let lo = a.arg(words[0].clone());
                    let hi = a.arg(prefix_end(&words[0]));
                    let from = format!(
                        "usager_nom n JOIN usager u ON u.id = n.usager_id WHERE n.cle >= {lo} AND n.cle < {hi} \
                         AND {pos}(u.cles_noms, {first}) = {pos}(u.cles_noms, ' ' || n.cle || ' ')"
                    );
                    (from, "n.cle".to_string(), "n.usager_id")
                };
                let mut sql = format!(
                    "SELECT {RESULT_COLUMNS}, {key} AS cle_tri{etabs} FROM {from} AND u.fusionne_dans IS NULL AND {vis}"
                );
                for w in &words[1..] {
                    let start = a.arg(format!(" {w}"));
                    sql.push_str(&format!(" AND {pos}(u.cles_noms, {start}) > 0"));
                }
                if let Some(d) = date {
                    sql.push_str(&format!(" AND {}", condition_date(d, &mut a)));
                }
                if let Some((c, after)) = cursor {
                    let p = a.arg(c.to_string());
                    let after = a.arg(after.parse::<i64>().unwrap_or(0));
                    sql.push_str(&format!(
                        " AND ({key} > {p} OR ({key} = {p} AND {id} > {after}))"
                    ));
                }
                sql.push_str(&format!(" ORDER BY {key}, {id} LIMIT {}", limit + 1));
                sql
            }
            other => {
                let cond = match other {
                    Critere::Date(d) => condition_date(d, &mut a),
                    Critere::Ins(m) => format!("u.matricule_ins = {}", a.arg(m.clone())),
                    Critere::Numero(n) => format!("u.id = {}", a.arg(*n)),
                    _ => "1 = 1".into(),
                };
                let mut sql = format!("SELECT {RESULT_COLUMNS}, u.cle_nom AS cle_tri{etabs} FROM usager u WHERE {cond} AND u.fusionne_dans IS NULL AND {vis}");
                if let Some((c, id)) = cursor {
                    let p = a.arg(c.to_string());
                    let id = a.arg(id.parse::<i64>().unwrap_or(0));
                    sql.push_str(&format!(
                        " AND (u.cle_nom > {p} OR (u.cle_nom = {p} AND u.id > {id}))"
                    ));
                }
                sql.push_str(&format!(" ORDER BY u.cle_nom, u.id LIMIT {}", limit + 1));
                sql
            }
        };
        let sql = if pg {
            with_audit_entry(&sql, &mut a, who, &now_s, &texte, limit)
        } else {
            sql
        };
        // Every statement above reads in the order of an index and stops at the limit: the
        // plan does not depend on the values, so PostgreSQL plans it once (decision 0010).
        let mut q = crate::sql::query(&sql).plan_kept();
        for v in a.0 {
            q = q.bind(v);
        }
        // One row more than the page tells whether there is a next page; each usager comes
        // once (the statements keep one row per usager).
        let rows = q.fetch_all(self).await?;
        let more = rows.len() as i64 > limit;
        let mut out: Vec<ResultatRecherche> = Vec::with_capacity(rows.len());
        let mut last_key = None;
        for row in rows.iter().take(limit as usize) {
            let mut res = result_from(row)?;
            if let Critere::Noms(words, _) = &critere {
                res.correspondance =
                    correspondance(words, &prenoms_de(row)?, res.prenom_utilise.as_deref());
            }
            let key: String = row.try_get(CLE_TRI)?;
            last_key = Some(format!("{key}|{}", res.id));
            if pg {
                let noms: Option<String> = row.try_get(CLE_TRI + 1)?;
                res.etablissements = noms
                    .map(|n| n.split('\u{1f}').map(str::to_string).collect())
                    .unwrap_or_default();
            }
            out.push(res);
        }
        let mut next = if more { last_key } else { None };
        if !pg {
            self.fill_etablissements(&mut out).await?;
            let shown: Vec<i64> = out.iter().map(|o| o.id).collect();
            let detail = serde_json::json!({"texte": texte, "resultats": shown});
            self.journaliser_recherche(who, detail, now).await?;
        }
        // The exact matches ended on this page: the names that sound the same follow them, in
        // the room left, the next page going on through them (its cursor says so).
        if let (Some(q), None) = (&phonetique, &next) {
            let room = limit - out.len() as i64;
            let (approchants, suite) = self.approchants(q, None, room).await?;
            if !approchants.is_empty() {
                self.journal_approchants(who, &texte, &approchants, now)
                    .await?;
                out.extend(approchants);
            }
            next = suite;
        }
        Ok((out, next))
    }

    /// The audit entry of a page of phonetic matches (the ids shown).
    async fn journal_approchants(
        &self,
        who: &Principal,
        texte: &str,
        shown: &[ResultatRecherche],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let ids: Vec<i64> = shown.iter().map(|o| o.id).collect();
        let detail = serde_json::json!({"texte": texte, "resultats": ids, "phonetique": true});
        self.journaliser_recherche(who, detail, now).await
    }

    /// A page of the visible usagers whose birth name sounds like the first (longest) of
    /// `words` without being an exact match (no name word starts with it), whose names start
    /// with the others: by name, after `apres` (`cle_nom`, id), at most `room`, and the cursor
    /// of the next such page. `room` 0 only tells whether there are any (the cursor `~`).
    async fn approchants(
        &self,
        q: &Approchants<'_>,
        apres: Option<(String, i64)>,
        room: i64,
    ) -> StoreResult<(Vec<ResultatRecherche>, Option<String>)> {
        let mut a = Args::default();
        let vis = visibility(q.who, q.now_s, q.etablissement, &mut a);
        // The longest word typed, by its sound; the others still narrow, as prefixes.
        let Some(premier) = q.words.first().filter(|w| w.chars().count() >= 3) else {
            return Ok((Vec::new(), None));
        };
        let pos = if self.engine() == Engine::Postgres {
            "strpos"
        } else {
            "instr"
        };
        let cle = a.arg(cle_phonetique(premier));
        let exact = a.arg(format!(" {premier}"));
        let mut sql = format!(
            "SELECT {RESULT_COLUMNS}, u.cle_nom AS cle_tri FROM usager u WHERE u.cle_phonetique = {cle} \
             AND {pos}(u.cles_noms, {exact}) = 0 AND u.fusionne_dans IS NULL AND {vis}"
        );
        for w in &q.words[1..] {
            let start = a.arg(format!(" {w}"));
            sql.push_str(&format!(" AND {pos}(u.cles_noms, {start}) > 0"));
        }
        if let Some(d) = q.date {
            sql.push_str(&format!(" AND {}", condition_date(d, &mut a)));
        }
        if let Some((k, id)) = apres {
            let (k, id) = (a.arg(k), a.arg(id));
            sql.push_str(&format!(
                " AND (u.cle_nom > {k} OR (u.cle_nom = {k} AND u.id > {id}))"
            ));
        }
        sql.push_str(&format!(" ORDER BY u.cle_nom, u.id LIMIT {}", room + 1));
        let mut stmt = crate::sql::query(&sql);
        for v in a.0 {
            stmt = stmt.bind(v);
        }
        let rows = stmt.fetch_all(self).await?;
        let mut out = Vec::new();
        let mut suite = String::from(PHONETIQUE);
        for row in rows.iter().take(room as usize) {
            let mut res = result_from(row)?;
            res.approchant = true;
            let key: String = row.try_get(CLE_TRI)?;
            suite = format!("{PHONETIQUE}{key}|{}", res.id);
            out.push(res);
        }
        let next = (rows.len() as i64 > room).then_some(suite);
        self.fill_etablissements(&mut out).await?;
        Ok((out, next))
    }

    async fn fill_etablissements(&self, out: &mut [ResultatRecherche]) -> StoreResult<()> {
        if out.is_empty() {
            return Ok(());
        }
        // SQLite only (PostgreSQL reads them with the rows). One statement text per page-size
        // bucket, the ids bound (the last one repeated up to the bucket): prepared once per
        // connection instead of once per distinct page.
        let bucket = [10, 25, 50, 100]
            .into_iter()
            .find(|b| *b >= out.len())
            .unwrap_or(out.len());
        let marks = crate::sql::marqueurs(1, bucket);
        let sql = format!(
            "SELECT DISTINCT s.usager_id, e.nom FROM sejour s JOIN etablissement e ON e.id = s.etablissement_id WHERE s.usager_id IN ({}) ORDER BY e.nom",
            marks
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
