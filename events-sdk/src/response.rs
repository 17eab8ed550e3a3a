//! [`ApiResponse`]: a decoded body with the response's metadata.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{snippet, Error};

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

impl ApiResponse<Vec<u8>> {
    /// Decodes a raw answer as JSON; an empty body decodes as JSON `null`
    /// (which is what operations without a response body expect).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidResponse`] with a snippet of the body when it is not
    /// the expected JSON.
    pub fn into_json<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        let bytes = if self.body.iter().all(u8::is_ascii_whitespace) { &b"null"[..] } else { &self.body[..] };
        match serde_json::from_slice(bytes) {
            Ok(body) => Ok(ApiResponse { status: self.status, headers: self.headers, body }),
            Err(e) => Err(self.invalid(e.to_string())),
        }
    }

    /// Decodes a raw answer as UTF-8 text.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidResponse`] when the body is not UTF-8.
    pub fn into_text(self) -> Result<ApiResponse<String>, Error> {
        match String::from_utf8(self.body) {
            Ok(body) => Ok(ApiResponse { status: self.status, headers: self.headers, body }),
            Err(e) => {
                let message = e.to_string();
                Err(ApiResponse { status: self.status, headers: self.headers, body: e.into_bytes() }.invalid(message))
            }
        }
    }

    fn invalid(&self, message: String) -> Error {
        Error::InvalidResponse { status: self.status, message, snippet: snippet(&String::from_utf8_lossy(&self.body)) }
    }
}

/// Reads the correlation id header (names are case-insensitive).
pub(crate) fn correlation_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(CORRELATION_ID_HEADER).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(body: &[u8]) -> ApiResponse<Vec<u8>> {
        ApiResponse::new(StatusCode::OK, HeaderMap::new(), body.to_vec())
    }

    #[test]
    fn raw_answers_decode_as_json_text_or_not_at_all() {
        let json: ApiResponse<serde_json::Value> = raw(br#"{"a":1}"#).into_json().unwrap();
        assert_eq!(json.body()["a"], 1);
        let empty: ApiResponse<()> = raw(b"  ").into_json().unwrap();
        assert_eq!(empty.status(), StatusCode::OK);
        assert_eq!(raw("héllo".as_bytes()).into_text().unwrap().into_body(), "héllo");
        let not_utf8 = raw(&[0xff, 0xfe]).into_text().unwrap_err();
        assert!(matches!(not_utf8, Error::InvalidResponse { .. }), "{not_utf8}");
        let not_json = raw(b"<html>").into_json::<serde_json::Value>().unwrap_err();
        assert!(not_json.to_string().contains("<html>"), "{not_json}");
    }
}
