//! [`RetryPolicy`]: which failed calls are sent again, and when.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;

use crate::error::Error;

/// When and how often a failed call is sent again.
///
/// The default policy ([`RetryPolicy::new`], also [`Default`]):
///
/// * retries **429 Too Many Requests** and **503 Service Unavailable**: the
///   API refused these before doing any work, so sending the batch again
///   cannot publish an event twice;
/// * waits as long as the `Retry-After` header says (seconds or an HTTP
///   date); without one, waits an exponential backoff with jitter (0.5 s,
///   1 s, 2 s, … capped at 30 s, each randomly shortened by up to half);
/// * makes at most **5 attempts** in all and starts no retry after **60 s**
///   (the retry-time budget, counted from the first attempt). A
///   `Retry-After` longer than what is left of the budget gives up at once
///   and returns that answer's error, rather than sleeping in vain.
///
/// # Why 502, 504, timeouts and connection errors are not retried by default
///
/// The Events API is not idempotent: a batch that reached the service is
/// published, and sending it again publishes its events twice. A **502 Bad
/// Gateway**, a **504 Gateway Timeout**, a client-side **timeout** or a
/// **connection error** (reset, closed, TLS failure, even a refused
/// connection, which this SDK cannot always tell apart from the others) only
/// says that *no answer arrived*; the batch may still have been processed
/// behind the gateway. Whether a duplicate is worse than a loss is your
/// call: if your consumers de-duplicate by `eventId` (or you prefer
/// duplicates to gaps), opt in with
/// [`retry_possibly_processed(true)`](Self::retry_possibly_processed).
///
/// Fetching an OAuth token has no such side effect, so a login that failed
/// with 429, 502, 503, 504 or a connection problem is retried under the same
/// attempt and time limits whatever this setting is.
///
/// A 401 from the API with client credentials is handled apart from this
/// policy: the client logs in again once and repeats the call once.
///
/// ```
/// use std::time::Duration;
/// use events_sdk::RetryPolicy;
///
/// let policy = RetryPolicy::new()
///     .max_attempts(8)
///     .retry_budget(Duration::from_secs(120))
///     .retry_possibly_processed(true);
/// let never = RetryPolicy::none();
/// # let _ = (policy, never);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct RetryPolicy {
    max_attempts: u32,
    budget: Duration,
    base_delay: Duration,
    max_delay: Duration,
    possibly_processed: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl RetryPolicy {
    /// The default policy: 429 and 503 retried, at most 5 attempts within
    /// 60 s, backoff from 0.5 s to 30 s.
    pub const fn new() -> Self {
        Self {
            max_attempts: 5,
            budget: Duration::from_secs(60),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            possibly_processed: false,
        }
    }

    /// Never retries: every call is sent once. (A 401 with client
    /// credentials still leads to one new login and one repeat.)
    pub const fn none() -> Self {
        Self::new().max_attempts(1)
    }

    /// The most attempts a call makes, the first one included (so `1`
    /// means no retry). Default: 5. `0` is treated as `1`.
    pub const fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// The total time, from the first attempt, after which no retry is
    /// started. Default: 60 s.
    pub const fn retry_budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// The backoff before the first retry when the server sent no
    /// `Retry-After`; it doubles with each retry. Default: 500 ms.
    pub const fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff between two attempts (a `Retry-After` from the
    /// server is not capped by this; it is bounded by the budget instead).
    /// Default: 30 s.
    pub const fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Also retry 502, 504, timeouts and connection errors, whose request
    /// may already have been processed (see the type-level docs for why
    /// this is off by default). Default: `false`.
    pub const fn retry_possibly_processed(mut self, retry: bool) -> Self {
        self.possibly_processed = retry;
        self
    }

    /// The configured maximum number of attempts.
    pub const fn attempts_limit(&self) -> u32 {
        self.max_attempts
    }

    /// The configured retry-time budget.
    pub const fn budget(&self) -> Duration {
        self.budget
    }

    /// Whether possibly-processed failures are retried.
    pub const fn retries_possibly_processed(&self) -> bool {
        self.possibly_processed
    }

    /// `Some(retry_after)` when `error` may be retried under this policy
    /// (`retry_after` is the server's wish, if it sent one), `None` when it
    /// must not be.
    pub(crate) fn retry_hint(&self, error: &Error) -> Option<Option<Duration>> {
        match error {
            Error::Api(api) => match api.status {
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => Some(api.retry_after),
                StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT if self.possibly_processed => {
                    Some(api.retry_after)
                }
                _ => None,
            },
            Error::Timeout(_) | Error::Transport(_) if self.possibly_processed => Some(None),
            Error::Auth { .. } if error.is_retryable() => Some(None),
            _ => None,
        }
    }

    /// The backoff before retry number `retry` (1 for the first retry):
    /// `base · 2^(retry-1)`, capped at `max_delay`, then shortened by a
    /// random amount of up to half ("equal jitter"), so that many clients
    /// refused at the same moment do not come back at the same moment.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        let full = self.base_delay.saturating_mul(1u32 << exp).min(self.max_delay);
        let half = full / 2;
        half + half.mul_f64(random_unit())
    }
}

/// A random number in `[0, 1)` from the standard library's per-process
/// random hash keys (good enough for jitter, no extra dependency).
fn random_unit() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(
        SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.subsec_nanos() as u64).unwrap_or_default(),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Parses the `Retry-After` header: delay-seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2026 07:28:00 GMT`; a date in the past means "now").
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn retry_after_seconds() {
        assert_eq!(retry_after(&headers("0")), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers(" 120 ")), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(&HeaderMap::new()), None);
        assert_eq!(retry_after(&headers("-1")), None);
        assert_eq!(retry_after(&headers("soon")), None);
    }

    #[test]
    fn retry_after_http_date() {
        let future = SystemTime::now() + Duration::from_secs(100);
        let parsed = retry_after(&headers(&httpdate::fmt_http_date(future))).unwrap();
        assert!(parsed > Duration::from_secs(97) && parsed <= Duration::from_secs(100), "{parsed:?}");
        assert_eq!(retry_after(&headers("Sun, 06 Nov 1994 08:49:37 GMT")), Some(Duration::ZERO));
        // The obsolete RFC 850 and asctime forms are accepted too.
        assert_eq!(retry_after(&headers("Sunday, 06-Nov-94 08:49:37 GMT")), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("Sun Nov  6 08:49:37 1994")), Some(Duration::ZERO));
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let p = RetryPolicy::new().base_delay(Duration::from_millis(100)).max_delay(Duration::from_millis(1000));
        for (retry, full) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1000), (40, 1000)] {
            for _ in 0..20 {
                let d = p.backoff(retry);
                let full = Duration::from_millis(full);
                assert!(d >= full / 2 && d <= full, "retry {retry}: {d:?}");
            }
        }
        let samples: std::collections::HashSet<_> = (0..20).map(|_| p.backoff(3)).collect();
        assert!(samples.len() > 1, "jitter varies the delay");
    }

    #[test]
    fn none_makes_one_attempt() {
        assert_eq!(RetryPolicy::none().attempts_limit(), 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts_limit(), 1);
        assert_eq!(RetryPolicy::default(), RetryPolicy::new());
    }
}
