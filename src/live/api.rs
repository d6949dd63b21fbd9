//! `AccessApi`: the one door to a cluster. `Reader` and the apply executor
//! speak to it; [`crate::live::Client`] (reqwest) is the implementation that
//! goes over HTTP, and tests can put a fake in its place.

use std::future::Future;

use reqwest::Method;
use serde_json::Value;

use crate::live::error::ApiError;

/// Sends requests to a cluster's `/v2` API.
pub trait AccessApi: Send + Sync + 'static {
    /// Sends `method` to `path` (relative to `/v2`, segments already
    /// encoded with [`crate::live::client::segment`]) with an optional JSON
    /// body, and returns the JSON answer, if any. Errors name the request.
    fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> impl Future<Output = Result<Option<Value>, ApiError>> + Send;

    /// How many backpressure answers (503 `RESOURCE_EXHAUSTED`, 429) the
    /// cluster has given so far, so callers can slow down.
    fn backpressure(&self) -> u64 {
        0
    }
}
