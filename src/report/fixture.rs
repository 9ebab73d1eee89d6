//! The report tests' fixture: the context of a whole report built the way `nqs report` builds
//! it (`context::build`), from the project's real catalog, indicator headers, rules, layout and
//! wording, with invented but plausible figures in place of what `nqs run` would compute.
//!
//! Values are a pure function of (indicator, breakdown, value, year): no random generator, so
//! both languages and every run see the same numbers. The fixture carries the cases the PDF tests
//! need: recognition centres whose names are Typst markup (a problem's title, text, evidence
//! and recommendation), cells withheld under primary and secondary confidentiality, a
//! provisional report year, a table by region long enough to span pages, the layout's charts,
//! problems found by the real rules plus one written here, and a lake manifest with
//! quarantined rows.

use super::context::{self, Context, Inputs};
use super::layout::{self, Layout};
use crate::contract::{Catalog, Code, Contract, Frequency, Partition};
use crate::findings::{
    Evidence, Findings, Problem, Recommendation, Rulebook, Severity, Text, Values,
};
use crate::indicators::{Confidentiality, Indicator, Row, Unit};
use crate::lake::{FileEntry, Manifest, PartitionKey};
use crate::period::Period;
use chrono::NaiveDate;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The report year; the judging day falls before its end, so the year is provisional.
pub const YEAR: i32 = 2025;
/// The judging day, which is also the document's date.
pub const AS_OF: &str = "2025-12-05";

/// Two recognition centres whose names are Typst markup, by BIN: (kk, ru).
const CENTRES: [(&str, &str, &str); 2] = [
    (
        "180540012345",
        "«Шебер #sys.exit() *bold* $x$ _әріп_» ЖШС",
        "ТОО «Шебер #sys.exit() *bold* $x$ _буква_»",
    ),
    (
        "191140023456",
        "«Сапа // Профи = <орталық> @home [1]» ЖШС",
        "ТОО «Сапа // Профи = <центр> @home [1]»",
    ),
];

/// The region of both centres (Karaganda region).
const CENTRES_REGION: &str = "350000000";

/// Regions formed on 8 June 2022 (Abai, Zhetisu, Ulytau): no figures before 2022.
const NEW_REGIONS: [&str; 3] = ["100000000", "330000000", "620000000"];

/// Withheld cells: Ulytau region's few candidates (primary), the cell of Zhetisu region that
/// would give them away through the national value (secondary), and the few candidates of
/// NQF level 8 in the report year (primary: the bar chart shows its gap).
const WITHHELD: [(&str, &str, &str, i32, Confidentiality); 5] = [
    (
        "recognition_pass_rate",
        "region",
        "620000000",
        2022,
        Confidentiality::Primary,
    ),
    (
        "recognition_pass_rate",
        "region",
        "330000000",
        2022,
        Confidentiality::Secondary,
    ),
    (
        "recognition_pass_rate",
        "region",
        "620000000",
        2023,
        Confidentiality::Primary,
    ),
    (
        "recognition_pass_rate",
        "region",
        "330000000",
        2023,
        Confidentiality::Secondary,
    ),
    (
        "recognition_pass_rate",
        "nqf_level",
        "8",
        YEAR,
        Confidentiality::Primary,
    ),
];

/// The districts of the three cities of republican significance (KATO codes 71…, 75…, 79…), by
/// which the fixture's catalog lists the cities, so that a table by region (35 rows and the
/// national one) is longer than a page. The codes follow KATO's pattern but are the fixture's.
struct City {
    code: &'static str,
    kk: &'static str,
    ru: &'static str,
    /// (kk, ru) names.
    districts: &'static [(&'static str, &'static str)],
}

const CITY_DISTRICTS: [City; 3] = [
    City {
        code: "710000000",
        kk: "Астана қ.",
        ru: "г. Астана",
        districts: &[
            ("Алматы ауданы", "район Алматы"),
            ("Байқоңыр ауданы", "район Байконыр"),
            ("Есіл ауданы", "район Есиль"),
            ("Нұра ауданы", "район Нура"),
            ("Сарыарқа ауданы", "район Сарыарка"),
        ],
    },
    City {
        code: "750000000",
        kk: "Алматы қ.",
        ru: "г. Алматы",
        districts: &[
            ("Алатау ауданы", "Алатауский район"),
            ("Алмалы ауданы", "Алмалинский район"),
            ("Әуезов ауданы", "Ауэзовский район"),
            ("Бостандық ауданы", "Бостандыкский район"),
            ("Жетісу ауданы", "Жетысуский район"),
            ("Медеу ауданы", "Медеуский район"),
            ("Наурызбай ауданы", "Наурызбайский район"),
            ("Түрксіб ауданы", "Турксибский район"),
        ],
    },
    City {
        code: "790000000",
        kk: "Шымкент қ.",
        ru: "г. Шымкент",
        districts: &[
            ("Абай ауданы", "Абайский район"),
            ("Әл-Фараби ауданы", "Аль-Фарабийский район"),
            ("Еңбекші ауданы", "Енбекшинский район"),
            ("Қаратау ауданы", "Каратауский район"),
            ("Тұран ауданы", "Туранский район"),
        ],
    },
];

/// The project's catalog with each city of republican significance replaced by its districts.
fn with_city_districts(mut catalog: Catalog) -> Catalog {
    let regions = catalog.code_lists.get_mut("regions").unwrap();
    for city in CITY_DISTRICTS {
        let at = regions
            .codes
            .iter()
            .position(|c| c.code == city.code)
            .unwrap_or_else(|| panic!("fixture: no city {} in the regions code list", city.code));
        let codes = city.districts.iter().enumerate().map(|(k, (kk, ru))| Code {
            code: format!("{}{:02}00000", &city.code[..2], 11 + k),
            kk: format!("{}, {kk}", city.kk),
            ru: format!("{}, {ru}", city.ru),
            en: String::new(),
            aliases: Vec::new(),
        });
        regions.codes.splice(at..=at, codes);
    }
    catalog
}

/// A source that lost rows to quarantine: the share of rows it lost, and the reasons
/// (`column|kind`) with their shares of those rows.
struct Quarantine {
    source: &'static str,
    rate: f64,
    reasons: &'static [(&'static str, f64)],
}

const QUARANTINE: [Quarantine; 5] = [
    Quarantine {
        source: "recognition_results",
        rate: 0.06,
        reasons: &[
            ("iin|iin", 0.55),
            ("centre_bin|reference", 0.25),
            ("decision_date|date_order", 0.15),
            ("region|unknown_code", 0.05),
        ],
    },
    Quarantine {
        source: "certificates",
        rate: 0.004,
        reasons: &[("certificate_no|duplicate_key", 1.0)],
    },
    Quarantine {
        source: "centres",
        rate: 0.01,
        reasons: &[("centre_bin|bin", 1.0)],
    },
    Quarantine {
        source: "standards",
        rate: 0.007,
        reasons: &[("sector|unknown_code", 1.0)],
    },
    Quarantine {
        source: "support_requests",
        rate: 0.005,
        reasons: &[
            ("closed_date|date_order", 0.7),
            ("created_date|not_a_date", 0.3),
        ],
    },
];

/// Everything `context::build` reads, owned.
pub struct Fixture {
    pub period: Period,
    pub deadline: NaiveDate,
    pub catalog: Catalog,
    pub indicators: Vec<Indicator>,
    pub layout: Layout,
    pub rows: Vec<Row>,
    pub findings: Findings,
    pub manifest: Manifest,
    pub reasons: BTreeMap<String, Vec<crate::quarantine::ReasonCount>>,
    /// A commentary on part 1 citing a figure, and requisites set.
    pub notes: super::notes::YearNotes,
    /// One published figure revised since.
    pub revisions: Vec<crate::edition::Revision>,
    /// Last year's edition with the first recommendation followed up (and a decision).
    pub last_edition: crate::edition::Edition,
    pub follow_up: Vec<crate::edition::FollowUp>,
    /// Two monthly results submissions of the report year never received.
    pub missing: Vec<crate::schedule::Expected>,
    /// The published tables as `pipelines/dictionary.toml` declares them.
    pub dictionary: crate::dictionary::Dictionary,
    book: Rulebook,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The templates folder the fixture's layout and wording come from.
pub fn templates() -> PathBuf {
    root().join("report-templates")
}

/// The fixture, built once per test binary.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(Fixture::new)
}

/// The context of one language, as the templates read it.
pub fn context(lang: &str) -> Json {
    fixture().context(lang).to_json()
}

impl Fixture {
    fn new() -> Fixture {
        let pipelines = root().join("pipelines");
        let catalog = with_city_districts(Catalog::load(&pipelines).unwrap());
        let indicators = crate::indicators::load(&pipelines.join("indicators"), &catalog).unwrap();
        let layout = Layout::load(&templates(), &indicators).unwrap();
        let book = Rulebook::load(&pipelines, &catalog, &indicators).unwrap();
        let schedule = crate::schedule::Schedule::load(&pipelines.join("schedule.toml")).unwrap();
        let period = Period::new(YEAR, AS_OF.parse().unwrap());
        let rows = rows(&indicators, &layout, &book, &period);
        let findings = findings(&book, &rows, &indicators);
        let (manifest, reasons) = lake(&catalog, &period);
        let (notes, revisions, last_edition, follow_up) = editions(&rows, &findings);
        let dictionary =
            crate::dictionary::Dictionary::load(&pipelines, &catalog, &indicators).unwrap();
        Fixture {
            dictionary,
            period,
            deadline: schedule.report_deadline(YEAR).unwrap(),
            catalog,
            indicators,
            layout,
            rows,
            findings,
            manifest,
            reasons,
            notes,
            revisions,
            last_edition,
            follow_up,
            missing: ["09", "10"]
                .iter()
                .map(|m| crate::schedule::Expected {
                    provider: "recognition_centres".into(),
                    source: "recognition_results".into(),
                    sender: "centre".into(),
                    period: format!("{YEAR}-{m}"),
                    due: None,
                    received: None,
                    days_late: None,
                    status: crate::schedule::Status::Missing,
                    provisional: false,
                })
                .collect(),
            book,
        }
    }

    /// The typed context, as `nqs report` builds it.
    pub fn context(&self, lang: &str) -> Context {
        let wording = super::load_wording(&templates(), lang).unwrap();
        let labels = |b: &str, v: &str, l: &str| label(&self.book, b, v, l);
        let inputs = Inputs {
            period: self.period,
            deadline: self.deadline,
            catalog: &self.catalog,
            indicators: &self.indicators,
            layout: &self.layout,
            rows: &self.rows,
            findings: &self.findings,
            manifest: &self.manifest,
            reasons: &self.reasons,
            labels: &labels,
            edition: None,
            dictionary: &self.dictionary,
            notes: &self.notes,
            revisions: &self.revisions,
            follow_up: Some((&self.last_edition, &self.follow_up)),
            missing: &self.missing,
        };
        context::build(&inputs, lang, &wording).unwrap()
    }
}

/// What the published editions and the analysts' notes give the fixture's report.
fn editions(
    rows: &[Row],
    findings: &Findings,
) -> (
    super::notes::YearNotes,
    Vec<crate::edition::Revision>,
    crate::edition::Edition,
    Vec<crate::edition::FollowUp>,
) {
    let mut notes = super::notes::YearNotes::default();
    notes.commentary.insert(
        "state".into(),
        [
            (
                "kk",
                "Бағалаудан өту деңгейі {recognition_pass_rate} болды.",
            ),
            (
                "ru",
                "Уровень прохождения оценки составил {recognition_pass_rate}.",
            ),
        ]
        .into_iter()
        .map(|(l, t)| (l.to_string(), t.to_string()))
        .collect(),
    );
    notes
        .requisites
        .outgoing_number
        .insert(YEAR.to_string(), "01-12/345".into());
    let revised = rows
        .iter()
        .find(|r| r.year == YEAR - 1 && r.breakdown == "total" && r.value.is_some())
        .expect("a national figure of the year before");
    let revisions = vec![crate::edition::Revision {
        indicator: revised.indicator_id.clone(),
        breakdown: revised.breakdown.clone(),
        breakdown_value: revised.breakdown_value.clone(),
        year: revised.year,
        published: revised.value.unwrap() + 3.0,
        now: revised.value.unwrap(),
        edition_year: YEAR - 1,
        edition: 1,
        changed_sources: [(
            "recognition_results".to_string(),
            crate::edition::SourceChange {
                added: 0,
                replaced: 2,
                removed: 0,
            },
        )]
        .into_iter()
        .collect(),
        provisional_then: None,
    }];
    let mut last = findings.clone();
    last.year = YEAR - 1;
    let recommendations = crate::edition::recommendations_of(&last);
    let edition = crate::edition::Edition {
        year: YEAR - 1,
        number: 1,
        as_of: NaiveDate::from_ymd_opt(YEAR - 1, 12, 10).unwrap(),
        published: NaiveDate::from_ymd_opt(YEAR - 1, 12, 12).unwrap(),
        files: BTreeMap::new(),
        recommendations: recommendations.clone(),
        late: None,
    };
    let decisions = crate::edition::Decisions {
        decision: vec![crate::edition::Decision {
            recommendation: recommendations[0].id.clone(),
            kk: "Министрлік ұсынымды қабылдады.".into(),
            ru: "Министерство приняло рекомендацию.".into(),
        }],
    };
    let stored = crate::edition::Stored {
        edition: edition.clone(),
        dir: PathBuf::new(),
    };
    let follow_up = crate::edition::follow_up(&stored, findings, rows, &decisions).unwrap();
    (notes, revisions, edition, follow_up)
}

/// Breakdown labels as `nqs report` gives them, plus the fixture's centres by BIN.
fn label(book: &Rulebook, breakdown: &str, value: &str, lang: &str) -> String {
    if breakdown == "centre"
        && let Some((_, kk, ru)) = CENTRES.iter().find(|(bin, _, _)| *bin == value)
    {
        return if lang == "kk" { kk } else { ru }.to_string();
    }
    let lang = if lang == "kk" {
        crate::findings::Lang::Kk
    } else {
        crate::findings::Lang::Ru
    };
    book.label(breakdown, value, lang)
}

/// A number in [0, 1) drawn from the parts: the same parts always give the same number. FNV-1a,
/// then SplitMix64's finaliser, since FNV alone barely moves its high bits when only the last
/// byte differs (`2024` and `2025`).
fn unit_hash(parts: &[&str]) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0x1f]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// The national value of the report year, where the generic draw would be implausible.
fn anchor(id: &str) -> Option<f64> {
    Some(match id {
        "standards_in_force" => 1163.0,
        "candidates_registered" => 17_240.0,
        "candidates_assessed" => 15_874.0,
        "centres_accredited_year_end" => 42.0,
        "centres_newly_accredited" => 6.0,
        "centres_idle" => 3.0,
        "centres_revoked" => 2.0,
        "centres_suspended" => 1.0,
        "nqf_levels_defined" => 8.0,
        "sectoral_councils" => 16.0,
        "sectors_with_sqf" => 14.0,
        "sectors_without_council" => 2.0,
        "sectors_standards_without_sqf" => 3.0,
        "region_sector_without_centre" => 212.0,
        "normative_acts_in_force" => 27.0,
        "normative_acts_changed_in_year" => 4.0,
        "submissions_missing" => 11.0,
        "support_requests_received" => 3722.0,
        "support_requests_open" => 41.0,
        "certificates_revoked" => 44.0,
        "council_meetings_held" => 64.0,
        "council_agenda_items_median" => 6.0,
        "standards_approved_in_year" => 96.0,
        "professions_without_standard" => 178.0,
        "certificates_valid_year_end" => 41_200.0,
        "candidates_absent_share" => 6.8,
        "repeat_candidates_share" => 11.5,
        "support_median_review_working_days" => 2.1,
        "recognition_pass_rate" => 73.0,
        "standards_stale_share" => 18.4,
        "nco_units_covered_share" => 61.4,
        "submissions_on_time_share" => 79.3,
        "support_reviewed_within_limit_share" => 86.2,
        "registrations_within_deadline_share" => 93.5,
        "certificates_issued_share_of_passed" => 99.4,
        "vacancies_uncovered_share" => 12.6,
        "median_days_application_to_decision" => 9.5,
        "centres_per_100k_employed" => 0.48,
        "recognitions_per_10k_employed" => 18.3,
        "council_meetings_per_quarter" => 1.8,
        _ => return None,
    })
}

/// An indicator's national value in a year: the report year's anchored or drawn by unit, the
/// years before drifting from it (counts grow 4–14 % a year, shares move by up to 3 points).
fn national(ind: &Indicator, year: i32, all: &[Indicator]) -> f64 {
    let id = ind.header.id.as_str();
    let by_id = |other: &str| {
        all.iter()
            .find(|i| i.header.id == other)
            .map(|i| national(i, year, all))
            .unwrap_or_default()
    };
    // The recognition funnel holds together: passed = assessed × rate, issued ≈ passed.
    match id {
        "candidates_passed" => {
            return (by_id("candidates_assessed") * by_id("recognition_pass_rate") / 100.0).round();
        }
        "certificates_issued" => {
            return (by_id("candidates_passed") * by_id("certificates_issued_share_of_passed")
                / 100.0)
                .round();
        }
        "candidates_per_centre" => {
            return (by_id("candidates_assessed") / by_id("centres_accredited_year_end") * 10.0)
                .round()
                / 10.0;
        }
        _ => {}
    }
    let u = unit_hash(&[id]);
    let back = f64::from(YEAR - year);
    match ind.header.unit {
        Unit::Count => {
            let now = anchor(id).unwrap_or_else(|| (20.0 + 4000.0 * u * u).round());
            if id == "nqf_levels_defined" || year == YEAR {
                now
            } else if now < 30.0 {
                // Small counts wander a little instead of growing.
                let step = unit_hash(&[id, &year.to_string()]);
                (now + ((step * 5.0).floor() - 2.0)).max(0.0)
            } else {
                (now / (1.04 + 0.10 * u).powf(back)).round()
            }
        }
        Unit::Percent => {
            let now = anchor(id).unwrap_or(50.0 + 42.0 * u);
            let slope = (unit_hash(&[id, "slope"]) - 0.3) * 3.0;
            let wobble = if year == YEAR {
                0.0
            } else {
                (unit_hash(&[id, &year.to_string()]) - 0.5) * 1.2
            };
            round1((now - slope * back + wobble).clamp(0.0, 100.0))
        }
        Unit::Days | Unit::Ratio | Unit::Per100k | Unit::Per10k => {
            let now = anchor(id).unwrap_or(1.0 + 20.0 * u);
            round1(now * (1.0 - 0.05 * back * (u - 0.4)))
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The values of a breakdown the fixture draws rows for.
fn breakdown_values(book: &Rulebook, breakdown: &str) -> Vec<String> {
    match breakdown {
        "nqf_level" => (1..=8).map(|l| l.to_string()).collect(),
        // Open statistics are read, not submitted (para. 19): no timeliness to measure.
        "provider" => book.labels()["provider"]
            .keys()
            .filter(|p| *p != "statistics")
            .cloned()
            .collect(),
        b => book
            .labels()
            .get(b)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default(),
    }
}

/// The rows `nqs run` would write for the five years: every indicator's national value, and the
/// breakdowns the layout draws and the rules judge.
fn rows(indicators: &[Indicator], layout: &Layout, book: &Rulebook, period: &Period) -> Vec<Row> {
    let mut wanted: BTreeSet<(String, String)> = BTreeSet::new();
    for g in &layout.groups {
        for t in &g.tables {
            let layout::Table::ByRegion { indicator, .. } = t;
            wanted.insert((indicator.clone(), "region".into()));
        }
        for c in &g.charts {
            if let layout::Chart::Bars {
                indicator,
                breakdown,
                ..
            } = c
            {
                wanted.insert((indicator.clone(), breakdown.clone()));
            }
        }
    }
    for r in &book.rules {
        if r.breakdown != "total" {
            wanted.insert((r.indicator.clone(), r.breakdown.clone()));
        }
    }
    let mut out = Vec::new();
    for ind in indicators {
        let h = &ind.header;
        // A few indicators start later, so some tables show years without data; not those
        // anchored or derived from others, whose figures hold together.
        let late = anchor(&h.id).is_none()
            && !matches!(
                h.id.as_str(),
                "candidates_passed" | "certificates_issued" | "candidates_per_centre"
            );
        let first = if late && unit_hash(&[&h.id, "first"]) < 0.12 {
            period.window().first() + 1
        } else {
            period.window().first()
        };
        for year in first..=period.year {
            let nat = national(ind, year, indicators);
            out.push(row(ind, "total", "total", year, Some(nat), period));
            for b in h.breakdowns.iter().filter(|b| *b != "total") {
                if !wanted.contains(&(h.id.clone(), b.clone())) {
                    continue;
                }
                let values = breakdown_values(book, b);
                let weights: Vec<f64> = values
                    .iter()
                    .map(|v| 0.3 + unit_hash(&[&h.id, b, v]))
                    .collect();
                let sum: f64 = weights.iter().sum();
                for (v, w) in values.iter().zip(&weights) {
                    if b == "region" && year < 2022 && NEW_REGIONS.contains(&v.as_str()) {
                        continue;
                    }
                    let u = unit_hash(&[&h.id, b, v, &year.to_string()]);
                    // Each value keeps its place about the national one, moving a little
                    // from year to year: shares spread ±14 points, counts split by weight.
                    let x = match h.unit {
                        Unit::Count => (nat * w * (0.85 + 0.3 * u) / sum).round(),
                        Unit::Percent => {
                            round1((nat + (w - 0.8) * 28.0 + (u - 0.5) * 6.0).clamp(0.0, 100.0))
                        }
                        _ => round1(nat * (0.5 + w) * (0.9 + 0.2 * u)),
                    };
                    out.push(row(ind, b, v, year, Some(x), period));
                }
            }
        }
    }
    for (id, b, v, year, conf) in WITHHELD {
        let r = out
            .iter_mut()
            .find(|r| {
                r.indicator_id == id && r.breakdown == b && r.breakdown_value == v && r.year == year
            })
            .unwrap_or_else(|| panic!("fixture: no row {id} {b}={v} {year} to withhold"));
        r.value = None;
        r.numerator = None;
        r.denominator = None;
        r.suppressed = true;
        r.confidentiality = conf;
    }
    out
}

fn row(ind: &Indicator, b: &str, v: &str, year: i32, value: Option<f64>, p: &Period) -> Row {
    let h = &ind.header;
    // Shares get the group they are a share of, so the rules' minimum denominators apply.
    let denominator = (h.unit == Unit::Percent).then(|| {
        let u = unit_hash(&[&h.id, b, v, "denominator"]);
        (if b == "total" { 2000.0 } else { 40.0 } + 600.0 * u).round()
    });
    Row {
        indicator_id: h.id.clone(),
        year,
        breakdown: b.to_string(),
        breakdown_value: v.to_string(),
        value,
        numerator: denominator.zip(value).map(|(d, x)| (d * x / 100.0).round()),
        denominator,
        suppressed: false,
        confidentiality: Confidentiality::Free,
        provisional: p.is_provisional(year),
    }
}

/// The findings `nqs run` would write: the state sentences and the problems the real rules find
/// in the fixture's values, then one problem written here about the two centres whose names are
/// markup.
fn findings(book: &Rulebook, rows: &[Row], indicators: &[Indicator]) -> Findings {
    let values = Values::new(rows, indicators);
    let mut problems = crate::findings::evaluate_all(book, &values, YEAR, &Default::default());
    let id = format!("P{}", problems.len() + 1);
    let [(shebar, shebar_kk, shebar_ru), (sapa, sapa_kk, sapa_ru)] = CENTRES;
    let national = values.total("recognition_pass_rate", YEAR).unwrap();
    let region = |lang| label(book, "region", CENTRES_REGION, lang);
    let pct = |x| crate::findings::format_value(x, Unit::Percent);
    // The tenge sign is in no text font but DejaVu Sans Mono: the fee checks the fallback.
    let fee = format!(
        "{}\u{a0}₸",
        crate::findings::format_value(38_500.0, Unit::Count)
    );
    let regional = values
        .get("recognition_pass_rate", "region", CENTRES_REGION, YEAR)
        .and_then(|r| r.value)
        .unwrap();
    let evidence = |breakdown: &str, value: &str, x: f64| Evidence {
        indicator: "recognition_pass_rate".into(),
        breakdown: breakdown.into(),
        breakdown_value: value.into(),
        year: YEAR,
        value: x,
    };
    problems.push(Problem {
        id: id.clone(),
        rule: "centre_pass_rate_low".into(),
        merged: Vec::new(),
        entities: Vec::new(),
        severity: Severity::Medium,
        indicator: "recognition_pass_rate".into(),
        title: Text {
            kk: format!("{shebar_kk} тану орталығында сәтті өту үлесі төмен"),
            ru: format!("Низкая доля успешно прошедших признание в {shebar_ru}"),
        },
        text: Text {
            kk: format!(
                "{YEAR} жылы {shebar_kk} және {sapa_kk} орталықтарында сәтті өткендердің үлесі \
                 {} және {} болды, {} бойынша — {}. Үміткерлердің көбі «Жиһаз жинаушы» кәсібі \
                 бойынша бағаланды.",
                pct(41.3),
                pct(48.9),
                region("kk"),
                pct(regional)
            ),
            ru: format!(
                "В {YEAR} году доля успешно прошедших признание в центрах {shebar_ru} и \
                 {sapa_ru} составила {} и {}; {} в целом — {}. Большинство кандидатов \
                 оценивались по профессии «Сборщик мебели».",
                pct(41.3),
                pct(48.9),
                region("ru"),
                pct(regional)
            ),
        },
        // No indicator is broken down by centre yet: these rows put the centres' names through
        // the `labels` closure, as a breakdown value's label reaches the report.
        evidence: vec![
            evidence("centre", shebar, 41.3),
            evidence("centre", sapa, 48.9),
            evidence("region", CENTRES_REGION, regional),
            evidence("total", "total", national),
        ],
        recommendations: vec![Recommendation {
            id: format!("{id}.1"),
            kk: format!(
                "{shebar_kk} және {sapa_kk} орталықтарының бағалау материалдарына жоспардан тыс \
                 сараптама жүргізу; үміткерлерден қайта бағалау үшін ақы ({fee}) алмау."
            ),
            ru: format!(
                "Провести внеплановую экспертизу оценочных материалов центров {shebar_ru} и \
                 {sapa_ru}; плату за повторную оценку ({fee}) с кандидатов не взимать."
            ),
            responsible: Some("national_chamber".into()),
            term: Some(format!("{}-Q1", YEAR + 1)),
            target: None,
        }],
    });
    Findings {
        year: YEAR,
        state: crate::findings::state_sentences(book, &values, YEAR, None, indicators, &problems),
        problems,
    }
}

/// The period labels a source's files cover in the window, up to the judging day: monthly
/// `2025-11`, quarterly `2025-Q3`, half-yearly `2025-H1`, annual `2024`; a source sent on each
/// change has one current file.
fn periods(ct: &Contract, p: &Period) -> Vec<(i32, u32, String)> {
    let (count, months_each, label): (u32, u32, fn(i32, u32) -> String) = match ct.frequency {
        Frequency::Monthly => (12, 1, |y, k| format!("{y}-{k:02}")),
        Frequency::Quarterly => (4, 3, |y, k| format!("{y}-Q{k}")),
        Frequency::HalfYearly => (2, 6, |y, k| format!("{y}-H{k}")),
        Frequency::Annual => (1, 12, |y, _| y.to_string()),
        Frequency::OnChange => return vec![(p.year, 11, format!("{}-11", p.year))],
    };
    let mut out = Vec::new();
    for year in p.window().years() {
        for k in 1..=count {
            let last_month = k * months_each;
            // A period is sent once it is over.
            let next = if last_month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, last_month + 1, 1)
            };
            if next.unwrap() <= p.as_of {
                out.push((year, last_month, label(year, k)));
            }
        }
    }
    out
}

/// The lake's manifest for the window, one file per period a source is sent for, and the
/// quarantine reasons of the sources that lost rows.
fn lake(
    catalog: &Catalog,
    p: &Period,
) -> (
    Manifest,
    BTreeMap<String, Vec<crate::quarantine::ReasonCount>>,
) {
    use sha2::Digest;
    let mut files = BTreeMap::new();
    let mut reasons = BTreeMap::new();
    for ct in &catalog.contracts {
        let dir = Path::new(&ct.files[0])
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .to_string();
        let quarantine = QUARANTINE.iter().find(|q| q.source == ct.id);
        let size = 30.0 + 1500.0 * unit_hash(&[&ct.id, "size"]);
        let mut quarantined_total = 0;
        for (year, month, label) in periods(ct, p) {
            let ext = if unit_hash(&[&ct.id, "ext"]) < 0.3 {
                "xlsx"
            } else {
                "csv"
            };
            let name = format!("{dir}/{}_{label}.{ext}", ct.id);
            let rows_read = (size * (0.8 + 0.4 * unit_hash(&[&name]))).round() as u64;
            let quarantined = quarantine.map_or(0, |q| {
                (rows_read as f64 * q.rate * 2.0 * unit_hash(&[&name, "q"])).round() as u64
            });
            quarantined_total += quarantined;
            let partition = match ct.partition {
                Partition::None => PartitionKey::All,
                Partition::Year => PartitionKey::Year(year),
                Partition::Month => PartitionKey::Month(year, month),
            };
            let sha = hex::encode(sha2::Sha256::digest(format!("fixture\n{name}")));
            files.insert(
                name,
                FileEntry {
                    last_date: None,
                    source: ct.id.clone(),
                    sha256: sha,
                    bytes: rows_read * 180,
                    format: ext.to_string(),
                    encoding: (ext == "csv").then(|| "utf-8".to_string()),
                    contract_version: ct.version,
                    rows_read,
                    accepted: rows_read - quarantined,
                    quarantined,
                    flagged: 0,
                    excluded: 0,
                    partitions: vec![partition.rel_dir()],
                    missing_columns: Vec::new(),
                    ignored_columns: Vec::new(),
                    run_id: format!("{AS_OF}T09:00:00"),
                },
            );
        }
        if let Some(q) = quarantine {
            let shares = q.reasons;
            let mut left = quarantined_total;
            let mut list = Vec::new();
            for (k, (reason, share)) in shares.iter().enumerate() {
                let (column, code) = reason.split_once('|').unwrap();
                let code = crate::quarantine::ReasonCode::parse(code)
                    .unwrap_or_else(|| panic!("fixture: `{code}` is not a reason code"));
                assert!(
                    ct.column(column).is_some(),
                    "fixture: source `{}` has no column `{column}`",
                    ct.id
                );
                let n = if k + 1 == shares.len() {
                    left
                } else {
                    (((quarantined_total as f64) * share).round() as u64).min(left)
                };
                left -= n;
                if n > 0 {
                    list.push(crate::quarantine::ReasonCount {
                        column: column.to_string(),
                        code,
                        rows: n,
                    });
                }
            }
            list.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.column.cmp(&b.column)));
            reasons.insert(ct.id.clone(), list);
        }
    }
    let manifest = Manifest {
        format: 1,
        key_fingerprint: "fixture".into(),
        files,
    };
    (manifest, reasons)
}
