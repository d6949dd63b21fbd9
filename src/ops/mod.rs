//! The reconcile pipeline, as the commands run it. Each step is a function
//! that returns a typed result; the command line only parses flags, calls
//! these and renders what they return.
//!
//! 1. [`session::load`]: read the live state ([`crate::live::Reader`]) and
//!    load the configuration for the cluster's version ([`crate::config`]).
//! 2. [`session::settle`]: plan ([`crate::plan::Planner`]), confirm the plan
//!    against a second read where reads may lag writes, and run the
//!    [`checks`] that tell a plan Camunda would refuse before anything is
//!    written. The result is a [`Session`].
//! 3. [`apply`]: refuse a stale saved plan, run the safety guards, execute
//!    the writes in dependency order ([`crate::apply::execute`]) and wait
//!    until the cluster shows them: an [`crate::apply::ApplyReport`].
//! 4. [`drift`]: the plan of a scheduled run, split into drift and
//!    differences that vanished on a re-read: a [`drift::DriftReport`].

pub mod apply;
pub mod checks;
pub mod drift;
pub mod session;
pub mod update_files;

pub use session::{Cluster, Loaded, Session, Settle, SettleOptions, load, read, settle};
