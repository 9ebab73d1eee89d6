//! Published editions: what the National body sent the Ministry (para. 21), frozen.
//!
//! `nqs publish --year Y` ([`crate::publish`]) renders both reports without the draft mark and
//! keeps them, with the indicators, the findings, the run record and the lake's manifest they
//! were drawn from, in `output/editions/<Y>/<N>/` (N = 1, 2, … for a corrected re-issue). An edition is written in a
//! temporary folder, synced, renamed into place and made read-only; nothing nqs does later
//! writes into it. `edition.json` lists every file's SHA-256 and each recommendation under a
//! stable id (`<year>.<rule>.<k>`), which the analyst uses to record the Ministry's decision.
//!
//! Later reports read editions back for two things: figures that now differ from the published
//! ones are *revised* (with the sources whose files changed since), and the report after a
//! published year follows up that year's recommendations (para. 22).

use crate::findings::{Findings, Problem, Recommendation};
use crate::indicators::Row;
use crate::lake::Manifest;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The editions folder inside the output folder.
pub const EDITIONS_DIR: &str = "editions";
/// The edition's record, beside its files.
pub const RECORD_FILE: &str = "edition.json";
/// The lake's manifest as it stood at publication (its file name inside an edition).
pub const MANIFEST_FILE: &str = "manifest.json";

#[derive(Debug, thiserror::Error)]
pub enum EditionError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not an edition record", path.display())]
    Record {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "edition {number} of {year} already holds these figures and findings (published {published}); nothing to publish"
    )]
    Unchanged {
        year: i32,
        number: u32,
        published: chrono::NaiveDate,
    },
    #[error(
        "the annual analysis of {year} was due to the Ministry by {deadline} (para. 21 of the Rules) and the edition is made on {day} (--as-of, NQS_AS_OF or today): it is late, so nqs publishes it only with the reason, e.g. `nqs publish --year {year} --late \"the November extract of the Ministry of Labour arrived on 14 December\"`; the reason is kept in the edition's record and listed by `nqs schedule`"
    )]
    LateWithoutReason {
        year: i32,
        deadline: chrono::NaiveDate,
        day: chrono::NaiveDate,
    },
    #[error(
        "--late was given, but an edition of {year} made on {day} is on time (due by {deadline}, para. 21 of the Rules): leave --late out, or check --as-of"
    )]
    NotLate {
        year: i32,
        deadline: chrono::NaiveDate,
        day: chrono::NaiveDate,
    },
    #[error(
        "--late was given an empty reason: say why the edition of {year} goes out after {deadline}, e.g. --late \"the November extract of the Ministry of Labour arrived on 14 December\""
    )]
    EmptyReason {
        year: i32,
        deadline: chrono::NaiveDate,
    },
    #[error(
        "the report deadline `{text}` in pipelines/schedule.toml ([report] deadline) is not a day of {year} in MM-DD"
    )]
    Deadline { year: i32, text: String },
    #[error(transparent)]
    Findings(#[from] crate::findings::FindingsError),
    #[error(transparent)]
    Output(#[from] crate::indicators::OutputError),
    #[error(transparent)]
    Lake(#[from] crate::lake::LakeError),
}

/// A recommendation as published, under an id that does not move when problems are reordered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PublishedRecommendation {
    /// `<year>.<rule>.<k>`: the report year, the finding rule, the recommendation's place
    /// among the rule's (from 1).
    pub id: String,
    /// The number the report printed it under ("R3" prints as "R3").
    pub label: String,
    pub rule: String,
    /// The indicator the rule judged.
    pub indicator: String,
    /// The findings' recommendation: its text in kk and ru, body, term, target.
    pub recommendation: Recommendation,
}

/// `edition.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Edition {
    pub year: i32,
    pub number: u32,
    /// The judging day of the run it froze.
    pub as_of: chrono::NaiveDate,
    /// The day `nqs publish` was judged on: its `--as-of` (or `NQS_AS_OF`), else the day it ran.
    pub published: chrono::NaiveDate,
    /// File name → SHA-256 (hex) of every file of the edition but this record.
    pub files: BTreeMap<String, String>,
    pub recommendations: Vec<PublishedRecommendation>,
    /// Why the edition went out after para. 21's deadline (`--late`); absent when on time,
    /// and in records written before the deadline was checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late: Option<Late>,
}

/// An edition published after the report deadline, with the reason the operator gave.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Late {
    /// Para. 21's deadline for the year (15 December).
    pub deadline: chrono::NaiveDate,
    /// Calendar days past it on the day of publication.
    pub days_late: i64,
    pub reason: String,
}

/// "1 day", "3 days": how the console says a lateness.
pub fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// Whether an edition of `year` made on `day` is late against `deadline`, and the record of
/// it: a late edition needs a reason (para. 21 leaves no grace, so the record says why), and
/// an edition on time must not carry one (a record saying "late" would be false).
pub fn lateness(
    year: i32,
    deadline: chrono::NaiveDate,
    day: chrono::NaiveDate,
    reason: Option<&str>,
) -> Result<Option<Late>, EditionError> {
    match (day > deadline, reason.map(str::trim)) {
        (false, None) => Ok(None),
        (false, Some(_)) => Err(EditionError::NotLate {
            year,
            deadline,
            day,
        }),
        (true, None) => Err(EditionError::LateWithoutReason {
            year,
            deadline,
            day,
        }),
        (true, Some("")) => Err(EditionError::EmptyReason { year, deadline }),
        (true, Some(r)) => Ok(Some(Late {
            deadline,
            days_late: (day - deadline).num_days(),
            reason: r.to_string(),
        })),
    }
}

/// An edition read back: its record and folder.
#[derive(Debug, Clone)]
pub struct Stored {
    pub edition: Edition,
    pub dir: PathBuf,
}

impl Stored {
    pub fn indicators(&self) -> Result<Vec<Row>, EditionError> {
        Ok(crate::indicators::read_outputs(&self.dir)?)
    }

    pub fn findings(&self) -> Result<Findings, EditionError> {
        Ok(crate::findings::read_outputs(&self.dir)?)
    }

    pub fn manifest(&self) -> Result<Manifest, EditionError> {
        let path = self.dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| EditionError::Read {
            path: path.clone(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|source| EditionError::Record { path, source })
    }
}

/// The published recommendations of `findings`, numbered as the report prints them.
pub fn recommendations_of(findings: &Findings) -> Vec<PublishedRecommendation> {
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    findings
        .problems
        .iter()
        .flat_map(|p: &Problem| p.recommendations.iter().map(move |r| (p, r)))
        .map(|(p, r)| {
            let k = per_rule.entry(p.rule.as_str()).or_default();
            *k += 1;
            PublishedRecommendation {
                id: format!("{}.{}.{}", findings.year, p.rule, k),
                label: printed_label(&r.id),
                rule: p.rule.clone(),
                indicator: p.indicator.clone(),
                recommendation: r.clone(),
            }
        })
        .collect()
}

/// How the report numbers a recommendation: the findings' `P3.1` prints as `R3.1`.
pub fn printed_label(id: &str) -> String {
    format!("R{}", id.trim_start_matches('P'))
}

/// Every edition of `year`, oldest first.
pub fn editions(output: &Path, year: i32) -> Result<Vec<Stored>, EditionError> {
    let dir = output.join(EDITIONS_DIR).join(year.to_string());
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(out);
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        // Unfinished editions are hidden folders (`.3.tmp`); only numbered ones count.
        if name.parse::<u32>().is_err() {
            continue;
        }
        let path = e.path().join(RECORD_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| EditionError::Read {
            path: path.clone(),
            source,
        })?;
        let edition: Edition =
            serde_json::from_str(&text).map_err(|source| EditionError::Record { path, source })?;
        out.push(Stored {
            edition,
            dir: e.path(),
        });
    }
    out.sort_by_key(|s| s.edition.number);
    Ok(out)
}

/// The latest edition of `year`, if any was published.
pub fn latest(output: &Path, year: i32) -> Result<Option<Stored>, EditionError> {
    Ok(editions(output, year)?.pop())
}

/// The folder `nqs publish` fills for edition `number` before renaming it into place.
pub fn staging_dir(output: &Path, year: i32, number: u32) -> PathBuf {
    output
        .join(EDITIONS_DIR)
        .join(year.to_string())
        .join(format!(".{number}.tmp"))
}

/// The number the next edition of `year` gets.
pub fn next_number(output: &Path, year: i32) -> Result<u32, EditionError> {
    Ok(latest(output, year)?.map_or(1, |s| s.edition.number + 1))
}

/// How a source's files changed between a published manifest and the lake now.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SourceChange {
    /// Files not in the published manifest.
    pub added: usize,
    /// Files of the same name with other contents.
    pub replaced: usize,
    /// Files the lake no longer holds.
    pub removed: usize,
}

/// Per source, what changed between two manifests (sources with no change are left out).
pub fn source_changes(before: &Manifest, now: &Manifest) -> BTreeMap<String, SourceChange> {
    let mut out: BTreeMap<String, SourceChange> = BTreeMap::new();
    for (name, e) in &now.files {
        match before.files.get(name) {
            None => out.entry(e.source.clone()).or_default().added += 1,
            Some(b) if b.sha256 != e.sha256 => {
                out.entry(e.source.clone()).or_default().replaced += 1
            }
            Some(_) => {}
        }
    }
    for (name, e) in &before.files {
        if !now.files.contains_key(name) {
            out.entry(e.source.clone()).or_default().removed += 1;
        }
    }
    out
}

/// A published figure that the current run gives otherwise.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub indicator: String,
    pub breakdown: String,
    pub breakdown_value: String,
    pub year: i32,
    pub published: f64,
    pub now: f64,
    /// The report year and number of the edition that published it.
    pub edition_year: i32,
    pub edition: u32,
    /// The indicator's sources whose files changed since that edition.
    pub changed_sources: BTreeMap<String, SourceChange>,
    /// The figure's year was not over on that edition's judging day (`as_of`): it was
    /// published provisional, and the year's later data moved it.
    pub provisional_then: Option<chrono::NaiveDate>,
}

/// The figures of `rows` (the current run of `year`) that differ, as printed in `unit`s of
/// their indicators, from the latest published edition holding them: the latest edition of
/// `year` itself, else of the years before (their columns of the same figure). Withheld cells,
/// now or then, are not compared.
pub fn revisions(
    output: &Path,
    year: i32,
    rows: &[Row],
    indicators: &[crate::indicators::Indicator],
    manifest: &Manifest,
) -> Result<Vec<Revision>, EditionError> {
    let headers: BTreeMap<&str, &crate::indicators::Indicator> = indicators
        .iter()
        .map(|i| (i.header.id.as_str(), i))
        .collect();
    let first = rows.iter().map(|r| r.year).min().unwrap_or(year);
    // Key → (value, edition year, number, that edition's source changes).
    type Key = (String, String, String, i32);
    let mut published: BTreeMap<Key, (f64, i32, u32, usize, Option<chrono::NaiveDate>)> =
        BTreeMap::new();
    let mut changes = Vec::new();
    for y in first..=year {
        let Some(stored) = latest(output, y)? else {
            continue;
        };
        changes.push(source_changes(&stored.manifest()?, manifest));
        let at = changes.len() - 1;
        for r in stored.indicators()? {
            if let Some(v) = r.value {
                let provisional = r.provisional.then_some(stored.edition.as_of);
                published.insert(
                    (r.indicator_id, r.breakdown, r.breakdown_value, r.year),
                    (v, y, stored.edition.number, at, provisional),
                );
            }
        }
    }
    let mut out = Vec::new();
    for r in rows {
        let (Some(now), Some(h)) = (r.value, headers.get(r.indicator_id.as_str())) else {
            continue;
        };
        let key = (
            r.indicator_id.clone(),
            r.breakdown.clone(),
            r.breakdown_value.clone(),
            r.year,
        );
        let Some(&(then, ey, en, at, provisional_then)) = published.get(&key) else {
            continue;
        };
        let unit = h.header.unit;
        if crate::findings::printed_value(now, unit) == crate::findings::printed_value(then, unit) {
            continue;
        }
        let sources: BTreeSet<&str> = h.header.sources.iter().map(String::as_str).collect();
        out.push(Revision {
            indicator: key.0,
            breakdown: key.1,
            breakdown_value: key.2,
            year: key.3,
            published: then,
            now,
            edition_year: ey,
            edition: en,
            changed_sources: changes[at]
                .iter()
                .filter(|(s, _)| sources.contains(s.as_str()))
                .map(|(s, c)| (s.clone(), c.clone()))
                .collect(),
            provisional_then,
        });
    }
    Ok(out)
}

/// Whether a published recommendation's problem holds in the current findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The same rule found the problem again this year.
    Persists,
    /// The rule's indicator has this year's figure and the rule no longer finds the problem.
    Resolved,
    /// No figure of the rule's indicator this year: it cannot be judged.
    NotAssessed,
}

/// A recommendation of last year's edition, judged by this year's findings.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUp {
    pub recommendation: PublishedRecommendation,
    pub status: Status,
    /// The indicator's national figure in the edition's year and in this one, where known.
    pub then: Option<f64>,
    pub now: Option<f64>,
    /// The Ministry's decision, as the analyst recorded it (kk, ru).
    pub decision: Option<crate::findings::Text>,
}

/// The analyst's record of the Ministry's decisions on an edition's recommendations
/// (para. 22): `report-templates/years/<Y>/decisions.toml`, one `[[decision]]` per
/// recommendation id with `kk` and `ru`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decisions {
    #[serde(default)]
    pub decision: Vec<Decision>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The recommendation's id in `edition.json` (`2025.late_providers.1`).
    pub recommendation: String,
    pub kk: String,
    pub ru: String,
}

/// Follows up every recommendation of `last` (the latest edition of the year before) with
/// this year's `findings` and `rows`. A decision naming no recommendation of the edition is an
/// error (a mistyped id would otherwise vanish).
pub fn follow_up(
    last: &Stored,
    findings: &Findings,
    rows: &[Row],
    decisions: &Decisions,
) -> Result<Vec<FollowUp>, String> {
    let recs = &last.edition.recommendations;
    for d in &decisions.decision {
        if !recs.iter().any(|r| r.id == d.recommendation) {
            return Err(format!(
                "a decision names recommendation `{}`, which edition {} of {} does not have (its ids: {})",
                d.recommendation,
                last.edition.number,
                last.edition.year,
                recs.iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let total = |id: &str, y: i32| {
        rows.iter()
            .find(|r| {
                r.indicator_id == id
                    && r.year == y
                    && r.breakdown == "total"
                    && r.breakdown_value == "total"
            })
            .and_then(|r| r.value)
    };
    let has_year = |id: &str| {
        rows.iter()
            .any(|r| r.indicator_id == id && r.year == findings.year)
    };
    Ok(recs
        .iter()
        .map(|r| FollowUp {
            recommendation: r.clone(),
            status: if findings
                .problems
                .iter()
                .any(|p| p.rule == r.rule || p.merged.contains(&r.rule))
            {
                Status::Persists
            } else if has_year(&r.indicator) {
                Status::Resolved
            } else {
                Status::NotAssessed
            },
            then: total(&r.indicator, last.edition.year),
            now: total(&r.indicator, findings.year),
            decision: decisions
                .decision
                .iter()
                .find(|d| d.recommendation == r.id)
                .map(|d| crate::findings::Text {
                    kk: d.kk.clone(),
                    ru: d.ru.clone(),
                }),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lake::FileEntry;

    fn entry(source: &str, sha: &str) -> FileEntry {
        FileEntry {
            source: source.into(),
            sha256: sha.into(),
            bytes: 1,
            format: "csv".into(),
            encoding: None,
            contract_version: 1,
            rows_read: 1,
            accepted: 1,
            quarantined: 0,
            flagged: 0,
            excluded: 0,
            partitions: vec![],
            last_date: None,
            missing_columns: vec![],
            ignored_columns: vec![],
            run_id: "r".into(),
        }
    }

    fn day(m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn an_edition_after_the_deadline_needs_a_reason_and_one_on_time_must_not_have_one() {
        let deadline = day(12, 15);
        assert_eq!(lateness(2026, deadline, day(12, 15), None).unwrap(), None);
        assert!(matches!(
            lateness(2026, deadline, day(12, 16), None),
            Err(EditionError::LateWithoutReason { .. })
        ));
        assert!(matches!(
            lateness(2026, deadline, day(12, 16), Some("  ")),
            Err(EditionError::EmptyReason { .. })
        ));
        assert!(matches!(
            lateness(2026, deadline, day(12, 1), Some("why")),
            Err(EditionError::NotLate { .. })
        ));
        let late = lateness(2026, deadline, day(12, 18), Some(" a late extract "))
            .unwrap()
            .unwrap();
        assert_eq!(late.days_late, 3);
        assert_eq!(late.reason, "a late extract");
        assert_eq!(late.deadline, deadline);
    }

    #[test]
    fn a_record_written_before_lateness_was_kept_still_reads() {
        let old = r#"{"year": 2025, "number": 1, "as_of": "2025-12-05", "published": "2025-12-08",
            "files": {}, "recommendations": []}"#;
        let e: Edition = serde_json::from_str(old).unwrap();
        assert_eq!(e.late, None);
        // An edition on time is written as before: no `late` key.
        assert!(!serde_json::to_string(&e).unwrap().contains("late"));
    }

    #[test]
    fn source_changes_count_added_replaced_and_removed_files() {
        let mut before = Manifest::default();
        before.files.insert("a/1.csv".into(), entry("a", "x"));
        before.files.insert("a/2.csv".into(), entry("a", "y"));
        before.files.insert("b/1.csv".into(), entry("b", "z"));
        let mut now = before.clone();
        now.files.insert("a/2.csv".into(), entry("a", "y2"));
        now.files.insert("a/3.csv".into(), entry("a", "w"));
        now.files.remove("b/1.csv");
        let c = source_changes(&before, &now);
        assert_eq!(
            c["a"],
            SourceChange {
                added: 1,
                replaced: 1,
                removed: 0
            }
        );
        assert_eq!(c["b"].removed, 1);
        assert!(source_changes(&now, &now).is_empty());
    }

    #[test]
    fn recommendation_ids_follow_the_rule_not_the_order() {
        let rec = |id: &str| Recommendation {
            id: id.into(),
            kk: "к".into(),
            ru: "р".into(),
            responsible: None,
            term: None,
            target: None,
        };
        let problem = |id: &str, rule: &str, recs: Vec<Recommendation>| Problem {
            id: id.into(),
            rule: rule.into(),
            merged: vec![],
            entities: vec![],
            severity: crate::findings::Severity::High,
            indicator: "x".into(),
            title: crate::findings::Text::default(),
            text: crate::findings::Text::default(),
            evidence: vec![],
            recommendations: recs,
        };
        let f = Findings {
            year: 2025,
            state: BTreeMap::new(),
            problems: vec![
                problem("P1", "late", vec![rec("P1.1"), rec("P1.2")]),
                problem("P2", "idle", vec![rec("P2.1")]),
            ],
        };
        let ids: Vec<_> = recommendations_of(&f)
            .into_iter()
            .map(|r| (r.id, r.label))
            .collect();
        assert_eq!(
            ids,
            [
                ("2025.late.1".to_string(), "R1.1".to_string()),
                ("2025.late.2".into(), "R1.2".into()),
                ("2025.idle.1".into(), "R2.1".into())
            ]
        );
    }
}
