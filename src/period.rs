//! The report year, the day it is judged from, and the five-year window every table, trend and
//! deadline table covers. They enter once, at the command line (`--as-of`, default today, or the
//! `NQS_AS_OF` environment variable), and flow one way: CLI → stage → DuckDB → findings → report.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// How many years the report shows: the report year and the four before it (trends, tables).
pub const WINDOW_YEARS: i32 = 5;

/// The report year and the judging day: deadlines are judged, and a year still running is
/// marked provisional (SDMX OBS_STATUS `P`), as of `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub year: i32,
    pub as_of: NaiveDate,
}

impl Period {
    pub fn new(year: i32, as_of: NaiveDate) -> Period {
        Period { year, as_of }
    }

    /// The year whose analysis is written on `as_of` (the analysis of year Y is sent in
    /// December of Y, para. 21), judged from that day.
    pub fn of_day(as_of: NaiveDate) -> Period {
        Period {
            year: as_of.year(),
            as_of,
        }
    }

    pub fn window(&self) -> Window {
        Window { last: self.year }
    }

    /// Whether `year` was not over on the judging day, so its figures may still change.
    pub fn is_provisional(&self, year: i32) -> bool {
        NaiveDate::from_ymd_opt(year, 12, 31).is_some_and(|end| self.as_of <= end)
    }
}

/// The five calendar years ending with the report year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    last: i32,
}

impl Window {
    /// The window whose last year is `year`.
    pub fn ending(year: i32) -> Window {
        Window { last: year }
    }

    pub fn first(&self) -> i32 {
        self.last - (WINDOW_YEARS - 1)
    }

    pub fn last(&self) -> i32 {
        self.last
    }

    /// The years, oldest first.
    pub fn years(&self) -> RangeInclusive<i32> {
        self.first()..=self.last
    }

    pub fn contains(&self, year: i32) -> bool {
        self.years().contains(&year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_five_years_ending_with_the_report_year() {
        let p = Period::new(2026, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        assert_eq!(
            p.window().years().collect::<Vec<_>>(),
            [2022, 2023, 2024, 2025, 2026]
        );
        assert!(!p.window().contains(2021));
    }

    #[test]
    fn a_year_is_provisional_until_its_last_day_has_passed() {
        let p = Period::new(2026, NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert!(p.is_provisional(2026));
        assert!(!p.is_provisional(2025));
        let after = Period::of_day(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert!(!after.is_provisional(2026));
        assert_eq!(after.year, 2027);
    }
}
