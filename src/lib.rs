//! camunda-access keeps the access control of a Camunda 8 Orchestration
//! Cluster in version-controlled YAML and reconciles live clusters to it.
//!
//! The pipeline: `config` reads and validates files into the `model`;
//! `render` is the only code that prints; `cli` wires commands together.

pub mod apply;
pub mod cli;
pub mod config;
pub mod error;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod live;
pub mod model;
pub mod ops;
pub mod plan;
pub mod render;
pub mod schema;
pub mod secrets;
pub mod sim;
#[doc(hidden)]
pub mod test_support;

pub use error::{Error, Result};
