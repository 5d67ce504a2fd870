//! The forms of the append-only sections and of a stay's absence refused in place (issue
//! 16, item 2): an observation, a psychology note, an entry of the medical summary (and its
//! end), an emergency return sheet, an entry of the liaison book and an absence each answer a
//! refusal (422, 409) with their page, the form's summary and each message next to its field
//! (`aria-describedby`), what was typed kept, never the error page; a success is confirmed.

use dui_domain::policy::Role;
use dui_store::testing::engines;
use serde_json::json;

use crate::formulaire_ligne::{cree, Formulaires, CONFLIT, INVALIDE};
use crate::helpers::{dupont, spawn_app};

/// What a refusal on field `champ` of the form whose ids start with `prefixe` shows: the
/// summary's link to the field, the field pointing at its message, the message.
fn au_champ(prefixe: &str, champ: &str) -> [String; 3] {
    let id = format!("{prefixe}{champ}");
    [
        format!(r##"href="#{id}""##),
        format!(r#"aria-describedby="{id}-err""#),
        format!(r#"id="{id}-err""#),
    ]
}

/// `au_champ` and the texts of `voir`, as the refused page must show them.
fn voir<'a>(au_champ: &'a [String; 3], voir: &[&'a str]) -> Vec<&'a str> {
    au_champ
        .iter()
        .map(String::as_str)
        .chain(voir.iter().copied())
        .collect()
}

#[tokio::test]
async fn the_care_tab_append_only_forms_are_refused_in_place_and_confirmed() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.fs", Role::Secretariat, &[a]).await;
        let (_, ide) = app.account("ide.fs", Role::Infirmier, &[a]).await;
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;
        let f = Formulaires::de(&app, "ide.fs", &format!("/usagers/{x}/soins/observations")).await;

        // An observation dated to come: the page again, the text as typed, the date's message.
        let path = format!("/usagers/{x}/soins/observations");
        let mut champs = vec![
            ("type_observation", "infirmiere"),
            ("date_observation", "2099-01-01T10:00"),
            ("texte", "Texte témoin observé"),
        ];
        let c = au_champ("o-", "date_observation");
        let v = voir(
            &c,
            &[
                "Texte témoin observé",
                "dans le futur",
                "Écrire une observation",
            ],
        );
        f.refuse(&path, &champs, INVALIDE, &v).await;
        champs[1].1 = "";
        f.confirme(&path, &champs, "observation").await;

        // An entry of the summary with no label and a wrong CIM-10 code: both by their field.
        let path = format!("/usagers/{x}/soins/synthese");
        let mut champs = vec![
            ("rubrique", "probleme"),
            ("libelle", ""),
            ("code_cim10", "diabete"),
            ("details", "Précisions témoin"),
        ];
        let c = au_champ("s-", "code_cim10");
        let v = voir(
            &c,
            &[r#"id="s-libelle-err""#, "Précisions témoin", "2 erreurs<"],
        );
        f.refuse(&path, &champs, INVALIDE, &v).await;
        champs[1].1 = "Diabète";
        champs[2].1 = "E11.9";
        f.confirme(&path, &champs, "entree_soins").await;

        // Its end from a summary read before a change: a conflict in the entry's own form.
        let api = format!("/api/v1/usagers/{x}/soins/synthese/entrees");
        let eid = cree(
            &app,
            &ide,
            &api,
            json!({"rubrique": "allergie", "libelle": "Iode"}),
        )
        .await;
        let path = format!("/usagers/{x}/soins/synthese/{eid}/fin");
        let mut champs = [("motif", "Motif témoin"), ("version", "7")];
        let voir_fin = [
            "modifié entre-temps",
            "Motif témoin",
            r#"<details class="non-imprime" open>"#,
        ];
        f.refuse(&path, &champs, CONFLIT, &voir_fin).await;
        let champs_date = [("date_fin", "hier"), ("version", "1")];
        let c = au_champ(&format!("f-{eid}-"), "date_fin");
        f.refuse(&path, &champs_date, INVALIDE, &voir(&c, &[]))
            .await;
        champs[1].1 = "1";
        f.confirme(&path, &champs, "entree_close").await;

        // A return sheet of the emergency service dated to come, its diagnosis kept.
        let path = format!("/usagers/{x}/soins/dlu/retours");
        let mut champs = vec![
            ("date_retour", "2099-01-01"),
            ("service", "Urgences témoin"),
            ("diagnostic", "Chute sans gravité"),
        ];
        let c = au_champ("r-", "date_retour");
        let v = voir(
            &c,
            &["Urgences témoin", "Chute sans gravité", "dans le futur"],
        );
        f.refuse(&path, &champs, INVALIDE, &v).await;
        champs[0].1 = "";
        f.confirme(&path, &champs, "retour_urgences").await;
        app.stop().await;
    }
}

#[tokio::test]
async fn a_psychology_note_a_liaison_entry_and_an_absence_are_refused_in_place() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let a = app.etablissement_id;
        let (_, secr) = app.account("secr.fs", Role::Secretariat, &[a]).await;
        app.create_user("psy.fs", Role::Psychologue, &[a]).await;
        app.create_user("cadre.fs", Role::Cadre, &[a]).await;
        let x = app
            .create_usager(&secr, &dupont(&app.etablissement_finess))
            .await;

        // A psychology note dated to come, a correction of it kept with what was typed.
        let f = Formulaires::de(&app, "psy.fs", &format!("/usagers/{x}/psychologie")).await;
        let path = format!("/usagers/{x}/psychologie");
        let mut champs = vec![
            ("type_note", "bilan"),
            ("date_note", "2099-01-01"),
            ("titre", "Titre témoin"),
            ("texte", "Note témoin"),
        ];
        let c = au_champ("p-", "date_note");
        let v = voir(&c, &["Titre témoin", "Note témoin"]);
        f.refuse(&path, &champs, INVALIDE, &v).await;
        champs[1].1 = "";
        f.confirme(&path, &champs, "note_psychologie").await;

        // An empty entry of the liaison book.
        let f = Formulaires::de(&app, "cadre.fs", &format!("/usagers/{x}/liaison")).await;
        let path = format!("/usagers/{x}/liaison");
        let c = au_champ("l-", "texte");
        f.refuse(&path, &[("texte", " ")], INVALIDE, &voir(&c, &[]))
            .await;
        f.confirme(&path, &[("texte", "Entrée témoin")], "liaison")
            .await;

        // An absence ending before it begins, then one outside the stay: by the stay's form.
        let admission = json!({"etablissement_id": a, "type_accompagnement": "accueil_jour",
            "date_entree": "2026-01-05"});
        let sid = cree(
            &app,
            &secr,
            &format!("/api/v1/usagers/{x}/sejours"),
            admission,
        )
        .await;
        let f = Formulaires::de(&app, "secr.fs", &format!("/usagers/{x}/sejours")).await;
        let path = format!("/usagers/{x}/sejours/absence");
        let sid_s = sid.to_string();
        let mut champs = vec![
            ("sejour_id", sid_s.as_str()),
            ("debut", "2026-02-10"),
            ("fin", "2026-02-01"),
            ("type_absence", "vacances"),
            ("commentaire", "Commentaire témoin"),
        ];
        let c = au_champ(&format!("ab-{sid}-"), "fin");
        let v = voir(&c, &["Commentaire témoin", "doit suivre son début"]);
        f.refuse(&path, &champs, INVALIDE, &v).await;
        champs[1].1 = "2025-12-20";
        let v = ["comprise dans le séjour", "Commentaire témoin"];
        f.refuse(&path, &champs, INVALIDE, &v).await;
        champs[1].1 = "2026-02-01";
        champs[2].1 = "2026-02-03";
        f.confirme(&path, &champs, "absence").await;
        app.stop().await;
    }
}
