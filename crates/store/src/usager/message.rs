//! Information sent to professionals (issue 13, COO-3/4): a short message from one account to
//! one or more others, optionally about a person and optionally with an agenda entry. Each
//! recipient has an unread mark, cleared when they open the message. A message about a
//! person is person data: sending it needs a capability reading the file's support section;
//! reading it needs the reader to read that section **at reading time** (decided here from
//! the policy's facts, as `authorize` does): otherwise the list and the message show only
//! « information sur un usager hors de votre périmètre », without the name, the subject or
//! the text. Reads naming persons are audited (one `message.lecture` entry per list or
//! message, with the files shown); sending is audited on the file (or without one).

use chrono::{DateTime, Utc};
use dui_domain::journal::ActionJournal;
use dui_domain::policy::{decider, Action, Matrice, Role, Section};
use dui_domain::saisie as lim;
use dui_domain::usager::nommage::nom_prenom;
use serde::Serialize;

use crate::acteur::Outcome;
use crate::audit::{self, NewEntry};
use crate::db::Store;
use crate::fiche::code;
use crate::page::Page;
use crate::policy::{load_facts, Capability, Principal};
use crate::{ts, StoreError, StoreResult};

/// The most recipients of one message.
pub const DESTINATAIRES_MAX: usize = 20;
/// What a reader out of the file's scope sees instead of the message.
pub const HORS_PERIMETRE: &str = "Information sur un usager hors de votre périmètre";

/// A message to send.
#[derive(Clone, Debug)]
pub struct MessageInput {
    /// Recipients (accounts of professionals).
    pub destinataires: Vec<i64>,
    /// Subject.
    pub objet: String,
    /// Text.
    pub texte: String,
    /// The agenda entry created with it, if any.
    pub evenement_id: Option<i64>,
}

/// A recipient of a message, with its unread mark.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Destinataire {
    /// The account.
    pub utilisateur_id: i64,
    /// « NOM Prénom ».
    pub nom: String,
    /// When they read it (RFC 3339, UTC), if they did.
    pub lu_at: Option<String>,
}

/// A message as its reader may see it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Message {
    /// Id.
    pub id: i64,
    /// The sender's account.
    pub expediteur_id: i64,
    /// « NOM Prénom » of the sender.
    pub expediteur: String,
    /// The file it is about, when the reader may read it.
    pub usager_id: Option<i64>,
    /// The person's name, when the reader may read the file.
    pub usager: Option<String>,
    /// About a person the reader may not read now: subject and text are withheld.
    pub hors_perimetre: bool,
    /// Subject (empty when withheld).
    pub objet: String,
    /// Text (empty when withheld).
    pub texte: String,
    /// The agenda entry sent with it, if any.
    pub evenement_id: Option<i64>,
    /// When it was sent (RFC 3339, UTC).
    pub created_at: String,
    /// Unread by the reader (always false in the sent box).
    pub non_lu: bool,
    /// Recipients (with their marks) — in the sent box and for a message opened.
    pub destinataires: Vec<Destinataire>,
}

/// Which messages of the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boite {
    /// Received.
    Recus,
    /// Sent.
    Envoyes,
}

const COLONNES: &str = "m.id, m.expediteur_id, e.nom AS e_nom, e.prenom AS e_prenom, m.usager_id, m.objet, m.texte, m.evenement_id, m.created_at, \
    u.nom_naissance, u.premier_prenom, u.nom_utilise, u.prenom_utilise";

/// Roles that receive no message: the administrator (no person data), persons, relatives,
/// outside partners (the liaison book is theirs).
const HORS_MESSAGES: [Role; 4] = [
    Role::Administrateur,
    Role::Usager,
    Role::Proche,
    Role::Partenaire,
];

/// The person's name as shown (« NOM Prénom », the used ones when typed) of row `r`.
fn nom_usager(r: &crate::sql::Row) -> StoreResult<String> {
    let nom: String = r.try_get("nom_naissance")?;
    let prenom: String = r.try_get("premier_prenom")?;
    let nu: Option<String> = r.try_get("nom_utilise")?;
    let pu: Option<String> = r.try_get("prenom_utilise")?;
    let utilise = |u: &Option<String>| u.clone().filter(|n| !n.trim().is_empty());
    Ok(nom_prenom(
        &utilise(&nu).unwrap_or(nom),
        &utilise(&pu).unwrap_or(prenom),
    ))
}

fn message_from(r: &crate::sql::Row, non_lu: bool) -> StoreResult<Message> {
    let usager_id: Option<i64> = r.try_get("usager_id")?;
    let usager = match usager_id {
        Some(_) => Some(nom_usager(r)?),
        None => None,
    };
    Ok(Message {
        id: r.try_get("id")?,
        expediteur_id: r.try_get("expediteur_id")?,
        expediteur: nom_prenom(
            &r.try_get::<String, _>("e_nom")?,
            &r.try_get::<String, _>("e_prenom")?,
        ),
        usager_id,
        usager,
        hors_perimetre: false,
        objet: r.try_get("objet")?,
        texte: r.try_get("texte")?,
        evenement_id: r.try_get("evenement_id")?,
        created_at: r.try_get("created_at")?,
        non_lu,
        destinataires: Vec::new(),
    })
}

impl Message {
    /// Withholds what names the person.
    fn masquer(&mut self) {
        self.usager_id = None;
        self.usager = None;
        self.hors_perimetre = true;
        self.objet = String::new();
        self.texte = String::new();
    }
}

impl Store {
    /// Sends `m` from `who` (audited), about the file of `sujet` when given (a capability
    /// reading its support section). The message's id.
    pub async fn envoyer_message(
        &self,
        who: &Principal,
        sujet: Option<&Capability>,
        m: &MessageInput,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        if let Some(cap) = sujet {
            super::exiger(cap, Section::Accompagnement, Action::Lire)?;
            if cap.actor().utilisateur_id != Some(who.id) {
                return Err(StoreError::Invalid("Capacité d'un autre compte.".into()));
            }
        }
        let objet = m.objet.trim();
        let texte = m.texte.trim();
        if objet.is_empty() || objet.chars().count() > lim::LIBELLE {
            return Err(StoreError::Invalid(format!(
                "L'objet est obligatoire ({} caractères au plus).",
                lim::LIBELLE
            )));
        }
        if texte.is_empty() || texte.chars().count() > lim::COMMENTAIRE {
            return Err(StoreError::Invalid(format!(
                "Le message est obligatoire ({} caractères au plus).",
                lim::COMMENTAIRE
            )));
        }
        let mut dest = m.destinataires.clone();
        dest.sort_unstable();
        dest.dedup();
        if dest.is_empty() || dest.len() > DESTINATAIRES_MAX {
            return Err(StoreError::Invalid(format!(
                "Choisissez de 1 à {DESTINATAIRES_MAX} destinataires."
            )));
        }
        let mut tx = self.begin().await?;
        for d in &dest {
            let row = crate::sql::query("SELECT role, actif FROM utilisateur WHERE id = $1")
                .bind(*d)
                .fetch_optional(&mut tx)
                .await?;
            let ok = match row {
                Some(r) => {
                    let actif: i64 = r.try_get("actif")?;
                    actif != 0 && !HORS_MESSAGES.contains(&code(&r, "role", Role::from_code)?)
                }
                None => false,
            };
            if !ok {
                return Err(StoreError::Invalid(
                    "Choisissez les destinataires parmi les professionnels proposés.".into(),
                ));
            }
        }
        let usager_id = sujet.map(|c| c.usager_id().get());
        let id: i64 = crate::sql::query(
            "INSERT INTO message (expediteur_id, usager_id, objet, texte, evenement_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(who.id)
        .bind(usager_id)
        .bind(objet)
        .bind(texte)
        .bind(m.evenement_id)
        .bind(ts(now))
        .fetch_scalar(&mut tx)
        .await?;
        for d in &dest {
            crate::sql::query(
                "INSERT INTO message_destinataire (message_id, utilisateur_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(*d)
            .execute(&mut tx)
            .await?;
        }
        let detail = serde_json::json!({"message_id": id, "destinataires": dest, "evenement_id": m.evenement_id});
        match sujet {
            Some(cap) => {
                cap.commit_audite(tx, ActionJournal::MessageEnvoi, detail)
                    .await?
            }
            None => {
                audit::append(
                    &mut tx,
                    &NewEntry::succes(&who.actor(), ActionJournal::MessageEnvoi, detail, now),
                )
                .await?;
                tx.commit().await?;
            }
        }
        Ok(id)
    }

    /// A page of the messages of `who` in `boite`, newest first (keyset on the id), each
    /// about a person shown only if `who` may read that file's support section now. The
    /// reads naming persons are audited in one entry.
    pub async fn messages(
        &self,
        who: &Principal,
        matrice: &Matrice,
        boite: Boite,
        page: Page,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Message>> {
        let apres = if page.after.is_some() {
            " AND m.id < $2"
        } else {
            ""
        };
        let sql = match boite {
            Boite::Recus => format!(
                "SELECT {COLONNES}, d.lu_at AS d_lu FROM message_destinataire d JOIN message m ON m.id = d.message_id \
                 JOIN utilisateur e ON e.id = m.expediteur_id LEFT JOIN usager u ON u.id = m.usager_id \
                 WHERE d.utilisateur_id = $1{apres} ORDER BY m.id DESC LIMIT {}",
                page.limit.saturating_add(1)
            ),
            Boite::Envoyes => format!(
                "SELECT {COLONNES}, 'x' AS d_lu FROM message m \
                 JOIN utilisateur e ON e.id = m.expediteur_id LEFT JOIN usager u ON u.id = m.usager_id \
                 WHERE m.expediteur_id = $1{apres} ORDER BY m.id DESC LIMIT {}",
                page.limit.saturating_add(1)
            ),
        };
        let mut q = crate::sql::query(&sql).bind(who.id);
        if let Some(a) = page.after {
            q = q.bind(a);
        }
        let rows = q.fetch_all(self).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let lu: Option<String> = r.try_get("d_lu")?;
            out.push(message_from(r, lu.is_none())?);
        }
        if boite == Boite::Envoyes {
            for m in &mut out {
                m.destinataires = self.destinataires(m.id).await?;
            }
        }
        self.filtrer_perimetre(who, matrice, &mut out, now).await?;
        Ok(out)
    }

    /// Message `id` as `who` may see it (a recipient or the sender; `NotFound` otherwise);
    /// a recipient's unread mark is cleared. Audited (`message.lecture`).
    pub async fn lire_message(
        &self,
        who: &Principal,
        matrice: &Matrice,
        id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Message> {
        let row = crate::sql::query(&format!(
            "SELECT {COLONNES}, (SELECT d.lu_at FROM message_destinataire d WHERE d.message_id = m.id AND d.utilisateur_id = $2) AS d_lu, \
             (SELECT COUNT(*) FROM message_destinataire d WHERE d.message_id = m.id AND d.utilisateur_id = $2) AS d_est \
             FROM message m JOIN utilisateur e ON e.id = m.expediteur_id LEFT JOIN usager u ON u.id = m.usager_id WHERE m.id = $1"
        ))
        .bind(id)
        .bind(who.id)
        .fetch_optional(self)
        .await?
        .ok_or(StoreError::NotFound)?;
        let destinataire: i64 = row.try_get("d_est")?;
        let expediteur: i64 = row.try_get("expediteur_id")?;
        if destinataire == 0 && expediteur != who.id {
            return Err(StoreError::NotFound);
        }
        let lu: Option<String> = row.try_get("d_lu")?;
        let mut m = message_from(&row, destinataire > 0 && lu.is_none())?;
        m.destinataires = self.destinataires(id).await?;
        let mut v = vec![m];
        self.filtrer_perimetre(who, matrice, &mut v, now).await?;
        let m = v.pop().ok_or(StoreError::NotFound)?;
        if destinataire > 0 && lu.is_none() {
            crate::sql::query("UPDATE message_destinataire SET lu_at = $1 WHERE message_id = $2 AND utilisateur_id = $3 AND lu_at IS NULL")
                .bind(ts(now))
                .bind(id)
                .bind(who.id)
                .execute(self)
                .await?;
        }
        let mut tx = self.begin().await?;
        audit::append(
            &mut tx,
            &NewEntry {
                actor: &who.actor(),
                action: ActionJournal::MessageLecture,
                usager_id: m.usager_id,
                section: m.usager_id.map(|_| Section::Accompagnement.code()),
                outcome: Outcome::Succes,
                detail: serde_json::json!({"message_id": id, "hors_perimetre": m.hors_perimetre}),
                at: now,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(m)
    }

    /// The called name of the person of `cap` and the établissements of their stays (the
    /// current ones first), for a message written from the file.
    pub async fn nom_et_etablissements(&self, cap: &Capability) -> StoreResult<(String, Vec<i64>)> {
        super::exiger(cap, Section::Administratif, Action::Lire)?;
        let r = crate::sql::query(
            "SELECT nom_naissance, premier_prenom, nom_utilise, prenom_utilise FROM usager WHERE id = $1",
        )
        .bind(cap.usager_id())
        .fetch_optional(self)
        .await?
        .ok_or(StoreError::NotFound)?;
        let nom = nom_usager(&r)?;
        let mut etabs: Vec<i64> = Vec::new();
        for r in crate::sql::query(
            "SELECT etablissement_id FROM sejour WHERE usager_id = $1 ORDER BY CASE WHEN date_sortie IS NULL THEN 0 ELSE 1 END, date_entree DESC, id DESC",
        )
        .bind(cap.usager_id())
        .fetch_all(self)
        .await?
        .iter()
        {
            let e: i64 = r.try_get(0)?;
            if !etabs.contains(&e) {
                etabs.push(e);
            }
        }
        Ok((nom, etabs))
    }

    /// How many messages `who` has not read yet.
    pub async fn messages_non_lus(&self, who: &Principal) -> StoreResult<i64> {
        crate::sql::query(
            "SELECT COUNT(*) FROM message_destinataire WHERE utilisateur_id = $1 AND lu_at IS NULL",
        )
        .bind(who.id)
        .fetch_scalar(self)
        .await
    }

    async fn destinataires(&self, id: i64) -> StoreResult<Vec<Destinataire>> {
        crate::sql::query(
            "SELECT d.utilisateur_id, c.nom, c.prenom, d.lu_at FROM message_destinataire d JOIN utilisateur c ON c.id = d.utilisateur_id \
             WHERE d.message_id = $1 ORDER BY c.nom, c.prenom, c.id",
        )
        .bind(id)
        .fetch_all(self)
        .await?
        .iter()
        .map(|r| {
            Ok(Destinataire {
                utilisateur_id: r.try_get("utilisateur_id")?,
                nom: nom_prenom(&r.try_get::<String, _>("nom")?, &r.try_get::<String, _>("prenom")?),
                lu_at: r.try_get("lu_at")?,
            })
        })
        .collect()
    }

    /// Withholds the messages about persons `who` may not read the support section of now;
    /// audits the files named by the others in one entry.
    async fn filtrer_perimetre(
        &self,
        who: &Principal,
        matrice: &Matrice,
        messages: &mut [Message],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut ids: Vec<i64> = messages.iter().filter_map(|m| m.usager_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut lisibles = Vec::new();
        for uid in ids {
            let permis = match load_facts(self, who, uid.into(), now).await? {
                Some(f) => decider(
                    matrice,
                    who.role,
                    &f,
                    Section::Accompagnement,
                    Action::Lire,
                    now,
                )
                .is_ok(),
                None => false,
            };
            if permis {
                lisibles.push(uid);
            }
        }
        for m in messages.iter_mut() {
            if let Some(uid) = m.usager_id {
                if !lisibles.contains(&uid) {
                    m.masquer();
                }
            }
        }
        let noms: Vec<i64> = messages.iter().filter_map(|m| m.usager_id).collect();
        self.auditer_noms_lus(
            who,
            (ActionJournal::MessageLecture, Section::Accompagnement),
            noms,
            now,
        )
        .await
    }
}
