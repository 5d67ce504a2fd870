//! The psychology section (SOI-5): the page `/usagers/{id}/psychologie` (the notes the
//! psychologist may read, the form to write or correct one) and the API
//! `/api/v1/usagers/{id}/psychologie`. Sealed: psychologists only, in their normal scope, the
//! notes of their établissements only (the store and the policy decide); no update, no delete.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use chrono::Utc;
use dui_domain::policy::{Action, Section};
use dui_domain::psychologie::TypeNote;
use dui_domain::saisie::{self as lim};
use dui_store::policy::Capability;
use dui_store::usager::{NotePsychologie, NotePsychologieInput, Usager};

use super::ajout_seul::{ajout_seul, saisie_corrigeable, Ecrit, Feuillet, PageAjoutSeul, PageSeul};
use super::capability;
use super::entete::{Dossier, Header as _, Onglet, PageDossier, Tabs};
use super::extracteurs::Demande;
use super::soins::date_opt;
use crate::auth::CurrentUser;
use crate::forms::{opt, Errors};
use crate::time::{paris_today, DatesFr};
use crate::{App, EnPlace, Fait, Formulaire, Layout, WebResult};

saisie_corrigeable! {
    /// A psychology note as typed (form or JSON).
    NoteFields {
        type_note: ligne(lim::CODE),
        titre: ligne(lim::LIBELLE),
        texte: texte(lim::TRANSMISSION),
        outil: ligne(lim::LIBELLE),
        resultat: texte(lim::COMMENTAIRE),
        date_note: ligne(lim::DATE),
    }
}

impl NoteFields {
    /// The input, or 422 naming every field to correct.
    fn validate(&self) -> WebResult<NotePsychologieInput> {
        let mut e = Errors::default();
        let type_note = match opt(&self.type_note).map(|c| TypeNote::from_code(&c)) {
            None => TypeNote::Entretien,
            Some(Some(t)) => t,
            Some(None) => {
                e.add("type_note", "Type de note inconnu.");
                TypeNote::Entretien
            }
        };
        let input = NotePsychologieInput {
            type_note,
            titre: opt(&self.titre).unwrap_or_default(),
            texte: opt(&self.texte).unwrap_or_default(),
            outil: opt(&self.outil),
            resultat: opt(&self.resultat),
            date_note: date_opt(&mut e, "date_note", &self.date_note),
            corrige_id: self.correction.id(&mut e, "Note corrigée inconnue."),
        };
        let regles = input.erreurs(paris_today(Utc::now()));
        e.finir_avec(regles, input)
    }
}

ajout_seul!(NoteFields, Section::Psychologie, PSYCHOLOGIE, PsychologiePage, notes_psychologie_page -> NotePsychologie);

impl Ecrit for NoteFields {
    async fn ecrire(&self, app: &App, _: &CurrentUser, cap: &Capability) -> WebResult<i64> {
        Ok(app
            .store
            .add_note_psychologie(cap, &self.validate()?)
            .await?)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "usager/psychologie.html")]
pub(crate) struct PsychologiePage {
    layout: Layout,
    u: Usager,
    tabs: Tabs,
    liste: Feuillet<NotePsychologie>,
    aujourdhui: String,
    /// The form refused in place, if any.
    en_place: EnPlace,
}

/// GET /usagers/{id}/psychologie (`ajout_seul::page`), and the page again with a refused
/// note.
impl PageSeul for PsychologiePage {
    const ADRESSE: &'static str = "/psychologie";
    const FORMULAIRE: Formulaire = Formulaire::new("note", "p-", Fait::NotePsychologieEnregistree);

    async fn rendre(d: Demande<'_, PageAjoutSeul>, en_place: EnPlace) -> PageDossier {
        let Demande { app, me, id, q } = d;
        let Dossier { tabs, u, .. } =
            Dossier::ouvrir(app, me, id, Onglet::Section(Section::Psychologie)).await?;
        let cap = capability(app, me, id, Section::Psychologie, Action::Lire).await?;
        let liste = q.lire::<NoteFields>(app, &cap).await?;
        Ok(PsychologiePage {
            layout: Layout::new(me, format!("Psychologie — {}", u.nom_naissance), "usagers"),
            u,
            tabs,
            liste,
            aujourdhui: paris_today(Utc::now()).to_string(),
            en_place,
        }
        .into_response())
    }
}
