//! Talking to a live cluster: the HTTP client (authentication, retries,
//! errors that name the request) and reading the whole state into the model.

pub mod api;
pub mod client;
pub mod error;
pub mod reader;
pub mod visibility;

pub use api::AccessApi;
pub use client::{Auth, Client};
pub use error::ApiError;
pub use reader::{Live, Reader};
