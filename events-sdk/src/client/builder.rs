//! [`ClientBuilder`]: configuration of a [`Client`], checked when built
//! (URLs, scheme rules, credentials).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, USER_AGENT};
use reqwest::Url;

use super::{Client, Inner, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT_VALUE};
use crate::auth::{Auth, Secret, TokenSource};
use crate::error::Error;
use crate::region::Region;
use crate::retry::RetryPolicy;

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
