//! Instants as Camunda's API writes them (RFC 3339 date-times) and the
//! windows `drift --since` takes (`24h`, `7d`, or an RFC 3339 time). UTC
//! only, to the millisecond; no calendar crate is needed for that.

use std::fmt;
use std::time::Duration;

/// An instant: milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count from 1970-01-01 (`civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn digits(text: &str, range: std::ops::Range<usize>) -> Option<i64> {
    let part = text.get(range)?;
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

impl Timestamp {
    /// The instant `millis` milliseconds after the epoch.
    pub fn from_millis(millis: i64) -> Timestamp {
        Timestamp(millis)
    }

    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Now, by the system clock.
    pub fn now() -> Timestamp {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
    }

    /// `duration` earlier.
    pub fn minus(self, duration: Duration) -> Timestamp {
        let ms = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        Timestamp(self.0.saturating_sub(ms))
    }

    /// Reads an RFC 3339 date-time: `2026-11-30T16:20:00Z`, with optional
    /// fractional seconds (kept to the millisecond) and a `Z` or `±HH:MM`
    /// offset. `None` for anything else.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let t = text.trim();
        let b = t.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let (year, month, day) = (digits(t, 0..4)?, digits(t, 5..7)?, digits(t, 8..10)?);
        let (hour, minute, second) = (digits(t, 11..13)?, digits(t, 14..16)?, digits(t, 17..19)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let month_days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if !(1..=12).contains(&month)
            || day < 1
            || day > month_days[(month - 1) as usize]
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut rest = &t[19..];
        let mut millis = 0;
        if let Some(fraction) = rest.strip_prefix('.') {
            let end = fraction
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(fraction.len());
            if end == 0 {
                return None;
            }
            let first3: String = fraction[..end]
                .chars()
                .chain("000".chars())
                .take(3)
                .collect();
            millis = first3.parse::<i64>().ok()?;
            rest = &fraction[end..];
        }
        let offset_minutes = match rest {
            "Z" | "z" => 0,
            _ => {
                let sign = match rest.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return None,
                };
                if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                    return None;
                }
                let (h, m) = (digits(rest, 1..3)?, digits(rest, 4..6)?);
                if h > 23 || m > 59 {
                    return None;
                }
                sign * (h * 60 + m)
            }
        };
        let days = days_from_civil(year, month, day);
        let seconds =
            days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset_minutes * 60;
        Some(Timestamp(seconds * 1000 + millis))
    }
}

/// RFC 3339 in UTC with milliseconds: `2026-11-30T16:20:00.000Z`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0.div_euclid(1000);
        let millis = self.0.rem_euclid(1000);
        let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
        let of_day = seconds.rem_euclid(86_400);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
            of_day / 3600,
            of_day % 3600 / 60,
            of_day % 60
        )
    }
}

/// Reads a window length: a whole number and a unit, `s`, `m`, `h`, `d` or
/// `w` (`90m`, `24h`, `7d`). `None` for anything else.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let unit_at = t.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = t.split_at(unit_at);
    let n: u64 = number.parse().ok()?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    Some(Duration::from_secs(n.checked_mul(seconds)?))
}

/// The start of a window: `text` is a length back from `now` (see
/// [`parse_duration`]) or an RFC 3339 time.
pub fn since(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    if let Some(duration) = parse_duration(text) {
        return Ok(now.minus(duration));
    }
    Timestamp::parse(text).ok_or_else(|| {
        format!(
            "{text:?} is neither a duration (e.g. 30m, 24h, 7d) nor an RFC 3339 time (e.g. 2026-11-30T08:00:00Z)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_and_offsets_are_applied() {
        let t = Timestamp::parse("2026-11-30T16:20:00.123Z").unwrap();
        assert_eq!(t.to_string(), "2026-11-30T16:20:00.123Z");
        assert_eq!(
            Timestamp::from_millis(0).to_string(),
            "1970-01-01T00:00:00.000Z"
        );
        assert_eq!(
            Timestamp::parse("2026-11-30T17:20:00+01:00"),
            Timestamp::parse("2026-11-30T16:20:00Z")
        );
        assert_eq!(
            Timestamp::parse("2024-02-29T00:00:00.5Z")
                .unwrap()
                .to_string(),
            "2024-02-29T00:00:00.500Z"
        );
        // Nanoseconds are cut to milliseconds.
        assert_eq!(
            Timestamp::parse("2026-01-01T00:00:00.123456789Z")
                .unwrap()
                .millis()
                % 1000,
            123
        );
        for bad in [
            "",
            "2026-11-30",
            "2026-11-30T16:20:00",
            "2026-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-11-30T16:20:00.Z",
            "2026-11-30T16:20:00+1:00",
            "yesterday",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_convert_both_ways() {
        for days in [-800_000, -1, 0, 1, 11_016, 20_422, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn windows_are_durations_or_times() {
        let now = Timestamp::parse("2026-11-30T16:00:00Z").unwrap();
        assert_eq!(
            since("24h", now).unwrap().to_string(),
            "2026-11-29T16:00:00.000Z"
        );
        assert_eq!(
            since("7d", now).unwrap().to_string(),
            "2026-11-23T16:00:00.000Z"
        );
        assert_eq!(
            since("90m", now).unwrap().to_string(),
            "2026-11-30T14:30:00.000Z"
        );
        assert_eq!(
            since("2026-11-01T00:00:00Z", now).unwrap().to_string(),
            "2026-11-01T00:00:00.000Z"
        );
        assert!(
            since("7 days", now)
                .unwrap_err()
                .contains("neither a duration")
        );
        assert!(since("h", now).is_err());
        assert!(since("5y", now).is_err());
    }
}
