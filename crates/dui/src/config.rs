//! Layered configuration: defaults → TOML file → `DUI_*` environment → command-line flags.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde::Deserialize;

/// Flags shared by every command.
#[derive(clap::Args, Debug)]
pub struct GlobalArgs {
    /// TOML configuration file (default: ./dui.toml when present).
    #[arg(long, env = "DUI_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Directory of the embedded database and files (default ./data).
    #[arg(long, env = "DUI_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL (postgres://… or sqlite://…); default: SQLite under the data directory.
    #[arg(long, env = "DUI_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

/// INSi teleservice settings (README « Téléservice INSi »).
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsiSettings {
    /// Endpoint URL of the teleservice (qualification with a structure certificate:
    /// `https://qualiflps-services-ps-tlsm.ameli.fr/lps`); `simulateur` starts the local
    /// simulator (fictitious identities).
    pub endpoint: Option<String>,
    /// The structure certificate (IGC-Santé, CN `INSI-MANU` or `INSI-AUTO`): a PKCS#12 file
    /// (`.p12`, with `certificat_mot_de_passe`) or a PEM file holding the certificate and its key.
    pub certificat: Option<PathBuf>,
    /// Passphrase of a PKCS#12 certificate (or `DUI_INSI_CERTIFICAT_MOT_DE_PASSE`).
    pub certificat_mot_de_passe: Option<String>,
    /// PEM bundle of the IGC-Santé certification authorities the server chains to.
    pub autorites: Option<PathBuf>,
    /// Émetteur sent in the ContexteLPS and ContexteBAM headers (the structure's identifier).
    pub emetteur: Option<String>,
    /// CNDA approval number of the software (IDAM).
    pub idam: Option<String>,
}

impl std::fmt::Debug for InsiSettings {
    // The passphrase never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InsiSettings")
            .field("endpoint", &self.endpoint)
            .field("certificat", &self.certificat)
            .field(
                "certificat_mot_de_passe",
                &self.certificat_mot_de_passe.as_ref().map(|_| "***"),
            )
            .field("autorites", &self.autorites)
            .field("emetteur", &self.emetteur)
            .field("idam", &self.idam)
            .finish()
    }
}

/// The whole configuration.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Listen address.
    pub bind: String,
    /// Data directory.
    pub data_dir: PathBuf,
    /// Database URL (None: SQLite under `data_dir`).
    pub database_url: Option<String>,
    /// Load the demo organisation.
    pub demo: bool,
    /// Log format: `texte` or `json`.
    pub log_format: String,
    /// Session inactivity timeout, minutes.
    pub session_inactivite_minutes: u64,
    /// Session absolute lifetime, hours.
    pub session_duree_heures: u64,
    /// Mark cookies Secure (served over HTTPS).
    pub cookies_securises: bool,
    /// Trust X-Forwarded-For from a reverse proxy.
    pub proxy_de_confiance: bool,
    /// SQLite commits: `complete` (default, acknowledged once on disk) or `normale`
    /// (acknowledged once handed to the OS: a power cut or an OS crash may lose the last ones).
    pub synchronisation: String,
    /// INSi settings.
    pub insi: InsiSettings,
    /// File where the sealer anchors the audit chain's head (default: `audit-ancre.log` in
    /// the data directory); put it where the database account cannot write.
    pub audit_ancre: Option<PathBuf>,
    /// File of the key signing the anchor (default: `audit-ancre.cle` in the data
    /// directory, created mode 0600 at first start); `DUI_AUDIT_CLE` gives the key itself.
    pub audit_cle_fichier: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            database_url: None,
            demo: false,
            log_format: "texte".into(),
            session_inactivite_minutes: 30,
            session_duree_heures: 12,
            cookies_securises: false,
            proxy_de_confiance: false,
            synchronisation: "complete".into(),
            insi: InsiSettings::default(),
            audit_ancre: None,
            audit_cle_fichier: None,
        }
    }
}

impl Config {
    /// Loads the layers in order.
    pub fn load(args: &GlobalArgs) -> anyhow::Result<Config> {
        let file = args
            .config
            .clone()
            .or_else(|| Some(PathBuf::from("dui.toml")).filter(|p| p.exists()));
        let mut c = match file {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("lecture de {}", path.display()))?;
                toml::from_str(&text).with_context(|| format!("fichier {}", path.display()))?
            }
            None => Config::default(),
        };
        // Environment (flags with `env` are read by clap and applied just after).
        if let Ok(v) = std::env::var("DUI_BIND") {
            c.bind = v;
        }
        if let Ok(v) = std::env::var("DUI_LOG_FORMAT") {
            c.log_format = v;
        }
        if let Ok(v) = std::env::var("DUI_COOKIES_SECURISES") {
            c.cookies_securises = matches!(v.as_str(), "1" | "true" | "oui");
        }
        if let Ok(v) = std::env::var("DUI_SYNCHRONISATION") {
            c.synchronisation = v;
        }
        if let Ok(v) = std::env::var("DUI_INSI_ENDPOINT") {
            c.insi.endpoint = Some(v);
        }
        if let Ok(v) = std::env::var("DUI_INSI_CERTIFICAT_MOT_DE_PASSE") {
            c.insi.certificat_mot_de_passe = Some(v);
        }
        if let Ok(v) = std::env::var("DUI_AUDIT_ANCRE") {
            c.audit_ancre = Some(PathBuf::from(v));
        }
        if let Ok(v) = std::env::var("DUI_AUDIT_CLE_FICHIER") {
            c.audit_cle_fichier = Some(PathBuf::from(v));
        }
        if let Some(d) = &args.data_dir {
            c.data_dir = d.clone();
        }
        if let Some(u) = &args.database_url {
            c.database_url = Some(u.clone());
        }
        c.durability()?;
        if c.session_inactivite_minutes == 0 || c.session_duree_heures == 0 {
            anyhow::bail!("les durées de session doivent être positives");
        }
        Ok(c)
    }

    /// When SQLite acknowledges a commit (`synchronisation`).
    pub fn durability(&self) -> anyhow::Result<dui_store::Durability> {
        match self.synchronisation.as_str() {
            "complete" | "complète" => Ok(dui_store::Durability::Full),
            "normale" => Ok(dui_store::Durability::Normal),
            other => anyhow::bail!(
                "synchronisation « {other} » inconnue : « complete » (par défaut, chaque écriture \
                 confirmée est sur le disque) ou « normale » (plus rapide, mais une coupure de \
                 courant peut perdre les dernières écritures confirmées)"
            ),
        }
    }

    /// The database URL, creating the data directory for the embedded default.
    pub fn database_url(&self) -> anyhow::Result<String> {
        match &self.database_url {
            Some(u) if !u.is_empty() => Ok(u.clone()),
            _ => {
                std::fs::create_dir_all(&self.data_dir)
                    .with_context(|| format!("création de {}", self.data_dir.display()))?;
                Ok(format!(
                    "sqlite://{}?mode=rwc",
                    self.data_dir.join("dui.sqlite").display()
                ))
            }
        }
    }

    /// Path of the audit anchor file.
    pub fn ancre_path(&self) -> PathBuf {
        self.audit_ancre
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit-ancre.log"))
    }

    /// Path of the anchor's key file.
    pub fn cle_path(&self) -> PathBuf {
        self.audit_cle_fichier
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit-ancre.cle"))
    }

    /// The anchor of the audit chain for a command that seals: the key from `DUI_AUDIT_CLE`,
    /// or from its file (created at first start), and the anchor file (created when absent).
    pub fn ancre(&self) -> anyhow::Result<dui_store::audit::ancre::Ancre> {
        use dui_store::audit::ancre::{cle_depuis_fichier, Ancre};
        let key = match std::env::var("DUI_AUDIT_CLE") {
            Ok(k) if k.len() >= 32 => k.into_bytes(),
            Ok(_) => anyhow::bail!("DUI_AUDIT_CLE doit compter au moins 32 caractères"),
            Err(_) => cle_depuis_fichier(&self.cle_path()).with_context(|| {
                format!(
                    "clé de l'ancre du journal d'audit {}",
                    self.cle_path().display()
                )
            })?,
        };
        Ancre::ouvrir(&self.ancre_path(), key)
            .with_context(|| format!("ancre du journal d'audit {}", self.ancre_path().display()))
    }

    /// The anchor to check, for `dui audit verify` (nothing is created): None when neither
    /// the anchor nor its key exists (a base sealed before anchoring existed).
    pub fn ancre_existante(&self) -> anyhow::Result<Option<dui_store::audit::ancre::Ancre>> {
        use dui_store::audit::ancre::{cle_depuis_fichier, Ancre};
        let (path, cle) = (self.ancre_path(), self.cle_path());
        let env_key = std::env::var("DUI_AUDIT_CLE").ok();
        if !path.exists() {
            if env_key.is_some() || cle.exists() {
                anyhow::bail!(
                    "l'ancre externe du journal d'audit {} a disparu alors que sa clé existe : fin du journal invérifiable (ancre supprimée ?)",
                    path.display()
                );
            }
            return Ok(None);
        }
        let key = match env_key {
            Some(k) => k.into_bytes(),
            None if cle.exists() => cle_depuis_fichier(&cle)
                .with_context(|| format!("clé de l'ancre {}", cle.display()))?,
            None => anyhow::bail!(
                "clé de l'ancre du journal d'audit introuvable ({}, ou DUI_AUDIT_CLE) : l'ancre {} ne peut pas être vérifiée",
                cle.display(),
                path.display()
            ),
        };
        Ok(Some(Ancre::existante(&path, key)?))
    }

    /// Settings of the web layer.
    pub fn web(&self) -> dui_web::WebConfig {
        dui_web::WebConfig {
            idle_timeout: Duration::from_secs(self.session_inactivite_minutes * 60),
            session_max_age: Duration::from_secs(self.session_duree_heures * 3600),
            secure_cookies: self.cookies_securises,
            trust_proxy: self.proxy_de_confiance,
            demo: self.demo,
            ..Default::default()
        }
    }
}

/// A database URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Logs: human-readable text by default, JSON in production (`log_format = "json"`).
pub fn init_tracing(c: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DUI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if c.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Whether an endpoint is the local machine (tests, a local simulator).
fn est_local(endpoint: &str) -> bool {
    let rest = endpoint.strip_prefix("http://").unwrap_or_default();
    ["127.0.0.1:", "localhost:", "[::1]:"]
        .iter()
        .any(|h| rest.starts_with(h))
}

/// The client settings of a real endpoint: `emetteur` and `idam` are mandatory, and over
/// HTTPS the structure certificate and the CA bundle too.
pub fn insi_config(
    s: &InsiSettings,
    endpoint: &str,
    instance: String,
) -> anyhow::Result<dui_interop::insi::InsiConfig> {
    use dui_interop::insi::{CertificatClient, InsiConfig};
    let requis = |v: &Option<String>, nom: &str| -> anyhow::Result<String> {
        match v.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => Ok(v.to_owned()),
            _ => anyhow::bail!("[insi] {nom} est obligatoire quand un téléservice INSi réel est configuré (endpoint = {endpoint})"),
        }
    };
    let mut cfg = InsiConfig::new(endpoint);
    cfg.contexte.emetteur = requis(&s.emetteur, "emetteur")?;
    cfg.contexte.idam = requis(&s.idam, "idam")?;
    cfg.contexte.instance = instance;
    if endpoint.starts_with("https://") {
        let Some(certificat) = s.certificat.clone() else {
            anyhow::bail!("[insi] certificat est obligatoire : le téléservice INSi authentifie la structure par son certificat IGC-Santé (INSI-MANU ou INSI-AUTO, fichier .p12 ou PEM)");
        };
        let Some(autorites) = s.autorites.clone() else {
            anyhow::bail!("[insi] autorites est obligatoire : les autorités IGC-Santé du serveur INSi ne sont dans aucun magasin de certificats par défaut (fichier PEM de la chaîne IGC-Santé)");
        };
        cfg.certificat = Some(CertificatClient::depuis_fichier(
            certificat,
            s.certificat_mot_de_passe.clone(),
        )?);
        cfg.autorites = Some(autorites);
    } else if !est_local(endpoint) {
        anyhow::bail!(
            "[insi] endpoint doit être une adresse https:// (ou « simulateur ») : {endpoint}"
        );
    }
    Ok(cfg)
}

/// The INSi client from the configuration; in demo mode without an endpoint, the local
/// simulator with its fictitious identities. The `Instance` sent to INSi is the one kept in
/// the database (the same across restarts).
pub async fn insi_client(
    c: &Config,
    store: &dui_store::Store,
) -> anyhow::Result<Option<Arc<dyn dui_interop::insi::Insi>>> {
    use dui_interop::insi::{simulator, HttpInsiClient, InsiConfig};
    let instance = match (&c.insi.endpoint, c.demo) {
        (None, false) => return Ok(None),
        _ => store.instance_insi().await?,
    };
    let cfg = match &c.insi.endpoint {
        Some(e) if e != "simulateur" => insi_config(&c.insi, e, instance)?,
        _ => {
            let (addr, _handle) = simulator::spawn_simulator(simulator::demo_fixtures()).await?;
            tracing::info!(%addr, "simulateur INSi local démarré (identités fictives)");
            let mut cfg = InsiConfig::new(simulator::endpoint_url(addr));
            cfg.contexte.emetteur = "DUI-DEMO".into();
            cfg.contexte.idam = "DUI-DEMO".into();
            cfg.contexte.instance = instance;
            cfg
        }
    };
    Ok(Some(Arc::new(HttpInsiClient::new(cfg)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://dui:secret@db:5432/dui"),
            "postgres://dui:***@db:5432/dui"
        );
        assert_eq!(
            redact("sqlite://data/dui.sqlite"),
            "sqlite://data/dui.sqlite"
        );
    }

    #[test]
    fn toml_layer_parses_and_rejects_unknown_keys() {
        let c: Config = toml::from_str("bind = \"0.0.0.0:9000\"\n[insi]\nendpoint = \"https://x\"")
            .expect("toml");
        assert_eq!(c.bind, "0.0.0.0:9000");
        assert_eq!(c.session_inactivite_minutes, 30);
        assert!(toml::from_str::<Config>("inconnu = 1").is_err());
    }

    #[test]
    fn durability_is_full_unless_normal_is_asked() {
        let c = Config::default();
        assert_eq!(c.durability().expect("défaut"), dui_store::Durability::Full);
        let c: Config = toml::from_str("synchronisation = \"normale\"").expect("toml");
        assert_eq!(
            c.durability().expect("normale"),
            dui_store::Durability::Normal
        );
        let c: Config = toml::from_str("synchronisation = \"off\"").expect("toml");
        let e = c.durability().expect_err("refusée").to_string();
        assert!(e.contains("synchronisation « off » inconnue"), "{e}");
    }

    #[test]
    fn a_real_insi_endpoint_requires_its_settings() {
        let e = |toml_text: &str| {
            let c: Config = toml::from_str(toml_text).expect("toml");
            let endpoint = c.insi.endpoint.clone().unwrap_or_default();
            insi_config(&c.insi, &endpoint, "i".into())
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        let tlsm = "[insi]\nendpoint = \"https://qualiflps-services-ps-tlsm.ameli.fr/lps\"\n";
        let err = e(tlsm).expect_err("sans émetteur");
        assert!(err.contains("emetteur est obligatoire"), "{err}");
        let ids = format!("{tlsm}emetteur = \"E\"\nidam = \"I\"\n");
        assert!(e(&ids)
            .expect_err("sans certificat")
            .contains("certificat est obligatoire"));
        let cert = format!("{ids}certificat = \"structure.p12\"\n");
        assert!(e(&cert)
            .expect_err("sans autorités")
            .contains("autorites est obligatoire"));
        let err =
            e(&format!("{cert}autorites = \"igc-sante.pem\"\n")).expect_err("sans mot de passe");
        assert!(err.contains("mot de passe"), "{err}");
        let complet =
            format!("{cert}autorites = \"igc-sante.pem\"\ncertificat_mot_de_passe = \"x\"\n");
        assert!(e(&complet).is_ok());
        assert!(e(
            "[insi]\nendpoint = \"http://insi.example.org/lps\"\nemetteur = \"E\"\nidam = \"I\""
        )
        .is_err());
        assert!(
            e("[insi]\nendpoint = \"http://127.0.0.1:9/lps\"\nemetteur = \"E\"\nidam = \"I\"")
                .is_ok()
        );
        let c: Config = toml::from_str(&complet).expect("toml");
        assert!(!format!("{:?}", c.insi).contains("\"x\""));
    }
}
