//! The report's context, built from what `nqs run` wrote (`indicators.parquet`,
//! `findings.json`), the lake's manifest and quarantine, the contracts and the indicator
//! headers. Every word of it comes from the wording files or the pipelines, in the report's
//! language; numbers are formatted as the findings format them.

use crate::contract::{Catalog, Frequency};
use crate::findings::{format_delta, format_value};
use crate::indicators::{Confidentiality, Indicator, Row, Unit};
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, HashMap};

/// Everything the report is drawn from.
pub struct Inputs<'a> {
    pub year: i32,
    pub report_date: chrono::NaiveDate,
    pub deadline: chrono::NaiveDate,
    pub catalog: &'a Catalog,
    pub indicators: &'a [Indicator],
    pub rows: &'a [Row],
    pub findings: &'a Json,
    pub manifest: &'a crate::lake::Manifest,
    /// Per source, its quarantined rows by column and reason code, most rows first.
    pub reasons: &'a BTreeMap<String, Vec<crate::quarantine::ReasonCount>>,
    /// Labels of breakdown values (regions, sectors, providers, …) as the findings use them.
    pub labels: &'a dyn Fn(&str, &str, &str) -> String,
}

const TOPICS: [&str; 8] = [
    "standards",
    "frameworks",
    "education",
    "centres",
    "recognition",
    "labour_market",
    "data_flow",
    "platform",
];

struct Ctx<'a> {
    inp: &'a Inputs<'a>,
    lang: &'a str,
    w: &'a Json,
    values: HashMap<(&'a str, &'a str, &'a str, i32), &'a Row>,
    headers: HashMap<&'a str, &'a Indicator>,
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

    /// Whether any value of the year is provisional (SDMX OBS_STATUS `P`).
    fn provisional(&self, year: i32) -> bool {
        self.inp
            .rows
            .iter()
            .any(|r| r.year == year && r.provisional)
    }

    /// The footnote explaining the provisional mark, when a shown year is provisional.
    fn provisional_note(&self) -> Json {
        match self.years().into_iter().find(|y| self.provisional(*y)) {
            Some(y) => json!(
                self.word("provisional_note")
                    .replace("{year}", &y.to_string())
                    .replace(
                        "{date}",
                        &self.inp.report_date.format("%d.%m.%Y").to_string()
                    )
            ),
            None => Json::Null,
        }
    }

    fn years(&self) -> Vec<i32> {
        (self.inp.year - 4..=self.inp.year).collect()
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
        self.word(key)
            .replace("{year}", &self.inp.year.to_string())
            .replace("{first}", &(self.inp.year - 4).to_string())
    }

    /// One table row: an indicator's values over five years for a breakdown value.
    fn table_row(&self, id: &str, b: &str, v: &str, label: String) -> Json {
        let unit = self.unit(id);
        let values: Vec<Json> = self
            .years()
            .iter()
            .map(|y| match self.row(id, b, v, *y) {
                Some(r) if r.suppressed => json!({
                    "suppressed": true,
                    "flag": if r.confidentiality == Confidentiality::Secondary { "secondary" } else { "primary" },
                }),
                Some(r) => {
                    json!({ "text": r.value.map(|x| format_value(x, unit)).unwrap_or_default() })
                }
                None => json!({ "text": "" }),
            })
            .collect();
        let now = self.value(id, b, v, self.inp.year);
        let before = self.value(id, b, v, self.inp.year - 1);
        let change = match (now, before) {
            (Some(a), Some(p)) => {
                let d = a - p;
                let mut text = format_delta(d, unit);
                if unit == Unit::Percent {
                    text = format!("{text} {}", self.word("points"));
                }
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
                json!({ "text": text, "direction": direction, "assessment": assessment })
            }
            _ => Json::Null,
        };
        let points: Vec<Option<f64>> = self
            .years()
            .iter()
            .map(|y| self.value(id, b, v, *y))
            .collect();
        json!({ "label": label, "values": values, "change": change, "trend": { "points": points } })
    }

    fn number_format(&self) -> Json {
        json!({ "decimals": 1, "decimal_separator": ",", "group_separator": "\u{a0}" })
    }

    /// A bar chart of one indicator over a breakdown in the report year, with the national line.
    fn bars(
        &self,
        id: &str,
        b: &str,
        caption_key: &str,
        file: &str,
        horizontal: bool,
    ) -> Option<Json> {
        let mut cats: Vec<(String, Option<f64>)> = self
            .values
            .iter()
            .filter(|((i, bd, _, y), _)| *i == id && *bd == b && *y == self.inp.year)
            .map(|((_, _, v, _), r)| (v.to_string(), r.value))
            .collect();
        if cats.is_empty() {
            return None;
        }
        cats.sort_by(|a, b| {
            b.1.unwrap_or(f64::MIN)
                .total_cmp(&a.1.unwrap_or(f64::MIN))
                .then(a.0.cmp(&b.0))
        });
        let unit = self.unit(id);
        let national = self.value(id, "total", "total", self.inp.year);
        let suffix = if unit == Unit::Percent { " %" } else { "" };
        Some(json!({
            "id": file.trim_end_matches(".svg"),
            "file": file,
            "caption": self.fill(caption_key),
            "chart": {
                "kind": "bar",
                "horizontal": horizontal,
                "categories": cats.iter().map(|(v, _)| self.label(b, v)).collect::<Vec<_>>(),
                "series": [{ "name": self.title(id), "values": cats.iter().map(|(_, x)| *x).collect::<Vec<_>>() }],
                "reference": national.filter(|_| unit != Unit::Count).map(|n| json!({
                    "label": self.word("national_line").replace("{value}", &format_value(n, unit)),
                    "value": n,
                })),
                "value_suffix": suffix,
                "show_values": true,
                "missing_label": self.w["indicators"]["withheld_cell"].as_str().unwrap_or("…"),
                "number_format": self.number_format(),
            }
        }))
    }

    /// A line chart of national values over five years.
    fn lines(
        &self,
        series: &[(&str, &str)],
        caption_key: &str,
        file: &str,
        y_label: Option<String>,
    ) -> Json {
        json!({
            "id": file.trim_end_matches(".svg"),
            "file": file,
            "caption": self.fill(caption_key),
            "chart": {
                "kind": "line",
                "years": self.years(),
                "y_label": y_label,
                "series": series.iter().map(|(id, name_key)| json!({
                    "name": self.word(name_key),
                    "values": self.years().iter().map(|y| self.value(id, "total", "total", *y)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "show_values": true,
                "number_format": self.number_format(),
            }
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

fn text_of(j: &Json, lang: &str) -> String {
    j[lang].as_str().unwrap_or_default().to_string()
}

/// The context for one language.
pub fn build(inp: &Inputs, lang: &str, wording: &Json) -> Json {
    let c = Ctx {
        inp,
        lang,
        w: wording,
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
    let year = inp.year;
    // A provisional year is marked in every table's heading and explained under the table.
    let columns: Vec<String> = c
        .years()
        .iter()
        .map(|y| {
            if c.provisional(*y) {
                format!("{y}*")
            } else {
                y.to_string()
            }
        })
        .collect();

    let key_ids = [
        "standards_in_force",
        "nco_units_covered_share",
        "centres_accredited_year_end",
        "candidates_assessed",
        "recognition_pass_rate",
        "certificates_issued",
        "submissions_on_time_share",
        "support_reviewed_within_limit_share",
    ];
    let key_figures: Vec<Json> = key_ids
        .iter()
        .filter_map(|id| {
            let v = c.value(id, "total", "total", year)?;
            let unit = c.unit(id);
            let note = c.value(id, "total", "total", year - 1).map(|p| {
                let d = format_delta(v - p, unit);
                if unit == Unit::Percent {
                    format!("{d} {}", c.word("points"))
                } else {
                    d
                }
            });
            Some(json!({ "label": c.title(id), "value": format_value(v, unit), "note": note }))
        })
        .collect();

    let problems: Vec<Json> = inp.findings["problems"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|p| {
            let evidence: Vec<Json> = p["evidence"]
                .as_array()
                .map(|a| a.as_slice())
                .unwrap_or_default()
                .iter()
                .take(10)
                .map(|e| {
                    let id = e["indicator"].as_str().unwrap_or_default();
                    let b = e["breakdown"].as_str().unwrap_or_default();
                    let bv = e["breakdown_value"].as_str().unwrap_or_default();
                    let unit = c.unit(id);
                    json!({
                        "indicator": c.title(id),
                        "value": format_value(e["value"].as_f64().unwrap_or_default(), unit).trim_end_matches(" %").trim_end_matches("\u{a0}%").to_string(),
                        "unit": c.unit_text(unit),
                        "breakdown": if b == "total" { c.word("national") } else { c.label(b, bv) },
                    })
                })
                .collect();
            json!({
                "id": p["id"],
                "title": text_of(&p["title"], lang),
                "severity": p["severity"],
                "text": text_of(&p["text"], lang),
                "evidence": evidence,
            })
        })
        .collect();
    let recommendations: Vec<Json> = inp.findings["problems"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .flat_map(|p| {
            let pid = p["id"].clone();
            p["recommendations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |r| {
                    json!({
                        "id": format!("R{}", r["id"].as_str().unwrap_or_default().trim_start_matches('P')),
                        "text": text_of(&r, lang),
                        "answers": [pid.clone()],
                    })
                })
        })
        .collect();

    let mut groups = Vec::new();
    for topic in TOPICS {
        let ids: Vec<&Indicator> = inp
            .indicators
            .iter()
            .filter(|i| i.header.topic == topic)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let rows: Vec<Json> = ids
            .iter()
            .map(|i| {
                let unit = c.unit_text(i.header.unit);
                let label = if unit.is_empty() {
                    c.title(&i.header.id)
                } else {
                    format!("{}, {unit}", c.title(&i.header.id))
                };
                c.table_row(&i.header.id, "total", "total", label)
            })
            .collect();
        let mut tables = vec![json!({
            "id": topic,
            "title": c.sub("topics", topic),
            "unit": Json::Null,
            "label_header": c.word("indicator_header"),
            "columns": columns,
            "rows": rows,
            "provisional_note": c.provisional_note(),
        })];
        let mut figures = Vec::new();
        match topic {
            "standards" => {
                figures.push(c.lines(
                    &[
                        ("nco_units_covered_share", "series_coverage"),
                        ("standards_stale_share", "series_stale"),
                    ],
                    "fig_coverage",
                    "fig-coverage.svg",
                    Some("%".into()),
                ));
                figures.extend(c.bars(
                    "standards_stale_share",
                    "sector",
                    "fig_stale_sector",
                    "fig-stale-sector.svg",
                    true,
                ));
            }
            "centres" => {
                tables.push(regional_table(
                    &c,
                    "centres_accredited_year_end",
                    "regional_centres_title",
                    &columns,
                ));
                figures.extend(c.bars(
                    "centres_accredited_year_end",
                    "region",
                    "fig_centres_region",
                    "fig-centres-region.svg",
                    true,
                ));
            }
            "recognition" => {
                tables.push(regional_table(
                    &c,
                    "recognition_pass_rate",
                    "regional_pass_title",
                    &columns,
                ));
                figures.push(c.lines(
                    &[
                        ("candidates_assessed", "series_assessed"),
                        ("candidates_passed", "series_passed"),
                        ("certificates_issued", "series_certificates"),
                    ],
                    "fig_candidates",
                    "fig-candidates.svg",
                    Some(c.word("fig_candidates_y")),
                ));
                figures.extend(c.bars(
                    "recognition_pass_rate",
                    "region",
                    "fig_pass_region",
                    "fig-pass-region.svg",
                    true,
                ));
                figures.extend(c.bars(
                    "recognition_pass_rate",
                    "nqf_level",
                    "fig_pass_level",
                    "fig-pass-level.svg",
                    false,
                ));
            }
            "data_flow" => {
                figures.extend(c.bars(
                    "submissions_on_time_share",
                    "provider",
                    "fig_timeliness",
                    "fig-timeliness.svg",
                    true,
                ));
            }
            "platform" => {
                figures.extend(c.bars(
                    "support_reviewed_within_limit_share",
                    "category",
                    "fig_support",
                    "fig-support.svg",
                    true,
                ));
                figures.push(c.lines(
                    &[
                        ("support_reviewed_within_limit_share", "series_support"),
                        ("registrations_within_deadline_share", "series_registration"),
                    ],
                    "fig_support_trend",
                    "fig-support-trend.svg",
                    Some("%".into()),
                ));
            }
            _ => {}
        }
        groups
            .push(json!({ "title": c.sub("topics", topic), "tables": tables, "figures": figures }));
    }

    let methodology: Vec<Json> = inp
        .indicators
        .iter()
        .map(|i| {
            let h = &i.header;
            let sources: Vec<String> = h
                .sources
                .iter()
                .map(|s| {
                    inp.catalog
                        .contract(s)
                        .map(|ct| lang_of(&ct.title, lang))
                        .unwrap_or_else(|| s.clone())
                })
                .collect();
            json!({
                "code": h.id,
                "name": lang_of(&h.title, lang),
                "definition": lang_of(&h.definition, lang),
                "formula": h.formula,
                "unit": c.unit_text(h.unit),
                "source": sources.join("; "),
                "breakdowns": h.breakdowns.join(", "),
            })
        })
        .collect();

    let mut providers = Vec::new();
    let mut files = Vec::new();
    let mut quality = Vec::new();
    for ct in &inp.catalog.contracts {
        let entries: Vec<(&String, &crate::lake::FileEntry)> = inp
            .manifest
            .files
            .iter()
            .filter(|(_, e)| e.source == ct.id)
            .collect();
        let provider = inp
            .catalog
            .providers
            .iter()
            .find(|p| p.id == ct.provider)
            .map(|p| {
                if lang == "kk" {
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
        let partitions: Vec<&String> = entries
            .iter()
            .flat_map(|(_, e)| e.partitions.iter())
            .collect();
        let years: Vec<i32> = partitions
            .iter()
            .filter_map(|p| p.strip_prefix("year=")?.get(..4)?.parse().ok())
            .collect();
        let period = match (years.iter().min(), years.iter().max()) {
            (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        };
        providers.push(json!({
            "id": ct.id,
            "provider": provider,
            "name": lang_of(&ct.title, lang),
            "basis": if ct.frequency == Frequency::Annual && ct.provider == "statistics" { c.word("basis_statistics") } else { c.word("basis") },
            "frequency": c.sub("frequency", &freq),
            "period": period,
        }));
        // The list of files' checksums, hashed: one line per source instead of thousands.
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for (name, e) in &entries {
            h.update(name.as_bytes());
            h.update(b" ");
            h.update(e.sha256.as_bytes());
            h.update(b"\n");
        }
        let rows: u64 = entries.iter().map(|(_, e)| e.rows_read).sum();
        if !entries.is_empty() {
            files.push(json!({
                "source": ct.id,
                "name": if entries.len() == 1 { entries[0].0.clone() } else { c.word("files_name").replace("{count}", &entries.len().to_string()) },
                "rows": rows,
                "sha256": if entries.len() == 1 { entries[0].1.sha256.clone() } else { hex::encode(h.finalize()) },
            }));
        }
        let accepted: u64 = entries.iter().map(|(_, e)| e.accepted).sum();
        let quarantined: u64 = entries.iter().map(|(_, e)| e.quarantined).sum();
        let reasons: Vec<Json> = inp
            .reasons
            .get(&ct.id)
            .map(|r| r.as_slice())
            .unwrap_or_default()
            .iter()
            .take(3)
            .map(|r| {
                // `load_wording` checked that every code has its text.
                let kind = c.sub("reasons", r.code.as_str());
                let text = if r.column.is_empty() {
                    kind
                } else {
                    format!("{}: {kind}", r.column)
                };
                json!({ "reason": text, "rows": r.rows })
            })
            .collect();
        quality.push(json!({
            "id": ct.id,
            "source": lang_of(&ct.title, lang),
            "read": rows,
            "accepted": accepted,
            "quarantined": quarantined,
            "reasons": reasons,
        }));
    }

    json!({
        "lang": lang,
        "year": year,
        "report_date": inp.report_date.to_string(),
        "deadline": inp.deadline.to_string(),
        "state": {
            "paragraphs": inp.findings["state"][lang].clone(),
            "key_figures": key_figures,
        },
        "problems": { "intro": [c.word("problems_intro")], "items": problems },
        "recommendations": { "intro": [c.word("recommendations_intro")], "items": recommendations },
        "indicators": { "intro": [c.word("indicators_intro")], "groups": groups },
        "methodology": { "intro": [c.word("methodology_intro"), c.word("methodology_disclosure")], "indicators": methodology },
        "sources": { "intro": [c.word("sources_intro")], "providers": providers, "files": files },
        "quality": { "intro": [c.word("quality_intro")], "sources": quality },
    })
}

/// A long table: one row per region, the indicator's values over five years.
fn regional_table(c: &Ctx, id: &str, title_key: &str, columns: &[String]) -> Json {
    let mut rows = vec![{
        let mut r = c.table_row(id, "total", "total", c.word("national"));
        r["emphasis"] = json!(true);
        r
    }];
    if let Some(regions) = c.inp.catalog.code_lists.get("regions") {
        for code in &regions.codes {
            rows.push(c.table_row(id, "region", &code.code, c.label("region", &code.code)));
        }
    }
    json!({
        "id": format!("{id}-regions"),
        "title": c.word(title_key),
        "unit": Json::Null,
        "label_header": c.word("region_header"),
        "columns": columns,
        "rows": rows,
        "provisional_note": c.provisional_note(),
    })
}
