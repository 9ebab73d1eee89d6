//! The generator's view of the project's production calendar ([`crate::calendar::Calendar`],
//! with its provisional years), so that generated dates fall on the side of the para. 4 and
//! para. 16 limits the analysis will find, counted the way the analysis counts them.
//!
//! The generator also draws a few dates outside the calendar's years (accreditations back-dated
//! to 2018, accreditation renewals a year after the extract date). The calendar does not know
//! those years' holidays, so there only Saturday and Sunday are days off. No deadline the
//! analysis checks is counted from such a date: [`super::generate`] keeps the generated years
//! and the extract date inside the calendar, and the para. 4 triggers start at the platform's
//! launch.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::calendar::Calendar;

pub(crate) struct WorkingDays {
    calendar: Calendar,
}

impl WorkingDays {
    /// The calendar compiled into the binary.
    pub(crate) fn embedded() -> Self {
        Self {
            calendar: Calendar::embedded(),
        }
    }

    pub(crate) fn is_working(&self, day: NaiveDate) -> bool {
        match self.calendar.is_working(day) {
            Ok(working) => working,
            Err(_) => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`-th working day after the first working day on or after `from`: `from` itself
    /// when it is a working day and `n` is 0. A day off is first moved to the next working day,
    /// which then counts as day 0, so that a request received on a Saturday and closed "within
    /// k working days" of the generator is closed within k + 1 of the Rules' count.
    pub(crate) fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let start = self.next_working(from);
        if n == 0 {
            return start;
        }
        if let Ok(due) = self.calendar.add_working_days(start, n) {
            return due;
        }
        // The count runs out of the calendar: walk on with the weekend-only rule above.
        let mut day = start;
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
        let mut d = day;
        while !self.is_working(d) {
            d += Duration::days(1);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn follows_the_decrees_the_old_approximation_did_not_know() {
        let w = WorkingDays::embedded();
        // Friday 3 January 2025 was made a day off and Sunday 5 January a working day.
        assert!(!w.is_working(d("2025-01-03")));
        assert!(w.is_working(d("2025-01-05")));
        assert_eq!(w.next_working(d("2025-01-03")), d("2025-01-05"));
        // Saturday 4 May 2024 was worked; 7-9 May off.
        assert_eq!(w.add_working_days(d("2024-05-03"), 1), d("2024-05-04"));
        assert_eq!(w.add_working_days(d("2024-05-03"), 2), d("2024-05-06"));
        assert_eq!(w.add_working_days(d("2024-05-06"), 1), d("2024-05-10"));
    }

    #[test]
    fn a_day_off_is_first_moved_to_the_next_working_day() {
        let w = WorkingDays::embedded();
        // Saturday 6 April 2024: Monday 8 April is day 0, Tuesday day 1.
        assert_eq!(w.add_working_days(d("2024-04-06"), 0), d("2024-04-08"));
        assert_eq!(w.add_working_days(d("2024-04-06"), 1), d("2024-04-09"));
        // A working Friday is day 0 itself.
        assert_eq!(w.add_working_days(d("2024-04-05"), 0), d("2024-04-05"));
        assert_eq!(w.add_working_days(d("2024-04-05"), 1), d("2024-04-08"));
        // So a generated delay k < limit always meets the Rules' count, from any day.
        let cal = Calendar::embedded();
        let mut day = d("2026-11-01");
        while day <= d("2026-12-31") {
            for (k, limit) in [(2u32, 3u32), (9, 10), (19, 20)] {
                let closed = w.add_working_days(day, k);
                assert!(
                    closed <= cal.add_working_days(day, limit).unwrap(),
                    "{day} + {k}"
                );
            }
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn the_provisional_year_is_used_and_outside_only_weekends_are_off() {
        let w = WorkingDays::embedded();
        assert_eq!(Calendar::embedded().covered_years(), (2019, 2027));
        // 15 March 2027, Constitution Day, from the provisional 2027.
        assert!(!w.is_working(d("2027-03-15")));
        assert_eq!(w.next_working(d("2027-03-13")), d("2027-03-16"));
        // 2018 and 2028 are outside: 8 March 2018 (a Thursday holiday) counts as working.
        assert!(w.is_working(d("2018-03-08")));
        assert!(!w.is_working(d("2018-03-10")));
        // A count running off the end of 2027 goes on over weekdays.
        assert_eq!(w.add_working_days(d("2027-12-30"), 3), d("2028-01-04"));
    }
}
