//! The monthly statement of presences (ACC-4): the page `/presences/etat`, and
//! `/api/v1/presences/etat` as JSON, CSV (`;`, UTF-8 with BOM, as French spreadsheets open
//! it) and XLSX (written by `rust_xlsxwriter`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use dui_domain::policy::Action;
use dui_domain::presence::{Mois, TypeAbsence};
use dui_store::usager::{EtatMensuel, TotalFinanceur};
use rust_xlsxwriter::{Format, Workbook};
use serde::Deserialize;

use super::presences::capacite;
use crate::auth::CurrentUser;
use crate::time::fr_date;
use crate::time::DatesFr as _;
use crate::{App, AppError, Layout, WebResult};

/// `?etablissement_id=&mois=AAAA-MM` (default: the account's first établissement, the
/// current month in Paris).
#[derive(Deserialize, Default)]
pub struct EtatQuery {
    #[serde(default)]
    etablissement_id: Option<String>,
    #[serde(default)]
    mois: Option<String>,
}

async fn etat(app: &App, me: &CurrentUser, q: &EtatQuery) -> WebResult<EtatMensuel> {
    let (etab, _, today) = super::presences::choix(me, &q.etablissement_id, &None, &None)?;
    let mois = match q.mois.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Mois::parse(m).map_err(|e| AppError::field("mois", e))?,
        None => Mois::de(today),
    };
    let cap = capacite(app, me, etab, Action::Lire).await?;
    Ok(app.store.etat_mensuel(&cap, mois).await?)
}

/// The header of the statement's table: name, number, unit, support, financer, dates,
/// expected and present days, one column per kind of absence, total absences.
fn entetes() -> Vec<String> {
    let mut v: Vec<String> = [
        "Nom",
        "N° usager",
        "Unité",
        "Accompagnement",
        "Financement",
        "Entrée",
        "Sortie",
        "Jours prévus",
        "Jours de présence",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(
        TypeAbsence::ALL
            .iter()
            .map(|t| format!("Absence : {}", t.label_fr())),
    );
    v.push("Total absences".into());
    v
}

/// A cell: text or a number.
enum Cellule {
    T(String),
    N(i64),
}

fn absences_cellules(a: &std::collections::BTreeMap<String, i64>) -> Vec<Cellule> {
    let mut v: Vec<Cellule> = TypeAbsence::ALL
        .iter()
        .map(|t| Cellule::N(a.get(t.code()).copied().unwrap_or(0)))
        .collect();
    v.push(Cellule::N(a.values().sum()));
    v
}

fn financeur(t: &TotalFinanceur) -> String {
    t.financement
        .map_or("Non renseigné".to_string(), |f| f.label_fr().to_string())
}

/// The rows of the statement: one per stay, a blank line, one total per financer, the total.
fn lignes(e: &EtatMensuel) -> Vec<Vec<Cellule>> {
    let mut out = Vec::new();
    for l in &e.lignes {
        let mut r = vec![
            Cellule::T(l.nom.clone()),
            Cellule::T(l.numero_usager.clone().unwrap_or_default()),
            Cellule::T(l.unite.clone().unwrap_or_default()),
            Cellule::T(l.type_accompagnement.label_fr().into()),
            Cellule::T(l.financement.map_or(String::new(), |f| f.label_fr().into())),
            Cellule::T(fr_date(&l.date_entree)),
            Cellule::T(l.date_sortie.as_deref().map(fr_date).unwrap_or_default()),
            Cellule::N(l.jours_prevus),
            Cellule::N(l.jours_presence),
        ];
        r.extend(absences_cellules(&l.absences));
        out.push(r);
    }
    out.push(vec![]);
    let totaux = e
        .par_financeur
        .iter()
        .map(|t| (format!("Total {}", financeur(t)), t));
    for (nom, t) in totaux.chain(std::iter::once((
        "Total établissement".to_string(),
        &e.total,
    ))) {
        let mut r = vec![
            Cellule::T(nom),
            Cellule::T(format!("{} séjour(s)", t.sejours)),
        ];
        r.extend((0..5).map(|_| Cellule::T(String::new())));
        r.push(Cellule::N(t.jours_prevus));
        r.push(Cellule::N(t.jours_presence));
        r.extend(absences_cellules(&t.absences));
        out.push(r);
    }
    out
}

fn nom_fichier(e: &EtatMensuel, ext: &str) -> String {
    format!(
        "attachment; filename=\"presences-{}-{}.{ext}\"",
        e.etablissement_id, e.mois
    )
}

/// The statement as CSV.
pub(crate) fn csv(e: &EtatMensuel) -> String {
    let champ = |s: &str| {
        if s.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("\u{feff}");
    out.push_str(&format!(
        "État mensuel des présences;{};{}\r\n",
        champ(&e.etablissement),
        e.mois
    ));
    out.push_str(
        &entetes()
            .iter()
            .map(|h| champ(h))
            .collect::<Vec<_>>()
            .join(";"),
    );
    out.push_str("\r\n");
    for r in lignes(e) {
        let cells: Vec<String> = r
            .iter()
            .map(|c| match c {
                Cellule::T(s) => champ(s),
                Cellule::N(n) => n.to_string(),
            })
            .collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    out
}

/// The statement as an XLSX workbook.
pub(crate) fn xlsx(e: &EtatMensuel) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(format!("Présences {}", e.mois))?;
    let gras = Format::new().set_bold();
    ws.write_string_with_format(
        0,
        0,
        format!(
            "État mensuel des présences — {} — {}",
            e.etablissement, e.mois
        ),
        &gras,
    )?;
    for (c, h) in entetes().iter().enumerate() {
        ws.write_string_with_format(2, c as u16, h, &gras)?;
    }
    for (i, r) in lignes(e).iter().enumerate() {
        let row = 3 + i as u32;
        for (c, cell) in r.iter().enumerate() {
            match cell {
                Cellule::T(s) if !s.is_empty() => {
                    ws.write_string(row, c as u16, s)?;
                }
                Cellule::T(_) => {}
                Cellule::N(n) => {
                    ws.write_number(row, c as u16, *n as f64)?;
                }
            }
        }
    }
    ws.set_column_width(0, 28)?;
    wb.save_to_buffer()
}

/// GET /api/v1/presences/etat
pub async fn api_json(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<EtatQuery>,
) -> WebResult<Json<EtatMensuel>> {
    Ok(Json(etat(&app, &me, &q).await?))
}

/// GET /api/v1/presences/etat.csv
pub async fn api_csv(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<EtatQuery>,
) -> WebResult<Response> {
    let e = etat(&app, &me, &q).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, nom_fichier(&e, "csv")),
        ],
        csv(&e),
    )
        .into_response())
}

/// GET /api/v1/presences/etat.xlsx
pub async fn api_xlsx(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<EtatQuery>,
) -> WebResult<Response> {
    let e = etat(&app, &me, &q).await?;
    let bytes = xlsx(&e).map_err(|x| AppError::Internal(format!("tableur : {x}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, nom_fichier(&e, "xlsx")),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "presences_etat.html")]
struct EtatPage {
    layout: Layout,
    e: EtatMensuel,
    etablissements: Vec<(i64, String)>,
}

impl EtatPage {
    fn n(&self, a: &std::collections::BTreeMap<String, i64>, t: &TypeAbsence) -> i64 {
        a.get(t.code()).copied().unwrap_or(0)
    }
    fn financeur(&self, t: &TotalFinanceur) -> String {
        financeur(t)
    }
}

/// GET /presences/etat
pub async fn page(
    State(app): State<App>,
    me: CurrentUser,
    Query(q): Query<EtatQuery>,
) -> WebResult<Response> {
    let e = etat(&app, &me, &q).await?;
    let etablissements = app
        .store
        .etablissements(Some(&me.principal.etablissements))
        .await?
        .into_iter()
        .map(|x| (x.id, x.nom.clone()))
        .collect();
    Ok(EtatPage {
        layout: Layout::new(
            &me,
            format!("État mensuel des présences — {}", e.mois),
            "presences",
        ),
        e,
        etablissements,
    }
    .into_response())
}
