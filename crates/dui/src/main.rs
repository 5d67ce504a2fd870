//! `dui`: the one binary of the DUI (serve, migrate, admin, demo, audit, bench).

mod bench;
mod bench_agenda;
mod bench_candidatures;
mod bench_comptes;
mod bench_gir;
mod bench_liaison;
mod bench_parcours;
mod bench_plan_prescriptions;
mod bench_soins;
mod bench_telegestion;
mod bench_transmissions;
mod config;
mod demo;
mod grilles;
mod lettres;

use std::io::Read;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use dui_domain::identifiers::Finess;
use dui_domain::policy::Role;
use dui_store::admin::utilisateur::{check_password_strength, hash_password, UtilisateurInput};
use dui_store::audit::Actor;
use dui_store::{Engine, Store};

use crate::config::{Config, GlobalArgs};

// Many small allocations per request (rows, JSON, HTML): mimalloc serves them faster than
// the system allocator under concurrency.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "dui",
    version,
    about = "DUI — dossier usager informatisé libre pour les ESSMS"
)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and the API (migrates first).
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "DUI_BIND")]
        bind: Option<String>,
        /// Load the demo organisation (idempotent).
        #[arg(long)]
        demo: bool,
        /// SQLite commits: `complete` (default: acknowledged once on disk) or `normale`
        /// (faster; a power cut or an OS crash may lose the last acknowledged writes).
        #[arg(long, env = "DUI_SYNCHRONISATION", value_parser = ["complete", "normale"])]
        synchronisation: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Administration tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Audit trail tasks.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Generate fictitious usagers (demo, benchmarks).
    Demo {
        /// How many usagers to add.
        #[arg(long, default_value_t = 100)]
        usagers: u64,
        /// Random seed (same seed, same people).
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Print benchmark figures (never used by tests).
    Bench(bench::BenchArgs),
    /// Write a consistent snapshot of the database (and of the data directory's own files)
    /// into a new file, while the server runs.
    Backup {
        /// The backup file to create (tar; refused if it exists).
        #[arg(long)]
        output: std::path::PathBuf,
    },
    /// Restore a backup into an empty database, then check its content and audit chain.
    Restore {
        /// The backup file written by `dui backup`.
        #[arg(long)]
        input: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account; the password is read from standard input.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        /// FINESS of an établissement the account works in (repeatable).
        #[arg(long = "etablissement")]
        etablissements: Vec<String>,
        #[arg(long, default_value = "")]
        nom: String,
        #[arg(long, default_value = "")]
        prenom: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the tamper-evident chain; exits non-zero at the first broken entry.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(&cli.global) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("Configuration invalide : {e:#}");
            return ExitCode::from(2);
        }
    };
    config::init_tracing(&config);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Démarrage impossible : {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli.command, config)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Erreur : {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the database, with the audit chain's external anchor (created at first start).
async fn open(config: &Config) -> anyhow::Result<Store> {
    let store = open_base(config).await?.with_ancre(config.ancre()?);
    Ok(store)
}

async fn open_base(config: &Config) -> anyhow::Result<Store> {
    let url = config.database_url()?;
    let store = Store::open_with(&url, config.durability()?)
        .await
        .with_context(|| format!("ouverture de la base {}", config::redact(&url)))?;
    store.seed_default_matrix().await?;
    Ok(store)
}

async fn run(command: Command, mut config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve {
            bind,
            demo,
            synchronisation,
        } => {
            if let Some(b) = bind {
                config.bind = b;
            }
            if let Some(s) = synchronisation {
                config.synchronisation = s;
            }
            config.demo |= demo;
            serve(config).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            open(&config).await?;
            println!("Base de données à jour.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin {
            command:
                AdminCommand::CreateUser {
                    username,
                    role,
                    etablissements,
                    nom,
                    prenom,
                    password_stdin,
                },
        } => {
            let store = open(&config).await?;
            let Some(role) = Role::from_code(&role) else {
                let roles: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
                bail!(
                    "rôle inconnu « {role} » ; rôles possibles : {}",
                    roles.join(", ")
                );
            };
            if !password_stdin {
                bail!("le mot de passe se lit sur l'entrée standard : ajoutez --password-stdin");
            }
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            check_password_strength(&password).map_err(anyhow::Error::msg)?;
            let mut ids = Vec::new();
            for f in &etablissements {
                let finess =
                    Finess::parse(f).map_err(|e| anyhow::anyhow!("FINESS « {f} » : {e}"))?;
                let e = store
                    .etablissement_by_finess(finess.as_str())
                    .await?
                    .with_context(|| format!("aucun établissement de FINESS {finess}"))?;
                ids.push(e.id);
            }
            let input = UtilisateurInput {
                username: username.clone(),
                nom: if nom.is_empty() {
                    username.clone()
                } else {
                    nom
                },
                prenom,
                email: None,
                role,
                identifiant_pro: None,
                actif: true,
                etablissements: ids,
                usager_id: None,
            };
            let hash = hash_password(&password)?;
            let actor = Actor {
                utilisateur_id: None,
                username: "cli".into(),
                ip: None,
            };
            let id = store
                .create_utilisateur(&actor, &input, &hash, false, chrono::Utc::now())
                .await?;
            store.audit_seal(chrono::Utc::now()).await?;
            println!(
                "Compte « {username} » créé (n° {id}, profil {}).",
                role.label_fr()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { usagers, seed } => {
            let store = open(&config).await?;
            let org = demo::load_organisation(&store).await?;
            // Applications need no usager: written from the start, beside the usagers' batches
            // (decision 0061). One per fifty usagers.
            let n = usize::try_from(usagers / 50).unwrap_or(usize::MAX).max(10);
            let candidatures = tokio::spawn({
                let (store, org) = (store.clone(), org.clone());
                async move { demo::candidatures::ajouter(&store, &org, n, seed).await }
            });
            // Care and activities need usagers: written beside the usagers' batches once the
            // first is in, and, like the applications, over before the transmissions' load.
            let soins = async {
                Ok([
                    demo::ajouter_soins(&store, &org, None).await?,
                    // Activities of the EHPAD and the IME with their attendance (once).
                    demo::activites::ajouter(&store, &org, seed).await?,
                    // Care for the EHPAD's people without a plan yet, scaled with the people added.
                    demo::ajouter_plan_prescriptions(
                        &store,
                        &org,
                        (usagers as i64 / 10).clamp(10, 200),
                    )
                    .await?,
                    candidatures.await??,
                ])
            };
            for l in demo::generate_usagers(&store, &org, usagers, seed, soins).await? {
                println!("{l}");
            }
            store.audit_seal(chrono::Utc::now()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { output } => {
            let url = config.database_url()?;
            let m = dui_store::backup::backup(
                &url,
                &config.data_dir,
                dui_store::backup::DATA_FILES,
                &output,
            )
            .await?;
            println!(
                "Sauvegarde écrite dans {} : base {} (schéma {}), {} lignes dans {} tables, \
                 {} Mo{}.",
                output.display(),
                m.moteur,
                m.schema,
                m.tables.values().sum::<i64>(),
                m.tables.len(),
                m.base.octets.div_ceil(1 << 20),
                if m.fichiers.is_empty() {
                    String::new()
                } else {
                    format!(", {} fichiers du répertoire de données", m.fichiers.len())
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { input } => {
            let url = config.database_url()?;
            let r = dui_store::backup::restore(&url, &config.data_dir, &input).await?;
            println!(
                "Sauvegarde du {} restaurée dans {} : {} lignes dans {} tables, identiques à \
                 l'instantané.",
                r.manifest.cree_le,
                config::redact(&url),
                r.tables.values().sum::<i64>(),
                r.tables.len()
            );
            // Migrates a backup of an older version (and creates the anchor when the backup
            // had none), then checks the audit chain against the anchor it brought.
            open(&config).await?.close().await;
            verify_audit(&config, "de la copie restaurée ").await
        }
        Command::Bench(args) => {
            bench::run(&config, args).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => verify_audit(&config, "").await,
    }
}

/// `dui audit verify` (and the check after a restore): the chain, its checkpoints and its
/// anchor outside the database. `quoi` names the journal in the messages (« de la copie
/// restaurée »). Exit code 1 when anything is broken.
async fn verify_audit(config: &Config, quoi: &str) -> anyhow::Result<ExitCode> {
    let ancre = match config.ancre_existante() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("Journal d'audit {quoi}ALTÉRÉ : {e:#}.");
            return Ok(ExitCode::from(1));
        }
    };
    let mut store = open_base(config).await?;
    if let Some(a) = ancre {
        store = store.with_ancre(a);
    }
    let report = store.audit_verify().await?;
    store.close().await;
    match report.first_broken {
        Some(b) if b.seq > 0 => {
            eprintln!(
                "Journal d'audit {quoi}ALTÉRÉ : première entrée rompue n° {} (ligne id {}) : {}.",
                b.seq, b.id, b.reason
            );
            Ok(ExitCode::from(1))
        }
        Some(b) => {
            eprintln!(
                "Journal d'audit {quoi}ALTÉRÉ : {}{}.",
                if b.id > 0 {
                    format!("ligne id {} : ", b.id)
                } else {
                    String::new()
                },
                b.reason
            );
            Ok(ExitCode::from(1))
        }
        None => {
            println!(
                "Journal d'audit {quoi}intact : {} entrées vérifiées{}{}{}.",
                report.checked,
                match report.ancre_lignes {
                    Some(n) => format!(", conformes aux {n} lignes de l'ancre externe"),
                    None => ", sans ancre externe".to_string(),
                },
                if report.unsealed > 0 {
                    format!(", {} en attente de scellement", report.unsealed)
                } else {
                    String::new()
                },
                report
                    .head
                    .map(|h| format!(", empreinte de tête {h}"))
                    .unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let store = open(&config).await?;
    if config.durability()? == dui_store::Durability::Normal && store.engine() == Engine::Sqlite {
        tracing::warn!(
            "synchronisation normale : une coupure de courant ou un arrêt brutal du système peut \
             perdre les dernières écritures confirmées"
        );
    }
    if config.demo {
        let org = demo::load_organisation(&store).await?;
        demo::ensure_demo_usagers(&store, &org).await?;
        demo::print_accounts();
    }
    let insi = config::insi_client(&config, &store).await?;
    let mut app =
        dui_web::App::new(store, config.web()).with_grilles(grilles::charger(&config.data_dir)?);
    // The grids administrators added (database): a stored one that no longer reads stops the
    // start, as a bad file does (evaluations may refer to it).
    app.grilles
        .a_jour(&app.store)
        .await
        .context("grilles enregistrées")?;
    if let Some(insi) = insi {
        app = app.with_insi(insi);
    }
    let listener = tokio::net::TcpListener::bind(&config.bind)
        .await
        .with_context(|| format!("écoute sur {}", config.bind))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, ms = started.elapsed().as_millis() as u64, "DUI prêt");
    println!(
        "DUI prêt sur http://{addr} (démarré en {} ms)",
        started.elapsed().as_millis()
    );
    dui_web::serve(listener, app, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("arrêt demandé");
}
