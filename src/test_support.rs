//! Fixtures shared by unit tests, the integration tests and the
//! benchmark. Not part of the tool's interface.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::CamundaVersion;
use crate::model::desired::{Desired, Kind, MembersMode, Policy};
use crate::model::state::{AccessState, Container};

/// A desired state that declares everything in `state` (every container's
/// members authoritative, every owner's grants managed) and prunes every
/// kind: planning it against any live state makes the live state `state`.
pub fn declaring(state: &AccessState) -> Desired {
    let mut containers = BTreeMap::new();
    for id in state.groups.keys() {
        containers.insert(Container::Group(id.clone()), MembersMode::Authoritative);
    }
    for id in state.roles.keys() {
        containers.insert(Container::Role(id.clone()), MembersMode::Authoritative);
    }
    for id in state.tenants.keys() {
        containers.insert(Container::Tenant(id.clone()), MembersMode::Authoritative);
    }
    Desired {
        version: CamundaVersion::V8_8,
        state: state.clone(),
        policy: Policy {
            prune: Kind::ALL.into_iter().collect(),
            protect: BTreeSet::new(),
            rules: Default::default(),
        },
        containers,
        owners: state
            .authorizations
            .keys()
            .map(|t| t.owner.clone())
            .collect(),
        references: Vec::new(),
        unset_passwords: Vec::new(),
        lifecycles: Default::default(),
        authorization_lifecycles: Default::default(),
        moves: Vec::new(),
    }
}
