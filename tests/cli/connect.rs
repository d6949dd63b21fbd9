//! Reaching a cluster: the targets file, the precedence of the SDK
//! variables over it, proxies and CA files.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;

use camunda_access::model::CamundaVersion;
use camunda_access::model::state::Secret;
use camunda_access::sim::{AuthMode, Background, SimConfig};

use crate::common::{Case, root};

fn basic_sim() -> Background {
    let mut config = SimConfig::new(CamundaVersion::V8_9);
    config.auth = AuthMode::Basic;
    config.admin_users = vec![("ops".into(), Secret::new("canary-pw-8812"))];
    Background::start(config).unwrap()
}

fn targets(dir: &std::path::Path, address: &str) {
    fs::write(
        dir.join("camunda-access.toml"),
        format!(
            "[targets.local]\naddress = \"{address}\"\nauth = \"basic\"\nusername = \"ops\"\npassword = \"${{env:LOCAL_PW}}\"\n\n[targets.prod]\naddress = \"https://prod.invalid\"\n"
        ),
    )
    .unwrap();
    fs::copy(
        root().join("examples/quickstart/access.yaml"),
        dir.join("access.yaml"),
    )
    .unwrap();
}

#[test]
fn a_target_from_the_targets_file_is_reached_with_its_credentials() {
    let sim = basic_sim();
    let tmp = tempfile::tempdir().unwrap();
    targets(tmp.path(), &sim.url());
    Case::in_dir(tmp.path())
        .args(["plan", "--target", "local", "--settle-ms", "0"])
        .env("LOCAL_PW", "canary-pw-8812")
        .env_remove("CAMUNDA_REST_ADDRESS")
        .env_remove("CAMUNDA_AUTH_STRATEGY")
        .code(0)
        .stdout_has(&format!("Plan for {} (target local)", sim.url()))
        .stdout_has("+ role deployer")
        .stdout_lacks("canary-pw-8812")
        .stderr_lacks("canary-pw-8812")
        .run();

    // A wrong password from the environment wins over the file, says so,
    // and the cluster refuses it.
    Case::in_dir(tmp.path())
        .args(["plan", "--target", "local"])
        .env("LOCAL_PW", "canary-pw-8812")
        .env("CAMUNDA_BASIC_AUTH_PASSWORD", "wrong")
        .env_remove("CAMUNDA_REST_ADDRESS")
        .env_remove("CAMUNDA_AUTH_STRATEGY")
        .code(1)
        .stderr_has("warning: CAMUNDA_BASIC_AUTH_PASSWORD overrides the value of target 'local'")
        .stderr_has("GET /v2/topology failed: 401")
        .run();

    // Unknown targets and unset variables are clear errors.
    Case::in_dir(tmp.path())
        .args(["plan", "--target", "staging"])
        .code(1)
        .stderr_has("camunda-access.toml has no target 'staging'; it has: local, prod")
        .run();
    Case::in_dir(tmp.path())
        .args(["plan", "--target", "local"])
        .env_remove("LOCAL_PW")
        .code(1)
        .stderr_has("camunda-access.toml:5:12: password of target 'local' refers to ${env:LOCAL_PW}, which is not set")
        .run();
}

#[test]
fn requests_go_through_the_proxy_from_the_environment() {
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = proxy.local_addr().unwrap().port();
    let seen = std::thread::spawn(move || {
        let (mut stream, _) = proxy.accept().unwrap();
        let mut buffer = [0u8; 4096];
        let n = stream.read(&mut buffer).unwrap();
        let _ = stream.write_all(
            b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        );
        String::from_utf8_lossy(&buffer[..n]).into_owned()
    });
    Case::new()
        .args(["plan", "examples/quickstart"])
        .env("CAMUNDA_REST_ADDRESS", "http://cluster.invalid/v2")
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .env("HTTP_PROXY", format!("http://127.0.0.1:{port}"))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .code(1)
        .stderr_has("GET /v2/topology failed: 502")
        .run();
    let request = seen.join().unwrap();
    assert!(
        request.starts_with("GET http://cluster.invalid/v2/topology HTTP/1.1\r\n"),
        "{request}"
    );
}

#[test]
fn a_ca_file_that_is_not_pem_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("ca.pem"), "not a certificate").unwrap();
    Case::new()
        .args(["plan", "examples/quickstart"])
        .env("CAMUNDA_REST_ADDRESS", "https://cluster.invalid/v2")
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .env("CAMUNDA_MTLS_CA_PATH", tmp.path().join("ca.pem"))
        .code(1)
        .stderr_has("the CA file holds no certificate")
        .run();
    Case::new()
        .args(["plan", "examples/quickstart"])
        .env("CAMUNDA_MTLS_CA_PATH", tmp.path().join("missing.pem"))
        .stderr_has("cannot read the CA file")
        .run();
}

/// A CA and a certificate for `localhost` signed by it, as PEM.
fn certificates() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "camunda-access test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    (ca_cert.pem(), cert.pem(), key.serialize_pem())
}

#[test]
fn https_works_with_the_clusters_ca_and_fails_clearly_without_it() {
    let (ca, cert, key) = certificates();
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.tls = Some((cert.into_bytes(), key.into_bytes()));
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    assert!(base.starts_with("https://localhost:"), "{base}");
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("ca.pem"), ca).unwrap();
    let plan = || {
        Case::new()
            .args(["plan", "examples/quickstart", "--settle-ms", "0"])
            .env("CAMUNDA_REST_ADDRESS", &base)
            .env("CAMUNDA_AUTH_STRATEGY", "NONE")
    };
    plan()
        .env("CAMUNDA_MTLS_CA_PATH", tmp.path().join("ca.pem"))
        .code(0)
        .stdout_has("+ role deployer")
        .run();
    plan()
        .env_remove("CAMUNDA_MTLS_CA_PATH")
        .code(1)
        .stderr_has("GET /v2/topology failed")
        .stderr_has("certificate")
        .stderr_has("CAMUNDA_MTLS_CA_PATH")
        .run();
}

#[test]
fn plain_http_to_another_host_is_warned_about() {
    Case::new()
        .args(["plan", "examples/quickstart", "--timeout", "2"])
        .env("CAMUNDA_REST_ADDRESS", "http://cluster.invalid/v2")
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .stderr_has(
            "warning: http://cluster.invalid/v2 is plain http to cluster.invalid, not a loopback address",
        )
        .run();
    Case::new()
        .args(["plan", "examples/quickstart"])
        .sim()
        .stderr_lacks("plain http")
        .run();
}

/// Small frictions, fixed: a refused connection names host and port; `-vv`
/// logs every attempt, also one whose answer never came; the header names
/// where an address that overrode the target's came from.
#[test]
fn errors_and_logs_say_where_and_what() {
    let tmp = tempfile::tempdir().unwrap();
    Case::in_dir(tmp.path())
        .file("a.yaml", "version: 1\ngroups:\n  - id: g\n")
        .args(["-vv", "plan", "."])
        .env("CAMUNDA_REST_ADDRESS", "http://127.0.0.1:9/v2")
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .code(1)
        .stderr_has("(connecting to 127.0.0.1:9)")
        .stderr_has("GET /v2/topology -> no answer")
        .run();

    let sim = basic_sim();
    targets(tmp.path(), "http://127.0.0.1:9/v2");
    Case::in_dir(tmp.path())
        .args(["plan", ".", "--target", "local", "--settle-ms", "0"])
        .env("LOCAL_PW", "canary-pw-8812")
        .env("CAMUNDA_REST_ADDRESS", sim.url())
        .env_remove("CAMUNDA_AUTH_STRATEGY")
        .stdout_has(&format!(
            "Plan for {} (from CAMUNDA_REST_ADDRESS, overriding target local's address)",
            sim.url()
        ))
        .run();
}
