//! camunda-access keeps the access control of a Camunda 8 Orchestration
//! Cluster in version-controlled YAML and reconciles live clusters to it.
//!
//! # Module map, in pipeline order
//!
//! - [`config`]: reads YAML files (with spans) and validates them into the
//!   desired state, every problem a located [`config::diagnostic`].
//! - [`model`]: the canonical model, pure — typed IDs, entities
//!   ([`model::entity`]), the permission catalogue per Camunda version,
//!   [`model::AccessState`] (used for desired and live state alike) and
//!   [`model::Desired`].
//! - [`live`]: talks to a cluster behind [`live::AccessApi`]; reads the live
//!   state ([`live::Reader`]).
//! - [`plan`]: the diff of desired against live ([`plan::Planner`]), its
//!   order ([`plan::Order`]), its review (risks, effective access,
//!   warnings) and the plan documents — pure.
//! - [`apply`]: a change as a request, the executor over the plan's graph,
//!   the safety guards, the apply report.
//! - [`analysis`]: who may do what and through which path, over one state
//!   (`explain`, `who-can`) — pure.
//! - [`ops`]: the pipeline the commands run — load, settle, check, apply,
//!   drift — each a function returning a typed report.
//! - [`export`]: a state as YAML files (pure); [`import`]: Camunda's
//!   bootstrap configuration converted to a state (pure).
//! - [`render`]: the only code that prints: plans, reports, diagnostics.
//! - [`cli`]: one thin file per command; [`error::Error`] is rendered once
//!   there.
//! - [`sim`]: a simulated cluster, held to Camunda's API and engine.
//! - [`secrets`]: secret values masked in all output.
//! - [`timestamp`]: RFC 3339 instants and `--since` windows (audit log).
//!
//! Start reading at [`ops`]; `docs/architecture.md` draws the same map.

pub mod analysis;
pub mod apply;
pub mod cli;
pub mod config;
pub mod error;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod live;
pub mod model;
pub mod ops;
pub mod plan;
pub mod render;
pub mod schema;
pub mod secrets;
#[cfg(feature = "sim")]
pub mod sim;
#[doc(hidden)]
pub mod test_support;
pub mod timestamp;

pub use error::{Error, Result};
