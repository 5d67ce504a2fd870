//! The grids a running server knows: the official ones and those of the data folder (fixed at
//! start), plus the custom ones administrators added in the database. A grid added on one
//! server is added to its registry at once; the others load it when they notice that the
//! number of stored grids changed (one `COUNT(*)` before the pages and calls that list or use
//! grids), so that no restart is needed.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use dui_domain::grille::definition::Definition;
use dui_domain::grille::registre::Registre;
use dui_store::audit::Actor;
use dui_store::{Store, StoreError, StoreResult};

/// The live registry.
pub struct Grilles {
    /// Official grids and those of the data folder.
    base: Registre,
    /// `base` plus the stored ones, and how many stored ones it holds.
    courant: RwLock<(Arc<Registre>, i64)>,
}

impl Grilles {
    /// From the grids fixed at start (no stored one yet: see [`Grilles::a_jour`]).
    pub fn new(base: Registre) -> Grilles {
        Grilles {
            courant: RwLock::new((Arc::new(base.clone()), 0)),
            base,
        }
    }

    fn lire(&self) -> Arc<Registre> {
        match self.courant.read() {
            Ok(g) => g.0.clone(),
            Err(p) => p.into_inner().0.clone(),
        }
    }

    /// One version.
    pub fn version(&self, id: &str, version: &str) -> Option<Arc<Definition>> {
        self.lire().version(id, version)
    }

    /// The current version of `id`.
    pub fn courante(&self, id: &str) -> Option<Arc<Definition>> {
        self.lire().courante(id)
    }

    /// Every version of `id`, oldest first.
    pub fn versions(&self, id: &str) -> Vec<Arc<Definition>> {
        self.lire().versions(id)
    }

    /// The current version of every grid.
    pub fn courantes(&self) -> Vec<Arc<Definition>> {
        self.lire().courantes()
    }

    /// Whether `d` could be published: refused if its id and version are known (whatever the
    /// content: a published version never changes).
    pub fn publiable(&self, d: &Definition) -> Result<(), String> {
        if self.version(&d.id, &d.version).is_some() {
            return Err(format!(
                "La grille « {} » existe déjà en version « {} » : publiez une nouvelle version (par exemple « {}.1 »).",
                d.id, d.version, d.version
            ));
        }
        if let Some(a) = &d.algorithme {
            return Err(format!(
                "L'algorithme « {a} » est réservé aux grilles officielles : une grille ajoutée calcule ses résultats par ses scores."
            ));
        }
        Ok(())
    }

    /// Adds a version just stored (this server sees it at once).
    pub fn publier(&self, d: Definition) -> Result<(), String> {
        let mut g = self.courant.write().unwrap_or_else(|p| p.into_inner());
        let mut r = Registre::clone(&g.0);
        r.ajouter(d)?;
        *g = (Arc::new(r), g.1 + 1);
        Ok(())
    }

    /// Publishes a custom grid: checked (a known version is a 409, an official algorithm a
    /// 422), stored (audited), then known to this server at once.
    pub async fn ajouter(
        &self,
        store: &Store,
        actor: &Actor,
        d: Definition,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.a_jour(store).await?;
        d.verifier().map_err(StoreError::Invalid)?;
        if self.version(&d.id, &d.version).is_some() {
            return Err(StoreError::Conflict(
                self.publiable(&d).err().unwrap_or_default(),
            ));
        }
        self.publiable(&d).map_err(StoreError::Invalid)?;
        store.ajouter_grille(actor, &d, now).await?;
        self.publier(d).map_err(StoreError::Conflict)
    }

    /// Loads the stored grids again when their number changed (another server added one).
    /// A stored grid that no longer fits (a data-folder file with the same id and version
    /// and another content) is left out with an error in the log.
    pub async fn a_jour(&self, store: &Store) -> StoreResult<()> {
        let n = store.nombre_grilles().await?;
        let connu = self.courant.read().map_or(-1, |g| g.1);
        if n == connu {
            return Ok(());
        }
        let mut r = self.base.clone();
        for d in store.definitions_grilles().await? {
            let (id, version) = (d.id.clone(), d.version.clone());
            if let Err(e) = r.ajouter(d) {
                tracing::error!(grille = %id, version = %version, "grille enregistrée écartée : {e}");
            }
        }
        *self.courant.write().unwrap_or_else(|p| p.into_inner()) = (Arc::new(r), n);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_version_is_seen_at_once_and_never_published_twice() {
        let g = Grilles::new(Registre::officiel());
        let d = Definition::depuis_json(
            r#"{"id": "douleur", "version": "1", "titre": "Douleur",
               "questions": [{"id": "eva", "libelle": "EVA", "type": "nombre", "min": 0, "max": 10}]}"#,
        )
        .unwrap();
        assert!(g.publiable(&d).is_ok());
        g.publier(d.clone()).unwrap();
        assert_eq!(g.courante("douleur").unwrap().titre, "Douleur");
        assert!(g.publiable(&d).unwrap_err().contains("existe déjà"));
        let braden = g.courante("braden").unwrap();
        assert!(g.publiable(&braden).is_err());
        let mut aggir = Definition::clone(&g.courante("aggir").unwrap());
        aggir.version = "2099".into();
        assert!(g.publiable(&aggir).unwrap_err().contains("réservé"));
    }
}
