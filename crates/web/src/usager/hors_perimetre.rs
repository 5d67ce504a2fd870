//! The break-the-glass offer of the search: when nobody is found in scope, an exact
//! identity matching a file outside it offers an exceptional access — nothing of the file
//! is shown before it is granted.

use chrono::Utc;
use dui_domain::ids::UsagerId;
use dui_store::policy::CapaciteRecherche;
use dui_store::usager::Correspondance;

use crate::{App, WebResult};

/// What the results page offers when nobody is found in scope.
pub(crate) enum Offre {
    /// One file outside the scope: its out-of-scope page asks for the exceptional access.
    Acces(UsagerId),
    /// Several: the identity must be made precise.
    Preciser,
}

impl Offre {
    /// The offer for `texte`, when nobody was found in scope.
    pub(crate) async fn pour(
        app: &App,
        cap: &CapaciteRecherche,
        texte: &str,
    ) -> WebResult<Option<Offre>> {
        Ok(
            match app
                .store
                .correspondance_hors_perimetre(cap, texte, Utc::now())
                .await?
            {
                Some(Correspondance::Une(id)) => Some(Offre::Acces(id)),
                Some(Correspondance::Plusieurs) => Some(Offre::Preciser),
                None => None,
            },
        )
    }

    /// The address of the out-of-scope page of the file, `None` when several match.
    pub(crate) fn lien(&self) -> Option<String> {
        match self {
            Offre::Acces(id) => Some(format!("/usagers/{id}")),
            Offre::Preciser => None,
        }
    }
}
