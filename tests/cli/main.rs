//! Tests that run the real `camunda-access` binary, as a user would.

mod adopt;
mod apply;
mod common;
mod connect;
mod hostile;
mod live;
mod oidc;
mod plan;
mod schema;
mod sim;
mod validate;
