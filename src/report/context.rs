//! The report's context, typed: built from what `nqs run` wrote (`indicators.parquet`,
//! `findings.json`), the lake's manifest and quarantine, the contracts, the indicator headers
//! and the declared layout (`report-templates/layout.toml`). Every word of it comes from the
//! wording files or the pipelines, in the report's language; numbers are formatted as the
//! findings format them. One function per part of the report; the templates read the context
//! serialised to JSON.

use super::layout::{self, Layout};
use crate::charts::{BarChart, ChartSpec, LineChart, NumberFormat, ReferenceLine, Series};
use crate::contract::Catalog;
use crate::findings::{Findings, format_delta, format_value, printed_value};
use crate::indicators::{Confidentiality, Indicator, Row, Unit};
use crate::period::Period;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};

/// Everything the report is drawn from.
pub struct Inputs<'a> {
    /// The report year and the judging day (also the document's date).
    pub period: Period,
    pub deadline: chrono::NaiveDate,
    pub catalog: &'a Catalog,
    pub indicators: &'a [Indicator],
    pub layout: &'a Layout,
    pub rows: &'a [Row],
    pub findings: &'a Findings,
    pub manifest: &'a crate::lake::Manifest,
    /// Per source, its quarantined rows by column and reason code, most rows first.
    pub reasons: &'a BTreeMap<String, Vec<crate::quarantine::ReasonCount>>,
    /// Labels of breakdown values (regions, sectors, providers, …) as the findings use them.
    pub labels: &'a dyn Fn(&str, &str, &str) -> String,
    /// `None`: a draft (every page marked); `Some(n)`: edition `n` as published.
    pub edition: Option<u32>,
    /// The published tables' columns, for the annex describing them.
    pub dictionary: &'a crate::dictionary::Dictionary,
    /// The requisites, the analysts' commentary and the Ministry's decisions.
    pub notes: &'a super::notes::YearNotes,
    /// Published figures the current run gives otherwise.
    pub revisions: &'a [crate::edition::Revision],
    /// The latest edition of the year before and its recommendations followed up.
    pub follow_up: Option<(&'a crate::edition::Edition, &'a [crate::edition::FollowUp])>,
    /// Para. 7 submissions of the report year due by the judging day and not received
    /// (`schedule`): the figures drawn from their sources are incomplete.
    pub missing: &'a [crate::schedule::Expected],
}

/// The whole context of one language's report.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    pub lang: String,
    pub year: i32,
    /// The document's date, `YYYY-MM-DD` (the judging day).
    pub report_date: String,
    pub deadline: String,
    /// Where the report year's data end more than a month before its close: the day, latest
    /// first, and the sources whose dated records end then (printed on the title page).
    pub data_cutoff: Vec<CutoffItem>,
    pub state: State,
    pub problems: Problems,
    pub recommendations: Recommendations,
    pub indicators: IndicatorsPart,
    pub methodology: Methodology,
    pub sources: Sources,
    pub quality: Quality,
    pub dictionary: DataDictionary,
    /// Every page carries the draft mark until `nqs publish`.
    pub draft: bool,
    pub edition: Option<u32>,
    pub requisites: RequisitesPart,
    /// Part (`state`, `problems`, …) → the analysts' commentary, figures filled in.
    pub commentary: BTreeMap<String, String>,
    pub revisions: Vec<RevisionGroup>,
    pub follow_up: Option<FollowUpPart>,
}

/// The note's requisites; `None` prints a blank to fill by hand.
#[derive(Debug, Clone, Serialize)]
pub struct RequisitesPart {
    pub number: Option<String>,
    pub signatory_position: Option<String>,
    pub signatory_name: Option<String>,
    pub executor_name: Option<String>,
    pub executor_phone: Option<String>,
}

/// Published figures revised for one reason.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionGroup {
    /// Why, in words: the sources whose files changed since the edition, or the year then
    /// incomplete.
    pub reason: String,
    pub items: Vec<RevisionItem>,
}

/// A published figure the current data give otherwise; for the cells of a breakdown, how many
/// (`published` and `now` empty).
#[derive(Debug, Clone, Serialize)]
pub struct RevisionItem {
    pub indicator: String,
    pub breakdown: String,
    pub year: i32,
    pub published: String,
    pub now: String,
}

/// The follow-up of the previous year's published recommendations (para. 22).
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpPart {
    pub year: i32,
    pub edition: u32,
    pub intro: String,
    pub items: Vec<FollowUpItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FollowUpItem {
    /// As last year's report numbered it.
    pub label: String,
    pub text: String,
    /// `persists`, `resolved` or `not_assessed`.
    pub status: crate::edition::Status,
    pub status_text: String,
    /// The indicator's national figure then and now, worded.
    pub figures: Option<String>,
    pub decision: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CutoffItem {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The same day as an official document writes it, `DD.MM.YYYY`.
    pub day: String,
    /// The sources' titles, joined.
    pub sources: String,
    /// The sources' ids.
    #[serde(skip)]
    pub ids: Vec<String>,
}

/// Part 1: the current state.
#[derive(Debug, Clone, Serialize)]
pub struct State {
    pub paragraphs: Vec<String>,
    pub key_figures: Vec<KeyFigure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyFigure {
    pub label: String,
    pub value: String,
    /// The change on the year before.
    pub note: Option<String>,
}

/// Part 2: problem issues.
#[derive(Debug, Clone, Serialize)]
pub struct Problems {
    pub intro: Vec<String>,
    pub items: Vec<ProblemItem>,
    /// How many are of high significance (the summary and the conclusion say so).
    pub high: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProblemItem {
    pub id: String,
    pub title: String,
    pub severity: crate::findings::Severity,
    pub text: String,
    pub evidence: Vec<EvidenceItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceItem {
    pub indicator: String,
    pub value: String,
    pub unit: String,
    pub breakdown: String,
}

/// Part 3: proposals and recommendations.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendations {
    pub intro: Vec<String>,
    pub items: Vec<RecommendationItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecommendationItem {
    pub id: String,
    pub text: String,
    /// Ids of the problems it answers.
    pub answers: Vec<String>,
    /// The body that acts, named in the report's language.
    pub responsible: Option<String>,
    /// The term, worded ("I квартал 2027 г.").
    pub due: Option<String>,
    /// The expected result: the indicator's value to reach.
    pub expected: Option<String>,
}

/// Part 4: quantitative indicators, one group per topic as the layout declares.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorsPart {
    pub intro: Vec<String>,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub title: String,
    pub tables: Vec<Table>,
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub id: String,
    pub title: String,
    pub unit: Option<String>,
    pub label_header: String,
    /// Year headings; a provisional year is marked `2026*`.
    pub columns: Vec<String>,
    pub rows: Vec<TableRow>,
    pub provisional_note: Option<String>,
    /// The report year's figures are incomplete: which submissions are missing (the report
    /// year's column heading is marked `‡`).
    pub incomplete_note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableRow {
    pub label: String,
    pub values: Vec<Cell>,
    pub change: Option<Change>,
    pub trend: Trend,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub emphasis: bool,
}

/// A table cell: a formatted value, or withheld with its confidentiality flag.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Value {
        text: String,
        /// Differs from the figure a published edition printed.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        revised: bool,
    },
    Withheld {
        suppressed: bool,
        flag: WithheldFlag,
    },
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WithheldFlag {
    Primary,
    Secondary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub text: String,
    /// `up`, `down` or `flat`.
    pub direction: &'static str,
    /// `better`, `worse` or `neutral`, from the header's `higher_is_better`.
    pub assessment: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub points: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub id: String,
    pub file: String,
    pub caption: String,
    pub chart: ChartSpec,
}

/// Annex: how each indicator is computed.
#[derive(Debug, Clone, Serialize)]
pub struct Methodology {
    pub intro: Vec<String>,
    pub indicators: Vec<MethodologyItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MethodologyItem {
    pub code: String,
    pub name: String,
    pub definition: String,
    pub formula: String,
    pub unit: String,
    pub source: String,
    pub breakdowns: String,
}

/// Annex: the published tables described column by column, in words (the data dictionary's
/// published part, without column names, file names or codes).
#[derive(Debug, Clone, Serialize)]
pub struct DataDictionary {
    pub intro: Vec<String>,
    pub tables: Vec<DictionaryTable>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DictionaryTable {
    pub title: String,
    pub caption: String,
    pub description: String,
    pub columns: Vec<DictionaryColumn>,
}

/// A column: what it holds (the row's label), its type and unit in words (`unit` empty: none)
/// and how it handles personal data.
#[derive(Debug, Clone, Serialize)]
pub struct DictionaryColumn {
    pub label: String,
    pub kind: String,
    pub unit: String,
    pub personal: String,
}

/// Annex: the data sources (para. 7, para. 19) and the files read.
#[derive(Debug, Clone, Serialize)]
pub struct Sources {
    pub intro: Vec<String>,
    pub providers: Vec<SourceItem>,
    pub files: Vec<FileItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceItem {
    pub id: String,
    /// For a source whose report-year data end early: up to when they reach.
    pub until: Option<String>,
    pub provider: String,
    pub name: String,
    pub basis: String,
    pub frequency: String,
    pub period: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileItem {
    /// The source's title in the report's language.
    pub source: String,
    /// Files received.
    pub count: usize,
    /// The file's name when there is one, else "N files" (for the context file, not the PDF).
    pub name: String,
    pub rows: u64,
    pub sha256: String,
}

/// Annex: data quality, rows accepted and quarantined per source.
#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    pub intro: Vec<String>,
    pub sources: Vec<QualityItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QualityItem {
    pub id: String,
    pub source: String,
    pub read: u64,
    pub accepted: u64,
    pub quarantined: u64,
    pub reasons: Vec<ReasonItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReasonItem {
    pub reason: String,
    pub rows: u64,
}

impl Context {
    /// The JSON the templates and the chart renderer read.
    pub fn to_json(&self) -> Json {
        serde_json::to_value(self).expect("the context serialises")
    }
}

struct Ctx<'a> {
    inp: &'a Inputs<'a>,
    lang: &'a str,
    w: &'a Json,
    values: HashMap<(&'a str, &'a str, &'a str, i32), &'a Row>,
    headers: HashMap<&'a str, &'a Indicator>,
    data_cutoff: Vec<CutoffItem>,
}

impl<'a> Ctx<'a> {
    fn word(&self, key: &str) -> String {
        self.w["context"][key].as_str().unwrap_or(key).to_string()
    }

    fn sub(&self, table: &str, key: &str) -> String {
        self.w["context"][table][key]
            .as_str()
            .unwrap_or(key)
            .to_string()
    }

    fn year(&self) -> i32 {
        self.inp.period.year
    }

    /// Whether any value of the year is provisional (SDMX OBS_STATUS `P`).
    fn provisional(&self, year: i32) -> bool {
        self.inp
            .rows
            .iter()
            .any(|r| r.year == year && r.provisional)
    }

    /// The footnote explaining the provisional mark, when a shown year is provisional.
    fn provisional_note(&self) -> Option<String> {
        let y = self.years().into_iter().find(|y| self.provisional(*y))?;
        Some(
            self.word("provisional_note")
                .replace("{year}", &y.to_string())
                .replace(
                    "{date}",
                    &self.inp.period.as_of.format("%d.%m.%Y").to_string(),
                ),
        )
    }

    fn years(&self) -> Vec<i32> {
        self.inp.period.window().years().collect()
    }

    /// Year headings, a provisional year marked.
    /// The footnote of a table drawing on `indicators`, when a source of theirs lacks para. 7
    /// submissions of the report year that were due by the judging day.
    fn incomplete_note(&self, indicators: &[&str]) -> Option<String> {
        let sources: std::collections::BTreeSet<&str> = indicators
            .iter()
            .filter_map(|id| self.headers.get(id))
            .flat_map(|i| i.header.sources.iter().map(String::as_str))
            .collect();
        let mut missing: BTreeMap<&str, usize> = BTreeMap::new();
        for e in self.inp.missing {
            if sources.contains(e.source.as_str()) {
                *missing.entry(e.source.as_str()).or_default() += 1;
            }
        }
        if missing.is_empty() {
            return None;
        }
        let what: Vec<String> = missing
            .iter()
            .map(|(s, n)| {
                self.word("incomplete_source")
                    .replace("{source}", &self.source_title(s))
                    .replace("{n}", &n.to_string())
            })
            .collect();
        Some(
            self.word("incomplete_note")
                .replace("{year}", &self.year().to_string())
                .replace(
                    "{date}",
                    &self.inp.period.as_of.format("%d.%m.%Y").to_string(),
                )
                .replace("{missing}", &what.join("; ")),
        )
    }

    /// The year headings, the report year's marked `‡` when `incomplete`.
    fn columns_marked(&self, incomplete: bool) -> Vec<String> {
        let year = self.year().to_string();
        self.columns()
            .into_iter()
            .map(|c| {
                if incomplete && c.trim_end_matches('*') == year {
                    format!("{c}‡")
                } else {
                    c
                }
            })
            .collect()
    }

    fn columns(&self) -> Vec<String> {
        self.years()
            .iter()
            .map(|y| {
                if self.provisional(*y) {
                    format!("{y}*")
                } else {
                    y.to_string()
                }
            })
            .collect()
    }

    fn row(&self, id: &str, b: &str, v: &str, year: i32) -> Option<&'a Row> {
        self.values.get(&(id, b, v, year)).copied()
    }

    fn value(&self, id: &str, b: &str, v: &str, year: i32) -> Option<f64> {
        self.row(id, b, v, year).and_then(|r| r.value)
    }

    fn title(&self, id: &str) -> String {
        self.headers
            .get(id)
            .map(|i| lang_of(&i.header.title, self.lang))
            .unwrap_or_else(|| id.to_string())
    }

    /// A source's title as the contracts give it in the report's language.
    fn source_title(&self, id: &str) -> String {
        self.inp
            .catalog
            .contracts
            .iter()
            .find(|ct| ct.id == id)
            .map(|ct| lang_of(&ct.title, self.lang))
            .unwrap_or_else(|| id.to_string())
    }

    fn unit(&self, id: &str) -> Unit {
        self.headers
            .get(id)
            .map(|i| i.header.unit)
            .unwrap_or(Unit::Count)
    }

    fn unit_text(&self, unit: Unit) -> String {
        let key = serde_json::to_value(unit)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        self.w["context"]["units"][key.as_str()]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn label(&self, breakdown: &str, value: &str) -> String {
        if breakdown == "nqf_level" {
            return self.word("level").replace("{n}", value);
        }
        (self.inp.labels)(breakdown, value, self.lang)
    }

    fn fill(&self, key: &str) -> String {
        let window = self.inp.period.window();
        self.word(key)
            .replace("{year}", &window.last().to_string())
            .replace("{first}", &window.first().to_string())
    }

    /// Whether the report year's values of `unit` are compared with the year before: counts of
    /// a year not over on the judging day cover part of it, and are not (rates, shares and
    /// medians are, marked provisional).
    fn comparable(&self, unit: Unit) -> bool {
        unit != Unit::Count || !self.provisional(self.year())
    }

    /// A recommendation's term (`2027-Q1`, `2027-H2`, `2027`) as the report words it.
    fn term_text(&self, term: &str) -> String {
        const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];
        let (year, part) = term.split_once('-').unwrap_or((term, ""));
        let (key, n) = match part.split_at(part.len().min(1)) {
            ("Q", n) => ("term_quarter", n),
            ("H", n) => ("term_half", n),
            _ => ("term_year", ""),
        };
        let n: usize = n.parse().unwrap_or(1);
        self.word(key).replace("{year}", year).replace(
            "{n}",
            ROMAN.get(n.saturating_sub(1)).copied().unwrap_or("I"),
        )
    }

    fn delta_text(&self, d: f64, unit: Unit) -> String {
        let text = format_delta(d, unit);
        if unit == Unit::Percent {
            format!("{text} {}", self.word("points"))
        } else {
            text
        }
    }

    /// One table row: an indicator's values over five years for a breakdown value.
    fn table_row(&self, id: &str, b: &str, v: &str, label: String) -> TableRow {
        let unit = self.unit(id);
        let values = self
            .years()
            .iter()
            .map(|y| match self.row(id, b, v, *y) {
                Some(r) if r.suppressed => Cell::Withheld {
                    suppressed: true,
                    flag: if r.confidentiality == Confidentiality::Secondary {
                        WithheldFlag::Secondary
                    } else {
                        WithheldFlag::Primary
                    },
                },
                Some(r) => Cell::Value {
                    text: r.value.map(|x| format_value(x, unit)).unwrap_or_default(),
                    revised: self.inp.revisions.iter().any(|x| {
                        x.indicator == id
                            && x.breakdown == b
                            && x.breakdown_value == v
                            && x.year == *y
                    }),
                },
                None => Cell::Value {
                    text: String::new(),
                    revised: false,
                },
            })
            .collect();
        let now = self.value(id, b, v, self.year());
        let before = self.value(id, b, v, self.year() - 1);
        let change = match (now, before) {
            _ if !self.comparable(unit) => None,
            (Some(a), Some(p)) => {
                let d = printed_value(a, unit) - printed_value(p, unit);
                let direction = if d.abs() < 1e-9 {
                    "flat"
                } else if d > 0.0 {
                    "up"
                } else {
                    "down"
                };
                let hib = self.headers.get(id).and_then(|i| i.header.higher_is_better);
                let assessment = match (hib, direction) {
                    (_, "flat") | (None, _) => "neutral",
                    (Some(true), "up") | (Some(false), "down") => "better",
                    _ => "worse",
                };
                Some(Change {
                    text: self.delta_text(d, unit),
                    direction,
                    assessment,
                })
            }
            _ => None,
        };
        let points = self
            .years()
            .iter()
            .map(|y| self.value(id, b, v, *y))
            .collect();
        TableRow {
            label,
            values,
            change,
            trend: Trend { points },
            emphasis: false,
        }
    }

    fn number_format(&self) -> NumberFormat {
        NumberFormat {
            decimals: 1,
            decimal_separator: ",".into(),
            group_separator: "\u{a0}".into(),
        }
    }

    /// The table of a group's indicators: national values over five years.
    fn topic_table(&self, id: &str, title: String, members: &[&Indicator]) -> Table {
        let rows = members
            .iter()
            .map(|i| {
                let unit = self.unit_text(i.header.unit);
                let label = if unit.is_empty() {
                    self.title(&i.header.id)
                } else {
                    format!("{}, {unit}", self.title(&i.header.id))
                };
                self.table_row(&i.header.id, "total", "total", label)
            })
            .collect();
        let ids: Vec<&str> = members.iter().map(|i| i.header.id.as_str()).collect();
        let incomplete_note = self.incomplete_note(&ids);
        Table {
            id: id.to_string(),
            title,
            unit: None,
            label_header: self.word("indicator_header"),
            columns: self.columns_marked(incomplete_note.is_some()),
            rows,
            provisional_note: self.provisional_note(),
            incomplete_note,
        }
    }

    /// A long table: one row per region, the indicator's values over five years.
    fn regional_table(&self, id: &str, title_key: &str) -> Table {
        let mut national = self.table_row(id, "total", "total", self.word("national"));
        national.emphasis = true;
        let mut rows = vec![national];
        if let Some(regions) = self.inp.catalog.code_lists.get("regions") {
            for code in &regions.codes {
                rows.push(self.table_row(
                    id,
                    "region",
                    &code.code,
                    self.label("region", &code.code),
                ));
            }
        }
        let incomplete_note = self.incomplete_note(&[id]);
        Table {
            id: format!("{id}-regions"),
            title: self.word(title_key),
            unit: None,
            label_header: self.word("region_header"),
            columns: self.columns_marked(incomplete_note.is_some()),
            rows,
            provisional_note: self.provisional_note(),
            incomplete_note,
        }
    }

    fn figure(&self, chart: &layout::Chart) -> Option<Figure> {
        let file = chart.file();
        let spec = match chart {
            layout::Chart::Lines {
                series,
                y_label,
                y_label_key,
                ..
            } => self.lines(
                series,
                y_label
                    .clone()
                    .or_else(|| y_label_key.as_deref().map(|k| self.word(k))),
            ),
            layout::Chart::Bars {
                indicator,
                breakdown,
                horizontal,
                ..
            } => self.bars(indicator, breakdown, *horizontal)?,
        };
        Some(Figure {
            id: file.trim_end_matches(".svg").to_string(),
            file,
            caption: self.fill(chart.caption()),
            chart: spec,
        })
    }

    /// A bar chart of one indicator over a breakdown in the report year, with the national line.
    fn bars(&self, id: &str, b: &str, horizontal: bool) -> Option<ChartSpec> {
        let mut cats: Vec<(String, Option<f64>)> = self
            .values
            .iter()
            .filter(|((i, bd, _, y), _)| *i == id && *bd == b && *y == self.year())
            .map(|((_, _, v, _), r)| (v.to_string(), r.value))
            .collect();
        if cats.is_empty() {
            return None;
        }
        if b == "nqf_level" {
            // A scale keeps its order: levels 1 to 8.
            cats.sort_by_key(|(v, _)| v.parse::<u32>().unwrap_or(u32::MAX));
        } else {
            cats.sort_by(|a, b| {
                b.1.unwrap_or(f64::MIN)
                    .total_cmp(&a.1.unwrap_or(f64::MIN))
                    .then(a.0.cmp(&b.0))
            });
        }
        let unit = self.unit(id);
        let national = self.value(id, "total", "total", self.year());
        Some(ChartSpec::Bar(BarChart {
            title: None,
            categories: cats.iter().map(|(v, _)| self.label(b, v)).collect(),
            series: vec![Series {
                name: self.title(id),
                values: cats.iter().map(|(_, x)| *x).collect(),
            }],
            horizontal,
            category_label: None,
            value_label: None,
            reference: national
                .filter(|_| unit != Unit::Count)
                .map(|n| ReferenceLine {
                    // "По стране" for regions; "В целом" for providers, categories, levels.
                    label: self
                        .word(if b == "region" {
                            "national_line"
                        } else {
                            "overall_line"
                        })
                        .replace("{value}", &format_value(n, unit)),
                    value: n,
                }),
            value_suffix: if unit == Unit::Percent { " %" } else { "" }.into(),
            show_values: true,
            missing_label: Some(
                self.w["indicators"]["withheld_cell"]
                    .as_str()
                    .unwrap_or("…")
                    .to_string(),
            ),
            value_max: None,
            number_format: self.number_format(),
        }))
    }

    /// A line chart of national values over five years.
    fn lines(&self, series: &[layout::SeriesRef], y_label: Option<String>) -> ChartSpec {
        ChartSpec::Line(LineChart {
            title: None,
            x_label: None,
            y_label,
            years: self.years(),
            series: series
                .iter()
                .map(|s| Series {
                    name: self.word(&s.name),
                    values: self
                        .years()
                        .iter()
                        .map(|y| self.value(&s.indicator, "total", "total", *y))
                        .collect(),
                })
                .collect(),
            reference: None,
            value_suffix: String::new(),
            show_values: Some(true),
            y_min: None,
            y_max: None,
            number_format: self.number_format(),
        })
    }
}

fn lang_of(t: &crate::contract::Titles, lang: &str) -> String {
    if lang == "kk" {
        t.kk.clone()
    } else {
        t.ru.clone()
    }
}

fn text_of(t: &crate::findings::Text, lang: &str) -> String {
    if lang == "kk" {
        t.kk.clone()
    } else {
        t.ru.clone()
    }
}

/// The context for one language.
/// The context of `lang`'s report. Errs (with the message) when the analysts' commentary cites
/// a figure the tables do not print so.
pub fn build(inp: &Inputs, lang: &str, wording: &Json) -> Result<Context, String> {
    let mut c = Ctx {
        inp,
        lang,
        w: wording,
        data_cutoff: Vec::new(),
        values: inp
            .rows
            .iter()
            .map(|r| {
                (
                    (
                        r.indicator_id.as_str(),
                        r.breakdown.as_str(),
                        r.breakdown_value.as_str(),
                        r.year,
                    ),
                    r,
                )
            })
            .collect(),
        headers: inp
            .indicators
            .iter()
            .map(|i| (i.header.id.as_str(), i))
            .collect(),
    };
    c.data_cutoff = data_cutoff(&c);
    Ok(Context {
        lang: lang.to_string(),
        year: inp.period.year,
        report_date: inp.period.as_of.to_string(),
        deadline: inp.deadline.to_string(),
        data_cutoff: c.data_cutoff.clone(),
        state: state(&c),
        problems: problems(&c),
        recommendations: recommendations(&c),
        indicators: indicators(&c),
        methodology: methodology(&c),
        sources: sources(&c),
        quality: quality(&c),
        dictionary: dictionary(&c),
        draft: inp.edition.is_none(),
        edition: inp.edition,
        requisites: requisites(&c),
        commentary: commentary(&c)?,
        revisions: revisions(&c),
        follow_up: follow_up(&c),
    })
}

fn requisites(c: &Ctx) -> RequisitesPart {
    let r = &c.inp.notes.requisites;
    let set = |s: Option<&String>| s.filter(|s| !s.trim().is_empty()).cloned();
    RequisitesPart {
        number: set(r.outgoing_number.get(&c.year().to_string())),
        signatory_position: set(r.signatory.as_ref().and_then(|p| p.position.get(c.lang))),
        signatory_name: set(r.signatory.as_ref().and_then(|p| p.name.as_ref())),
        executor_name: set(r.executor.as_ref().and_then(|p| p.name.as_ref())),
        executor_phone: set(r.executor.as_ref().and_then(|p| p.phone.as_ref())),
    }
}

fn commentary(c: &Ctx) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (part, texts) in &c.inp.notes.commentary {
        if let Some(text) = texts.get(c.lang) {
            let resolved = super::notes::resolve(text, c.year(), c.inp.rows, c.inp.indicators)
                .map_err(|e| format!("[{part}] {}: {e}", c.lang))?;
            out.insert(part.clone(), resolved);
        }
    }
    Ok(out)
}

/// Revised figures grouped by their reason: national figures one per row, the cells of a
/// breakdown counted in one row per indicator and year (they are marked † in the tables).
fn revisions(c: &Ctx) -> Vec<RevisionGroup> {
    let mut groups: Vec<RevisionGroup> = Vec::new();
    let mut counted: BTreeMap<(String, String, i32), usize> = BTreeMap::new();
    for r in c.inp.revisions {
        let unit = c.unit(&r.indicator);
        let mut reasons = Vec::new();
        for key in ["revision_added", "revision_replaced", "revision_removed"] {
            let count = |ch: &crate::edition::SourceChange| match key {
                "revision_added" => ch.added,
                "revision_replaced" => ch.replaced,
                _ => ch.removed,
            };
            let sources: Vec<String> = r
                .changed_sources
                .iter()
                .filter(|(_, ch)| count(ch) > 0)
                .map(|(s, _)| c.source_title(s))
                .collect();
            if !sources.is_empty() {
                reasons.push(c.word(key).replace("{sources}", &sources.join(", ")));
            }
        }
        if let Some(day) = r.provisional_then {
            reasons.push(
                c.word("revision_provisional")
                    .replace("{date}", &day.format("%d.%m.%Y").to_string()),
            );
        }
        if reasons.is_empty() {
            reasons.push(c.word("revision_recomputed"));
        }
        let reason = reasons.join("; ");
        if r.breakdown != "total" {
            *counted
                .entry((reason, r.indicator.clone(), r.year))
                .or_default() += 1;
            continue;
        }
        let item = RevisionItem {
            indicator: c.title(&r.indicator),
            breakdown: c.word("national"),
            year: r.year,
            published: format_value(r.published, unit),
            now: format_value(r.now, unit),
        };
        match groups.iter_mut().find(|g| g.reason == reason) {
            Some(g) => g.items.push(item),
            None => groups.push(RevisionGroup {
                reason,
                items: vec![item],
            }),
        }
    }
    for ((reason, indicator, year), n) in counted {
        let item = RevisionItem {
            indicator: c.title(&indicator),
            breakdown: c.word("revision_breakdowns").replace("{n}", &n.to_string()),
            year,
            published: String::new(),
            now: String::new(),
        };
        match groups.iter_mut().find(|g| g.reason == reason) {
            Some(g) => g.items.push(item),
            None => groups.push(RevisionGroup {
                reason,
                items: vec![item],
            }),
        }
    }
    groups
}

fn follow_up(c: &Ctx) -> Option<FollowUpPart> {
    let (edition, items) = c.inp.follow_up?;
    Some(FollowUpPart {
        year: edition.year,
        edition: edition.number,
        intro: c
            .word("follow_up_intro")
            .replace("{year}", &edition.year.to_string())
            .replace("{date}", &edition.published.format("%d.%m.%Y").to_string()),
        items: items
            .iter()
            .map(|f| {
                let r = &f.recommendation;
                let unit = c.unit(&r.indicator);
                let key = match f.status {
                    crate::edition::Status::Persists => "follow_up_persists",
                    crate::edition::Status::Resolved => "follow_up_resolved",
                    crate::edition::Status::NotAssessed => "follow_up_not_assessed",
                };
                FollowUpItem {
                    label: r.label.clone(),
                    text: if c.lang == "kk" {
                        r.recommendation.kk.clone()
                    } else {
                        r.recommendation.ru.clone()
                    },
                    status: f.status,
                    status_text: c.word(key),
                    figures: match (f.then, f.now) {
                        (Some(then), Some(now)) => Some(
                            c.word("follow_up_figures")
                                .replace("{indicator}", &c.title(&r.indicator))
                                .replace("{then}", &format_value(then, unit))
                                .replace("{year_then}", &edition.year.to_string())
                                .replace("{now}", &format_value(now, unit))
                                .replace("{year}", &c.year().to_string()),
                        ),
                        _ => None,
                    },
                    decision: f.decision.as_ref().map(|d| text_of(d, c.lang)),
                }
            })
            .collect(),
    })
}

/// Per source with dated records (its `partition_by` a date), the latest date its files reach
/// within the report year, when that is before 1 December: the year's figures then cover only
/// part of it for that source (see `FileEntry::last_date`).
fn data_cutoff(c: &Ctx) -> Vec<CutoffItem> {
    let year = c.year();
    let december = chrono::NaiveDate::from_ymd_opt(year, 12, 1).expect("a valid day");
    let mut by_day: BTreeMap<chrono::NaiveDate, Vec<(String, String)>> = BTreeMap::new();
    for ct in &c.inp.catalog.contracts {
        let last = entries_of(c, &ct.id)
            .into_iter()
            .filter_map(|(_, e)| e.last_date.as_deref())
            .filter_map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .filter(|d| chrono::Datelike::year(d) == year)
            .max();
        if let Some(day) = last
            && day < december
        {
            by_day
                .entry(day)
                .or_default()
                .push((ct.id.clone(), lang_of(&ct.title, c.lang)));
        }
    }
    by_day
        .into_iter()
        .rev()
        .map(|(day, sources)| CutoffItem {
            date: day.to_string(),
            day: day.format("%d.%m.%Y").to_string(),
            ids: sources.iter().map(|(id, _)| id.clone()).collect(),
            sources: sources
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect()
}

fn state(c: &Ctx) -> State {
    let year = c.year();
    let key_figures = c
        .inp
        .layout
        .key_figures
        .iter()
        .filter_map(|id| {
            let v = c.value(id, "total", "total", year)?;
            let unit = c.unit(id);
            let note = c
                .value(id, "total", "total", year - 1)
                .filter(|_| c.comparable(unit))
                .map(|p| {
                    c.word("key_figure_change")
                        .replace(
                            "{delta}",
                            &c.delta_text(printed_value(v, unit) - printed_value(p, unit), unit),
                        )
                        .replace("{year}", &(year - 1).to_string())
                });
            Some(KeyFigure {
                label: c.title(id),
                value: format_value(v, unit),
                note,
            })
        })
        .collect();
    State {
        paragraphs: c
            .inp
            .findings
            .state
            .get(c.lang)
            .cloned()
            .unwrap_or_default(),
        key_figures,
    }
}

fn problems(c: &Ctx) -> Problems {
    let items = c
        .inp
        .findings
        .problems
        .iter()
        .map(|p| ProblemItem {
            id: p.id.clone(),
            title: text_of(&p.title, c.lang),
            severity: p.severity,
            text: text_of(&p.text, c.lang),
            evidence: p
                .evidence
                .iter()
                .take(10)
                .map(|e| {
                    let unit = c.unit(&e.indicator);
                    EvidenceItem {
                        indicator: c.title(&e.indicator),
                        value: format_value(e.value, unit)
                            .trim_end_matches(" %")
                            .trim_end_matches("\u{a0}%")
                            .to_string(),
                        unit: c.unit_text(unit),
                        breakdown: if e.breakdown == "total" {
                            c.word("national")
                        } else {
                            c.label(&e.breakdown, &e.breakdown_value)
                        },
                    }
                })
                .collect(),
        })
        .collect();
    let high = c
        .inp
        .findings
        .problems
        .iter()
        .filter(|p| p.severity == crate::findings::Severity::High)
        .count();
    Problems {
        intro: vec![c.word("problems_intro")],
        items,
        high,
    }
}

fn recommendations(c: &Ctx) -> Recommendations {
    let items = c
        .inp
        .findings
        .problems
        .iter()
        .flat_map(|p| {
            p.recommendations.iter().map(|r| RecommendationItem {
                id: crate::edition::printed_label(&r.id),
                text: if c.lang == "kk" {
                    r.kk.clone()
                } else {
                    r.ru.clone()
                },
                answers: vec![p.id.clone()],
                responsible: r.responsible.as_deref().map(|b| {
                    c.inp
                        .catalog
                        .providers
                        .iter()
                        .find(|p| p.id == b)
                        .map(|p| {
                            if c.lang == "kk" {
                                p.kk.clone()
                            } else {
                                p.ru.clone()
                            }
                        })
                        .unwrap_or_else(|| b.to_string())
                }),
                due: r.term.as_deref().map(|t| c.term_text(t)),
                expected: r.target.as_ref().map(|t| {
                    let unit = c.unit(&t.indicator);
                    // "Not above 0" reads as "is 0".
                    let key = if t.direction == "at_most" && t.value == 0.0 {
                        "expected_zero".to_string()
                    } else {
                        format!("expected_{}", t.direction)
                    };
                    c.word(&key)
                        .replace("{indicator}", &c.title(&t.indicator))
                        .replace("{value}", &format_value(t.value, unit))
                }),
            })
        })
        .collect();
    Recommendations {
        intro: vec![c.word("recommendations_intro")],
        items,
    }
}

/// Section 4 as the layout declares it; indicators of undeclared topics in "other".
fn indicators(c: &Ctx) -> IndicatorsPart {
    let placed = c.inp.layout.place(c.inp.indicators);
    let mut groups = Vec::new();
    for (g, members) in &placed.groups {
        let title = c.sub("topics", &g.topic);
        let mut tables = vec![c.topic_table(&g.topic, title.clone(), members)];
        for t in &g.tables {
            let layout::Table::ByRegion { indicator, title } = t;
            tables.push(c.regional_table(indicator, title));
        }
        let figures = g.charts.iter().filter_map(|ch| c.figure(ch)).collect();
        groups.push(Group {
            title,
            tables,
            figures,
        });
    }
    if !placed.other.is_empty() {
        let title = c.word(&c.inp.layout.other.title);
        groups.push(Group {
            tables: vec![c.topic_table("other", title.clone(), &placed.other)],
            title,
            figures: Vec::new(),
        });
    }
    IndicatorsPart {
        intro: vec![c.word("indicators_intro")],
        groups,
    }
}

fn methodology(c: &Ctx) -> Methodology {
    let indicators = c
        .inp
        .indicators
        .iter()
        .map(|i| {
            let h = &i.header;
            let sources: Vec<String> = h
                .sources
                .iter()
                .map(|s| {
                    let catalog = &c.inp.catalog;
                    if let Some(ct) = catalog.contract(s) {
                        lang_of(&ct.title, c.lang)
                    } else if let Some(list) = catalog.code_lists.get(s) {
                        lang_of(&list.title, c.lang)
                    } else {
                        // The deadline tables computed from the sources and the calendar.
                        c.sub("derived_sources", s)
                    }
                })
                .collect();
            MethodologyItem {
                code: h.id.clone(),
                name: lang_of(&h.title, c.lang),
                definition: lang_of(&h.definition, c.lang),
                formula: h.formula.clone(),
                unit: c.unit_text(h.unit),
                source: sources.join("; "),
                breakdowns: h
                    .breakdowns
                    .iter()
                    .map(|b| c.sub("breakdowns", b))
                    .collect::<Vec<_>>()
                    .join("; "),
            }
        })
        .collect();
    Methodology {
        intro: vec![
            c.word("methodology_intro"),
            c.word("methodology_disclosure"),
        ],
        indicators,
    }
}

fn dictionary(c: &Ctx) -> DataDictionary {
    let d = c.inp.dictionary;
    let caption = c.w["dictionary"]["caption"].as_str().unwrap_or("{table}");
    DataDictionary {
        intro: vec![c.word("dictionary_intro")],
        tables: d
            .published()
            .map(|t| {
                let title = t.title.get(c.lang).to_string();
                DictionaryTable {
                    caption: caption.replace("{table}", &title),
                    title,
                    description: t.description.get(c.lang).to_string(),
                    columns: t
                        .columns
                        .iter()
                        .map(|col| DictionaryColumn {
                            label: col.description.get(c.lang).to_string(),
                            kind: d.type_text(col.kind, c.lang).to_string(),
                            unit: d.unit_text(col.unit.as_deref(), c.lang).to_string(),
                            personal: d.personal_text(&col.personal, c.lang).to_string(),
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// The manifest's files of one source.
fn entries_of<'a>(c: &Ctx<'a>, source: &str) -> Vec<(&'a String, &'a crate::lake::FileEntry)> {
    c.inp
        .manifest
        .files
        .iter()
        .filter(|(_, e)| e.source == source)
        .collect()
}

fn sources(c: &Ctx) -> Sources {
    let mut providers = Vec::new();
    let mut files = Vec::new();
    for ct in &c.inp.catalog.contracts {
        let entries = entries_of(c, &ct.id);
        let provider = c
            .inp
            .catalog
            .providers
            .iter()
            .find(|p| p.id == ct.provider)
            .map(|p| {
                if c.lang == "kk" {
                    p.kk.clone()
                } else {
                    p.ru.clone()
                }
            })
            .unwrap_or_else(|| ct.provider.clone());
        let freq = serde_json::to_value(ct.frequency)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let years: Vec<i32> = entries
            .iter()
            .flat_map(|(_, e)| e.partitions.iter())
            .filter_map(|p| crate::lake::PartitionKey::parse(p)?.year())
            .collect();
        let period = match (years.iter().min(), years.iter().max()) {
            (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        };
        let until = c
            .data_cutoff
            .iter()
            .find(|cut| cut.ids.contains(&ct.id))
            .map(|cut| {
                c.w["sources"]["until"]
                    .as_str()
                    .unwrap_or_default()
                    .replace("{year}", &c.year().to_string())
                    .replace("{date}", &cut.day)
            });
        providers.push(SourceItem {
            id: ct.id.clone(),
            until,
            provider,
            name: lang_of(&ct.title, c.lang),
            // Statistics of state bodies come under para. 19 whatever their frequency
            // (vacancies are published monthly); a contract may name another paragraph.
            basis: match ct.rules_paragraph {
                Some(n) => c.word("basis_paragraph").replace("{n}", &n.to_string()),
                None if ct.provider == "statistics" => c.word("basis_statistics"),
                None => c.word("basis"),
            },
            frequency: c.sub("frequency", &freq),
            period,
        });
        // The list of files' checksums, hashed: one line per source instead of thousands.
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for (name, e) in &entries {
            h.update(name.as_bytes());
            h.update(b" ");
            h.update(e.sha256.as_bytes());
            h.update(b"\n");
        }
        if !entries.is_empty() {
            files.push(FileItem {
                source: lang_of(&ct.title, c.lang),
                count: entries.len(),
                name: if entries.len() == 1 {
                    entries[0].0.clone()
                } else {
                    c.word("files_name")
                        .replace("{count}", &entries.len().to_string())
                },
                // As the quality annex counts them, so that the two agree.
                rows: entries
                    .iter()
                    .map(|(_, e)| e.rows_read.saturating_sub(e.excluded))
                    .sum(),
                sha256: if entries.len() == 1 {
                    entries[0].1.sha256.clone()
                } else {
                    hex::encode(h.finalize())
                },
            });
        }
    }
    Sources {
        intro: vec![c.word("sources_intro")],
        providers,
        files,
    }
}

fn quality(c: &Ctx) -> Quality {
    let sources = c
        .inp
        .catalog
        .contracts
        .iter()
        .map(|ct| {
            let entries = entries_of(c, &ct.id);
            // By kind of defect, most rows first: the column a defect was in is the
            // analyst's concern (the quarantine names it), not the reader's.
            let mut by_kind: Vec<(String, u64)> = Vec::new();
            for r in c
                .inp
                .reasons
                .get(&ct.id)
                .map(|r| r.as_slice())
                .unwrap_or_default()
            {
                // `load_wording` checked that every code has its text.
                let kind = c.sub("reasons", r.code.as_str());
                match by_kind.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, rows)) => *rows += r.rows,
                    None => by_kind.push((kind, r.rows)),
                }
            }
            by_kind.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let reasons = by_kind
                .into_iter()
                .take(3)
                .map(|(reason, rows)| ReasonItem { reason, rows })
                .collect();
            QualityItem {
                id: ct.id.clone(),
                source: lang_of(&ct.title, c.lang),
                // Rows a contract's transform left out by a declared rule (totals, footnotes,
                // another vintage) were never records to check: read = accepted + quarantined.
                read: entries
                    .iter()
                    .map(|(_, e)| e.rows_read.saturating_sub(e.excluded))
                    .sum(),
                accepted: entries.iter().map(|(_, e)| e.accepted).sum(),
                quarantined: entries.iter().map(|(_, e)| e.quarantined).sum(),
                reasons,
            }
        })
        .collect();
    Quality {
        intro: vec![c.word("quality_intro")],
        sources,
    }
}
