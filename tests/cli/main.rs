//! Tests that run the real `camunda-access` binary, as a user would.

mod adopt;
mod apply;
mod common;
mod connect;
mod docs;
mod e2e_oidc;
mod errors;
mod explain;
mod fidelity;
mod fuzz_regressions;
mod hostile;
mod live;
mod misbehaving;
mod oidc;
mod plan;
mod properties;
mod safety;
mod schema;
mod sim;
mod validate;
