//! The grids of this instance: the official ones (embedded) and the custom ones an
//! administrator dropped, as JSON files, in `<data-dir>/grilles/` (same format as
//! `reference/grilles/`). Read at start, in file-name order; a file that is not a valid grid
//! stops the start with its name and the reason, since evaluations may refer to it.

use std::path::Path;

use anyhow::Context;
use dui_domain::grille::registre::Registre;

/// Official grids plus the custom ones of `data_dir/grilles` (if the folder exists).
pub fn charger(data_dir: &Path) -> anyhow::Result<Registre> {
    let mut r = Registre::officiel();
    let dir = data_dir.join("grilles");
    if !dir.is_dir() {
        return Ok(r);
    }
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .with_context(|| format!("lecture de {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for f in files {
        let texte =
            std::fs::read_to_string(&f).with_context(|| format!("lecture de {}", f.display()))?;
        let d = r
            .ajouter_json(&texte)
            .map_err(|e| anyhow::anyhow!("grille {} : {e}", f.display()))?;
        tracing::info!(grille = %d.id, version = %d.version, fichier = %f.display(), "grille ajoutée");
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_grids_are_read_from_the_data_folder_and_bad_ones_stop_the_start() {
        let dir = std::env::temp_dir().join(format!("dui-grilles-{}", std::process::id()));
        let g = dir.join("grilles");
        std::fs::create_dir_all(&g).unwrap();
        assert_eq!(charger(&dir).unwrap().courantes().len(), 3);
        let grid = r#"{"id": "douleur", "version": "1", "titre": "Douleur (EVA)",
            "questions": [{"id": "eva", "libelle": "EVA", "type": "nombre", "min": 0, "max": 10}],
            "resultats": [{"id": "eva", "libelle": "EVA"}]}"#;
        std::fs::write(g.join("douleur-1.json"), grid).unwrap();
        std::fs::write(g.join("notes.txt"), "ignoré").unwrap();
        let r = charger(&dir).unwrap();
        assert_eq!(r.courante("douleur").unwrap().titre, "Douleur (EVA)");
        std::fs::write(g.join("zz-mauvaise.json"), r#"{"id": "X"}"#).unwrap();
        let e = charger(&dir).unwrap_err().to_string();
        assert!(e.contains("zz-mauvaise.json"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
