//! [`DateTime`]: the wire format of every `format: date-time` field.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// An instant, as the Genesys Cloud API writes it: ISO-8601 in UTC with
/// millisecond precision, e.g. `2026-12-04T10:15:30.000Z`.
///
/// Parsing accepts any ISO-8601 / RFC 3339 offset (`+02:00` is converted to
/// UTC). The value is kept at millisecond precision, so what you build is
/// exactly what is sent, and a value read back compares equal.
///
/// ```
/// use events_sdk::DateTime;
///
/// let t: DateTime = "2026-12-04T11:15:30.123456+01:00".parse()?;
/// assert_eq!(t.to_string(), "2026-12-04T10:15:30.123Z");
/// # Ok::<(), events_sdk::DateTimeParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(OffsetDateTime);

impl DateTime {
    /// The current time (truncated to milliseconds).
    pub fn now() -> Self {
        Self::from(OffsetDateTime::now_utc())
    }

    /// The instant `millis` milliseconds after the Unix epoch, if in range.
    pub fn from_unix_millis(millis: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).ok().map(Self)
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(&self) -> i64 {
        // Always in range: the value came from a valid `OffsetDateTime`.
        (self.0.unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// The value as a `time::OffsetDateTime` in UTC.
    pub fn to_offset_date_time(&self) -> OffsetDateTime {
        self.0
    }
}

impl From<OffsetDateTime> for DateTime {
    fn from(value: OffsetDateTime) -> Self {
        let utc = value.to_offset(UtcOffset::UTC);
        let millis = utc.millisecond();
        // Truncation to whole milliseconds cannot fail: only the nanosecond
        // field changes, and to a valid value.
        Self(utc.replace_millisecond(millis).unwrap_or(utc))
    }
}

impl From<DateTime> for OffsetDateTime {
    fn from(value: DateTime) -> Self {
        value.0
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
        let text = self.0.format(&format).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

/// A string that is not an ISO-8601 date-time with an offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid ISO-8601 date-time {input:?}: {reason}")]
pub struct DateTimeParseError {
    input: String,
    reason: String,
}

impl FromStr for DateTime {
    type Err = DateTimeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OffsetDateTime::parse(s, &Rfc3339)
            .or_else(|_| OffsetDateTime::parse(s, &Iso8601::PARSING))
            .map(Self::from)
            .map_err(|e| DateTimeParseError { input: s.to_owned(), reason: e.to_string() })
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_utc_with_milliseconds_and_reads_any_offset() {
        let t: DateTime = "2026-12-04T10:15:30Z".parse().unwrap();
        assert_eq!(t.to_string(), "2026-12-04T10:15:30.000Z");
        let shifted: DateTime = "2026-12-04T12:15:30.000+02:00".parse().unwrap();
        assert_eq!(shifted, t);
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"2026-12-04T10:15:30.000Z\"");
        assert_eq!(DateTime::from_unix_millis(t.unix_millis()), Some(t));
        assert!("yesterday".parse::<DateTime>().is_err());
    }
}
