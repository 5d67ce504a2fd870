//! A series of values over time as an SVG drawn on the server (no script, readable by screen
//! readers through its label and each point's title).

use chrono::NaiveDate;

use crate::time::fr_date;

/// `points` (oldest first) as a line chart; empty under two points.
pub fn graphique(points: &[(NaiveDate, f64)], libelle: &str) -> String {
    let (w, h, m) = (320.0_f64, 160.0_f64, 28.0_f64);
    if points.len() < 2 {
        return String::new();
    }
    let (lo, hi) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let (lo, hi) = if hi - lo < 1.0 {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    };
    let t0 = points[0].0;
    let span = (points[points.len() - 1].0 - t0).num_days().max(1) as f64;
    let x = |d: NaiveDate| m + (d - t0).num_days() as f64 / span * (w - 2.0 * m);
    let y = |v: f64| h - m - (v - lo) / (hi - lo) * (h - 2.0 * m);
    let trace: Vec<String> = points
        .iter()
        .map(|(d, v)| format!("{:.1},{:.1}", x(*d), y(*v)))
        .collect();
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{}\" class=\"graphique\">",
        crate::error::escape(libelle)
    );
    s.push_str(&format!(
        "<line x1=\"{m}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#595959\"/>",
        h - m,
        w - m,
        h - m
    ));
    s.push_str(&format!(
        "<text x=\"2\" y=\"{:.1}\" font-size=\"11\" fill=\"#222\">{hi}</text>",
        y(hi) + 4.0
    ));
    s.push_str(&format!(
        "<text x=\"2\" y=\"{:.1}\" font-size=\"11\" fill=\"#222\">{lo}</text>",
        y(lo) + 4.0
    ));
    s.push_str(&format!(
        "<polyline fill=\"none\" stroke=\"#1d4f91\" stroke-width=\"2\" points=\"{}\"/>",
        trace.join(" ")
    ));
    for (d, v) in points {
        s.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#1d4f91\"><title>{} : {v}</title></circle>",
            x(*d),
            y(*v),
            fr_date(&d.to_string())
        ));
    }
    s.push_str(&format!(
        "<text x=\"{m}\" y=\"{}\" font-size=\"11\" fill=\"#222\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#222\" text-anchor=\"end\">{}</text></svg>",
        h - 8.0,
        fr_date(&t0.to_string()),
        w - m,
        h - 8.0,
        fr_date(&points[points.len() - 1].0.to_string())
    ));
    s
}
