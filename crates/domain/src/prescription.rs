//! Prescriptions (SOI-3) and the medication administration record: what is prescribed
//! (a medicine, an act, an exam), by whom (RPPS), when it is active, and the rule that no
//! medicine is given without a prescription active at the time it is due. Stopping or
//! changing a prescription keeps it: a change is a new prescription that replaces the
//! stopped one. Medicines may be picked from a drug source behind [`SourceMedicaments`]
//! (`referentiel`: a small in-repo list; a national drug database later).

pub mod referentiel;
pub mod si_besoin;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::feuille_soins::instant_local;
use crate::identifiers::Rpps;
use crate::sejour::Periode;

pub use referentiel::{Medicament, ReferentielLocal, SourceMedicaments};

code_enum! {
    /// What is prescribed.
    TypePrescription {
        /// A medicine.
        Medicament = "medicament", "Médicament";
        /// A care act (dressing, physiotherapy…).
        Acte = "acte", "Acte de soin";
        /// An exam (blood test, X-ray…).
        Examen = "examen", "Examen";
    }
}

code_enum! {
    /// Route of administration.
    Voie {
        /// By mouth.
        Orale = "orale", "Orale";
        /// Under the tongue.
        Sublinguale = "sublinguale", "Sublinguale";
        /// Subcutaneous.
        SousCutanee = "sous_cutanee", "Sous-cutanée";
        /// Intramuscular.
        IntraMusculaire = "intra_musculaire", "Intramusculaire";
        /// Intravenous.
        IntraVeineuse = "intra_veineuse", "Intraveineuse";
        /// On the skin.
        Cutanee = "cutanee", "Cutanée";
        /// Transdermal patch.
        Transdermique = "transdermique", "Transdermique";
        /// Inhaled.
        Inhalee = "inhalee", "Inhalée";
        /// Eye drops.
        Ophtalmique = "ophtalmique", "Ophtalmique";
        /// Rectal.
        Rectale = "rectale", "Rectale";
        /// Other.
        Autre = "autre", "Autre";
    }
}

code_enum! {
    /// What became of a medicine due.
    StatutAdministration {
        /// Given.
        Donne = "donne", "Donné";
        /// Refused by the person (recorded as such).
        Refuse = "refuse", "Refusé";
        /// Not given (a reason is required).
        NonDonne = "non_donne", "Non donné";
    }
}

/// Checks the dates of a prescription (French message).
pub fn verifier_dates(debut: NaiveDate, fin: Option<NaiveDate>) -> Result<(), String> {
    if fin.is_some_and(|f| f < debut) {
        return Err("La fin de la prescription doit suivre son début.".into());
    }
    Ok(())
}

/// Who prescribed: the doctor's own account (its RPPS), or an external prescriber typed with
/// their RPPS (a nurse transcribing a prescription). The RPPS is checked (11 digits, Luhn).
pub fn prescripteur(
    compte_medecin: Option<(&str, Option<&str>)>,
    saisi: Option<(&str, &str)>,
) -> Result<(String, Rpps), String> {
    let rpps = |s: &str| Rpps::parse(s).map_err(|e| e.to_string());
    match (saisi, compte_medecin) {
        (Some((nom, num)), _) if !nom.trim().is_empty() => Ok((nom.trim().to_string(), rpps(num)?)),
        (Some(_), _) => Err("Indiquez le nom du prescripteur.".into()),
        (None, Some((nom, Some(num)))) => Ok((nom.to_string(), rpps(num).map_err(|e| {
            format!("Le numéro RPPS de votre compte est invalide ({e}) : faites-le corriger par l'administrateur ou saisissez le prescripteur.")
        })?)),
        (None, Some((_, None))) => Err(
            "Votre compte n'a pas de numéro RPPS : faites-le renseigner par l'administrateur ou saisissez le prescripteur.".into(),
        ),
        (None, None) => Err("Indiquez le prescripteur et son numéro RPPS.".into()),
    }
}

/// A prescription as the administration rule sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrescriptionActive {
    /// What.
    pub type_prescription: TypePrescription,
    /// When active.
    pub validite: Validite,
    /// Local times of the doses (none: *si besoin* only).
    pub horaires: Vec<NaiveTime>,
    /// Given when needed.
    pub si_besoin: bool,
}

/// The period a prescription is active: its days, from the start of the first (Paris) to the
/// end of the last, until it was stopped (or replaced), whichever comes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validite {
    /// Its days (`fin`: the day after the last one, if any).
    pub jours: Periode,
    /// When it was stopped or replaced, if it was.
    pub arret: Option<DateTime<Utc>>,
}

impl Validite {
    /// From the first day, the last day included (if any) and the stop (if any).
    pub fn new(debut: NaiveDate, dernier: Option<NaiveDate>, arret: Option<DateTime<Utc>>) -> Self {
        let fin = dernier.and_then(|d| d.succ_opt());
        Validite {
            jours: Periode { debut, fin },
            arret,
        }
    }

    /// Whether the prescription is active at `t`.
    pub fn active_a(&self, t: DateTime<Utc>) -> bool {
        let minuit = |jour: NaiveDate| instant_local(jour, NaiveTime::MIN);
        t >= minuit(self.jours.debut)
            && self.jours.fin.is_none_or(|f| t < minuit(f))
            && self.arret.is_none_or(|a| t < a)
    }
}

/// Whether a dose of `p` due at `prevu` may be recorded: a medicine, active at that
/// instant, and due then (one of its times that day), unless given when needed; a reason
/// is required when it is not given (French messages).
pub fn verifier_administration(
    p: &PrescriptionActive,
    prevu: DateTime<Utc>,
    statut: StatutAdministration,
    motif: Option<&str>,
) -> Result<(), String> {
    if p.type_prescription != TypePrescription::Medicament {
        return Err("Seul un médicament prescrit s'administre.".into());
    }
    if !p.validite.active_a(prevu) {
        return Err(
            "Aucune prescription active à cette heure : l'administration ne peut être enregistrée."
                .into(),
        );
    }
    if !p.si_besoin {
        let local = prevu.with_timezone(&chrono_tz::Europe::Paris);
        let due = p
            .horaires
            .iter()
            .any(|h| instant_local(local.date_naive(), *h) == prevu);
        if !due {
            return Err("Ce médicament n'est pas prescrit à cette heure.".into());
        }
    }
    if statut == StatutAdministration::NonDonne && motif.is_none_or(|m| m.trim().is_empty()) {
        return Err("Indiquez pourquoi le médicament n'a pas été donné.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan_soins::parse_horaires;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn p(fin: Option<&str>, arret: Option<&str>) -> PrescriptionActive {
        PrescriptionActive {
            type_prescription: TypePrescription::Medicament,
            validite: Validite::new(d("2026-12-01"), fin.map(d), arret.map(t)),
            horaires: parse_horaires("08:00,20:00").unwrap(),
            si_besoin: false,
        }
    }

    #[test]
    fn prescriptions_are_active_from_their_first_to_their_last_day_until_stopped() {
        let v = p(Some("2026-12-05"), None).validite;
        // 2026-12-01 00:00 in Paris is 2026-11-30 23:00 UTC.
        assert!(!v.active_a(t("2026-11-30T22:59:59Z")));
        assert!(v.active_a(t("2026-11-30T23:00:00Z")));
        assert!(
            v.active_a(t("2026-12-05T22:59:59Z")),
            "the last day is included"
        );
        assert!(!v.active_a(t("2026-12-05T23:00:00Z")));
        let arretee = p(None, Some("2026-12-03T10:00:00Z")).validite;
        assert!(arretee.active_a(t("2026-12-03T09:59:00Z")));
        assert!(!arretee.active_a(t("2026-12-03T10:00:00Z")));
        assert!(verifier_dates(d("2026-12-02"), Some(d("2026-12-01"))).is_err());
    }

    #[test]
    fn no_administration_without_an_active_prescription_due_then() {
        let ok = p(None, None);
        let huit = t("2026-12-03T07:00:00Z"); // 08:00 in Paris (winter time)
        assert_eq!(
            verifier_administration(&ok, huit, StatutAdministration::Donne, None),
            Ok(())
        );
        // Not one of its times.
        assert!(verifier_administration(
            &ok,
            t("2026-12-03T08:00:00Z"),
            StatutAdministration::Donne,
            None
        )
        .is_err());
        // Stopped before the round.
        let arretee = p(None, Some("2026-12-03T06:00:00Z"));
        let e = verifier_administration(&arretee, huit, StatutAdministration::Donne, None);
        assert!(e.unwrap_err().starts_with("Aucune prescription active"));
        // Not started yet.
        assert!(verifier_administration(
            &ok,
            t("2026-11-30T07:00:00Z"),
            StatutAdministration::Donne,
            None
        )
        .is_err());
        // A refusal is recorded; « not given » needs a reason.
        assert!(verifier_administration(&ok, huit, StatutAdministration::Refuse, None).is_ok());
        assert!(verifier_administration(&ok, huit, StatutAdministration::NonDonne, None).is_err());
        assert!(verifier_administration(
            &ok,
            huit,
            StatutAdministration::NonDonne,
            Some("Hospitalisé")
        )
        .is_ok());
        // When needed: any time while active.
        let sb = PrescriptionActive {
            si_besoin: true,
            horaires: Vec::new(),
            ..ok.clone()
        };
        assert!(verifier_administration(
            &sb,
            t("2026-12-03T15:17:00Z"),
            StatutAdministration::Donne,
            None
        )
        .is_ok());
        // An exam is not administered.
        let ex = PrescriptionActive {
            type_prescription: TypePrescription::Examen,
            ..ok
        };
        assert!(verifier_administration(&ex, huit, StatutAdministration::Donne, None).is_err());
    }

    #[test]
    fn summer_rounds_are_at_their_local_time() {
        let ok = p(None, None);
        let mut ete = ok.clone();
        ete.validite.jours.debut = d("2026-06-01");
        // 08:00 in Paris in June is 06:00 UTC.
        assert!(verifier_administration(
            &ete,
            t("2026-06-10T06:00:00Z"),
            StatutAdministration::Donne,
            None
        )
        .is_ok());
        assert!(verifier_administration(
            &ete,
            t("2026-06-10T07:00:00Z"),
            StatutAdministration::Donne,
            None
        )
        .is_err());
    }

    #[test]
    fn the_prescriber_has_a_checked_rpps() {
        let bon = "10000000009";
        assert!(Rpps::parse(bon).is_ok(), "test oracle");
        // The doctor's own account.
        let (nom, r) = prescripteur(Some(("Dr Martin", Some(bon))), None).unwrap();
        assert_eq!((nom.as_str(), r.as_str()), ("Dr Martin", bon));
        assert!(prescripteur(Some(("Dr Martin", None)), None).is_err());
        // An external prescriber typed by a nurse: the key is checked.
        assert!(prescripteur(None, Some(("Dr Dupont", bon))).is_ok());
        let e = prescripteur(None, Some(("Dr Dupont", "10000000008"))).unwrap_err();
        assert!(e.contains("RPPS"), "{e}");
        assert!(prescripteur(None, Some(("", bon))).is_err());
        assert!(prescripteur(None, None).is_err());
    }
}
