//! [`Error`]: everything a call can fail with.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;

use crate::apis::ErrorCode;
use crate::models::ErrorBody;

/// Why a call failed.
///
/// Match on the variant to tell the API's own refusals ([`Error::Api`]) from
/// problems on the way there ([`Error::Transport`], [`Error::Timeout`]),
/// answers that could not be decoded ([`Error::InvalidResponse`]), failed
/// logins ([`Error::Auth`]) and requests this SDK refused to send
/// ([`Error::InvalidRequest`]).
///
/// Retries (see [`RetryPolicy`](crate::RetryPolicy)) that end without
/// success return the last failure: an API error keeps its variant and
/// counts the attempts in [`ApiError::attempts`]; any other failure that was
/// retried is wrapped in [`Error::RetriesExhausted`]. [`Error::attempts`],
/// [`Error::status`] and [`Error::is_retryable`] see through the wrapper.
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
    /// No access token could be obtained with the configured client
    /// credentials: the login endpoint (`POST <login>/oauth/token`) refused
    /// them or could not be reached.
    #[error("{}", auth_message(*.status, .error.as_deref(), .error_description.as_deref()))]
    Auth {
        /// The login endpoint's HTTP status; `None` when it could not be
        /// reached (then `source` says why).
        status: Option<StatusCode>,
        /// The OAuth `error` code, e.g. `invalid_client`.
        error: Option<String>,
        /// The OAuth `error_description` (or `description`), or what was
        /// wrong with the answer.
        error_description: Option<String>,
        /// The transport failure, when the login endpoint could not be
        /// reached.
        #[source]
        source: Option<Arc<reqwest::Error>>,
    },
    /// The call was retried and still failed; `source` is the last failure
    /// (never an [`Error::Api`]: API errors carry their attempt count in
    /// [`ApiError::attempts`]).
    #[error("gave up after {attempts} attempts: {source}")]
    RetriesExhausted {
        /// How many attempts were made, the first one included.
        attempts: u32,
        /// The last attempt's failure.
        #[source]
        source: Box<Error>,
    },
}

fn auth_message(status: Option<StatusCode>, error: Option<&str>, description: Option<&str>) -> String {
    let mut message = String::from("login failed");
    if let Some(status) = status {
        message.push_str(&format!(" (HTTP {status})"));
    }
    match (error, description) {
        (Some(error), Some(description)) => message.push_str(&format!(": {error}: {description}")),
        (Some(text), None) | (None, Some(text)) => message.push_str(&format!(": {text}")),
        (None, None) => {}
    }
    message
}

impl Error {
    /// The HTTP status, for errors that have one.
    ///
    /// For [`Error::Auth`] it is the login endpoint's status.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::InvalidResponse { status, .. } => Some(*status),
            Error::Auth { status, .. } => *status,
            Error::RetriesExhausted { source, .. } => source.status(),
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

    /// Whether sending the same call again later might succeed.
    ///
    /// True for 429, 502, 503 and 504 answers, timeouts and transport
    /// errors, and logins that failed with one of those; false for
    /// everything else (400, 401, 403, 500, undecodable answers, invalid
    /// requests, refused credentials). Careful: after a 502, 504, timeout
    /// or transport error the batch may already have been published (see
    /// [`RetryPolicy`](crate::RetryPolicy)).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => retryable_status(api.status),
            Error::Timeout(_) | Error::Transport(_) => true,
            Error::Auth { status, .. } => status.map_or(true, retryable_status),
            Error::RetriesExhausted { source, .. } => source.is_retryable(),
            Error::InvalidResponse { .. } | Error::InvalidRequest(_) => false,
        }
    }

    /// How many HTTP attempts the call made before failing: 1 when it was
    /// not retried, 0 when it was refused before sending
    /// ([`Error::InvalidRequest`]).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(api) => api.attempts,
            Error::RetriesExhausted { attempts, .. } => *attempts,
            Error::InvalidRequest(_) => 0,
            _ => 1,
        }
    }

    /// How long the server asked to wait before retrying (its `Retry-After`
    /// header), for API errors that carried one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(api) => api.retry_after,
            _ => None,
        }
    }

    /// The `ININ-Correlation-ID` of the failed answer, for API errors; quote
    /// it to Genesys support.
    pub fn correlation_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.correlation_id.as_deref(),
            _ => None,
        }
    }
}

fn retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
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
    /// The `Retry-After` header (seconds or HTTP date) as a delay from when
    /// the answer arrived; typically sent with 429 and 503.
    pub retry_after: Option<Duration>,
    /// How many attempts the call made, this one included (1 when it was not
    /// retried).
    pub attempts: u32,
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
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The first 200 characters of `text`, for error messages.
pub(crate) fn snippet(text: &str) -> String {
    text.chars().take(200).collect()
}
