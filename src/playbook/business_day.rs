//! "Next business day" (seed 000 and 002's P3 response time): when the
//! next business day starts. A business day is Monday to Friday; it
//! starts at the playbook's `business_day.start` (default `09:00`) at its
//! `business_day.utc_offset` (default `+00:00`, UTC). The next business
//! day is the first such day after the day the clock starts on (declared
//! on a Friday at 16:00 or a Saturday: due Monday 09:00).

use super::model::{At, BusinessDay};
use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveTime, Utc, Weekday};

/// Whether a severity's response is written as "next business day".
pub fn is_next_business_day(s: &str) -> bool {
    let s = s.trim().to_ascii_lowercase().replace('-', " ");
    s == "next business day" || s == "next working day"
}

/// `HH:MM` → the time of day; what is wrong otherwise.
pub fn parse_start(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| {
        format!("business day start: {s:?} is not a time of day (expected HH:MM, such as 09:00)")
    })
}

/// `+01:00`, `-05:00`, `Z` or `UTC` → the offset; what is wrong otherwise.
pub fn parse_offset(s: &str) -> Result<FixedOffset, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("utc") || t == "Z" {
        return Ok(FixedOffset::east_opt(0).expect("zero offset"));
    }
    DateTime::parse_from_str(&format!("2000-01-01T00:00:00{t}"), "%Y-%m-%dT%H:%M:%S%:z")
        .map(|d| *d.offset())
        .map_err(|_| {
            format!("business day utc_offset: {s:?} is not an offset (expected +HH:MM, such as +01:00, or UTC)")
        })
}

/// The start and offset a playbook gives, with the defaults for what it
/// does not (or gives wrongly: `playbook lint` says so).
pub fn settings(b: Option<&BusinessDay>) -> (NaiveTime, FixedOffset) {
    let start = b
        .and_then(|b| b.start.as_ref())
        .and_then(|s: &At<String>| parse_start(&s.value).ok())
        .unwrap_or(NaiveTime::from_hms_opt(9, 0, 0).expect("09:00"));
    let offset = b
        .and_then(|b| b.utc_offset.as_ref())
        .and_then(|s| parse_offset(&s.value).ok())
        .unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
    (start, offset)
}

/// When the first business day after `since`'s day starts.
pub fn next_start(since: DateTime<Utc>, start: NaiveTime, offset: FixedOffset) -> DateTime<Utc> {
    let mut day = since.with_timezone(&offset).date_naive();
    loop {
        day = day.checked_add_days(Days::new(1)).unwrap_or(day);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            break;
        }
    }
    day.and_time(start)
        .and_local_timezone(offset)
        .single()
        .map_or(since, |d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_next_business_day_skips_the_weekend() {
        let (nine, utc) = settings(None);
        // 2026-12-07 is a Monday.
        assert_eq!(
            next_start(at("2026-12-07T08:00:00Z"), nine, utc),
            at("2026-12-08T09:00:00Z")
        );
        assert_eq!(
            next_start(at("2026-12-11T16:00:00Z"), nine, utc),
            at("2026-12-14T09:00:00Z")
        );
        assert_eq!(
            next_start(at("2026-12-12T10:00:00Z"), nine, utc),
            at("2026-12-14T09:00:00Z")
        );
        assert_eq!(
            next_start(at("2026-12-13T23:59:00Z"), nine, utc),
            at("2026-12-14T09:00:00Z")
        );
    }

    #[test]
    fn the_start_and_offset_are_the_playbooks() {
        let b = BusinessDay {
            start: Some(At::new("08:30".into())),
            utc_offset: Some(At::new("+01:00".into())),
        };
        let (start, off) = settings(Some(&b));
        // Friday 23:30 UTC is Saturday 00:30 at +01:00: Monday 08:30 there.
        assert_eq!(
            next_start(at("2026-12-11T23:30:00Z"), start, off),
            at("2026-12-14T07:30:00Z")
        );
        assert!(parse_start("9am").unwrap_err().contains("HH:MM"));
        assert!(parse_offset("CET").unwrap_err().contains("+HH:MM"));
        assert_eq!(parse_offset("UTC").unwrap().local_minus_utc(), 0);
        assert!(is_next_business_day("Next business-day"));
    }
}
