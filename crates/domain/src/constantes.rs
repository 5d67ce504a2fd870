//! Vital signs and measures (SOI-1): each kind has its unit, the bounds of a plausible value
//! (outside: refused, a typing error) and default alert thresholds that a nurse or a doctor
//! may override for one person. A value beyond a threshold raises an alert, shown in the
//! file and on the unit's worksheet. Blood pressure has two values (systolic/diastolic);
//! its thresholds apply to the systolic one.

use serde::Serialize;

code_enum! {
    /// A kind of measure.
    TypeMesure {
        /// Weight, kg.
        Poids = "poids", "Poids";
        /// Temperature, °C.
        Temperature = "temperature", "Température";
        /// Pulse, beats per minute.
        Pouls = "pouls", "Pouls";
        /// Blood pressure, mmHg (systolic/diastolic).
        Tension = "tension", "Tension artérielle";
        /// Oxygen saturation, %.
        Spo2 = "spo2", "Saturation en oxygène (SpO2)";
        /// Capillary glycaemia, g/L.
        Glycemie = "glycemie", "Glycémie capillaire";
        /// Pain scale (EVA/EN), 0 to 10.
        Douleur = "douleur", "Douleur (EVA 0 à 10)";
    }
}

/// Alert thresholds: an alert when a value is below `bas` or above `haut`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Seuils {
    /// Low threshold.
    pub bas: Option<f64>,
    /// High threshold.
    pub haut: Option<f64>,
}

code_enum! {
    /// Which way a value crossed its thresholds.
    Alerte {
        /// Below the low threshold.
        Basse = "basse", "sous le seuil bas";
        /// Above the high threshold.
        Haute = "haute", "au-dessus du seuil haut";
    }
}

impl TypeMesure {
    /// Unit shown after the value.
    pub fn unite(self) -> &'static str {
        match self {
            TypeMesure::Poids => "kg",
            TypeMesure::Temperature => "°C",
            TypeMesure::Pouls => "bpm",
            TypeMesure::Tension => "mmHg",
            TypeMesure::Spo2 => "%",
            TypeMesure::Glycemie => "g/L",
            TypeMesure::Douleur => "/10",
        }
    }

    /// Plausible values (both included) of the (first) value.
    pub fn bornes(self) -> (f64, f64) {
        match self {
            TypeMesure::Poids => (1.0, 400.0),
            TypeMesure::Temperature => (30.0, 45.0),
            TypeMesure::Pouls => (20.0, 250.0),
            TypeMesure::Tension => (40.0, 300.0),
            TypeMesure::Spo2 => (50.0, 100.0),
            TypeMesure::Glycemie => (0.1, 10.0),
            TypeMesure::Douleur => (0.0, 10.0),
        }
    }

    /// Plausible diastolic values, for blood pressure.
    pub const DIASTOLIQUE: (f64, f64) = (20.0, 200.0);

    /// Default alert thresholds.
    pub fn seuils_defaut(self) -> Seuils {
        let s = |bas: Option<f64>, haut: Option<f64>| Seuils { bas, haut };
        match self {
            TypeMesure::Poids => s(None, None),
            TypeMesure::Temperature => s(Some(35.5), Some(38.0)),
            TypeMesure::Pouls => s(Some(50.0), Some(110.0)),
            TypeMesure::Tension => s(Some(90.0), Some(160.0)),
            TypeMesure::Spo2 => s(Some(92.0), None),
            TypeMesure::Glycemie => s(Some(0.7), Some(2.5)),
            TypeMesure::Douleur => s(None, Some(3.0)),
        }
    }

    /// Whether the measure has a second value (diastolic pressure).
    pub fn double(self) -> bool {
        self == TypeMesure::Tension
    }

    /// A value as shown: `37,8 °C`, `135/80 mmHg`.
    pub fn afficher(self, valeur: f64, valeur2: Option<f64>) -> String {
        let n = |v: f64| {
            let s = format!("{v:.2}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            s.replace('.', ",")
        };
        match valeur2 {
            Some(v2) => format!("{}/{} {}", n(valeur), n(v2), self.unite()),
            None => format!("{} {}", n(valeur), self.unite()),
        }
    }
}

/// Checks a measure: plausible bounds, and the diastolic value present for blood pressure
/// only (French messages: 422).
pub fn verifier_mesure(t: TypeMesure, valeur: f64, valeur2: Option<f64>) -> Result<(), String> {
    let (min, max) = t.bornes();
    let hors = |v: f64, (a, b): (f64, f64)| !v.is_finite() || v < a || v > b;
    if hors(valeur, (min, max)) {
        return Err(format!(
            "{} : la valeur doit être comprise entre {} et {} {}.",
            t.label_fr(),
            t.afficher(min, None).trim_end_matches(t.unite()).trim(),
            t.afficher(max, None).trim_end_matches(t.unite()).trim(),
            t.unite()
        ));
    }
    match (t.double(), valeur2) {
        (true, None) => Err("Tension artérielle : indiquez la diastolique.".into()),
        (true, Some(v2)) if hors(v2, TypeMesure::DIASTOLIQUE) => Err(
            "Tension artérielle : la diastolique doit être comprise entre 20 et 200 mmHg.".into(),
        ),
        (true, Some(v2)) if v2 >= valeur => {
            Err("Tension artérielle : la diastolique doit être inférieure à la systolique.".into())
        }
        (false, Some(_)) => Err(format!("{} : une seule valeur.", t.label_fr())),
        _ => Ok(()),
    }
}

/// Checks thresholds: inside the plausible bounds, low below high.
pub fn verifier_seuils(t: TypeMesure, s: &Seuils) -> Result<(), String> {
    let (min, max) = t.bornes();
    for v in [s.bas, s.haut].into_iter().flatten() {
        if !v.is_finite() || v < min || v > max {
            return Err(format!(
                "{} : un seuil doit être compris entre les valeurs plausibles ({} à {} {}).",
                t.label_fr(),
                min,
                max,
                t.unite()
            ));
        }
    }
    if let (Some(b), Some(h)) = (s.bas, s.haut) {
        if b >= h {
            return Err(format!(
                "{} : le seuil bas doit être inférieur au seuil haut.",
                t.label_fr()
            ));
        }
    }
    Ok(())
}

/// The alert a value raises against thresholds, if any.
pub fn alerte(s: &Seuils, valeur: f64) -> Option<Alerte> {
    if s.bas.is_some_and(|b| valeur < b) {
        Some(Alerte::Basse)
    } else if s.haut.is_some_and(|h| valeur > h) {
        Some(Alerte::Haute)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implausible_values_are_refused_in_french() {
        assert!(verifier_mesure(TypeMesure::Temperature, 37.2, None).is_ok());
        let e = verifier_mesure(TypeMesure::Temperature, 52.0, None).unwrap_err();
        assert_eq!(
            e,
            "Température : la valeur doit être comprise entre 30 et 45 °C."
        );
        assert!(verifier_mesure(TypeMesure::Spo2, 101.0, None).is_err());
        assert!(verifier_mesure(TypeMesure::Douleur, -1.0, None).is_err());
        assert!(verifier_mesure(TypeMesure::Poids, f64::NAN, None).is_err());
        assert!(verifier_mesure(TypeMesure::Tension, 130.0, Some(80.0)).is_ok());
        assert!(verifier_mesure(TypeMesure::Tension, 130.0, None).is_err());
        assert!(verifier_mesure(TypeMesure::Tension, 80.0, Some(90.0)).is_err());
        assert!(verifier_mesure(TypeMesure::Pouls, 80.0, Some(60.0)).is_err());
    }

    #[test]
    fn thresholds_raise_alerts_and_are_checked() {
        let t = TypeMesure::Temperature.seuils_defaut();
        assert_eq!(alerte(&t, 38.0), None, "the threshold itself is no alert");
        assert_eq!(alerte(&t, 38.4), Some(Alerte::Haute));
        assert_eq!(alerte(&t, 35.0), Some(Alerte::Basse));
        assert_eq!(alerte(&TypeMesure::Poids.seuils_defaut(), 150.0), None);
        assert_eq!(
            alerte(&TypeMesure::Spo2.seuils_defaut(), 90.0),
            Some(Alerte::Basse)
        );
        // A person's own thresholds.
        let p = Seuils {
            bas: None,
            haut: Some(37.5),
        };
        assert_eq!(alerte(&p, 37.8), Some(Alerte::Haute));
        assert!(verifier_seuils(TypeMesure::Temperature, &p).is_ok());
        let inverses = Seuils {
            bas: Some(38.0),
            haut: Some(36.0),
        };
        assert!(verifier_seuils(TypeMesure::Temperature, &inverses).is_err());
        let hors = Seuils {
            bas: Some(10.0),
            haut: None,
        };
        assert!(verifier_seuils(TypeMesure::Temperature, &hors).is_err());
    }

    #[test]
    fn values_are_shown_the_french_way() {
        assert_eq!(TypeMesure::Temperature.afficher(37.8, None), "37,8 °C");
        assert_eq!(
            TypeMesure::Tension.afficher(135.0, Some(80.0)),
            "135/80 mmHg"
        );
        assert_eq!(TypeMesure::Glycemie.afficher(1.05, None), "1,05 g/L");
    }
}
