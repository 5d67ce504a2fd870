//! The chart of a vital sign over a period, drawn on the server as SVG (no script): the
//! values as a line with a dot each, those beyond a threshold marked, the thresholds as
//! dashed lines. The SVG is an image with a title and a description; the page gives the
//! same values in a table (the accessible alternative). Only numbers and fixed French text
//! go into the markup.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;
use dui_domain::constantes::{Seuils, TypeMesure};
use dui_store::usager::Constante;

const L: f64 = 640.0;
const H: f64 = 220.0;
const MARGE_G: f64 = 48.0;
const MARGE_D: f64 = 12.0;
const MARGE_H: f64 = 12.0;
const MARGE_B: f64 = 28.0;

fn fr(v: f64) -> String {
    let s = format!("{v:.1}");
    s.trim_end_matches('0')
        .trim_end_matches('.')
        .replace('.', ",")
}

/// The SVG of the values of `t` in `serie` (oldest first) over `[debut, fin]`, with the
/// thresholds in force.
pub(crate) fn graphique(
    t: TypeMesure,
    serie: &[Constante],
    seuils: &Seuils,
    debut: DateTime<Utc>,
    fin: DateTime<Utc>,
) -> String {
    let titre = format!(
        "{} ({}) du {} au {}",
        t.label_fr(),
        t.unite(),
        debut.with_timezone(&Paris).format("%d/%m/%Y"),
        fin.with_timezone(&Paris).format("%d/%m/%Y")
    );
    let desc = match serie.len() {
        0 => "Aucune mesure sur la période.".to_string(),
        n => format!(
            "{n} mesure(s), de {} à {} {} ; {} au-delà des seuils. Le tableau qui suit donne les valeurs.",
            fr(serie.iter().map(|c| c.valeur).fold(f64::INFINITY, f64::min)),
            fr(serie.iter().map(|c| c.valeur).fold(f64::NEG_INFINITY, f64::max)),
            t.unite(),
            serie.iter().filter(|c| c.alerte.is_some()).count()
        ),
    };
    let mut valeurs: Vec<f64> = serie.iter().map(|c| c.valeur).collect();
    valeurs.extend(seuils.bas);
    valeurs.extend(seuils.haut);
    let (mut min, mut max) = valeurs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    if !min.is_finite() {
        (min, max) = t.bornes();
    }
    if max - min < 1.0 {
        min -= 0.5;
        max += 0.5;
    }
    let marge = (max - min) * 0.1;
    let (min, max) = (min - marge, max + marge);
    let duree = (fin - debut).num_seconds().max(1) as f64;
    let x = |at: DateTime<Utc>| {
        MARGE_G
            + ((at - debut).num_seconds() as f64 / duree).clamp(0.0, 1.0) * (L - MARGE_G - MARGE_D)
    };
    let y = |v: f64| MARGE_H + (1.0 - (v - min) / (max - min)) * (H - MARGE_H - MARGE_B);
    let mut svg = format!(
        "<svg class=\"graphique\" viewBox=\"0 0 {L} {H}\" role=\"img\" aria-labelledby=\"g-titre g-desc\" preserveAspectRatio=\"xMidYMid meet\">\
         <title id=\"g-titre\">{titre}</title><desc id=\"g-desc\">{desc}</desc>\
         <rect x=\"{MARGE_G}\" y=\"{MARGE_H}\" width=\"{}\" height=\"{}\" fill=\"#fff\" stroke=\"#767676\"/>",
        L - MARGE_G - MARGE_D,
        H - MARGE_H - MARGE_B
    );
    for v in [min + marge, (min + max) / 2.0, max - marge] {
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#3a3a3a\">{}</text>",
            MARGE_G - 4.0,
            y(v) + 4.0,
            fr(v)
        ));
    }
    for (at, ancre) in [(debut, "start"), (fin, "end")] {
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"{ancre}\" fill=\"#3a3a3a\">{}</text>",
            x(at),
            H - 8.0,
            at.with_timezone(&Paris).format("%d/%m/%Y")
        ));
    }
    for s in [seuils.bas, seuils.haut].into_iter().flatten() {
        svg.push_str(&format!(
            "<line x1=\"{MARGE_G}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#b34000\" stroke-dasharray=\"6 4\"/>",
            L - MARGE_D,
            y(s),
            y(s)
        ));
    }
    let points: Vec<(f64, f64, bool)> = serie
        .iter()
        .filter_map(|c| {
            let at = dui_store::parse_ts(&c.mesure_a).ok()?;
            Some((x(at), y(c.valeur), c.alerte.is_some()))
        })
        .collect();
    if points.len() > 1 {
        let p: Vec<String> = points
            .iter()
            .map(|(a, b, _)| format!("{a:.1},{b:.1}"))
            .collect();
        svg.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#000091\" stroke-width=\"1.5\"/>",
            p.join(" ")
        ));
    }
    for (a, b, alerte) in &points {
        let (r, couleur) = if *alerte {
            (4.5, "#ce0500")
        } else {
            (2.5, "#000091")
        };
        svg.push_str(&format!(
            "<circle cx=\"{a:.1}\" cy=\"{b:.1}\" r=\"{r}\" fill=\"{couleur}\"/>"
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use dui_domain::constantes::Alerte;

    fn c(at: DateTime<Utc>, v: f64, alerte: Option<Alerte>) -> Constante {
        Constante {
            id: 1,
            type_mesure: TypeMesure::Temperature,
            valeur: v,
            valeur2: None,
            unite: "°C".into(),
            mesure_a: dui_store::ts(at),
            commentaire: None,
            alerte,
            par: None,
        }
    }

    #[test]
    fn the_chart_is_an_image_with_its_description_and_marks_alerts() {
        let fin = DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let debut = fin - Duration::days(30);
        let serie = [
            c(debut + Duration::days(1), 37.0, None),
            c(debut + Duration::days(10), 38.6, Some(Alerte::Haute)),
            c(fin, 37.2, None),
        ];
        let s = graphique(
            TypeMesure::Temperature,
            &serie,
            &TypeMesure::Temperature.seuils_defaut(),
            debut,
            fin,
        );
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("role=\"img\""));
        assert!(s.contains("3 mesure(s), de 37 à 38,6 °C ; 1 au-delà des seuils."));
        assert_eq!(s.matches("<circle").count(), 3);
        assert_eq!(s.matches("#ce0500").count(), 1, "one alert marked");
        assert_eq!(s.matches("stroke-dasharray").count(), 2, "two thresholds");
        let vide = graphique(TypeMesure::Poids, &[], &Seuils::default(), debut, fin);
        assert!(vide.contains("Aucune mesure sur la période."));
        assert!(!vide.contains("<polyline"));
    }
}
