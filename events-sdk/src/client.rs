//! [`Client`]: configuration plus one shared connection pool; sends the
//! requests the generated API methods describe, with authentication and
//! retries.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::Instrument;

use crate::auth::{Auth, Secret, TokenSource};
use crate::error::{snippet, ApiError, Error};
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

/// What authenticates requests, as configured on the builder.
#[derive(Debug)]
enum Credentials {
    AccessToken(Secret),
    ClientCredentials { client_id: String, client_secret: Secret },
}

/// Builds a [`Client`].
///
/// Pick where to send requests ([`region`](Self::region) or
/// [`base_url`](Self::base_url)) and how to authenticate
/// ([`access_token`](Self::access_token) or
/// [`client_credentials`](Self::client_credentials)); everything else has a
/// default.
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    region: Option<Region>,
    base_url: Option<String>,
    login_url: Option<String>,
    allow_insecure_http: bool,
    credentials: Option<Credentials>,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
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

    /// Sends one call (with its retries) and decodes the answer. Used by the
    /// generated API methods.
    pub(crate) async fn send<B, T>(&self, method: Method, path: &str, body: Option<&B>) -> Result<ApiResponse<T>, Error>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let body = match body {
            Some(body) => Some(
                serde_json::to_vec(body).map_err(|e| Error::InvalidRequest(format!("body does not serialize: {e}")))?,
            ),
            None => None,
        };
        let url = self.url(path);
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
            let outcome = self.attempt(&method, &url, body.as_deref()).instrument(span).await;
            let error = match outcome {
                Ok(answer) if answer.status.is_success() => {
                    return decode(answer.status, &answer.bytes)
                        .map(|body| ApiResponse::new(answer.status, answer.headers, body));
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
    async fn attempt(&self, method: &Method, url: &str, body: Option<&[u8]>) -> Result<Answer, Error> {
        let inner = &self.inner;
        let bearer = inner.auth.bearer(&inner.http, inner.request_timeout).await?;
        let mut request = inner
            .http
            .request(method.clone(), url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .bearer_auth(bearer.token.expose());
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, HeaderValue::from_static("application/json")).body(body.to_vec());
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

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.inner.base_url.as_str().trim_end_matches('/'), path)
    }
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

impl ClientBuilder {
    /// The Genesys Cloud region to talk to: sets the API base URL
    /// (`https://api.<domain>`) and the login URL (`https://login.<domain>`).
    /// Default: [`Region::UsEast1`]. A [`base_url`](Self::base_url) takes
    /// precedence over the region.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// A custom API base URL (an API gateway, a proxy, a test server),
    /// e.g. `https://api.mypurecloud.ie` or `http://127.0.0.1:8080`. It
    /// overrides [`region`](Self::region).
    ///
    /// Unless [`login_url`](Self::login_url) is set, tokens are requested
    /// from the login URL derived from it: a leading `api.` host label
    /// becomes `login.` (`https://api.example.com` →
    /// `https://login.example.com`); any other URL is used as is (a gateway
    /// or test server that serves `/oauth/token` itself).
    ///
    /// It must use `https`, except on a loopback host (`127.0.0.0/8`, `::1`,
    /// `localhost`) or with [`allow_insecure_http`](Self::allow_insecure_http).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// A custom login base URL; tokens are requested from
    /// `<url>/oauth/token`. Default: the region's login URL, or the one
    /// derived from [`base_url`](Self::base_url). The same `https` rule
    /// applies.
    pub fn login_url(mut self, url: impl Into<String>) -> Self {
        self.login_url = Some(url.into());
        self
    }

    /// Allows `http://` URLs to hosts other than loopback. Tokens and client
    /// secrets then cross the network in clear text: use this only behind a
    /// trusted TLS-terminating proxy. Default: `false`.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Authenticates with an OAuth access token you obtained yourself, sent
    /// as `Authorization: Bearer …`. It is never refreshed: when it expires
    /// calls fail with a 401. Replaces earlier
    /// [`client_credentials`](Self::client_credentials).
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::AccessToken(Secret::new(token)));
        self
    }

    /// Authenticates with an OAuth client (grant type *Client
    /// Credentials*): the client requests a token from the login URL on
    /// first use, caches it, refreshes it shortly before it expires (10% of
    /// its lifetime, at most 60 s early) and once more when the API answers
    /// 401. Replaces an earlier [`access_token`](Self::access_token).
    pub fn client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::ClientCredentials {
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
        });
        self
    }

    /// The retry policy. Default: [`RetryPolicy::new`] (429 and 503
    /// retried, at most 5 attempts within 60 s).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Uses your own `reqwest::Client` (its connection pool, proxy, TLS and
    /// timeout settings apply). [`Self::connect_timeout`] is then ignored;
    /// [`Self::timeout`], if set, still bounds every request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Timeout for one whole request (connecting, sending, receiving the
    /// answer); each retry gets its own. A request that runs out of time
    /// fails with [`Error::Timeout`]. Default: [`DEFAULT_TIMEOUT`] (30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Timeout for establishing a connection. Default:
    /// [`DEFAULT_CONNECT_TIMEOUT`] (10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when no credentials were given (or an empty
    /// token, client id or secret), a URL does not parse, has a query,
    /// fragment or user info, uses `http://` to a non-loopback host without
    /// [`allow_insecure_http`](Self::allow_insecure_http), or the HTTP client
    /// cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let insecure = self.allow_insecure_http;
        let region = self.region.unwrap_or_default();
        let (base_url, derived_login) = match &self.base_url {
            Some(raw) => {
                let base = check_url(raw, "base URL", insecure)?;
                let login = derive_login_url(&base);
                (base, login)
            }
            None => (check_url(region.api_base_url(), "base URL", insecure)?, None),
        };
        let login_url = match (&self.login_url, derived_login) {
            (Some(raw), _) => check_url(raw, "login URL", insecure)?,
            (None, Some(derived)) => derived,
            (None, None) if self.base_url.is_some() => base_url.clone(),
            (None, None) => check_url(region.login_base_url(), "login URL", insecure)?,
        };

        let auth = match self.credentials {
            None => {
                return Err(Error::InvalidRequest(
                    "no credentials configured: call access_token(..) or client_credentials(..)".to_owned(),
                ))
            }
            Some(Credentials::AccessToken(token)) => {
                if token.expose().trim().is_empty() {
                    return Err(Error::InvalidRequest("the access token is empty".to_owned()));
                }
                Auth::Static(token)
            }
            Some(Credentials::ClientCredentials { client_id, client_secret }) => {
                if client_id.trim().is_empty() || client_secret.expose().is_empty() {
                    return Err(Error::InvalidRequest("the client id or client secret is empty".to_owned()));
                }
                Auth::ClientCredentials(Box::new(TokenSource::new(client_id, client_secret, &login_url)))
            }
        };

        let (http, request_timeout) = match self.http {
            Some(http) => (http, self.timeout),
            None => {
                let mut headers = HeaderMap::new();
                headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
                let http = reqwest::Client::builder()
                    .default_headers(headers)
                    .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .build()
                    .map_err(|e| Error::InvalidRequest(format!("cannot build HTTP client: {e}")))?;
                (http, None)
            }
        };
        let retry = self.retry.unwrap_or_default();
        Ok(Client { inner: Arc::new(Inner { http, base_url, login_url, auth, retry, request_timeout }) })
    }
}

/// Parses and vets a configured URL.
fn check_url(raw: &str, what: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    let invalid = |why: &str| Error::InvalidRequest(format!("invalid {what} {raw:?}: {why}"));
    let url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(invalid(
                "plain http is only allowed to a loopback host; use https, or allow_insecure_http(true) \
                 behind a trusted TLS-terminating proxy",
            ))
        }
        _ => return Err(invalid("the scheme must be https")),
    }
    if url.host_str().map_or(true, str::is_empty) {
        return Err(invalid("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials do not belong in the URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    Ok(url)
}

/// `127.0.0.0/8`, `::1` or `localhost`.
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `https://api.example.com/x` → `https://login.example.com/x`; `None` when
/// the host has no leading `api.` label.
fn derive_login_url(base: &Url) -> Option<Url> {
    let rest = base.host_str()?.strip_prefix("api.")?;
    let mut login = base.clone();
    login.set_host(Some(&format!("login.{rest}"))).ok()?;
    Some(login)
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
    let retry_after = retry_after(headers);
    Error::Api(Box::new(ApiError { status, code, body, raw_body, correlation_id, retry_after, attempts: 1 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for url in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000/x",
            "http://localhost:1",
            "http://LOCALHOST",
        ] {
            assert!(is_loopback(&Url::parse(url).unwrap()), "{url}");
        }
        for url in ["http://example.com", "http://10.0.0.1", "http://[::2]", "http://localhost.example.com"] {
            assert!(!is_loopback(&Url::parse(url).unwrap()), "{url}");
        }
    }

    #[test]
    fn login_url_derivation() {
        let derive = |s: &str| derive_login_url(&Url::parse(s).unwrap()).map(|u| u.to_string());
        assert_eq!(derive("https://api.example.com/prefix").as_deref(), Some("https://login.example.com/prefix"));
        assert_eq!(derive("https://gateway.example.com"), None);
        assert_eq!(derive("http://127.0.0.1:3000"), None);
    }

    #[test]
    fn check_url_rules() {
        assert!(check_url("https://example.com", "base URL", false).is_ok());
        assert!(check_url("http://example.com", "base URL", false).is_err());
        assert!(check_url("http://example.com", "base URL", true).is_ok());
        assert!(check_url("ftp://example.com", "base URL", true).is_err());
        assert!(check_url("https://user:pw@example.com", "base URL", false).is_err());
        assert!(check_url("https://example.com/?a=b", "base URL", false).is_err());
        assert!(check_url("not a url", "base URL", false).is_err());
    }
}
