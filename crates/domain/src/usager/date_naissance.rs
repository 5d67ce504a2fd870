//! *Date de naissance*, an INS trait that may be partial (RNIV: unknown day or month
//! written `00`, as in the NIR and in INSi answers).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// First accepted birth year.
pub const ANNEE_MIN: i32 = 1880;

/// Error of a birth date.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum DateNaissanceInvalide {
    /// Nothing was typed.
    #[error("La date de naissance est vide.")]
    Vide,
    /// Neither `AAAA-MM-JJ` nor `JJ/MM/AAAA`.
    #[error("La date de naissance « {0} » n'est pas au format JJ/MM/AAAA ou AAAA-MM-JJ (00 pour un jour ou un mois inconnu).")]
    Format(String),
    /// Month outside 01-12 (00 = unknown).
    #[error("Le mois de naissance {0:02} n'existe pas : il doit être compris entre 01 et 12, ou 00 s'il est inconnu.")]
    Mois(u32),
    /// Day that does not exist in that month.
    #[error("La date du {jour:02}/{mois:02}/{annee} n'existe pas.")]
    Jour {
        /// Day typed.
        jour: u32,
        /// Month typed.
        mois: u32,
        /// Year typed.
        annee: i32,
    },
    /// Day known while the month is unknown.
    #[error("Le jour de naissance ne peut pas être renseigné si le mois est inconnu.")]
    JourSansMois,
    /// Year before [`ANNEE_MIN`].
    #[error("L'année de naissance {0} est antérieure à {ANNEE_MIN} : vérifiez la saisie.")]
    AnneeTropAncienne(i32),
    /// Date after today (for a partial date: its first possible day is after today).
    #[error("La date de naissance {0} est postérieure à la date du jour.")]
    Future(String),
}

/// *Date de naissance*, possibly partial: the year is always known, the month and day
/// may be unknown (RNIV; `00` in the NIR and INSi). A known day implies a known month.
///
/// Text forms: ISO `1938-04-12`, `1938-04-00`, `1938-00-00` ([`Display`], serde) and
/// French `12/04/1938`, `??/04/1938`, `??/??/1938` ([`DateNaissance::display_fr`]).
///
/// [`Display`]: std::fmt::Display
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DateNaissance {
    annee: i32,
    mois: Option<u32>,
    jour: Option<u32>,
}

/// Reads a number whose digit count is in `longueurs`; `??` (unknown, read as 0) is
/// accepted for a day or a month (when 2 digits are allowed), never for a year.
fn nombre(s: &str, longueurs: std::ops::RangeInclusive<usize>) -> Option<u32> {
    if s == "??" && longueurs.contains(&2) {
        return Some(0);
    }
    if !longueurs.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl DateNaissance {
    /// Parses `AAAA-MM-JJ` or `JJ/MM/AAAA` (`00`, or `??` in the French form, for an
    /// unknown day or month) and checks it against `today`.
    ///
    /// # Errors
    /// [`DateNaissanceInvalide`]: bad format, impossible date (31/02), day without month,
    /// year before 1880, or date after `today`.
    pub fn parse(s: &str, today: NaiveDate) -> Result<Self, DateNaissanceInvalide> {
        let d = Self::from_iso_ou_fr(s)?;
        let premier_jour_possible =
            NaiveDate::from_ymd_opt(d.annee, d.mois.unwrap_or(1), d.jour.unwrap_or(1));
        if premier_jour_possible.is_none_or(|p| p > today) {
            return Err(DateNaissanceInvalide::Future(d.display_fr()));
        }
        Ok(d)
    }

    /// Builds a date from its parts (`None` = unknown) and checks it against `today`.
    ///
    /// # Errors
    /// Same as [`DateNaissance::parse`].
    pub fn from_parts(
        annee: i32,
        mois: Option<u32>,
        jour: Option<u32>,
        today: NaiveDate,
    ) -> Result<Self, DateNaissanceInvalide> {
        let iso = format!(
            "{annee:04}-{:02}-{:02}",
            mois.unwrap_or(0),
            jour.unwrap_or(0)
        );
        Self::parse(&iso, today)
    }

    /// Parses a stored date without the « not in the future » check (data read back
    /// from the database or from a trusted exchange). Used by serde.
    ///
    /// # Errors
    /// Same as [`DateNaissance::parse`] except [`DateNaissanceInvalide::Future`].
    pub fn from_iso_ou_fr(s: &str) -> Result<Self, DateNaissanceInvalide> {
        let t = s.trim();
        if t.is_empty() {
            return Err(DateNaissanceInvalide::Vide);
        }
        let format = || DateNaissanceInvalide::Format(t.to_owned());
        let tirets: Vec<&str> = t.split('-').collect();
        let barres: Vec<&str> = t.split('/').collect();
        let (a, m, j) = match (tirets.as_slice(), barres.as_slice()) {
            ([a, m, j], _) => (nombre(a, 4..=4), nombre(m, 2..=2), nombre(j, 2..=2)),
            (_, [j, m, a]) => (nombre(a, 4..=4), nombre(m, 1..=2), nombre(j, 1..=2)),
            _ => return Err(format()),
        };
        let (Some(a), Some(m), Some(j)) = (a, m, j) else {
            return Err(format());
        };
        let annee = i32::try_from(a).map_err(|_| format())?;
        if annee < ANNEE_MIN {
            return Err(DateNaissanceInvalide::AnneeTropAncienne(annee));
        }
        if m > 12 {
            return Err(DateNaissanceInvalide::Mois(m));
        }
        if m == 0 && j != 0 {
            return Err(DateNaissanceInvalide::JourSansMois);
        }
        if j != 0 && NaiveDate::from_ymd_opt(annee, m, j).is_none() {
            return Err(DateNaissanceInvalide::Jour {
                jour: j,
                mois: m,
                annee,
            });
        }
        Ok(Self {
            annee,
            mois: (m != 0).then_some(m),
            jour: (j != 0).then_some(j),
        })
    }

    /// Year of birth.
    pub fn annee(&self) -> i32 {
        self.annee
    }

    /// Month of birth (1-12), `None` when unknown.
    pub fn mois(&self) -> Option<u32> {
        self.mois
    }

    /// Day of birth, `None` when unknown.
    pub fn jour(&self) -> Option<u32> {
        self.jour
    }

    /// The full date when day and month are known.
    pub fn to_naive_date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.annee, self.mois?, self.jour?)
    }

    /// True when day and month are known.
    pub fn is_complete(&self) -> bool {
        self.jour.is_some()
    }

    /// French display: `12/04/1938`, `??/04/1938`, `??/??/1938`.
    pub fn display_fr(&self) -> String {
        let partie = |p: Option<u32>| p.map_or_else(|| "??".to_owned(), |v| format!("{v:02}"));
        format!(
            "{}/{}/{:04}",
            partie(self.jour),
            partie(self.mois),
            self.annee
        )
    }

    /// Age in completed years on `today`, `None` before birth.
    ///
    /// - complete date: exact age;
    /// - month known, day unknown: exact outside the birth month; during the birth
    ///   month, the birthday is taken as not yet reached (lower bound) except on the
    ///   last day of the month;
    /// - month unknown: `None` when ambiguous, i.e. except during the year of birth
    ///   (age 0) and on 31 December (birthday certainly reached).
    pub fn age_at(&self, today: NaiveDate) -> Option<u32> {
        let ecart = u32::try_from(today.year() - self.annee).ok()?;
        let anniversaire_passe = match (self.mois, self.jour) {
            (Some(m), Some(j)) => Some((today.month(), today.day()) >= (m, j)),
            (Some(m), None) if today.month() != m => Some(today.month() > m),
            (Some(_), None) => Some(today.succ_opt().is_none_or(|d| d.month() != today.month())),
            (None, _) if ecart == 0 => return Some(0),
            (None, _) => (today.month() == 12 && today.day() == 31).then_some(true),
        }?;
        if anniversaire_passe {
            Some(ecart)
        } else {
            ecart.checked_sub(1)
        }
    }
}

impl std::fmt::Display for DateNaissance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.annee,
            self.mois.unwrap_or(0),
            self.jour.unwrap_or(0)
        )
    }
}

impl TryFrom<String> for DateNaissance {
    type Error = DateNaissanceInvalide;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::from_iso_ou_fr(&s)
    }
}

impl From<DateNaissance> for String {
    fn from(d: DateNaissance) -> String {
        d.to_string()
    }
}

/// In JSON a string, ISO with `00` for an unknown day or month (its serde form).
impl utoipa::PartialSchema for DateNaissance {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d{4}-\d{2}-\d{2}$"))
            .description(Some("AAAA-MM-JJ, 00 pour un jour ou un mois inconnu"))
            .into()
    }
}
impl utoipa::ToSchema for DateNaissance {}
