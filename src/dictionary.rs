//! The data dictionary of a year's folder: every table `nqs run` publishes (`indicators.parquet`,
//! `findings.parquet`) and, once `nqs extract` has written it, the research extract
//! (`research/<name>.parquet`), each column with its type, unit, code list, how it handles
//! personal data and what it holds in Kazakh, Russian and English, and the list of indicators
//! with their titles and units.
//!
//! The wording is the analysts': the published tables' in `pipelines/dictionary.toml`, the
//! research extract's in `pipelines/extract.toml`, the indicators' in their headers. Each
//! documented file is read back (its Parquet schema, not its rows) and must have exactly the
//! declared columns, in order, with the declared types, so the dictionary cannot drift from
//! what is written.
//!
//! [`write_all`] writes `output/<YEAR>/dictionary.md` (for people) and `datapackage.json` (a
//! Frictionless Data Package: one tabular resource per Parquet file with its Table Schema);
//! the report prints the published tables' part in its annex from a [`Dictionary`].
//!
//! Frictionless (frictionless-py 5 with its `parquet` and `pandas` extras) reads a Parquet
//! file through pandas, which turns a null of an integer or number column into `NaN`: the
//! schema therefore declares `missingValues = ["", "nan"]`, so a null is missing rather than a
//! type error.

use crate::contract::{Catalog, Titles};
use crate::indicators::{Indicator, Unit};
use crate::project::Project;
use serde::Deserialize;
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The published tables' wording, in the pipelines folder.
pub const WORDING_FILE: &str = "dictionary.toml";
/// The research extract's declaration, in the pipelines folder.
pub const EXTRACT_FILE: &str = crate::extract::spec::SPEC_FILE;
/// The dictionary for people, in the year's folder.
pub const MARKDOWN_FILE: &str = "dictionary.md";
/// The Frictionless Data Package descriptor, in the year's folder.
pub const PACKAGE_FILE: &str = "datapackage.json";
/// The folder of the research extract, in the year's folder.
pub const RESEARCH_DIR: &str = crate::extract::spec::DIR;

/// Why the dictionary could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DictionaryError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("{}: cannot read its Parquet schema: {message}", path.display())]
    Parquet { path: PathBuf, message: String },
    #[error("{}: {message} (the dictionary is {})", path.display(), wording.display())]
    Mismatch {
        path: PathBuf,
        wording: PathBuf,
        message: String,
    },
    #[error("{} is missing: run `nqs run --year {year}` first", path.display())]
    NotRun { year: i32, path: PathBuf },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Indicators(#[from] crate::indicators::IndicatorError),
    #[error("the rules of findings.toml")]
    Findings(#[from] crate::findings::FindingsError),
}

/// A text in the three languages of the dictionary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub kk: String,
    pub ru: String,
    pub en: String,
}

impl Text {
    /// The text in `lang` (`kk`, `ru`, anything else: English).
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "kk" => &self.kk,
            "ru" => &self.ru,
            _ => &self.en,
        }
    }

    fn replace(&self, from: &str, to: &str) -> Text {
        Text {
            kk: self.kk.replace(from, to),
            ru: self.ru.replace(from, to),
            en: self.en.replace(from, to),
        }
    }
}

/// A column's type, as Frictionless's Table Schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    String,
    Integer,
    Number,
    Boolean,
    Date,
}

impl FieldType {
    /// The Table Schema name (`string`, `integer`, …), also the key of `[types]`.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
        }
    }

    fn of_arrow(dtype: &polars::prelude::ArrowDataType) -> Option<FieldType> {
        use polars::prelude::ArrowDataType as A;
        Some(match dtype {
            A::Utf8 | A::LargeUtf8 | A::Utf8View => FieldType::String,
            A::Int8
            | A::Int16
            | A::Int32
            | A::Int64
            | A::UInt8
            | A::UInt16
            | A::UInt32
            | A::UInt64 => FieldType::Integer,
            A::Float16 | A::Float32 | A::Float64 | A::Decimal(..) | A::Decimal256(..) => {
                FieldType::Number
            }
            A::Boolean => FieldType::Boolean,
            A::Date32 | A::Date64 => FieldType::Date,
            A::Dictionary(_, values, _) => return FieldType::of_arrow(values),
            _ => return None,
        })
    }
}

/// One documented column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: FieldType,
    /// A key of the wording's `units` (`None`: no unit).
    pub unit: Option<String>,
    /// The values the column may hold, when it is a closed code list (empty: open).
    pub codes: Vec<String>,
    /// Where the codes come from, when they are declared elsewhere (`indicators`, `regions`).
    pub codes_from: Option<String>,
    /// A key of the wording's `personal`.
    pub personal: String,
    pub description: Text,
}

/// One documented table (a Parquet file of the year's folder).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The resource's name (`indicators`, `findings`, `recognitions`).
    pub name: String,
    /// The file, relative to the year's folder (`indicators.parquet`).
    pub path: String,
    /// Published with the report (`false`: the research extract).
    pub published: bool,
    pub title: Text,
    pub description: Text,
    /// Rows in the file, when the file was read.
    pub rows: Option<usize>,
    pub columns: Vec<Column>,
}

/// An indicator as the dictionary lists it.
#[derive(Debug, Clone)]
pub struct IndicatorEntry {
    pub id: String,
    pub title: Titles,
    /// A key of the wording's `units`.
    pub unit: String,
    pub breakdowns: Vec<String>,
}

/// The dictionary of a year's folder.
#[derive(Debug, Clone)]
pub struct Dictionary {
    pub tables: Vec<Table>,
    pub indicators: Vec<IndicatorEntry>,
    /// What changed for researchers, version by version, oldest first; the last is
    /// [`crate::indicators::SCHEMA_VERSION`].
    pub changes: Vec<SchemaChange>,
    types: BTreeMap<String, Text>,
    units: BTreeMap<String, Text>,
    personal: BTreeMap<String, Text>,
    /// Code lists and sources by id: their titles, for a `codes_from` in words.
    list_titles: BTreeMap<String, Titles>,
}

/// One version of the published tables' schema and what changed in it for their readers.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaChange {
    pub version: String,
    pub what: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WordingFile {
    table: Vec<TableWording>,
    change: Vec<SchemaChange>,
    types: BTreeMap<String, Text>,
    units: BTreeMap<String, Text>,
    personal: BTreeMap<String, Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableWording {
    name: String,
    title: Text,
    description: Text,
    column: Vec<ColumnWording>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnWording {
    name: String,
    #[serde(rename = "type")]
    kind: FieldType,
    unit: Option<String>,
    #[serde(default)]
    codes: Vec<String>,
    codes_from: Option<String>,
    personal: String,
    description: Text,
}

/// A column of the research extract as the dictionary describes it (a quasi-identifier or a
/// kept column of [`crate::extract::spec::Spec`]).
#[derive(Debug)]
struct ExtractColumn {
    name: String,
    codes: Vec<String>,
    codes_from: Option<String>,
    unit: Option<String>,
    description: Text,
}

impl From<&crate::contract::Titles> for Text {
    fn from(t: &crate::contract::Titles) -> Text {
        Text {
            kk: t.kk.clone(),
            ru: t.ru.clone(),
            en: t.en.clone(),
        }
    }
}

impl From<&crate::extract::spec::QuasiIdentifier> for ExtractColumn {
    fn from(q: &crate::extract::spec::QuasiIdentifier) -> ExtractColumn {
        ExtractColumn {
            name: q.name.clone(),
            codes: q.codes.clone(),
            codes_from: q.codes_from.clone(),
            unit: q.unit.clone(),
            description: (&q.description).into(),
        }
    }
}

impl From<&crate::extract::spec::Column> for ExtractColumn {
    fn from(c: &crate::extract::spec::Column) -> ExtractColumn {
        ExtractColumn {
            name: c.name.clone(),
            codes: c.codes.clone(),
            codes_from: None,
            unit: c.unit.clone(),
            description: (&c.description).into(),
        }
    }
}

fn read(path: &Path) -> Result<String, DictionaryError> {
    std::fs::read_to_string(path).map_err(|source| DictionaryError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn unit_key(unit: Unit) -> String {
    serde_json::to_value(unit)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl Dictionary {
    /// The published tables as `pipelines/dictionary.toml` declares them, without reading any
    /// file (types as declared, no row counts), with the indicators and the rules they name.
    pub fn load(
        pipelines: &Path,
        catalog: &Catalog,
        indicators: &[Indicator],
    ) -> Result<Dictionary, DictionaryError> {
        let path = pipelines.join(WORDING_FILE);
        let invalid = |message: String| DictionaryError::Invalid {
            path: path.clone(),
            message,
        };
        let file: WordingFile =
            toml::from_str(&read(&path)?).map_err(|e| invalid(e.to_string()))?;
        let rules: Vec<String> = crate::findings::Rulebook::load(pipelines, catalog, indicators)?
            .rules
            .iter()
            .map(|r| r.id.clone())
            .collect();
        let mut breakdowns: Vec<String> = indicators
            .iter()
            .flat_map(|i| i.header.breakdowns.iter().cloned())
            .collect();
        breakdowns.sort();
        breakdowns.dedup();
        let mut list_titles: BTreeMap<String, Titles> = catalog
            .code_lists
            .iter()
            .map(|(id, l)| (id.clone(), l.title.clone()))
            .collect();
        for c in &catalog.contracts {
            list_titles
                .entry(c.id.clone())
                .or_insert_with(|| c.title.clone());
        }
        let mut tables = Vec::new();
        for t in file.table {
            let mut columns = Vec::new();
            for c in t.column {
                let codes = match (c.codes_from.as_deref(), c.codes.is_empty()) {
                    (Some(_), false) => {
                        return Err(invalid(format!(
                            "column `{}.{}` declares both codes and codes_from",
                            t.name, c.name
                        )));
                    }
                    (None, _) => c.codes,
                    (Some("indicators"), true) => {
                        indicators.iter().map(|i| i.header.id.clone()).collect()
                    }
                    (Some("breakdowns"), true) => breakdowns.clone(),
                    (Some("rules"), true) => rules.clone(),
                    (Some(list), true) => match catalog.code_lists.get(list) {
                        Some(l) => l.codes.iter().map(|c| c.code.clone()).collect(),
                        None => {
                            return Err(invalid(format!(
                                "column `{}.{}`: codes_from `{list}` is neither indicators, \
                                 breakdowns, rules nor a code list of codes/",
                                t.name, c.name
                            )));
                        }
                    },
                };
                columns.push(Column {
                    name: c.name,
                    kind: c.kind,
                    unit: c.unit,
                    codes,
                    codes_from: c.codes_from,
                    personal: c.personal,
                    description: c.description,
                });
            }
            tables.push(Table {
                path: format!("{}.parquet", t.name),
                name: t.name,
                published: true,
                title: t.title,
                description: t.description,
                rows: None,
                columns,
            });
        }
        let dictionary = Dictionary {
            tables,
            indicators: indicators
                .iter()
                .map(|i| IndicatorEntry {
                    id: i.header.id.clone(),
                    title: i.header.title.clone(),
                    unit: unit_key(i.header.unit),
                    breakdowns: i.header.breakdowns.clone(),
                })
                .collect(),
            changes: file.change,
            types: file.types,
            units: file.units,
            personal: file.personal,
            list_titles,
        };
        dictionary.check_words().map_err(invalid)?;
        check_changes(&dictionary.changes).map_err(invalid)?;
        Ok(dictionary)
    }

    /// The dictionary of `output/<year>/`: the published tables, checked against their files
    /// (which must exist: `nqs run` wrote them), and the research extract when its file is
    /// there, described from `pipelines/extract.toml` with the types its file holds.
    pub fn build(project: &Project, year: i32) -> Result<Dictionary, DictionaryError> {
        let indicators = project.indicators()?;
        let mut dictionary = Dictionary::load(project.pipelines(), &project.catalog, &indicators)?;
        let dir = project.year_dir(year);
        let wording = project.pipelines().join(WORDING_FILE);
        for table in &mut dictionary.tables {
            let path = dir.join(&table.path);
            if !path.exists() {
                return Err(DictionaryError::NotRun { year, path });
            }
            let (schema, rows) = parquet_schema(&path)?;
            check_schema(table, &schema).map_err(|message| DictionaryError::Mismatch {
                path: path.clone(),
                wording: wording.clone(),
                message,
            })?;
            table.rows = Some(rows);
        }
        let extract_toml = project.pipelines().join(EXTRACT_FILE);
        if extract_toml.exists() {
            let text = read(&extract_toml)?;
            let invalid = |message: String| DictionaryError::Invalid {
                path: extract_toml.clone(),
                message,
            };
            let extract: crate::extract::spec::Spec =
                toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
            let k = extract.k.to_string();
            for t in dictionary.personal.values_mut() {
                *t = t.replace("{k}", &k);
            }
            let rel = format!("{RESEARCH_DIR}/{}.parquet", extract.table.name);
            let path = dir.join(&rel);
            if path.exists() {
                let (schema, rows) = parquet_schema(&path)?;
                let table = extract_table(&extract, rel, &schema, rows).map_err(|message| {
                    DictionaryError::Mismatch {
                        path: path.clone(),
                        wording: extract_toml.clone(),
                        message,
                    }
                })?;
                dictionary.tables.push(table);
                dictionary.check_words().map_err(invalid)?;
            }
        }
        Ok(dictionary)
    }

    /// The tables published with the report (not the research extract).
    pub fn published(&self) -> impl Iterator<Item = &Table> {
        self.tables.iter().filter(|t| t.published)
    }

    /// A type in words, in `lang`.
    pub fn type_text(&self, kind: FieldType, lang: &str) -> &str {
        self.types.get(kind.name()).map_or("", |t| t.get(lang))
    }

    /// A unit in words, in `lang` (empty for none).
    pub fn unit_text(&self, unit: Option<&str>, lang: &str) -> &str {
        unit.and_then(|u| self.units.get(u))
            .map_or("", |t| t.get(lang))
    }

    /// How a column handles personal data, in words, in `lang`.
    pub fn personal_text(&self, personal: &str, lang: &str) -> &str {
        self.personal.get(personal).map_or("", |t| t.get(lang))
    }

    /// Every type, unit and personal-data key the tables and indicators use has its words,
    /// in the three languages.
    fn check_words(&self) -> Result<(), String> {
        let mut missing = Vec::new();
        let need = |missing: &mut Vec<String>,
                    map: &BTreeMap<String, Text>,
                    what: &str,
                    key: &str,
                    whose: String| {
            match map.get(key) {
                None => missing.push(format!("{whose}: `{key}` has no words in [{what}]")),
                Some(t) if t.kk.is_empty() || t.ru.is_empty() || t.en.is_empty() => {
                    missing.push(format!("{whose}: [{what}] `{key}` needs kk, ru and en"))
                }
                Some(_) => {}
            }
        };
        for t in &self.tables {
            for c in &t.columns {
                let whose = format!("column `{}.{}`", t.name, c.name);
                need(
                    &mut missing,
                    &self.types,
                    "types",
                    c.kind.name(),
                    whose.clone(),
                );
                need(
                    &mut missing,
                    &self.personal,
                    "personal",
                    &c.personal,
                    whose.clone(),
                );
                if let Some(u) = &c.unit {
                    need(&mut missing, &self.units, "units", u, whose.clone());
                }
                let d = &c.description;
                if t.published && (d.kk.is_empty() || d.ru.is_empty() || d.en.is_empty()) {
                    missing.push(format!("{whose}: the description needs kk, ru and en"));
                }
            }
        }
        for i in &self.indicators {
            need(
                &mut missing,
                &self.units,
                "units",
                &i.unit,
                format!("indicator `{}`", i.id),
            );
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(missing.join("; "))
        }
    }

    /// `dictionary.md`: the tables, their columns, the code lists and the indicators, for
    /// people (analysts, researchers), every description in Kazakh, Russian and English.
    pub fn to_markdown(&self, year: i32) -> String {
        let mut md = format!("# Data dictionary, {year}\n\n");
        md.push_str(&format!(
            "The tables of this folder (`output/{year}/`), as `nqs` wrote them. Generated from \
             `pipelines/{WORDING_FILE}`, `pipelines/{EXTRACT_FILE}` and the indicators' headers \
             (`pipelines/indicators/*.toml`): change the wording there, not here. \
             `{PACKAGE_FILE}` describes the same tables as a Frictionless Data Package. \
             `indicators.xlsx` holds the rows of `indicators.parquet` (with the definitions and \
             the flags' meanings on two more sheets), `findings.json` the problems of \
             `findings.parquet` with the current-state sentences.\n\n"
        ));
        md.push_str(&format!(
            "Schema version {} (every Parquet file of the folder carries it in its key-value \
             metadata as `nqs_schema_version`; what changed, version by version, is at the end).\n\n",
            crate::indicators::SCHEMA_VERSION
        ));
        md.push_str("| table | file | rows | published | title (kk / ru / en) |\n");
        md.push_str("|---|---|---:|---|---|\n");
        for t in &self.tables {
            md.push_str(&format!(
                "| {} | `{}` | {} | {} | {} |\n",
                cell(&t.name),
                t.path,
                t.rows.map_or("—".to_string(), |r| r.to_string()),
                if t.published {
                    "yes"
                } else {
                    "no: research extract"
                },
                cell(&format!("{} / {} / {}", t.title.kk, t.title.ru, t.title.en)),
            ));
        }
        for t in &self.tables {
            md.push_str(&format!("\n## {} (`{}`)\n\n", t.name, t.path));
            for (lang, text) in [
                ("kk", &t.title.kk),
                ("ru", &t.title.ru),
                ("en", &t.title.en),
            ] {
                md.push_str(&format!(
                    "- **{lang}**: {}. {}\n",
                    text.trim_end_matches('.'),
                    t.description.get(lang)
                ));
            }
            md.push_str(
                "\n| column | type | unit | code list | personal data | description (kk) | \
                 description (ru) | description (en) |\n|---|---|---|---|---|---|---|---|\n",
            );
            for c in &t.columns {
                md.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} | {} | {} | {} |\n",
                    c.name,
                    c.kind.name(),
                    cell(self.unit_text(c.unit.as_deref(), "en")),
                    cell(&self.codes_text(c)),
                    cell(self.personal_text(&c.personal, "en")),
                    cell(&c.description.kk),
                    cell(&c.description.ru),
                    cell(&c.description.en),
                ));
            }
        }
        md.push_str(
            "\n## Indicators\n\nThe values of `indicator_id`, with the unit of `value`. Titles \
             from `pipelines/indicators/<id>.toml`; an indicator's definition, formula and \
             sources are in the report's methodology annex.\n\n\
             | indicator_id | unit | breakdowns | title (kk) | title (ru) | title (en) |\n\
             |---|---|---|---|---|---|\n",
        );
        for i in &self.indicators {
            md.push_str(&format!(
                "| `{}` | {} | {} | {} | {} | {} |\n",
                i.id,
                cell(self.unit_text(Some(&i.unit), "en")),
                cell(&i.breakdowns.join(", ")),
                cell(&i.title.kk),
                cell(&i.title.ru),
                cell(if i.title.en.is_empty() {
                    "—"
                } else {
                    &i.title.en
                }),
            ));
        }
        md.push_str(&self.changes_markdown());
        md
    }

    /// A column's code list, as the Markdown shows it.
    fn codes_text(&self, c: &Column) -> String {
        match c.codes_from.as_deref() {
            Some("indicators") => "the indicator ids (see Indicators below)".to_string(),
            Some("breakdowns") => format!("`{}`", c.codes.join("`, `")),
            Some("rules") => format!("the rule ids of findings.toml: `{}`", c.codes.join("`, `")),
            Some(list) => match self.list_titles.get(list) {
                Some(t) if !t.en.is_empty() => format!("`{list}` ({})", t.en),
                Some(t) => format!("`{list}` ({})", t.ru),
                None => format!("`{list}`"),
            },
            None if c.codes.is_empty() => String::new(),
            None => format!("`{}`", c.codes.join("`, `")),
        }
    }

    /// `datapackage.json`: a Frictionless Data Package with one tabular resource per table,
    /// its Table Schema (names, types, descriptions, `enum` constraints for closed code lists).
    pub fn to_datapackage(&self, year: i32) -> Json {
        let resources: Vec<Json> = self
            .tables
            .iter()
            .map(|t| {
                let fields: Vec<Json> = t
                    .columns
                    .iter()
                    .map(|c| {
                        let mut description = c.description.en.clone();
                        if let Some(u) = &c.unit {
                            description
                                .push_str(&format!(" Unit: {}.", self.unit_text(Some(u), "en")));
                        }
                        description.push_str(&format!(
                            " Personal data: {}.",
                            self.personal_text(&c.personal, "en")
                        ));
                        let mut field = json!({
                            "name": c.name,
                            "type": c.kind.name(),
                            "description": description,
                            "x-description-kk": c.description.kk,
                            "x-description-ru": c.description.ru,
                        });
                        if !c.codes.is_empty() && closed(t, c) {
                            field["constraints"] = json!({ "enum": c.codes });
                        }
                        field
                    })
                    .collect();
                let mut resource = json!({
                    "name": t.name,
                    "type": "table",
                    "path": t.path,
                    "format": "parquet",
                    "mediatype": "application/vnd.apache.parquet",
                    "title": t.title.en,
                    "description": t.description.en,
                    "schema": {
                        "fields": fields,
                        "missingValues": ["", "nan"],
                    },
                });
                if t.name == "findings" {
                    resource["schema"]["primaryKey"] = json!(["problem_id"]);
                }
                resource
            })
            .collect();
        json!({
            "name": format!("nqs-{year}"),
            "title": format!("National Qualifications System of Kazakhstan: annual analysis {year}"),
            "description": format!(
                "The tables nqs wrote for the report year {year}; see {MARKDOWN_FILE} for the \
                 columns in Kazakh, Russian and English."
            ),
            "version": crate::indicators::SCHEMA_VERSION,
            "nqs_changes": self.changes,
            "resources": resources,
        })
    }

    /// The dictionary's last section: what changed for researchers, newest first.
    fn changes_markdown(&self) -> String {
        let mut md = String::from("\n## Changes for researchers\n\n");
        md.push_str("| schema version | what changed (kk / ru / en) |\n|---|---|\n");
        for c in self.changes.iter().rev() {
            md.push_str(&format!(
                "| {} | {} |\n",
                cell(&c.version),
                cell(&format!("{} / {} / {}", c.what.kk, c.what.ru, c.what.en))
            ));
        }
        md
    }
}

/// The changelog must end at the schema version the files carry.
fn check_changes(changes: &[SchemaChange]) -> Result<(), String> {
    let version = crate::indicators::SCHEMA_VERSION;
    match changes.last() {
        Some(c) if c.version == version => Ok(()),
        latest => Err(format!(
            "the published tables are schema {version} but the latest [[change]] is {}: add a \
             [[change]] with version = \"{version}\" saying what changed for researchers",
            latest.map_or("missing", |c| c.version.as_str()),
        )),
    }
}

/// Whether a column's declared codes are all it can hold. A research extract's quasi-identifier
/// recoded along its levels (or withheld) can hold other values than its codes (`other`, a
/// shorter code), so only a code list kept as recorded is a constraint there.
fn closed(t: &Table, c: &Column) -> bool {
    t.published || c.personal == "kept"
}

/// A Markdown table cell: no line breaks, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('\n', " ").replace('|', "\\|")
}

/// A column of a Parquet file: its name and type (`None`: a type the dictionary does not
/// describe).
type FileColumn = (String, Option<FieldType>);

/// A Parquet file's columns (name and type, `None` for a type the dictionary does not
/// describe) and its row count, from its footer.
fn parquet_schema(path: &Path) -> Result<(Vec<FileColumn>, usize), DictionaryError> {
    use polars::prelude::*;
    let bad = |message: String| DictionaryError::Parquet {
        path: path.to_path_buf(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|source| DictionaryError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = ParquetReader::new(file);
    let schema = reader.schema().map_err(|e| bad(e.to_string()))?;
    let rows = reader.num_rows().map_err(|e| bad(e.to_string()))?;
    let columns = schema
        .iter_values()
        .map(|f| (f.name.to_string(), FieldType::of_arrow(&f.dtype)))
        .collect();
    Ok((columns, rows))
}

/// The file's columns are the declared ones, in order, with the declared types.
fn check_schema(table: &Table, schema: &[FileColumn]) -> Result<(), String> {
    let declared: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let found: Vec<&str> = schema.iter().map(|(n, _)| n.as_str()).collect();
    if declared != found {
        let undeclared: Vec<&str> = found
            .iter()
            .filter(|n| !declared.contains(n))
            .copied()
            .collect();
        let absent: Vec<&str> = declared
            .iter()
            .filter(|n| !found.contains(n))
            .copied()
            .collect();
        return Err(format!(
            "table `{}` has the columns {} but the dictionary declares {} (not declared: {}; \
             not in the file: {})",
            table.name,
            found.join(", "),
            declared.join(", "),
            if undeclared.is_empty() {
                "none".to_string()
            } else {
                undeclared.join(", ")
            },
            if absent.is_empty() {
                "none, the order differs".to_string()
            } else {
                absent.join(", ")
            },
        ));
    }
    for (c, (_, kind)) in table.columns.iter().zip(schema) {
        if *kind != Some(c.kind) {
            return Err(format!(
                "column `{}.{}` is declared {} but the file holds {}",
                table.name,
                c.name,
                c.kind.name(),
                kind.map_or("a type the dictionary cannot describe", FieldType::name)
            ));
        }
    }
    Ok(())
}

/// The research extract's table: its columns as `extract.toml` declares them (the person, the
/// quasi-identifiers, the kept columns), typed as its file holds them.
fn extract_table(
    extract: &crate::extract::spec::Spec,
    path: String,
    schema: &[FileColumn],
    rows: usize,
) -> Result<Table, String> {
    let column = |c: &ExtractColumn, personal: &str| Column {
        name: c.name.clone(),
        kind: FieldType::String,
        unit: c.unit.clone(),
        codes: c.codes.clone(),
        codes_from: c.codes_from.clone(),
        personal: personal.to_string(),
        description: c.description.clone(),
    };
    // The declared columns; each takes its type from the file.
    let mut declared = vec![Column {
        name: extract.person.name.clone(),
        kind: FieldType::String,
        unit: None,
        codes: Vec::new(),
        codes_from: None,
        personal: "pseudonymised".into(),
        description: (&extract.person.description).into(),
    }];
    declared.extend(
        extract
            .quasi_identifiers
            .iter()
            .map(|q| column(&q.into(), "quasi_identifier")),
    );
    declared.extend(extract.columns.iter().map(|c| column(&c.into(), "kept")));
    let mut columns = Vec::new();
    let mut undeclared = Vec::new();
    for (name, kind) in schema {
        let Some(d) = declared.iter().find(|d| &d.name == name) else {
            undeclared.push(name.as_str());
            continue;
        };
        let Some(kind) = kind else {
            return Err(format!(
                "column `{name}` holds a type the dictionary cannot describe"
            ));
        };
        columns.push(Column {
            kind: *kind,
            ..d.clone()
        });
    }
    let absent: Vec<&str> = declared
        .iter()
        .map(|d| d.name.as_str())
        .filter(|n| !schema.iter().any(|(s, _)| s == n))
        .collect();
    if !undeclared.is_empty() || !absent.is_empty() {
        return Err(format!(
            "the research extract's columns are not the declared ones (not declared: {}; not in \
             the file: {})",
            undeclared.join(", "),
            absent.join(", ")
        ));
    }
    Ok(Table {
        name: extract.table.name.clone(),
        path,
        published: false,
        title: (&extract.table.title).into(),
        description: (&extract.table.description).into(),
        rows: Some(rows),
        columns,
    })
}

/// Writes `output/<year>/dictionary.md` and `datapackage.json` from the year's folder as it
/// is: `nqs run` calls it after writing the published tables, `nqs extract` after writing the
/// research extract (which then appears in both). Each file is written beside its place and
/// renamed into it, so a reader never sees half of one. Returns the two paths.
///
/// Errs with [`DictionaryError::NotRun`] when the year's published tables are not there yet
/// (an extract made before `nqs run`: the run then documents it), and with
/// [`DictionaryError::Mismatch`] when a file's columns or types are not the declared ones.
pub fn write_all(project: &Project, year: i32) -> Result<[PathBuf; 2], DictionaryError> {
    let dictionary = Dictionary::build(project, year)?;
    let dir = project.year_dir(year);
    let markdown = dir.join(MARKDOWN_FILE);
    write_atomic(&markdown, dictionary.to_markdown(year).as_bytes())?;
    let package = dir.join(PACKAGE_FILE);
    let text = serde_json::to_string_pretty(&dictionary.to_datapackage(year))
        .expect("the package serialises");
    write_atomic(&package, (text + "\n").as_bytes())?;
    Ok([markdown, package])
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DictionaryError> {
    let err = |source| DictionaryError::Write {
        path: path.to_path_buf(),
        source,
    };
    crate::atomic::write_atomic(path, bytes).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{Project, ProjectPaths};

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn project(output: &Path) -> Project {
        Project::open(ProjectPaths {
            pipelines: root().join("pipelines"),
            output: output.to_path_buf(),
            templates: root().join("report-templates"),
            calendar: None,
        })
        .unwrap()
    }

    /// The year's published tables as `nqs run` writes them, with no rows.
    fn published(project: &Project, year: i32) {
        let dir = project.year_dir(year);
        let indicators = project.indicators().unwrap();
        crate::indicators::write_outputs(&[], &indicators, &dir).unwrap();
        let findings = crate::findings::Findings {
            year,
            state: Default::default(),
            problems: Vec::new(),
        };
        crate::findings::write_outputs(&findings, &dir).unwrap();
    }

    fn write_parquet(path: &Path, mut df: polars::prelude::DataFrame) {
        use polars::prelude::*;
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        ParquetWriter::new(std::fs::File::create(path).unwrap())
            .finish(&mut df)
            .unwrap();
    }

    /// The research extract's columns as the brief of `nqs extract` gives them.
    fn extract_frame(extra: bool) -> polars::prelude::DataFrame {
        use polars::prelude::*;
        let mut df = df!(
            "person" => ["a", "b"],
            "sex" => [Some("M"), None],
            "age_band" => ["18-34", "35-54"],
            "region" => ["710000000", "other"],
            "nco_group" => ["2512", "25"],
            "nqf_level" => ["4", "5-8"],
            "decision_month" => ["2026-01", "2026-Q1"],
            "referral" => ["voluntary", "employer"],
            "result" => ["passed", "absent"],
            "score" => [Some(80i32), None],
            "weeks_to_decision" => [3i32, 5],
        )
        .unwrap();
        if extra {
            df.with_column(Series::new("birth_year".into(), [1980i32, 1990]))
                .unwrap();
        }
        df
    }

    /// The schema version is in the dictionary (Markdown and Data Package), in both published
    /// Parquet files' metadata, and a dictionary whose changelog stops short of it is refused.
    #[test]
    fn the_schema_version_is_published_with_what_changed() {
        let out = tempfile::tempdir().unwrap();
        let project = project(out.path());
        published(&project, 2026);
        let d = Dictionary::build(&project, 2026).unwrap();
        let version = crate::indicators::SCHEMA_VERSION;
        assert_eq!(d.changes.last().unwrap().version, version);
        let md = d.to_markdown(2026);
        assert!(md.contains(&format!("Schema version {version}")), "{md}");
        assert!(md.contains("## Changes for researchers"));
        assert_eq!(d.to_datapackage(2026)["version"], version);
        let conn = duckdb::Connection::open_in_memory().unwrap();
        for file in ["indicators.parquet", "findings.parquet"] {
            let path = project.year_dir(2026).join(file);
            let found: String = conn
                .query_row(
                    &format!(
                        "select decode(value) from parquet_kv_metadata('{}') \
                         where decode(key) = 'nqs_schema_version'",
                        path.display()
                    ),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(found, version, "{file}");
        }
        let mut short = d.changes.clone();
        short.pop();
        let e = check_changes(&short).unwrap_err();
        assert!(e.contains("latest [[change]] is 1.0"), "{e}");
        assert!(check_changes(&[]).unwrap_err().contains("is missing"));
    }

    #[test]
    fn the_published_tables_are_worded_for_an_official_document() {
        let project = project(Path::new("/nonexistent"));
        let indicators = project.indicators().unwrap();
        let d = Dictionary::load(project.pipelines(), &project.catalog, &indicators).unwrap();
        let names: Vec<&str> = d.published().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["indicators", "findings"]);
        assert_eq!(d.indicators.len(), indicators.len());
        // Printed in the report: no Latin words (SDMX, a cited standard, excepted), no
        // column names, in Kazakh and Russian.
        let latin = regex::Regex::new(r"[A-Za-z][A-Za-z0-9_]*").unwrap();
        for t in d.published() {
            for lang in ["kk", "ru"] {
                let mut texts = vec![t.title.get(lang), t.description.get(lang)];
                for c in &t.columns {
                    texts.push(c.description.get(lang));
                    texts.push(d.type_text(c.kind, lang));
                    texts.push(d.unit_text(c.unit.as_deref(), lang));
                    texts.push(d.personal_text(&c.personal, lang));
                    assert!(!d.type_text(c.kind, lang).is_empty());
                }
                for text in texts {
                    let words: Vec<&str> = latin
                        .find_iter(text)
                        .map(|m| m.as_str())
                        .filter(|w| *w != "SDMX")
                        .collect();
                    assert!(words.is_empty(), "{lang}: {text:?} has {words:?}");
                }
            }
        }
        // Code lists are resolved from where they are declared.
        let ind = d.published().next().unwrap();
        let col = |n: &str| ind.columns.iter().find(|c| c.name == n).unwrap();
        assert_eq!(col("indicator_id").codes.len(), indicators.len());
        assert!(col("breakdown").codes.contains(&"total".to_string()));
        assert_eq!(col("conf_status").codes, ["F", "C", "D"]);
    }

    #[test]
    fn a_file_that_differs_from_the_declaration_is_refused() {
        let table = Table {
            name: "t".into(),
            path: "t.parquet".into(),
            published: true,
            title: Text::default(),
            description: Text::default(),
            rows: None,
            columns: ["a", "b"]
                .iter()
                .map(|n| Column {
                    name: n.to_string(),
                    kind: FieldType::Integer,
                    unit: None,
                    codes: Vec::new(),
                    codes_from: None,
                    personal: "none".into(),
                    description: Text::default(),
                })
                .collect(),
        };
        let int = Some(FieldType::Integer);
        let s = |cols: &[(&str, Option<FieldType>)]| -> Vec<(String, Option<FieldType>)> {
            cols.iter().map(|(n, t)| (n.to_string(), *t)).collect()
        };
        assert!(check_schema(&table, &s(&[("a", int), ("b", int)])).is_ok());
        let e = check_schema(&table, &s(&[("a", int), ("b", int), ("c", int)])).unwrap_err();
        assert!(e.contains("not declared: c"), "{e}");
        let e = check_schema(&table, &s(&[("a", int)])).unwrap_err();
        assert!(e.contains("not in the file: b"), "{e}");
        let e = check_schema(&table, &s(&[("b", int), ("a", int)])).unwrap_err();
        assert!(e.contains("the order differs"), "{e}");
        let e =
            check_schema(&table, &s(&[("a", int), ("b", Some(FieldType::String))])).unwrap_err();
        assert!(
            e.contains("`t.b` is declared integer but the file holds string"),
            "{e}"
        );
    }

    #[test]
    fn markdown_cells_stay_in_their_column() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }

    #[test]
    fn write_all_documents_the_files_there_and_the_extract_once_it_exists() {
        let out = tempfile::tempdir().unwrap();
        let project = project(out.path());
        let dir = project.year_dir(2026);
        // Before `nqs run`: nothing to document.
        let e = write_all(&project, 2026).unwrap_err();
        assert!(matches!(e, DictionaryError::NotRun { .. }), "{e}");
        published(&project, 2026);
        let [md, package] = write_all(&project, 2026).unwrap();
        let text = std::fs::read_to_string(&md).unwrap();
        for c in [
            "indicator_id",
            "conf_status",
            "obs_status",
            "suppressed",
            "evidence",
        ] {
            assert!(text.contains(&format!("| `{c}` |")), "{c}");
        }
        assert!(!text.contains("research/"));
        let p: Json = serde_json::from_str(&std::fs::read_to_string(&package).unwrap()).unwrap();
        let names: Vec<&str> = p["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["indicators", "findings"]);
        let fields = &p["resources"][0]["schema"]["fields"];
        assert_eq!(fields[1]["name"], "year");
        assert_eq!(fields[1]["type"], "integer");
        assert_eq!(fields[8]["constraints"]["enum"], json!(["F", "C", "D"]));
        // No temporary file is left beside them.
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");

        // `nqs extract` wrote its file: it is documented from extract.toml, typed as written.
        let extract = dir.join("research/recognitions.parquet");
        write_parquet(&extract, extract_frame(false));
        write_all(&project, 2026).unwrap();
        let text = std::fs::read_to_string(&md).unwrap();
        assert!(text.contains("## recognitions (`research/recognitions.parquet`)"));
        assert!(text.contains("at least 5 persons"), "k filled in");
        let p: Json = serde_json::from_str(&std::fs::read_to_string(&package).unwrap()).unwrap();
        let r = &p["resources"][2];
        assert_eq!(r["path"], "research/recognitions.parquet");
        let fields = r["schema"]["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 11);
        let field = |n: &str| fields.iter().find(|f| f["name"] == n).unwrap();
        assert_eq!(field("score")["type"], "integer");
        assert_eq!(field("sex")["type"], "string");
        // A kept column's codes constrain it; a recoded quasi-identifier's do not.
        assert_eq!(
            field("result")["constraints"]["enum"],
            json!(["passed", "failed", "absent"])
        );
        assert!(field("sex").get("constraints").is_none());

        // A column extract.toml does not declare is refused, naming it.
        write_parquet(&extract, extract_frame(true));
        let e = write_all(&project, 2026).unwrap_err();
        assert!(e.to_string().contains("extract.toml"), "{e}");
        let DictionaryError::Mismatch { message, .. } = e else {
            panic!("{e}")
        };
        assert!(message.contains("not declared: birth_year"), "{message}");
    }
}
