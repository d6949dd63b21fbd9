//! Talking to a live cluster: the HTTP client (authentication, retries,
//! errors that name the request), the `/v2` wire format, reading the
//! whole state into the model, and reading the audit log (8.9).

pub mod api;
pub mod audit;
pub mod auth;
pub mod client;
pub mod error;
pub mod own;
pub mod reader;
pub mod retry;
pub mod visibility;
pub mod wire;

pub use api::AccessApi;
pub use auth::Auth;
pub use client::Client;
pub use error::ApiError;
pub use reader::{Live, Reader};
pub use retry::RetryPolicy;
