//! Social benefits (GA-3): the kinds of benefit, their payer and validity, and when the
//! renewal alert starts (N days before the end, N configurable per kind by the
//! administrator, with the defaults below). Dates are calendar days of Europe/Paris.

use chrono::{Duration, NaiveDate};

code_enum! {
    /// The kind of a social benefit (or of a right to renew: MDPH orientation).
    TypePrestation {
        /// Allocation personnalisée d'autonomie (departmental council).
        Apa = "apa", "APA (allocation personnalisée d'autonomie)";
        /// Prestation de compensation du handicap.
        Pch = "pch", "PCH (prestation de compensation du handicap)";
        /// Allocation aux adultes handicapés (CAF, MSA).
        Aah = "aah", "AAH (allocation aux adultes handicapés)";
        /// Aide sociale à l'hébergement.
        Ash = "ash", "ASH (aide sociale à l'hébergement)";
        /// Allocation d'éducation de l'enfant handicapé.
        Aeeh = "aeeh", "AEEH (allocation d'éducation de l'enfant handicapé)";
        /// Housing allowance (APL, ALS).
        AllocationLogement = "allocation_logement", "Allocation logement (APL, ALS)";
        /// Complémentaire santé solidaire.
        Css = "css", "Complémentaire santé solidaire";
        /// MDPH orientation decision (CDAPH).
        OrientationMdph = "orientation_mdph", "Orientation MDPH (CDAPH)";
        /// Carte mobilité inclusion.
        Cmi = "cmi", "Carte mobilité inclusion";
        /// Revenu de solidarité active.
        Rsa = "rsa", "RSA (revenu de solidarité active)";
        /// Any other right.
        Autre = "autre", "Autre droit";
    }
}

impl TypePrestation {
    /// Days before the end when the renewal alert starts, unless the administrator set
    /// another figure: a renewal filed with the MDPH takes months (6 months ahead for its
    /// decisions), the departmental council or the CAF a few (3 months), a yearly right
    /// (complémentaire santé solidaire, RSA) two.
    pub fn delai_alerte_defaut(self) -> i64 {
        match self {
            TypePrestation::Pch
            | TypePrestation::Aah
            | TypePrestation::Aeeh
            | TypePrestation::OrientationMdph
            | TypePrestation::Cmi => 180,
            TypePrestation::Apa | TypePrestation::Ash | TypePrestation::AllocationLogement => 90,
            TypePrestation::Css | TypePrestation::Rsa | TypePrestation::Autre => 60,
        }
    }
}

/// Longest alert delay an administrator may set, in days (two years).
pub const DELAI_MAX_JOURS: i64 = 730;

/// Checks an alert delay typed by the administrator (French message).
pub fn verifier_delai(jours: i64) -> Result<i64, String> {
    if (0..=DELAI_MAX_JOURS).contains(&jours) {
        Ok(jours)
    } else {
        Err(format!(
            "Le délai d'alerte doit être compris entre 0 et {DELAI_MAX_JOURS} jours."
        ))
    }
}

/// The state of a benefit on a day, for its alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EtatDroit {
    /// Ends within the alert delay: to renew.
    ARenouveler,
    /// Ended (the last valid day is past) and not renewed.
    Expire,
}

impl EtatDroit {
    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            EtatDroit::ARenouveler => "à renouveler",
            EtatDroit::Expire => "expiré",
        }
    }
}

/// The alert of a benefit valid until `fin` (its last day, included) on `aujourdhui`, with an
/// alert delay of `delai` days: expired from the day after `fin`, to renew from `fin - delai`
/// on, nothing before (or without an end).
pub fn alerte(fin: Option<NaiveDate>, delai: i64, aujourdhui: NaiveDate) -> Option<EtatDroit> {
    let fin = fin?;
    if aujourdhui > fin {
        Some(EtatDroit::Expire)
    } else if aujourdhui >= fin - Duration::days(delai) {
        Some(EtatDroit::ARenouveler)
    } else {
        None
    }
}

/// The last end date that alerts on `aujourdhui` with `delai` (what the store's query asks):
/// `fin <= aujourdhui + delai`.
pub fn fin_alertee_max(delai: i64, aujourdhui: NaiveDate) -> NaiveDate {
    aujourdhui + Duration::days(delai)
}

/// The benefit's dates must be in order (French message).
pub fn verifier_periode(debut: NaiveDate, fin: Option<NaiveDate>) -> Result<(), &'static str> {
    match fin {
        Some(f) if f < debut => {
            Err("La date de fin du droit doit être postérieure ou égale à la date de début.")
        }
        _ => Ok(()),
    }
}

/// An amount in euros typed in French (`1 234,56`, `1234.5`, `85 €`) as cents; a negative or
/// unreadable amount is refused.
pub fn montant_centimes(texte: &str) -> Result<i64, &'static str> {
    const MSG: &str = "Le montant doit être un nombre positif d'euros (par exemple 1 234,56).";
    let t: String = texte
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€' && *c != '\u{a0}' && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let (euros, cents) = t.split_once('.').unwrap_or((&t, ""));
    let chiffres = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !chiffres(euros) || !(cents.is_empty() || (chiffres(cents) && cents.len() <= 2)) {
        return Err(MSG);
    }
    let euros: i64 = euros.parse().map_err(|_| MSG)?;
    let cents: i64 = if cents.is_empty() {
        0
    } else {
        format!("{cents:0<2}").parse().map_err(|_| MSG)?
    };
    euros
        .checked_mul(100)
        .and_then(|e| e.checked_add(cents))
        .filter(|v| *v <= 10_000_000_000)
        .ok_or(MSG)
}

/// Cents written in French: `1 234,56 €`.
pub fn montant_fr(centimes: i64) -> String {
    let euros = (centimes / 100).to_string();
    let mut groupes = String::new();
    for (i, c) in euros.chars().enumerate() {
        if i > 0 && (euros.len() - i).is_multiple_of(3) {
            groupes.push('\u{202f}');
        }
        groupes.push(c);
    }
    format!("{groupes},{:02} €", centimes % 100)
}

/// Whose files' alerts (benefits to renew, measures to review) a home page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PorteeAlertes {
    /// Every current file of the account's établissements (those who write the
    /// administrative section: secretariat, cadre, direction).
    Etablissements,
    /// The files the account is the referent of.
    Referent,
}

/// The alerts' scope of `role` ([`PorteeAlertes`]); `None` for the roles that do not read the
/// administrative section or are not scoped by établissement (portal, home care: their home
/// lists their people).
pub fn portee_alertes(
    matrice: &crate::policy::Matrice,
    role: crate::policy::Role,
) -> Option<PorteeAlertes> {
    use crate::policy::{Action, Portee, Section};
    if role.portee() != Portee::Etablissements
        || !matrice.permet(role, Section::Administratif, Action::Lire)
    {
        None
    } else if matrice.permet(role, Section::Administratif, Action::Ecrire) {
        Some(PorteeAlertes::Etablissements)
    } else {
        Some(PorteeAlertes::Referent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sejour::essai::d;

    #[test]
    fn the_alert_starts_n_days_before_the_end_and_turns_to_expired_after_it() {
        let fin = Some(d("2026-12-31"));
        assert_eq!(alerte(fin, 90, d("2026-10-01")), None, "91 days before");
        assert_eq!(
            alerte(fin, 90, d("2026-10-02")),
            Some(EtatDroit::ARenouveler),
            "exactly 90 days before"
        );
        assert_eq!(
            alerte(fin, 90, d("2026-12-31")),
            Some(EtatDroit::ARenouveler),
            "the last valid day"
        );
        assert_eq!(alerte(fin, 90, d("2027-01-01")), Some(EtatDroit::Expire));
        assert_eq!(alerte(fin, 0, d("2026-12-30")), None);
        assert_eq!(alerte(None, 90, d("2040-01-01")), None, "no end, no alert");
        assert_eq!(fin_alertee_max(90, d("2026-10-02")), d("2026-12-31"));
    }

    #[test]
    fn each_kind_has_a_default_delay_and_the_administrator_bounds_are_checked() {
        assert_eq!(TypePrestation::OrientationMdph.delai_alerte_defaut(), 180);
        assert_eq!(TypePrestation::Apa.delai_alerte_defaut(), 90);
        assert_eq!(TypePrestation::Css.delai_alerte_defaut(), 60);
        assert!(TypePrestation::ALL
            .iter()
            .all(|t| verifier_delai(t.delai_alerte_defaut()).is_ok()));
        assert!(verifier_delai(-1).is_err() && verifier_delai(731).is_err());
        assert!(verifier_periode(d("2026-01-02"), Some(d("2026-01-01"))).is_err());
        assert!(verifier_periode(d("2026-01-02"), Some(d("2026-01-02"))).is_ok());
    }

    #[test]
    fn amounts_are_read_in_french_and_written_back() {
        assert_eq!(montant_centimes("1 234,56"), Ok(123_456));
        assert_eq!(montant_centimes("85 €"), Ok(8_500));
        assert_eq!(montant_centimes("12.5"), Ok(1_250));
        assert!(montant_centimes("-3").is_err());
        assert!(montant_centimes("1,234").is_err());
        assert!(montant_centimes("abc").is_err());
        assert!(montant_centimes("99999999999999").is_err());
        assert_eq!(montant_fr(123_456), "1\u{202f}234,56 €");
        assert_eq!(montant_fr(5), "0,05 €");
    }

    #[test]
    fn the_administrative_writers_see_their_etablissements_alerts_and_the_others_their_referees() {
        use crate::policy::{Matrice, Role};
        let m = Matrice::par_defaut();
        assert_eq!(
            portee_alertes(&m, Role::Secretariat),
            Some(PorteeAlertes::Etablissements)
        );
        assert_eq!(
            portee_alertes(&m, Role::Cadre),
            Some(PorteeAlertes::Etablissements)
        );
        assert_eq!(
            portee_alertes(&m, Role::Educateur),
            Some(PorteeAlertes::Referent)
        );
        assert_eq!(portee_alertes(&m, Role::Administrateur), None);
        assert_eq!(portee_alertes(&m, Role::IntervenantDomicile), None);
        assert_eq!(portee_alertes(&m, Role::Proche), None);
    }
}
