//! The grids known to a running instance: the official ones embedded in the binary and the
//! custom ones an administrator added (data files). Every version stays known, so that an
//! old evaluation is always displayed with the definition it used.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::definition::Definition;

/// The official grid files (`reference/grilles/`), embedded.
pub const OFFICIELLES: &[&str] = &[
    include_str!("../../../../reference/grilles/aggir-2008.json"),
    include_str!("../../../../reference/grilles/braden-1987.json"),
    include_str!("../../../../reference/grilles/serafin-besoins-2023.1.0.json"),
];

/// Known grids, by id then version (in the order they were added).
#[derive(Clone, Debug, Default)]
pub struct Registre {
    grilles: BTreeMap<String, Vec<Arc<Definition>>>,
}

impl Registre {
    /// The official grids.
    pub fn officiel() -> Registre {
        let mut r = Registre::default();
        for texte in OFFICIELLES {
            // The embedded files are checked by the tests: a bad one is a build defect.
            if let Ok(d) = Definition::depuis_json(texte) {
                let _ = r.ajouter(d);
            }
        }
        r
    }

    /// Adds one version. The same id and version twice is refused unless identical (a
    /// published version never changes).
    pub fn ajouter(&mut self, d: Definition) -> Result<(), String> {
        d.verifier()?;
        let versions = self.grilles.entry(d.id.clone()).or_default();
        if let Some(v) = versions.iter().find(|v| v.version == d.version) {
            if **v == d {
                return Ok(());
            }
            return Err(format!(
                "La grille « {} » existe déjà en version « {} » avec un autre contenu : publier une nouvelle version.",
                d.id, d.version
            ));
        }
        versions.push(Arc::new(d));
        Ok(())
    }

    /// Reads and adds a JSON definition.
    pub fn ajouter_json(&mut self, texte: &str) -> Result<Arc<Definition>, String> {
        let d = Definition::depuis_json(texte)?;
        let (id, version) = (d.id.clone(), d.version.clone());
        self.ajouter(d)?;
        self.version(&id, &version)
            .ok_or_else(|| "Grille introuvable après ajout.".to_string())
    }

    /// One version.
    pub fn version(&self, id: &str, version: &str) -> Option<Arc<Definition>> {
        self.grilles
            .get(id)?
            .iter()
            .find(|d| d.version == version)
            .cloned()
    }

    /// The current (last added) version of `id`.
    pub fn courante(&self, id: &str) -> Option<Arc<Definition>> {
        self.grilles.get(id)?.last().cloned()
    }

    /// Every version of `id`, oldest first.
    pub fn versions(&self, id: &str) -> Vec<Arc<Definition>> {
        self.grilles.get(id).cloned().unwrap_or_default()
    }

    /// The current version of every grid, by id.
    pub fn courantes(&self) -> Vec<Arc<Definition>> {
        self.grilles
            .values()
            .filter_map(|v| v.last().cloned())
            .collect()
    }
}
