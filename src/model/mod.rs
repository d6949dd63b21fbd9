//! The canonical model: typed IDs, the permission catalogue per Camunda
//! version, `AccessState` and the validated desired state. Pure: no I/O.

pub mod builtins;
pub mod catalogue;
pub mod desired;
pub mod entity;
pub mod ids;
pub mod rules;
pub mod state;

pub use catalogue::{CamundaVersion, OwnerType, PermissionType, ResourceType};
pub use desired::Desired;
pub use entity::{Entity, EntityKind, EntityRef};
pub use state::AccessState;
