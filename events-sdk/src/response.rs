//! [`ApiResponse`]: a decoded body with the response's metadata.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// The header Genesys Cloud uses to identify a request in its logs; quote it
/// when you contact Genesys support.
pub const CORRELATION_ID_HEADER: &str = "ININ-Correlation-ID";

/// A successful answer: the decoded body plus status and headers.
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> ApiResponse<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Self { status, headers, body }
    }

    /// The HTTP status (a 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `ININ-Correlation-ID` header, if the server sent one.
    pub fn correlation_id(&self) -> Option<&str> {
        correlation_id(&self.headers)
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Consumes the response, returning the decoded body.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// Reads the correlation id header (names are case-insensitive).
pub(crate) fn correlation_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(CORRELATION_ID_HEADER).and_then(|v| v.to_str().ok())
}
