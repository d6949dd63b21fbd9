//! Spring Boot's view of Camunda's `application.yaml`: relaxed binding of
//! keys (`mapping-rules`, `mappingRules` and `MAPPINGRULES` are one key),
//! lists written as objects with index keys, and the environment-variable
//! form (`CAMUNDA_SECURITY_INITIALIZATION_USERS_0_USERNAME=…`). Used to read
//! `camunda.security.initialization` by `import-init` and `sim --init`.

use serde_json::{Map, Value};

/// Spring's relaxed binding: `mapping-rules`, `mappingRules` and
/// `MAPPINGRULES` are one key.
pub fn norm(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The value under `key`, by relaxed binding.
pub fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value
        .as_object()?
        .iter()
        .find(|(k, _)| norm(k) == norm(key))
        .map(|(_, v)| v)
}

/// A scalar under `key` as text.
pub fn text(value: &Value, key: &str) -> Option<String> {
    match get(value, key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A list, also in the form Spring gives environment variables (an object
/// with keys 0, 1, …).
pub fn list(value: &Value, key: &str) -> Vec<Value> {
    match get(value, key) {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::Object(map)) => {
            let mut items: Vec<(usize, Value)> = map
                .iter()
                .filter_map(|(k, v)| Some((k.parse().ok()?, v.clone())))
                .collect();
            items.sort_by_key(|(i, _)| *i);
            items.into_iter().map(|(_, v)| v).collect()
        }
        _ => Vec::new(),
    }
}

/// The scalars of the list under `key`.
pub fn texts(value: &Value, key: &str) -> Vec<String> {
    list(value, key)
        .iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect()
}

/// Puts `value` at `path` in a tree of objects.
fn insert(node: &mut Value, path: &[String], value: &str, key: &str) -> Result<(), String> {
    let map = node
        .as_object_mut()
        .ok_or_else(|| format!("{key}: conflicts with another variable"))?;
    match path {
        [] => Ok(()),
        [last] => {
            map.insert(last.clone(), Value::String(value.to_owned()));
            Ok(())
        }
        [first, rest @ ..] => insert(
            map.entry(first.clone())
                .or_insert_with(|| Value::Object(Map::new())),
            rest,
            value,
            key,
        ),
    }
}

/// The initialization section from an `application.yaml`, or from
/// `CAMUNDA_SECURITY_INITIALIZATION_…=value` lines.
pub fn parse(text: &str) -> Result<Value, String> {
    const PREFIX: &str = "CAMUNDA_SECURITY_INITIALIZATION_";
    let env_lines: Vec<(&str, &str)> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.strip_prefix("export ").unwrap_or(l))
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| k.trim().starts_with(PREFIX))
        .collect();
    if !env_lines.is_empty() {
        let mut root = Value::Object(Map::new());
        for (key, value) in env_lines {
            let value = value.trim().trim_matches('"').trim_matches('\'');
            let path: Vec<String> = key
                .trim()
                .strip_prefix(PREFIX)
                .unwrap_or_default()
                .split('_')
                .filter(|s| !s.is_empty())
                .map(str::to_ascii_lowercase)
                .collect();
            insert(&mut root, &path, value, key)?;
        }
        return Ok(root);
    }
    let document: Value = serde_saphyr::from_str(text)
        .map_err(|e| format!("not YAML and no CAMUNDA_SECURITY_INITIALIZATION_ variables: {e}"))?;
    ["camunda", "security", "initialization"]
        .iter()
        .try_fold(&document, |node, key| get(node, key))
        .cloned()
        .ok_or_else(|| "no camunda.security.initialization section".to_owned())
}
