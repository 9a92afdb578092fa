//! The lab's TLS endpoint: certificates issued at each lab start, and
//! `ingress`, a TLS terminator in front of the storefront.
//!
//! At every start the lab issues, into `target/lab/tls/`, a throwaway CA
//! (`ca.crt`; its key stays in memory and is gone when the lab has issued
//! the rest), a certificate for the lab's names that is valid for
//! [`VALID_FOR`] (`original.crt`, `original.key`), and an expired one for
//! the same names (`expired.crt`, `expired.key`). Ingress serves
//! `tls.crt` and `tls.key`, a copy of the original at start: the two keys
//! of a Kubernetes TLS Secret. It reads them again at the first handshake
//! after they change, as a server that watches its mounted Secret does, so
//! an experiment swaps the certificate by replacing the files. The folder
//! is replaced at each start and removed when a lab run ends.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use time::{Duration, OffsetDateTime};

/// How long the lab's valid certificate lasts from the lab's start: a
/// short-lived certificate, as internal CAs and service meshes issue, so
/// a client clock moved a day ahead sees it expired.
pub const VALID_FOR: Duration = Duration::hours(12);

/// The names both certificates are for: how the lab's clients reach it.
pub const NAMES: [&str; 2] = ["127.0.0.1", "localhost"];

/// The files ingress serves, in the lab's TLS folder.
const SERVED: [&str; 2] = ["tls.crt", "tls.key"];

/// Issues the CA and both certificates into `dir` (emptied first), and
/// installs the valid one as the served one.
pub fn issue(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("cannot empty {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let now = OffsetDateTime::now_utc();
    let fail = |e: rcgen::Error| format!("cannot issue the lab's certificates: {e}");

    let mut ca = CertificateParams::default();
    ca.distinguished_name
        .push(DnType::CommonName, "chaosbook lab throwaway CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    // The CA outlives the expired certificate's start, so only the leaf's
    // dates make it expired.
    ca.not_before = now - Duration::days(30);
    ca.not_after = now + Duration::days(2);
    let ca_key = KeyPair::generate().map_err(fail)?;
    let ca_cert = ca.self_signed(&ca_key).map_err(fail)?;
    let issuer = Issuer::new(ca, ca_key);

    let leaf = |not_before: OffsetDateTime, not_after: OffsetDateTime| {
        let mut params = CertificateParams::new(NAMES.map(String::from).to_vec())?;
        params
            .distinguished_name
            .push(DnType::CommonName, "lab storefront");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.not_before = not_before;
        params.not_after = not_after;
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &issuer)?;
        Ok::<_, rcgen::Error>((cert.pem(), key.serialize_pem()))
    };
    // A few minutes of slack for a client whose clock is a little behind.
    let (original, original_key) =
        leaf(now - Duration::minutes(5), now + VALID_FOR).map_err(fail)?;
    let (expired, expired_key) =
        leaf(now - Duration::days(10), now - Duration::days(1)).map_err(fail)?;

    let files = [
        ("ca.crt", ca_cert.pem()),
        ("original.crt", original.clone()),
        ("original.key", original_key.clone()),
        ("expired.crt", expired),
        ("expired.key", expired_key),
        (SERVED[0], original),
        (SERVED[1], original_key),
    ];
    for (name, text) in files {
        write_private(&dir.join(name), &text)?;
    }
    Ok(())
}

/// Writes a file that only this user may read (keys among them).
fn write_private(path: &Path, text: &str) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// When each served file last changed, and its size.
type Stamp = [(Option<SystemTime>, u64); 2];

/// The served certificate and key, read again after they change.
#[derive(Debug)]
struct ServedFiles {
    dir: PathBuf,
    current: Mutex<(Stamp, Arc<CertifiedKey>)>,
}

impl ServedFiles {
    fn open(dir: &Path) -> Result<ServedFiles, String> {
        let stamp = stamp(dir);
        let key = read(dir)?;
        Ok(ServedFiles {
            dir: dir.to_path_buf(),
            current: Mutex::new((stamp, key)),
        })
    }
}

fn stamp(dir: &Path) -> Stamp {
    SERVED.map(|name| {
        std::fs::metadata(dir.join(name))
            .map(|m| (m.modified().ok(), m.len()))
            .unwrap_or((None, 0))
    })
}

fn read(dir: &Path) -> Result<Arc<CertifiedKey>, String> {
    let (cert_file, key_file) = (dir.join(SERVED[0]), dir.join(SERVED[1]));
    let chain = CertificateDer::pem_file_iter(&cert_file)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read {}: {e}", cert_file.display()))?;
    if chain.is_empty() {
        return Err(format!("{} holds no certificate", cert_file.display()));
    }
    let key = PrivateKeyDer::from_pem_file(&key_file)
        .map_err(|e| format!("cannot read {}: {e}", key_file.display()))?;
    let signer = rustls::crypto::ring::sign::any_supported_type(&key)
        .map_err(|e| format!("cannot use {}: {e}", key_file.display()))?;
    Ok(Arc::new(CertifiedKey::new(chain, signer)))
}

impl ResolvesServerCert for ServedFiles {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let now = stamp(&self.dir);
        if now != current.0 {
            // Half-written files (a swap in progress) keep the previous
            // certificate; the next handshake tries again.
            if let Ok(key) = read(&self.dir) {
                *current = (now, key);
            }
        }
        Some(current.1.clone())
    }
}

/// `chaosbook lab service ingress`: TLS on 127.0.0.1:`port` with the
/// certificate in `dir`, each connection passed on to `upstream`
/// (`http://127.0.0.1:PORT`) once its handshake succeeded. A client that
/// refuses the certificate, or speaks plain HTTP, reaches nothing.
pub fn serve_ingress(port: u16, upstream: &str, dir: &Path) -> Result<(), String> {
    let upstream = upstream
        .strip_prefix("http://")
        .unwrap_or(upstream)
        .trim_end_matches('/')
        .to_string();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(ServedFiles::open(dir)?));
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| format!("ingress cannot listen on 127.0.0.1:{port}: {e}"))?;
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            let (acceptor, upstream) = (acceptor.clone(), upstream.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut back) = tokio::net::TcpStream::connect(upstream.as_str()).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut back).await;
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_a_valid_and_an_expired_certificate_and_serves_the_valid_one() {
        let dir = tempfile::tempdir().unwrap();
        let tls = dir.path().join("tls");
        issue(&tls).unwrap();
        for name in [
            "ca.crt",
            "original.crt",
            "original.key",
            "expired.crt",
            "expired.key",
            "tls.crt",
            "tls.key",
        ] {
            assert!(tls.join(name).is_file(), "{name}");
        }
        assert_eq!(
            std::fs::read(tls.join("tls.crt")).unwrap(),
            std::fs::read(tls.join("original.crt")).unwrap()
        );
        assert_ne!(
            std::fs::read(tls.join("expired.key")).unwrap(),
            std::fs::read(tls.join("original.key")).unwrap()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(tls.join("original.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // The served files as ingress reads them.
        let served = ServedFiles::open(&tls).unwrap();
        let original = CertificateDer::from_pem_file(tls.join("original.crt")).unwrap();
        assert_eq!(served.current.lock().unwrap().1.cert, vec![original]);
        // Reissuing empties the folder first.
        std::fs::write(tls.join("stray"), "x").unwrap();
        issue(&tls).unwrap();
        assert!(!tls.join("stray").exists());
    }
}
