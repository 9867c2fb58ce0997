//! Times on the command line and in files: RFC 3339 or Unix seconds.
//!
//! The library counts Unix seconds and has no clock; the CLI reads the OS clock
//! only when `--now` is not given.

use jiff::Timestamp;
use serde::Deserialize;

/// Parses `2026-01-01T08:00:00Z` (any RFC 3339 offset) or `1767254400`.
///
/// # Errors
/// A message naming the accepted forms, for a time before 1970 or unreadable text.
pub fn parse(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse()
            .map_err(|_| format!("`{text}` is too large for a time in seconds"));
    }
    let ts: Timestamp = text.parse().map_err(|_| {
        format!("`{text}` is not a time: use RFC 3339 (2026-01-01T08:00:00Z) or Unix seconds")
    })?;
    u64::try_from(ts.as_second()).map_err(|_| format!("`{text}` is before 1970"))
}

/// Formats Unix seconds as RFC 3339 in UTC, e.g. `2026-01-03T08:00:00Z`.
pub fn format(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| Timestamp::from_second(s).ok())
        .map_or_else(|| format!("{secs} (Unix seconds)"), |ts| ts.to_string())
}

/// `--now` if given, else the OS clock.
pub fn now_or(given: Option<u64>) -> u64 {
    given.unwrap_or_else(|| u64::try_from(Timestamp::now().as_second()).unwrap_or(0))
}

/// `hours` from `start`, or an error message if the sum overflows.
pub fn add_hours(start: u64, hours: u64) -> Result<u64, String> {
    hours
        .checked_mul(3600)
        .and_then(|s| start.checked_add(s))
        .ok_or_else(|| format!("{hours} hours is too long a validity"))
}

/// A time in a JSON file: a string in either form, or a number of seconds.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum JsonTime {
    /// Unix seconds as a JSON number.
    Seconds(u64),
    /// RFC 3339 or Unix seconds as a JSON string.
    Text(String),
}

impl JsonTime {
    /// The time in Unix seconds.
    ///
    /// # Errors
    /// As [`parse`].
    pub fn seconds(&self) -> Result<u64, String> {
        match self {
            JsonTime::Seconds(s) => Ok(*s),
            JsonTime::Text(t) => parse(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms_and_refuses_others() {
        let check = |text: &str, expected: Result<u64, ()>| {
            assert_eq!(parse(text).map_err(|_| ()), expected, "{text}");
        };
        check("2026-01-01T08:00:00Z", Ok(1_767_254_400));
        check("2026-01-01T16:00:00+08:00", Ok(1_767_254_400));
        check("1767254400", Ok(1_767_254_400));
        check(" 0 ", Ok(0));
        check("1969-12-31T23:59:59Z", Err(()));
        check("2026-01-01", Err(()));
        check("-5", Err(()));
        check("", Err(()));
        check("99999999999999999999999", Err(()));
    }

    #[test]
    fn formats_rfc_3339_utc() {
        assert_eq!(format(1_767_254_400), "2026-01-01T08:00:00Z");
        assert_eq!(format(0), "1970-01-01T00:00:00Z");
        assert_eq!(parse(&format(1_767_254_401)), Ok(1_767_254_401));
    }
}
