//! The monthly flows, simulated month by month so that nothing large is held in memory: the
//! National Chamber's centre list and events, each centre's recognition results and certificate
//! register, the administrator's registrations and support requests.

use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::bad::{BadKind, Injector};
use super::names::{self, Person};
use super::schema as s;
use super::table::{Cell, Header, Row, Style};
use super::world::{Centre, LAGGARD_REGION, World, add_years, date, month_end, poisson};
use super::{GenerateError, Out, rng_for};

const NATIONAL_CHAMBER: &str = "НПП РК «Атамекен»";
const ADMINISTRATOR: &str = "НАО «Центр развития трудовых ресурсов»";

/// Relative volume by month: the January holidays and summer are quiet, autumn is busy.
const SEASON: [f64; 12] = [0.6, 0.9, 1.0, 1.1, 1.1, 1.0, 0.8, 0.85, 1.1, 1.2, 1.25, 1.1];

fn s(v: &str) -> Cell {
    Cell::s(v)
}

/// A candidate's assessment, waiting for the month of its decision.
struct Pending {
    decision: NaiveDate,
    row: Row,
    person: Person,
    profession: usize,
    level: u8,
    passed: bool,
    failed: bool,
    region: usize,
}

struct Retake {
    due: NaiveDate,
    person: Person,
    profession: usize,
    level: u8,
    region: usize,
}

/// A certificate event waiting for the month it happens in.
struct CertEvent {
    date: NaiveDate,
    row: Row,
}

struct CentreState {
    rng: ChaCha8Rng,
    pending: Vec<Pending>,
    certs: Vec<CertEvent>,
    retakes: Vec<Retake>,
    record_seq: u64,
    cert_seq: u64,
}

struct Injectors {
    results: Injector,
    certs: Injector,
    regs: Injector,
    support: Injector,
    centres: Injector,
    events: Injector,
}

pub(crate) fn write_all(w: &World, out: &mut Out) -> Result<(), GenerateError> {
    let mut rng = rng_for(w.seed, "activity", 0);
    let mut inj = Injectors {
        results: Injector::new(&s::RESULTS_BAD, 0.005, &mut rng),
        certs: Injector::new(&s::CERTIFICATES_BAD, 0.005, &mut rng),
        regs: Injector::new(&s::REGISTRATIONS_BAD, 0.004, &mut rng),
        support: Injector::new(&s::SUPPORT_BAD, 0.01, &mut rng),
        centres: Injector::new(&s::CENTRES_BAD, 0.004, &mut rng),
        events: Injector::new(&s::EVENTS_BAD, 0.04, &mut rng),
    };
    let mut states: Vec<CentreState> = w
        .centres
        .iter()
        .map(|c| CentreState {
            rng: rng_for(w.seed, "centre", c.no as u64),
            pending: Vec::new(),
            certs: Vec::new(),
            retakes: Vec::new(),
            record_seq: 0,
            cert_seq: 0,
        })
        .collect();
    let event_ids = event_ids(w);
    let months: Vec<(i32, u32)> = (w.first_year..=w.as_of.year())
        .flat_map(|y| (1..=12).map(move |m| (y, m)))
        .filter(|&(y, m)| date(y, m, 1) <= w.as_of)
        .collect();
    let region_pick = WeightedIndex::new(w.region_weights()).expect("weights");
    for (mi, &(y, m)) in months.iter().enumerate() {
        (out.progress)("monthly", mi as u64, months.len() as u64);
        let end = month_end(y, m);
        let mut mrng = rng_for(w.seed, "month", (y * 12 + m as i32) as u64);
        chamber(w, out, &mut inj, &mut mrng, &event_ids, y, m, mi == 0)?;
        let mut cand_regs: Vec<Row> = Vec::new();
        let mid = date(y, m, 15);
        let active = |c: &Centre| {
            c.status(mid) == Some("accredited")
                && !c.idle_years.contains(&y)
                && !c.professions.is_empty()
        };
        let total_activity: f64 = w
            .centres
            .iter()
            .filter(|c| active(c))
            .map(|c| c.activity)
            .sum();
        let per_year = w.params.results_first_year * 1.12f64.powi(y - w.first_year);
        let month_target = per_year * SEASON[m as usize - 1] / SEASON.iter().sum::<f64>();
        for (ci, c) in w.centres.iter().enumerate() {
            let st = &mut states[ci];
            let n = if active(c) && total_activity > 0.0 {
                poisson(&mut st.rng, month_target * c.activity / total_activity)
            } else {
                0
            };
            applications(w, c, st, &region_pick, y, m, n, &mut cand_regs);
            centre_files(w, out, &mut inj, c, st, y, m, end)?;
        }
        registrations(w, out, &mut inj, &mut mrng, y, m, cand_regs)?;
        support(w, out, &mut inj, &mut mrng, y, m)?;
    }
    (out.progress)("monthly", months.len() as u64, months.len() as u64);
    out.bad("recognition_results", &inj.results);
    out.bad("certificates", &inj.certs);
    out.bad("registrations", &inj.regs);
    out.bad("support_requests", &inj.support);
    out.bad("centres", &inj.centres);
    out.bad("centre_events", &inj.events);
    Ok(())
}

/// Event ids numbered per year in date order across all centres.
fn event_ids(w: &World) -> Vec<Vec<String>> {
    let mut all: Vec<(NaiveDate, usize, usize)> = Vec::new();
    for (ci, c) in w.centres.iter().enumerate() {
        for (ei, e) in c.events.iter().enumerate() {
            all.push((e.date, ci, ei));
        }
    }
    all.sort();
    let mut ids: Vec<Vec<String>> = w
        .centres
        .iter()
        .map(|c| vec![String::new(); c.events.len()])
        .collect();
    let mut year = 0;
    let mut n = 0;
    for (d, ci, ei) in all {
        if d.year() != year {
            year = d.year();
            n = 0;
        }
        n += 1;
        ids[ci][ei] = format!("EV-{year}-{n:04}");
    }
    ids
}

#[allow(clippy::too_many_arguments)]
fn chamber(
    w: &World,
    out: &mut Out,
    inj: &mut Injectors,
    rng: &mut ChaCha8Rng,
    event_ids: &[Vec<String>],
    y: i32,
    m: u32,
    first: bool,
) -> Result<(), GenerateError> {
    let end = month_end(y, m);
    let delay = if rng.gen_bool(0.05) {
        rng.gen_range(20..45)
    } else {
        rng.gen_range(2..10)
    };
    let received = w.cal.next_working(end + Duration::days(delay));
    if received > w.as_of {
        return Ok(());
    }
    let ghost = w.ghost_bin(rng);
    let mut rows = Vec::new();
    for c in &w.centres {
        let Some(status) = c.status(end) else {
            continue;
        };
        let acc = c
            .accreditation_on(end)
            .expect("accredited before any status");
        rows.push(vec![
            Cell::Date(end),
            s(&c.bin),
            s(&c.name),
            s(&w.regions[c.region].code),
            Cell::List(
                c.sectors
                    .iter()
                    .map(|&si| w.sectors[si].code.clone())
                    .collect(),
            ),
            s(&acc.no),
            Cell::Date(acc.date),
            Cell::Date(acc.expiry),
            s(status),
            Cell::List(c.founders.clone()),
        ]);
        if let Some(kind) = inj.centres.roll(rng) {
            let mut extra = rows.last().expect("just pushed").clone();
            if kind != BadKind::DuplicateKey {
                extra[1] = s(&w.stray_bins[c.no % w.stray_bins.len()]);
            }
            inj.centres
                .corrupt(kind, &mut extra, s::CENTRES, rng, &ghost);
            rows.push(extra);
        }
    }
    // The chamber's first years came with Russian headers and text dates.
    let style = if y == w.first_year {
        Style::XLSX.text_dates(true).with_header(Header::Ru)
    } else {
        Style::XLSX
    };
    let period = format!("{y}-{m:02}");
    let rel = format!("centres/centres_{period}.xlsx");
    out.write("centres", &rel, s::CENTRES, &rows, &style)?;
    out.submit(
        "national_chamber",
        NATIONAL_CHAMBER,
        "centres",
        period.clone(),
        received,
        &rel,
    );

    // Events: the first file carries the history before the window as an initial load.
    let from = if first {
        date(1990, 1, 1)
    } else {
        date(y, m, 1)
    };
    let mut events: Vec<(NaiveDate, String, Row)> = Vec::new();
    for (ci, c) in w.centres.iter().enumerate() {
        for (ei, e) in c.events.iter().enumerate() {
            if e.date >= from && e.date <= end {
                let id = event_ids[ci][ei].clone();
                events.push((
                    e.date,
                    id.clone(),
                    vec![
                        s(&id),
                        s(&c.bin),
                        s(e.kind),
                        Cell::Date(e.date),
                        if e.reason.is_empty() {
                            Cell::Empty
                        } else {
                            s(e.reason)
                        },
                    ],
                ));
            }
        }
    }
    events.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut rows = Vec::new();
    for (_, id, row) in events {
        rows.push(row);
        if let Some(kind) = inj.events.roll(rng) {
            let mut extra = rows.last().expect("just pushed").clone();
            extra[0] = s(&format!("{id}-X"));
            inj.events.corrupt(kind, &mut extra, s::EVENTS, rng, &ghost);
            rows.push(extra);
        }
    }
    if first {
        // The initial load is the one file sure to have rows: it carries the source's share of
        // bad rows that a rate on so few events could miss.
        let mut k = 0;
        inj.events
            .inject_n(&mut rows, 2, s::EVENTS, rng, &ghost, |row, _| {
                k += 1;
                row[0] = s(&format!("EV-0000-X{k}"));
            });
    }
    let rel = format!("centre_events/centre_events_{period}.csv");
    out.write("centre_events", &rel, s::EVENTS, &rows, &Style::CP1251)?;
    out.submit(
        "national_chamber",
        NATIONAL_CHAMBER,
        "centre_events",
        period,
        received,
        &rel,
    );
    Ok(())
}

fn working_day_in_month<R: Rng>(w: &World, rng: &mut R, y: i32, m: u32) -> NaiveDate {
    let end = month_end(y, m);
    let d = date(y, m, rng.gen_range(1..=end.day()));
    let next = w.cal.next_working(d);
    if next <= end {
        return next;
    }
    let mut back = d;
    while !w.cal.is_working(back) && back.day() > 1 {
        back -= Duration::days(1);
    }
    back
}

fn pass_probability(
    w: &World,
    c: &Centre,
    region: usize,
    level: u8,
    employer: bool,
    y: i32,
) -> f64 {
    let r = &w.regions[region];
    let mut p = 0.86 - 0.035 * f64::from(level) + r.pass_offset + c.quality;
    if r.code == LAGGARD_REGION {
        p -= 0.05 * f64::from(y - w.first_year);
    }
    if employer {
        p += 0.04;
    }
    p.clamp(0.05, 0.97)
}

#[allow(clippy::too_many_arguments)]
fn applications(
    w: &World,
    c: &Centre,
    st: &mut CentreState,
    region_pick: &WeightedIndex<f64>,
    y: i32,
    m: u32,
    n: u64,
    cand_regs: &mut Vec<Row>,
) {
    let end = month_end(y, m);
    let prof_pick = WeightedIndex::new(&c.profession_weights).ok();
    let mut todo: Vec<(Option<Person>, usize, u8, usize, NaiveDate)> = Vec::new();
    // Retakes due this month come back with the same person, profession and level.
    let (due, later): (Vec<Retake>, Vec<Retake>) = std::mem::take(&mut st.retakes)
        .into_iter()
        .partition(|r| r.due <= end);
    st.retakes = later;
    let allowed = |d: NaiveDate| matches!(c.status(d), Some("accredited"));
    for r in due {
        let app = working_day_in_month(w, &mut st.rng, y, m);
        if allowed(app) {
            todo.push((Some(r.person), r.profession, r.level, r.region, app));
        }
    }
    if let Some(pick) = prof_pick {
        for _ in 0..n {
            let app = working_day_in_month(w, &mut st.rng, y, m);
            // Professions enter the register over time: a candidate can only apply for one
            // already in it.
            let mut prof = None;
            for _ in 0..8 {
                let p = c.professions[pick.sample(&mut st.rng)];
                if w.professions[p].included <= app {
                    prof = Some(p);
                    break;
                }
            }
            let Some(p) = prof else { continue };
            let levels = &w.professions[p].levels;
            let lw: Vec<f64> = (0..levels.len()).map(|i| 1.0 / (1.0 + i as f64)).collect();
            let level = levels[WeightedIndex::new(&lw).expect("levels").sample(&mut st.rng)];
            let region = if st.rng.gen_bool(0.85) {
                c.region
            } else {
                region_pick.sample(&mut st.rng)
            };
            todo.push((None, p, level, region, app));
        }
    }
    todo.sort_by_key(|t| t.4);
    for (person, p, level, region, app) in todo {
        let rng = &mut st.rng;
        let prof = &w.professions[p];
        let sector = w.sectors[prof.sector].code.as_str();
        let new_person = person.is_none();
        let person = person.unwrap_or_else(|| {
            names::person(
                rng,
                app,
                18,
                62,
                c.kazakh_spelling,
                w.regions[region].russian_share,
            )
        });
        if new_person {
            // Para. 4: a candidate registers once, when first applying.
            let reg = (app
                + Duration::days(if rng.gen_bool(0.1) {
                    rng.gen_range(1..3)
                } else {
                    0
                }))
            .min(end);
            cand_regs.push(vec![
                Cell::Empty,
                s("candidate"),
                Cell::Empty,
                s(&person.iin),
                Cell::Date(app),
                Cell::Date(reg),
            ]);
        }
        let employer_share = match sector {
            "OIL" | "MIN" | "ENE" => 0.6,
            "CON" | "MAN" | "TRN" | "CHE" => 0.4,
            _ => 0.2,
        };
        let employer = rng.gen_bool(employer_share);
        let employer_bin = if employer {
            s(w.employers[region].choose(rng).expect("employers exist"))
        } else {
            Cell::Empty
        };
        let absent = rng.gen_bool(if employer { 0.02 } else { 0.06 });
        let assessment = (!absent).then(|| w.cal.add_working_days(app, rng.gen_range(3..20)));
        let decision = match assessment {
            Some(a) => w.cal.add_working_days(a, rng.gen_range(0..5)),
            None => w.cal.add_working_days(app, rng.gen_range(10..25)),
        };
        let passed = !absent
            && rng.gen_bool(pass_probability(
                w,
                c,
                region,
                level,
                employer,
                decision.year(),
            ));
        let result = if absent {
            "absent"
        } else if passed {
            "passed"
        } else {
            "failed"
        };
        let score = if absent || rng.gen_bool(0.04) {
            Cell::Empty
        } else if passed {
            Cell::Float(
                ((70.0 + 30.0 * rng.r#gen::<f64>().powf(0.8)) * 10.0).round() / 10.0,
                1,
            )
        } else {
            Cell::Float(
                ((25.0 + 44.9 * rng.r#gen::<f64>()) * 10.0).round() / 10.0,
                1,
            )
        };
        st.record_seq += 1;
        let record_id = format!(
            "{}-{}{:02}-{:06}",
            c.bin,
            app.year(),
            app.month(),
            st.record_seq
        );
        let row = vec![
            s(&record_id),
            s(&person.iin),
            s(&person.full_name),
            if rng.gen_bool(0.9) {
                s(&person.phone)
            } else {
                Cell::Empty
            },
            if rng.gen_bool(0.7) {
                s(&person.email)
            } else {
                Cell::Empty
            },
            s(person.sex_code()),
            Cell::Date(person.birth),
            s(&w.regions[region].code),
            s(&c.bin),
            s(&prof.id),
            s(&w.occs[prof.occ].code),
            Cell::Int(i64::from(level)),
            s(if employer { "employer" } else { "voluntary" }),
            employer_bin,
            Cell::Date(app),
            Cell::opt_date(assessment),
            Cell::Date(decision),
            s(result),
            score,
        ];
        st.pending.push(Pending {
            decision,
            row,
            person,
            profession: p,
            level,
            passed,
            failed: result == "failed",
            region,
        });
    }
}

#[allow(clippy::too_many_arguments)]
fn centre_files(
    w: &World,
    out: &mut Out,
    inj: &mut Injectors,
    c: &Centre,
    st: &mut CentreState,
    y: i32,
    m: u32,
    end: NaiveDate,
) -> Result<(), GenerateError> {
    let (mut decided, later): (Vec<Pending>, Vec<Pending>) = std::mem::take(&mut st.pending)
        .into_iter()
        .partition(|p| p.decision <= end);
    st.pending = later;
    decided.sort_by(|a, b| (a.decision, a.row[0].key()).cmp(&(b.decision, b.row[0].key())));
    let rng = &mut st.rng;
    let delay = if c.late && rng.gen_bool(0.35) {
        rng.gen_range(15..45)
    } else if rng.gen_bool(0.04) {
        rng.gen_range(12..30)
    } else {
        rng.gen_range(2..11)
    };
    let received = w.cal.next_working(end + Duration::days(delay));
    let skipped = c.skipper && rng.gen_bool(0.25);
    let sends = !skipped && received <= w.as_of;
    let period = format!("{y}-{m:02}");
    let ghost = w.ghost_bin(rng);
    let style = c.style;

    // Failed candidates often try again a few months later.
    for p in decided.iter().filter(|p| p.failed) {
        if rng.gen_bool(0.35) {
            st.retakes.push(Retake {
                due: p.decision + Duration::days(rng.gen_range(30..120)),
                person: p.person.clone(),
                profession: p.profession,
                level: p.level,
                region: p.region,
            });
        }
    }

    if sends && !decided.is_empty() {
        // Certificates only for results the register actually received.
        for p in decided.iter().filter(|p| p.passed) {
            st.cert_seq += 1;
            let issued = p.decision + Duration::days(rng.gen_range(0..10));
            let valid = if rng.gen_bool(0.97) {
                Cell::Date(add_years(issued, 5))
            } else {
                Cell::Empty
            };
            st.certs.push(CertEvent {
                date: issued,
                row: vec![
                    s(&format!(
                        "QC-{:04}-{}-{:06}",
                        c.no,
                        issued.year(),
                        st.cert_seq
                    )),
                    s("issued"),
                    Cell::Date(issued),
                    p.row[0].clone(),
                    s(&c.bin),
                    s(&p.person.iin),
                    p.row[9].clone(),
                    Cell::Int(i64::from(p.level)),
                    valid,
                    Cell::Empty,
                ],
            });
        }
        let mut rows = Vec::with_capacity(decided.len() + 4);
        for p in decided {
            rows.push(p.row);
            if let Some(kind) = inj.results.roll(rng) {
                let mut extra = rows.last().expect("just pushed").clone();
                if kind != BadKind::DuplicateKey {
                    st.record_seq += 1;
                    extra[0] = s(&format!("{}-{}{:02}-{:06}", c.bin, y, m, st.record_seq));
                }
                inj.results
                    .corrupt(kind, &mut extra, s::RESULTS, rng, &ghost);
                rows.push(extra);
            }
        }
        let rel = format!(
            "recognition_results/{y}/{m:02}/{}.{}",
            c.bin,
            style.fmt.ext()
        );
        out.write("recognition_results", &rel, s::RESULTS, &rows, &style)?;
        out.submit(
            "recognition_centres",
            &c.bin,
            "recognition_results",
            period.clone(),
            received,
            &rel,
        );
    }

    let (mut due, later): (Vec<CertEvent>, Vec<CertEvent>) = std::mem::take(&mut st.certs)
        .into_iter()
        .partition(|e| e.date <= end);
    st.certs = later;
    if !sends || due.is_empty() {
        return Ok(());
    }
    due.sort_by(|a, b| {
        (a.date, a.row[0].key(), a.row[1].key()).cmp(&(b.date, b.row[0].key(), b.row[1].key()))
    });
    let mut rows = Vec::with_capacity(due.len() + 4);
    for e in due {
        // A small share of issued certificates is revoked months later.
        if e.row[1] == s("issued") && rng.gen_bool(0.005) {
            let when = e.date + Duration::days(rng.gen_range(30..500));
            let reason = *[
                ("error", 4),
                ("holder_request", 3),
                ("fraud", 2),
                ("court", 1),
            ]
            .choose_weighted(rng, |r| r.1)
            .expect("weights");
            let mut rev = e.row.clone();
            rev[1] = s("revoked");
            rev[2] = Cell::Date(when);
            rev[8] = Cell::Empty;
            rev[9] = s(reason.0);
            st.certs.push(CertEvent {
                date: when,
                row: rev,
            });
        }
        rows.push(e.row);
        if let Some(kind) = inj.certs.roll(rng) {
            let mut extra = rows.last().expect("just pushed").clone();
            if kind != BadKind::DuplicateKey {
                st.cert_seq += 1;
                extra[0] = s(&format!("QC-{:04}-{}-{:06}", c.no, y, st.cert_seq));
            }
            inj.certs
                .corrupt(kind, &mut extra, s::CERTIFICATES, rng, &ghost);
            rows.push(extra);
        }
    }
    // Certificate registers have no aliases in the contract: keep names, the centre's format.
    let cert_style = Style {
        header: Header::Names,
        ..style
    };
    let rel = format!("certificates/{y}/{m:02}/{}.{}", c.bin, cert_style.fmt.ext());
    out.write("certificates", &rel, s::CERTIFICATES, &rows, &cert_style)?;
    out.submit(
        "recognition_centres",
        &c.bin,
        "certificates",
        period,
        received,
        &rel,
    );
    Ok(())
}

fn registrations(
    w: &World,
    out: &mut Out,
    inj: &mut Injectors,
    rng: &mut ChaCha8Rng,
    y: i32,
    m: u32,
    cand: Vec<Row>,
) -> Result<(), GenerateError> {
    let start = date(y, m, 1);
    let end = month_end(y, m);
    let received = w
        .cal
        .next_working(end + Duration::days(rng.gen_range(1..6)));
    if received > w.as_of {
        return Ok(());
    }
    let mut rows: Vec<Row> = w
        .org_registrations
        .iter()
        .filter(|r| r.registered >= start && r.registered <= end)
        .map(|r| {
            vec![
                Cell::Empty,
                s(r.kind),
                s(&r.bin),
                Cell::Empty,
                Cell::Date(r.trigger),
                Cell::Date(r.registered),
            ]
        })
        .collect();
    rows.extend(cand);
    rows.sort_by(|a, b| match (&a[5], &b[5]) {
        (Cell::Date(x), Cell::Date(y)) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    });
    let ghost = w.ghost_bin(rng);
    let mut with_bad = Vec::with_capacity(rows.len() + 8);
    for (i, mut row) in rows.into_iter().enumerate() {
        row[0] = s(&format!("REG-{y}{m:02}-{:06}", i + 1));
        let is_candidate = row[1] == s("candidate");
        with_bad.push(row);
        // IIN faults only make sense on a candidate's row.
        if !is_candidate {
            continue;
        }
        if let Some(kind) = inj.regs.roll(rng) {
            let mut extra = with_bad.last().expect("just pushed").clone();
            if kind != BadKind::DuplicateKey {
                extra[0] = s(&format!("REG-{y}{m:02}-X{:05}", i + 1));
            }
            inj.regs
                .corrupt(kind, &mut extra, s::REGISTRATIONS, rng, &ghost);
            with_bad.push(extra);
        }
    }
    let period = format!("{y}-{m:02}");
    let rel = format!("registrations/registrations_{period}.csv");
    out.write(
        "registrations",
        &rel,
        s::REGISTRATIONS,
        &with_bad,
        &Style::CSV,
    )?;
    out.submit(
        "administrator",
        ADMINISTRATOR,
        "registrations",
        period,
        received,
        &rel,
    );
    Ok(())
}

const SUBJECTS: &[(&str, u32)] = &[
    ("registration", 30),
    ("access", 25),
    ("data_error", 15),
    ("certificate", 15),
    ("standards", 5),
    ("other", 10),
];

fn description<R: Rng>(rng: &mut R, subject: &str, p: &Person) -> String {
    let kk = rng.gen_bool(0.35);
    match (subject, kk) {
        ("registration", false) => {
            "Не могу зарегистрироваться на платформе: не приходит SMS-код.".into()
        }
        ("registration", true) => "Платформада тіркеле алмаймын, SMS-код келмейді.".into(),
        ("access", false) => "После смены номера телефона нет доступа к личному кабинету.".into(),
        ("access", true) => {
            "Телефон нөмірін ауыстырғаннан кейін жеке кабинетке кіре алмаймын.".into()
        }
        ("data_error", false) => format!(
            "В сведениях неверно указаны ФИО: правильно {}, ИИН {}.",
            p.full_name, p.iin
        ),
        ("data_error", true) => format!(
            "Деректерде аты-жөнім қате жазылған: дұрысы {}.",
            p.full_name
        ),
        ("certificate", false) => {
            "Не отображается документ о признании квалификации, выданный центром.".into()
        }
        ("certificate", true) => {
            "Орталық берген біліктілікті тану туралы құжат көрсетілмейді.".into()
        }
        ("standards", _) => "Не найден профессиональный стандарт по моей профессии.".into(),
        (_, false) => format!(
            "Прошу разъяснить порядок подачи заявления. Контакт: {}.",
            p.phone
        ),
        (_, true) => "Өтініш беру тәртібін түсіндіріп беруіңізді сұраймын.".into(),
    }
}

fn support(
    w: &World,
    out: &mut Out,
    inj: &mut Injectors,
    rng: &mut ChaCha8Rng,
    y: i32,
    m: u32,
) -> Result<(), GenerateError> {
    let end = month_end(y, m);
    // Sent a month later so that most requests of the month are already closed.
    let extract = month_end(
        end.year() + i32::from(end.month() == 12),
        end.month() % 12 + 1,
    );
    let received = w
        .cal
        .next_working(extract + Duration::days(rng.gen_range(2..8)));
    if received > w.as_of {
        return Ok(());
    }
    let growth = 1.15f64.powi(y - w.first_year);
    let n = poisson(rng, w.params.support_per_year / 12.0 * growth);
    // Breaches of the review limits grow over the years, most in the latest year.
    let breach =
        0.05 + 0.025 * f64::from(y - w.first_year) + if y == w.last_year { 0.1 } else { 0.0 };
    let ghost = w.ghost_bin(rng);
    let mut created: Vec<NaiveDate> = (0..n)
        .map(|_| {
            let d = date(y, m, rng.gen_range(1..=end.day()));
            // The platform runs 24/7 but most people write on working days.
            if w.cal.is_working(d) || rng.gen_bool(0.3) {
                d
            } else {
                w.cal.next_working(d).min(end)
            }
        })
        .collect();
    created.sort();
    let mut rows = Vec::with_capacity(created.len() + 4);
    for (i, day) in created.into_iter().enumerate() {
        let p = names::person(rng, day, 18, 65, true, 0.2);
        let subject = SUBJECTS.choose_weighted(rng, |x| x.1).expect("weights").0;
        let &(category, limit, _) = [
            ("standard", 3u32, 75u32),
            ("software_defect", 10, 18),
            ("platform_functioning", 20, 7),
        ]
        .choose_weighted(rng, |x| x.2)
        .expect("weights");
        let late = rng.gen_bool(breach.min(0.5));
        let k = if late {
            limit + rng.gen_range(2..15)
        } else {
            rng.gen_range(0..limit)
        };
        let closed = w.cal.add_working_days(day, k);
        let closed = if closed <= extract {
            Cell::Date(closed)
        } else {
            Cell::Empty
        };
        let login = format!("{}{}", p.latin.replace('.', "_"), rng.gen_range(10..999));
        rows.push(vec![
            s(&format!("SR-{y}{m:02}-{:05}", i + 1)),
            s(&p.full_name),
            s(&p.iin),
            s(&login),
            s(&p.phone),
            if rng.gen_bool(0.8) {
                s(&p.email)
            } else {
                Cell::Empty
            },
            s(subject),
            s(&description(rng, subject, &p)),
            if rng.gen_bool(0.3) {
                s(&format!("screenshot_{}.png", rng.gen_range(1000..9999)))
            } else {
                Cell::Empty
            },
            Cell::Date(day),
            closed,
            s(category),
        ]);
        if let Some(kind) = inj.support.roll(rng) {
            let mut extra = rows.last().expect("just pushed").clone();
            if kind != BadKind::DuplicateKey {
                extra[0] = s(&format!("SR-{y}{m:02}-X{:04}", i + 1));
            }
            inj.support
                .corrupt(kind, &mut extra, s::SUPPORT, rng, &ghost);
            rows.push(extra);
        }
    }
    let period = format!("{y}-{m:02}");
    let rel = format!("support_requests/{period}.csv");
    out.write("support_requests", &rel, s::SUPPORT, &rows, &Style::CSV)?;
    out.submit(
        "administrator",
        ADMINISTRATOR,
        "support_requests",
        period,
        received,
        &rel,
    );
    Ok(())
}
