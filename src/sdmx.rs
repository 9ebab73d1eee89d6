//! The year's indicators in SDMX, the statistical data exchange standard (SDMX 2.1): the data as
//! SDMX-CSV 1.0 (`indicators.sdmx.csv`) and their structure as an SDMX-ML 2.1 Structure message
//! (`structure.xml`), both beside `indicators.parquet` in `output/<YEAR>/`.
//!
//! Parts of the standard used:
//! - SDMX 2.1 Section 2 (Information Model): the Data Structure Definition (a
//!   DimensionDescriptor with a TimeDimension `TIME_PERIOD`, a MeasureDescriptor with the
//!   PrimaryMeasure `OBS_VALUE`, an AttributeDescriptor whose attributes relate to a dimension or
//!   to the primary measure), the item schemes Codelist and ConceptScheme, and the Dataflow.
//! - SDMX 2.1 Section 3A (SDMX-ML): the Structure message (`mes:Structure`, namespaces
//!   `…/schemas/v2_1/message`, `…/structure`, `…/common`), its artefacts in the order of
//!   `StructuresType`, names in several languages by `xml:lang`, references by `<Ref>`. The
//!   message validates against the SDMX-ML 2.1 XSD (`SDMXMessage.xsd`).
//! - SDMX 2.1 Section 6 (Technical Notes): `ObservationalTimePeriod` for `TIME_PERIOD` (a year,
//!   `2026`).
//! - The SDMX Content-Oriented Guidelines: the cross-domain concepts `REF_AREA`, `SEX`, `AGE`,
//!   `UNIT_MEASURE`, `CONF_STATUS`, `OBS_STATUS`, the codes of the cross-domain code lists
//!   CL_CONF_STATUS (`F`, `C`, `D`) and CL_OBS_STATUS (`A`, `P`) that nqs uses, and `_T` for a
//!   total.
//! - SDMX-CSV 1.0 (the CSV format for SDMX 2.1): first column `DATAFLOW`
//!   (`AGENCY:ID(VERSION)`), then the dimensions in the DSD's order, `TIME_PERIOD`, `OBS_VALUE`
//!   and the attributes, one observation a row, an empty field for no value.
//! - SDMX-CSV 2.0 (`indicators.sdmx2.csv`, beside the 1.0 file, for the tools that read 2.0
//!   only, such as sdmx1 and pysdmx): the same rows with the `DATAFLOW` column replaced by
//!   `STRUCTURE` (`dataflow`), `STRUCTURE_ID` (the same `AGENCY:ID(VERSION)`) and `ACTION`
//!   (`I`, information: the whole year's table as published).
//!
//! The design: one dimension per breakdown the indicators declare (`region` is `REF_AREA`, coded
//! by KATO; `sex`, `nqf_level`, `sector`, `age_band` as `AGE`, `level` as `EDU_LEVEL`, `source`
//! as `DATA_KIND`, any other by its name in capitals), each with a code list and `_T` for "all". A row of the tidy table has `_T` in every
//! breakdown dimension but its own, so every published cell is one observation. A code is the
//! value as published when it is a valid SDMX id; otherwise (`55+`) it is made one (`55_PLUS`)
//! and the original value is kept in an annotation `NQS_VALUE`; each breakdown dimension names
//! its breakdown in an annotation `NQS_BREAKDOWN`, so the tidy table can be rebuilt from SDMX.
//! A withheld cell is an observation without a value whose `CONF_STATUS` says why.
//!
//! A breakdown's code list holds its declared codes (every KATO vintage of the regions, the
//! sectors, the providers, NQF levels 1–8, both sexes) and the values the year's rows use, so two
//! years' structures may differ by a value first used in a later year (e.g. a new category): the
//! structure travels with the data, in the same folder.

use crate::contract::Catalog;
use crate::indicators::{Confidentiality, Indicator, Row, Unit};
use crate::period::Period;
use crate::project::Project;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The maintenance agency of every artefact nqs publishes.
pub const AGENCY: &str = "KZ_NQS";
/// The dataflow's id.
pub const DATAFLOW: &str = "NQS_INDICATORS";
/// The data structure definition's id.
pub const DSD: &str = "DSD_NQS_INDICATORS";
/// The version of every artefact.
pub const VERSION: &str = "1.0";
/// The SDMX-CSV 1.0 file, in the year's folder.
pub const DATA_FILE: &str = "indicators.sdmx.csv";
/// The SDMX-CSV 2.0 file (the same observations), in the year's folder.
pub const DATA_FILE_2: &str = "indicators.sdmx2.csv";
/// The SDMX-ML structure message, in the year's folder.
pub const STRUCTURE_FILE: &str = "structure.xml";
/// The code for "all" (no breakdown) in every breakdown dimension.
pub const TOTAL: &str = "_T";

const CONCEPTS: &str = "CS_NQS";

#[derive(Debug, thiserror::Error)]
pub enum SdmxError {
    #[error("cannot write {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the SDMX-CSV rows of {}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error("a row of indicator `{0}`, which is not among the loaded indicators")]
    UnknownIndicator(String),
}

/// What [`write`] wrote.
#[derive(Debug, Clone)]
pub struct Written {
    pub data: PathBuf,
    /// The same observations in SDMX-CSV 2.0.
    pub data_2: PathBuf,
    pub structure: PathBuf,
    /// Observations in the SDMX-CSV file (one per row of the tidy table).
    pub observations: usize,
}

/// Writes `indicators.sdmx.csv` and `structure.xml` for the year's protected `rows` into `dir`
/// (each to a temporary file renamed into place). The structure's code lists hold every code
/// of the project's regions (all KATO vintages), sectors and providers, NQF levels 1–8, both
/// sexes, and any other value the rows use.
pub fn write(
    project: &Project,
    period: &Period,
    dir: &Path,
    rows: &[Row],
    indicators: &[Indicator],
) -> Result<Written, SdmxError> {
    let structure = Structure::build(&project.catalog, rows, indicators);
    let units: BTreeMap<&str, Unit> = indicators
        .iter()
        .map(|i| (i.header.id.as_str(), i.header.unit))
        .collect();
    std::fs::create_dir_all(dir).map_err(|source| SdmxError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let data = dir.join(DATA_FILE);
    let csv_err = |source| SdmxError::Csv {
        path: data.clone(),
        source,
    };
    let writer = || {
        csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new())
    };
    let (mut out, mut out_2) = (writer(), writer());
    let mut head = vec!["DATAFLOW", "INDICATOR"];
    head.extend(structure.dimensions.iter().map(|d| d.id.as_str()));
    head.extend([
        "TIME_PERIOD",
        "OBS_VALUE",
        "UNIT_MEASURE",
        "CONF_STATUS",
        "OBS_STATUS",
    ]);
    out.write_record(&head).map_err(csv_err)?;
    let head_2: Vec<&str> = ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
        .into_iter()
        .chain(head[1..].iter().copied())
        .collect();
    out_2.write_record(&head_2).map_err(csv_err)?;
    let flow = format!("{AGENCY}:{DATAFLOW}({VERSION})");
    for r in rows {
        let unit = units
            .get(r.indicator_id.as_str())
            .ok_or_else(|| SdmxError::UnknownIndicator(r.indicator_id.clone()))?;
        let mut record = vec![flow.clone(), r.indicator_id.clone()];
        for d in &structure.dimensions {
            let code = if d.breakdown == r.breakdown {
                d.code_of(&r.breakdown_value).to_string()
            } else {
                TOTAL.to_string()
            };
            record.push(code);
        }
        record.push(r.year.to_string());
        record.push(r.value.map(|v| v.to_string()).unwrap_or_default());
        record.push(unit_code(*unit).0.to_string());
        record.push(r.confidentiality.code().to_string());
        record.push(if r.provisional { "P" } else { "A" }.to_string());
        out.write_record(&record).map_err(csv_err)?;
        let record_2 = ["dataflow", flow.as_str(), "I"]
            .into_iter()
            .chain(record[1..].iter().map(String::as_str));
        out_2.write_record(record_2).map_err(csv_err)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| csv_err(csv::Error::from(e.into_error())))?;
    write_atomically(&data, &bytes)?;
    let data_2 = dir.join(DATA_FILE_2);
    let bytes = out_2
        .into_inner()
        .map_err(|e| csv_err(csv::Error::from(e.into_error())))?;
    write_atomically(&data_2, &bytes)?;
    let structure_path = dir.join(STRUCTURE_FILE);
    write_atomically(
        &structure_path,
        structure.to_xml(period, indicators).as_bytes(),
    )?;
    Ok(Written {
        data,
        data_2,
        structure: structure_path,
        observations: rows.len(),
    })
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SdmxError> {
    crate::atomic::write_atomic(path, bytes).map_err(|source| SdmxError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// A name in the three languages of the publication.
#[derive(Debug, Clone)]
struct Names {
    en: String,
    ru: String,
    kk: String,
}

impl Names {
    fn new(en: &str, ru: &str, kk: &str) -> Names {
        Names {
            en: en.to_string(),
            ru: ru.to_string(),
            kk: kk.to_string(),
        }
    }

    /// The same text in every language (a value with no translation, such as `18-24`).
    fn same(text: &str) -> Names {
        Names::new(text, text, text)
    }
}

#[derive(Debug, Clone)]
struct Code {
    id: String,
    names: Names,
    /// The value as the tidy table has it, when the id differs from it.
    value: Option<String>,
}

#[derive(Debug, Clone)]
struct Codelist {
    id: String,
    names: Names,
    codes: Vec<Code>,
}

/// One breakdown as a dimension.
#[derive(Debug, Clone)]
struct Dimension {
    id: String,
    breakdown: String,
    names: Names,
    codelist: Codelist,
    /// Published value → code id.
    codes: BTreeMap<String, String>,
}

impl Dimension {
    fn code_of<'a>(&'a self, value: &'a str) -> &'a str {
        self.codes.get(value).map_or(value, String::as_str)
    }
}

#[derive(Debug, Clone)]
struct Structure {
    dimensions: Vec<Dimension>,
}

/// Breakdowns in the order their dimensions come, before the others (alphabetical).
const FIRST: [&str; 5] = ["region", "sex", "age_band", "nqf_level", "sector"];

/// The dimension id, concept names (en, ru, kk) of a breakdown nqs knows.
fn breakdown_concept(breakdown: &str) -> Option<(&'static str, Names)> {
    let (id, en, ru, kk) = match breakdown {
        "region" => ("REF_AREA", "Region (KATO)", "Регион (КАТО)", "Өңір (ӘАОЖ)"),
        "sex" => ("SEX", "Sex", "Пол", "Жынысы"),
        "age_band" => ("AGE", "Age band", "Возрастная группа", "Жас тобы"),
        "nqf_level" => ("NQF_LEVEL", "NQF level", "Уровень НРК", "ҰБШ деңгейі"),
        "sector" => ("SECTOR", "Sector", "Отрасль", "Сала"),
        "referral" => (
            "REFERRAL",
            "Referral to assessment",
            "Основание направления на оценку",
            "Бағалауға жіберу негізі",
        ),
        "category" => ("CATEGORY", "Category", "Категория", "Санат"),
        "provider" => (
            "PROVIDER",
            "Data provider",
            "Поставщик данных",
            "Деректерді ұсынушы",
        ),
        "level" => (
            "EDU_LEVEL",
            "Level of education",
            "Уровень образования",
            "Білім беру деңгейі",
        ),
        "kind" => (
            "KIND",
            "Kind of information",
            "Вид информации",
            "Ақпарат түрі",
        ),
        "source" => ("DATA_KIND", "Kind of data", "Вид данных", "Деректер түрі"),
        "topic" => ("TOPIC", "Topic", "Тематика", "Тақырып"),
        "quarter" => ("QUARTER", "Quarter", "Квартал", "Тоқсан"),
        "outcome" => (
            "OUTCOME",
            "Outcome of the expert review",
            "Итог экспертизы",
            "Сараптама нәтижесі",
        ),
        "party_kind" => (
            "PARTY_KIND",
            "Kind of participant",
            "Вид участника",
            "Қатысушы түрі",
        ),
        "nco_major" => (
            "NCO_MAJOR",
            "NCO major group",
            "Основная группа НКЗ",
            "ҰКС негізгі тобы",
        ),
        "nco_unit" => (
            "NCO_UNIT",
            "NCO unit group",
            "Единичная группа НКЗ",
            "ҰКС бірлік тобы",
        ),
        "detected_by" => (
            "DETECTED_BY",
            "Detected by",
            "Источник выявления",
            "Анықтау көзі",
        ),
        _ => return None,
    };
    Some((id, Names::new(en, ru, kk)))
}

/// Ids the structure uses for its own components, which a breakdown's dimension must not take.
const RESERVED: [&str; 6] = [
    "INDICATOR",
    "TIME_PERIOD",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "CONF_STATUS",
    "OBS_STATUS",
];

/// Whether `s` is an SDMX 2.1 IDType (`[A-Za-z0-9_@$\-]+`).
fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '$' | '-'))
}

/// A valid SDMX id for a published value: the value when it is one, else each other character
/// replaced (`+` by `_PLUS`, anything else by `_`).
fn id_for(value: &str) -> String {
    if is_id(value) {
        return value.to_string();
    }
    let mut out = String::new();
    for c in value.chars() {
        match c {
            c if c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '$' | '-') => out.push(c),
            '+' => out.push_str("_PLUS"),
            _ => out.push('_'),
        }
    }
    out
}

/// The declared codes of a breakdown (code, names), before the values the rows add.
fn declared_codes(catalog: &Catalog, breakdown: &str) -> Vec<(String, Names)> {
    let of_list = |list: &crate::contract::CodeList| -> Vec<(String, Names)> {
        list.codes
            .iter()
            .map(|c| {
                let en = if c.en.is_empty() { &c.code } else { &c.en };
                (c.code.clone(), Names::new(en, &c.ru, &c.kk))
            })
            .collect()
    };
    match breakdown {
        "region" => {
            // The list in force first, then the earlier vintages' codes it no longer has.
            let mut out = catalog
                .code_lists
                .get("regions")
                .map(of_list)
                .unwrap_or_default();
            for l in catalog.code_lists.values() {
                if l.vintage_of.as_deref() == Some("regions") {
                    for c in of_list(l) {
                        if !out.iter().any(|(code, _)| *code == c.0) {
                            out.push(c);
                        }
                    }
                }
            }
            out
        }
        "sector" => catalog
            .code_lists
            .get("sectors")
            .map(of_list)
            .unwrap_or_default(),
        "provider" => catalog
            .providers
            .iter()
            .map(|p| {
                let en = if p.en.is_empty() { &p.id } else { &p.en };
                (p.id.clone(), Names::new(en, &p.ru, &p.kk))
            })
            .collect(),
        "sex" => vec![
            ("M".into(), Names::new("Male", "Мужчины", "Ерлер")),
            ("F".into(), Names::new("Female", "Женщины", "Әйелдер")),
        ],
        "nqf_level" => (1..=8)
            .map(|n| {
                (
                    n.to_string(),
                    Names::new(
                        &format!("NQF level {n}"),
                        &format!("Уровень НРК {n}"),
                        &format!("ҰБШ {n}-деңгейі"),
                    ),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl Structure {
    fn build(catalog: &Catalog, rows: &[Row], indicators: &[Indicator]) -> Structure {
        let mut breakdowns: BTreeSet<&str> = indicators
            .iter()
            .flat_map(|i| i.header.breakdowns.iter().map(String::as_str))
            .collect();
        breakdowns.extend(rows.iter().map(|r| r.breakdown.as_str()));
        breakdowns.remove("total");
        let mut ordered: Vec<&str> = FIRST
            .iter()
            .copied()
            .filter(|b| breakdowns.contains(b))
            .collect();
        ordered.extend(breakdowns.iter().filter(|b| !FIRST.contains(b)));
        let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| s.to_string()).collect();
        let mut dimensions = Vec::new();
        for b in ordered {
            let (id, names) = breakdown_concept(b)
                .map(|(id, n)| (id.to_string(), n))
                .unwrap_or_else(|| (id_for(&b.to_uppercase()), Names::same(b)));
            let mut id = id;
            while !taken.insert(id.clone()) {
                id = format!("BRK_{id}");
            }
            let mut codes = vec![Code {
                id: TOTAL.to_string(),
                names: Names::new("Total", "Всего", "Барлығы"),
                value: None,
            }];
            let mut by_value = BTreeMap::new();
            let mut ids: BTreeSet<String> = BTreeSet::from([TOTAL.to_string()]);
            let mut add = |value: &str, names: Names, codes: &mut Vec<Code>| {
                if by_value.contains_key(value) {
                    return;
                }
                let base = id_for(value);
                let mut code = base.clone();
                let mut n = 2;
                while !ids.insert(code.clone()) {
                    code = format!("{base}_{n}");
                    n += 1;
                }
                by_value.insert(value.to_string(), code.clone());
                codes.push(Code {
                    value: (code != value).then(|| value.to_string()),
                    id: code,
                    names,
                });
            };
            for (value, names) in declared_codes(catalog, b) {
                add(&value, names, &mut codes);
            }
            let used: BTreeSet<&str> = rows
                .iter()
                .filter(|r| r.breakdown == b)
                .map(|r| r.breakdown_value.as_str())
                .collect();
            for value in used {
                add(value, Names::same(value), &mut codes);
            }
            dimensions.push(Dimension {
                codelist: Codelist {
                    id: format!("CL_{id}"),
                    names: names.clone(),
                    codes,
                },
                id,
                breakdown: b.to_string(),
                names,
                codes: by_value,
            });
        }
        Structure { dimensions }
    }

    fn to_xml(&self, period: &Period, indicators: &[Indicator]) -> String {
        let mut x = Xml::default();
        x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.open(
            "mes:Structure",
            &[
                (
                    "xmlns:mes",
                    "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
                ),
                (
                    "xmlns:str",
                    "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
                ),
                (
                    "xmlns:com",
                    "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
                ),
            ],
        );
        x.open("mes:Header", &[]);
        x.text("mes:ID", &format!("NQS_INDICATORS_{}", period.year));
        x.text("mes:Test", "false");
        x.text("mes:Prepared", &format!("{}T00:00:00", period.as_of));
        x.empty("mes:Sender", &[("id", AGENCY)]);
        x.close("mes:Header");
        x.open("mes:Structures", &[]);

        // Dataflows, Codelists, Concepts, DataStructures: the order of StructuresType.
        x.open("str:Dataflows", &[]);
        x.open("str:Dataflow", &maintainable(DATAFLOW));
        x.names(&Names::new(
            "Indicators of the National Qualifications System of Kazakhstan",
            "Показатели Национальной системы квалификаций Республики Казахстан",
            "Қазақстан Республикасының Ұлттық біліктілік жүйесінің көрсеткіштері",
        ));
        x.open("str:Structure", &[]);
        x.empty(
            "Ref",
            &[
                ("id", DSD),
                ("version", VERSION),
                ("agencyID", AGENCY),
                ("package", "datastructure"),
                ("class", "DataStructure"),
            ],
        );
        x.close("str:Structure");
        x.close("str:Dataflow");
        x.close("str:Dataflows");

        x.open("str:Codelists", &[]);
        for list in self.codelists(indicators) {
            x.codelist(&list);
        }
        x.close("str:Codelists");

        x.open("str:Concepts", &[]);
        x.open("str:ConceptScheme", &maintainable(CONCEPTS));
        x.names(&Names::new(
            "Concepts of the NQS indicators",
            "Понятия показателей НСК",
            "ҰБЖ көрсеткіштерінің ұғымдары",
        ));
        for (id, names) in self.concepts() {
            x.open("str:Concept", &[("id", id.as_str())]);
            x.names(&names);
            x.close("str:Concept");
        }
        x.close("str:ConceptScheme");
        x.close("str:Concepts");

        x.open("str:DataStructures", &[]);
        x.open("str:DataStructure", &maintainable(DSD));
        x.names(&Names::new(
            "Indicators of the NQS by breakdown",
            "Показатели НСК в разрезах",
            "ҰБЖ көрсеткіштері бөліністер бойынша",
        ));
        x.open("str:DataStructureComponents", &[]);
        x.open("str:DimensionList", &[("id", "DimensionDescriptor")]);
        let mut position = 1;
        x.dimension("INDICATOR", position, "CL_INDICATOR", None);
        for d in &self.dimensions {
            position += 1;
            x.dimension(&d.id, position, &d.codelist.id, Some(&d.breakdown));
        }
        position += 1;
        x.open(
            "str:TimeDimension",
            &[("id", "TIME_PERIOD"), ("position", &position.to_string())],
        );
        x.concept_identity("TIME_PERIOD");
        x.open("str:LocalRepresentation", &[]);
        x.empty("str:TextFormat", &[("textType", "ObservationalTimePeriod")]);
        x.close("str:LocalRepresentation");
        x.close("str:TimeDimension");
        x.close("str:DimensionList");

        x.open("str:AttributeList", &[("id", "AttributeDescriptor")]);
        for (id, list, to_indicator) in [
            ("UNIT_MEASURE", "CL_UNIT_MEASURE", true),
            ("CONF_STATUS", "CL_CONF_STATUS", false),
            ("OBS_STATUS", "CL_OBS_STATUS", false),
        ] {
            x.open(
                "str:Attribute",
                &[("id", id), ("assignmentStatus", "Mandatory")],
            );
            x.concept_identity(id);
            x.enumeration(list);
            x.open("str:AttributeRelationship", &[]);
            if to_indicator {
                x.open("str:Dimension", &[]);
                x.empty("Ref", &[("id", "INDICATOR")]);
                x.close("str:Dimension");
            } else {
                x.open("str:PrimaryMeasure", &[]);
                x.empty("Ref", &[("id", "OBS_VALUE")]);
                x.close("str:PrimaryMeasure");
            }
            x.close("str:AttributeRelationship");
            x.close("str:Attribute");
        }
        x.close("str:AttributeList");

        x.open("str:MeasureList", &[("id", "MeasureDescriptor")]);
        x.open("str:PrimaryMeasure", &[("id", "OBS_VALUE")]);
        x.concept_identity("OBS_VALUE");
        x.open("str:LocalRepresentation", &[]);
        x.empty("str:TextFormat", &[("textType", "Double")]);
        x.close("str:LocalRepresentation");
        x.close("str:PrimaryMeasure");
        x.close("str:MeasureList");
        x.close("str:DataStructureComponents");
        x.close("str:DataStructure");
        x.close("str:DataStructures");

        x.close("mes:Structures");
        x.close("mes:Structure");
        x.out
    }

    /// Every code list: the indicators, each breakdown's, units and the two flags.
    fn codelists(&self, indicators: &[Indicator]) -> Vec<Codelist> {
        let mut lists = vec![Codelist {
            id: "CL_INDICATOR".into(),
            names: Names::new("NQS indicators", "Показатели НСК", "ҰБЖ көрсеткіштері"),
            codes: indicators
                .iter()
                .map(|i| {
                    let t = &i.header.title;
                    // Titles have no English yet: the id, which is English, stands in.
                    let en = if t.en.is_empty() {
                        english_of_id(&i.header.id)
                    } else {
                        t.en.clone()
                    };
                    Code {
                        id: i.header.id.clone(),
                        names: Names::new(&en, &t.ru, &t.kk),
                        value: None,
                    }
                })
                .collect(),
        }];
        lists.extend(self.dimensions.iter().map(|d| d.codelist.clone()));
        let units = [
            Unit::Count,
            Unit::Percent,
            Unit::Days,
            Unit::Ratio,
            Unit::Per100k,
            Unit::Per10k,
        ];
        lists.push(Codelist {
            id: "CL_UNIT_MEASURE".into(),
            names: Names::new("Units of measure", "Единицы измерения", "Өлшем бірліктері"),
            codes: units
                .iter()
                .map(|u| {
                    let (id, names) = unit_code(*u);
                    Code {
                        id: id.into(),
                        names,
                        value: None,
                    }
                })
                .collect(),
        });
        let conf = [
            Confidentiality::Free,
            Confidentiality::Primary,
            Confidentiality::Secondary,
        ];
        lists.push(Codelist {
            id: "CL_CONF_STATUS".into(),
            names: Names::new(
                "Confidentiality status (the codes of SDMX CL_CONF_STATUS nqs uses)",
                "Статус конфиденциальности (коды SDMX CL_CONF_STATUS, применяемые nqs)",
                "Құпиялылық мәртебесі (nqs қолданатын SDMX CL_CONF_STATUS кодтары)",
            ),
            codes: conf
                .iter()
                .map(|c| Code {
                    id: c.code().into(),
                    names: match c {
                        Confidentiality::Free => Names::new("Free", "Свободный доступ", "Еркін"),
                        Confidentiality::Primary => Names::new(
                            "Confidential statistical information (primary confidentiality)",
                            "Конфиденциальная статистическая информация (первичная)",
                            "Құпия статистикалық ақпарат (бастапқы)",
                        ),
                        Confidentiality::Secondary => Names::new(
                            "Secondary confidentiality, not for publication",
                            "Вторичная конфиденциальность, не публикуется",
                            "Қайталама құпиялылық, жарияланбайды",
                        ),
                    },
                    value: None,
                })
                .collect(),
        });
        lists.push(Codelist {
            id: "CL_OBS_STATUS".into(),
            names: Names::new(
                "Observation status (the codes of SDMX CL_OBS_STATUS nqs uses)",
                "Статус наблюдения (коды SDMX CL_OBS_STATUS, применяемые nqs)",
                "Бақылау мәртебесі (nqs қолданатын SDMX CL_OBS_STATUS кодтары)",
            ),
            codes: vec![
                Code {
                    id: "A".into(),
                    names: Names::new("Normal value", "Обычное значение", "Қалыпты мән"),
                    value: None,
                },
                Code {
                    id: "P".into(),
                    names: Names::new(
                        "Provisional value",
                        "Предварительное значение",
                        "Алдын ала мән",
                    ),
                    value: None,
                },
            ],
        });
        lists
    }

    fn concepts(&self) -> Vec<(String, Names)> {
        let mut out = vec![(
            "INDICATOR".to_string(),
            Names::new("Indicator", "Показатель", "Көрсеткіш"),
        )];
        out.extend(
            self.dimensions
                .iter()
                .map(|d| (d.id.clone(), d.names.clone())),
        );
        for (id, en, ru, kk) in [
            ("TIME_PERIOD", "Time period", "Период", "Кезең"),
            ("OBS_VALUE", "Observation value", "Значение", "Мәні"),
            (
                "UNIT_MEASURE",
                "Unit of measure",
                "Единица измерения",
                "Өлшем бірлігі",
            ),
            (
                "CONF_STATUS",
                "Confidentiality status",
                "Статус конфиденциальности",
                "Құпиялылық мәртебесі",
            ),
            (
                "OBS_STATUS",
                "Observation status",
                "Статус наблюдения",
                "Бақылау мәртебесі",
            ),
        ] {
            out.push((id.to_string(), Names::new(en, ru, kk)));
        }
        out
    }
}

/// The unit's code in CL_UNIT_MEASURE and its names.
fn unit_code(unit: Unit) -> (&'static str, Names) {
    match unit {
        Unit::Count => ("NUMBER", Names::new("Number", "Количество", "Саны")),
        Unit::Percent => ("PERCENT", Names::new("Percent", "Процент", "Пайыз")),
        Unit::Days => ("DAYS", Names::new("Days", "Дни", "Күн")),
        Unit::Ratio => ("RATIO", Names::new("Ratio", "Отношение", "Арақатынас")),
        Unit::Per100k => (
            "PER_100K",
            Names::new("Per 100,000", "На 100 000", "100 000-ға шаққанда"),
        ),
        Unit::Per10k => (
            "PER_10K",
            Names::new("Per 10,000", "На 10 000", "10 000-ға шаққанда"),
        ),
    }
}

/// `candidates_passed` → `Candidates passed`.
fn english_of_id(id: &str) -> String {
    let words = id.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

fn maintainable(id: &str) -> [(&str, &str); 4] {
    [
        ("id", id),
        ("agencyID", AGENCY),
        ("version", VERSION),
        ("isFinal", "false"),
    ]
}

/// A small indenting XML writer (the message is simple and its element order fixed).
#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

impl Xml {
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn start(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(tag);
        for (k, v) in attrs {
            let _ = write!(self.out, " {k}=\"{}\"", escape(v));
        }
    }

    fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start(tag, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth -= 1;
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        let _ = writeln!(self.out, "</{tag}>");
    }

    fn empty(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start(tag, attrs);
        self.out.push_str("/>\n");
    }

    fn text_with(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) {
        self.start(tag, attrs);
        let _ = writeln!(self.out, ">{}</{tag}>", escape(text));
    }

    fn text(&mut self, tag: &str, text: &str) {
        self.text_with(tag, &[], text);
    }

    fn names(&mut self, names: &Names) {
        for (lang, text) in [("en", &names.en), ("ru", &names.ru), ("kk", &names.kk)] {
            self.text_with("com:Name", &[("xml:lang", lang)], text);
        }
    }

    fn annotation(&mut self, kind: &str, title: &str) {
        self.open("com:Annotations", &[]);
        self.open("com:Annotation", &[]);
        self.text("com:AnnotationTitle", title);
        self.text("com:AnnotationType", kind);
        self.close("com:Annotation");
        self.close("com:Annotations");
    }

    fn codelist(&mut self, list: &Codelist) {
        self.open("str:Codelist", &maintainable(&list.id));
        self.names(&list.names);
        for c in &list.codes {
            self.open("str:Code", &[("id", c.id.as_str())]);
            if let Some(v) = &c.value {
                self.annotation("NQS_VALUE", v);
            }
            self.names(&c.names);
            self.close("str:Code");
        }
        self.close("str:Codelist");
    }

    fn concept_identity(&mut self, id: &str) {
        self.open("str:ConceptIdentity", &[]);
        self.empty(
            "Ref",
            &[
                ("id", id),
                ("maintainableParentID", CONCEPTS),
                ("maintainableParentVersion", VERSION),
                ("agencyID", AGENCY),
                ("package", "conceptscheme"),
                ("class", "Concept"),
            ],
        );
        self.close("str:ConceptIdentity");
    }

    fn enumeration(&mut self, list: &str) {
        self.open("str:LocalRepresentation", &[]);
        self.open("str:Enumeration", &[]);
        self.empty(
            "Ref",
            &[
                ("id", list),
                ("version", VERSION),
                ("agencyID", AGENCY),
                ("package", "codelist"),
                ("class", "Codelist"),
            ],
        );
        self.close("str:Enumeration");
        self.close("str:LocalRepresentation");
    }

    fn dimension(&mut self, id: &str, position: usize, list: &str, breakdown: Option<&str>) {
        self.open(
            "str:Dimension",
            &[("id", id), ("position", &position.to_string())],
        );
        if let Some(b) = breakdown {
            self.annotation("NQS_BREAKDOWN", b);
        }
        self.concept_identity(id);
        self.enumeration(list);
        self.close("str:Dimension");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_valid_sdmx_ids() {
        assert_eq!(id_for("710000000"), "710000000");
        assert_eq!(id_for("18-24"), "18-24");
        assert_eq!(id_for("55+"), "55_PLUS");
        assert_eq!(id_for("a b/c"), "a_b_c");
        assert!(is_id(&id_for("Өңір 1")));
        assert!(!is_id("55+"));
        assert!(!is_id(""));
    }

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(
            escape("«A» & <b> \"c\" 'd'"),
            "«A» &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;"
        );
    }

    #[test]
    fn every_cell_has_a_code_of_its_dimension() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        let catalog = Catalog::load(&root).unwrap();
        let indicators = crate::indicators::load(&root.join("indicators"), &catalog).unwrap();
        let row = |breakdown: &str, value: &str| Row {
            indicator_id: indicators[0].header.id.clone(),
            year: 2026,
            breakdown: breakdown.into(),
            breakdown_value: value.into(),
            value: Some(1.0),
            numerator: None,
            denominator: None,
            suppressed: false,
            confidentiality: Confidentiality::Free,
            provisional: false,
        };
        let rows = vec![
            row("total", "total"),
            row("age_band", "55+"),
            row("age_band", "55_PLUS"),
            row("region", "510000000"),
        ];
        let s = Structure::build(&catalog, &rows, &indicators);
        let ids: Vec<&str> = s.dimensions.iter().map(|d| d.id.as_str()).collect();
        // One dimension per breakdown the indicators declare, REF_AREA first.
        assert_eq!(ids[0], "REF_AREA");
        for id in ["AGE", "NQF_LEVEL", "SECTOR"] {
            assert!(ids.contains(&id), "{ids:?}");
        }
        let age = s.dimensions.iter().find(|d| d.id == "AGE").unwrap();
        // Two values that would share an id keep apart, and each keeps its value.
        assert_eq!(age.code_of("55+"), "55_PLUS");
        assert_eq!(age.code_of("55_PLUS"), "55_PLUS_2");
        let plus = age
            .codelist
            .codes
            .iter()
            .find(|c| c.id == "55_PLUS")
            .unwrap();
        assert_eq!(plus.value.as_deref(), Some("55+"));
        // South Kazakhstan region, of the vintage before 2018, is a code of REF_AREA.
        let area = &s.dimensions[0];
        assert!(area.codelist.codes.iter().any(|c| c.id == "510000000"));
        assert!(area.codelist.codes.iter().any(|c| c.id == "710000000"));
        assert_eq!(area.codelist.codes[0].id, TOTAL);
        // No indicator publishes a breakdown by sex (the recognition family publishes national
        // figures only, README "Published less"): no dimension stands empty.
        assert!(!ids.contains(&"SEX"), "{ids:?}");
        let xml = s.to_xml(
            &Period::new(2026, chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()),
            &indicators,
        );
        assert!(xml.contains("<str:Code id=\"55_PLUS_2\">"));
        assert!(xml.contains("<com:AnnotationTitle>55+</com:AnnotationTitle>"));
        assert!(xml.contains("<com:Name xml:lang=\"kk\">Астана қаласы</com:Name>"));
    }
}
