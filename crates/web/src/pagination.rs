//! `?limit=&cursor=` of every API list (API.md; docs/decisions/0017-lists-and-round-trips.md): each list is
//! declared once here with its default and maximum page size; the handlers read their bounds
//! from it and the OpenAPI document documents `limit` and `cursor` for each.

use dui_store::page::Page;
use serde::{Deserialize, Serialize};

use crate::{AppError, WebResult};

/// A list of `/api/v1`: its path (as routed), default and maximum `limit`.
#[derive(Clone, Copy, Debug)]
pub struct Liste {
    /// Path under `/api/v1`.
    pub path: &'static str,
    /// Items per page when `limit` is absent.
    pub defaut: i64,
    /// Largest `limit` honoured (a larger one is lowered to it).
    pub max: i64,
}

const fn l(path: &'static str, defaut: i64, max: i64) -> Liste {
    Liste { path, defaut, max }
}

pub(crate) const USAGERS: Liste = l("/usagers", 20, 100);
pub(crate) const AUDIT_USAGER: Liste = l("/usagers/{id}/audit", 100, 500);
pub(crate) const SEJOURS: Liste = l("/usagers/{id}/sejours", 50, 200);
pub(crate) const VERSIONS: Liste = l("/usagers/{id}/versions", 50, 200);
pub(crate) const DOUBLONS: Liste = l("/usagers/{id}/doublons", 50, 200);
pub(crate) const FUSIONS: Liste = l("/usagers/{id}/fusions", 50, 200);
pub(crate) const ENTOURAGE: Liste = l("/usagers/{id}/entourage", 50, 200);
pub(crate) const PROS_USAGER: Liste = l("/usagers/{id}/professionnels", 50, 200);
pub(crate) const ANNUAIRE: Liste = l("/professionnels", 50, 200);
pub(crate) const ORGANISMES: Liste = l("/organismes", 50, 200);
pub(crate) const ETABLISSEMENTS: Liste = l("/etablissements", 50, 200);
pub(crate) const UNITES: Liste = l("/etablissements/{id}/unites", 50, 200);
pub(crate) const CATEGORIES: Liste = l("/categories", 50, 200);
pub(crate) const UTILISATEURS: Liste = l("/utilisateurs", 50, 200);
pub(crate) const AUDIT: Liste = l("/audit", 100, 1000);
pub(crate) const ACCES_EXCEPTIONNELS: Liste = l("/acces-exceptionnels", 50, 500);
pub(crate) const TRANSMISSIONS: Liste = l("/usagers/{id}/transmissions", 20, 200);
pub(crate) const RELEVE: Liste = l("/transmissions", 50, 200);
pub(crate) const PROJETS: Liste = l("/usagers/{id}/projets", 20, 100);
pub(crate) const PROJET_VERSIONS: Liste = l("/usagers/{id}/projets/{pid}/versions", 20, 100);
pub(crate) const GRILLES: Liste = l("/grilles", 50, 200);
pub(crate) const EVALUATIONS: Liste = l("/usagers/{id}/evaluations", 50, 200);
pub(crate) const ABSENCES: Liste = l("/usagers/{id}/presences", 50, 500);
pub(crate) const LIEUX_NAISSANCE: Liste = l("/lieux-naissance", 10, 50);
pub(crate) const CANDIDATURES: Liste = l("/candidatures", 50, 200);
pub(crate) const PRESTATIONS: Liste = l("/usagers/{id}/prestations", 50, 200);
pub(crate) const MESURES: Liste = l("/usagers/{id}/mesures", 50, 200);
pub(crate) const SUIVIS: Liste = l("/usagers/{id}/suivis", 50, 200);
pub(crate) const SOINS_ENTREES: Liste = l("/usagers/{id}/soins/synthese/entrees", 50, 200);
pub(crate) const OBSERVATIONS: Liste = l("/usagers/{id}/soins/observations", 20, 200);
pub(crate) const PSYCHOLOGIE: Liste = l("/usagers/{id}/psychologie", 20, 200);
pub(crate) const DLU_RETOURS: Liste = l("/usagers/{id}/soins/dlu/retours", 20, 100);
pub(crate) const PLAN_SOINS: Liste = l("/usagers/{id}/soins/plan", 50, 200);
pub(crate) const CONSTANTES: Liste = l("/usagers/{id}/soins/constantes", 100, 1000);
pub(crate) const PRESCRIPTIONS: Liste = l("/usagers/{id}/soins/prescriptions", 50, 200);
// Home-care planning and télégestion (h13b).
pub(crate) const INTERVENTIONS: Liste = l("/interventions", 500, 2000);
pub(crate) const INTERVENTIONS_USAGER: Liste = l("/usagers/{id}/interventions", 50, 200);
/// The liaison book (h13c).
pub(crate) const LIAISON: Liste = l("/usagers/{id}/liaison", 30, 200);
/// Activities (hact).
pub(crate) const ACTIVITES: Liste = l("/activites", 50, 200);
pub(crate) const SEANCES: Liste = l("/activites/{id}/seances", 50, 200);
pub(crate) const INSCRIPTIONS: Liste = l("/activites/{id}/inscriptions", 100, 500);
pub(crate) const HISTORIQUE_ACTIVITES: Liste = l("/usagers/{id}/activites", 50, 200);
/// Messages to professionals (hteam).
pub(crate) const MESSAGES: Liste = l("/messages", 30, 100);

/// Every GET of `/api/v1` that answers `{"items", "next_cursor"}`.
pub const LISTES: &[Liste] = &[
    USAGERS,
    AUDIT_USAGER,
    SEJOURS,
    VERSIONS,
    DOUBLONS,
    FUSIONS,
    ENTOURAGE,
    PROS_USAGER,
    ANNUAIRE,
    ORGANISMES,
    ETABLISSEMENTS,
    UNITES,
    CATEGORIES,
    UTILISATEURS,
    AUDIT,
    ACCES_EXCEPTIONNELS,
    TRANSMISSIONS,
    RELEVE,
    PROJETS,
    PROJET_VERSIONS,
    EVALUATIONS,
    GRILLES,
    ABSENCES,
    LIEUX_NAISSANCE,
    CANDIDATURES,
    // h11d
    PRESTATIONS,
    MESURES,
    SUIVIS,
    SOINS_ENTREES,
    OBSERVATIONS,
    PSYCHOLOGIE,
    DLU_RETOURS,
    PLAN_SOINS,
    CONSTANTES,
    PRESCRIPTIONS,
    // h13b
    INTERVENTIONS,
    INTERVENTIONS_USAGER,
    // h13c
    LIAISON,
    // hact
    ACTIVITES,
    SEANCES,
    INSCRIPTIONS,
    HISTORIQUE_ACTIVITES,
    // hteam
    MESSAGES,
];

/// `?limit=&cursor=` as sent (text, so that a bad value gets a French 422, not a 400).
#[derive(Debug, Default, Deserialize)]
pub struct Pagination {
    /// Items wanted.
    pub limit: Option<String>,
    /// Opaque cursor: the `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The `limit` of `liste`: absent → its default; above its maximum → the maximum; not a
/// positive integer → 422.
pub(crate) fn limit(raw: Option<&str>, liste: &Liste) -> WebResult<i64> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(liste.defaut),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if n >= 1 => Ok(n.min(liste.max)),
            _ => Err(AppError::field(
                "limit",
                format!(
                    "Le nombre d'éléments par page (limit) doit être un entier entre 1 et {}.",
                    liste.max
                ),
            )),
        },
    }
}

/// A cursor this server did not give → 422.
pub(crate) fn bad_cursor() -> AppError {
    AppError::field(
        "cursor",
        "Ce curseur de page n'est pas valide : reprenez la liste depuis le début.",
    )
}

impl Pagination {
    /// The `limit` of `liste`.
    pub(crate) fn limit(&self, liste: &Liste) -> WebResult<i64> {
        limit(self.limit.as_deref(), liste)
    }

    /// The store page of a list keyed by an integer.
    pub(crate) fn page(&self, liste: &Liste) -> WebResult<Page> {
        let after = match self.cursor.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => Some(c.parse::<i64>().map_err(|_| bad_cursor())?),
        };
        Ok(Page {
            after,
            limit: self.limit(liste)?,
        })
    }
}

/// The answer of a list keyed by an integer: `page.limit` of the items read (`limit + 1`)
/// and the cursor of the next page.
pub(crate) fn repondre<T: Serialize>(
    page: Page,
    items: Vec<T>,
    key: impl Fn(&T) -> i64,
) -> crate::reponses::JsonListe {
    let (items, next) = page.split(items, key);
    crate::reponses::liste(items, next.map(|k| k.to_string()))
}

/// A page of a short list that the server holds whole and that cannot grow with the data
/// (the categories, the bounded duplicate candidates): the cursor is the position.
pub(crate) fn en_memoire<T: Serialize>(
    p: &Pagination,
    liste: &Liste,
    items: Vec<T>,
) -> WebResult<crate::reponses::JsonListe> {
    let page = p.page(liste)?;
    let start = usize::try_from(page.after.unwrap_or(0)).map_err(|_| bad_cursor())?;
    let rest: Vec<T> = items.into_iter().skip(start).collect();
    let n = rest.len();
    let (items, _) = page.split(rest, |_| 0);
    let next = (n > items.len()).then(|| (start + items.len()).to_string());
    Ok(crate::reponses::liste(items, next))
}

/// GET /api/v1/usagers/{id}/professionnels: keyed by (professional, role), the cursor being
/// `"{professionnel_id}:{role}"`.
pub(crate) async fn pros_page(
    app: &crate::App,
    cap: &dui_store::policy::Capability,
    p: &Pagination,
) -> WebResult<crate::reponses::JsonListe> {
    let limit = p.limit(&PROS_USAGER)?;
    let after = match p.cursor.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => {
            let (pid, role) = c.split_once(':').ok_or_else(bad_cursor)?;
            Some((pid.parse::<i64>().map_err(|_| bad_cursor())?, role))
        }
    };
    let mut items = app
        .store
        .professionnels_usager_page(cap, after, limit)
        .await?;
    let mut next = None;
    if items.len() as i64 > limit {
        items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        next = items
            .last()
            .map(|l| format!("{}:{}", l.professionnel.id, l.role));
    }
    Ok(crate::reponses::liste(items, next))
}
