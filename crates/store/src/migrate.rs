//! Migrations: SQL files shared by both engines, rendered with a few placeholders.

use sqlx::Executor;

use crate::db::{Engine, Store};
use crate::StoreResult;

/// Every migration, in order: (version, name, SQL source).
pub(crate) const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/0001_foundation.sql"),
    ),
    (2, "usager", include_str!("../migrations/0002_usager.sql")),
    (
        3,
        "audit_write_volume",
        include_str!("../migrations/0003_audit_write_volume.sql"),
    ),
    (
        4,
        "totp_single_use",
        include_str!("../migrations/0004_totp_single_use.sql"),
    ),
    (
        5,
        "usager_name_line",
        include_str!("../migrations/0005_usager_name_line.sql"),
    ),
    (
        6,
        "usager_photo",
        include_str!("../migrations/0006_usager_photo.sql"),
    ),
    (
        7,
        USAGER_GLUED_NAMES,
        include_str!("../migrations/0007_usager_glued_names.sql"),
    ),
    (
        8,
        "permission_defauts",
        include_str!("../migrations/0008_permission_defauts.sql"),
    ),
    (
        9,
        "transmissions",
        include_str!("../migrations/0009_transmissions.sql"),
    ),
    (
        10,
        "evaluations",
        include_str!("../migrations/0010_evaluations.sql"),
    ),
    (
        11,
        "projets",
        include_str!("../migrations/0011_projets.sql"),
    ),
    (12, "insi", include_str!("../migrations/0012_insi.sql")),
    (
        13,
        "sejours",
        include_str!("../migrations/0013_sejours.sql"),
    ),
    (
        15,
        "presences",
        include_str!("../migrations/0015_presences.sql"),
    ),
    (
        17,
        "grilles",
        include_str!("../migrations/0017_grilles.sql"),
    ),
    (
        18,
        "projet_fusion",
        include_str!("../migrations/0018_projet_fusion.sql"),
    ),
    (
        19,
        "transmission_search_terms",
        include_str!("../migrations/0019_transmission_search_terms.sql"),
    ),
    (
        20,
        "candidatures",
        include_str!("../migrations/0020_candidatures.sql"),
    ),
    (21, "agenda", include_str!("../migrations/0021_agenda.sql")),
    (
        22,
        "droits_mesures",
        include_str!("../migrations/0022_droits_mesures.sql"),
    ),
    (23, "suivis", include_str!("../migrations/0023_suivis.sql")),
    (24, "soins", include_str!("../migrations/0024_soins.sql")),
    (
        25,
        "psychologie_dlu",
        include_str!("../migrations/0025_psychologie_dlu.sql"),
    ),
    (
        26,
        "plan_soins",
        include_str!("../migrations/0026_plan_soins.sql"),
    ),
    (
        27,
        "prescriptions",
        include_str!("../migrations/0027_prescriptions.sql"),
    ),
    (
        28,
        "entourage_versions",
        include_str!("../migrations/0028_entourage_versions.sql"),
    ),
    (
        29,
        "usager_phonetique",
        include_str!("../migrations/0029_usager_phonetique.sql"),
    ),
    (
        30,
        "transmission_tsvector",
        include_str!("../migrations/0030_transmission_tsvector.sql"),
    ),
    // Issue 13, part A (h13a): agenda events, exchanges.
    (
        31,
        "agenda_evenements",
        include_str!("../migrations/0031_agenda_evenements.sql"),
    ),
    (
        32,
        "echanges",
        include_str!("../migrations/0032_echanges.sql"),
    ),
    // Home-care planning and télégestion (h13b).
    (
        33,
        "interventions",
        include_str!("../migrations/0033_interventions.sql"),
    ),
    // h13c: the liaison book.
    (
        35,
        "liaison",
        include_str!("../migrations/0035_liaison.sql"),
    ),
    // hpol: the identity's alerts column dropped and the birth name as typed; psychology
    // transmissions split by établissement.
    (
        37,
        "usager_sans_alertes",
        include_str!("../migrations/0037_usager_sans_alertes.sql"),
    ),
    (
        38,
        "si_besoin_psychologie",
        include_str!("../migrations/0038_si_besoin_psychologie.sql"),
    ),
    (
        39,
        "activites",
        include_str!("../migrations/0039_activites.sql"),
    ),
    // hteam: the team around the person, messages to professionals.
    (40, "equipe", include_str!("../migrations/0040_equipe.sql")),
    (
        41,
        "messages",
        include_str!("../migrations/0041_messages.sql"),
    ),
    // hagenda: the motive of one occurrence moved or cancelled.
    (
        42,
        "agenda_exception_motif",
        include_str!("../migrations/0042_agenda_exception_motif.sql"),
    ),
    // h13d: a participant's presence per occurrence of a series.
    (
        43,
        "agenda_presence_occurrence",
        include_str!("../migrations/0043_agenda_presence_occurrence.sql"),
    ),
];

/// The statements of a migration that differ by engine, run after its shared ones:
/// (version, SQLite, PostgreSQL).
const PAR_MOTEUR: &[(i64, &str, &str)] = &[
    (
        9,
        // A contentless FTS5 index of the terms (the row id is the transmission's id): it
        // holds the index alone, and rows are never updated (transmissions are append-only).
        "CREATE VIRTUAL TABLE transmission_fts USING fts5(termes, content='', detail=none, tokenize='ascii')",
        "CREATE INDEX transmission_termes ON transmission USING GIN (to_tsvector('french', termes))",
    ),
    // The stored stems are the lexemes (0019_transmission_search_terms.sql); nothing changes
    // on SQLite (an empty statement is skipped).
    (19, "", "DROP INDEX transmission_termes"),
    (
        19,
        "",
        "CREATE INDEX transmission_termes ON transmission USING GIN ((termes::tsvector))",
    ),
    // The lexemes stored once per row (0030_transmission_tsvector.sql).
    (
        30,
        "",
        "ALTER TABLE transmission ADD COLUMN termes_tsv tsvector GENERATED ALWAYS AS (termes::tsvector) STORED",
    ),
    (30, "", "DROP INDEX transmission_termes"),
    (
        30,
        "",
        "CREATE INDEX transmission_termes ON transmission USING GIN (termes_tsv)",
    ),
];

/// The migration whose work is done in Rust: the name words of every usager rewritten with
/// the glued runs of its names (`dui_domain::usager::mots_recherche`).
const USAGER_GLUED_NAMES: &str = "usager_glued_names";

/// Renders the engine-specific parts of a migration.
fn render(sql: &str, engine: Engine) -> String {
    let (pk, text_c, blob) = match engine {
        Engine::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT", "BLOB"),
        Engine::Postgres => (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "TEXT COLLATE \"C\"",
            "BYTEA",
        ),
    };
    sql.replace("{pk}", pk)
        .replace("{text_c}", text_c)
        .replace("{blob}", blob)
}

/// Splits a migration into statements: comment lines are dropped first, then the text is
/// split on `;` (our migrations have no `;` inside literals).
fn statements(sql: &str) -> Vec<String> {
    let code: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    code.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl Store {
    /// Applies pending migrations, each in its own transaction.
    pub async fn migrate(&self) -> StoreResult<()> {
        let mut conn = self.write.acquire().await?;
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .await?;
        drop(conn);
        for (version, name, sql) in MIGRATIONS {
            let mut tx = self.write.begin().await?;
            if self.engine() == Engine::Postgres {
                // Several servers may start together: one migrates, the others wait.
                tx.execute("SELECT pg_advisory_xact_lock(4242001)").await?;
            }
            let done: Option<(i64,)> =
                sqlx::query_as("SELECT version FROM schema_migration WHERE version = $1")
                    .bind(*version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                continue;
            }
            let started = std::time::Instant::now();
            for stmt in statements(&render(sql, self.engine())) {
                tx.execute(stmt.as_str()).await?;
            }
            for (_, lite, pg) in PAR_MOTEUR.iter().filter(|p| p.0 == *version) {
                let stmt = match self.engine() {
                    Engine::Sqlite => lite,
                    Engine::Postgres => pg,
                };
                if !stmt.is_empty() {
                    tx.execute(*stmt).await?;
                }
            }
            if *name == USAGER_GLUED_NAMES {
                let n = crate::usager::rebuild_name_words(&mut tx).await?;
                tracing::info!(usagers = n, "mots des noms réécrits");
            }
            sqlx::query(
                "INSERT INTO schema_migration (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(*version)
            .bind(*name)
            .bind(crate::ts(chrono::Utc::now()))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            tracing::info!(
                version,
                name,
                ms = started.elapsed().as_millis() as u64,
                "migration appliquée"
            );
        }
        Ok(())
    }
}
