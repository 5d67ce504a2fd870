//! Mutual TLS on 127.0.0.1, as the service requires it: the server (the simulator behind
//! rustls) presents a certificate from a test « IGC-Santé » CA and demands a client
//! certificate (CN `INSI-AUTO`) from a test structure CA. The client trusts only the
//! configured CA bundle, and presents its certificate as PEM or as PKCS#12 with its
//! passphrase. A wrong CA and a missing client certificate are refused.

use std::path::PathBuf;

use dui_interop::insi::CertificatClient;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use p12_keystore::{KeyStore, KeyStoreEntry, LocalKeyId, PrivateKey, PrivateKeyChain};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;

use super::*;

fn ca(cn: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, cn);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// A leaf certificate (server or client) signed by `issuer`.
fn leaf(
    issuer: &CertifiedIssuer<'static, KeyPair>,
    cn: &str,
    sans: Vec<String>,
) -> (rcgen::Certificate, KeyPair) {
    let mut params = CertificateParams::new(sans).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    (cert, key)
}

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Self {
        let d = std::env::temp_dir().join(format!("dui-insi-tls-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }

    fn write(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, content).unwrap();
        p
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The test PKI: the server's CA (« IGC-Santé »), the structures' CA, the server and client
/// certificates, and a CA nobody uses.
struct Pki {
    dir: Dir,
    serveur_ca_pem: PathBuf,
    autre_ca_pem: PathBuf,
    client_pem: PathBuf,
    client_p12: PathBuf,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: PrivateKeyDer<'static>,
    clients_ca: CertificateDer<'static>,
}

const MOT_DE_PASSE: &str = "mot de passe du .p12";

fn pki(name: &str) -> Pki {
    let dir = Dir::new(name);
    let serveur_ca = ca("AC TEST IGC-SANTE ELEMENTAIRE ORGANISATIONS");
    let clients_ca = ca("AC TEST STRUCTURES");
    let autre_ca = ca("AC TEST AUTRE");
    let (server, server_key) = leaf(
        &serveur_ca,
        "qualiflps-services-ps-tlsm.test",
        vec!["127.0.0.1".into(), "localhost".into()],
    );
    let (client, client_key) = leaf(&clients_ca, "INSI-AUTO", vec![]);
    let serveur_ca_pem = dir.write("igc-sante.pem", serveur_ca.pem().as_bytes());
    let autre_ca_pem = dir.write("autre.pem", autre_ca.pem().as_bytes());
    let client_pem = dir.write(
        "structure.pem",
        format!("{}{}", client.pem(), client_key.serialize_pem()).as_bytes(),
    );
    let mut store = KeyStore::new();
    let chain = PrivateKeyChain::new(
        LocalKeyId(vec![1, 2, 3, 4]),
        PrivateKey::from_der(&client_key.serialize_der()).unwrap(),
        vec![p12_keystore::Certificate::from_der(client.der()).unwrap()],
    );
    store.add_entry("insi-auto", KeyStoreEntry::PrivateKeyChain(chain));
    let p12 = store.writer(MOT_DE_PASSE).write().unwrap();
    let client_p12 = dir.write("structure.p12", &p12);
    Pki {
        dir,
        serveur_ca_pem,
        autre_ca_pem,
        client_pem,
        client_p12,
        server_chain: vec![server.der().clone()],
        server_key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        clients_ca: clients_ca.der().clone(),
    }
}

/// The simulator behind TLS on 127.0.0.1, demanding a client certificate from the
/// structures' CA.
async fn serve_tls(pki: &Pki) -> (SocketAddr, JoinHandle<()>) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.clients_ca.clone()).unwrap();
    let verifier = WebPkiClientVerifier::builder(Arc::new(roots))
        .build()
        .unwrap();
    let config = rustls::ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(pki.server_chain.clone(), pki.server_key.clone_key())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = simulator::router(demo_fixtures());
    let handle = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let (acceptor, app) = (acceptor.clone(), app.clone());
            tokio::spawn(async move {
                // A refused handshake (no or unknown client certificate) ends here.
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), TowerToHyperService::new(app))
                    .await;
            });
        }
    });
    (addr, handle)
}

fn tls_client(
    addr: SocketAddr,
    autorites: &std::path::Path,
    certificat: Option<CertificatClient>,
) -> HttpInsiClient {
    HttpInsiClient::new(InsiConfig {
        endpoint: format!("https://127.0.0.1:{}/lps", addr.port()),
        timeout: Duration::from_secs(10),
        certificat,
        autorites: Some(autorites.to_path_buf()),
        contexte: contexte(),
    })
    .unwrap()
}

fn dupont_query() -> TraitsQuery {
    query("Dupont", &["Hélène"], "F", "1979-03-12", None)
}

#[tokio::test]
async fn mutual_tls_exchange_with_a_pem_or_pkcs12_certificate() {
    let pki = pki("ok");
    let (addr, handle) = serve_tls(&pki).await;
    for certificat in [
        CertificatClient::Pem(pki.client_pem.clone()),
        CertificatClient::depuis_fichier(pki.client_p12.clone(), Some(MOT_DE_PASSE.into()))
            .unwrap(),
    ] {
        let client = tls_client(addr, &pki.serveur_ca_pem, Some(certificat));
        let outcome = client.search_by_traits(&dupont_query()).await.unwrap();
        assert_eq!(outcome, InsiOutcome::Found(dupont()));
    }
    handle.abort();
    assert!(pki.dir.0.exists());
}

#[tokio::test]
async fn a_wrong_ca_or_a_missing_client_certificate_is_refused() {
    let pki = pki("refus");
    let (addr, handle) = serve_tls(&pki).await;
    // The server does not chain to the configured bundle (the default roots are not used).
    let client = tls_client(
        addr,
        &pki.autre_ca_pem,
        Some(CertificatClient::Pem(pki.client_pem.clone())),
    );
    let err = client.search_by_traits(&dupont_query()).await.unwrap_err();
    assert!(matches!(err, InsiError::Unavailable { .. }), "{err:?}");
    // No client certificate: the server refuses the handshake.
    let client = tls_client(addr, &pki.serveur_ca_pem, None);
    let err = client.search_by_traits(&dupont_query()).await.unwrap_err();
    assert!(matches!(err, InsiError::Unavailable { .. }), "{err:?}");
    // A wrong passphrase: said at start, in French.
    let err = HttpInsiClient::new(InsiConfig {
        certificat: Some(CertificatClient::Pkcs12 {
            chemin: pki.client_p12.clone(),
            mot_de_passe: "faux".into(),
        }),
        ..InsiConfig::new("https://127.0.0.1/lps")
    })
    .unwrap_err();
    assert!(matches!(err, InsiConfigError::Pkcs12 { .. }), "{err:?}");
    assert!(
        err.to_string().contains("Vérifiez le mot de passe"),
        "{err}"
    );
    handle.abort();
}
