//! A reachable break-the-glass: when a professional's search finds nobody in their scope,
//! an exact identity (full name and birth date, an INS, a file number) that matches a file
//! outside it is told — without anything of the file — so that an exceptional access can
//! be asked for. Audited like the search (one entry, with the file matched).

use chrono::{DateTime, Utc};
use dui_domain::ids::UsagerId;

use super::recherche_texte::{parse, Critere, Quand};
use crate::db::Store;
use crate::policy::CapaciteRecherche;
use crate::StoreResult;

/// What an exact identity matches outside the scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Correspondance {
    /// One file: exceptional access may be asked for it.
    Une(UsagerId),
    /// Several files: the identity must be made precise (INS, file number).
    Plusieurs,
}

impl Store {
    /// The file outside the scope of `cap`'s holder that `texte` identifies exactly: an INS,
    /// a file number, or at least two whole name words with the birth date. `None` when
    /// `texte` is no exact identity, matches nothing, or the holder may not break the glass
    /// (not a professional). Call it when the search found nobody in scope: a file of the
    /// scope matched here would have been found. Audited when something is matched.
    pub async fn correspondance_hors_perimetre(
        &self,
        cap: &CapaciteRecherche,
        texte: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Correspondance>> {
        let who = cap.principal();
        if !who.role.est_professionnel() {
            return Ok(None);
        }
        crate::saisie::recherche(texte)?;
        let (cond, binds): (String, Vec<crate::sql::Value>) = match parse(texte) {
            Critere::Ins(m) => ("u.matricule_ins = $1".into(), vec![m.into()]),
            // A number typed as the file shows it (« U0000042 »): bare digits are a year, a
            // postal code… more often than a file.
            Critere::Numero(n) if texte.trim().starts_with(['U', 'u']) => {
                ("u.id = $1".into(), vec![n.into()])
            }
            Critere::Noms(mots, Some(Quand::Jour(date))) if mots.len() >= 2 => {
                let mut cond = "u.date_naissance = $1".to_string();
                let mut binds = vec![date.into()];
                for m in mots {
                    binds.push(format!(" {m} ").into());
                    cond.push_str(&format!(" AND strpos(u.cles_noms, ${}) > 0", binds.len()));
                }
                (cond, binds)
            }
            _ => return Ok(None),
        };
        // `strpos` is PostgreSQL's name; SQLite's is `instr` with the same arguments.
        let cond = if self.engine() == crate::db::Engine::Postgres {
            cond
        } else {
            cond.replace("strpos(", "instr(")
        };
        let sql =
            format!("SELECT u.id FROM usager u WHERE {cond} AND u.fusionne_dans IS NULL LIMIT 2");
        let mut q = crate::sql::query(&sql);
        for b in binds {
            q = q.bind(b);
        }
        let ids: Vec<UsagerId> = q
            .fetch_all(self)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let trouve = match ids.as_slice() {
            [] => return Ok(None),
            [id] => Correspondance::Une(*id),
            _ => Correspondance::Plusieurs,
        };
        let vus: Vec<i64> = ids.iter().map(|i| i.get()).collect();
        self.journaliser_recherche(
            who,
            serde_json::json!({"texte": texte.chars().take(100).collect::<String>(), "hors_perimetre": vus}),
            now,
        )
        .await?;
        Ok(Some(trouve))
    }
}
