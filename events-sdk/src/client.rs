//! [`Client`]: configuration plus one shared connection pool; sends the
//! requests the generated API methods describe.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{snippet, ApiError, Error};
use crate::models::ErrorBody;
use crate::response::{correlation_id, ApiResponse};

/// The default API base URL (region us-east-1).
pub const DEFAULT_BASE_URL: &str = "https://api.mypurecloud.com";

/// The `User-Agent` sent with every request.
pub const USER_AGENT_VALUE: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"), " (Rust)");

/// A client for the Genesys Cloud API.
///
/// Cheap to clone: clones share configuration and the connection pool.
///
/// ```
/// use events_sdk::{Client, EventsApi};
///
/// let client = Client::builder().access_token("my-token").build()?;
/// let events = EventsApi::new(client);
/// # Ok::<(), events_sdk::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    token: Secret,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("token", &self.inner.token)
            .finish()
    }
}

/// A secret string that never appears in `Debug` output.
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

/// Builds a [`Client`].
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    token: Option<Secret>,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// Sends one request and decodes the answer. Used by the generated API
    /// methods.
    pub(crate) async fn send<B, T>(&self, method: Method, path: &str, body: Option<&B>) -> Result<ApiResponse<T>, Error>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let url = self.url(path);
        let mut request = self
            .inner
            .http
            .request(method, url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .bearer_auth(&self.inner.token.0);
        if let Some(body) = body {
            let json =
                serde_json::to_vec(body).map_err(|e| Error::InvalidRequest(format!("body does not serialize: {e}")))?;
            request = request.header(CONTENT_TYPE, HeaderValue::from_static("application/json")).body(json);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(transport)?;
        if !status.is_success() {
            return Err(api_error(status, &headers, &bytes));
        }
        decode(status, &bytes).map(|body| ApiResponse::new(status, headers, body))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.inner.base_url.as_str().trim_end_matches('/'), path)
    }
}

impl ClientBuilder {
    /// The API base URL, e.g. `https://api.mypurecloud.ie`. Default:
    /// [`DEFAULT_BASE_URL`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The OAuth access token sent as `Authorization: Bearer …`.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret(token.into()));
        self
    }

    /// Uses your own `reqwest::Client` (its timeouts and TLS settings apply;
    /// [`Self::timeout`] and [`Self::connect_timeout`] are then ignored).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Timeout for a whole request. Default: 30 seconds.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Timeout for establishing a connection. Default: 10 seconds.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when no access token was given, the base
    /// URL does not parse or is not `http(s)`, or the HTTP client cannot be
    /// built.
    pub fn build(self) -> Result<Client, Error> {
        let raw = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let base_url = Url::parse(raw).map_err(|e| Error::InvalidRequest(format!("invalid base URL {raw:?}: {e}")))?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(Error::InvalidRequest(format!("base URL {raw:?} must use https")));
        }
        let token = self.token.ok_or_else(|| Error::InvalidRequest("no access token configured".to_owned()))?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut headers = HeaderMap::new();
                headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
                reqwest::Client::builder()
                    .default_headers(headers)
                    .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
                    .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                    .build()
                    .map_err(|e| Error::InvalidRequest(format!("cannot build HTTP client: {e}")))?
            }
        };
        Ok(Client { inner: Arc::new(Inner { http, base_url, token }) })
    }
}

fn transport(error: reqwest::Error) -> Error {
    if error.is_timeout() {
        Error::Timeout(error)
    } else {
        Error::Transport(error)
    }
}

/// Decodes a 2xx body; an empty body decodes as JSON `null` (which is what
/// operations without a response body expect).
fn decode<T: DeserializeOwned>(status: StatusCode, bytes: &[u8]) -> Result<T, Error> {
    let text = if bytes.iter().all(u8::is_ascii_whitespace) { &b"null"[..] } else { bytes };
    serde_json::from_slice(text).map_err(|e| Error::InvalidResponse {
        status,
        message: e.to_string(),
        snippet: snippet(&String::from_utf8_lossy(bytes)),
    })
}

fn api_error(status: StatusCode, headers: &HeaderMap, bytes: &[u8]) -> Error {
    let raw_body = String::from_utf8_lossy(bytes).into_owned();
    let body: Option<ErrorBody> = serde_json::from_slice(bytes).ok();
    let code = body.as_ref().and_then(|b| b.code.as_deref()).map(Into::into);
    let correlation_id = correlation_id(headers).map(str::to_owned);
    Error::Api(Box::new(ApiError { status, code, body, raw_body, correlation_id }))
}
