//! The events of the agenda as read (issue 13): the input and stored types, the row
//! decoder, the participants and exceptions loaded for a list of events, and what a reader
//! sees of each ([`visibilite`]).

use chrono::{DateTime, NaiveDate, Utc};
use dui_domain::agenda::{Presence, StatutRendezVous, TypeParticipant, TypeRendezVous};
use dui_domain::agenda_recurrence::{Exception, Recurrence};
use dui_domain::policy::Section;
use dui_domain::saisie::{self as lim, Champ};
use serde::{Deserialize, Serialize};

use super::activite::date_col;
use crate::fiche::code;
use crate::policy::CapaciteAgenda;
use crate::{parse_ts, StoreResult};

/// The most participants of one event.
pub const PARTICIPANTS_MAX: usize = 50;

/// A participant to invite.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ParticipantInput {
    /// Professional, person supported, or relative/partner.
    pub type_participant: TypeParticipant,
    /// The professional's account.
    pub utilisateur_id: Option<i64>,
    /// The person's file.
    pub usager_id: Option<i64>,
    /// A relative's or a partner's name (« Mme DUPONT, fille »).
    pub nom: Option<String>,
}

impl ParticipantInput {
    /// The professional of account `utilisateur_id`.
    pub fn professionnel(utilisateur_id: i64) -> Self {
        Self {
            type_participant: TypeParticipant::Professionnel,
            utilisateur_id: Some(utilisateur_id),
            usager_id: None,
            nom: None,
        }
    }

    /// The person of file `usager_id`.
    pub fn usager(usager_id: i64) -> Self {
        Self {
            type_participant: TypeParticipant::Usager,
            utilisateur_id: None,
            usager_id: Some(usager_id),
            nom: None,
        }
    }

    /// A relative or a partner, by name.
    pub fn externe(nom: impl Into<String>) -> Self {
        Self {
            type_participant: TypeParticipant::Externe,
            utilisateur_id: None,
            usager_id: None,
            nom: Some(nom.into()),
        }
    }
}

/// What an event says, as planned and as read: its kind, title, slot, place and recurrence.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TermesEvenement {
    /// Kind.
    pub type_rdv: TypeRendezVous,
    /// Title (as read: the kind alone when masked).
    pub objet: String,
    /// Details (as read: none when masked).
    pub description: Option<String>,
    /// Start (first occurrence).
    #[schema(value_type = String, format = DateTime)]
    pub debut: DateTime<Utc>,
    /// End (first occurrence).
    #[schema(value_type = String, format = DateTime)]
    pub fin: DateTime<Utc>,
    /// Where (free text; or a room, below).
    pub lieu: Option<String>,
    /// A room or a vehicle of the établissement.
    pub ressource_id: Option<i64>,
    /// Recurrence (`FREQ=WEEKLY;BYDAY=MO;UNTIL=20270630`), none for a single event.
    pub rrule: Option<String>,
    /// A psychology appointment: shown only to who reads that section.
    #[serde(default)]
    pub psychologie: bool,
}

/// An event as planned or changed (the body of the API's POST and PUT).
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EvenementInput {
    /// What it says.
    #[serde(flatten)]
    pub termes: TermesEvenement,
    /// The établissement whose agenda holds it.
    pub etablissement_id: i64,
    /// Who takes part (the organiser is added).
    #[serde(default)]
    pub participants: Vec<ParticipantInput>,
}

/// The text fields of [`EvenementInput`] and their maxima.
pub const CHAMPS_EVENEMENT: &[Champ] = &[
    Champ::ligne("objet", lim::LIBELLE),
    Champ::texte("description", lim::COMMENTAIRE),
    Champ::ligne("lieu", lim::LIBELLE),
    Champ::ligne("rrule", dui_domain::agenda_recurrence::RRULE_MAX),
    Champ::ligne("nom", lim::NOM_STRUCTURE),
];

/// A participant as stored.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Participant {
    /// Id.
    pub id: i64,
    /// Kind.
    pub type_participant: TypeParticipant,
    /// The account.
    pub utilisateur_id: Option<i64>,
    /// The file.
    pub usager_id: Option<i64>,
    /// The name shown (masked when the reader may not see who).
    pub nom: String,
    /// Presence.
    pub presence: Presence,
    /// Version (a presence change requires it).
    pub version: i64,
}

/// A participant's presence at one occurrence of a series (decision 0059).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PresenceOccurrence {
    /// The participant.
    pub participant_id: i64,
    /// The occurrence's local date in the series (a moved one keeps it).
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// Presence.
    pub presence: Presence,
    /// Version (a change requires it; 0 when none was noted yet).
    pub version: i64,
}

/// One moved or cancelled occurrence.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExceptionOccurrence {
    /// The occurrence's local date in the series.
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// Cancelled (else moved to the slot below).
    pub annulee: bool,
    /// New start.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub debut: Option<DateTime<Utc>>,
    /// New end.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub fin: Option<DateTime<Utc>>,
    /// Why it was moved (postponed) or cancelled.
    #[serde(default)]
    pub motif: Option<String>,
}

/// An event.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Evenement {
    /// Id.
    pub id: i64,
    /// The organiser's account.
    pub utilisateur_id: i64,
    /// The organiser's name.
    pub organisateur: String,
    /// What it says.
    #[serde(flatten)]
    pub termes: TermesEvenement,
    /// The établissement.
    pub etablissement_id: Option<i64>,
    /// Status.
    pub statut: StatutRendezVous,
    /// The motive of the last postponement or cancellation.
    pub motif: Option<String>,
    /// Whether the reader sees who takes part and the title (else masked).
    pub complet: bool,
    /// Version.
    pub version: i64,
    /// Participants.
    pub participants: Vec<Participant>,
    /// Moved or cancelled occurrences.
    pub exceptions: Vec<ExceptionOccurrence>,
    /// Presences noted per occurrence of a series (none for a single event).
    pub presences_occurrences: Vec<PresenceOccurrence>,
}

/// An event reads as what it says (`e.objet`), as a stored record reads as its fields.
impl std::ops::Deref for Evenement {
    type Target = TermesEvenement;
    fn deref(&self) -> &TermesEvenement {
        &self.termes
    }
}

/// An input reads and is changed as what it says (`e.debut = …`).
impl std::ops::Deref for EvenementInput {
    type Target = TermesEvenement;
    fn deref(&self) -> &TermesEvenement {
        &self.termes
    }
}

impl std::ops::DerefMut for EvenementInput {
    fn deref_mut(&mut self) -> &mut TermesEvenement {
        &mut self.termes
    }
}

impl Evenement {
    /// The exceptions by date, as the expansion takes them.
    pub fn exceptions_par_date(&self) -> std::collections::BTreeMap<NaiveDate, Exception> {
        self.exceptions
            .iter()
            .filter_map(|e| {
                let x = match (e.annulee, e.debut, e.fin) {
                    (true, _, _) => Exception::Annulee,
                    (false, Some(debut), Some(fin)) => Exception::Deplacee { debut, fin },
                    _ => return None,
                };
                Some((e.date, x))
            })
            .collect()
    }

    /// The event as its change takes it (the organiser is added back by the store), to
    /// change a few of its fields from a page.
    pub fn saisie(&self) -> EvenementInput {
        EvenementInput {
            termes: self.termes.clone(),
            etablissement_id: self.etablissement_id.unwrap_or(0),
            participants: self
                .participants
                .iter()
                .map(|p| ParticipantInput {
                    type_participant: p.type_participant,
                    utilisateur_id: p.utilisateur_id,
                    usager_id: p.usager_id,
                    nom: (p.type_participant == TypeParticipant::Externe).then(|| p.nom.clone()),
                })
                .collect(),
        }
    }

    /// Participant `pid`'s presence at the occurrence of local date `date` and its version
    /// (« attendu » at version 0 when none was noted).
    pub fn presence_occurrence(&self, pid: i64, date: NaiveDate) -> (Presence, i64) {
        self.presences_occurrences
            .iter()
            .find(|p| p.participant_id == pid && p.date == date)
            .map_or((Presence::Attendu, 0), |p| (p.presence, p.version))
    }

    /// Participant `p`'s presence at the occurrence of local date `date`: at that occurrence
    /// for a series, at the event otherwise.
    pub fn presence_de(&self, p: &Participant, date: NaiveDate) -> Presence {
        if self.rrule.is_some() {
            self.presence_occurrence(p.id, date).0
        } else {
            p.presence
        }
    }

    /// The exception of the occurrence of local date `date`, if any.
    pub fn exception(&self, date: NaiveDate) -> Option<&ExceptionOccurrence> {
        self.exceptions.iter().find(|x| x.date == date)
    }

    /// The recurrence rule (a stored rule is valid: checked when written).
    pub fn regle(&self) -> Option<Recurrence> {
        self.rrule
            .as_deref()
            .and_then(|r| Recurrence::parse(r).ok())
    }
}

pub(super) const COLONNES: &str = "r.id, r.utilisateur_id, ut.nom AS org_nom, ut.prenom AS org_prenom, r.type_rdv, r.objet, r.description, \
    r.debut, r.fin, r.lieu, r.etablissement_id, r.ressource_id, r.rrule, r.section, r.statut, r.motif, r.version";
pub(super) const DEPUIS: &str = "rendez_vous r JOIN utilisateur ut ON ut.id = r.utilisateur_id";

pub(super) fn evenement_from(r: &crate::sql::Row) -> StoreResult<Evenement> {
    let nom: String = r.try_get("org_nom")?;
    let prenom: String = r.try_get("org_prenom")?;
    let section: String = r.try_get("section")?;
    Ok(Evenement {
        id: r.try_get("id")?,
        utilisateur_id: r.try_get("utilisateur_id")?,
        organisateur: format!("{} {prenom}", nom.to_uppercase()),
        termes: TermesEvenement {
            type_rdv: code(r, "type_rdv", TypeRendezVous::from_code)?,
            objet: r.try_get("objet")?,
            description: r.try_get("description")?,
            debut: parse_ts(&r.try_get::<String, _>("debut")?)?,
            fin: parse_ts(&r.try_get::<String, _>("fin")?)?,
            lieu: r.try_get("lieu")?,
            ressource_id: r.try_get("ressource_id")?,
            rrule: r.try_get("rrule")?,
            psychologie: section == Section::Psychologie.code(),
        },
        etablissement_id: r.try_get("etablissement_id")?,
        statut: code(r, "statut", StatutRendezVous::from_code)?,
        motif: r.try_get("motif")?,
        complet: true,
        version: r.try_get("version")?,
        participants: Vec::new(),
        exceptions: Vec::new(),
        presences_occurrences: Vec::new(),
    })
}

/// What a reader sees of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Visibilite {
    /// Everything.
    Complet,
    /// A busy slot: the kind, the time, the place, the professionals.
    Masque,
    /// Nothing (a psychology event for who does not read that section).
    Aucune,
}

/// What `cap` sees of `e`: the organiser and the professionals invited see it all; the staff
/// of its établissement see it all when their role reads the support section, else a busy
/// slot; a psychology event is seen by who reads that section or takes part, by nobody else.
pub(super) fn visibilite(cap: &CapaciteAgenda, e: &Evenement) -> Visibilite {
    let moi = cap.principal().id;
    let invite =
        e.utilisateur_id == moi || e.participants.iter().any(|p| p.utilisateur_id == Some(moi));
    let dans = e
        .etablissement_id
        .is_some_and(|et| cap.principal().etablissements.contains(&et));
    if invite {
        Visibilite::Complet
    } else if !dans || (e.psychologie && !cap.lit_psychologie()) {
        Visibilite::Aucune
    } else if cap.lit_personnes()
        && cap.principal().role.portee() == dui_domain::policy::Portee::Etablissements
    {
        Visibilite::Complet
    } else {
        Visibilite::Masque
    }
}

/// The event as `v` lets it be seen (`None`: not at all).
pub(super) fn montrer(mut e: Evenement, v: Visibilite) -> Option<Evenement> {
    match v {
        Visibilite::Aucune => None,
        Visibilite::Complet => Some(e),
        Visibilite::Masque => {
            e.termes.objet = e.type_rdv.label_fr().to_string();
            e.termes.description = None;
            e.motif = None;
            e.complet = false;
            e.participants
                .retain(|p| p.type_participant == TypeParticipant::Professionnel);
            let gardes: Vec<i64> = e.participants.iter().map(|p| p.id).collect();
            e.presences_occurrences
                .retain(|p| gardes.contains(&p.participant_id));
            Some(e)
        }
    }
}

/// The events `q` reads (their columns, [`COLONNES`]), with their participants and
/// exceptions.
pub(super) async fn evenements_lus(
    on: impl Into<crate::sql::On<'_>>,
    q: crate::sql::Query<'_>,
) -> StoreResult<Vec<Evenement>> {
    let mut on = on.into();
    let mut v = q
        .fetch_all(on.encore())
        .await?
        .iter()
        .map(evenement_from)
        .collect::<StoreResult<Vec<_>>>()?;
    completer(on, &mut v).await?;
    Ok(v)
}

/// Loads the participants and exceptions of `evenements`.
pub(super) async fn completer(
    on: impl Into<crate::sql::On<'_>>,
    evenements: &mut [Evenement],
) -> StoreResult<()> {
    let mut on = on.into();
    if evenements.is_empty() {
        return Ok(());
    }
    let ids: Vec<crate::sql::Value> = evenements.iter().map(|e| e.id.into()).collect();
    let dans = crate::sql::marqueurs(1, ids.len());
    let participants = crate::sql::query(&format!(
        "SELECT p.id, p.rendez_vous_id, p.type_participant, p.utilisateur_id, p.usager_id, p.nom, p.presence, p.version, \
         pu.nom AS u_nom, pu.prenom AS u_prenom, us.nom_naissance, us.nom_utilise, us.premier_prenom, us.prenom_utilise \
         FROM evenement_participant p LEFT JOIN utilisateur pu ON pu.id = p.utilisateur_id \
         LEFT JOIN usager us ON us.id = p.usager_id WHERE p.rendez_vous_id IN ({dans}) ORDER BY p.id"
    ))
    .binds(ids.clone())
    .fetch_all(on.encore())
    .await?;
    for r in &participants {
        let eid: i64 = r.try_get("rendez_vous_id")?;
        let t = code(r, "type_participant", TypeParticipant::from_code)?;
        let nom = match t {
            TypeParticipant::Professionnel => format!(
                "{} {}",
                r.try_get::<Option<String>, _>("u_nom")?
                    .unwrap_or_default()
                    .to_uppercase(),
                r.try_get::<Option<String>, _>("u_prenom")?
                    .unwrap_or_default()
            ),
            TypeParticipant::Usager => {
                let nom: Option<String> = r.try_get("nom_utilise")?;
                let nom = nom.or(r.try_get("nom_naissance")?).unwrap_or_default();
                let prenom: Option<String> = r.try_get("prenom_utilise")?;
                let prenom = prenom.or(r.try_get("premier_prenom")?).unwrap_or_default();
                format!("{} {prenom}", nom.to_uppercase())
            }
            TypeParticipant::Externe => r.try_get::<Option<String>, _>("nom")?.unwrap_or_default(),
        };
        let p = Participant {
            id: r.try_get("id")?,
            type_participant: t,
            utilisateur_id: r.try_get("utilisateur_id")?,
            usager_id: r.try_get("usager_id")?,
            nom,
            presence: code(r, "presence", Presence::from_code)?,
            version: r.try_get("version")?,
        };
        if let Some(e) = evenements.iter_mut().find(|e| e.id == eid) {
            e.participants.push(p);
        }
    }
    let exceptions = crate::sql::query(&format!(
        "SELECT rendez_vous_id, date_origine, annulee, debut, fin, motif FROM evenement_exception \
         WHERE rendez_vous_id IN ({dans}) ORDER BY date_origine"
    ))
    .binds(ids.clone())
    .fetch_all(on.encore())
    .await?;
    for r in &exceptions {
        let eid: i64 = r.try_get("rendez_vous_id")?;
        let opt = |c: &str| -> StoreResult<Option<DateTime<Utc>>> {
            r.try_get::<Option<String>, _>(c)?
                .as_deref()
                .map(parse_ts)
                .transpose()
        };
        let x = ExceptionOccurrence {
            date: date_col(r, "date_origine")?,
            annulee: r.try_get::<i64, _>("annulee")? != 0,
            debut: opt("debut")?,
            fin: opt("fin")?,
            motif: r.try_get("motif")?,
        };
        if let Some(e) = evenements.iter_mut().find(|e| e.id == eid) {
            e.exceptions.push(x);
        }
    }
    let presences = crate::sql::query(&format!(
        "SELECT rendez_vous_id, participant_id, date_origine, presence, version FROM evenement_presence_occurrence \
         WHERE rendez_vous_id IN ({dans}) ORDER BY date_origine, participant_id"
    ))
    .binds(ids)
    .fetch_all(on.encore())
    .await?;
    for r in &presences {
        let eid: i64 = r.try_get("rendez_vous_id")?;
        let p = PresenceOccurrence {
            participant_id: r.try_get("participant_id")?,
            date: date_col(r, "date_origine")?,
            presence: code(r, "presence", Presence::from_code)?,
            version: r.try_get("version")?,
        };
        if let Some(e) = evenements.iter_mut().find(|e| e.id == eid) {
            e.presences_occurrences.push(p);
        }
    }
    Ok(())
}
