//! Kazakhstan's production (working-day) calendar for the five-day week.
//!
//! The calendar is data, not code: `datasets/calendar/rules.toml` holds the
//! standing rules (the Law "On holidays in the Republic of Kazakhstan" and the
//! Labour Code), and one file per year (`2025.toml`, ...) holds that year's
//! first day of Kurban Ait and the days moved by decree or ministerial order.
//! Every rule and every move carries the act it comes from, and
//! [`Calendar::explain`] hands that citation back.
//!
//! # Decreed and provisional years
//!
//! A year with a file is *decreed*: its moved days and its Kurban Ait are on
//! record. The `[provisional] years` years after the last file (one, in the
//! data as committed) are *provisional*: they are built from the standing rules
//! alone (weekends, the holidays of the Law on holidays with its weekend
//! transfer, 7 January), with no decree or order moving days off and no first
//! day of Kurban Ait, since neither is known until it is issued. Deadlines
//! from late in the last decreed year run into the next one (a December
//! support request with 20 working days, the 60 working days of the annual
//! statistics), and refusing them all would hide every such deadline until the
//! next order appears. So they are answered, and every answer says whether it
//! rests on a provisional day: [`Calendar::is_provisional`], [`DayInfo`]'s
//! `provisional`, and the deadline tables of [`crate::schedule`].
//!
//! Any other year is not covered, and any query that touches it fails with
//! [`CalendarError::NotCovered`]: a weekday there may well be a day off nobody
//! has recorded, so guessing would silently move deadlines.
//!
//! # Deadlines in working days
//!
//! The NQS platform Rules count in working days: para. 4 (registration within
//! 5 or 10 working days), para. 16 (a support request is reviewed within 3
//! working days, 10 when software defects are fixed, 20 when the cause lies in
//! the platform's functioning). Throughout this module **"within N working
//! days of D" means the due date is the N-th working day after D**: D itself
//! never counts, whether or not it is a working day (counting starts the day
//! after the event, as for any period in days), and the due date is always a
//! working day. [`Calendar::add_working_days`] gives that due date and
//! [`Calendar::working_days_between`] measures the working days used, so that
//! `working_days_between(d, add_working_days(d, n)?)? == n`.
//!
//! # Cost
//!
//! Loading builds a table of every covered day plus a running count of
//! working days, so each query is a subtraction and one or two array reads
//! (no loops, no allocation except in [`Calendar::explain`]). Build one
//! calendar and share it; parsing the files takes about a millisecond.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

const RULES_FILE: &str = "rules.toml";
const SCHEMA: u32 = 1;
/// `[provisional] years` above this is refused: the standing rules say
/// nothing about which holidays a law will add or drop years from now.
const MAX_PROVISIONAL_YEARS: u32 = 2;

const EMBEDDED_RULES: &str = include_str!("../datasets/calendar/rules.toml");

/// The year files compiled into the binary. A new year needs its line here as
/// well as its file; `embedded_matches_the_directory` fails until both exist.
const EMBEDDED_YEARS: &[(&str, &str)] = &[
    ("2019.toml", include_str!("../datasets/calendar/2019.toml")),
    ("2020.toml", include_str!("../datasets/calendar/2020.toml")),
    ("2021.toml", include_str!("../datasets/calendar/2021.toml")),
    ("2022.toml", include_str!("../datasets/calendar/2022.toml")),
    ("2023.toml", include_str!("../datasets/calendar/2023.toml")),
    ("2024.toml", include_str!("../datasets/calendar/2024.toml")),
    ("2025.toml", include_str!("../datasets/calendar/2025.toml")),
    ("2026.toml", include_str!("../datasets/calendar/2026.toml")),
];

/// Why a calendar could not be built or a date could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// The date lies outside the covered years: before the first year file,
    /// or after the provisional years that follow the last one.
    #[error("{}", not_covered_message(*.date, *.covered, *.decreed_until))]
    NotCovered {
        date: NaiveDate,
        /// First and last covered year, provisional years included.
        covered: (i32, i32),
        /// The last year with a year file; later covered years are provisional.
        decreed_until: i32,
    },
    /// A calendar file or directory could not be read.
    #[error("cannot read {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid TOML or does not have the expected fields.
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    /// The files parse but contradict themselves (a gap between years, a move
    /// that changes nothing, an unknown act, ...).
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

/// What makes a day a day off or a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonKind {
    /// Saturday or Sunday.
    Weekend,
    /// A national or state holiday under the Law on holidays.
    Holiday,
    /// Orthodox Christmas or the first day of Kurban Ait: days off under the
    /// Labour Code that are not holidays and never move off a weekend.
    ReligiousDayOff,
    /// The working day after a holiday that fell on a weekend (Law art. 5).
    SubstituteDayOff,
    /// Made a day off by a decree or order moving days off.
    MovedDayOff,
    /// Made a working day by a decree or order moving days off.
    MovedWorkingDay,
}

/// One fact about a day, with the act it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub kind: ReasonKind,
    /// What happened, in words.
    pub what: String,
    /// The legal act and article.
    pub source: String,
}

/// A day's status and everything that led to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayInfo {
    pub date: NaiveDate,
    pub working: bool,
    /// In the order they were applied: weekend, then law, then decree. The
    /// last one decides; an empty list means an ordinary weekday.
    pub reasons: Vec<Reason>,
    /// The day lies in a provisional year (see the module docs): `working`
    /// follows the standing rules alone and a later order may change it.
    pub provisional: bool,
    /// Why a provisional day may change, with the acts; empty otherwise.
    pub provisional_note: String,
}

impl fmt::Display for DayInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = if self.working {
            "working day"
        } else {
            "day off"
        };
        write!(f, "{} {}: {status}", self.date, self.date.weekday())?;
        if self.provisional {
            write!(f, " (provisional)")?;
        }
        if self.reasons.is_empty() {
            write!(f, " (an ordinary weekday)")?;
        }
        for r in &self.reasons {
            write!(f, "\n  - {} [{}]", r.what, r.source)?;
        }
        if self.provisional {
            write!(f, "\n  ! {}", self.provisional_note)?;
        }
        Ok(())
    }
}

/// The production calendar for a contiguous run of covered years: decreed
/// years, then provisional ones.
#[derive(Clone, PartialEq, Eq)]
pub struct Calendar {
    first_year: i32,
    /// The last year with a year file.
    decreed_until: i32,
    /// The last covered year: `decreed_until` plus the provisional years.
    last_year: i32,
    /// Shown by [`Calendar::explain`] for every provisional day.
    provisional_note: String,
    /// `num_days_from_ce` of 1 January of `first_year`: a date's table index is
    /// a single subtraction away.
    start_ce: i32,
    working: Vec<bool>,
    /// `cum[i]`: working days among days `0..=i`.
    cum: Vec<u32>,
    /// Table index of every working day in order: the k-th working day of the
    /// whole range is `working_at[k - 1]`.
    working_at: Vec<u32>,
    reasons: Vec<Vec<Reason>>,
}

// The derived form would print every day of every year.
impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("covered_years", &self.covered_years())
            .field("decreed_years", &self.decreed_years())
            .field("days", &self.working.len())
            .field("working_days", &self.working_at.len())
            .finish_non_exhaustive()
    }
}

impl Calendar {
    /// Reads `rules.toml` and every `NNNN.toml` in `dir` (normally
    /// `datasets/calendar`). Other files, such as the README, are ignored. The
    /// years must run without a gap.
    pub fn load(dir: &Path) -> Result<Self, CalendarError> {
        let read = |path: PathBuf| {
            std::fs::read_to_string(&path).map_err(|source| CalendarError::Io { path, source })
        };
        let rules = read(dir.join(RULES_FILE))?;
        let entries = std::fs::read_dir(dir).map_err(|source| CalendarError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut years = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| CalendarError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if year_of_file_name(&name).is_some() {
                years.push((name, read(entry.path())?));
            }
        }
        let years: Vec<(&str, &str)> = years
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        Self::from_sources(&rules, &years)
    }

    /// The same files as [`Calendar::load`] reads, compiled into the binary so
    /// that it needs no data directory at run time.
    pub fn embedded() -> Self {
        Self::from_sources(EMBEDDED_RULES, EMBEDDED_YEARS)
            .expect("the calendar files compiled in are checked by this module's tests")
    }

    /// The first and last covered years, inclusive, provisional years
    /// included: every date in them is answered.
    pub fn covered_years(&self) -> (i32, i32) {
        (self.first_year, self.last_year)
    }

    /// The first and last years with a year file (moved days and Kurban Ait
    /// on record), inclusive.
    pub fn decreed_years(&self) -> (i32, i32) {
        (self.first_year, self.decreed_until)
    }

    /// The provisional years, inclusive, or None when `rules.toml` asks for
    /// none.
    pub fn provisional_years(&self) -> Option<(i32, i32)> {
        (self.last_year > self.decreed_until).then_some((self.decreed_until + 1, self.last_year))
    }

    /// Whether the answer for `d` is provisional: `d` lies in a year after the
    /// last year file, built from the standing rules alone.
    ///
    /// Provisional years all come after the decreed ones, so a due date from
    /// [`Calendar::add_working_days`] is provisional exactly when
    /// `is_provisional(due)` (the count crossed no provisional day otherwise),
    /// and a [`Calendar::working_days_between`] count is provisional when
    /// either end is. Fails with [`CalendarError::NotCovered`] outside the
    /// covered years.
    pub fn is_provisional(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        self.index(d)?;
        Ok(d.year() > self.decreed_until)
    }

    /// Whether `d` is a working day on the five-day week.
    pub fn is_working(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.working[self.index(d)?])
    }

    /// The due date of something that must happen "within `n` working days of
    /// `from`": the `n`-th working day after `from`.
    ///
    /// `from` itself is never counted, even when it is a working day, and it
    /// may be a day off (a request received on a Saturday is due on the n-th
    /// working day after that Saturday). `n == 0` returns `from` unchanged.
    /// Fails with [`CalendarError::NotCovered`] when `from` is not covered or
    /// the count runs past the last covered year. The due date may lie in a
    /// provisional year: check [`Calendar::is_provisional`] on it.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let i = self.index(from)?;
        if n == 0 {
            return Ok(from);
        }
        // `cum[i]` working days lie at or before `from`, so the n-th after it
        // is the (cum[i] + n)-th of the whole table.
        let k = self.cum[i] as usize + n as usize;
        match self.working_at.get(k - 1) {
            Some(&j) => Ok(self.date_at(j as usize)),
            None => Err(self.not_covered(self.date_at(self.working.len()))),
        }
    }

    /// Working days after `a` up to and including `b`; negative, with the
    /// same magnitude, when `b` is before `a`.
    ///
    /// This is the count [`Calendar::add_working_days`] walks: a deadline was
    /// met when `working_days_between(received, done) <= n`, and
    /// `working_days_between(d, d) == 0`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<i64, CalendarError> {
        let (i, j) = (self.index(a)?, self.index(b)?);
        Ok(i64::from(self.cum[j]) - i64::from(self.cum[i]))
    }

    /// Every covered day in order, as `(date, working, working_index, provisional)`:
    /// `working_index` counts the working days up to and including the date, so the `n`-th
    /// working day after `d` is the working day whose index is `d`'s plus `n` (what
    /// [`Calendar::add_working_days`] walks), and [`Calendar::working_days_between`] is the
    /// difference of two indices. The shape of the `calendar_days` table the deadline SQL joins
    /// (`schedule::register_tables`).
    pub fn days(&self) -> impl Iterator<Item = (NaiveDate, bool, u32, bool)> + '_ {
        (0..self.working.len()).map(move |i| {
            let d = self.date_at(i);
            (
                d,
                self.working[i],
                self.cum[i],
                d.year() > self.decreed_until,
            )
        })
    }

    /// Whether `d` is a working day, and why, with the act behind each step;
    /// a day in a provisional year says so.
    pub fn explain(&self, d: NaiveDate) -> Result<DayInfo, CalendarError> {
        let i = self.index(d)?;
        let provisional = d.year() > self.decreed_until;
        Ok(DayInfo {
            date: d,
            working: self.working[i],
            reasons: self.reasons[i].clone(),
            provisional,
            provisional_note: if provisional {
                self.provisional_note
                    .replace("{year}", &d.year().to_string())
            } else {
                String::new()
            },
        })
    }

    fn index(&self, d: NaiveDate) -> Result<usize, CalendarError> {
        let offset = d.num_days_from_ce() - self.start_ce;
        match usize::try_from(offset) {
            Ok(i) if i < self.working.len() => Ok(i),
            _ => Err(self.not_covered(d)),
        }
    }

    fn date_at(&self, i: usize) -> NaiveDate {
        // The table spans a few thousand days, far inside NaiveDate's range.
        NaiveDate::from_num_days_from_ce_opt(self.start_ce + i as i32)
            .expect("table index within NaiveDate's range")
    }

    fn not_covered(&self, date: NaiveDate) -> CalendarError {
        CalendarError::NotCovered {
            date,
            covered: self.covered_years(),
            decreed_until: self.decreed_until,
        }
    }

    /// Builds the calendar from the rules text and `(file name, text)` pairs,
    /// one per year.
    fn from_sources(rules_text: &str, years: &[(&str, &str)]) -> Result<Self, CalendarError> {
        let rules: RawRules = parse(RULES_FILE, rules_text)?;
        if rules.schema != SCHEMA {
            return Err(invalid(
                RULES_FILE,
                format!("schema {} is not the supported {SCHEMA}", rules.schema),
            ));
        }

        let mut acts = Acts::default();
        for act in &rules.acts {
            acts.add(RULES_FILE, act)?;
        }

        let mut by_year: BTreeMap<i32, (&str, RawYear)> = BTreeMap::new();
        for &(name, text) in years {
            let raw: RawYear = parse(name, text)?;
            if year_of_file_name(name) != Some(raw.year) {
                return Err(invalid(
                    name,
                    format!("says year = {}, which does not match its name", raw.year),
                ));
            }
            if by_year.contains_key(&raw.year) {
                return Err(invalid(name, format!("year {} given twice", raw.year)));
            }
            for act in &raw.acts {
                acts.add(name, act)?;
            }
            by_year.insert(raw.year, (name, raw));
        }
        let (Some(&first_year), Some(&decreed_until)) =
            (by_year.keys().next(), by_year.keys().last())
        else {
            return Err(invalid(RULES_FILE, "no year files (NNNN.toml) beside it"));
        };
        if let Some(missing) = (first_year..=decreed_until).find(|y| !by_year.contains_key(y)) {
            return Err(invalid(
                &format!("{missing}.toml"),
                format!(
                    "missing: covered years must run without a gap from {first_year} to {decreed_until}"
                ),
            ));
        }
        if rules.provisional.years > MAX_PROVISIONAL_YEARS {
            return Err(invalid(
                RULES_FILE,
                format!(
                    "provisional.years = {} is more than {MAX_PROVISIONAL_YEARS}: years that far \
                     ahead are guesses, not a calendar",
                    rules.provisional.years
                ),
            ));
        }
        let last_year = decreed_until + rules.provisional.years as i32;
        let provisional_note = format!(
            "Provisional: {{year}} has no year file yet, so no decree or order moving days off \
             and no first day of Kurban Ait are on record; this day follows the standing rules \
             alone and a later order may change it [{}]",
            acts.source(
                RULES_FILE,
                &rules.provisional.act,
                &rules.provisional.article
            )?
        );

        let weekend: Vec<Weekday> = rules
            .weekend
            .days
            .iter()
            .map(|s| {
                s.parse::<Weekday>().map_err(|_| {
                    invalid(
                        RULES_FILE,
                        format!("weekend day {s:?} is not a weekday name"),
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        let weekend_source = acts.source(RULES_FILE, &rules.weekend.act, &rules.weekend.article)?;
        let transfer_source = acts.source(
            RULES_FILE,
            &rules.weekend_transfer.act,
            &rules.weekend_transfer.article,
        )?;
        let mut holidays = Vec::new();
        for h in &rules.holidays {
            holidays.push(Rule::fixed(h, &acts)?);
        }
        let kurban = Rule::movable(&rules.kurban_ait, &acts)?;

        let start = NaiveDate::from_ymd_opt(first_year, 1, 1)
            .ok_or_else(|| invalid(RULES_FILE, format!("year {first_year} out of range")))?;
        let end = NaiveDate::from_ymd_opt(last_year, 12, 31)
            .ok_or_else(|| invalid(RULES_FILE, format!("year {last_year} out of range")))?;
        let len = (end - start).num_days() as usize + 1;
        let mut table = Table {
            start,
            working: vec![true; len],
            reasons: vec![Vec::new(); len],
        };

        for (i, d) in start.iter_days().take(len).enumerate() {
            if weekend.contains(&d.weekday()) {
                table.working[i] = false;
                table.reasons[i].push(Reason {
                    kind: ReasonKind::Weekend,
                    what: format!("Weekend: {}", weekday_name(d.weekday())),
                    source: weekend_source.clone(),
                });
            }
        }

        // Every holiday is marked before any substitute is chosen, so that a
        // weekend holiday skips a later holiday when looking for the next
        // working day (7 May 2022, a Saturday, moves past Victory Day on
        // Monday 9 May to Tuesday 10 May).
        let mut occurrences: Vec<Occurrence> = Vec::new();
        for year in first_year..=last_year {
            for rule in holidays.iter().filter(|r| r.applies_in(year)) {
                let (month, day) = rule.month_day.expect("fixed rules have a date");
                let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
                    invalid(
                        RULES_FILE,
                        format!(
                            "holiday {}: {month}-{day} does not exist in {year}",
                            rule.id
                        ),
                    )
                })?;
                occurrences.push(Occurrence {
                    date,
                    rule,
                    source: rule.source.clone(),
                });
            }
            // A provisional year has no file, so no Kurban Ait date: it is
            // left out rather than estimated from the lunar calendar.
            let Some((name, raw)) = by_year.get(&year) else {
                continue;
            };
            let date = to_date(name, "kurban_ait.date", &raw.kurban_ait.date)?;
            if date.year() != year {
                return Err(invalid(
                    name,
                    format!("kurban_ait.date {date} is not in {year}"),
                ));
            }
            // The date is the part of this entry most likely to be questioned
            // (it moved in 2024), so its own source travels with the rule's.
            occurrences.push(Occurrence {
                date,
                rule: &kurban,
                source: format!(
                    "{}; date for {year}: {}",
                    kurban.source, raw.kurban_ait.source
                ),
            });
        }
        occurrences.sort_by_key(|o| o.date);

        for o in &occurrences {
            let i = table.index(o.date);
            table.working[i] = false;
            let label = match o.rule.kind {
                HolidayKind::Holiday => "Public holiday",
                HolidayKind::ReligiousDayOff => "Day off",
            };
            table.reasons[i].push(Reason {
                kind: o.rule.kind.reason(),
                what: format!(
                    "{label}: {} ({} {})",
                    o.rule.name,
                    o.date.day(),
                    month_name(o.date.month())
                ),
                source: o.source.clone(),
            });
        }

        for &Occurrence { date, rule, .. } in &occurrences {
            if !rule.moves || !weekend.contains(&date.weekday()) {
                continue;
            }
            let from = table.index(date);
            let Some(i) = (from + 1..len).find(|&i| table.working[i]) else {
                return Err(invalid(
                    RULES_FILE,
                    format!(
                        "the day off for {} on {date} would move past {last_year}; \
                         add the next year's file",
                        rule.name
                    ),
                ));
            };
            table.working[i] = false;
            table.reasons[i].push(Reason {
                kind: ReasonKind::SubstituteDayOff,
                what: format!(
                    "Day off for {} ({date}), which fell on a {}",
                    rule.name,
                    weekday_name(date.weekday())
                ),
                source: transfer_source.clone(),
            });
        }

        for (&year, (name, raw)) in &by_year {
            for (n, m) in raw.moved.iter().enumerate() {
                let date = to_date(name, &format!("moved[{n}].date"), &m.date)?;
                if date.year() != year {
                    return Err(invalid(name, format!("moved day {date} is not in {year}")));
                }
                let i = table.index(date);
                let becomes_working = m.becomes == Becomes::Working;
                if table.working[i] == becomes_working {
                    return Err(invalid(
                        name,
                        format!(
                            "{date} is already a {} without the move; check the date",
                            if becomes_working {
                                "working day"
                            } else {
                                "day off"
                            }
                        ),
                    ));
                }
                table.working[i] = becomes_working;
                let (kind, default_what) = if becomes_working {
                    (ReasonKind::MovedWorkingDay, "Made a working day")
                } else {
                    (ReasonKind::MovedDayOff, "Made a day off")
                };
                let what = match &m.note {
                    Some(note) => format!("{default_what}: {note}"),
                    None => default_what.to_string(),
                };
                table.reasons[i].push(Reason {
                    kind,
                    what,
                    source: acts.source(name, &m.act, "")?,
                });
            }
        }

        let mut cum = Vec::with_capacity(len);
        let mut working_at = Vec::new();
        for (i, &w) in table.working.iter().enumerate() {
            if w {
                working_at.push(i as u32);
            }
            cum.push(working_at.len() as u32);
        }
        Ok(Calendar {
            first_year,
            decreed_until,
            last_year,
            provisional_note,
            start_ce: start.num_days_from_ce(),
            working: table.working,
            cum,
            working_at,
            reasons: table.reasons,
        })
    }
}

/// The error text for a date outside the calendar, naming the year files that
/// would cover it. Years must run without a gap, and each file added makes
/// the year after it provisional.
fn not_covered_message(date: NaiveDate, covered: (i32, i32), decreed_until: i32) -> String {
    let provisional = covered.1 - decreed_until;
    let span = match provisional {
        0 => format!("{}-{} only", covered.0, covered.1),
        1 => format!(
            "{}-{} only ({} provisionally: no decree or order moving days off on record)",
            covered.0, covered.1, covered.1
        ),
        _ => format!(
            "{}-{} only ({}-{} provisionally: no decree or order moving days off on record)",
            covered.0,
            covered.1,
            decreed_until + 1,
            covered.1
        ),
    };
    let year = date.year();
    let (from, to) = if year < covered.0 {
        (year, covered.0 - 1)
    } else {
        (decreed_until + 1, year - provisional)
    };
    let files = if from == to {
        format!("datasets/calendar/{from}.toml")
    } else {
        format!("the year files datasets/calendar/{from}.toml to {to}.toml")
    };
    format!(
        "{date} is outside the production calendar, which covers {span}; \
         add {files} to cover it"
    )
}

/// `2025.toml` -> 2025; anything else (README.md, rules.toml) -> None.
fn year_of_file_name(name: &str) -> Option<i32> {
    let stem = name.strip_suffix(".toml")?;
    if stem.len() == 4 && stem.bytes().all(|b| b.is_ascii_digit()) {
        stem.parse().ok()
    } else {
        None
    }
}

fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, CalendarError> {
    toml::from_str(text).map_err(|e| CalendarError::Parse {
        file: file.to_string(),
        message: e.to_string(),
    })
}

fn invalid(file: &str, message: impl Into<String>) -> CalendarError {
    CalendarError::Invalid {
        file: file.to_string(),
        message: message.into(),
    }
}

/// TOML has a native date type; anything with a time or offset is a typo.
fn to_date(
    file: &str,
    field: &str,
    dt: &toml::value::Datetime,
) -> Result<NaiveDate, CalendarError> {
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => {
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                .ok_or_else(|| invalid(file, format!("{field}: {dt} is not a calendar date")))
        }
        _ => Err(invalid(
            file,
            format!("{field}: expected a plain date like 2025-01-03, found {dt}"),
        )),
    }
}

/// The day table while it is being filled in.
struct Table {
    start: NaiveDate,
    working: Vec<bool>,
    reasons: Vec<Vec<Reason>>,
}

impl Table {
    /// Callers only pass dates already checked to lie in a covered year.
    fn index(&self, d: NaiveDate) -> usize {
        (d - self.start).num_days() as usize
    }
}

/// One day a rule makes a day off, before weekend transfers.
struct Occurrence<'a> {
    date: NaiveDate,
    rule: &'a Rule,
    source: String,
}

/// Citations of every act, by id.
#[derive(Default)]
struct Acts(HashMap<String, String>);

impl Acts {
    fn add(&mut self, file: &str, act: &RawAct) -> Result<(), CalendarError> {
        if self.0.insert(act.id.clone(), act.citation()).is_some() {
            return Err(invalid(file, format!("act id {:?} used twice", act.id)));
        }
        Ok(())
    }

    fn source(&self, file: &str, id: &str, article: &str) -> Result<String, CalendarError> {
        let citation = self
            .0
            .get(id)
            .ok_or_else(|| invalid(file, format!("unknown act {id:?}")))?;
        Ok(if article.is_empty() {
            citation.clone()
        } else {
            format!("{citation}, {article}")
        })
    }
}

/// A holiday or religious day off, resolved against the acts.
struct Rule {
    id: String,
    name: String,
    kind: HolidayKind,
    /// None for Kurban Ait, whose date each year file gives.
    month_day: Option<(u32, u32)>,
    from: Option<i32>,
    to: Option<i32>,
    moves: bool,
    source: String,
}

impl Rule {
    fn fixed(h: &RawHoliday, acts: &Acts) -> Result<Self, CalendarError> {
        // A leap year accepts every month-day that can ever occur.
        if NaiveDate::from_ymd_opt(2000, h.month, h.day).is_none() {
            return Err(invalid(
                RULES_FILE,
                format!(
                    "holiday {}: month {} day {} is not a date",
                    h.id, h.month, h.day
                ),
            ));
        }
        if let (Some(from), Some(to)) = (h.from, h.to)
            && from > to
        {
            return Err(invalid(
                RULES_FILE,
                format!("holiday {}: from {from} is after to {to}", h.id),
            ));
        }
        let mut source = acts.source(RULES_FILE, &h.act, &h.article)?;
        for (label, id, year) in [
            ("in force from", &h.from_act, h.from),
            ("in force until", &h.to_act, h.to),
        ] {
            if let Some(id) = id {
                let citation = acts.source(RULES_FILE, id, "")?;
                match year {
                    Some(y) => source.push_str(&format!("; {label} {y} by {citation}")),
                    None => source.push_str(&format!("; changed by {citation}")),
                }
            }
        }
        Ok(Rule {
            id: h.id.clone(),
            name: h.name.clone(),
            kind: h.kind,
            month_day: Some((h.month, h.day)),
            from: h.from,
            to: h.to,
            moves: h.moves,
            source,
        })
    }

    fn movable(k: &RawMovable, acts: &Acts) -> Result<Self, CalendarError> {
        Ok(Rule {
            id: k.id.clone(),
            name: k.name.clone(),
            kind: k.kind,
            month_day: None,
            from: None,
            to: None,
            moves: k.moves,
            source: acts.source(RULES_FILE, &k.act, &k.article)?,
        })
    }

    fn applies_in(&self, year: i32) -> bool {
        self.month_day.is_some()
            && self.from.is_none_or(|f| f <= year)
            && self.to.is_none_or(|t| year <= t)
    }
}

fn month_name(m: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(m as usize).saturating_sub(1) % 12]
}

// ---------------------------------------------------------------------------
// The file format. `deny_unknown_fields` turns a misspelt key into an error
// instead of a silently ignored rule.
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    schema: u32,
    #[serde(rename = "act", default)]
    acts: Vec<RawAct>,
    weekend: RawWeekend,
    weekend_transfer: RawCitation,
    provisional: RawProvisional,
    #[serde(rename = "holiday")]
    holidays: Vec<RawHoliday>,
    kurban_ait: RawMovable,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAct {
    id: String,
    kind: String,
    title: Option<String>,
    title_ru: Option<String>,
    number: String,
    date: String,
    // For readers of the files: the code cites acts by kind, number, date and
    // title, and keeps these only so that a misspelt key is still an error.
    #[allow(dead_code)]
    reference: Option<String>,
    #[allow(dead_code)]
    basis: Option<String>,
    #[allow(dead_code)]
    verification: String,
}

impl RawAct {
    /// "Kind No. N of DATE «Title»"; written so that "not verified" numbers
    /// and dates read naturally instead of as "No. not verified".
    fn citation(&self) -> String {
        let mut s = self.kind.clone();
        if self.number.starts_with(|c: char| c.is_ascii_digit()) {
            s.push_str(&format!(" No. {}", self.number));
        } else {
            s.push_str(&format!(" ({})", number_note(&self.number)));
        }
        s.push_str(&format!(" of {}", self.date));
        if let Some(title) = self.title.as_ref().or(self.title_ru.as_ref()) {
            s.push_str(&format!(" \"{title}\""));
        }
        s
    }
}

fn number_note(number: &str) -> String {
    if number == "not verified" {
        "number not verified".to_string()
    } else {
        number.to_string()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeekend {
    days: Vec<String>,
    act: String,
    article: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCitation {
    act: String,
    article: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvisional {
    /// How many years after the last year file are answered provisionally.
    years: u32,
    act: String,
    article: String,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum HolidayKind {
    Holiday,
    ReligiousDayOff,
}

impl HolidayKind {
    fn reason(self) -> ReasonKind {
        match self {
            HolidayKind::Holiday => ReasonKind::Holiday,
            HolidayKind::ReligiousDayOff => ReasonKind::ReligiousDayOff,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    id: String,
    name: String,
    #[allow(dead_code)]
    name_kk: String,
    #[allow(dead_code)]
    name_ru: String,
    kind: HolidayKind,
    month: u32,
    day: u32,
    from: Option<i32>,
    to: Option<i32>,
    moves: bool,
    act: String,
    article: String,
    from_act: Option<String>,
    to_act: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMovable {
    id: String,
    name: String,
    #[allow(dead_code)]
    name_kk: String,
    #[allow(dead_code)]
    name_ru: String,
    kind: HolidayKind,
    moves: bool,
    act: String,
    article: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    kurban_ait: RawKurbanDate,
    #[serde(rename = "act", default)]
    acts: Vec<RawAct>,
    #[serde(default)]
    moved: Vec<RawMove>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKurbanDate {
    date: toml::value::Datetime,
    source: String,
    #[allow(dead_code)]
    verification: String,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Becomes {
    DayOff,
    Working,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMove {
    date: toml::value::Datetime,
    becomes: Becomes,
    act: String,
    note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> Calendar {
        Calendar::embedded()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("test dates are ISO dates")
    }

    fn working(s: &str) -> bool {
        cal().is_working(d(s)).expect("test dates are covered")
    }

    fn kinds(s: &str) -> Vec<ReasonKind> {
        let info = cal().explain(d(s)).expect("test dates are covered");
        info.reasons.iter().map(|r| r.kind).collect()
    }

    /// The embedded years plus extra year files, for rules that only bite
    /// outside the real data (15 March from 2027) or for broken input.
    fn with_extra(extra: &[(&str, &str)]) -> Result<Calendar, CalendarError> {
        let years: Vec<(&str, &str)> = EMBEDDED_YEARS.iter().chain(extra).copied().collect();
        Calendar::from_sources(EMBEDDED_RULES, &years)
    }

    // A made-up year: only its Kurban Ait line is needed and it is not data.
    const SYNTHETIC_2027: &str = r#"
year = 2027
[kurban_ait]
date = 2027-05-17
source = "synthetic test fixture, not real data"
verification = "none"
"#;

    #[test]
    fn embedded_matches_the_directory() {
        // Catches a year file added to datasets/calendar but not to
        // EMBEDDED_YEARS (or the other way round).
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/calendar");
        let loaded = Calendar::load(&dir).expect("datasets/calendar loads");
        assert_eq!(loaded, cal());
        assert_eq!(loaded.decreed_years(), (2019, 2026));
        assert_eq!(loaded.covered_years(), (2019, 2027));
        assert_eq!(loaded.provisional_years(), Some((2027, 2027)));
    }

    #[test]
    fn fixed_holidays_on_weekdays_are_days_off() {
        for s in [
            "2019-01-01",
            "2019-01-02",
            "2019-03-08",
            "2024-03-21",
            "2024-03-22",
            "2023-03-23",
            "2024-05-01",
            "2024-05-07",
            "2024-05-09",
            "2026-07-06",
            "2024-08-30",
            "2023-10-25",
            "2021-12-01",
            "2025-12-16",
            "2021-12-17",
        ] {
            assert!(!working(s), "{s} should be a day off");
            assert_eq!(kinds(s), [ReasonKind::Holiday], "{s}");
        }
        // Orthodox Christmas is a day off but not a holiday.
        assert!(!working("2025-01-07"));
        assert_eq!(kinds("2025-01-07"), [ReasonKind::ReligiousDayOff]);
    }

    #[test]
    fn holidays_on_a_weekend_move_to_the_next_working_day() {
        // (holiday, the day off it gives)
        for (holiday, substitute) in [
            ("2019-03-23", "2019-03-25"),
            ("2019-07-06", "2019-07-08"),
            ("2019-12-01", "2019-12-02"),
            ("2020-03-08", "2020-03-09"),
            ("2020-03-21", "2020-03-24"),
            ("2020-03-22", "2020-03-25"),
            ("2020-08-30", "2020-08-31"),
            ("2021-01-02", "2021-01-04"),
            ("2021-03-21", "2021-03-24"),
            ("2021-05-01", "2021-05-03"),
            ("2021-05-09", "2021-05-10"),
            ("2022-01-01", "2022-01-03"),
            ("2022-01-02", "2022-01-04"),
            ("2022-05-01", "2022-05-02"),
            // Skips Monday 9 May, itself Victory Day.
            ("2022-05-07", "2022-05-10"),
            // Skips Monday 2 January, itself New Year.
            ("2023-01-01", "2023-01-03"),
            ("2023-05-07", "2023-05-08"),
            ("2023-12-16", "2023-12-18"),
            ("2024-03-23", "2024-03-25"),
            ("2024-07-06", "2024-07-08"),
            ("2025-03-08", "2025-03-10"),
            ("2025-03-22", "2025-03-24"),
            ("2025-03-23", "2025-03-25"),
            ("2025-07-06", "2025-07-07"),
            ("2025-08-30", "2025-09-01"),
            ("2025-10-25", "2025-10-27"),
            ("2026-03-08", "2026-03-09"),
            ("2026-03-21", "2026-03-24"),
            ("2026-03-22", "2026-03-25"),
            ("2026-05-09", "2026-05-11"),
            ("2026-10-25", "2026-10-26"),
        ] {
            assert!(
                !working(substitute),
                "{substitute} should be off for {holiday}"
            );
            let info = cal().explain(d(substitute)).unwrap();
            let reason = info
                .reasons
                .iter()
                .find(|r| r.kind == ReasonKind::SubstituteDayOff)
                .unwrap_or_else(|| panic!("{substitute} has no substitute reason"));
            assert!(reason.what.contains(holiday), "{}", reason.what);
            assert!(reason.source.contains("art. 5"), "{}", reason.source);
        }
        // Only one day per weekend holiday: the day after the block works.
        for s in [
            "2020-03-26",
            "2022-05-11",
            "2023-01-04",
            "2025-03-26",
            "2026-03-26",
        ] {
            assert!(working(s), "{s} should be a working day");
        }
    }

    #[test]
    fn christmas_and_kurban_ait_never_move() {
        // 7 January on a weekend: the following Monday is an ordinary day.
        assert_eq!(
            kinds("2023-01-07"),
            [ReasonKind::Weekend, ReasonKind::ReligiousDayOff]
        );
        assert!(working("2023-01-09"));
        assert!(working("2024-01-08"));
        // Kurban Ait on a weekend: 2019 (Sunday), 2022 (Saturday), 2024
        // (Sunday, after the date moved from Monday 17 June).
        for (kurban, monday) in [
            ("2019-08-11", "2019-08-12"),
            ("2022-07-09", "2022-07-11"),
            ("2024-06-16", "2024-06-17"),
        ] {
            assert_eq!(
                kinds(kurban),
                [ReasonKind::Weekend, ReasonKind::ReligiousDayOff]
            );
            assert!(working(monday), "{monday} should be a working day");
        }
        for s in [
            "2020-07-31",
            "2021-07-20",
            "2023-06-28",
            "2025-06-06",
            "2026-05-27",
        ] {
            assert!(!working(s), "Kurban Ait {s} should be a day off");
            assert_eq!(kinds(s), [ReasonKind::ReligiousDayOff], "{s}");
            let info = cal().explain(d(s)).unwrap();
            assert!(info.reasons[0].source.contains("art. 84 para. 5"));
        }
    }

    #[test]
    fn constitution_day_30_august_ends_in_2025() {
        assert!(!working("2024-08-30"));
        assert!(!working("2025-09-01"));
        // 30 August 2026 is a Sunday and no longer a holiday: no Monday off.
        assert_eq!(kinds("2026-08-30"), [ReasonKind::Weekend]);
        assert!(working("2026-08-31"));
    }

    #[test]
    fn republic_day_25_october_starts_in_2022() {
        assert!(working("2021-10-25"));
        assert!(!working("2022-10-25"));
        assert!(!working("2024-10-25"));
    }

    #[test]
    fn first_president_day_1_december_ends_in_2021() {
        assert!(!working("2021-12-01"));
        assert!(!working("2020-12-01"));
        assert!(working("2022-12-01"));
        assert!(working("2025-12-01"));
    }

    #[test]
    fn independence_day_second_day_17_december_ends_in_2021() {
        assert!(!working("2019-12-17"));
        assert!(!working("2021-12-17"));
        // 17 December 2022 was a Saturday that no longer moved to Monday.
        assert_eq!(kinds("2022-12-17"), [ReasonKind::Weekend]);
        assert!(working("2022-12-19"));
        assert!(working("2025-12-17"));
        // December 2022 had 21 working days (Zakon.kz, as cited in a public
        // bug report against another calendar service).
        let c = cal();
        assert_eq!(
            c.working_days_between(d("2022-11-30"), d("2022-12-31"))
                .unwrap(),
            21
        );
    }

    #[test]
    fn constitution_day_15_march_starts_in_2027() {
        // 15 March 2026 (the referendum) was a Sunday, and Monday 16 March a
        // working day: the new holiday applies from 2027.
        assert_eq!(kinds("2026-03-15"), [ReasonKind::Weekend]);
        assert!(working("2026-03-16"));
        // In the provisional 2027 of the embedded data, and in a 2027 with a
        // year file alike.
        let decreed = with_extra(&[("2027.toml", SYNTHETIC_2027)]).unwrap();
        assert_eq!(decreed.decreed_years(), (2019, 2027));
        for c in [cal(), decreed] {
            assert!(!c.is_working(d("2027-03-15")).unwrap());
            let info = c.explain(d("2027-03-15")).unwrap();
            assert_eq!(info.reasons.len(), 1);
            assert_eq!(info.reasons[0].kind, ReasonKind::Holiday);
            assert!(info.reasons[0].source.contains("in force from 2027"));
            // ...and 30 August 2027, a Monday, is an ordinary working day.
            assert!(c.is_working(d("2027-08-30")).unwrap());
        }
    }

    #[test]
    fn the_year_after_the_last_file_is_provisional() {
        let c = cal();
        assert_eq!(c.provisional_years(), Some((2027, 2027)));
        // Decreed years are not provisional, up to their last day.
        for s in ["2019-01-01", "2025-01-05", "2026-12-31"] {
            assert!(!c.is_provisional(d(s)).unwrap(), "{s}");
            assert!(!c.explain(d(s)).unwrap().provisional, "{s}");
        }
        for s in ["2027-01-01", "2027-06-15", "2027-12-31"] {
            assert!(c.is_provisional(d(s)).unwrap(), "{s}");
        }
        // Outside the covered years there is no answer, provisional or not.
        assert!(matches!(
            c.is_provisional(d("2028-01-01")),
            Err(CalendarError::NotCovered { .. })
        ));
        assert!(c.is_provisional(d("2018-12-31")).is_err());

        // The Law's own days off in 2027: holidays on weekdays, and the
        // weekend transfer (1 January is a Friday, 2 January a Saturday).
        let off = [
            ("2027-01-01", vec![ReasonKind::Holiday]),
            ("2027-01-04", vec![ReasonKind::SubstituteDayOff]),
            ("2027-01-07", vec![ReasonKind::ReligiousDayOff]),
            ("2027-03-08", vec![ReasonKind::Holiday]),
            ("2027-03-15", vec![ReasonKind::Holiday]),
            // 21 March is a Sunday: 22 and 23 March are holidays themselves,
            // so its day off is Wednesday 24 March.
            ("2027-03-22", vec![ReasonKind::Holiday]),
            ("2027-03-23", vec![ReasonKind::Holiday]),
            ("2027-03-24", vec![ReasonKind::SubstituteDayOff]),
            // 1 May (Saturday) -> Monday 3 May; 9 May (Sunday) -> Monday 10 May.
            ("2027-05-03", vec![ReasonKind::SubstituteDayOff]),
            ("2027-05-07", vec![ReasonKind::Holiday]),
            ("2027-05-10", vec![ReasonKind::SubstituteDayOff]),
            ("2027-07-06", vec![ReasonKind::Holiday]),
            ("2027-10-25", vec![ReasonKind::Holiday]),
            ("2027-12-16", vec![ReasonKind::Holiday]),
        ];
        for (s, expect) in &off {
            let info = c.explain(d(s)).unwrap();
            assert!(!info.working, "{s}");
            assert!(info.provisional, "{s}");
            let got: Vec<ReasonKind> = info.reasons.iter().map(|r| r.kind).collect();
            assert_eq!(&got, expect, "{s}");
        }
        // No moved day and no Kurban Ait anywhere in 2027.
        let mut day = d("2027-01-01");
        while day.year() == 2027 {
            let info = c.explain(day).unwrap();
            assert!(
                !info.reasons.iter().any(|r| matches!(
                    r.kind,
                    ReasonKind::MovedDayOff | ReasonKind::MovedWorkingDay
                ) || r.what.contains("Kurban")),
                "{day}: {info}"
            );
            day = day.succ_opt().unwrap();
        }
        // 261 weekdays less the 14 weekday days off listed above.
        assert_eq!(
            c.working_days_between(d("2026-12-31"), d("2027-12-31"))
                .unwrap(),
            261 - off.len() as i64
        );
    }

    #[test]
    fn explain_says_when_a_day_is_provisional() {
        let text = cal().explain(d("2027-03-15")).unwrap().to_string();
        assert!(
            text.starts_with("2027-03-15 Mon: day off (provisional)"),
            "{text}"
        );
        assert!(text.contains("2027 has no year file yet"), "{text}");
        assert!(text.contains("Kurban Ait"), "{text}");
        assert!(text.contains("No. 267-II"), "{text}");
        let plain = cal().explain(d("2027-01-05")).unwrap().to_string();
        assert!(
            plain.starts_with("2027-01-05 Tue: working day (provisional) (an ordinary weekday)"),
            "{plain}"
        );
        let decreed = cal().explain(d("2026-01-05")).unwrap().to_string();
        assert!(!decreed.contains("rovisional"), "{decreed}");
    }

    #[test]
    fn a_december_request_is_due_in_a_provisional_january() {
        let c = cal();
        // Monday 14 December 2026 + 20 working days (para. 16, platform
        // functioning): 12 in December (16 December is off), then 1 January,
        // 4 January (for Saturday 2 January) and 7 January off: 5, 6, 8,
        // 11-15 January.
        let due = c.add_working_days(d("2026-12-14"), 20).unwrap();
        assert_eq!(due, d("2027-01-15"));
        assert!(c.is_provisional(due).unwrap());
        assert_eq!(c.working_days_between(d("2026-12-14"), due).unwrap(), 20);
        // One that ends in December is not provisional.
        let due = c.add_working_days(d("2026-12-01"), 20).unwrap();
        assert_eq!(due, d("2026-12-30"));
        assert!(!c.is_provisional(due).unwrap());
    }

    #[test]
    fn provisional_years_follow_the_rules_file() {
        let none = EMBEDDED_RULES.replace("years = 1\n", "years = 0\n");
        assert_ne!(none, EMBEDDED_RULES);
        let c = Calendar::from_sources(&none, EMBEDDED_YEARS).unwrap();
        assert_eq!(c.covered_years(), (2019, 2026));
        assert_eq!(c.provisional_years(), None);
        let err = c.add_working_days(d("2026-12-30"), 3).unwrap_err();
        assert!(
            err.to_string().contains("add datasets/calendar/2027.toml"),
            "{err}"
        );
        let two = EMBEDDED_RULES.replace("years = 1\n", "years = 2\n");
        let c = Calendar::from_sources(&two, EMBEDDED_YEARS).unwrap();
        assert_eq!(c.provisional_years(), Some((2027, 2028)));
        assert!(c.is_provisional(d("2028-12-31")).unwrap());
        // With a 2027 file, 2027 is decreed and 2028 provisional.
        let c = with_extra(&[("2027.toml", SYNTHETIC_2027)]).unwrap();
        assert!(!c.is_provisional(d("2027-05-17")).unwrap());
        assert!(!c.is_working(d("2027-05-17")).unwrap());
        assert!(c.is_provisional(d("2028-01-01")).unwrap());
        // Far-ahead guesses are refused.
        let many = EMBEDDED_RULES.replace("years = 1\n", "years = 5\n");
        let err = Calendar::from_sources(&many, EMBEDDED_YEARS).unwrap_err();
        assert!(matches!(err, CalendarError::Invalid { .. }), "{err}");
    }

    #[test]
    fn each_decree_moved_day_2019_to_2026() {
        // (date, working after the move, text that must appear in the citation)
        let moves = [
            ("2019-05-04", true, "No. 888"),
            ("2019-05-10", false, "No. 888"),
            ("2020-01-03", false, "No. 820"),
            ("2020-01-05", true, "No. 820"),
            ("2020-05-08", false, "No. 820"),
            ("2020-05-11", true, "No. 820"),
            ("2020-12-18", false, "No. 820"),
            ("2020-12-20", true, "No. 820"),
            ("2021-07-03", true, "No. 930"),
            ("2021-07-05", false, "No. 930"),
            ("2022-03-05", true, "No. 713 of 2021-10-06"),
            ("2022-03-07", false, "No. 713 of 2021-10-06"),
            ("2022-08-27", true, "No. 713 of 2021-10-06"),
            ("2022-08-29", false, "No. 713 of 2021-10-06"),
            ("2022-10-22", true, "No. 796"),
            ("2022-10-24", false, "No. 796"),
            ("2023-07-01", true, "No. 326 of 2023-04-25"),
            ("2023-07-07", false, "No. 326 of 2023-04-25"),
            ("2024-05-04", true, "(number not verified) of 2024-04-17"),
            ("2024-05-08", false, "(number not verified) of 2024-04-17"),
            ("2025-01-03", false, "(number not verified) of 2024-11-21"),
            ("2025-01-05", true, "(number not verified) of 2024-11-21"),
        ];
        let c = cal();
        for (s, expect_working, act) in moves {
            let info = c.explain(d(s)).unwrap();
            assert_eq!(info.working, expect_working, "{s}");
            let last = info.reasons.last().expect("a moved day has reasons");
            let kind = if expect_working {
                ReasonKind::MovedWorkingDay
            } else {
                ReasonKind::MovedDayOff
            };
            assert_eq!(last.kind, kind, "{s}");
            assert!(last.source.contains(act), "{s}: {}", last.source);
        }
        // Every move is in the list above, and 2026 has none.
        let mut found = Vec::new();
        let mut day = d("2019-01-01");
        while day <= d("2026-12-31") {
            let info = c.explain(day).unwrap();
            if info.reasons.iter().any(|r| {
                matches!(
                    r.kind,
                    ReasonKind::MovedDayOff | ReasonKind::MovedWorkingDay
                )
            }) {
                found.push(day);
            }
            day = day.succ_opt().unwrap();
        }
        let expected: Vec<NaiveDate> = moves.iter().map(|m| d(m.0)).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn working_days_per_year() {
        let c = cal();
        let count = |y: i32| {
            c.working_days_between(
                NaiveDate::from_ymd_opt(y - 1, 12, 31).unwrap(),
                NaiveDate::from_ymd_opt(y, 12, 31).unwrap(),
            )
        };
        // 2019 starts the coverage, so its count starts from 1 January.
        assert_eq!(
            c.working_days_between(d("2019-01-01"), d("2019-12-31"))
                .unwrap(),
            246
        );
        // 247: the MTSZN production calendar for 2026 as reported.
        assert_eq!(count(2026).unwrap(), 247);
        // Provisional: the Law alone (the_year_after_the_last_file_is_provisional).
        assert_eq!(count(2027).unwrap(), 247);
        assert_eq!(count(2025).unwrap(), 246);
        assert_eq!(count(2024).unwrap(), 249);
    }

    #[test]
    fn support_request_deadlines_around_new_year() {
        let c = cal();
        // Friday 27 December 2024 + 3 (para. 16): Mon 30, Tue 31, then 1-2
        // January (holiday), Friday 3 January (moved off), Saturday 4 off,
        // Sunday 5 January (moved on): due on a Sunday.
        assert_eq!(
            c.add_working_days(d("2024-12-27"), 3).unwrap(),
            d("2025-01-05")
        );
        // Tuesday 30 December 2025 + 3 crosses the year and the weekend.
        assert_eq!(
            c.add_working_days(d("2025-12-30"), 3).unwrap(),
            d("2026-01-06")
        );
        // One more skips Orthodox Christmas on Wednesday 7 January.
        assert_eq!(
            c.add_working_days(d("2025-12-30"), 4).unwrap(),
            d("2026-01-08")
        );
        // Received on 1 January itself (a holiday): the count starts after it.
        assert_eq!(
            c.add_working_days(d("2026-01-01"), 1).unwrap(),
            d("2026-01-05")
        );
        // 31 December 2022 (Saturday) + 1: 1 Jan (Sun) moves to Tue 3 Jan.
        assert_eq!(
            c.add_working_days(d("2022-12-31"), 1).unwrap(),
            d("2023-01-04")
        );
    }

    #[test]
    fn deadlines_around_nauryz() {
        let c = cal();
        // Thursday 20 March 2025: Fri 21 holiday, Sat-Sun, Mon 24 and Tue 25
        // in place of the weekend Nauryz days, so 3 working days end Fri 28.
        assert_eq!(
            c.add_working_days(d("2025-03-20"), 1).unwrap(),
            d("2025-03-26")
        );
        assert_eq!(
            c.add_working_days(d("2025-03-20"), 3).unwrap(),
            d("2025-03-28")
        );
        assert_eq!(
            c.working_days_between(d("2025-03-20"), d("2025-03-28"))
                .unwrap(),
            3
        );
        // 10 working days (software defects) from Friday 20 March 2026: the
        // weekend, Mon 23 (holiday), Tue 24 and Wed 25 (for 21-22 March) are
        // off, so the count runs 26, 27, 30, 31 March, 1, 2, 3, 6, 7, 8 April.
        assert_eq!(
            c.add_working_days(d("2026-03-20"), 10).unwrap(),
            d("2026-04-08")
        );
    }

    #[test]
    fn deadlines_around_independence_day() {
        let c = cal();
        // Up to 2021 Independence Day is two days: Wed 15 December 2021 + 1
        // is Monday 20 December.
        assert_eq!(
            c.add_working_days(d("2021-12-15"), 1).unwrap(),
            d("2021-12-20")
        );
        // From 2022 one day: Monday 15 December 2025 + 1 is Wednesday 17.
        assert_eq!(
            c.add_working_days(d("2025-12-15"), 1).unwrap(),
            d("2025-12-17")
        );
        // 20 working days (platform functioning) from Friday 12 December 2025
        // skip 16 December, 1-2 January and Christmas on 7 January: 12 in
        // December, then 5, 6, 8, 9, 12, 13, 14, 15 January.
        assert_eq!(
            c.add_working_days(d("2025-12-12"), 20).unwrap(),
            d("2026-01-15")
        );
    }

    #[test]
    fn registration_deadline_across_a_moved_day() {
        let c = cal();
        // A centre accredited on Friday 3 May 2024 registers within 5
        // working days (para. 4): Sat 4 May is worked, 7-9 May are off.
        assert_eq!(
            c.add_working_days(d("2024-05-03"), 5).unwrap(),
            d("2024-05-14")
        );
        // A state body with 10 working days from Friday 5 January 2024.
        assert_eq!(
            c.add_working_days(d("2024-01-05"), 10).unwrap(),
            d("2024-01-19")
        );
    }

    #[test]
    fn zero_days_and_same_day() {
        let c = cal();
        assert_eq!(
            c.add_working_days(d("2024-05-05"), 0).unwrap(),
            d("2024-05-05")
        );
        assert_eq!(
            c.working_days_between(d("2024-05-05"), d("2024-05-05"))
                .unwrap(),
            0
        );
        // Between is signed: b before a gives the negative of a to b.
        assert_eq!(
            c.working_days_between(d("2025-03-28"), d("2025-03-20"))
                .unwrap(),
            -3
        );
    }

    #[test]
    fn table_lookups_agree_with_counting_day_by_day() {
        // The prefix table must give what a plain walk over is_working gives,
        // on every covered date, including year boundaries.
        let c = cal();
        let last = d("2027-12-31");
        let mut from = d("2019-01-01");
        while from <= last {
            for n in [1u32, 2, 3, 5, 10, 20] {
                let mut day = from;
                let mut left = n;
                let naive = loop {
                    match day.succ_opt() {
                        Some(next) if next <= last => day = next,
                        _ => break None,
                    }
                    if c.is_working(day).unwrap() {
                        left -= 1;
                        if left == 0 {
                            break Some(day);
                        }
                    }
                };
                match naive {
                    Some(due) => {
                        assert_eq!(c.add_working_days(from, n).unwrap(), due, "{from} + {n}");
                        assert_eq!(c.working_days_between(from, due).unwrap(), i64::from(n));
                        assert_eq!(c.working_days_between(due, from).unwrap(), -i64::from(n));
                    }
                    None => assert!(matches!(
                        c.add_working_days(from, n),
                        Err(CalendarError::NotCovered { .. })
                    )),
                }
            }
            from = from.succ_opt().unwrap();
        }
    }

    #[test]
    fn dates_outside_the_covered_years_are_refused() {
        let c = cal();
        for s in ["2018-12-31", "2028-01-01", "1999-06-01", "2100-01-01"] {
            match c.is_working(d(s)) {
                Err(CalendarError::NotCovered {
                    date,
                    covered,
                    decreed_until,
                }) => {
                    assert_eq!(date, d(s));
                    assert_eq!(covered, (2019, 2027));
                    assert_eq!(decreed_until, 2026);
                }
                other => panic!("{s}: expected NotCovered, got {other:?}"),
            }
            assert!(c.explain(d(s)).is_err());
            assert!(c.add_working_days(d(s), 1).is_err());
        }
        assert!(
            c.working_days_between(d("2027-12-31"), d("2028-01-05"))
                .is_err()
        );
        assert!(
            c.working_days_between(d("2018-12-31"), d("2019-01-05"))
                .is_err()
        );
        // A count that runs off the end names the first uncovered day, and
        // the file whose addition would cover it (2028 becomes provisional).
        let err = c.add_working_days(d("2027-12-30"), 3).unwrap_err();
        assert!(matches!(err, CalendarError::NotCovered { date, .. } if date == d("2028-01-01")));
        let text = err.to_string();
        assert!(
            text.contains("covers 2019-2027 only (2027 provisionally"),
            "{text}"
        );
        assert!(text.contains("add datasets/calendar/2027.toml"), "{text}");
        let err = c.is_working(d("2030-06-01")).unwrap_err().to_string();
        assert!(err.contains("2027.toml to 2029.toml"), "{err}");
        let err = c.is_working(d("2017-06-01")).unwrap_err().to_string();
        assert!(err.contains("2017.toml to 2018.toml"), "{err}");
        // The last covered working day is still reachable.
        assert_eq!(
            c.add_working_days(d("2027-12-30"), 1).unwrap(),
            d("2027-12-31")
        );
    }

    #[test]
    fn explain_names_the_act() {
        let info = cal().explain(d("2025-01-05")).unwrap();
        assert!(info.working);
        let text = info.to_string();
        assert!(text.starts_with("2025-01-05 Sun: working day"), "{text}");
        assert!(
            text.contains("art. 85") || text.contains("2024-11-21"),
            "{text}"
        );
        let plain = cal().explain(d("2025-01-08")).unwrap();
        assert!(plain.reasons.is_empty());
        assert!(plain.to_string().contains("ordinary weekday"));
    }

    #[test]
    fn a_gap_between_years_is_refused() {
        let years: Vec<(&str, &str)> = EMBEDDED_YEARS
            .iter()
            .filter(|(name, _)| *name != "2022.toml")
            .copied()
            .collect();
        let err = Calendar::from_sources(EMBEDDED_RULES, &years).unwrap_err();
        assert!(matches!(err, CalendarError::Invalid { ref file, .. } if file == "2022.toml"));
    }

    #[test]
    fn inconsistent_data_is_refused() {
        // A file whose name and year disagree.
        let err = with_extra(&[("2028.toml", SYNTHETIC_2027)]).unwrap_err();
        assert!(matches!(err, CalendarError::Invalid { .. }), "{err}");
        // A move that changes nothing: Wednesday 6 January 2027 is already a
        // working day, so the date is probably mistyped.
        let bad_move = format!(
            "{SYNTHETIC_2027}\n[[act]]\nid = \"x\"\nkind = \"k\"\nnumber = \"1\"\n\
             date = \"2026\"\nverification = \"test\"\n\n[[moved]]\ndate = 2027-01-06\n\
             becomes = \"working\"\nact = \"x\"\n"
        );
        let err = with_extra(&[("2027.toml", &bad_move)]).unwrap_err();
        assert!(err.to_string().contains("already a working day"), "{err}");
        // A move citing an act nobody listed.
        let unknown_act = format!(
            "{SYNTHETIC_2027}\n[[moved]]\ndate = 2027-01-09\nbecomes = \"working\"\nact = \"nope\"\n"
        );
        let err = with_extra(&[("2027.toml", &unknown_act)]).unwrap_err();
        assert!(err.to_string().contains("unknown act"), "{err}");
        // A misspelt key is an error, not a silently ignored rule.
        let typo = SYNTHETIC_2027.replace("[kurban_ait]", "moves = []\n[kurban_ait]");
        let typo = typo.replace("moves = []", "moved_days = []");
        let err = with_extra(&[("2027.toml", &typo)]).unwrap_err();
        assert!(matches!(err, CalendarError::Parse { .. }), "{err}");
        // A date with a time of day.
        let timed = SYNTHETIC_2027.replace("2027-05-17", "2027-05-17T10:00:00");
        let err = with_extra(&[("2027.toml", &timed)]).unwrap_err();
        assert!(err.to_string().contains("plain date"), "{err}");
        // Not TOML at all.
        let err = with_extra(&[("2027.toml", "year = ")]).unwrap_err();
        assert!(matches!(err, CalendarError::Parse { .. }), "{err}");
    }

    #[test]
    fn load_reports_a_missing_directory() {
        let err = Calendar::load(Path::new("/nonexistent/calendar")).unwrap_err();
        assert!(matches!(err, CalendarError::Io { .. }), "{err}");
    }
}
