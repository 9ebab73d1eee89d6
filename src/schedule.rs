//! The Rules' deadlines: the para. 7 submission schedule, the para. 16 review limits of support
//! requests, the para. 4 registration limits and the para. 21 report deadline, all counted on
//! Kazakhstan's working-day calendar. The numbers live in `pipelines/schedule.toml`.

use crate::calendar::{Calendar, CalendarError};
use crate::contract::Frequency;
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportDeadline {
    /// `MM-DD` of the report year.
    pub deadline: String,
    pub margin_working_days: u32,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Senders {
    /// "accredited_centres" or "log".
    Rule(String),
    Listed(Vec<String>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    pub source: String,
    pub provider: String,
    pub frequency: Frequency,
    pub due_working_days: u32,
    pub senders: Senders,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub report: ReportDeadline,
    pub review_limits: BTreeMap<String, u32>,
    pub registration_limits: BTreeMap<String, u32>,
    #[serde(rename = "obligation")]
    pub obligations: Vec<Obligation>,
}

impl Schedule {
    pub fn load(path: &Path) -> Result<Schedule, ScheduleError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScheduleError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let invalid = |message: String| ScheduleError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let schedule: Schedule = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        schedule.report_deadline(2024).ok_or_else(|| {
            invalid(format!(
                "report.deadline `{}` is not MM-DD",
                schedule.report.deadline
            ))
        })?;
        for o in &schedule.obligations {
            if let Senders::Rule(r) = &o.senders
                && r != "accredited_centres"
                && r != "log"
            {
                return Err(invalid(format!(
                    "obligation `{}`: senders must be \"accredited_centres\", \"log\" or a list, not `{r}`",
                    o.source
                )));
            }
            if o.frequency == Frequency::OnChange {
                return Err(invalid(format!(
                    "obligation `{}`: \"on_change\" sources have no periodic deadline",
                    o.source
                )));
            }
        }
        Ok(schedule)
    }

    /// Para. 21's deadline in a year.
    pub fn report_deadline(&self, year: i32) -> Option<NaiveDate> {
        let (m, d) = self.report.deadline.split_once('-')?;
        NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)
    }
}

/// The periods of a year for a frequency: label (`2024-03`, `2024-Q1`, `2024-H2`, `2024`) and
/// the period's last day.
pub fn periods(frequency: Frequency, year: i32) -> Vec<(String, NaiveDate)> {
    let month_end = |m: u32| {
        let first_next = if m == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, m + 1, 1)
        };
        first_next.expect("valid month") - Days::new(1)
    };
    match frequency {
        Frequency::Monthly => (1..=12)
            .map(|m| (format!("{year}-{m:02}"), month_end(m)))
            .collect(),
        Frequency::Quarterly => (1..=4)
            .map(|q| (format!("{year}-Q{q}"), month_end(q * 3)))
            .collect(),
        Frequency::HalfYearly => (1..=2)
            .map(|h| (format!("{year}-H{h}"), month_end(h * 6)))
            .collect(),
        Frequency::Annual => vec![(year.to_string(), month_end(12))],
        Frequency::OnChange => Vec::new(),
    }
}

/// A submission the platform received (from the `submissions` log).
#[derive(Debug, Clone)]
pub struct Received {
    pub provider: String,
    pub sender: String,
    pub source: String,
    pub period: String,
    pub received: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTime,
    Late,
    Missing,
    NotYetDue,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::OnTime => "on time",
            Status::Late => "late",
            Status::Missing => "missing",
            Status::NotYetDue => "not yet due",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Expected {
    pub provider: String,
    pub source: String,
    pub sender: String,
    pub period: String,
    /// None when the due date lies beyond the calendar's last year.
    pub due: Option<NaiveDate>,
    pub received: Option<NaiveDate>,
    /// Working days after the due date (late ones only).
    pub days_late: Option<i64>,
    pub status: Status,
}

/// Which centres were accredited at a date, from the centres' monthly snapshots.
#[derive(Debug, Clone, Default)]
pub struct AccreditedCentres {
    /// Snapshot date → accredited BINs.
    pub snapshots: BTreeMap<NaiveDate, BTreeSet<String>>,
}

impl AccreditedCentres {
    /// The latest snapshot on or before `date` (or the first one, for dates before any).
    pub fn at(&self, date: NaiveDate) -> BTreeSet<String> {
        self.snapshots
            .range(..=date)
            .next_back()
            .or_else(|| self.snapshots.iter().next())
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    }
}

/// Every submission due for `year` under the schedule, and what became of it as of `as_of`.
pub fn assess_submissions(
    schedule: &Schedule,
    calendar: &Calendar,
    year: i32,
    as_of: NaiveDate,
    received: &[Received],
    centres: &AccreditedCentres,
) -> Result<Vec<Expected>, ScheduleError> {
    // The first submission counts: a later resend corrects data but does not make it on time.
    let mut first: BTreeMap<(&str, &str, &str, &str), NaiveDate> = BTreeMap::new();
    for r in received {
        let k = (
            r.provider.as_str(),
            r.source.as_str(),
            r.sender.as_str(),
            r.period.as_str(),
        );
        let e = first.entry(k).or_insert(r.received);
        *e = (*e).min(r.received);
    }
    let mut out = Vec::new();
    for o in &schedule.obligations {
        let logged: BTreeSet<String> = received
            .iter()
            .filter(|r| r.provider == o.provider && r.source == o.source)
            .map(|r| r.sender.clone())
            .collect();
        for (period, end) in periods(o.frequency, year) {
            let senders = match &o.senders {
                Senders::Listed(list) => list.iter().cloned().collect(),
                Senders::Rule(r) if r == "accredited_centres" => centres.at(end),
                Senders::Rule(_) => logged.clone(),
            };
            let due = match calendar.add_working_days(end, o.due_working_days) {
                Ok(d) => Some(d),
                Err(CalendarError::NotCovered { .. }) if end >= as_of => None,
                Err(e) => return Err(e.into()),
            };
            for sender in senders {
                let got = first
                    .get(&(
                        o.provider.as_str(),
                        o.source.as_str(),
                        sender.as_str(),
                        period.as_str(),
                    ))
                    .copied()
                    .filter(|d| *d <= as_of);
                let (status, days_late) = match (got, due) {
                    (Some(r), Some(d)) if r <= d => (Status::OnTime, None),
                    (Some(r), Some(d)) => (
                        Status::Late,
                        Some(calendar.working_days_between(d, r).unwrap_or_default()),
                    ),
                    (Some(_), None) => (Status::OnTime, None),
                    (None, Some(d)) if d < as_of => (Status::Missing, None),
                    (None, _) => (Status::NotYetDue, None),
                };
                out.push(Expected {
                    provider: o.provider.clone(),
                    source: o.source.clone(),
                    sender,
                    period: period.clone(),
                    due,
                    received: got,
                    days_late,
                    status,
                });
            }
        }
    }
    Ok(out)
}

/// The last working day `n` working days before `date` (or `date` itself, made a working
/// day by stepping back, when `n` is 0).
pub fn working_days_before(
    calendar: &Calendar,
    date: NaiveDate,
    n: u32,
) -> Result<NaiveDate, CalendarError> {
    let mut d = date;
    while !calendar.is_working(d)? {
        d = d - Days::new(1);
    }
    let mut left = n;
    while left > 0 {
        d = d - Days::new(1);
        if calendar.is_working(d)? {
            left -= 1;
        }
    }
    Ok(d)
}

/// How a support request's review went against the para. 16 limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub limit_working_days: u32,
    pub due: NaiveDate,
    /// Working days from submission to closing; None while open.
    pub working_days_taken: Option<i64>,
    /// None while the request is open and still within its limit.
    pub met: Option<bool>,
}

pub fn assess_review(
    schedule: &Schedule,
    calendar: &Calendar,
    category: &str,
    created: NaiveDate,
    closed: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Result<Option<Review>, CalendarError> {
    let Some(&limit) = schedule.review_limits.get(category) else {
        return Ok(None);
    };
    let due = calendar.add_working_days(created, limit)?;
    let (taken, met) = match closed {
        Some(c) => (
            Some(calendar.working_days_between(created, c)?),
            Some(c <= due),
        ),
        None => (None, (as_of > due).then_some(false)),
    };
    Ok(Some(Review {
        limit_working_days: limit,
        due,
        working_days_taken: taken,
        met,
    }))
}

/// Whether a registration met its para. 4 limit; None for parties without one (candidates).
pub fn assess_registration(
    schedule: &Schedule,
    calendar: &Calendar,
    party_kind: &str,
    trigger: NaiveDate,
    registered: NaiveDate,
) -> Result<Option<(u32, NaiveDate, bool)>, CalendarError> {
    let Some(&limit) = schedule.registration_limits.get(party_kind) else {
        return Ok(None);
    };
    let due = calendar.add_working_days(trigger, limit)?;
    Ok(Some((limit, due, registered <= due)))
}

/// The year a date's report concerns, for defaults: the analysis of year Y is written in Y.
pub fn report_year(as_of: NaiveDate) -> i32 {
    as_of.year()
}

/// The submission log and the centres' snapshots, as the lake holds them.
pub fn load_from_lake(
    conn: &duckdb::Connection,
) -> Result<(Vec<Received>, AccreditedCentres), duckdb::Error> {
    let mut received = Vec::new();
    let mut stmt = conn.prepare(
        "select provider, sender, source, period, received_date::varchar from submissions",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let day: String = r.get(4)?;
        if let Ok(received_date) = day.parse() {
            received.push(Received {
                provider: r.get(0)?,
                sender: r.get(1)?,
                source: r.get(2)?,
                period: r.get(3)?,
                received: received_date,
            });
        }
    }
    let mut centres = AccreditedCentres::default();
    let mut stmt =
        conn.prepare("select as_of::varchar, centre_bin from centres where status = 'accredited'")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let day: String = r.get(0)?;
        if let Ok(as_of) = day.parse() {
            centres
                .snapshots
                .entry(as_of)
                .or_default()
                .insert(r.get(1)?);
        }
    }
    Ok((received, centres))
}

fn view_exists(conn: &duckdb::Connection, name: &str) -> Result<bool, duckdb::Error> {
    conn.query_row(
        "select count(*) from information_schema.tables where table_name = ?",
        [name],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

fn dates(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
}

/// The tables `register_tables` fills, empty: the columns indicators may read from the
/// deadline checks.
pub const DERIVED_TABLES: &str = "
    create or replace table support_reviews (request_id varchar, category varchar,
        created_date date, closed_date date, limit_working_days integer, due_date date,
        working_days_taken integer, met boolean);
    create or replace table registration_checks (registration_id varchar, party_kind varchar,
        trigger_date date, registration_date date, limit_working_days integer, due_date date,
        met boolean);
    create or replace table submission_status (year integer, provider varchar, source varchar,
        sender varchar, period varchar, due_date date, received_date date, days_late integer,
        status varchar);";

/// The deadline tables indicators read: `support_reviews` (para. 16), `registration_checks`
/// (para. 4) and `submission_status` (para. 7, for each of `years`), judged as of `as_of`.
/// A deadline that falls beyond the calendar is left empty rather than guessed.
pub fn register_tables(
    conn: &duckdb::Connection,
    schedule: &Schedule,
    calendar: &Calendar,
    years: std::ops::RangeInclusive<i32>,
    as_of: NaiveDate,
) -> Result<(), ScheduleError> {
    let duck = |e: duckdb::Error| ScheduleError::Invalid {
        path: PathBuf::from("lake"),
        message: e.to_string(),
    };
    conn.execute_batch(DERIVED_TABLES).map_err(duck)?;
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string());

    if view_exists(conn, "support_requests").map_err(duck)? {
        let mut stmt = conn
            .prepare(
                "select request_id, category, created_date::varchar, closed_date::varchar                  from support_requests order by request_id",
            )
            .map_err(duck)?;
        let mut rows = stmt.query([]).map_err(duck)?;
        let mut app = conn.appender("support_reviews").map_err(duck)?;
        while let Some(r) = rows.next().map_err(duck)? {
            let id: String = r.get(0).map_err(duck)?;
            let category: String = r.get(1).map_err(duck)?;
            let Some(created) = dates(r.get(2).map_err(duck)?) else {
                continue;
            };
            let closed = dates(r.get(3).map_err(duck)?);
            let review = match assess_review(schedule, calendar, &category, created, closed, as_of)
            {
                Ok(r) => r,
                Err(CalendarError::NotCovered { .. }) => None,
                Err(e) => return Err(e.into()),
            };
            app.append_row(duckdb::params![
                id,
                category,
                created.to_string(),
                day(closed),
                review.as_ref().map(|r| r.limit_working_days),
                review.as_ref().map(|r| r.due.to_string()),
                review.as_ref().and_then(|r| r.working_days_taken),
                review.as_ref().and_then(|r| r.met),
            ])
            .map_err(duck)?;
        }
    }

    if view_exists(conn, "registrations").map_err(duck)? {
        let mut stmt = conn
            .prepare(
                "select registration_id, party_kind, trigger_date::varchar, registration_date::varchar                  from registrations order by registration_id",
            )
            .map_err(duck)?;
        let mut rows = stmt.query([]).map_err(duck)?;
        let mut app = conn.appender("registration_checks").map_err(duck)?;
        while let Some(r) = rows.next().map_err(duck)? {
            let id: String = r.get(0).map_err(duck)?;
            let kind: String = r.get(1).map_err(duck)?;
            let (Some(trigger), Some(registered)) = (
                dates(r.get(2).map_err(duck)?),
                dates(r.get(3).map_err(duck)?),
            ) else {
                continue;
            };
            let check = match assess_registration(schedule, calendar, &kind, trigger, registered) {
                Ok(c) => c,
                Err(CalendarError::NotCovered { .. }) => None,
                Err(e) => return Err(e.into()),
            };
            app.append_row(duckdb::params![
                id,
                kind,
                trigger.to_string(),
                registered.to_string(),
                check.map(|c| c.0),
                check.map(|c| c.1.to_string()),
                check.map(|c| c.2),
            ])
            .map_err(duck)?;
        }
    }

    if view_exists(conn, "submissions").map_err(duck)? {
        let (received, centres) = if view_exists(conn, "centres").map_err(duck)? {
            load_from_lake(conn).map_err(duck)?
        } else {
            (Vec::new(), AccreditedCentres::default())
        };
        let mut app = conn.appender("submission_status").map_err(duck)?;
        // Before the log's first submission the platform was not collecting: nothing was
        // "missing" then.
        let first_year = received.iter().map(|r| r.received.year()).min();
        for year in years.filter(|y| first_year.is_some_and(|f| *y >= f)) {
            for e in assess_submissions(schedule, calendar, year, as_of, &received, &centres)? {
                let status = serde_json::to_value(e.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string));
                app.append_row(duckdb::params![
                    year,
                    e.provider,
                    e.source,
                    e.sender,
                    e.period,
                    day(e.due),
                    day(e.received),
                    e.days_late,
                    status,
                ])
                .map_err(duck)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule() -> Schedule {
        Schedule::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/schedule.toml"))
            .unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_cover_the_year() {
        assert_eq!(periods(Frequency::Monthly, 2024).len(), 12);
        assert_eq!(
            periods(Frequency::Monthly, 2024)[1],
            ("2024-02".into(), d("2024-02-29"))
        );
        assert_eq!(
            periods(Frequency::Quarterly, 2024)[3],
            ("2024-Q4".into(), d("2024-12-31"))
        );
        assert_eq!(
            periods(Frequency::HalfYearly, 2024)[0],
            ("2024-H1".into(), d("2024-06-30"))
        );
        assert_eq!(
            periods(Frequency::Annual, 2024),
            vec![("2024".into(), d("2024-12-31"))]
        );
    }

    #[test]
    fn support_review_limits_follow_para_16() {
        let s = schedule();
        let cal = Calendar::embedded();
        // Thursday 20 March 2025: Nauryz makes 21, 24 and 25 March days off (22 and 23 fell
        // on the weekend), so 3 working days end on Friday 28 March.
        let r = assess_review(
            &s,
            &cal,
            "standard",
            d("2025-03-20"),
            Some(d("2025-03-27")),
            d("2025-12-01"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.due, d("2025-03-28"));
        assert_eq!(r.met, Some(true));
        assert_eq!(r.working_days_taken, Some(2));
        let r = assess_review(
            &s,
            &cal,
            "standard",
            d("2025-03-20"),
            Some(d("2025-03-31")),
            d("2025-12-01"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.met, Some(false));
        let r = assess_review(
            &s,
            &cal,
            "platform_functioning",
            d("2025-03-20"),
            None,
            d("2025-03-25"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.limit_working_days, 20);
        assert_eq!(r.met, None);
        let r = assess_review(
            &s,
            &cal,
            "software_defect",
            d("2025-03-20"),
            None,
            d("2025-12-01"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.met, Some(false));
    }

    #[test]
    fn registration_limits_follow_para_4() {
        let s = schedule();
        let cal = Calendar::embedded();
        let (limit, due, met) =
            assess_registration(&s, &cal, "centre", d("2025-12-12"), d("2025-12-19"))
                .unwrap()
                .unwrap();
        // 16 December is Independence Day: five working days after Friday 12 December end on
        // Monday 22 December.
        assert_eq!((limit, due, met), (5, d("2025-12-22"), true));
        assert_eq!(
            assess_registration(&s, &cal, "candidate", d("2025-01-10"), d("2025-05-01")).unwrap(),
            None
        );
    }

    #[test]
    fn submissions_are_on_time_late_missing_or_not_yet_due() {
        let s = schedule();
        let cal = Calendar::embedded();
        let mut centres = AccreditedCentres::default();
        centres
            .snapshots
            .insert(d("2026-01-31"), ["A".to_string(), "B".to_string()].into());
        let got = |sender: &str, period: &str, day: &str| Received {
            provider: "recognition_centres".into(),
            sender: sender.into(),
            source: "recognition_results".into(),
            period: period.into(),
            received: d(day),
        };
        let received = vec![
            got("A", "2026-01", "2026-02-05"),
            got("A", "2026-02", "2026-04-01"),
            got("A", "2026-02", "2026-03-02"),
            got("B", "2026-01", "2026-03-20"),
        ];
        let all = assess_submissions(&s, &cal, 2026, d("2026-04-01"), &received, &centres).unwrap();
        let find = |sender: &str, period: &str| {
            all.iter()
                .find(|e| {
                    e.source == "recognition_results" && e.sender == sender && e.period == period
                })
                .unwrap()
        };
        assert_eq!(find("A", "2026-01").status, Status::OnTime);
        // The first of two sendings counts.
        assert_eq!(find("A", "2026-02").received, Some(d("2026-03-02")));
        assert_eq!(find("B", "2026-01").status, Status::Late);
        assert_eq!(find("B", "2026-02").status, Status::Missing);
        assert_eq!(find("A", "2026-03").status, Status::NotYetDue);
        // December's due date lies in 2027, beyond the calendar: not yet due, not an error.
        assert_eq!(find("A", "2026-12").due, None);
    }

    #[test]
    fn the_last_day_to_run_leaves_the_margin() {
        let cal = Calendar::embedded();
        // 15 December 2026 is a Tuesday; five working days before is Tuesday 8 December.
        assert_eq!(
            working_days_before(&cal, d("2026-12-15"), 5).unwrap(),
            d("2026-12-08")
        );
        // A deadline on a Sunday counts back from the Friday before.
        assert_eq!(
            working_days_before(&cal, d("2024-12-15"), 0).unwrap(),
            d("2024-12-13")
        );
    }
}
