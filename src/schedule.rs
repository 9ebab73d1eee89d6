//! The Rules' deadlines: the para. 7 submission schedule, the para. 16 review limits of support
//! requests, the para. 4 registration limits and the para. 21 report deadline, all counted on
//! Kazakhstan's working-day calendar. The numbers live in `pipelines/schedule.toml`.
//!
//! A deadline counted into a provisional calendar year (one whose decree or order moving days
//! off is not yet on record, see [`crate::calendar`]) carries `provisional = true`: in
//! [`Expected`], [`Review`], [`RegistrationCheck`] and the `provisional` column of the deadline
//! tables [`register_tables`] writes.
//!
//! The Rules change: an obligation may be in force only from or until a date (Order No. 129 of
//! 10 April 2026, in force 12 July 2026, gives para. 7 subpara. 3 a new wording). A period is
//! expected under an obligation only when its due date falls while the obligation is in force:
//! whether a submission is on time is decided on the due date, under the rule in force that day.

use crate::calendar::{Calendar, CalendarError};
use crate::contract::Frequency;
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("reading the editions of {year}")]
    Editions {
        year: i32,
        #[source]
        source: Box<crate::edition::EditionError>,
    },
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
    /// First day the obligation is in force (a TOML date); None: since the Rules began.
    #[serde(default, deserialize_with = "toml_date")]
    pub in_force_from: Option<NaiveDate>,
    /// The act that put it in force on `in_force_from`; required with it.
    pub in_force_from_act: Option<String>,
    /// Last day the obligation is in force, inclusive; None: still in force.
    #[serde(default, deserialize_with = "toml_date")]
    pub in_force_until: Option<NaiveDate>,
    /// The act that ended it after `in_force_until`; required with it.
    pub in_force_until_act: Option<String>,
}

impl Obligation {
    /// Whether the obligation is in force on `d` (both bounds inclusive).
    pub fn in_force_on(&self, d: NaiveDate) -> bool {
        self.in_force_from.is_none_or(|f| f <= d) && self.in_force_until.is_none_or(|u| d <= u)
    }

    /// Whether the two obligations' times in force share a day.
    fn overlaps(&self, other: &Obligation) -> bool {
        let starts_before_end =
            |a: &Obligation, b: &Obligation| match (a.in_force_from, b.in_force_until) {
                (Some(f), Some(u)) => f <= u,
                _ => true,
            };
        starts_before_end(self, other) && starts_before_end(other, self)
    }
}

/// A plain TOML date (`2026-07-12`, no quotes); a time of day or offset is refused.
fn toml_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    use serde::de::Error;
    let Some(dt) = Option::<toml::value::Datetime>::deserialize(d)? else {
        return Ok(None);
    };
    match (dt.date, dt.time, dt.offset) {
        (Some(day), None, None) => NaiveDate::from_ymd_opt(
            i32::from(day.year),
            u32::from(day.month),
            u32::from(day.day),
        )
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("{dt} is not a calendar date"))),
        _ => Err(D::Error::custom(format!(
            "expected a plain date like 2026-07-12, found {dt}"
        ))),
    }
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
    /// Reads and checks `schedule.toml`. Fails with [`ScheduleError::Invalid`] on a file that
    /// does not parse or contradicts itself: an `in_force_from` after its `in_force_until`, a
    /// date without the act that set it, two entries for one source and provider in force on
    /// the same day.
    pub fn load(path: &Path) -> Result<Schedule, ScheduleError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScheduleError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// [`Schedule::load`] on text already read; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Schedule, ScheduleError> {
        let invalid = |message: String| ScheduleError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let schedule: Schedule = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
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
            let name = format!("obligation `{}` of `{}`", o.source, o.provider);
            if let (Some(f), Some(u)) = (o.in_force_from, o.in_force_until)
                && f > u
            {
                return Err(invalid(format!(
                    "{name}: in_force_from {f} is after in_force_until {u}"
                )));
            }
            for (field, date, act) in [
                ("in_force_from", o.in_force_from, &o.in_force_from_act),
                ("in_force_until", o.in_force_until, &o.in_force_until_act),
            ] {
                match (date, act) {
                    (Some(_), None) => {
                        return Err(invalid(format!(
                            "{name}: {field} needs {field}_act, the act that set it"
                        )));
                    }
                    (None, Some(_)) => {
                        return Err(invalid(format!("{name}: {field}_act without {field}")));
                    }
                    _ => {}
                }
            }
        }
        // Two entries for the same source and provider in force on the same day would expect
        // every period twice.
        for (i, a) in schedule.obligations.iter().enumerate() {
            for b in &schedule.obligations[..i] {
                if a.source == b.source && a.provider == b.provider && a.overlaps(b) {
                    return Err(invalid(format!(
                        "obligation `{}` of `{}` is listed twice with times in force that \
                         overlap; give them in_force_until / in_force_from dates that do not",
                        a.source, a.provider
                    )));
                }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// The due date (or the days late) was counted on a provisional calendar year: no decree
    /// or order moving days off is on record for it yet, so it may move.
    pub provisional: bool,
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
///
/// A period is expected under an obligation only when its due date falls while the
/// obligation is in force; a period whose due date lies beyond the calendar is kept (as not
/// yet due) unless the obligation ended before the period did.
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
            let expected = match due {
                Some(d) => o.in_force_on(d),
                // The due date comes after `end`: if the obligation had ended by then, it ended
                // before the due date too; otherwise it cannot be told yet.
                None => o.in_force_until.is_none_or(|u| end <= u),
            };
            if !expected {
                continue;
            }
            let due_provisional = match due {
                Some(d) => calendar.is_provisional(d)?,
                None => false,
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
                    // A late count runs to the receipt date, after the due date.
                    provisional: due_provisional
                        || (status == Status::Late
                            && got.is_some_and(|r| calendar.is_provisional(r).unwrap_or(false))),
                });
            }
        }
    }
    Ok(out)
}

/// The note `nqs schedule` prints under its table when any due date rests on a provisional
/// calendar year, or None when none does. Names the years and how many due dates.
pub fn provisional_note(calendar: &Calendar, expected: &[Expected]) -> Option<String> {
    let provisional: Vec<&Expected> = expected.iter().filter(|e| e.provisional).collect();
    if provisional.is_empty() {
        return None;
    }
    let years: BTreeSet<i32> = provisional
        .iter()
        .flat_map(|e| e.due.into_iter().chain(e.received))
        .filter(|d| calendar.is_provisional(*d).unwrap_or(false))
        .map(|d| d.year())
        .collect();
    let years: Vec<String> = years.iter().map(i32::to_string).collect();
    Some(format!(
        "Note: {} due dates are counted into {}, whose calendar is provisional: no \
         decree or order moving days off is on record for it yet, so they follow the Law on \
         holidays alone and may move when one is issued (datasets/calendar/README.md).",
        provisional.len(),
        years.join(", ")
    ))
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
    /// The due date lies in a provisional calendar year, or the working days taken were
    /// counted into one: either may move when that year's order moving days off is issued.
    pub provisional: bool,
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
    let provisional = calendar.is_provisional(due)?
        || match closed {
            Some(c) => calendar.is_provisional(c)?,
            None => false,
        };
    Ok(Some(Review {
        limit_working_days: limit,
        due,
        working_days_taken: taken,
        met,
        provisional,
    }))
}

/// A registration against its para. 4 limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RegistrationCheck {
    pub limit_working_days: u32,
    pub due: NaiveDate,
    pub met: bool,
    /// The due date lies in a provisional calendar year and may move.
    pub provisional: bool,
}

/// Whether a registration met its para. 4 limit; None for parties without one (candidates).
pub fn assess_registration(
    schedule: &Schedule,
    calendar: &Calendar,
    party_kind: &str,
    trigger: NaiveDate,
    registered: NaiveDate,
) -> Result<Option<RegistrationCheck>, CalendarError> {
    let Some(&limit) = schedule.registration_limits.get(party_kind) else {
        return Ok(None);
    };
    let due = calendar.add_working_days(trigger, limit)?;
    Ok(Some(RegistrationCheck {
        limit_working_days: limit,
        due,
        met: registered <= due,
        provisional: calendar.is_provisional(due)?,
    }))
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

/// The tables `register_tables` fills, empty: the columns indicators may read from the
/// deadline checks.
pub const DERIVED_TABLES: &str = "
    create or replace table support_reviews (request_id varchar, category varchar,
        created_date date, closed_date date, limit_working_days integer, due_date date,
        working_days_taken integer, met boolean, provisional boolean);
    create or replace table registration_checks (registration_id varchar, party_kind varchar,
        trigger_date date, registration_date date, limit_working_days integer, due_date date,
        met boolean, provisional boolean);
    create or replace table submission_status (year integer, provider varchar, source varchar,
        sender varchar, period varchar, due_date date, received_date date, days_late integer,
        status varchar, provisional boolean);";

/// The working-day calendar and the para. 4 and 16 limits as tables, for the deadline SQL:
/// `calendar_days(day, working, working_index, provisional)` (every covered day; see
/// [`Calendar::days`]), `working_days(working_index, day, provisional)` (the working days
/// alone, one per index), `review_limits(category, working_days)` and
/// `registration_limits(party_kind, working_days)` from `pipelines/schedule.toml`.
fn register_calendar(
    conn: &duckdb::Connection,
    schedule: &Schedule,
    calendar: &Calendar,
) -> Result<(), duckdb::Error> {
    conn.execute_batch(
        "create or replace table calendar_days (day date, working boolean,
             working_index integer, provisional boolean);
         create or replace table review_limits (category varchar, working_days integer);
         create or replace table registration_limits (party_kind varchar, working_days integer);",
    )?;
    let mut app = conn.appender("calendar_days")?;
    for (day, working, index, provisional) in calendar.days() {
        app.append_row(duckdb::params![
            day.to_string(),
            working,
            index,
            provisional
        ])?;
    }
    drop(app);
    for (table, limits) in [
        ("review_limits", &schedule.review_limits),
        ("registration_limits", &schedule.registration_limits),
    ] {
        let mut app = conn.appender(table)?;
        for (key, n) in limits {
            app.append_row(duckdb::params![key, n])?;
        }
    }
    conn.execute_batch(
        "create or replace table working_days as
             select working_index, day, provisional from calendar_days where working;",
    )
}

/// Para. 16: each support request (with a creation date) against its category's limit, as
/// `Calendar::add_working_days` and `assess_review` judge it, by joins on the calendar's
/// working-day index. The due date is the working day whose index is the creation day's plus
/// the limit (the creation day itself when the limit is 0); a request whose category has no
/// limit, or whose creation, due or closing day the calendar does not cover, has no review.
/// `{as_of}`: the judging day (an open request is late once the judging day is past its due).
const SUPPORT_REVIEWS_SQL: &str = "
    insert into support_reviews
    with r as (
        select s.request_id, s.category, s.created_date, s.closed_date,
               l.working_days as lim, c.working_index as created_index,
               c.provisional as created_provisional,
               cc.working_index as closed_index, cc.provisional as closed_provisional
        from support_requests s
        left join review_limits l on l.category = s.category
        left join calendar_days c on c.day = s.created_date
        left join calendar_days cc on cc.day = s.closed_date
        where s.created_date is not null
    ), d as (
        select r.*,
               case when lim = 0 then created_date else w.day end as due,
               case when lim = 0 then created_provisional else w.provisional end as due_provisional,
               lim is not null and created_index is not null
                   and (lim = 0 or w.day is not null)
                   and (closed_date is null or closed_index is not null) as judged
        from r
        left join working_days w on w.working_index = r.created_index + r.lim and r.lim > 0
    )
    select request_id, category, created_date, closed_date,
           case when judged then lim end,
           case when judged then due end,
           case when judged then closed_index - created_index end,
           case when not judged then null
                when closed_date is not null then closed_date <= due
                when date '{as_of}' > due then false end,
           case when judged then due_provisional or coalesce(closed_provisional, false) end
    from d
    order by request_id;";

/// The para. 16 statement filling `support_reviews`, judged as of `as_of`.
pub fn support_reviews_sql(as_of: NaiveDate) -> String {
    SUPPORT_REVIEWS_SQL.replace("{as_of}", &as_of.to_string())
}

/// Para. 4: each registration (with both days) against its party kind's limit, as
/// `assess_registration` judges it: the due date is the working day whose index is the
/// trigger day's plus the limit; none when the kind has no limit or the calendar does not
/// cover the trigger or the due day.
pub const REGISTRATION_CHECKS_SQL: &str = "
    insert into registration_checks
    with r as (
        select g.registration_id, g.party_kind, g.trigger_date, g.registration_date,
               l.working_days as lim, c.working_index as trigger_index,
               c.provisional as trigger_provisional
        from registrations g
        left join registration_limits l on l.party_kind = g.party_kind
        left join calendar_days c on c.day = g.trigger_date
        where g.trigger_date is not null and g.registration_date is not null
    ), d as (
        select r.*,
               case when lim = 0 then trigger_date else w.day end as due,
               case when lim = 0 then trigger_provisional else w.provisional end as due_provisional,
               lim is not null and trigger_index is not null
                   and (lim = 0 or w.day is not null) as judged
        from r
        left join working_days w on w.working_index = r.trigger_index + r.lim and r.lim > 0
    )
    select registration_id, party_kind, trigger_date, registration_date,
           case when judged then lim end,
           case when judged then due end,
           case when judged then registration_date <= due end,
           case when judged then due_provisional end
    from d
    order by registration_id;";

/// The deadline tables indicators read: `support_reviews` (para. 16), `registration_checks`
/// (para. 4) and `submission_status` (para. 7, for each of `years`), judged as of `as_of`.
/// A deadline that falls beyond the calendar is left empty rather than guessed; one counted
/// into a provisional calendar year has `provisional = true` (null where there is no deadline).
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

    register_calendar(conn, schedule, calendar).map_err(duck)?;
    if view_exists(conn, "support_requests").map_err(duck)? {
        conn.execute_batch(&support_reviews_sql(as_of))
            .map_err(duck)?;
    }
    if view_exists(conn, "registrations").map_err(duck)? {
        conn.execute_batch(REGISTRATION_CHECKS_SQL).map_err(duck)?;
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
                    e.provisional,
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

    fn expected(status: Status, due: Option<&str>) -> Expected {
        Expected {
            provider: "p".into(),
            source: "s".into(),
            sender: "x".into(),
            period: "2026-11".into(),
            due: due.map(d),
            received: None,
            days_late: None,
            status,
            provisional: false,
        }
    }

    #[test]
    fn still_due_splits_what_the_run_waits_for_from_what_comes_after_it() {
        let subs = [
            expected(Status::Missing, Some("2026-10-15")),
            expected(Status::OnTime, Some("2026-10-15")),
            expected(Status::NotYetDue, Some("2026-12-03")),
            expected(Status::NotYetDue, Some("2026-12-08")),
            expected(Status::NotYetDue, Some("2026-12-09")),
            expected(Status::NotYetDue, None),
        ];
        let due = still_due(&subs, d("2026-12-08"), false);
        assert_eq!(
            due,
            StillDue {
                missing: 1,
                due_by_run: 2,
                last_due_by_run: Some(d("2026-12-08")),
                due_after_run: 2,
                edition: true,
            }
        );
        assert!(!still_due(&subs, d("2026-12-08"), true).edition);
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
        let c = assess_registration(&s, &cal, "centre", d("2025-12-12"), d("2025-12-19"))
            .unwrap()
            .unwrap();
        // 16 December is Independence Day: five working days after Friday 12 December end on
        // Monday 22 December.
        assert_eq!(
            (c.limit_working_days, c.due, c.met, c.provisional),
            (5, d("2025-12-22"), true, false)
        );
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
        assert!(!find("A", "2026-11").provisional);
        // December's due date lies in 2027, whose calendar is provisional: 1 January, Monday
        // 4 January (for Saturday 2 January) and 7 January are off, so the tenth working day
        // is 19 January.
        let december = find("A", "2026-12");
        assert_eq!(december.due, Some(d("2027-01-19")));
        assert!(december.provisional);
        assert_eq!(december.status, Status::NotYetDue);
        let note = provisional_note(&cal, &all).expect("a note");
        let n = all.iter().filter(|e| e.provisional).count();
        assert!(n >= 2, "{n}");
        assert!(note.starts_with(&format!("Note: {n} due dates")), "{note}");
        assert!(note.contains("2027"), "{note}");
        // A year whose due dates all fall in decreed years has no note.
        let y2025 =
            assess_submissions(&s, &cal, 2025, d("2026-04-01"), &received, &centres).unwrap();
        assert!(y2025.iter().all(|e| !e.provisional));
        assert_eq!(provisional_note(&cal, &y2025), None);
    }

    #[test]
    fn a_late_receipt_counted_into_a_provisional_year_is_provisional() {
        let s = schedule();
        let cal = Calendar::embedded();
        let mut centres = AccreditedCentres::default();
        centres
            .snapshots
            .insert(d("2026-01-31"), ["A".to_string()].into());
        // November 2026 is due on 14 December 2026 (decreed), received in January 2027: the
        // days late are counted across provisional days.
        let received = vec![Received {
            provider: "recognition_centres".into(),
            sender: "A".into(),
            source: "recognition_results".into(),
            period: "2026-11".into(),
            received: d("2027-01-08"),
        }];
        let all = assess_submissions(&s, &cal, 2026, d("2027-02-01"), &received, &centres).unwrap();
        let nov = all
            .iter()
            .find(|e| e.source == "recognition_results" && e.period == "2026-11")
            .unwrap();
        assert_eq!(nov.due, Some(d("2026-12-14")));
        assert_eq!(nov.status, Status::Late);
        // 15, 17, 18, 21-25, 28-31 December, 5, 6, 8 January: 15 working days late.
        assert_eq!(nov.days_late, Some(15));
        assert!(nov.provisional);
        let oct = all
            .iter()
            .find(|e| e.source == "recognition_results" && e.period == "2026-10")
            .unwrap();
        assert_eq!(oct.status, Status::Missing);
        assert!(!oct.provisional);
    }

    #[test]
    fn reviews_and_registrations_due_in_a_provisional_year_say_so() {
        let s = schedule();
        let cal = Calendar::embedded();
        // Monday 14 December 2026, platform functioning: 20 working days end on 15 January
        // 2027 (12 in December, then 5, 6, 8, 11-15 January).
        let r = assess_review(
            &s,
            &cal,
            "platform_functioning",
            d("2026-12-14"),
            None,
            d("2026-12-20"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.due, d("2027-01-15"));
        assert!(r.provisional);
        assert_eq!(r.met, None);
        // Within December: decreed, not provisional.
        let r = assess_review(
            &s,
            &cal,
            "standard",
            d("2026-12-14"),
            Some(d("2026-12-17")),
            d("2026-12-20"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.due, d("2026-12-18"));
        assert!(!r.provisional);
        // Due in December but closed in January: the working days taken cross 2027.
        let r = assess_review(
            &s,
            &cal,
            "standard",
            d("2026-12-14"),
            Some(d("2027-01-05")),
            d("2027-02-01"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.met, Some(false));
        assert!(r.provisional);
        // A centre accredited on Wednesday 23 December 2026 registers within 5 working days:
        // 24, 25, 28, 29, 30 December, all decreed.
        let c = assess_registration(&s, &cal, "centre", d("2026-12-23"), d("2026-12-30"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (c.due, c.met, c.provisional),
            (d("2026-12-30"), true, false)
        );
        // A state body with 10 from the same day runs into 2027: 24-31 December give six,
        // then 5, 6, 8 and 11 January.
        let c = assess_registration(&s, &cal, "state_body", d("2026-12-23"), d("2027-01-04"))
            .unwrap()
            .unwrap();
        assert_eq!((c.due, c.met, c.provisional), (d("2027-01-11"), true, true));
    }

    const ONE_SOURCE: &str = r#"
[report]
deadline = "12-15"
margin_working_days = 5
[review_limits]
standard = 3
platform_functioning = 20
[registration_limits]
centre = 5
state_body = 10
"#;

    fn parse(text: &str) -> Result<Schedule, ScheduleError> {
        Schedule::parse(text, Path::new("test.toml"))
    }

    fn obligation(extra: &str) -> String {
        format!(
            "{ONE_SOURCE}\n[[obligation]]\nsource = \"centres\"\nprovider = \"national_chamber\"\n\
             frequency = \"monthly\"\ndue_working_days = 10\nsenders = [\"X\"]\n{extra}\n"
        )
    }

    fn expected_periods(s: &Schedule, year: i32) -> Vec<String> {
        assess_submissions(
            s,
            &Calendar::embedded(),
            year,
            d("2027-06-30"),
            &[],
            &AccreditedCentres::default(),
        )
        .unwrap()
        .into_iter()
        .map(|e| e.period)
        .collect()
    }

    #[test]
    fn obligations_apply_only_while_in_force() {
        const ACT: &str = "Order No. 129 of 10 April 2026";
        // June 2026 is due on Wednesday 15 July 2026 (10 working days after 30 June, 6 July
        // off), May on Friday 12 June.
        let from = parse(&obligation(&format!(
            "in_force_from = 2026-07-12\nin_force_from_act = \"{ACT}\""
        )))
        .unwrap();
        assert_eq!(from.obligations[0].in_force_from, Some(d("2026-07-12")));
        let periods: Vec<String> = (6..=12).map(|m| format!("2026-{m:02}")).collect();
        assert_eq!(expected_periods(&from, 2026), periods);
        assert!(expected_periods(&from, 2025).is_empty());
        let until = parse(&obligation(&format!(
            "in_force_until = 2026-07-11\nin_force_until_act = \"{ACT}\""
        )))
        .unwrap();
        let periods: Vec<String> = (1..=5).map(|m| format!("2026-{m:02}")).collect();
        assert_eq!(expected_periods(&until, 2026), periods);
        assert!(expected_periods(&until, 2027).is_empty());
        assert_eq!(expected_periods(&until, 2025).len(), 12);
        // Both bounds are days in force: a due date on either one is expected.
        let exact = parse(&obligation(&format!(
            "in_force_from = 2026-07-15\nin_force_from_act = \"{ACT}\"\n\
             in_force_until = 2026-07-15\nin_force_until_act = \"{ACT}\""
        )))
        .unwrap();
        assert_eq!(expected_periods(&exact, 2026), ["2026-06"]);
        // Without dates: every period, as before.
        assert_eq!(
            expected_periods(&parse(&obligation("")).unwrap(), 2026).len(),
            12
        );
    }

    #[test]
    fn in_force_dates_are_checked_at_load() {
        let err = |extra: &str| parse(&obligation(extra)).unwrap_err().to_string();
        let e = err("in_force_from = 2026-07-12\nin_force_from_act = \"a\"\n\
                     in_force_until = 2026-07-11\nin_force_until_act = \"b\"");
        assert!(
            e.contains("in_force_from 2026-07-12 is after in_force_until 2026-07-11"),
            "{e}"
        );
        let e = err("in_force_from = 2026-07-12");
        assert!(e.contains("in_force_from needs in_force_from_act"), "{e}");
        let e = err("in_force_until_act = \"b\"");
        assert!(
            e.contains("in_force_until_act without in_force_until"),
            "{e}"
        );
        let e = err("in_force_from = 2026-07-12T10:00:00\nin_force_from_act = \"a\"");
        assert!(e.contains("plain date"), "{e}");
        let e = err("in_force_from = \"2026-07-12\"\nin_force_from_act = \"a\"");
        assert!(e.contains("test.toml"), "{e}");
        // The same source and provider twice: only when the times in force do not overlap.
        let twice = |a: &str, b: &str| {
            let one = obligation(a);
            let second = obligation(b);
            let second = &second[ONE_SOURCE.len()..];
            parse(&format!("{one}{second}"))
        };
        let e = twice("", "").unwrap_err().to_string();
        assert!(e.contains("listed twice"), "{e}");
        let e = twice(
            "in_force_until = 2026-07-12\nin_force_until_act = \"a\"",
            "in_force_from = 2026-07-12\nin_force_from_act = \"a\"",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("listed twice"), "{e}");
        let split = twice(
            "in_force_until = 2026-07-11\nin_force_until_act = \"a\"",
            "in_force_from = 2026-07-12\nin_force_from_act = \"a\"",
        )
        .unwrap();
        // Split at a day, every period is expected exactly once.
        let periods = expected_periods(&split, 2026);
        let unique: BTreeSet<&String> = periods.iter().collect();
        assert_eq!((periods.len(), unique.len()), (12, 12));
    }

    #[test]
    fn order_129_splits_the_programmes_obligation_without_a_gap() {
        // Para. 7 subpara. 3 is restated from 12 July 2026: its two entries meet there, and
        // each half-year is expected once from each sender.
        let s = schedule();
        let programmes: Vec<&Obligation> = s
            .obligations
            .iter()
            .filter(|o| o.source == "programmes")
            .collect();
        assert_eq!(programmes.len(), 2);
        assert_eq!(programmes[0].in_force_until, Some(d("2026-07-11")));
        assert_eq!(programmes[1].in_force_from, Some(d("2026-07-12")));
        for o in &programmes {
            let act = o
                .in_force_until_act
                .as_ref()
                .or(o.in_force_from_act.as_ref());
            assert!(act.is_some_and(|a| a.contains("No. 129")), "{o:?}");
        }
        let received =
            [("2026-H1", "2026-07-20"), ("2025-H2", "2026-01-20")].map(|(p, r)| Received {
                provider: "education_bodies".into(),
                sender: "MoE".into(),
                source: "programmes".into(),
                period: p.into(),
                received: d(r),
            });
        for year in [2025, 2026, 2027] {
            let all = assess_submissions(
                &s,
                &Calendar::embedded(),
                year,
                d("2027-12-31"),
                &received,
                &AccreditedCentres::default(),
            )
            .unwrap();
            let periods: Vec<&str> = all
                .iter()
                .filter(|e| e.source == "programmes")
                .map(|e| e.period.as_str())
                .collect();
            assert_eq!(
                periods,
                [format!("{year}-H1"), format!("{year}-H2")],
                "{year}"
            );
        }
    }

    /// The deadline SQL judges every request and registration as `assess_review` and
    /// `assess_registration` do, on days across the whole calendar and past both of its ends,
    /// for every limit of the schedule and a category without one.
    #[test]
    fn deadline_sql_agrees_with_the_calendar_walk() {
        let s = schedule();
        let cal = Calendar::embedded();
        let (first, last) = cal.covered_years();
        let start = NaiveDate::from_ymd_opt(first, 1, 1).unwrap() - Days::new(10);
        let end = NaiveDate::from_ymd_opt(last, 12, 31).unwrap() + Days::new(10);
        let as_of = d("2026-11-25");
        let mut categories: Vec<&str> = s.review_limits.keys().map(String::as_str).collect();
        categories.push("no_such_category");
        let mut kinds: Vec<&str> = s.registration_limits.keys().map(String::as_str).collect();
        kinds.push("candidate");
        let conn = duckdb::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "create table support_requests (request_id varchar, category varchar,
                 created_date date, closed_date date);
             create table registrations (registration_id varchar, party_kind varchar,
                 trigger_date date, registration_date date);",
        )
        .unwrap();
        let mut expected_reviews = Vec::new();
        let mut expected_checks = Vec::new();
        {
            let mut req = conn.appender("support_requests").unwrap();
            let mut reg = conn.appender("registrations").unwrap();
            let mut day = start;
            let mut k = 0u32;
            while day <= end {
                // Closing or registering 0..=12 days later, or never (a request left open).
                let later = (k % 14 < 13).then(|| day + Days::new(u64::from(k % 13)));
                let category = categories[k as usize % categories.len()];
                let kind = kinds[k as usize % kinds.len()];
                let id = format!("{k:06}");
                let on = |d: Option<NaiveDate>| d.map(|d| d.to_string());
                req.append_row(duckdb::params![id, category, day.to_string(), on(later)])
                    .unwrap();
                let review = assess_review(&s, &cal, category, day, later, as_of)
                    .ok()
                    .flatten();
                expected_reviews.push(format!(
                    "{id} {:?} {:?} {:?} {:?} {:?}",
                    review.as_ref().map(|r| r.limit_working_days),
                    review.as_ref().map(|r| r.due.to_string()),
                    review.as_ref().and_then(|r| r.working_days_taken),
                    review.as_ref().and_then(|r| r.met),
                    review.as_ref().map(|r| r.provisional),
                ));
                if let Some(registered) = later {
                    reg.append_row(duckdb::params![
                        id,
                        kind,
                        day.to_string(),
                        registered.to_string()
                    ])
                    .unwrap();
                    let check = assess_registration(&s, &cal, kind, day, registered)
                        .ok()
                        .flatten();
                    expected_checks.push(format!(
                        "{id} {:?} {:?} {:?} {:?}",
                        check.map(|c| c.limit_working_days),
                        check.map(|c| c.due.to_string()),
                        check.map(|c| c.met),
                        check.map(|c| c.provisional),
                    ));
                }
                day = day + Days::new(1);
                k += 1;
            }
        }
        register_tables(&conn, &s, &cal, 2026..=2026, as_of).unwrap();
        let rows = |sql: &str| -> Vec<String> {
            let mut stmt = conn.prepare(sql).unwrap();
            let mut rows = stmt.query([]).unwrap();
            let mut out = Vec::new();
            while let Some(r) = rows.next().unwrap() {
                let n = r.as_ref().column_count();
                let mut line = r.get::<_, String>(0).unwrap();
                for i in 1..n {
                    let v: duckdb::types::Value = r.get(i).unwrap();
                    line.push(' ');
                    line.push_str(&match v {
                        duckdb::types::Value::Null => "None".to_string(),
                        duckdb::types::Value::Int(n) => format!("Some({n})"),
                        duckdb::types::Value::BigInt(n) => format!("Some({n})"),
                        duckdb::types::Value::Boolean(b) => format!("Some({b})"),
                        duckdb::types::Value::Text(t) => format!("Some({t:?})"),
                        other => format!("{other:?}"),
                    });
                }
                out.push(line);
            }
            out
        };
        let reviews = rows(
            "select request_id, limit_working_days, due_date::varchar, working_days_taken, met,
                    provisional from support_reviews order by request_id",
        );
        assert!(expected_reviews.len() > 3000);
        assert!(
            expected_reviews
                .iter()
                .filter(|r| !r.contains(" None None None None None"))
                .count()
                > 1000
        );
        for (got, want) in reviews.iter().zip(&expected_reviews) {
            assert_eq!(got, want);
        }
        assert_eq!(reviews.len(), expected_reviews.len());
        let checks = rows(
            "select registration_id, limit_working_days, due_date::varchar, met, provisional
             from registration_checks order by registration_id",
        );
        for (got, want) in checks.iter().zip(&expected_checks) {
            assert_eq!(got, want);
        }
        assert_eq!(checks.len(), expected_checks.len());
    }

    #[test]
    fn register_tables_carries_the_provisional_flag() {
        let conn = duckdb::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "create table support_requests as select * from (values
                ('R1', 'platform_functioning', date '2026-12-14', null::date),
                ('R2', 'standard', date '2026-12-14', date '2026-12-17'),
                ('R3', 'standard', date '2027-12-30', null::date))
                t(request_id, category, created_date, closed_date);
             create table registrations as select * from (values
                ('G1', 'state_body', date '2026-12-23', date '2027-01-04'),
                ('G2', 'centre', date '2026-12-23', date '2026-12-30'))
                t(registration_id, party_kind, trigger_date, registration_date);
             create table submissions as select * from (values
                ('national_chamber', 'X', 'centres', '2026-11', date '2026-12-01'))
                t(provider, sender, source, period, received_date);
             create table centres as select * from (values
                (date '2026-01-31', '000000000000', 'accredited'))
                t(as_of, centre_bin, status);",
        )
        .unwrap();
        let schedule = parse(&obligation("")).unwrap();
        register_tables(
            &conn,
            &schedule,
            &Calendar::embedded(),
            2026..=2026,
            d("2026-12-20"),
        )
        .unwrap();
        let rows = |sql: &str| -> Vec<String> {
            let mut stmt = conn.prepare(sql).unwrap();
            let mut rows = stmt.query([]).unwrap();
            let mut out = Vec::new();
            while let Some(r) = rows.next().unwrap() {
                let id: String = r.get(0).unwrap();
                let due: Option<String> = r.get(1).unwrap();
                let p: Option<bool> = r.get(2).unwrap();
                out.push(format!("{id} {} {p:?}", due.unwrap_or_default()));
            }
            out
        };
        assert_eq!(
            rows(
                "select request_id, due_date::varchar, provisional from support_reviews order by 1"
            ),
            [
                "R1 2027-01-15 Some(true)",
                "R2 2026-12-18 Some(false)",
                // Due in 2028, beyond the calendar: no deadline, so no flag either.
                "R3  None"
            ]
        );
        assert_eq!(
            rows(
                "select registration_id, due_date::varchar, provisional from registration_checks order by 1"
            ),
            ["G1 2027-01-11 Some(true)", "G2 2026-12-30 Some(false)"]
        );
        assert_eq!(
            rows(
                "select period, due_date::varchar, provisional from submission_status \
                  where period in ('2026-11', '2026-12') order by 1"
            ),
            [
                "2026-11 2026-12-14 Some(false)",
                "2026-12 2027-01-19 Some(true)"
            ]
        );
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

/// The yearly run's calendar as `nqs schedule` shows it: the para. 21 deadline, the last
/// working day to send by and to run the pipeline, and each para. 7 submission's status.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleSummary {
    pub period: crate::period::Period,
    /// Para. 21's deadline (15 December).
    pub deadline: NaiveDate,
    /// The deadline, or the last working day before it when it falls on a day off.
    pub send_by: NaiveDate,
    /// The last day to run the pipeline (`margin_working_days` before the deadline).
    pub run_by: NaiveDate,
    pub margin_working_days: u32,
    /// Working days from the judging day to `send_by`; `None` once the deadline has passed.
    pub working_days_left: Option<i64>,
    pub submissions: Vec<Expected>,
    /// Said when some due date was counted on a provisional calendar year.
    pub provisional_note: Option<String>,
    /// The editions of the year already published (`nqs publish`), oldest first.
    pub editions: Vec<EditionSent>,
    pub still_due: StillDue,
}

/// A published edition as the schedule lists it.
#[derive(Debug, Clone, Serialize)]
pub struct EditionSent {
    pub number: u32,
    pub published: NaiveDate,
    pub late: Option<crate::edition::Late>,
}

/// What is still to be done for the year as of the judging day, in the order the operator
/// meets it: chase the missing, wait for what falls due before the run, run, send.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StillDue {
    /// Submissions due and not received: their senders are to be chased.
    pub missing: usize,
    /// Submissions not yet due that fall due by the last day to run: the run waits for them.
    pub due_by_run: usize,
    /// The latest due day among those.
    pub last_due_by_run: Option<NaiveDate>,
    /// Submissions falling due after the last day to run (or beyond the calendar): the year's
    /// report counts them as not yet due.
    pub due_after_run: usize,
    /// No edition of the year has been published yet.
    pub edition: bool,
}

/// What `submissions` and `editions` leave to do before `run_by`.
pub fn still_due(submissions: &[Expected], run_by: NaiveDate, published: bool) -> StillDue {
    let mut due = StillDue {
        edition: !published,
        ..StillDue::default()
    };
    for e in submissions {
        match (e.status, e.due) {
            (Status::Missing, _) => due.missing += 1,
            (Status::NotYetDue, Some(d)) if d <= run_by => {
                due.due_by_run += 1;
                due.last_due_by_run = due.last_due_by_run.max(Some(d));
            }
            (Status::NotYetDue, _) => due.due_after_run += 1,
            _ => {}
        }
    }
    due
}

/// The schedule stage: the deadlines of `period.year` and the para. 7 submissions the lake
/// holds, judged as of `period.as_of`. It reads the deadlines (`schedule`), the working days
/// (`calendar`), the submission log and the centres in the `lake` folder and the published
/// editions in the `output` folder; the project's other parts are not its business (and a
/// schedule that took the whole project would tie the two modules together).
pub fn assess(
    schedule: &Schedule,
    calendar: &Calendar,
    lake: &Path,
    output: &Path,
    period: &crate::period::Period,
) -> Result<ScheduleSummary, ScheduleError> {
    let lake = lake.to_path_buf();
    let invalid = |message: String| ScheduleError::Invalid {
        path: lake.clone(),
        message,
    };
    let conn = crate::sql::open_lake(&lake).map_err(|e| invalid(e.to_string()))?;
    let (received, centres) = load_from_lake(&conn).map_err(|e| {
        invalid(format!(
            "reading the submission log and the centres from the lake: {e}"
        ))
    })?;
    let submissions = assess_submissions(
        schedule,
        calendar,
        period.year,
        period.as_of,
        &received,
        &centres,
    )?;
    let deadline = schedule.report_deadline(period.year).ok_or_else(|| {
        invalid(format!(
            "report.deadline `{}` is not MM-DD",
            schedule.report.deadline
        ))
    })?;
    let send_by = working_days_before(calendar, deadline, 0)?;
    let run_by = working_days_before(calendar, deadline, schedule.report.margin_working_days)?;
    let working_days_left = if period.as_of <= deadline {
        Some(calendar.working_days_between(period.as_of, send_by)?)
    } else {
        None
    };
    let editions: Vec<EditionSent> = crate::edition::editions(output, period.year)
        .map_err(|source| ScheduleError::Editions {
            year: period.year,
            source: Box::new(source),
        })?
        .into_iter()
        // Editions published after the judging day had not happened yet on it.
        .filter(|s| s.edition.published <= period.as_of)
        .map(|s| EditionSent {
            number: s.edition.number,
            published: s.edition.published,
            late: s.edition.late,
        })
        .collect();
    let still_due = still_due(&submissions, run_by, !editions.is_empty());
    Ok(ScheduleSummary {
        period: *period,
        deadline,
        send_by,
        run_by,
        margin_working_days: schedule.report.margin_working_days,
        working_days_left,
        provisional_note: provisional_note(calendar, &submissions),
        submissions,
        editions,
        still_due,
    })
}
