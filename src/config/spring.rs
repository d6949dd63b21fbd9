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

/// What is wrong with a Spring configuration's `camunda.security` section.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SpringError(pub String);

impl From<String> for SpringError {
    fn from(message: String) -> SpringError {
        SpringError(message)
    }
}

impl From<&str> for SpringError {
    fn from(message: &str) -> SpringError {
        SpringError(message.to_owned())
    }
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
fn insert(node: &mut Value, path: &[String], value: &str, key: &str) -> Result<(), SpringError> {
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

/// Spring binds a dotted key as a path at any level: `a.b: x` is
/// `a: {b: x}` (`camunda.security.initialization:` as one key,
/// `defaultRoles: {admin.users: [demo]}`). A key in brackets (`[a.b]`)
/// stays one key.
pub fn expand_dotted(value: Value) -> Result<Value, SpringError> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .map(expand_dotted)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Value::Object(map) => {
            let mut out = Value::Object(Map::new());
            for (key, value) in map {
                let value = expand_dotted(value)?;
                let path: Vec<String> =
                    match key.strip_prefix('[').and_then(|k| k.strip_suffix(']')) {
                        Some(literal) => vec![literal.to_owned()],
                        None => key.split('.').map(str::to_owned).collect(),
                    };
                merge(&mut out, &path, value, &key)?;
            }
            Ok(out)
        }
        other => Ok(other),
    }
}

/// Puts `value` at `path` in `node`, merging objects that meet.
fn merge(node: &mut Value, path: &[String], value: Value, key: &str) -> Result<(), SpringError> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(());
    };
    let map = node
        .as_object_mut()
        .ok_or_else(|| format!("`{key}` conflicts with a value set elsewhere"))?;
    // Relaxed binding: an existing key that binds the same way is the same key.
    let slot = map
        .keys()
        .find(|k| norm(k) == norm(first))
        .cloned()
        .unwrap_or_else(|| first.clone());
    if !rest.is_empty() {
        let child = map.entry(slot).or_insert_with(|| Value::Object(Map::new()));
        return merge(child, rest, value, key);
    }
    match (map.get_mut(&slot), value) {
        (None, value) => {
            map.insert(slot, value);
            Ok(())
        }
        (Some(existing @ Value::Object(_)), Value::Object(more)) => {
            for (k, v) in more {
                merge(existing, std::slice::from_ref(&k), v, key)?;
            }
            Ok(())
        }
        (Some(_), _) => Err(format!("`{key}` is set twice").into()),
    }
}

/// The keys `camunda.security.initialization` knows, per section, by
/// relaxed binding; for `default-roles`, the built-in roles.
fn unknown_keys(init: &Value) -> Vec<String> {
    const ENTITY: &[&str] = &[
        "name",
        "description",
        "users",
        "clients",
        "groups",
        "roles",
        "mapping-rules",
    ];
    let mut unknown = Vec::new();
    let check = |node: &Value, allowed: &[&str], at: &str, unknown: &mut Vec<String>| {
        if let Some(map) = node.as_object() {
            for key in map.keys() {
                if !allowed.iter().any(|a| norm(a) == norm(key)) {
                    unknown.push(format!("{at}.{key}"));
                }
            }
        }
    };
    check(
        init,
        &[
            "users",
            "mapping-rules",
            "groups",
            "roles",
            "tenants",
            "default-roles",
            "authorizations",
        ],
        "initialization",
        &mut unknown,
    );
    let sections: [(&str, Vec<&str>); 6] = [
        ("users", vec!["username", "password", "name", "email"]),
        (
            "mapping-rules",
            vec!["mapping-rule-id", "claim-name", "claim-value", "name"],
        ),
        ("groups", [&["group-id"][..], ENTITY].concat()),
        ("roles", [&["role-id"][..], ENTITY].concat()),
        ("tenants", [&["tenant-id"][..], ENTITY].concat()),
        (
            "authorizations",
            vec![
                "owner-type",
                "owner-id",
                "resource-type",
                "resource-id",
                "resource-property-name",
                "permissions",
            ],
        ),
    ];
    for (section, allowed) in &sections {
        for (i, entry) in list(init, section).iter().enumerate() {
            check(
                entry,
                allowed,
                &format!("initialization.{section}[{i}]"),
                &mut unknown,
            );
        }
    }
    if let Some(Value::Object(roles)) = get(init, "default-roles") {
        for (role, members) in roles {
            if !crate::model::catalogue::BUILT_IN_ROLES
                .iter()
                .any(|r| norm(r) == norm(role))
            {
                unknown.push(format!("initialization.default-roles.{role}"));
                continue;
            }
            check(
                members,
                &["users", "clients", "groups", "roles", "mapping-rules"],
                &format!("initialization.default-roles.{role}"),
                &mut unknown,
            );
        }
    }
    unknown
}

/// Where the last segment of a key path is written in `text`: `line L,
/// column C` of its first appearance as a key (alone or as part of a
/// dotted key), or of its environment variable.
fn place(text: &str, path: &str) -> String {
    let key = path.rsplit(['.', ']']).next().unwrap_or(path);
    let variable = format!("_{}", norm(key).to_ascii_uppercase());
    for (n, line) in text.lines().enumerate() {
        let as_key = line.match_indices(key).find(|(i, _)| {
            let before = line[..*i].chars().next_back();
            let after = line[i + key.len()..].chars().next();
            before.is_none_or(|c| {
                c.is_whitespace() || matches!(c, '.' | '-' | '{' | ',' | '"' | '\'')
            }) && matches!(after, Some(':' | '.' | '"' | '\''))
        });
        let found = as_key
            .map(|(i, _)| i)
            .or_else(|| line.to_ascii_uppercase().find(&variable).map(|i| i + 1));
        if let Some(column) = found {
            return format!("line {}, column {}", n + 1, column + 1);
        }
    }
    "somewhere".to_owned()
}

/// The initialization section from an `application.yaml`, or from
/// `CAMUNDA_SECURITY_INITIALIZATION_…=value` lines. Dotted keys bind as
/// Spring binds them; a key the initialization does not know is an error
/// with its place (Camunda itself would ignore it silently).
pub fn parse(text: &str) -> Result<Value, SpringError> {
    let init = parse_section(text)?;
    let unknown = unknown_keys(&init);
    match unknown.first() {
        None => Ok(init),
        Some(first) => Err(format!(
            "{}: `{first}` is not a key of camunda.security.initialization (Camunda would ignore it, and so would this import){}",
            place(text, first),
            if unknown.len() > 1 {
                format!("; also unknown: {}", unknown[1..].join(", "))
            } else {
                String::new()
            }
        )
        .into()),
    }
}

/// The `camunda` part of an `application.yaml`, dotted keys bound as
/// paths.
fn camunda_tree(text: &str) -> Result<Value, SpringError> {
    let document: Value = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
    // Only the `camunda` part binds here: other settings (`logging.level:
    // {io.camunda: INFO, io.camunda.zeebe: DEBUG}`) may use dots in ways
    // that are not paths.
    match document {
        Value::Object(map) => {
            let camunda: Map<String, Value> = map
                .into_iter()
                .filter(|(k, _)| norm(k.split('.').next().unwrap_or(k)) == "camunda")
                .collect();
            expand_dotted(Value::Object(camunda))
        }
        other => Ok(other),
    }
}

/// The section the `PREFIX…=value` environment lines of `text` set, as a
/// tree (`PREFIX_USERS_0_USERNAME` is `users.0.username`); `None` when
/// no line has the prefix.
fn env_section(text: &str, prefix: &str) -> Result<Option<Value>, SpringError> {
    let env_lines: Vec<(&str, &str)> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.strip_prefix("export ").unwrap_or(l))
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| k.trim().starts_with(prefix))
        .collect();
    if env_lines.is_empty() {
        return Ok(None);
    }
    let mut root = Value::Object(Map::new());
    for (key, value) in env_lines {
        let value = value.trim().trim_matches('"').trim_matches('\'');
        let path: Vec<String> = key
            .trim()
            .strip_prefix(prefix)
            .unwrap_or_default()
            .split('_')
            .filter(|s| !s.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        insert(&mut root, &path, value, key)?;
    }
    Ok(Some(root))
}

/// `camunda.data.audit-log` from an `application.yaml`, or from
/// `CAMUNDA_DATA_AUDITLOG_…=value` lines; `None` when the file does not
/// set it.
pub fn audit_log(text: &str) -> Result<Option<Value>, SpringError> {
    if let Some(section) = env_section(text, "CAMUNDA_DATA_AUDITLOG_")? {
        return Ok(Some(section));
    }
    let Ok(document) = camunda_tree(text) else {
        // Environment lines of another section: nothing set here.
        return Ok(None);
    };
    Ok(["camunda", "data", "audit-log"]
        .iter()
        .try_fold(&document, |node, key| get(node, key))
        .cloned())
}

fn parse_section(text: &str) -> Result<Value, SpringError> {
    if let Some(section) = env_section(text, "CAMUNDA_SECURITY_INITIALIZATION_")? {
        return Ok(section);
    }
    let document = camunda_tree(text)
        .map_err(|e| format!("not YAML and no CAMUNDA_SECURITY_INITIALIZATION_ variables: {e}"))?;
    ["camunda", "security", "initialization"]
        .iter()
        .try_fold(&document, |node, key| get(node, key))
        .cloned()
        .ok_or_else(|| "no camunda.security.initialization section".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_keys_bind_as_paths_and_merge() {
        let expanded = expand_dotted(json!({
            "camunda.security": {"initialization": {"defaultRoles": {"admin.users": ["a"]}}},
            "camunda": {"security": {"initialization": {"default-roles": {"admin": {"clients": ["c"]}}}}},
            "[a.b]": 1,
        }))
        .unwrap();
        let init = &expanded["camunda"]["security"]["initialization"];
        assert_eq!(
            texts(&get(init, "default-roles").unwrap()["admin"], "users"),
            ["a"]
        );
        assert_eq!(
            texts(&get(init, "default-roles").unwrap()["admin"], "clients"),
            ["c"]
        );
        assert_eq!(expanded["a.b"], 1);
        assert!(expand_dotted(json!({"a.b": 1, "a": {"b": 2}})).is_err());
    }

    #[test]
    fn other_settings_with_dots_are_left_alone() {
        let text = "logging:\n  level:\n    io.camunda: INFO\n    io.camunda.zeebe: DEBUG\ncamunda.security.initialization:\n  users:\n    - username: demo\n";
        let init = parse(text).unwrap();
        assert_eq!(list(&init, "users").len(), 1);
    }

    #[test]
    fn unknown_keys_are_found_with_their_place() {
        let text = "CAMUNDA_SECURITY_INITIALIZATION_USERS_0_USERNAME=demo\nCAMUNDA_SECURITY_INITIALIZATION_USERS_0_PASSWRD=x\n";
        let error = parse(text).unwrap_err();
        assert!(
            error
                .0
                .starts_with("line 2, column 41: `initialization.users[0].passwrd`"),
            "{error}"
        );
    }
}
