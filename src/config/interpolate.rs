//! `${env:NAME}` and `${env:NAME:-default}` in scalar values, and
//! `${secret:NAME}` (an environment variable whose value is masked in all
//! output, see [`crate::secrets`]); `$${` is a literal `${`.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// Environment variables available to the configuration, read once by the CLI.
#[derive(Clone, Default)]
pub struct Variables {
    vars: BTreeMap<String, String>,
}

impl std::fmt::Debug for Variables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be secrets: show names only.
        f.debug_set().entries(self.vars.keys()).finish()
    }
}

impl Variables {
    /// Variables from name/value pairs.
    pub fn new(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        Variables {
            vars: vars.into_iter().collect(),
        }
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// Masks the values of every variable whose name says it is a secret.
    pub fn mask_sensitive(&self) {
        for (name, value) in &self.vars {
            if crate::secrets::sensitive_name(name) {
                crate::secrets::mask(value);
            }
        }
    }
}

/// Why a value could not be interpolated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterpolationError {
    /// `${env:NAME}` with `NAME` unset and no default.
    Unset {
        /// The variable.
        name: String,
    },
    /// A `${` that is not a well-formed reference.
    Malformed {
        /// What is wrong, as a short phrase.
        reason: String,
    },
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Replaces variable references in `input`.
pub fn interpolate<'a>(
    input: &'a str,
    vars: &Variables,
) -> Result<Cow<'a, str>, InterpolationError> {
    if !input.contains("${") {
        return Ok(Cow::Borrowed(input));
    }
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("${") {
            // The closing brace, past any nested `${…}` in a default.
            let mut depth = 0usize;
            let mut end = None;
            let bytes = after.as_bytes();
            for (i, b) in bytes.iter().enumerate() {
                match b {
                    b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
                    b'}' if depth == 0 => {
                        end = Some(i);
                        break;
                    }
                    b'}' => depth -= 1,
                    _ => {}
                }
            }
            let Some(end) = end else {
                return Err(InterpolationError::Malformed {
                    reason: "`${` is not closed by `}`".into(),
                });
            };
            let body = &after[..end];
            let (spec, secret) = match (body.strip_prefix("env:"), body.strip_prefix("secret:")) {
                (Some(spec), _) => (spec, false),
                (_, Some(spec)) => (spec, true),
                _ => {
                    return Err(InterpolationError::Malformed {
                        reason: format!(
                            "`${{{body}}}` is not an `${{env:NAME}}` or `${{secret:NAME}}` reference"
                        ),
                    });
                }
            };
            let (name, default) = match spec.split_once(":-") {
                Some((name, default)) => (name, Some(default)),
                None => (spec, None),
            };
            if !is_name(name) {
                return Err(InterpolationError::Malformed {
                    reason: format!("`{name}` is not a variable name"),
                });
            }
            if secret && default.is_some() {
                return Err(InterpolationError::Malformed {
                    reason: format!(
                        "`${{secret:{name}}}` cannot have a default: a default is written in the file for all to read"
                    ),
                });
            }
            match (vars.get(name), default) {
                (Some(value), _) => {
                    if secret || crate::secrets::sensitive_name(name) {
                        crate::secrets::mask(value);
                    }
                    out.push_str(value);
                }
                // A default may itself hold references: `${env:A:-${env:B}}`.
                (None, Some(default)) => out.push_str(&interpolate(default, vars)?),
                (None, None) => {
                    return Err(InterpolationError::Unset {
                        name: name.to_owned(),
                    });
                }
            }
            rest = &after[end + 1..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Variables {
        Variables::new([
            ("A".to_string(), "x".to_string()),
            ("EMPTY".to_string(), String::new()),
        ])
    }

    #[test]
    fn replaces_and_escapes() {
        let v = vars();
        assert_eq!(interpolate("plain", &v).unwrap(), "plain");
        assert_eq!(interpolate("${env:A}", &v).unwrap(), "x");
        assert_eq!(interpolate("a-${env:A}-b", &v).unwrap(), "a-x-b");
        assert_eq!(interpolate("${env:B:-dflt}", &v).unwrap(), "dflt");
        assert_eq!(interpolate("${env:B:-}", &v).unwrap(), "");
        assert_eq!(interpolate("${env:EMPTY:-d}", &v).unwrap(), "");
        assert_eq!(interpolate("$${env:A}", &v).unwrap(), "${env:A}");
        assert_eq!(interpolate("cost $5 ${env:A}", &v).unwrap(), "cost $5 x");
        assert_eq!(interpolate("$", &v).unwrap(), "$");
        // Nested defaults.
        assert_eq!(interpolate("${env:B:-${env:A}}", &v).unwrap(), "x");
        assert_eq!(
            interpolate("${env:B:-${env:C:-deep}}-z", &v).unwrap(),
            "deep-z"
        );
        assert_eq!(
            interpolate("${env:B:-${env:C}}", &v),
            Err(InterpolationError::Unset { name: "C".into() })
        );
    }

    #[test]
    fn reports_problems() {
        let v = vars();
        assert_eq!(
            interpolate("${env:NOPE}", &v),
            Err(InterpolationError::Unset {
                name: "NOPE".into()
            })
        );
        assert!(matches!(
            interpolate("${A}", &v),
            Err(InterpolationError::Malformed { .. })
        ));
        assert!(matches!(
            interpolate("${env:A", &v),
            Err(InterpolationError::Malformed { .. })
        ));
        assert!(matches!(
            interpolate("${env:1A}", &v),
            Err(InterpolationError::Malformed { .. })
        ));
    }

    #[test]
    fn secret_references_are_masked() {
        let v = Variables::new([("DB".to_string(), "s3cr3t-value".to_string())]);
        assert_eq!(interpolate("${secret:DB}", &v).unwrap(), "s3cr3t-value");
        assert_eq!(crate::secrets::redact("x s3cr3t-value"), "x (sensitive)");
        assert!(matches!(
            interpolate("${secret:DB:-x}", &v),
            Err(InterpolationError::Malformed { .. })
        ));
    }

    #[test]
    fn debug_hides_values() {
        let v = Variables::new([("SECRET".to_string(), "hunter2".to_string())]);
        assert!(!format!("{v:?}").contains("hunter2"));
    }
}
