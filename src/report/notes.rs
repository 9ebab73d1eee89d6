//! What analysts write for a report besides the templates: the requisites of the note
//! (`report-templates/requisites.toml`) and, per report year in `report-templates/years/<Y>/`,
//! their commentary on each part (`commentary.toml`) and the Ministry's decisions on the last
//! edition's recommendations (`decisions.toml`, see [`crate::edition::Decisions`]).
//!
//! A commentary cites figures inline by indicator reference, so that the words and the tables
//! never disagree: `{recognition_pass_rate}` prints the national figure of the report year,
//! `{recognition_pass_rate@2025}` another year's, `{recognition_pass_rate[region=75]}` a breakdown's; `{recognition_pass_rate = 72,4 %}`
//! also checks that the figure is printed so. An unknown indicator, a figure the tables do not
//! have or withhold, or a figure that differs is an error when the report builds.

use crate::findings::format_value;
use crate::indicators::{Indicator, Row};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The parts a commentary may speak to, in the order of the report.
pub const PARTS: [&str; 6] = [
    "summary",
    "state",
    "problems",
    "recommendations",
    "indicators",
    "conclusion",
];

/// The per-year folder inside the templates folder.
pub const YEARS_DIR: &str = "years";

#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct NotesError {
    pub path: PathBuf,
    pub message: String,
}

/// The requisites of an outgoing note; unset ones print as a blank line to fill by hand.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Requisites {
    /// The outgoing registration number, per report year (`"2026" = "01-12/345"`).
    #[serde(default)]
    pub outgoing_number: BTreeMap<String, String>,
    #[serde(default)]
    pub signatory: Option<Person>,
    #[serde(default)]
    pub executor: Option<Person>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Position, per language (`kk`, `ru`).
    #[serde(default)]
    pub position: BTreeMap<String, String>,
    /// Initials and surname as signed.
    #[serde(default)]
    pub name: Option<String>,
    /// Office telephone (the executor's).
    #[serde(default)]
    pub phone: Option<String>,
}

/// Everything read for one report year.
#[derive(Debug, Clone, Default)]
pub struct YearNotes {
    pub requisites: Requisites,
    /// Part → language → text (references not yet resolved).
    pub commentary: BTreeMap<String, BTreeMap<String, String>>,
    pub commentary_path: PathBuf,
    pub decisions: crate::edition::Decisions,
    pub decisions_path: PathBuf,
}

fn read_toml<T: serde::de::DeserializeOwned + Default>(path: &Path) -> Result<T, NotesError> {
    match std::fs::read_to_string(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(NotesError {
            path: path.to_path_buf(),
            message: e.to_string(),
        }),
        Ok(text) => toml::from_str(&text).map_err(|e| NotesError {
            path: path.to_path_buf(),
            message: e.to_string(),
        }),
    }
}

/// Reads the requisites and the notes of `year` (each file optional). `year_before` is the year
/// whose edition the decisions speak of.
pub fn load(templates: &Path, year: i32) -> Result<YearNotes, NotesError> {
    let requisites = read_toml(&templates.join("requisites.toml"))?;
    let dir = templates.join(YEARS_DIR).join(year.to_string());
    let commentary_path = dir.join("commentary.toml");
    let commentary: BTreeMap<String, BTreeMap<String, String>> = read_toml(&commentary_path)?;
    for (part, langs) in &commentary {
        if !PARTS.contains(&part.as_str()) {
            return Err(NotesError {
                path: commentary_path.clone(),
                message: format!(
                    "[{part}] is not a part of the report (expected one of {})",
                    PARTS.join(", ")
                ),
            });
        }
        for (lang, text) in langs {
            if !super::LANGS.contains(&lang.as_str()) {
                return Err(NotesError {
                    path: commentary_path.clone(),
                    message: format!("[{part}] `{lang}` is not a report language (kk, ru)"),
                });
            }
            if text.trim().is_empty() {
                return Err(NotesError {
                    path: commentary_path.clone(),
                    message: format!("[{part}] `{lang}` is empty"),
                });
            }
        }
        if langs.len() != super::LANGS.len() {
            return Err(NotesError {
                path: commentary_path.clone(),
                message: format!(
                    "[{part}] needs both `kk` and `ru`: the two editions say the same"
                ),
            });
        }
    }
    let decisions_path = dir.join("decisions.toml");
    let decisions = read_toml(&decisions_path)?;
    Ok(YearNotes {
        requisites,
        commentary,
        commentary_path,
        decisions,
        decisions_path,
    })
}

fn reference_pattern() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"\{\s*([a-z][a-z0-9_]*)\s*(?:\[\s*([a-z_]+)\s*=\s*([^\]\s]+)\s*\])?\s*(?:@\s*(\d{4}))?\s*(?:=\s*([^}]+?))?\s*\}",
        )
        .expect("a valid pattern")
    })
}

/// Replaces every figure reference in `text` by the figure as the tables print it, checking an
/// asserted figure against it. Errors name the reference.
pub fn resolve(
    text: &str,
    year: i32,
    rows: &[Row],
    indicators: &[Indicator],
) -> Result<String, String> {
    let mut out = String::new();
    let mut last = 0;
    for caps in reference_pattern().captures_iter(text) {
        let whole = caps.get(0).expect("a match");
        out.push_str(&text[last..whole.start()]);
        last = whole.end();
        let id = &caps[1];
        let Some(ind) = indicators.iter().find(|i| i.header.id == id) else {
            return Err(format!(
                "`{}` cites `{id}`, which is not an indicator",
                whole.as_str()
            ));
        };
        let (b, v) = match (caps.get(2), caps.get(3)) {
            (Some(b), Some(v)) => (b.as_str(), v.as_str()),
            _ => ("total", "total"),
        };
        let y = caps.get(4).map_or(Ok(year), |y| y.as_str().parse::<i32>());
        let y = y.map_err(|e| e.to_string())?;
        let row = rows.iter().find(|r| {
            r.indicator_id == id && r.breakdown == b && r.breakdown_value == v && r.year == y
        });
        let Some(row) = row else {
            return Err(format!(
                "`{}`: the tables have no figure of `{id}` for {b} = {v} in {y}",
                whole.as_str()
            ));
        };
        let Some(value) = row.value else {
            return Err(format!(
                "`{}`: that figure is withheld (confidential) and cannot be cited",
                whole.as_str()
            ));
        };
        let printed = format_value(value, ind.header.unit);
        if let Some(asserted) = caps.get(5) {
            let norm = |s: &str| s.replace(['\u{a0}', ' '], "");
            if norm(asserted.as_str()) != norm(&printed) {
                return Err(format!(
                    "`{}` says {}, but the tables print {printed}",
                    whole.as_str(),
                    asserted.as_str()
                ));
            }
        }
        out.push_str(&printed);
    }
    out.push_str(&text[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::Confidentiality;

    fn row(id: &str, b: &str, v: &str, year: i32, value: Option<f64>) -> Row {
        Row {
            indicator_id: id.into(),
            year,
            breakdown: b.into(),
            breakdown_value: v.into(),
            value,
            numerator: None,
            denominator: None,
            suppressed: value.is_none(),
            confidentiality: Confidentiality::Free,
            provisional: false,
        }
    }

    #[test]
    fn references_resolve_check_and_refuse() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        let catalog = crate::contract::Catalog::load(&root).unwrap();
        let inds = crate::indicators::load(&root.join("indicators"), &catalog).unwrap();
        let rows = vec![
            row("recognition_pass_rate", "total", "total", 2026, Some(72.44)),
            row("recognition_pass_rate", "total", "total", 2025, Some(70.0)),
            row("recognition_pass_rate", "region", "75", 2026, None),
            row("certificates_issued", "region", "75", 2026, Some(1234.0)),
        ];
        let r = |t: &str| resolve(t, 2026, &rows, &inds);
        assert_eq!(
            r("rate {recognition_pass_rate}.").unwrap(),
            "rate 72,4\u{a0}%."
        );
        assert_eq!(r("{recognition_pass_rate@2025}").unwrap(), "70,0\u{a0}%");
        assert_eq!(
            r("{recognition_pass_rate = 72,4 %}").unwrap(),
            "72,4\u{a0}%"
        );
        assert_eq!(r("{certificates_issued[region=75]}").unwrap(), "1\u{a0}234");
        assert!(
            r("{recognition_pass_rate = 72,5 %}")
                .unwrap_err()
                .contains("print")
        );
        assert!(
            r("{recognition_pass_rat}")
                .unwrap_err()
                .contains("not an indicator")
        );
        assert!(
            r("{recognition_pass_rate[region=75]}")
                .unwrap_err()
                .contains("withheld")
        );
        assert!(
            r("{recognition_pass_rate@2019}")
                .unwrap_err()
                .contains("no figure")
        );
        assert_eq!(r("no reference here").unwrap(), "no reference here");
    }
}
