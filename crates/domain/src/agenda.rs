//! The minimal agenda (ADM-2): appointments in a professional's agenda. Issue 13
//! (coordination) extends it into full events; the kinds and statuses below are the first
//! ones. Times are instants (UTC), shown in Europe/Paris.

use chrono::{DateTime, Duration, Utc};

use crate::policy::{Action, Matrice, Refus, Role, Section};

/// Whether `role` may use agendas for `action`: every professional but the administrator
/// reads agendas (its own, its établissements'); planning needs a right to write the support
/// or the administrative section (or the psychology section, for its own appointments). Person data inside events is decided apart
/// ([`Matrice::permet`] on `Accompagnement` / `Psychologie`).
pub fn peut_agenda(matrice: &Matrice, role: Role, action: Action) -> Result<(), Refus> {
    if !role.est_professionnel() || role == Role::Administrateur {
        return Err(Refus::NonPermisParLeRole);
    }
    let permis = match action {
        Action::Lire => true,
        Action::Ecrire | Action::Valider => {
            planifie(matrice, role) || matrice.permet(role, Section::Psychologie, Action::Ecrire)
        }
    };
    if permis {
        Ok(())
    } else {
        Err(Refus::NonPermisParLeRole)
    }
}

/// Whether `role` plans events other than psychology appointments: a right to write the
/// support, the care or the administrative section.
pub fn planifie(matrice: &Matrice, role: Role) -> bool {
    [
        Section::Accompagnement,
        Section::Soins,
        Section::Administratif,
    ]
    .iter()
    .any(|s| matrice.permet(role, *s, Action::Ecrire))
}

/// Whether `role` sees another professional's agenda: the cadre and the direction of a
/// shared établissement.
pub fn voit_agenda_des_autres(role: Role) -> bool {
    matches!(role, Role::Cadre | Role::Direction)
}

code_enum! {
    /// The kind of an appointment.
    TypeRendezVous {
        /// First interview of an application (pre-admission).
        EntretienAdmission = "entretien_admission", "Entretien de préadmission";
        /// Any other appointment.
        Autre = "autre", "Rendez-vous";
        /// A team meeting.
        Reunion = "reunion", "Réunion";
        /// A synthesis meeting about a person (project review).
        ReunionSynthese = "reunion_synthese", "Réunion de synthèse";
        /// An outing.
        Sortie = "sortie", "Sortie";
        /// A consultation outside the établissement (specialist, hospital).
        ConsultationExterieure = "consultation_exterieure", "Consultation extérieure";
        /// A visit of the family.
        VisiteFamiliale = "visite_familiale", "Visite familiale";
        /// Information given to a professional, the person or relatives.
        Information = "information", "Information";
    }
}

code_enum! {
    /// Where an appointment stands.
    StatutRendezVous {
        /// Planned.
        Prevu = "prevu", "Prévu";
        /// Confirmed by those concerned.
        Confirme = "confirme", "Confirmé";
        /// Postponed (with a motive); planned again when it gets a new date.
        Reporte = "reporte", "Reporté";
        /// It took place.
        Realise = "realise", "Réalisé";
        /// Cancelled.
        Annule = "annule", "Annulé";
    }
}

/// The longest motive of a postponement or a cancellation, in characters.
pub const MOTIF_MAX: usize = 500;

/// Checks a status change of an event from `de` to `vers` (French message of every forbidden
/// change): a realised or cancelled event no longer changes; a postponement needs a motive;
/// an event is realised only once begun (`debut` ≤ `maintenant`); a postponed event is planned
/// or confirmed again, or cancelled.
pub fn verifier_statut(
    de: StatutRendezVous,
    vers: StatutRendezVous,
    motif: Option<&str>,
    debut: DateTime<Utc>,
    maintenant: DateTime<Utc>,
) -> Result<(), String> {
    use StatutRendezVous::*;
    if de == vers {
        return Err(format!("L'événement est déjà « {} ».", de.label_fr()));
    }
    match de {
        Realise => return Err("Un événement réalisé ne change plus de statut.".into()),
        Annule => {
            return Err(
                "Un événement annulé ne change plus de statut : planifiez-en un nouveau.".into(),
            )
        }
        Confirme if vers == Prevu => {
            return Err(
                "Un événement confirmé ne redevient pas « prévu » : reportez-le ou annulez-le."
                    .into(),
            )
        }
        Reporte if vers == Realise => {
            return Err(
                "Un événement reporté n'est pas réalisé : donnez-lui d'abord une nouvelle date."
                    .into(),
            )
        }
        _ => {}
    }
    let motif_vide = motif.is_none_or(|m| m.trim().is_empty());
    if vers == Reporte && motif_vide {
        return Err("Indiquez le motif du report.".into());
    }
    if motif.is_some_and(|m| m.chars().count() > MOTIF_MAX) {
        return Err(format!("Le motif compte {MOTIF_MAX} caractères au plus."));
    }
    if vers == Realise && debut > maintenant {
        return Err("Un événement ne peut être réalisé avant son début.".into());
    }
    Ok(())
}

code_enum! {
    /// A participant's presence at an event.
    Presence {
        /// Expected (not marked yet).
        Attendu = "attendu", "Attendu";
        /// Was there.
        Present = "present", "Présent";
        /// Was not there.
        Absent = "absent", "Absent";
        /// Excused beforehand.
        Excuse = "excuse", "Excusé";
    }
}

/// Checks that a participant's presence may be set to `p` on an event in status `statut`
/// beginning at `debut`: presence and absence are marked once the event has begun, and not on
/// a cancelled or postponed event; an excuse is given any time before it is realised.
pub fn verifier_presence(
    statut: StatutRendezVous,
    p: Presence,
    debut: DateTime<Utc>,
    maintenant: DateTime<Utc>,
) -> Result<(), String> {
    use StatutRendezVous::*;
    match (statut, p) {
        (Annule | Reporte, Presence::Present | Presence::Absent) => Err(format!(
            "La présence ne se note pas sur un événement « {} ».",
            statut.label_fr()
        )),
        (Annule, _) => Err("L'événement est annulé.".into()),
        (Realise, Presence::Excuse | Presence::Attendu) => {
            Err("L'événement est réalisé : notez le participant présent ou absent.".into())
        }
        (_, Presence::Present | Presence::Absent) if debut > maintenant => {
            Err("La présence se note une fois l'événement commencé.".into())
        }
        _ => Ok(()),
    }
}

/// Checks that a participant's presence may be set to `p` at one occurrence of a series in
/// status `statut`, the occurrence beginning at `debut` (a moved occurrence: its new start;
/// decision 0059): a cancelled occurrence takes no presence; presence and absence are marked
/// once that occurrence has begun; otherwise the series' rules ([`verifier_presence`]).
pub fn verifier_presence_occurrence(
    statut: StatutRendezVous,
    annulee: bool,
    p: Presence,
    debut: DateTime<Utc>,
    maintenant: DateTime<Utc>,
) -> Result<(), String> {
    if annulee {
        return Err("Cette occurrence est annulée : la présence ne s'y note pas.".into());
    }
    let marque = matches!(p, Presence::Present | Presence::Absent);
    let serie_ouverte = !matches!(statut, StatutRendezVous::Annule | StatutRendezVous::Reporte);
    if marque && serie_ouverte && debut > maintenant {
        return Err("La présence se note une fois l'occurrence commencée.".into());
    }
    verifier_presence(statut, p, debut, maintenant)
}

code_enum! {
    /// Who takes part in an event.
    TypeParticipant {
        /// A professional's account (the event is in their agenda).
        Professionnel = "professionnel", "Professionnel";
        /// A person supported (their file).
        Usager = "usager", "Personne accompagnée";
        /// A relative or an outside partner, named.
        Externe = "externe", "Proche ou partenaire";
    }
}

code_enum! {
    /// A resource an event books.
    TypeRessource {
        /// A room.
        Salle = "salle", "Salle";
        /// A vehicle.
        Vehicule = "vehicule", "Véhicule";
    }
}

/// The longest appointment, in hours.
pub const DUREE_MAX_HEURES: i64 = 12;

/// Refuses an appointment whose end is not after its start or that lasts more than
/// [`DUREE_MAX_HEURES`] hours (French message).
pub fn verifier_creneau(debut: DateTime<Utc>, fin: DateTime<Utc>) -> Result<(), String> {
    if fin <= debut {
        return Err("La fin du rendez-vous doit être postérieure à son début.".into());
    }
    if fin - debut > Duration::hours(DUREE_MAX_HEURES) {
        return Err(format!(
            "Un rendez-vous dure {DUREE_MAX_HEURES} heures au plus."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// An event's start, an hour after it, an hour before it.
    fn instants() -> (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>) {
        (
            t("2026-12-07T09:00:00Z"),
            t("2026-12-07T10:00:00Z"),
            t("2026-12-07T08:00:00Z"),
        )
    }

    #[test]
    fn every_status_change_is_decided_with_its_message() {
        use StatutRendezVous::*;
        let (debut, apres, avant) = instants();
        let permis = [
            (Prevu, Confirme),
            (Prevu, Reporte),
            (Prevu, Realise),
            (Prevu, Annule),
            (Confirme, Reporte),
            (Confirme, Realise),
            (Confirme, Annule),
            (Reporte, Prevu),
            (Reporte, Confirme),
            (Reporte, Annule),
        ];
        for &de in StatutRendezVous::ALL {
            for &vers in StatutRendezVous::ALL {
                let r = verifier_statut(de, vers, Some("Médecin absent"), debut, apres);
                assert_eq!(
                    r.is_ok(),
                    permis.contains(&(de, vers)),
                    "{de:?} → {vers:?}: {r:?}"
                );
                if let Err(m) = r {
                    assert!(m.ends_with('.'), "{m}");
                    assert!(!m.is_empty());
                }
            }
        }
        assert_eq!(
            verifier_statut(Prevu, Prevu, None, debut, apres).unwrap_err(),
            "L'événement est déjà « Prévu »."
        );
        assert!(verifier_statut(Realise, Annule, None, debut, apres)
            .unwrap_err()
            .contains("réalisé"));
        assert!(verifier_statut(Annule, Prevu, None, debut, apres)
            .unwrap_err()
            .contains("annulé"));
        assert_eq!(
            verifier_statut(Prevu, Reporte, None, debut, apres).unwrap_err(),
            "Indiquez le motif du report."
        );
        assert!(verifier_statut(Prevu, Reporte, Some("  "), debut, apres).is_err());
        assert!(verifier_statut(Prevu, Annule, None, debut, apres).is_ok());
        assert_eq!(
            verifier_statut(Prevu, Realise, None, debut, avant).unwrap_err(),
            "Un événement ne peut être réalisé avant son début."
        );
        let long = "x".repeat(MOTIF_MAX + 1);
        assert!(verifier_statut(Prevu, Annule, Some(&long), debut, apres)
            .unwrap_err()
            .contains("500"));
    }

    #[test]
    fn presence_is_marked_once_begun_and_never_on_a_cancelled_event() {
        use StatutRendezVous::*;
        let (debut, apres, avant) = instants();
        for &s in StatutRendezVous::ALL {
            for &p in Presence::ALL {
                let r = verifier_presence(s, p, debut, apres);
                let attendu = !matches!(
                    (s, p),
                    (Annule, _)
                        | (Reporte, Presence::Present | Presence::Absent)
                        | (Realise, Presence::Excuse | Presence::Attendu)
                );
                assert_eq!(r.is_ok(), attendu, "{s:?} {p:?}: {r:?}");
            }
        }
        assert_eq!(
            verifier_presence(Prevu, Presence::Present, debut, avant).unwrap_err(),
            "La présence se note une fois l'événement commencé."
        );
        assert!(verifier_presence(Prevu, Presence::Excuse, debut, avant).is_ok());
    }

    #[test]
    fn an_occurrence_takes_presence_once_begun_unless_cancelled() {
        use StatutRendezVous::*;
        let (debut, apres, avant) = instants();
        // A cancelled occurrence takes nothing, whatever the series' status.
        for &s in StatutRendezVous::ALL {
            for &p in Presence::ALL {
                assert_eq!(
                    verifier_presence_occurrence(s, true, p, debut, apres).unwrap_err(),
                    "Cette occurrence est annulée : la présence ne s'y note pas."
                );
            }
        }
        // Otherwise the series' rules, with the occurrence's own start.
        for &s in StatutRendezVous::ALL {
            for &p in Presence::ALL {
                assert_eq!(
                    verifier_presence_occurrence(s, false, p, debut, apres).is_ok(),
                    verifier_presence(s, p, debut, apres).is_ok(),
                    "{s:?} {p:?}"
                );
            }
        }
        assert_eq!(
            verifier_presence_occurrence(Confirme, false, Presence::Absent, debut, avant)
                .unwrap_err(),
            "La présence se note une fois l'occurrence commencée."
        );
        assert!(verifier_presence_occurrence(Prevu, false, Presence::Excuse, debut, avant).is_ok());
        // A postponed series keeps its own refusal, not the occurrence's.
        assert!(
            verifier_presence_occurrence(Reporte, false, Presence::Present, debut, avant)
                .unwrap_err()
                .contains("Reporté")
        );
    }

    #[test]
    fn a_slot_ends_after_it_starts_and_is_bounded() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert!(verifier_creneau(t("2026-12-07T09:00:00Z"), t("2026-12-07T10:00:00Z")).is_ok());
        assert!(verifier_creneau(t("2026-12-07T09:00:00Z"), t("2026-12-07T09:00:00Z")).is_err());
        assert!(verifier_creneau(t("2026-12-07T09:00:00Z"), t("2026-12-07T08:00:00Z")).is_err());
        assert!(
            verifier_creneau(t("2026-12-07T09:00:00Z"), t("2026-12-07T21:00:01Z"))
                .unwrap_err()
                .contains("12 heures")
        );
    }
}
