//! The targets file, `camunda-access.toml`: named clusters for `--target`.
//!
//! ```toml
//! [targets.prod]
//! address = "https://camunda.example.com/v2"
//! auth = "oauth"
//! client-id = "camunda-access"
//! client-secret = "${env:PROD_CLIENT_SECRET}"
//! oauth-url = "https://login.example.com/oauth/token"
//! audience = "orchestration-api"
//! ```
//!
//! Secrets (`client-secret`, `password`) must be `${env:VAR}` references:
//! a literal secret in a file that lives next to the YAML in version control
//! is refused.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::config::diagnostic::{Code, Diagnostic};
use crate::config::interpolate::{InterpolationError, Variables, interpolate};
use crate::config::source::{SourceFile, Sources};
use crate::model::state::Secret;

/// The default file name, looked up in the current directory.
pub const FILE_NAME: &str = "camunda-access.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    targets: BTreeMap<String, RawTarget>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTarget {
    address: Option<Spanned<String>>,
    auth: Option<Spanned<String>>,
    client_id: Option<Spanned<String>>,
    client_secret: Option<Spanned<String>>,
    oauth_url: Option<Spanned<String>>,
    audience: Option<Spanned<String>>,
    scope: Option<Spanned<String>>,
    username: Option<Spanned<String>>,
    password: Option<Spanned<String>>,
    ca_path: Option<Spanned<String>>,
    timeout_seconds: Option<Spanned<u64>>,
    id_pattern: Option<Spanned<String>>,
}

/// One named cluster, its values interpolated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// Its name in the file.
    pub name: String,
    /// REST address.
    pub address: Option<String>,
    /// `none`, `basic` or `oauth`.
    pub auth: Option<String>,
    /// OAuth client ID.
    pub client_id: Option<String>,
    /// OAuth client secret.
    pub client_secret: Option<Secret>,
    /// OAuth token endpoint.
    pub oauth_url: Option<String>,
    /// Token audience.
    pub audience: Option<String>,
    /// Token scope.
    pub scope: Option<String>,
    /// Basic-auth user.
    pub username: Option<String>,
    /// Basic-auth password.
    pub password: Option<Secret>,
    /// A PEM file with the CA certificates to trust (relative to the file).
    pub ca_path: Option<PathBuf>,
    /// Request timeout.
    pub timeout_seconds: Option<u64>,
    /// The cluster's `camunda.security.id-validation-pattern`, when it
    /// changed Camunda's default.
    pub id_pattern: Option<String>,
}

/// Why a target could not be read: one diagnostic (code `targets-file`),
/// located in the file when it points at a place, with the file it is about.
#[derive(Debug)]
pub struct TargetsError {
    /// The targets file, when it could be read.
    pub sources: Sources,
    /// What is wrong (boxed: errors stay small).
    pub diagnostic: Box<Diagnostic>,
}

impl TargetsError {
    fn unlocated(message: String) -> Self {
        TargetsError {
            sources: Sources::default(),
            diagnostic: Box::new(Diagnostic::unlocated(Code::TargetsFile, message)),
        }
    }
}

/// `file:line:column: message`, or the message alone when it has no place.
impl fmt::Display for TargetsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(label) = &self.diagnostic.primary {
            let file = self.sources.get(label.loc.file);
            write!(f, "{}:{}:{}: ", file.name, label.loc.line, label.loc.column)?;
        }
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for TargetsError {}

/// Reads target `name` from the file at `path`.
pub fn load(path: &Path, name: &str, vars: &Variables) -> Result<Target, TargetsError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        TargetsError::unlocated(format!(
            "cannot read the targets file {}: {e}",
            path.display()
        ))
    })?;
    parse(&text, path, name, vars)
}

/// Parses `text` (the contents of `path`) and picks target `name`.
pub fn parse(
    text: &str,
    path: &Path,
    name: &str,
    vars: &Variables,
) -> Result<Target, TargetsError> {
    let shown = path.display();
    let mut sources = Sources::default();
    let file = sources.add(SourceFile::new(shown.to_string(), text));
    // A problem at a place in the file.
    let at = |span: Option<Range<usize>>, message: String| {
        let diagnostic = match span {
            Some(span) => {
                let loc = sources.get(file).loc_of_range(file, span.start, span.len());
                Diagnostic::new(Code::TargetsFile, loc, message)
            }
            None => Diagnostic::unlocated(Code::TargetsFile, format!("{shown}: {message}")),
        };
        TargetsError {
            sources: sources.clone(),
            diagnostic: Box::new(diagnostic),
        }
    };
    let parsed: RawFile = toml::from_str(text).map_err(|e| at(e.span(), e.message().to_owned()))?;
    let Some(raw) = parsed.targets.get(name) else {
        let known: Vec<&str> = parsed.targets.keys().map(String::as_str).collect();
        return Err(TargetsError::unlocated(if known.is_empty() {
            format!("{shown} names no targets; add a [targets.{name}] table")
        } else {
            format!(
                "{shown} has no target '{name}'; it has: {}",
                known.join(", ")
            )
        }));
    };
    let value =
        |field: &str, v: &Option<Spanned<String>>| -> Result<Option<String>, TargetsError> {
            let Some(v) = v else { return Ok(None) };
            interpolate(v.get_ref(), vars)
                .map(|s| Some(s.into_owned()))
                .map_err(|e| match e {
                    InterpolationError::Unset { name: var } => at(
                        Some(v.span()),
                        format!(
                            "{field} of target '{name}' refers to ${{env:{var}}}, which is not set"
                        ),
                    ),
                    InterpolationError::Malformed { reason } => {
                        at(Some(v.span()), format!("{field}: {reason}"))
                    }
                })
        };
    let secret = |field: &str,
                  v: &Option<Spanned<String>>|
     -> Result<Option<Secret>, TargetsError> {
        if let Some(raw) = v
            && !raw.get_ref().trim_start().starts_with("${env:")
        {
            return Err(at(
                Some(raw.span()),
                format!(
                    "{field} of target '{name}' is a literal; secrets in {FILE_NAME} must be ${{env:VAR}} references"
                ),
            ));
        }
        Ok(value(field, v)?.map(Secret::new))
    };
    Ok(Target {
        name: name.to_owned(),
        address: value("address", &raw.address)?,
        auth: value("auth", &raw.auth)?,
        client_id: value("client-id", &raw.client_id)?,
        client_secret: secret("client-secret", &raw.client_secret)?,
        oauth_url: value("oauth-url", &raw.oauth_url)?,
        audience: value("audience", &raw.audience)?,
        scope: value("scope", &raw.scope)?,
        username: value("username", &raw.username)?,
        password: secret("password", &raw.password)?,
        ca_path: value("ca-path", &raw.ca_path)?.map(|p| {
            let p = PathBuf::from(p);
            match path.parent() {
                Some(dir) if p.is_relative() => dir.join(p),
                _ => p,
            }
        }),
        timeout_seconds: raw.timeout_seconds.as_ref().map(|t| *t.get_ref()),
        id_pattern: value("id-pattern", &raw.id_pattern)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Variables {
        Variables::new([("PROD_SECRET".to_owned(), "hunter2".to_owned())])
    }

    const FILE: &str = r#"
[targets.prod]
address = "https://camunda.example.com/v2"
auth = "oauth"
client-id = "camunda-access"
client-secret = "${env:PROD_SECRET}"
oauth-url = "https://login.example.com/oauth/token"
ca-path = "certs/ca.pem"
timeout-seconds = 30

[targets.dev]
address = "http://localhost:8080"
"#;

    #[test]
    fn a_target_is_read_and_interpolated() {
        let t = parse(FILE, Path::new("repo/camunda-access.toml"), "prod", &vars()).unwrap();
        assert_eq!(t.address.as_deref(), Some("https://camunda.example.com/v2"));
        assert_eq!(
            t.client_secret.as_ref().map(Secret::expose),
            Some("hunter2")
        );
        assert_eq!(t.ca_path, Some(PathBuf::from("repo/certs/ca.pem")));
        assert_eq!(t.timeout_seconds, Some(30));
        assert!(!format!("{t:?}").contains("hunter2"));
    }

    #[test]
    fn an_unknown_target_lists_the_known_ones() {
        let e = parse(FILE, Path::new("camunda-access.toml"), "staging", &vars()).unwrap_err();
        assert_eq!(e.diagnostic.code, Code::TargetsFile);
        assert_eq!(
            e.to_string(),
            "camunda-access.toml has no target 'staging'; it has: dev, prod"
        );
    }

    #[test]
    fn literal_secrets_are_refused_with_their_place() {
        let text = "[targets.prod]\naddress = \"http://x\"\nclient-secret = \"hunter2\"\n";
        let e = parse(text, Path::new("camunda-access.toml"), "prod", &vars())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("camunda-access.toml:3:17: client-secret of target 'prod' is a literal"),
            "{e}"
        );
        assert!(!e.contains("hunter2"));
    }

    #[test]
    fn unset_variables_and_unknown_keys_point_at_the_line() {
        let text = "[targets.prod]\nclient-secret = \"${env:NOPE}\"\n";
        let e = parse(text, Path::new("t.toml"), "prod", &vars()).unwrap_err();
        let loc = e.diagnostic.primary.as_ref().expect("located").loc;
        assert_eq!((loc.line, loc.column), (2, 17));
        assert_eq!(
            e.to_string(),
            "t.toml:2:17: client-secret of target 'prod' refers to ${env:NOPE}, which is not set"
        );
        let text = "[targets.prod]\nadress = \"http://x\"\n";
        let e = parse(text, Path::new("t.toml"), "prod", &vars())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.toml:2:1: unknown field `adress`"), "{e}");
    }
}
