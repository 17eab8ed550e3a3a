//! [`Error`]: everything a call can fail with.

use std::fmt;

use reqwest::StatusCode;

use crate::apis::ErrorCode;
use crate::models::ErrorBody;

/// Why a call failed.
///
/// Match on the variant to tell the API's own refusals ([`Error::Api`]) from
/// problems on the way there ([`Error::Transport`], [`Error::Timeout`]),
/// answers that could not be decoded ([`Error::InvalidResponse`]) and
/// requests this SDK refused to send ([`Error::InvalidRequest`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-2xx status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The request did not complete in time.
    #[error("request timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// The request could not be sent or the answer not received (DNS,
    /// connection refused, TLS, connection reset, …).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// A 2xx answer whose body is not the JSON the spec describes.
    #[error("invalid response (HTTP {status}): {message}; body starts with {snippet:?}")]
    InvalidResponse {
        /// The HTTP status.
        status: StatusCode,
        /// Why decoding failed.
        message: String,
        /// The first bytes of the body (at most 200 characters).
        snippet: String,
    },
    /// The request was refused before sending: bad configuration or a body
    /// the API is documented to reject.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl Error {
    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }
}

/// A non-2xx answer from the API.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `code` of the error body, typed.
    pub code: Option<ErrorCode>,
    /// The error body, when it parsed as an `ErrorBody`.
    pub body: Option<ErrorBody>,
    /// The raw body text, kept whether or not it parsed.
    pub raw_body: String,
    /// The `ININ-Correlation-ID` response header.
    pub correlation_id: Option<String>,
}

impl ApiError {
    /// The error body's `message`, if any.
    pub fn message(&self) -> Option<&str> {
        self.body.as_ref().and_then(|b| b.message.as_deref())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error: HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if let Some(message) = self.message() {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.correlation_id {
            write!(f, " (correlation id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The first 200 characters of `text`, for error messages.
pub(crate) fn snippet(text: &str) -> String {
    text.chars().take(200).collect()
}
