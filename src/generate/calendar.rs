//! An approximate working-day calendar, only to place generated dates on the right side of the
//! para. 4 and para. 16 limits. It knows weekends, the fixed public holidays with their weekend
//! carry-over, and Kurban Ait, but not the yearly decrees that move days off; the generator keeps
//! its compliant delays at least one working day inside a limit and its breaches at least two
//! outside, so the real calendar the analysis uses still sees them on the same side.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid holiday date")
}

fn kurban_ait(year: i32) -> Option<NaiveDate> {
    let (m, day) = match year {
        2019 => (8, 11),
        2020 => (7, 31),
        2021 => (7, 20),
        2022 => (7, 9),
        2023 => (6, 28),
        2024 => (6, 16),
        2025 => (6, 6),
        2026 => (5, 27),
        2027 => (5, 16),
        2028 => (5, 5),
        _ => return None,
    };
    Some(d(year, m, day))
}

fn fixed_holidays(year: i32) -> Vec<NaiveDate> {
    let mut v = vec![
        d(year, 1, 1),
        d(year, 1, 2),
        d(year, 3, 8),
        d(year, 3, 21),
        d(year, 3, 22),
        d(year, 3, 23),
        d(year, 5, 1),
        d(year, 5, 7),
        d(year, 5, 9),
        d(year, 7, 6),
        d(year, 12, 16),
    ];
    if year <= 2025 {
        v.push(d(year, 8, 30));
    }
    if year >= 2027 {
        v.push(d(year, 3, 15));
    }
    if year >= 2022 {
        v.push(d(year, 10, 25));
    }
    if year <= 2021 {
        v.push(d(year, 12, 1));
        v.push(d(year, 12, 17));
    }
    v
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Days off in `year`, weekends excluded: holidays, their carried-over weekdays, 7 January and
/// Kurban Ait (which never carry over).
fn days_off(year: i32) -> Vec<NaiveDate> {
    let mut off: Vec<NaiveDate> = Vec::new();
    for h in fixed_holidays(year) {
        if is_weekend(h) {
            let mut next = h + Duration::days(1);
            while is_weekend(next) || off.contains(&next) || fixed_holidays(year).contains(&next) {
                next += Duration::days(1);
            }
            off.push(next);
        } else {
            off.push(h);
        }
    }
    off.push(d(year, 1, 7));
    off.extend(kurban_ait(year));
    off.sort();
    off.dedup();
    off
}

/// Working days for the range of years the generator touches, looked up without recomputing.
pub(crate) struct Calendar {
    first_year: i32,
    off: Vec<Vec<NaiveDate>>,
}

impl Calendar {
    pub(crate) fn new(first_year: i32, last_year: i32) -> Self {
        let off = (first_year..=last_year).map(days_off).collect();
        Self { first_year, off }
    }

    pub(crate) fn is_working(&self, day: NaiveDate) -> bool {
        if is_weekend(day) {
            return false;
        }
        let i = day.year() - self.first_year;
        if i < 0 || i as usize >= self.off.len() {
            return !days_off(day.year()).contains(&day);
        }
        self.off[i as usize].binary_search(&day).is_err()
    }

    /// The `n`-th working day after `from` (n = 0 gives `from` itself, or the next working day
    /// when `from` is a day off).
    pub(crate) fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        while !self.is_working(day) {
            day += Duration::days(1);
        }
        let mut left = n;
        while left > 0 {
            day += Duration::days(1);
            if self.is_working(day) {
                left -= 1;
            }
        }
        day
    }

    /// The first working day on or after `day`.
    pub(crate) fn next_working(&self, day: NaiveDate) -> NaiveDate {
        self.add_working_days(day, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekend_holiday_moves_to_monday() {
        let c = Calendar::new(2022, 2026);
        // 8 March 2025 is a Saturday: Monday 10 March is off.
        assert!(!c.is_working(d(2025, 3, 10)));
        // Kurban Ait 2024 fell on a Sunday and does not move.
        assert!(c.is_working(d(2024, 6, 17)));
        assert!(!c.is_working(d(2026, 5, 27)));
        assert!(c.is_working(d(2026, 8, 31)));
    }

    #[test]
    fn adding_working_days_skips_weekends() {
        let c = Calendar::new(2024, 2024);
        // Friday 5 April 2024 + 1 working day = Monday 8 April.
        assert_eq!(c.add_working_days(d(2024, 4, 5), 1), d(2024, 4, 8));
        assert_eq!(c.add_working_days(d(2024, 4, 6), 0), d(2024, 4, 8));
    }
}
