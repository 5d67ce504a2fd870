//! The words an usager is found under (decisions 0004 and 0010): one row per word in
//! `usager_nom` and all of them on the row (`usager.cles_noms`), written by creation,
//! identity change and bulk insertion; and rewriting them for existing usagers when the way
//! they are derived changes (run by a migration).

use dui_domain::usager::mots_recherche;
use sqlx::Row as _;

use super::IdentiteInput;
use crate::StoreResult;

/// The search keys of the names of an usager: one row per word, and per glued run of the
/// words of one name (`L'HERMITE` → `L`, `HERMITE`, `LHERMITE`).
pub(crate) fn name_words(i: &IdentiteInput) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let sources = [
        Some(i.nom_naissance.as_str()),
        i.nom_utilise.as_deref(),
        i.prenom_utilise.as_deref(),
    ]
    .into_iter()
    .flatten()
    .chain(i.prenoms_naissance.iter().map(String::as_str));
    for s in sources {
        for w in mots_recherche(s) {
            if !words.contains(&w) {
                words.push(w);
            }
        }
    }
    words
}

/// The words of the names as stored on the usager row for the search (`cles_noms`): sorted
/// in byte order (the order of the C-collated index), each surrounded by spaces, so that
/// `' ' || prefix` finds a word start and its first occurrence is the smallest such word.
pub(crate) fn name_line(words: &[String]) -> String {
    if words.is_empty() {
        return String::new();
    }
    let mut sorted: Vec<&str> = words.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    format!(" {} ", sorted.join(" "))
}

/// Rows per multi-row statement.
const CHUNK: usize = 500;

/// Rewrites the words of every usager whose stored words differ from those its names give
/// today; returns how many usagers were rewritten. Runs inside the migration's transaction.
pub(crate) async fn rebuild_name_words(conn: &mut sqlx::AnyConnection) -> StoreResult<u64> {
    let rows = sqlx::query(
        "SELECT id, nom_naissance, prenoms_naissance, nom_utilise, prenom_utilise, cles_noms FROM usager",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut changed: Vec<(i64, Vec<String>, String)> = Vec::new();
    for r in &rows {
        let prenoms: String = r.try_get(2)?;
        let identite = IdentiteInput {
            nom_naissance: r.try_get(1)?,
            // As `usager_from` reads them: a JSON list, or first names separated by spaces.
            prenoms_naissance: serde_json::from_str(&prenoms)
                .unwrap_or_else(|_| prenoms.split_whitespace().map(str::to_string).collect()),
            date_naissance: String::new(),
            sexe: String::new(),
            lieu_naissance: None,
            nom_utilise: r.try_get(3)?,
            prenom_utilise: r.try_get(4)?,
            referent_id: None,
            nom_naissance_saisi: None,
        };
        let words = name_words(&identite);
        let line = name_line(&words);
        let stored: String = r.try_get(5)?;
        if line != stored {
            changed.push((r.try_get(0)?, words, line));
        }
    }
    for chunk in changed.chunks(CHUNK) {
        let marks = crate::sql::marqueurs(1, chunk.len());
        let sql = format!("DELETE FROM usager_nom WHERE usager_id IN ({})", marks);
        let mut del = sqlx::query(&sql);
        for (id, _, _) in chunk {
            del = del.bind(*id);
        }
        del.execute(&mut *conn).await?;
        let names: Vec<(&str, i64)> = chunk
            .iter()
            .flat_map(|(id, words, _)| words.iter().map(move |w| (w.as_str(), *id)))
            .collect();
        for part in names.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO usager_nom (cle, usager_id) VALUES {}",
                crate::sql::lignes(part.len(), 2)
            );
            let mut ins = sqlx::query(&sql);
            for (w, id) in part {
                ins = ins.bind(w.to_string()).bind(*id);
            }
            ins.execute(&mut *conn).await?;
        }
        // One statement per chunk (a statement per usager took 26 s for 42,000 on PostgreSQL).
        let cases: Vec<String> = (0..chunk.len())
            .map(|k| format!("WHEN ${} THEN ${}", 2 * k + 1, 2 * k + 2))
            .collect();
        let ids: Vec<String> = (0..chunk.len())
            .map(|k| format!("${}", 2 * k + 1))
            .collect();
        let sql = format!(
            "UPDATE usager SET cles_noms = CASE id {} END WHERE id IN ({})",
            cases.join(" "),
            ids.join(", ")
        );
        let mut upd = sqlx::query(&sql);
        for (id, _, line) in chunk {
            upd = upd.bind(*id).bind(line.clone());
        }
        upd.execute(&mut *conn).await?;
    }
    Ok(changed.len() as u64)
}
