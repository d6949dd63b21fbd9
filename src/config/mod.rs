//! Reading the desired state: files, YAML with spans, `${env:…}`
//! interpolation, and validation into the model with located diagnostics.

pub mod diagnostic;
pub(crate) mod edit;
pub mod interpolate;
pub mod loader;
pub mod raw;
pub mod source;
pub mod spring;
pub mod targets;
pub(crate) mod validate;

use std::path::PathBuf;

pub use diagnostic::{Code, Diagnostic, Diagnostics, Severity};
pub use interpolate::Variables;
pub use loader::Loader;
pub use source::Sources;
pub(crate) use validate::Validator;

use crate::model::catalogue::CamundaVersion;
use crate::model::desired::Desired;

/// The result of reading one desired state.
#[derive(Debug)]
pub struct Outcome {
    /// Every file read, for rendering diagnostics.
    pub sources: Sources,
    /// Every problem found, sorted by place.
    pub diagnostics: Diagnostics,
    /// The desired state; `None` when there are errors.
    pub desired: Option<Desired>,
}

/// Reads, parses and validates the files at `paths` as one desired state.
pub fn load(paths: &[PathBuf], version: CamundaVersion, vars: &Variables) -> Outcome {
    validated(Loader.load(paths), version, vars)
}

/// Validates what was read into one desired state.
fn validated(loaded: loader::Loaded, version: CamundaVersion, vars: &Variables) -> Outcome {
    let mut diagnostics = loaded.diagnostics;
    let (desired, found) = Validator::new(&loaded.sources, vars, version).validate(&loaded.files);
    for d in found.iter() {
        diagnostics.push(d.clone());
    }
    diagnostics.sort();
    let desired = (!diagnostics.has_errors()).then_some(desired);
    Outcome {
        sources: loaded.sources,
        diagnostics,
        desired,
    }
}

/// Parses and validates one file's contents as a whole desired state,
/// without touching the filesystem (fuzzing, tests).
pub fn load_bytes(name: &str, bytes: &[u8], version: CamundaVersion, vars: &Variables) -> Outcome {
    let mut loaded = loader::Loaded::default();
    Loader.load_bytes(name.to_owned(), bytes.to_vec(), &mut loaded);
    validated(loaded, version, vars)
}

/// Parses and validates files given as (name, text) as one desired state,
/// without reading the disk (`drift --update-files` checks its edits so).
pub fn load_texts(
    files: &[(String, String)],
    version: CamundaVersion,
    vars: &Variables,
) -> Outcome {
    let mut loaded = loader::Loaded::default();
    for (name, text) in files {
        Loader.load_bytes(name.clone(), text.clone().into_bytes(), &mut loaded);
    }
    validated(loaded, version, vars)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::model::catalogue::{PermissionType, ResourceType};
    use crate::model::desired::MembersMode;
    use crate::model::state::{
        AuthorizationTuple, Container, Membership, Principal, ResourceSelector,
    };

    fn example(name: &str) -> Desired {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        let outcome = load(&[path], CamundaVersion::V8_8, &Variables::default());
        assert!(
            !outcome.diagnostics.has_errors(),
            "{:?}",
            outcome.diagnostics
        );
        outcome.desired.expect("valid")
    }

    #[test]
    fn quickstart_becomes_the_expected_state() {
        let desired = example("quickstart");
        let s = &desired.state;
        assert_eq!(s.roles.len(), 2);
        assert_eq!(s.roles[&"deployer".into()].name, "Deployer");
        assert_eq!(s.groups[&"order-workers".into()].description, "");
        let memberships: Vec<String> = s
            .memberships
            .iter()
            .map(|m| format!("{} <- {}", m.container, m.member))
            .collect();
        assert_eq!(
            memberships,
            [
                "group:order-workers <- client:order-worker",
                "role:deployer <- client:ci-deployer",
                "role:order-job-worker <- group:order-workers",
            ]
        );
        // `ids` makes one authorization per resource ID.
        let worker = AuthorizationTuple {
            owner: Principal::Role("order-job-worker".into()),
            resource_type: ResourceType::ProcessDefinition,
            resource: ResourceSelector::Id("order-cancellation".into()),
        };
        assert_eq!(
            s.authorizations[&worker]
                .permissions
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            [
                PermissionType::ReadProcessDefinition,
                PermissionType::ReadProcessInstance,
                PermissionType::UpdateProcessInstance
            ]
        );
        assert_eq!(s.authorizations.len(), 7);
        assert!(
            desired
                .owners
                .contains(&Principal::Client("order-worker".into()))
        );
        assert!(desired.references.is_empty());
    }

    #[test]
    fn built_ins_are_managed_for_members_only() {
        let desired = example("multi-tenant");
        assert!(!desired.state.tenants.contains_key(&"<default>".into()));
        assert_eq!(
            desired.containers[&Container::Tenant("<default>".into())],
            MembersMode::Additive
        );
        assert!(desired.state.memberships.contains(&Membership {
            container: Container::Tenant("<default>".into()),
            member: Principal::Client("reporting".into()),
        }));
        let oidc = example("oidc-groups-claim");
        assert!(!oidc.state.roles.contains_key(&"admin".into()));
        assert!(!oidc.owners.contains(&Principal::Role("admin".into())));
    }

    #[test]
    fn a_split_state_is_one_state() {
        let desired = example("platform-team");
        assert_eq!(desired.policy.prune.len(), 4);
        assert_eq!(desired.policy.protect.len(), 2);
        assert_eq!(
            desired.state.groups[&"platform-team".into()].description,
            "Managed by the platform repository"
        );
        // Declared in one file, referenced from another: resolved, not a reference.
        assert!(desired.references.is_empty());
    }
}
