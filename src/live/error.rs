//! Errors of talking to a cluster: every one names the request and what
//! Camunda answered.

use miette::Diagnostic;
use thiserror::Error;

/// A failed request to the cluster or its identity provider.
#[derive(Debug, Error, Diagnostic)]
pub enum ApiError {
    /// Camunda answered with an error status.
    #[error("{method} {path} failed: {status} {title}: {detail}")]
    #[diagnostic(code(camunda_access::api))]
    Http {
        /// HTTP method.
        method: String,
        /// Request path (with `/v2`).
        path: String,
        /// HTTP status.
        status: u16,
        /// Problem title (or the status reason).
        title: String,
        /// Problem detail (or the body).
        detail: String,
    },
    /// No answer: connection refused, timed out, dropped.
    #[error("{method} {path} failed: {message}")]
    #[diagnostic(
        code(camunda_access::network),
        help("check CAMUNDA_REST_ADDRESS and that the cluster is reachable")
    )]
    Network {
        /// HTTP method.
        method: String,
        /// Request path.
        path: String,
        /// What went wrong.
        message: String,
        /// Whether the request may have reached the server (a write's outcome is unknown).
        sent: bool,
    },
    /// The answer could not be read.
    #[error("{method} {path}: unexpected answer: {message}")]
    #[diagnostic(code(camunda_access::decode))]
    Decode {
        /// HTTP method.
        method: String,
        /// Request path.
        path: String,
        /// What was wrong with it.
        message: String,
    },
    /// The identity provider refused the client credentials.
    #[error("getting an access token from {url} failed: {message}")]
    #[diagnostic(
        code(camunda_access::oauth),
        help(
            "check CAMUNDA_CLIENT_ID, CAMUNDA_CLIENT_SECRET, CAMUNDA_OAUTH_URL and CAMUNDA_TOKEN_AUDIENCE"
        )
    )]
    OAuth {
        /// Token endpoint.
        url: String,
        /// What it said (with the OAuth error code).
        message: String,
    },
}

impl ApiError {
    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The problem title, for errors that have one.
    pub fn title(&self) -> Option<&str> {
        match self {
            ApiError::Http { title, .. } => Some(title),
            _ => None,
        }
    }
}

/// reqwest's error text without the URL (which may carry credentials in a
/// user-supplied address).
pub(crate) fn without_url(e: &reqwest::Error) -> String {
    let mut message = e.to_string();
    if let Some(url) = e.url() {
        message = message.replace(url.as_str(), "");
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message.replace(" ()", "").trim().to_owned()
}
