//! The integration tests: one test binary, its modules grouped by tier,
//! from the least to the most powerful. Below them, unit tests of pure
//! code live next to it in `src/`; above them, Camunda's own TypeScript
//! SDK runs against the simulator (`conformance/`, from `scripts/test.sh`).

// Shared by the tiers below.
mod common;
mod fixtures;

// Library level: the crate's own API, the simulator in-process, or files
// of the repository; these never run the binary.
mod docs; // the documentation names tests that exist
mod fuzz_regressions; // the fuzz corpus through the fuzz targets' bodies
mod live; // the tool's client reading a cluster (the simulator)
mod misbehaving; // the client against servers that misbehave
mod openapi_8_10; // the simulator's 8.10 answers against the 8.10 spec
mod properties; // plan(A→B) applied to A yields B, for random A and B

// Binary: the real `camunda-access`, run as a user runs it, against the
// embedded simulator on a loopback port (or without a cluster).
mod adopt;
mod apply;
mod camunda_8_10;
mod connect;
mod errors;
mod explain;
mod fidelity;
mod hostile;
mod human;
mod lifecycle;
mod moved;
mod plan;
mod rules;
mod safety;
mod schema;
mod sim;
mod update_files;
mod validate;

// End to end: the binary and the simulator in OIDC mode, with tokens from
// a test issuer (`oidc`) and from a real OpenID Connect provider
// (`e2e_oidc`, which needs `npm ci` in `tests/oidc-provider`).
mod attribution; // who made the drift: the 8.9 audit log, clients by OIDC
mod e2e_oidc;
mod oidc;
