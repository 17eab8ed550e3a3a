//! [`Client`]: configuration plus one shared connection pool; sends the
//! requests the generated API methods describe, with authentication and
//! retries.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::Instrument;

mod builder;

pub use builder::ClientBuilder;

use crate::auth::Auth;
use crate::error::{ApiError, Error};
use crate::models::ErrorBody;
use crate::region::Region;
use crate::response::{correlation_id, ApiResponse};
use crate::retry::{retry_after, RetryPolicy};

/// The default API base URL (region us-east-1).
pub const DEFAULT_BASE_URL: &str = Region::UsEast1.api_base_url();

/// The `User-Agent` sent with every request.
pub const USER_AGENT_VALUE: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"), " (Rust)");

/// The default timeout for a whole request (connect, send, receive).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default timeout for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A client for the Genesys Cloud API.
///
/// Cheap to clone: clones share configuration, the OAuth token cache and
/// one connection pool, so build one client and reuse it for every call.
///
/// ```
/// use events_sdk::{Client, EventsApi, Region};
///
/// let client = Client::builder()
///     .region(Region::EuWest1)
///     .client_credentials("my-client-id", "my-client-secret")
///     .build()?;
/// assert_eq!(client.base_url().as_str(), "https://api.mypurecloud.ie/");
/// let events = EventsApi::new(client);
/// # Ok::<(), events_sdk::Error>(())
/// ```
///
/// # What one call does
///
/// 1. Gets a token: the static one, or with client credentials the cached
///    one, logging in (`POST <login>/oauth/token`) when there is none or it
///    is about to expire. Concurrent calls share a single login.
/// 2. Sends the request. Each attempt runs in a `tracing` span named
///    `http_request` with the fields `method`, `path`, `attempt`, `status`
///    and `correlation_id`.
/// 3. On a 401 with client credentials: logs in again and repeats the
///    request once (a second 401 is returned).
/// 4. On a failure the [`RetryPolicy`] allows: waits (`Retry-After` or
///    backoff) and tries again, logging a `warn` event per retry.
/// 5. Decodes a 2xx body, or returns the [`Error`].
///
/// Secrets never leave the client: `Debug` output redacts the client secret
/// and tokens, and no `tracing` field contains them.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    login_url: Url,
    auth: Auth,
    retry: RetryPolicy,
    /// A per-request timeout, set only when the user gave both their own
    /// `reqwest::Client` and [`ClientBuilder::timeout`].
    request_timeout: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("login_url", &self.inner.login_url.as_str())
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL API requests are sent to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The login base URL OAuth tokens are requested from (at
    /// `<login_url>/oauth/token`); unused with a static access token.
    pub fn login_url(&self) -> &Url {
        &self.inner.login_url
    }

    /// The retry policy calls follow.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Sends one JSON call (with its retries) and decodes the JSON answer.
    /// Used by the generated API methods: `path` is already filled in (see
    /// [`path_segment`]), `query` holds the query pairs in order (a list
    /// parameter repeats its key).
    pub(crate) async fn send<B, T>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
    ) -> Result<ApiResponse<T>, Error>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let body = match body {
            Some(body) => Some((JSON, json_body(body)?)),
            None => None,
        };
        self.exchange(method, path, query, body, JSON).await?.into_json()
    }

    /// Sends one call with a body of any media type (`(content type,
    /// bytes)`), asking for `accept`, and returns the answer's bytes. The
    /// generated methods of operations with non-JSON bodies or answers use
    /// it; retries, authentication and errors work as for [`Self::send`].
    pub(crate) async fn exchange(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<(&'static str, Vec<u8>)>,
        accept: &'static str,
    ) -> Result<ApiResponse<Vec<u8>>, Error> {
        let url = self.url(path, query);
        let policy = &self.inner.retry;
        let started = Instant::now();
        let mut attempts = 0u32;
        let mut retries = 0u32;
        let mut logged_in_again = false;
        loop {
            attempts += 1;
            let span = tracing::info_span!(
                "http_request",
                method = %method,
                path,
                attempt = attempts,
                status = tracing::field::Empty,
                correlation_id = tracing::field::Empty,
            );
            let payload = body.as_ref().map(|(content_type, bytes)| (*content_type, bytes.as_slice()));
            let outcome = self.attempt(&method, &url, payload, accept).instrument(span).await;
            let error = match outcome {
                Ok(answer) if answer.status.is_success() => {
                    return Ok(ApiResponse::new(answer.status, answer.headers, answer.bytes));
                }
                Ok(answer) => {
                    if answer.status == StatusCode::UNAUTHORIZED
                        && !logged_in_again
                        && self.inner.auth.invalidate(answer.token_round)
                    {
                        logged_in_again = true;
                        tracing::info!(
                            method = %method,
                            path,
                            attempt = attempts,
                            "the API answered 401; logging in again and repeating the request once"
                        );
                        continue;
                    }
                    api_error(answer.status, &answer.headers, &answer.bytes)
                }
                Err(error) => error,
            };

            let Some(hint) = policy.retry_hint(&error) else {
                return Err(finish(error, attempts, retries));
            };
            if retries + 1 >= policy.attempts_limit() {
                tracing::warn!(method = %method, path, attempts, error = %error, "giving up: no attempts left");
                return Err(finish(error, attempts, retries));
            }
            let wait = hint.unwrap_or_else(|| policy.backoff(retries + 1));
            let remaining = policy.budget().saturating_sub(started.elapsed());
            if wait > remaining {
                tracing::warn!(
                    method = %method,
                    path,
                    attempts,
                    wait_ms = duration_ms(wait),
                    remaining_ms = duration_ms(remaining),
                    error = %error,
                    "giving up: the wait would exceed the retry budget"
                );
                return Err(finish(error, attempts, retries));
            }
            retries += 1;
            tracing::warn!(
                method = %method,
                path,
                status = error.status().map(|s| s.as_u16()),
                attempt = attempts,
                wait_ms = duration_ms(wait),
                error = %error,
                "retrying"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: token, request, whole answer. A non-2xx answer is `Ok`
    /// here; the caller decides about 401s and retries.
    async fn attempt(
        &self,
        method: &Method,
        url: &str,
        body: Option<(&'static str, &[u8])>,
        accept: &'static str,
    ) -> Result<Answer, Error> {
        let inner = &self.inner;
        let bearer = inner.auth.bearer(&inner.http, inner.request_timeout).await?;
        let mut request = inner
            .http
            .request(method.clone(), url)
            .header(ACCEPT, HeaderValue::from_static(accept))
            .bearer_auth(bearer.token.expose());
        if let Some((content_type, bytes)) = body {
            request = request.header(CONTENT_TYPE, HeaderValue::from_static(content_type)).body(bytes.to_vec());
        }
        if let Some(timeout) = inner.request_timeout {
            request = request.timeout(timeout);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let span = tracing::Span::current();
        span.record("status", status.as_u16());
        if let Some(id) = correlation_id(&headers) {
            span.record("correlation_id", id);
        }
        let bytes = response.bytes().await.map_err(transport)?;
        tracing::debug!(status = status.as_u16(), correlation_id = correlation_id(&headers), "response");
        Ok(Answer { status, headers, bytes: bytes.to_vec(), token_round: bearer.round })
    }

    fn url(&self, path: &str, query: &[(&str, String)]) -> String {
        let url = format!("{}{}", self.inner.base_url.as_str().trim_end_matches('/'), path);
        if query.is_empty() {
            return url;
        }
        match Url::parse(&url) {
            Ok(mut parsed) => {
                parsed.query_pairs_mut().extend_pairs(query);
                parsed.into()
            }
            // The base URL was checked when the client was built and paths
            // come from the spec, so this does not happen; keep the plain URL.
            Err(_) => url,
        }
    }
}

/// Percent-encodes one path parameter value, as generated methods do before
/// putting it into a path: `/`, `?`, `#`, spaces and non-ASCII characters
/// cannot change the path's meaning (RFC 3986: everything but unreserved
/// characters is encoded).
///
/// ```
/// assert_eq!(events_sdk::path_segment("a b/c"), "a%20b%2Fc");
/// assert_eq!(events_sdk::path_segment(42), "42");
/// ```
pub fn path_segment(value: impl std::fmt::Display) -> String {
    let value = value.to_string();
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A whole HTTP answer.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
    token_round: Option<u64>,
}

/// The error a call ends with, carrying the attempt count.
fn finish(error: Error, attempts: u32, retries: u32) -> Error {
    match error {
        Error::Api(mut api) => {
            api.attempts = attempts;
            Error::Api(api)
        }
        error if retries > 0 => Error::RetriesExhausted { attempts, source: Box::new(error) },
        error => error,
    }
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn transport(error: reqwest::Error) -> Error {
    if error.is_timeout() {
        Error::Timeout(error)
    } else {
        Error::Transport(error)
    }
}

/// The JSON media type.
const JSON: &str = "application/json";

/// Serializes a JSON request body.
pub(crate) fn json_body<B: Serialize + ?Sized>(body: &B) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(body).map_err(|e| Error::InvalidRequest(format!("body does not serialize: {e}")))
}

fn api_error(status: StatusCode, headers: &HeaderMap, bytes: &[u8]) -> Error {
    let raw_body = String::from_utf8_lossy(bytes).into_owned();
    let body: Option<ErrorBody> = serde_json::from_slice(bytes).ok();
    let code = body.as_ref().and_then(|b| b.code.as_deref()).map(Into::into);
    let correlation_id = correlation_id(headers).map(str::to_owned);
    let retry_after = retry_after(headers);
    Error::Api(Box::new(ApiError { status, code, body, raw_body, correlation_id, retry_after, attempts: 1 }))
}
