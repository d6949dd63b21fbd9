//! Values that are never shown. A value is secret when it comes from
//! `${secret:NAME}`, from `${env:NAME}` or the environment with a `NAME`
//! containing `SECRET`, `PASSWORD` or `TOKEN` (any case), or is a user's
//! password. Every line the tool prints, and every plan file it writes,
//! passes through [`redact`], which replaces each secret value with
//! `(sensitive)` — as CI systems mask their secrets in logs. Values shorter
//! than eight characters are not masked (masking them would garble output),
//! nor is a value that is also an ID of the configuration or the cluster
//! (a `demo` user whose password is `demo`): IDs are shown.

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};

/// What a secret value is replaced with.
pub const MASK: &str = "(sensitive)";

/// The shortest value that is masked.
const SHORTEST: usize = 8;

static MASKED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Whether an environment variable's name says it holds a secret.
pub fn sensitive_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["SECRET", "PASSWORD", "TOKEN"]
        .iter()
        .any(|word| upper.contains(word))
}

/// Marks `value` as secret from now on.
pub fn mask(value: &str) {
    if value.chars().count() < SHORTEST {
        return;
    }
    let mut masked = MASKED.lock().unwrap_or_else(PoisonError::into_inner);
    if !masked.iter().any(|v| v == value) {
        masked.push(value.to_owned());
        // Longest first, so a secret that contains another is masked whole.
        masked.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }
}

/// Stops masking any secret value that is one of `ids`: IDs are shown.
pub fn spare<'a>(ids: impl IntoIterator<Item = &'a str>) {
    let mut masked = MASKED.lock().unwrap_or_else(PoisonError::into_inner);
    if masked.is_empty() {
        return;
    }
    let ids: std::collections::HashSet<&str> = ids.into_iter().collect();
    masked.retain(|v| !ids.contains(v.as_str()));
}

/// `text` with every secret value (also as JSON writes it) replaced by
/// [`MASK`].
pub fn redact(text: &str) -> Cow<'_, str> {
    let masked = MASKED.lock().unwrap_or_else(PoisonError::into_inner);
    let mut out = Cow::Borrowed(text);
    for value in masked.iter() {
        let escaped = serde_json::to_string(value).unwrap_or_default();
        let escaped = escaped.trim_matches('"');
        for form in [value.as_str(), escaped] {
            if !form.is_empty() && out.contains(form) {
                out = Cow::Owned(out.replace(form, MASK));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_masked_wherever_they_appear() {
        mask("hunter2-of-the-test");
        mask("short");
        let text = "token hunter2-of-the-test and \"hunter2-of-the-test\" but short stays";
        assert_eq!(
            redact(text),
            "token (sensitive) and \"(sensitive)\" but short stays"
        );
        // An ID is shown even when a secret equals it.
        mask("demo-user-1");
        spare(["demo-user-1"]);
        assert_eq!(redact("user demo-user-1"), "user demo-user-1");
        mask("quote\"d-secret");
        assert_eq!(
            redact(r#"{"value": "quote\"d-secret"}"#),
            r#"{"value": "(sensitive)"}"#
        );
        assert!(sensitive_name("PROD_CLIENT_SECRET"));
        assert!(sensitive_name("ci_token"));
        assert!(!sensitive_name("TEAM_NAME"));
    }
}
