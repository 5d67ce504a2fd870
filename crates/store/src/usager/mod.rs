//! The usager (*personne accompagnée*): identity, stays, search, duplicates, circle.
//!
//! Every function that reads or writes a person's data takes a [`Capability`] for that
//! person, obtained from [`crate::policy::authorize`] (which audits the read).

mod activite;
mod activite_historique;
mod activite_inscription;
mod activite_seance;
mod affectations;
mod agenda;
mod agenda_evenement;
mod agenda_evenement_types;
mod agenda_occurrence;
mod agenda_vue;
mod alertes_parcours;
mod bulk;
mod candidature;
mod candidature_liste;
mod candidature_statut;
mod constantes;
mod correction;
mod creation;
mod detection;
mod dlu;
mod doublons;
mod droits_bulk;
mod echange;
mod entourage;
mod entourage_versions;
mod equipe;
mod etat;
mod evaluation;
mod feuille_soins;
mod fusion_deplacements;
mod gmp;
mod hors_perimetre;
mod insi;
mod liaison;
mod liaison_nouvelles;
mod liaison_participants;
mod listes;
mod mes_personnes;
mod message;
mod mesure;
mod name_index;
mod observation;
mod photo;
mod plan_soins;
mod prescription;
mod presence;
mod prestation;
mod projet;
mod psychologie;
mod recherche;
mod recherche_texte;
mod releve;
mod releve_suivi;
mod saisie;
mod sejour;
mod soins;
mod suivi;
mod transmission;
// h10: the reads shared by the versioned records of a file.
mod versionne;
// Home-care planning and télégestion (h13b).
mod intervention;
mod planning;
mod planning_bulk;
mod telegestion;

pub use activite::{Activite, ActiviteInput, ANIMATEURS_MAX, CHAMPS_ACTIVITE};
pub use activite_historique::{FiltreParticipation, NatureParticipation, Participation};
pub use activite_inscription::Inscription;
pub use activite_seance::{
    FeuillePresence, LignePresence, NouvellesSeances, PresenceSaisie, Seance,
};
pub use agenda::{NouveauRendezVous, RendezVous};
pub use agenda_evenement_types::{
    Evenement, EvenementInput, ExceptionOccurrence, Participant, ParticipantInput,
    PresenceOccurrence, TermesEvenement, CHAMPS_EVENEMENT, PARTICIPANTS_MAX,
};
pub use agenda_vue::{
    OccurrenceAgenda, QuelAgenda, Ressource, RessourceInput, VueAgenda, CHAMPS_RESSOURCE,
    FENETRE_MAX_JOURS,
};
pub use alertes_parcours::{AlerteParcours, AlertesParcours, SUIVIS_HORIZON_JOURS};
pub use bulk::{BulkProche, BulkTransmission, BulkUsager, ChargeTransmissions, CorrigeEnMasse};
pub use candidature::{Candidature, CandidatureInput, ChangementStatut, Piece};
pub use candidature_liste::FiltreCandidatures;
pub use constantes::{centiemes_en, en_centiemes, Constante, ConstanteInput, SeuilsMesure};
pub use creation::{DemandeCreation, IssueCreation, NouvelUsager};
pub use detection::{
    candidats_montres, Candidat, DroitDoublons, TraitsCompares, DOUBLON_CONTACT,
    DOUBLON_HORS_PERIMETRE,
};
pub use dlu::{Dlu, RetourUrgences, RetourUrgencesInput};
pub use doublons::{Fusion, TABLES_FUSION};
pub use echange::{Echange, EchangeInput, CHAMPS_ECHANGE, ECHANGES_MAX};
pub use entourage::{
    Entourage, EntourageInput, Professionnel, ProfessionnelInput, ProfessionnelLie,
};
pub use entourage_versions::VersionEntourage;
pub use equipe::{BulkEquipier, Equipier, EquipierInput};
pub use etat::{EtatMensuel, LigneEtat, TotalFinanceur};
pub use evaluation::{BulkEvaluation, Evaluation, NouvelleEvaluation, BROUILLON, VALIDEE};
pub use feuille_soins::{ActeDu, AlerteSoins, Feuille, LigneValidee, Realisation};
pub use gmp::GmpMois;
pub use hors_perimetre::Correspondance;
pub use insi::INS_DEJA_ATTRIBUEE;
pub use liaison::{BulkLiaison, EntreeLiaison, EntreeLiaisonInput};
pub use liaison_nouvelles::LiaisonNouvelles;
pub use liaison_participants::{InvitationPartenaire, ParticipantLiaison};
pub use mes_personnes::PersonneAccueil;
pub use message::{Boite, Destinataire, Message, MessageInput, DESTINATAIRES_MAX, HORS_PERIMETRE};
pub use mesure::{Mesure, MesureInput, RevisionInput, RevisionMesure};
pub(crate) use name_index::{name_line, name_words, rebuild_name_words};
pub use observation::{Observation, ObservationInput};
pub use photo::PhotoStockee;
pub use plan_soins::{ActePlan, ActePlanInput};
pub use prescription::si_besoin::SiBesoinTour;
pub use prescription::tour::{Administration, DoseTour, MedicamentTour, Tour};
pub use prescription::{Prescription, PrescriptionInput, TermesPrescription};
pub use presence::{Absence, AbsenceJour, Attendu, JourUnite, Journee, PeriodeAbsence};
pub use prestation::{EtatAnterieur, Prestation, PrestationInput};
pub use projet::{
    AlerteProjet, BulkProjet, MembreEquipe, Modification, Projet, Signature, SignatureInput,
    VersionProjet,
};
pub use psychologie::{NotePsychologie, NotePsychologieInput};
pub use recherche::{NomsUsager, Recherche, ResultatRecherche};
pub use releve::FiltreReleve;
pub use releve_suivi::{Auteur, NON_LUES_MAX, RELEVE_MAX_JOURS};
pub use sejour::{Admission, ModificationSejour, Places, Sortie, Transfert};
pub use soins::{EntreeSoins, EntreeSoinsInput, FinEntreeSoins};
pub use suivi::{Suivi, SuiviInput};
pub use transmission::{ContenuTransmission, Transmission, TransmissionInput};
// Home-care planning and télégestion (h13b).
pub use intervention::{parse_taches, Intervention, InterventionInput};
pub use planning::{jour_paris, BilanMois, LigneBilan, TacheVisite, Visite};
pub use planning_bulk::VisiteFaite;
pub use telegestion::{
    EntreeRecue, EntreeTelegestion, Position, ResultatEntree, StatutEntree, TypeEntree, NOTE_MAX,
};

pub use crate::fiche::{numero, parse_numero, IdentiteInput, Sejour, StatutChange, Usager};
pub(crate) use crate::fiche::{usager_from, USAGER_COLUMNS};

use chrono::{DateTime, Utc};
use dui_domain::ids::UsagerId;
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{Action, Section};
use dui_domain::usager::{cle_phonetique, cle_recherche};

use crate::audit::{self, Actor};
use crate::db::Store;
use crate::policy::Capability;
use crate::sql::Value;
use crate::{ts, StoreError, StoreResult};

/// Refuses a capability that does not cover `section`/`action` on `usager_id`.
pub(crate) fn check(
    cap: &Capability,
    usager_id: UsagerId,
    section: Section,
    action: Action,
) -> StoreResult<()> {
    let ok = cap.usager_id() == usager_id
        && cap.section() == section
        && (cap.action() == action || (action == Action::Lire && cap.action() != Action::Lire));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Denied(
            dui_domain::policy::Refus::NonPermisParLeRole,
        ))
    }
}

/// Refuses a capability that does not cover `section`/`action` on its own file.
pub(crate) fn exiger(cap: &Capability, section: Section, action: Action) -> StoreResult<()> {
    check(cap, cap.usager_id(), section, action)
}

impl Store {
    /// The transaction of a write on the file of `cap`, which must cover `section`/`action`
    /// (refused before anything is begun otherwise).
    pub(crate) async fn ecriture(
        &self,
        cap: &Capability,
        section: Section,
        action: Action,
    ) -> StoreResult<crate::sql::Tx> {
        exiger(cap, section, action)?;
        self.begin().await
    }

    /// The rows of a section of the file of `cap` (its read checked first): `select` is a
    /// statement with `usager_id = $1`, each row decoded by `decode`.
    pub(crate) async fn lignes_du_dossier<T>(
        &self,
        cap: &Capability,
        section: Section,
        select: &str,
        decode: impl Fn(&crate::sql::Row) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        exiger(cap, section, Action::Lire)?;
        crate::sql::query(select)
            .bind(cap.usager_id())
            .fetch_all_with(self, decode)
            .await
    }

    /// Row `id` of a section of the file of `cap` (its read checked first): `select` is a
    /// statement with `id = $1 AND usager_id = $2`, its row decoded by `decode`; `None` when
    /// the row is not in this file.
    pub(crate) async fn ligne_du_dossier<T>(
        &self,
        cap: &Capability,
        section: Section,
        select: &str,
        id: i64,
        decode: impl Fn(&crate::sql::Row) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        check(cap, cap.usager_id(), section, Action::Lire)?;
        let row = crate::sql::query(select)
            .bind(id)
            .bind(cap.usager_id())
            .fetch_optional(self)
            .await?;
        row.as_ref().map(decode).transpose()
    }
}

pub(super) fn sort_key(i: &IdentiteInput) -> String {
    let nom = i.nom_utilise.as_deref().unwrap_or(&i.nom_naissance);
    let prenom = i
        .prenom_utilise
        .as_deref()
        .or(i.prenoms_naissance.first().map(String::as_str))
        .unwrap_or("");
    cle_recherche(&format!("{nom} {prenom}"))
}

/// The values of the identity's first eight columns, which the INSERT and the UPDATE write
/// in this order: nom_naissance, prenoms_naissance (JSON), premier_prenom, date_naissance,
/// sexe, lieu_naissance, nom_utilise, prenom_utilise.
pub(super) fn identite_valeurs(i: &IdentiteInput) -> StoreResult<Vec<Value>> {
    let prenoms = serde_json::to_string(&i.prenoms_naissance)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(vec![
        i.nom_naissance.as_str().into(),
        prenoms.into(),
        i.prenoms_naissance
            .first()
            .cloned()
            .unwrap_or_default()
            .into(),
        i.date_naissance.as_str().into(),
        i.sexe.as_str().into(),
        i.lieu_naissance.as_deref().into(),
        i.nom_utilise.as_deref().into(),
        i.prenom_utilise.as_deref().into(),
    ])
}

/// Replaces the rows of `usager_nom` of usager `id` with `words`.
pub(super) async fn write_names(
    conn: &mut crate::sql::Tx,
    id: UsagerId,
    words: &[String],
) -> StoreResult<()> {
    crate::sql::query("DELETE FROM usager_nom WHERE usager_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    // One statement for all the words: the writer is held as briefly as possible.
    if words.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO usager_nom (cle, usager_id) VALUES {}",
        crate::sql::lignes(words.len(), 2)
    );
    let mut q = crate::sql::query(&sql);
    for w in words {
        q = q.bind(w.as_str()).bind(id);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

impl Store {
    /// The usager's identity (any read capability on the file).
    pub async fn usager(&self, cap: &Capability) -> StoreResult<Option<Usager>> {
        if cap.usager_id().get() <= 0 {
            return Ok(None);
        }
        let row = crate::sql::query(&format!(
            "SELECT {USAGER_COLUMNS} FROM usager WHERE id = $1"
        ))
        .bind(cap.usager_id())
        .fetch_optional(self)
        .await?;
        row.as_ref().map(usager_from).transpose()
    }

    /// The stays of the usager, latest first.
    pub async fn sejours(&self, cap: &Capability) -> StoreResult<Vec<Sejour>> {
        self.sejours_page(cap, crate::page::Page::TOUT).await
    }

    /// Saves an identity edit of `current` (read with `cap`) and applies the RNIV rule
    /// ([`dui_domain::usager::statut_apres_edition`]): when `traits_modifies` (a strict INS
    /// trait was edited by hand) the status falls to PROV and a retrieved INS is withdrawn.
    /// Returns the new version.
    ///
    /// `nir`: `None` leaves the matricule as it is; `Some(n)` sets a typed NIR (`Some(None)`
    /// removes it), allowed only while it is not INSi's and the identity is provisional
    /// ([`dui_domain::usager::nir_modifiable`]); a NIR another file holds is a conflict.
    pub async fn update_identite_editee(
        &self,
        cap: &Capability,
        version: i64,
        current: &Usager,
        i: &IdentiteInput,
        traits_modifies: bool,
        nir: Option<Option<&str>>,
    ) -> StoreResult<i64> {
        let nir = nir.filter(|n| *n != current.matricule_ins.as_deref());
        if nir.is_some()
            && !dui_domain::usager::nir_modifiable(
                current.statut_identite,
                current.oid_ins.is_some(),
            )
        {
            return Err(StoreError::Invalid(
                "Le NIR ne peut plus être modifié ici : il a été confirmé par le téléservice INSi ou l'identité est validée.".into(),
            ));
        }
        let statut = current.statut_identite;
        let (statut, drop_ins) = dui_domain::usager::statut_apres_edition(statut, traits_modifies);
        let changes = serde_json::json!({"traits_modifies": traits_modifies, "statut": statut.code(), "ins_retiree": drop_ins, "nir_modifie": nir.is_some()});
        self.update_identite(cap, version, i, statut.code(), drop_ins, nir, changes)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) if nir.is_some() => StoreError::Conflict(
                    "Ce NIR est déjà celui d'un autre dossier : il ne peut pas s'agir d'une autre personne. Recherchez ce dossier plutôt que de modifier celui-ci.".into(),
                ),
                other => other,
            })
    }

    /// Saves an identity edit with optimistic concurrency; the previous row is kept in
    /// `usager_version`. `statut` is the status after the RNIV rules (a strict trait edited
    /// by hand lowers it); `drop_ins` removes a matricule that no longer matches.
    /// Crate-private: edits go through [`Store::update_identite_editee`], which applies the
    /// RNIV rule.
    /// `nir`: when `Some`, the typed NIR is set (or removed) in the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn update_identite(
        &self,
        cap: &Capability,
        version: i64,
        i: &IdentiteInput,
        statut: &str,
        drop_ins: bool,
        nir: Option<Option<&str>>,
        changes: serde_json::Value,
    ) -> StoreResult<i64> {
        i.borner()?;
        let id = cap.usager_id();
        check(cap, id, Section::Administratif, Action::Ecrire)?;
        let now = cap.at();
        let words = name_words(i);
        let mut tx = self.begin().await?;
        let avant = self
            .snapshot(&mut tx, id, version, cap.actor(), now)
            .await?;
        let drop_sql = if drop_ins {
            ", matricule_ins = NULL, oid_ins = NULL, ins_at = NULL"
        } else {
            ""
        };
        crate::sql::query(&format!(
            "UPDATE usager SET nom_naissance = $1, prenoms_naissance = $2, premier_prenom = $3, date_naissance = $4, sexe = $5, lieu_naissance = $6, \
             nom_utilise = $7, prenom_utilise = $8, cle_nom = $9, cle_phonetique = $10, referent_id = $11, statut_identite = $12{drop_sql}, \
             cles_noms = $13, nom_naissance_saisi = $14, version = version + 1, updated_at = $15 WHERE id = $16 AND version = $17"
        ))
        .binds(identite_valeurs(i)?)
        .bind(sort_key(i))
        .bind(cle_phonetique(&i.nom_naissance))
        .bind(i.referent_id)
        .bind(statut)
        .bind(name_line(&words))
        .bind(i.nom_naissance_saisi.as_deref())
        .bind(ts(now))
        .execute_versioned(&mut tx, "usager", id.get(), version)
        .await?;
        if let Some(nir) = nir {
            crate::sql::query("UPDATE usager SET matricule_ins = $1 WHERE id = $2")
                .bind(nir)
                .bind(id)
                .execute(&mut tx)
                .await?;
        }
        write_names(&mut tx, id, &words).await?;
        // The team keeps the history of referents (a change here is dated today).
        if avant.referent_id.map(|r| r.get()) != i.referent_id {
            equipe::suivre_referent(&mut tx, id, i.referent_id, cap.actor(), now).await?;
        }
        cap.commit_audite(tx, ActionJournal::UsagerIdentiteModification, changes)
            .await?;
        Ok(version + 1)
    }

    /// Stores an RNIV status change (document checked, INSi retrieval, doubt…). Unless the
    /// change sets or removes the matricule itself, leaving a status with a retrieved INS for
    /// one without withdraws it ([`dui_domain::usager::ins_retiree`]). The audit detail gets
    /// the status before and after (`avant`, `apres`).
    pub async fn set_statut_identite(
        &self,
        cap: &Capability,
        version: i64,
        c: &StatutChange,
        mut detail: serde_json::Value,
    ) -> StoreResult<i64> {
        let id = cap.usager_id();
        // Identity statuses are changed by those who may validate identities.
        check(cap, id, Section::Administratif, Action::Valider)?;
        let now = cap.at();
        let mut tx = self.begin().await?;
        let current = self
            .snapshot(&mut tx, id, version, cap.actor(), now)
            .await?;
        let avant = current.statut_identite;
        let ins = match &c.ins {
            None if dui_domain::usager::ins_retiree(avant, c.statut) => Some(None),
            other => other.clone(),
        };
        detail["avant"] = serde_json::json!(avant.code());
        detail["apres"] = serde_json::json!(c.statut.code());
        let mut sets = vec![
            "statut_identite = $1".to_string(),
            "attributs_identite = $2".to_string(),
        ];
        let mut args: Vec<Option<String>> =
            vec![Some(c.statut.code().into()), Some(c.attributs.codes())];
        match ins {
            Some(Some((m, o))) => {
                args.push(Some(m));
                sets.push(format!("matricule_ins = ${}", args.len()));
                args.push(Some(o));
                sets.push(format!("oid_ins = ${}", args.len()));
            }
            Some(None) => sets.push("matricule_ins = NULL, oid_ins = NULL, ins_at = NULL".into()),
            None => {}
        }
        if let Some(j) = c.justificatif {
            args.push(Some(j.code().into()));
            sets.push(format!("justificatif_type = ${}", args.len()));
            args.push(Some(ts(now)));
            sets.push(format!("justificatif_at = ${}", args.len()));
        }
        if c.ins_interroge {
            args.push(Some(ts(now)));
            sets.push(format!("ins_at = ${}", args.len()));
        }
        args.push(Some(ts(now)));
        sets.push(format!("updated_at = ${}", args.len()));
        let sql = format!(
            "UPDATE usager SET {}, version = version + 1 WHERE id = ${} AND version = ${}",
            sets.join(", "),
            args.len() + 1,
            args.len() + 2
        );
        let mut q = crate::sql::query(&sql);
        for a in args {
            q = q.bind(a);
        }
        q.execute_versioned(&mut tx, "usager", id.get(), version)
            .await
            .map_err(insi::conflit_ins)?;
        cap.commit_audite(tx, ActionJournal::UsagerIdentiteStatut, detail)
            .await?;
        Ok(version + 1)
    }

    /// Keeps the row as it is before a change, if `version` is current; returns it.
    async fn snapshot(
        &self,
        conn: &mut crate::sql::Tx,
        id: UsagerId,
        version: i64,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Usager> {
        let row = crate::sql::query(&format!(
            "SELECT {USAGER_COLUMNS} FROM usager WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound);
        };
        let current = usager_from(&row)?;
        if current.version != version {
            return Err(StoreError::StaleVersion);
        }
        let data =
            serde_json::to_string(&current).map_err(|e| StoreError::Invalid(e.to_string()))?;
        crate::sql::query("INSERT INTO usager_version (usager_id, version, donnees, modifie_par, modifie_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(version)
            .bind(data)
            .bind(actor.utilisateur_id)
            .bind(ts(now))
            .execute(&mut *conn)
            .await
            // Another save of the same version got there first (PostgreSQL lets both read the
            // row, then the second insert collides): the same answer as a stale read.
            .map_err(|e| match e {
                StoreError::Conflict(_) => StoreError::StaleVersion,
                other => other,
            })?;
        Ok(current)
    }

    /// Earlier versions of the identity, newest first.
    pub async fn identite_versions(
        &self,
        cap: &Capability,
    ) -> StoreResult<Vec<(i64, String, Option<i64>, String)>> {
        self.identite_versions_page(cap, crate::page::Page::TOUT)
            .await
    }

    /// Audit entries of this file ("who opened my file"), newest first. Refused (with a
    /// refusal audit entry) when the capability does not carry the right to read the file's
    /// audit ([`dui_domain::policy::peut_lire_tracabilite`]). Only a psychologist sees the
    /// detail of the psychology section's entries ([`audit::Entry::sans_psychologie`]).
    pub async fn usager_audit(
        &self,
        cap: &Capability,
        before_id: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<audit::Entry>> {
        cap.check_tracabilite(self).await?;
        let f = audit::Filter {
            usager_id: Some(cap.usager_id().get()),
            before_id,
            ..Default::default()
        };
        let rows = self.audit_search(&f, limit).await?;
        if cap.role() == dui_domain::policy::Role::Psychologue {
            return Ok(rows);
        }
        Ok(rows
            .into_iter()
            .map(audit::Entry::sans_psychologie)
            .collect())
    }

    /// Assigns a home-care worker (or relative) to the usager (needs an administrative write
    /// capability on the file).
    pub async fn assign(&self, cap: &Capability, utilisateur_id: i64) -> StoreResult<()> {
        exiger(cap, Section::Administratif, Action::Ecrire)?;
        self.affecter(cap.actor(), utilisateur_id, cap.usager_id().get(), cap.at())
            .await
    }

    /// Number of usagers in the base (demo and benchmarks).
    pub async fn usager_count(&self) -> StoreResult<i64> {
        let n: i64 = crate::sql::query("SELECT COUNT(*) FROM usager")
            .fetch_scalar(self)
            .await?;
        Ok(n)
    }
}
