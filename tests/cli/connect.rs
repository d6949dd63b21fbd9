//! Reaching a cluster: the targets file, the precedence of the SDK
//! variables over it, proxies and CA files.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;

use camunda_access::model::CamundaVersion;
use camunda_access::model::state::Secret;
use camunda_access::sim::{AuthMode, Background, SimConfig};

use crate::common::{cmd, root, stderr, stdout};

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
    let output = cmd(tmp.path())
        .args(["plan", "--target", "local", "--settle-ms", "0"])
        .env("LOCAL_PW", "canary-pw-8812")
        .env_remove("CAMUNDA_REST_ADDRESS")
        .env_remove("CAMUNDA_AUTH_STRATEGY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.contains(&format!("Plan for {} (target local)", sim.url())),
        "{out}"
    );
    assert!(out.contains("+ role deployer"), "{out}");
    assert!(!out.contains("canary-pw-8812") && !stderr(&output).contains("canary-pw-8812"));

    // A wrong password from the environment wins over the file, says so,
    // and the cluster refuses it.
    let output = cmd(tmp.path())
        .args(["plan", "--target", "local"])
        .env("LOCAL_PW", "canary-pw-8812")
        .env("CAMUNDA_BASIC_AUTH_PASSWORD", "wrong")
        .env_remove("CAMUNDA_REST_ADDRESS")
        .env_remove("CAMUNDA_AUTH_STRATEGY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("warning: CAMUNDA_BASIC_AUTH_PASSWORD overrides the value of target 'local'"),
        "{err}"
    );
    assert!(err.contains("GET /v2/topology failed: 401"), "{err}");

    // Unknown targets and unset variables are clear errors.
    let output = cmd(tmp.path())
        .args(["plan", "--target", "staging"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .contains("camunda-access.toml has no target 'staging'; it has: local, prod"),
        "{}",
        stderr(&output)
    );
    let output = cmd(tmp.path())
        .args(["plan", "--target", "local"])
        .env_remove("LOCAL_PW")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("camunda-access.toml:5:12: password of target 'local' refers to ${env:LOCAL_PW}, which is not set"),
        "{}",
        stderr(&output)
    );
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
    let output = cmd(&root())
        .args(["plan", "examples/quickstart"])
        .env("CAMUNDA_REST_ADDRESS", "http://cluster.invalid/v2")
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .env("HTTP_PROXY", format!("http://127.0.0.1:{port}"))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .unwrap();
    let request = seen.join().unwrap();
    assert!(
        request.starts_with("GET http://cluster.invalid/v2/topology HTTP/1.1\r\n"),
        "{request}"
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("GET /v2/topology failed: 502"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_ca_file_that_is_not_pem_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("ca.pem"), "not a certificate").unwrap();
    let output = cmd(&root())
        .args(["plan", "examples/quickstart"])
        .env("CAMUNDA_REST_ADDRESS", "https://cluster.invalid/v2")
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .env("CAMUNDA_MTLS_CA_PATH", tmp.path().join("ca.pem"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("the CA file holds no certificate"),
        "{}",
        stderr(&output)
    );
    let output = cmd(&root())
        .args(["plan", "examples/quickstart"])
        .env("CAMUNDA_MTLS_CA_PATH", tmp.path().join("missing.pem"))
        .output()
        .unwrap();
    assert!(
        stderr(&output).contains("cannot read the CA file"),
        "{}",
        stderr(&output)
    );
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
    let plan = |ca: Option<&std::path::Path>| {
        let mut c = cmd(&root());
        c.args(["plan", "examples/quickstart", "--settle-ms", "0"])
            .env("CAMUNDA_REST_ADDRESS", &base)
            .env("CAMUNDA_AUTH_STRATEGY", "NONE");
        match ca {
            Some(path) => c.env("CAMUNDA_MTLS_CA_PATH", path),
            None => c.env_remove("CAMUNDA_MTLS_CA_PATH"),
        };
        c.output().unwrap()
    };
    let output = plan(Some(&tmp.path().join("ca.pem")));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("+ role deployer"));
    let output = plan(None);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("GET /v2/topology failed"), "{err}");
    assert!(err.contains("certificate"), "{err}");
    assert!(err.contains("CAMUNDA_MTLS_CA_PATH"), "{err}");
}

#[test]
fn plain_http_to_another_host_is_warned_about() {
    let output = cmd(&root())
        .args(["plan", "examples/quickstart", "--timeout", "2"])
        .env("CAMUNDA_REST_ADDRESS", "http://cluster.invalid/v2")
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .output()
        .unwrap();
    assert!(
        stderr(&output).contains(
            "warning: http://cluster.invalid/v2 is plain http to cluster.invalid, not a loopback address"
        ),
        "{}",
        stderr(&output)
    );
    let sim = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
    let output = cmd(&root())
        .args(["plan", "examples/quickstart"])
        .env("CAMUNDA_REST_ADDRESS", sim.url())
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .output()
        .unwrap();
    assert!(
        !stderr(&output).contains("plain http"),
        "{}",
        stderr(&output)
    );
}

/// Small frictions, fixed: a refused connection names host and port; `-vv`
/// logs every attempt, also one whose answer never came; the header names
/// where an address that overrode the target's came from.
#[test]
fn errors_and_logs_say_where_and_what() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("a.yaml"),
        "version: 1\ngroups:\n  - id: g\n",
    )
    .unwrap();
    let output = cmd(tmp.path())
        .args(["-vv", "plan", "."])
        .env("CAMUNDA_REST_ADDRESS", "http://127.0.0.1:9/v2")
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("(connecting to 127.0.0.1:9)"), "{err}");
    assert!(err.contains("GET /v2/topology -> no answer"), "{err}");

    let sim = basic_sim();
    targets(tmp.path(), "http://127.0.0.1:9/v2");
    let output = cmd(tmp.path())
        .args(["plan", ".", "--target", "local", "--settle-ms", "0"])
        .env("LOCAL_PW", "canary-pw-8812")
        .env("CAMUNDA_REST_ADDRESS", sim.url())
        .env_remove("CAMUNDA_AUTH_STRATEGY")
        .output()
        .unwrap();
    let out = stdout(&output);
    assert!(
        out.contains(&format!(
            "Plan for {} (from CAMUNDA_REST_ADDRESS, overriding target local's address)",
            sim.url()
        )),
        "{out}{}",
        stderr(&output)
    );
}
