//! Demo of the identity forms (issue 16): a file created by the secretariat through the
//! product's own checks with a NIR typed by hand (« NIR saisi, non vérifié » until INSi
//! confirms it, correctable from « Modifier l'identité »), born at Reims, shown by name.

use chrono::{DateTime, Utc};
use dui_domain::identifiers::nir_key;
use dui_store::policy::{load_matrix, Principal};
use dui_store::usager::{DemandeCreation, IdentiteInput, IssueCreation, NouvelUsager};
use dui_store::{Store, StoreError};

/// Creates the file of BERNARD Lucienne (F, 20/02/1935, Reims) with her NIR typed; returns a
/// line for the console.
pub async fn ajouter(store: &Store, now: DateTime<Utc>) -> anyhow::Result<String> {
    let Some(secr) = store.credentials("secretariat").await?.map(|c| c.user) else {
        return Ok(String::new());
    };
    let who = Principal {
        id: secr.id,
        username: secr.username.clone(),
        role: secr.role,
        etablissements: secr.etablissements.clone(),
        usager_id: None,
        ip: None,
    };
    let m = load_matrix(store).await?;
    let corps = "2350251454112";
    let nir = format!("{corps}{:02}", nir_key(corps)?);
    let ehpad = store
        .etablissements(Some(&secr.etablissements))
        .await?
        .into_iter()
        .next()
        .map(|e| e.finess.clone())
        .unwrap_or_default();
    let demande = DemandeCreation {
        etablissement: &ehpad,
        confirme: false,
    };
    let valider = || -> Result<NouvelUsager, StoreError> {
        Ok(NouvelUsager {
            identite: IdentiteInput {
                nom_naissance: "BERNARD".into(),
                prenoms_naissance: vec!["Lucienne".into(), "Odette".into()],
                date_naissance: "1935-02-20".into(),
                sexe: "F".into(),
                lieu_naissance: Some("51454".into()),
                nom_utilise: None,
                prenom_utilise: None,
                referent_id: None,
                nom_naissance_saisi: None,
            },
            nir: Some(nir.clone()),
            date_entree: "2025-03-10".into(),
        })
    };
    Ok(
        match store
            .create_usager_checked(&who, &m, demande, valider, now)
            .await?
        {
            IssueCreation::Cree(id) => format!(
                "Identité provisoire avec un NIR saisi, non vérifié : BERNARD Lucienne, née à Reims (51), dossier {}.",
                dui_store::usager::numero(id.get())
            ),
            other => format!("Dossier de démonstration BERNARD Lucienne non créé : {other:?}."),
        },
    )
}
