//! Authentication: a static access token, or OAuth client credentials with a
//! cached, single-flight token.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::{StatusCode, Url};
use serde_json::Value;
use tracing::Instrument;

use crate::error::{snippet, Error};

/// A secret string (client secret, access token) that never appears in
/// `Debug` output. Cloning shares the allocation.
#[derive(Clone)]
pub(crate) struct Secret(Arc<str>);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Self(Arc::from(value.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

/// How requests are authenticated.
pub(crate) enum Auth {
    /// A token the user obtained; sent as is, never refreshed.
    Static(Secret),
    /// OAuth client credentials, exchanged for a cached token.
    ClientCredentials(Box<TokenSource>),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Static(token) => f.debug_tuple("AccessToken").field(token).finish(),
            Auth::ClientCredentials(source) => f
                .debug_struct("ClientCredentials")
                .field("client_id", &source.client_id)
                .field("client_secret", &source.client_secret)
                .field("token_url", &source.token_url.as_str())
                .finish_non_exhaustive(),
        }
    }
}

/// The token to send with one attempt.
pub(crate) struct Bearer {
    pub(crate) token: Secret,
    /// The login round that issued it (`None` for a static token): a 401
    /// answer to this attempt invalidates exactly this token.
    pub(crate) round: Option<u64>,
}

impl Auth {
    /// The token for the next attempt, logging in first when needed.
    pub(crate) async fn bearer(&self, http: &reqwest::Client, timeout: Option<Duration>) -> Result<Bearer, Error> {
        match self {
            Auth::Static(token) => Ok(Bearer { token: token.clone(), round: None }),
            Auth::ClientCredentials(source) => source.bearer(http, timeout).await,
        }
    }

    /// Forgets the token issued in `round` (the API refused it), so that the
    /// next [`Self::bearer`] logs in again. Returns whether a new login can
    /// help (false for a static token).
    pub(crate) fn invalidate(&self, round: Option<u64>) -> bool {
        match (self, round) {
            (Auth::ClientCredentials(source), Some(round)) => {
                let mut state = source.state();
                if state.token.as_ref().is_some_and(|t| t.round == round) {
                    state.token = None;
                }
                true
            }
            _ => false,
        }
    }
}

/// OAuth client credentials plus the token cache.
///
/// Single flight: at most one login runs at a time (`login` lock). A caller
/// that waited for the lock while another caller's login finished takes
/// that login's outcome, a token or the error, instead of starting its own;
/// so 50 concurrent calls on a cold client make exactly one token request,
/// and a failing login endpoint is not hit once per waiting call.
pub(crate) struct TokenSource {
    client_id: String,
    client_secret: Secret,
    token_url: Url,
    state: Mutex<State>,
    login: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    token: Option<CachedToken>,
    /// Number of finished logins, successful or not.
    rounds: u64,
    /// The failure of the latest login, if it failed.
    failure: Option<Failure>,
}

struct CachedToken {
    token: Secret,
    /// When to stop using it and log in again; `None` when the login
    /// endpoint gave no lifetime (then only a 401 replaces it).
    refresh_at: Option<Instant>,
    round: u64,
}

/// A failed login, kept so that concurrent waiters share it.
#[derive(Clone)]
struct Failure {
    status: Option<StatusCode>,
    error: Option<String>,
    error_description: Option<String>,
    source: Option<Arc<reqwest::Error>>,
}

impl Failure {
    fn to_error(&self) -> Error {
        Error::Auth {
            status: self.status,
            error: self.error.clone(),
            error_description: self.error_description.clone(),
            source: self.source.clone(),
        }
    }
}

/// How long before a token's expiry it is replaced: 10% of its lifetime, at
/// most 60 s (so a 24 h token is refreshed a minute early and a 10 s test
/// token one second early).
pub(crate) fn refresh_margin(expires_in: Duration) -> Duration {
    (expires_in / 10).min(Duration::from_secs(60))
}

impl TokenSource {
    pub(crate) fn new(client_id: String, client_secret: Secret, login_url: &Url) -> Self {
        let token_url = Url::parse(&format!("{}/oauth/token", login_url.as_str().trim_end_matches('/')))
            .unwrap_or_else(|_| login_url.clone());
        Self { client_id, client_secret, token_url, state: Mutex::default(), login: tokio::sync::Mutex::new(()) }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn bearer(&self, http: &reqwest::Client, timeout: Option<Duration>) -> Result<Bearer, Error> {
        let seen = {
            let state = self.state();
            if let Some(token) = &state.token {
                if token.refresh_at.map_or(true, |at| at > Instant::now()) {
                    return Ok(Bearer { token: token.token.clone(), round: Some(token.round) });
                }
            }
            state.rounds
        };
        let _login = self.login.lock().await;
        {
            let state = self.state();
            if state.rounds != seen {
                // Someone logged in while we waited: take their outcome, even
                // a token that is already due (it was issued just now).
                if let Some(token) = &state.token {
                    return Ok(Bearer { token: token.token.clone(), round: Some(token.round) });
                }
                if let Some(failure) = &state.failure {
                    return Err(failure.to_error());
                }
            }
        }
        let span = tracing::info_span!("login", url = %self.token_url, status = tracing::field::Empty);
        let outcome = self.login(http, timeout).instrument(span).await;
        let mut state = self.state();
        state.rounds += 1;
        let round = state.rounds;
        match outcome {
            Ok((token, refresh_at)) => {
                state.failure = None;
                state.token = Some(CachedToken { token: token.clone(), refresh_at, round });
                Ok(Bearer { token, round: Some(round) })
            }
            Err(failure) => {
                state.token = None;
                let error = failure.to_error();
                state.failure = Some(failure);
                Err(error)
            }
        }
    }

    /// One `POST <login>/oauth/token` with `grant_type=client_credentials`.
    async fn login(
        &self,
        http: &reqwest::Client,
        timeout: Option<Duration>,
    ) -> Result<(Secret, Option<Instant>), Failure> {
        let started = Instant::now();
        let mut request = http
            .post(self.token_url.clone())
            .basic_auth(&self.client_id, Some(self.client_secret.expose()))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"))
            .body("grant_type=client_credentials");
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let unreachable = |e: reqwest::Error| {
            let what = if e.is_timeout() {
                "the login endpoint did not answer in time"
            } else {
                "the login endpoint could not be reached"
            };
            tracing::warn!(error = %e, "login failed");
            Failure { status: None, error: None, error_description: Some(what.to_owned()), source: Some(Arc::new(e)) }
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        tracing::Span::current().record("status", status.as_u16());
        let bytes = response.bytes().await.map_err(unreachable)?;
        let json: Option<Value> = serde_json::from_slice(&bytes).ok();
        let field = |name: &str| json.as_ref().and_then(|j| j.get(name)).and_then(Value::as_str).map(str::to_owned);

        if !status.is_success() {
            let error = field("error");
            let description = field("error_description").or_else(|| field("description")).or_else(|| {
                let text = String::from_utf8_lossy(&bytes);
                (json.is_none() && !text.trim().is_empty()).then(|| snippet(text.trim()))
            });
            tracing::warn!(status = status.as_u16(), error = error.as_deref(), "login refused");
            return Err(Failure { status: Some(status), error, error_description: description, source: None });
        }

        // Never quote the body of a successful answer: it holds the token.
        let malformed = |what: &str| Failure {
            status: Some(status),
            error: None,
            error_description: Some(format!("the token response {what}")),
            source: None,
        };
        let json = json.ok_or_else(|| malformed("is not JSON"))?;
        let token = match json.get("access_token") {
            Some(Value::String(token)) if !token.is_empty() => Secret::new(token.as_str()),
            _ => return Err(malformed("has no access_token")),
        };
        let expires_in = match json.get("expires_in") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(n.as_u64().ok_or_else(|| malformed("has an invalid expires_in"))?),
            Some(Value::String(s)) => Some(s.trim().parse().map_err(|_| malformed("has an invalid expires_in"))?),
            Some(_) => return Err(malformed("has an invalid expires_in")),
        };
        // An absurdly long lifetime (past what `Instant` can hold) counts as
        // "no expiry": only a 401 replaces the token then.
        let refresh_at = expires_in.and_then(|secs| {
            let lifetime = Duration::from_secs(secs);
            started.checked_add(lifetime - refresh_margin(lifetime))
        });
        tracing::debug!(expires_in, "obtained an access token");
        Ok((token, refresh_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margin_is_ten_percent_capped_at_a_minute() {
        assert_eq!(refresh_margin(Duration::from_secs(86_400)), Duration::from_secs(60));
        assert_eq!(refresh_margin(Duration::from_secs(300)), Duration::from_secs(30));
        assert_eq!(refresh_margin(Duration::from_secs(1)), Duration::from_millis(100));
        assert_eq!(refresh_margin(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn secrets_are_redacted() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "\"[redacted]\"");
        let login = Url::parse("https://login.mypurecloud.ie").unwrap();
        let auth = Auth::ClientCredentials(Box::new(TokenSource::new("id".into(), secret, &login)));
        let debug = format!("{auth:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("https://login.mypurecloud.ie/oauth/token"), "{debug}");
    }
}
