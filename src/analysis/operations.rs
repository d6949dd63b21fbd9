//! What the permissions mean in API terms: which Camunda REST operations
//! need which permission, and which of them answer a missing permission
//! with fewer (or no) results instead of an error. The table is data with
//! its source (`operations.tsv`, from the `x-required-permissions` and
//! `x-permission-enforcement` annotations of Camunda's OpenAPI document).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::analysis::analyzer::Explanation;
use crate::model::catalogue::{CamundaVersion, PermissionType, ResourceType};
use crate::model::state::ResourceSelector;

/// The table, as committed.
const TABLE: &str = include_str!("operations.tsv");

/// How Camunda answers a caller without the permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Enforcement {
    /// 200 with only what the caller may read: possibly nothing.
    Filter,
    /// 403 (404 for one resource).
    Reject,
}

/// A permission an operation accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Needed {
    /// The resource type.
    pub resource_type: ResourceType,
    /// The permission.
    pub permission: PermissionType,
}

/// One REST operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// Camunda's `operationId`.
    pub id: String,
    /// HTTP method.
    pub method: String,
    /// Path, with `/v2`.
    pub path: String,
    /// The permissions it accepts, any one of them (empty: none needed).
    pub any_of: Vec<Needed>,
    /// Whether Camunda decides at run time which of `any_of` applies (e.g.
    /// correlating a message: a start event needs CREATE_PROCESS_INSTANCE).
    pub dynamic: bool,
    /// How a missing permission shows.
    pub enforcement: Enforcement,
    /// The Camunda version that added it.
    pub since: String,
}

impl Operation {
    /// `operationId (METHOD /v2/path)`.
    pub fn label(&self) -> String {
        format!("{} ({} {})", self.id, self.method, self.path)
    }

    /// Whether the operation exists in `version`.
    pub fn exists_in(&self, version: CamundaVersion) -> bool {
        numbers(&self.since) <= numbers(version.as_str())
    }
}

/// `8.10` as `(8, 10)`, so 8.10 sorts after 8.9.
fn numbers(version: &str) -> (u32, u32) {
    let mut parts = version.split('.').map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

fn needed(text: &str) -> Result<Needed, String> {
    let (rt, permission) = text
        .split_once(':')
        .ok_or_else(|| format!("{text:?} is not TYPE:PERMISSION"))?;
    Ok(Needed {
        resource_type: ResourceType::parse(rt).ok_or_else(|| format!("unknown type {rt}"))?,
        permission: PermissionType::parse(permission)
            .ok_or_else(|| format!("unknown permission {permission}"))?,
    })
}

fn row(line: &str) -> Result<Operation, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [id, method, path, requires, enforcement, since, _source] = fields.as_slice() else {
        return Err(format!("{} fields, not 7", fields.len()));
    };
    let (dynamic, requires) = match requires.strip_prefix("dynamic:") {
        Some(rest) => (true, rest),
        None => (false, *requires),
    };
    let any_of = if requires == "-" {
        Vec::new()
    } else {
        requires.split('|').map(needed).collect::<Result<_, _>>()?
    };
    let enforcement = match *enforcement {
        "filter" => Enforcement::Filter,
        "reject" => Enforcement::Reject,
        other => return Err(format!("unknown enforcement {other}")),
    };
    Ok(Operation {
        id: (*id).to_owned(),
        method: (*method).to_owned(),
        path: format!("/v2{path}"),
        any_of,
        dynamic,
        enforcement,
        since: (*since).to_owned(),
    })
}

/// Reads the table; the error names the line.
fn parse(table: &str) -> Result<Vec<Operation>, String> {
    table
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| row(l).map_err(|e| format!("operations.tsv line {}: {e}", i + 1)))
        .collect()
}

static OPERATIONS: LazyLock<Vec<Operation>> =
    LazyLock::new(|| parse(TABLE).expect("operations.tsv is checked by its tests"));

/// Every operation of the table.
pub fn all() -> &'static [Operation] {
    &OPERATIONS
}

/// The operations of `version` that accept `resource_type`/`permission`.
pub fn needing(
    version: CamundaVersion,
    resource_type: ResourceType,
    permission: PermissionType,
) -> Vec<&'static Operation> {
    all()
        .iter()
        .filter(|o| o.exists_in(version))
        .filter(|o| {
            o.any_of
                .iter()
                .any(|n| n.resource_type == resource_type && n.permission == permission)
        })
        .collect()
}

/// An operation the subject may call, and on what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callable {
    /// The operation.
    pub operation: Operation,
    /// The permissions of `any_of` the subject holds.
    pub through: Vec<Needed>,
    /// The resources it holds them on (`*`, IDs, properties): the
    /// operation works on those only; a `filter` search returns only them.
    pub resources: Vec<ResourceSelector>,
}

/// The operations of `version` the subject of `explanation` may call.
pub fn callable(explanation: &Explanation, version: CamundaVersion) -> Vec<Callable> {
    let held: Vec<(Needed, &ResourceSelector)> = explanation
        .grants()
        .map(|(resource_type, resource, permission, _)| {
            (
                Needed {
                    resource_type,
                    permission,
                },
                resource,
            )
        })
        .collect();
    let mut found = Vec::new();
    for operation in all().iter().filter(|o| o.exists_in(version)) {
        if operation.any_of.is_empty() {
            continue;
        }
        let mut through = BTreeSet::new();
        let mut resources = BTreeSet::new();
        for (n, resource) in &held {
            if operation.any_of.contains(n) {
                through.insert(*n);
                resources.insert((*resource).clone());
            }
        }
        if !through.is_empty() {
            found.push(Callable {
                operation: operation.clone(),
                through: through.into_iter().collect(),
                resources: resources.into_iter().collect(),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalogue::is_supported;

    #[test]
    fn the_table_reads_and_names_only_permissions_of_its_versions() {
        let operations = parse(TABLE).unwrap();
        assert!(operations.len() > 90, "{}", operations.len());
        let mut ids = BTreeSet::new();
        for o in &operations {
            assert!(ids.insert(&o.id), "{} twice", o.id);
            for n in &o.any_of {
                assert!(
                    is_supported(CamundaVersion::V8_9, n.resource_type, n.permission),
                    "{}: {}:{} is not in the 8.9 catalogue",
                    o.id,
                    n.resource_type,
                    n.permission
                );
            }
        }
    }

    #[test]
    fn a_bad_row_is_named_by_its_line() {
        let err = parse("# c\nactivateJobs\tPOST\t/jobs\tPROCESS_DEFINITION:FLY\tfilter\t8.6\tx\n")
            .unwrap_err();
        assert_eq!(err, "operations.tsv line 2: unknown permission FLY");
    }

    #[test]
    fn job_activation_filters_and_is_known_since_8_6() {
        let ops = needing(
            CamundaVersion::V8_8,
            ResourceType::ProcessDefinition,
            PermissionType::UpdateProcessInstance,
        );
        let activate = ops.iter().find(|o| o.id == "activateJobs").unwrap();
        assert_eq!(activate.enforcement, Enforcement::Filter);
        assert_eq!(activate.path, "/v2/jobs/activation");
        // 8.9's additions are not 8.8's.
        let deletes = needing(
            CamundaVersion::V8_8,
            ResourceType::ProcessDefinition,
            PermissionType::DeleteProcessInstance,
        );
        assert!(deletes.is_empty(), "{deletes:?}");
        assert_eq!(
            needing(
                CamundaVersion::V8_9,
                ResourceType::ProcessDefinition,
                PermissionType::DeleteProcessInstance
            )
            .len(),
            1
        );
    }
}
