//! Behaviours of real Camunda that the simulator models since the third
//! pass of the reference (issue 13), and what the tool does about them:
//! each test runs the binary, or talks to the simulator as a client would.

use std::fs;
use std::time::Duration;

use camunda_access::model::CamundaVersion;
use camunda_access::sim::{Background, SimConfig};
use serde_json::{Value, json};

use crate::common::{against, stderr, stdout};

fn sim(version: CamundaVersion) -> Background {
    Background::start(SimConfig::new(version)).unwrap()
}

/// One request to a simulator: (status, JSON body or `null`).
pub fn call(base: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let mut request = http
        .request(method.parse().unwrap(), format!("{base}{path}"))
        .timeout(Duration::from_secs(20));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let (status, text) = rt.block_on(async {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    });
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Like `call`, insisting on success.
fn ok(base: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let (status, body) = call(base, method, path, body);
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {body}"
    );
    body
}

fn apply(dir: &std::path::Path, base: &str) {
    let output = against(dir, base, &["apply", ".", "--auto-approve"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}

/// Camunda 8.8+ replaces a user's name and e-mail on update; a field left
/// out becomes "".
#[test]
fn user_updates_replace_name_and_email() {
    for version in [CamundaVersion::V8_8, CamundaVersion::V8_9] {
        let sim = sim(version);
        let base = sim.url();
        ok(
            &base,
            "POST",
            "/v2/users",
            Some(
                json!({"username": "carol", "password": "pw", "name": "Carol", "email": "carol@example.com"}),
            ),
        );
        let updated = ok(
            &base,
            "PUT",
            "/v2/users/carol",
            Some(json!({"email": "c@example.com"})),
        );
        assert_eq!(
            updated,
            json!({"username": "carol", "name": "", "email": "c@example.com"}),
            "{version}"
        );
        let read = ok(&base, "GET", "/v2/users/carol", None);
        assert_eq!(read["name"], "", "{version}");
        ok(
            &base,
            "PUT",
            "/v2/users/carol",
            Some(json!({"name": "Carol C."})),
        );
        let read = ok(&base, "GET", "/v2/users/carol", None);
        assert_eq!(read["name"], "Carol C.", "{version}");
        assert_eq!(read["email"], "", "{version}");
    }
}

/// The files manage only the e-mail of a user whose name was set by hand:
/// `apply` changes the e-mail and keeps the name.
#[test]
fn an_unmanaged_user_name_survives_an_email_update() {
    for version in [CamundaVersion::V8_8, CamundaVersion::V8_9] {
        let sim = sim(version);
        let base = sim.url();
        ok(
            &base,
            "POST",
            "/v2/users",
            Some(
                json!({"username": "dora", "password": "pw", "name": "Dora by hand", "email": "old@example.com"}),
            ),
        );
        let tmp = tempfile::tempdir().unwrap();
        fs::write(
            tmp.path().join("access.yaml"),
            "version: 1\nusers:\n  - username: dora\n    email: new@example.com\n",
        )
        .unwrap();
        apply(tmp.path(), &base);
        let read = ok(&base, "GET", "/v2/users/dora", None);
        assert_eq!(read["name"], "Dora by hand", "{version}");
        assert_eq!(read["email"], "new@example.com", "{version}");

        // And the other way round: a managed name keeps a hand-set e-mail.
        fs::write(
            tmp.path().join("access.yaml"),
            "version: 1\nusers:\n  - username: dora\n    name: Dora\n",
        )
        .unwrap();
        apply(tmp.path(), &base);
        let read = ok(&base, "GET", "/v2/users/dora", None);
        assert_eq!(read["name"], "Dora", "{version}");
        assert_eq!(read["email"], "new@example.com", "{version}");
    }
}
