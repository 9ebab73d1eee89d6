//! Source contracts: what each extract the platform receives must look like.
//!
//! Contracts live in `pipelines/sources/*.toml`, code lists in `pipelines/codes/*.toml` and the
//! para. 7 providers in `pipelines/providers.toml`, so analysts change them without touching
//! Rust. Loading checks the contracts against each other (columns named in keys, references and
//! date orders exist; code lists and providers are known) so that a typo fails before any data
//! is read, with the contract file and field named.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Titles {
    pub kk: String,
    pub ru: String,
    #[serde(default)]
    pub en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Monthly,
    Quarterly,
    HalfYearly,
    Annual,
    OnChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Partition {
    None,
    Year,
    Month,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    String,
    Integer,
    Float,
    Date,
    Bool,
    Code,
    Iin,
    Bin,
    List,
}

/// What happens to a personal-data column at ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Personal {
    /// Replaced by a keyed pseudonym (column `person_id` in the lake).
    Pseudonymise,
    /// Checked, then never written anywhere.
    Drop,
    /// A date kept as its year only (`<name>` becomes `birth_year`-style `<stem>_year`).
    Year,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    #[serde(default)]
    pub required: bool,
    /// `other=value` or `other!=value`: required only on rows where the condition holds.
    pub required_if: Option<String>,
    pub codes: Option<Vec<String>>,
    pub codes_from: Option<String>,
    pub pattern: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// `source.column` whose values this column must be among.
    pub references: Option<String>,
    pub personal: Option<Personal>,
    /// Type of a list's items.
    pub item: Option<ColumnType>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub description: String,
    /// On an IIN column: the birth-date column its digits are compared with (a flag, never a
    /// rejection: IINs are not reissued when a birth date is corrected).
    pub iin_birth_date: Option<String>,
    /// On an IIN column: the sex column (codes M/F) its century-and-sex digit is compared with.
    pub iin_sex: Option<String>,
    #[serde(default)]
    pub not_before: Vec<String>,
    #[serde(default)]
    pub not_after: Vec<String>,
    /// On a date column: how a two-digit year (`05.10.26`) is read, overriding the source's
    /// `two_digit_year_pivot`. Without either, a two-digit year is refused.
    pub two_digit_year_pivot: Option<i32>,
    /// On a column with `codes_from`: the date or integer-year column of the same row whose year
    /// says which vintage of the code list applies (see `CodeList::vintage_of`). Without it,
    /// the list as it stands now applies to every row.
    pub vintage_by: Option<String>,
    /// Which of several file columns headed with this column's name (or an alias) is meant,
    /// counting from 1 left to right; without it such a file is refused, naming the columns.
    pub occurrence: Option<usize>,
}

impl Column {
    /// The column's name in the lake, or None when it never enters the lake.
    pub fn lake_name(&self) -> Option<String> {
        match self.personal {
            None => Some(self.name.clone()),
            Some(Personal::Drop) => None,
            Some(Personal::Pseudonymise) => Some(PERSON_ID.to_string()),
            Some(Personal::Year) => Some(format!(
                "{}_year",
                self.name.strip_suffix("_date").unwrap_or(&self.name)
            )),
        }
    }

    /// The type values are parsed as (for lists, the items' type).
    pub fn value_type(&self) -> ColumnType {
        if self.ty == ColumnType::List {
            self.item.unwrap_or(ColumnType::String)
        } else {
            self.ty
        }
    }
}

/// Lake column that holds the keyed pseudonym of an IIN.
pub const PERSON_ID: &str = "person_id";

#[derive(Debug, Clone)]
pub struct Condition {
    pub column: String,
    pub value: String,
    pub equals: bool,
}

impl Condition {
    fn parse(text: &str) -> Option<Condition> {
        let (column, value, equals) = if let Some((c, v)) = text.split_once("!=") {
            (c, v, false)
        } else {
            let (c, v) = text.split_once('=')?;
            (c, v, true)
        };
        Some(Condition {
            column: column.trim().to_string(),
            value: value.trim().to_string(),
            equals,
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub id: String,
    pub version: u32,
    pub title: Titles,
    pub provider: String,
    pub frequency: Frequency,
    /// The paragraph of the Rules that makes the source's data part of the analysis (`8`: the
    /// time information takes to reach the platform; `14`: incidents). Unset: para. 7 (the
    /// providers' submissions), or para. 19 for the `statistics` provider (open statistics).
    pub rules_paragraph: Option<u32>,
    /// Glob patterns, relative to the folder being ingested, of the files of this source.
    pub files: Vec<String>,
    pub partition: Partition,
    pub partition_by: Option<String>,
    pub key: Vec<String>,
    /// The text encoding the provider sends; without it, the encoding is detected (see
    /// [`crate::ingest::read`]) and a file that cannot be read unambiguously is refused.
    pub encoding: Option<TextEncoding>,
    /// How a two-digit year in this source's date columns is read: the first year of the
    /// hundred-year window the year falls in (`1950`: `50`–`99` are 1950–1999, `00`–`49` are
    /// 2000–2049). Without it, a two-digit year is refused (`not_a_date`).
    pub two_digit_year_pivot: Option<i32>,
    /// The row that holds the header, numbered as a spreadsheet shows it (for text files, the
    /// line); without it, the header is the first of the first rows that names the most of
    /// the declared columns (title rows above a table are skipped).
    pub header_row: Option<u64>,
    /// How many rows the header spans (default 1): a table published under merged header rows
    /// (`2024` over `men`, `women`) has each column named by its header cells joined with a
    /// space, top to bottom (`2024 men`); a merged cell counts in every column it covers.
    pub header_rows: Option<u64>,
    /// The sheet of an XLSX file the table is on: its name, or its position counting from 1.
    /// Without it, the first sheet.
    pub sheet: Option<SheetRef>,
    /// How the table as read becomes records, in DuckDB SQL, before the column checks.
    pub transform: Option<Transform>,
    #[serde(rename = "column")]
    pub columns: Vec<Column>,
    #[serde(skip)]
    pub path: PathBuf,
}

/// A sheet of a workbook, by name or by position (1 is the first sheet).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum SheetRef {
    Position(usize),
    Name(String),
}

impl std::fmt::Display for SheetRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SheetRef::Position(n) => write!(f, "sheet {n}"),
            SheetRef::Name(name) => write!(f, "sheet `{name}`"),
        }
    }
}

/// How the rows of a file become the records the columns are checked on, declared in DuckDB
/// SQL (the dialect of the indicators): the steps run in the order of the fields below. In
/// every expression the table so far is `input`, one text column per column of the file: a
/// column that names a declared column (by its name or an alias) is called by the declared
/// name, any other by its header as written (quoted: `"PARENT_ID"`, `"Регион"`); plus `_row`,
/// the row a spreadsheet shows, and `_file`, the file's path under the folder ingested. Scalar macros of `pipelines/shared/codes.sql` can be called. Rows a
/// step drops are counted as excluded, by the step, never lost silently.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transform {
    /// The first row where this holds, and every row below it, are not part of the table
    /// (footnotes, notes, a signature under a published table).
    pub stop_at: Option<String>,
    /// A wide table (one column per year or region) turned long.
    pub unpivot: Option<Unpivot>,
    /// New or replaced columns, each computed from the ones before (those of the file and the
    /// earlier derived ones). A parent lookup in the same file is a correlated subquery, with
    /// `min` so that a row sent twice still names one parent:
    /// `(select min(p."CODE") from input p where p."ID" = input."PARENT_ID")`.
    #[serde(default)]
    pub derive: Vec<Derive>,
    /// Rows kept; the others (total rows, rows of another vintage) are excluded and counted.
    pub filter: Option<String>,
}

impl Transform {
    /// Every expression of the transform, one after the other (to see which names it uses).
    pub fn sql_text(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        parts.extend(self.stop_at.as_deref());
        parts.extend(self.derive.iter().map(|d| d.sql.as_str()));
        parts.extend(self.filter.as_deref());
        parts.join("\n")
    }

    /// Whether the transform reads a file's column of this header: quoted (`"Регион"`) or as a
    /// bare name (`parent_id`), ignoring case. Such a column is used, not ignored, even when
    /// no declared column keeps it.
    pub fn uses(&self, header: &str) -> bool {
        let sql = self.sql_text().to_lowercase();
        let h = header.trim().to_lowercase();
        if h.is_empty() {
            return false;
        }
        if sql.contains(&format!("\"{h}\"")) {
            return true;
        }
        let bare = regex::Regex::new(&format!(r"(^|[^\w]){}($|[^\w])", regex::escape(&h)));
        bare.is_ok_and(|re| re.is_match(&sql))
    }
}

/// Columns whose header matches `columns` (a regular expression) become rows: `name` holds
/// the header, `value` the cell. A blank cell is no record; a row with no value in any of those
/// columns is counted as excluded by `unpivot`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unpivot {
    pub columns: String,
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derive {
    pub name: String,
    pub sql: String,
}

/// A text encoding a contract may declare for its source's CSV and JSON files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum TextEncoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "windows-1251")]
    Windows1251,
    /// UTF-16, little- or big-endian as the byte-order mark says (or, without one, as the
    /// zero bytes of the ASCII delimiters show).
    #[serde(rename = "utf-16")]
    Utf16,
}

impl TextEncoding {
    /// The name a contract spells it with.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Windows1251 => "windows-1251",
            TextEncoding::Utf16 => "utf-16",
        }
    }
}

impl Contract {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The pivot a two-digit year in `column` is read by, if the column or the source declares
    /// one (the column's wins).
    pub fn two_digit_year_pivot(&self, column: &Column) -> Option<i32> {
        column.two_digit_year_pivot.or(self.two_digit_year_pivot)
    }

    pub fn required_if(&self, column: &Column) -> Option<Condition> {
        column.required_if.as_deref().and_then(Condition::parse)
    }

    /// Whether a path (relative to the ingested folder, `/`-separated) belongs to this source.
    pub fn matches(&self, rel_path: &str) -> bool {
        self.files.iter().any(|p| glob_match(p, rel_path))
    }

    /// Sources this one references (other than itself), for ordering the ingest.
    pub fn dependencies(&self) -> BTreeSet<String> {
        self.columns
            .iter()
            .filter_map(|c| c.references.as_deref())
            .filter_map(|r| r.split_once('.').map(|(s, _)| s.to_string()))
            .filter(|s| *s != self.id)
            .collect()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Code {
    pub code: String,
    pub kk: String,
    pub ru: String,
    #[serde(default)]
    pub en: String,
    /// Other names the code is published under (`г. Астана`, `Абайская область`), for a
    /// transform to look codes up by name (table `codes` in a contract's `[transform]`).
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CodeList {
    pub id: String,
    pub title: Titles,
    #[serde(rename = "code")]
    pub codes: Vec<Code>,
    /// The list this one is an earlier vintage of (`regions` for `regions-2018`): a column
    /// checked against that list with `vintage_by` accepts this list's codes in the years this
    /// vintage was in force, and only then.
    pub vintage_of: Option<String>,
    /// First day the vintage was in force (`YYYY-MM-DD`); unset: in force since before any
    /// data nqs reads.
    pub in_force_from: Option<String>,
    /// Last day the vintage was in force (`YYYY-MM-DD`); unset: still in force.
    pub in_force_until: Option<String>,
    /// The act that put the vintage in force, or ended it: cited with the dates.
    #[serde(default)]
    pub act: String,
}

/// The codes of one vintage of a code list and the years it was in force in (inclusive;
/// `None`: unbounded). A year belongs to every vintage in force on any of its days: a year
/// in which a reform took effect is published under either.
#[derive(Debug, Clone)]
pub struct Vintage {
    pub list: String,
    pub from_year: Option<i32>,
    pub until_year: Option<i32>,
    pub codes: Vec<String>,
}

impl Vintage {
    pub fn in_force_in(&self, year: i32) -> bool {
        self.from_year.is_none_or(|y| y <= year) && self.until_year.is_none_or(|y| year <= y)
    }
}

/// The year of a vintage's `in_force_from`/`in_force_until` day.
fn vintage_year(list: &CodeList, day: Option<&str>) -> Result<Option<i32>, String> {
    let Some(day) = day else { return Ok(None) };
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| Some(chrono::Datelike::year(&d)))
        .map_err(|_| {
            format!(
                "code list `{}`: `{day}` is not a date (YYYY-MM-DD)",
                list.id
            )
        })
}

/// A declared correspondence from the codes of one classification to those of a code list
/// (`crosswalks/<id>.toml`): fields of education to NQS sectors, say. It is data, cited in
/// `source`, and reaches SQL as the table `crosswalks(crosswalk, from_code, to_code)`; the
/// macro `crosswalk_code(id, code)` (`shared/codes.sql`) maps a code by the pair with the
/// longest `from` the code starts with, so a pair may name a group of codes by their prefix.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crosswalk {
    pub id: String,
    pub title: Titles,
    /// What the `from` codes are (their classification, and which digits of a code they are).
    pub from: String,
    /// The code list the `to` codes are of.
    pub to_list: String,
    /// Where the correspondence comes from: the published table, or who declared it and on
    /// what basis.
    pub source: String,
    #[serde(rename = "pair")]
    pub pairs: Vec<CrosswalkPair>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrosswalkPair {
    pub from: String,
    pub to: String,
    /// What the `from` code is called, for a reader of the file.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Provider {
    pub id: String,
    pub kk: String,
    pub ru: String,
    #[serde(default)]
    pub en: String,
}

#[derive(Debug, Deserialize)]
struct ProvidersFile {
    provider: Vec<Provider>,
}

/// Every contract, code list and provider of a pipelines folder, checked against each other.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub root: PathBuf,
    /// In dependency order: a source comes after every source it references.
    pub contracts: Vec<Contract>,
    pub code_lists: BTreeMap<String, CodeList>,
    /// `crosswalks/*.toml` by id (none when the folder is absent).
    pub crosswalks: BTreeMap<String, Crosswalk>,
    pub providers: Vec<Provider>,
}

impl Catalog {
    pub fn load(root: &Path) -> Result<Catalog, ContractError> {
        let providers: ProvidersFile = read_toml(&root.join("providers.toml"))?;
        let mut code_lists = BTreeMap::new();
        for path in toml_files(&root.join("codes"))? {
            let list: CodeList = read_toml(&path)?;
            code_lists.insert(list.id.clone(), list);
        }
        let mut crosswalks = BTreeMap::new();
        let crosswalk_dir = root.join("crosswalks");
        if crosswalk_dir.is_dir() {
            for path in toml_files(&crosswalk_dir)? {
                let crosswalk: Crosswalk = read_toml(&path)?;
                if let Some(earlier) = crosswalks.insert(crosswalk.id.clone(), crosswalk) {
                    return Err(ContractError::Invalid {
                        path,
                        message: format!("crosswalk id `{}` is declared twice", earlier.id),
                    });
                }
            }
        }
        let mut contracts = Vec::new();
        for path in toml_files(&root.join("sources"))? {
            let mut contract: Contract = read_toml(&path)?;
            contract.path = path;
            contracts.push(contract);
        }
        if contracts.is_empty() {
            return Err(ContractError::Invalid {
                path: root.join("sources"),
                message: "no source contracts (*.toml) found".into(),
            });
        }
        let catalog = Catalog {
            root: root.to_path_buf(),
            contracts: dependency_order(contracts)?,
            code_lists,
            crosswalks,
            providers: providers.provider,
        };
        catalog.check()?;
        Ok(catalog)
    }

    pub fn contract(&self, id: &str) -> Option<&Contract> {
        self.contracts.iter().find(|c| c.id == id)
    }

    /// The vintages a column's codes are checked against, by year: its list and every list
    /// declared a vintage of it (see `CodeList::vintage_of`). `None` unless the column has both
    /// `codes_from` and `vintage_by`.
    pub fn vintages(&self, column: &Column) -> Option<Vec<Vintage>> {
        column.vintage_by.as_ref()?;
        let id = column.codes_from.as_deref()?;
        let vintages = self
            .code_lists
            .values()
            .filter(|l| l.id == id || l.vintage_of.as_deref() == Some(id))
            .map(|l| Vintage {
                list: l.id.clone(),
                from_year: vintage_year(l, l.in_force_from.as_deref()).expect("checked at load"),
                until_year: vintage_year(l, l.in_force_until.as_deref()).expect("checked at load"),
                codes: l.codes.iter().map(|c| c.code.clone()).collect(),
            })
            .collect();
        Some(vintages)
    }

    /// The allowed codes of a column, from `codes` or `codes_from`.
    pub fn allowed_codes(&self, column: &Column) -> Option<Vec<String>> {
        if let Some(codes) = &column.codes {
            return Some(codes.clone());
        }
        let list = self.code_lists.get(column.codes_from.as_deref()?)?;
        Some(list.codes.iter().map(|c| c.code.clone()).collect())
    }

    fn check(&self) -> Result<(), ContractError> {
        for list in self.code_lists.values() {
            let invalid = |message: String| ContractError::Invalid {
                path: self.root.join("codes"),
                message,
            };
            vintage_year(list, list.in_force_from.as_deref()).map_err(invalid)?;
            vintage_year(list, list.in_force_until.as_deref()).map_err(invalid)?;
            if let Some(of) = &list.vintage_of
                && !self.code_lists.contains_key(of)
            {
                return Err(invalid(format!(
                    "code list `{}` is a vintage of `{of}`, which is not in codes/",
                    list.id
                )));
            }
            if list.vintage_of.is_some() && list.act.trim().is_empty() {
                return Err(invalid(format!(
                    "code list `{}` is a vintage: cite the act (`act`) that put it in force or ended it",
                    list.id
                )));
            }
        }
        for x in self.crosswalks.values() {
            let invalid = |message: String| ContractError::Invalid {
                path: self.root.join("crosswalks").join(format!("{}.toml", x.id)),
                message: format!("crosswalk `{}`: {message}", x.id),
            };
            let Some(list) = self.code_lists.get(&x.to_list) else {
                return Err(invalid(format!("to_list `{}` is not in codes/", x.to_list)));
            };
            if x.source.trim().is_empty() {
                return Err(invalid(
                    "cite where the correspondence comes from (`source`)".into(),
                ));
            }
            let mut froms = BTreeSet::new();
            for pair in &x.pairs {
                if pair.from.trim().is_empty() {
                    return Err(invalid("a pair has an empty `from`".into()));
                }
                if !froms.insert(pair.from.as_str()) {
                    return Err(invalid(format!(
                        "`{}` is mapped twice: a code maps to one `{}` code",
                        pair.from, x.to_list
                    )));
                }
                if !list.codes.iter().any(|c| c.code == pair.to) {
                    return Err(invalid(format!(
                        "`{}` (for `{}`) is not a code of the `{}` list",
                        pair.to, pair.from, x.to_list
                    )));
                }
            }
        }
        let mut ids = BTreeSet::new();
        for c in &self.contracts {
            let invalid = |message: String| ContractError::Invalid {
                path: c.path.clone(),
                message,
            };
            if !ids.insert(c.id.clone()) {
                return Err(invalid(format!("source id `{}` is declared twice", c.id)));
            }
            if !self.providers.iter().any(|p| p.id == c.provider) {
                return Err(invalid(format!(
                    "provider `{}` is not in providers.toml",
                    c.provider
                )));
            }
            let mut names = BTreeSet::new();
            for col in &c.columns {
                if !names.insert(col.name.as_str()) {
                    return Err(invalid(format!("column `{}` is declared twice", col.name)));
                }
            }
            if c.header_rows == Some(0) {
                return Err(invalid("`header_rows` is at least 1".into()));
            }
            if c.sheet == Some(SheetRef::Position(0)) {
                return Err(invalid("`sheet` counts from 1, as a workbook does".into()));
            }
            if let Some(t) = &c.transform {
                if let Some(u) = &t.unpivot
                    && let Err(e) = regex::Regex::new(&u.columns)
                {
                    return Err(invalid(format!(
                        "transform.unpivot.columns does not compile: {e}"
                    )));
                }
                for d in &t.derive {
                    if d.name.trim().is_empty() || d.name.starts_with('_') {
                        return Err(invalid(format!(
                            "transform.derive name `{}` must be a column name (not starting with `_`)",
                            d.name
                        )));
                    }
                }
            }
            if c.header_row == Some(0) {
                return Err(invalid(
                    "`header_row` counts from 1, as a spreadsheet does".into(),
                ));
            }
            if c.key.is_empty() {
                return Err(invalid(
                    "`key` names no column: name the columns that identify a row (a drafted \
                     contract lists candidate keys in a comment above it)"
                        .into(),
                ));
            }
            for k in &c.key {
                if c.column(k).is_none() {
                    return Err(invalid(format!("key column `{k}` is not declared")));
                }
            }
            match (c.partition, &c.partition_by) {
                (Partition::None, _) => {}
                (_, None) => {
                    return Err(invalid("`partition_by` is needed to partition".into()));
                }
                (_, Some(by)) => match c.column(by) {
                    Some(col) if col.required && col.personal.is_none() => {
                        let ok = col.ty == ColumnType::Date
                            || (col.ty == ColumnType::Integer && c.partition == Partition::Year);
                        if !ok {
                            return Err(invalid(format!(
                                "partition_by `{by}` must be a date (or an integer year)"
                            )));
                        }
                    }
                    _ => {
                        return Err(invalid(format!(
                            "partition_by `{by}` must name a required, non-personal column"
                        )));
                    }
                },
            }
            if let Some(p) = c.two_digit_year_pivot
                && !(1000..=9900).contains(&p)
            {
                return Err(invalid(format!(
                    "two_digit_year_pivot {p} is not a four-digit year (e.g. 1950)"
                )));
            }
            for col in &c.columns {
                let at = |m: String| invalid(format!("column `{}`: {m}", col.name));
                if let Some(p) = col.two_digit_year_pivot {
                    if col.value_type() != ColumnType::Date {
                        return Err(at("two_digit_year_pivot is only for date columns".into()));
                    }
                    if !(1000..=9900).contains(&p) {
                        return Err(at(format!(
                            "two_digit_year_pivot {p} is not a four-digit year (e.g. 1950)"
                        )));
                    }
                }
                if let Some(list) = &col.codes_from
                    && !self.code_lists.contains_key(list)
                {
                    return Err(at(format!("code list `{list}` is not in codes/")));
                }
                if let Some(by) = &col.vintage_by {
                    if col.codes_from.is_none() {
                        return Err(at("vintage_by needs codes_from".into()));
                    }
                    let by_type = c.column(by).map(Column::value_type);
                    if !matches!(by_type, Some(ColumnType::Date | ColumnType::Integer)) {
                        return Err(at(format!(
                            "vintage_by `{by}` is not a date or integer column of this source"
                        )));
                    }
                }
                if matches!(col.value_type(), ColumnType::Code)
                    && col.codes.is_none()
                    && col.codes_from.is_none()
                {
                    return Err(at("a code column needs `codes` or `codes_from`".into()));
                }
                if let Some(p) = &col.pattern
                    && let Err(e) = regex::Regex::new(p)
                {
                    return Err(at(format!("pattern does not compile: {e}")));
                }
                if let Some(r) = &col.references {
                    let Some((src, target)) = r.split_once('.') else {
                        return Err(at(format!("references `{r}` must be `source.column`")));
                    };
                    let known = if src == c.id {
                        c.column(target).is_some()
                    } else {
                        self.contract(src).and_then(|s| s.column(target)).is_some()
                    };
                    if !known {
                        return Err(at(format!("references unknown column `{r}`")));
                    }
                }
                if let Some(cond) = &col.required_if {
                    match Condition::parse(cond) {
                        Some(cnd) if c.column(&cnd.column).is_some() => {}
                        _ => {
                            return Err(at(format!(
                                "required_if `{cond}` must be `column=value` or `column!=value` with a declared column"
                            )));
                        }
                    }
                }
                for other in col.not_before.iter().chain(&col.not_after) {
                    if c.column(other).map(|o| o.ty) != Some(ColumnType::Date) {
                        return Err(at(format!("date order names `{other}`, not a date column")));
                    }
                }
                for other in col.iin_birth_date.iter().chain(&col.iin_sex) {
                    if c.column(other).is_none() {
                        return Err(at(format!(
                            "IIN cross-check names unknown column `{other}`"
                        )));
                    }
                }
                if col.occurrence == Some(0) {
                    return Err(at("`occurrence` counts from 1".into()));
                }
                if col.personal == Some(Personal::Year) && col.ty != ColumnType::Date {
                    return Err(at("`personal = \"year\"` applies to dates only".into()));
                }
            }
        }
        Ok(())
    }
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ContractError> {
    let text = std::fs::read_to_string(path).map_err(|source| ContractError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ContractError::Syntax {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, ContractError> {
    files_with_extension(dir, "toml").map_err(|source| ContractError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// The files of a folder whose name ends in `.<ext>`, in name order (so every listing of
/// pipelines is the same on every machine).
pub(crate) fn files_with_extension(dir: &Path, ext: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    Ok(files)
}

/// Orders contracts so that each follows the sources it references; a cycle is an error
/// because references are checked against what is already in the lake.
fn dependency_order(mut pending: Vec<Contract>) -> Result<Vec<Contract>, ContractError> {
    let mut ordered: Vec<Contract> = Vec::new();
    while !pending.is_empty() {
        let done: BTreeSet<String> = ordered.iter().map(|c| c.id.clone()).collect();
        let all: BTreeSet<String> = done
            .iter()
            .cloned()
            .chain(pending.iter().map(|c| c.id.clone()))
            .collect();
        let ready = pending.iter().position(|c| {
            c.dependencies()
                .iter()
                .all(|d| done.contains(d) || !all.contains(d))
        });
        match ready {
            Some(i) => ordered.push(pending.remove(i)),
            None => {
                let names: Vec<_> = pending.iter().map(|c| c.id.as_str()).collect();
                return Err(ContractError::Invalid {
                    path: pending[0].path.clone(),
                    message: format!("references form a cycle among: {}", names.join(", ")),
                });
            }
        }
    }
    Ok(ordered)
}

/// Matches `/`-separated paths against patterns with `*` (within one segment) and `**`
/// (any number of segments). Small on purpose: contracts only need these two forms.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').collect();
    let segs: Vec<&str> = path.split('/').collect();
    match_segments(&pat, &segs)
}

fn match_segments(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|i| match_segments(rest, &segs[i..])),
        Some((p, rest)) => match segs.split_first() {
            Some((s, srest)) => wildcard(p, s) && match_segments(rest, srest),
            None => false,
        },
    }
}

fn wildcard(pattern: &str, text: &str) -> bool {
    let Some((head, tail)) = pattern.split_once('*') else {
        return pattern == text;
    };
    if !text.starts_with(head) {
        return false;
    }
    let rest = &text[head.len()..];
    (0..=rest.len())
        .filter(|i| rest.is_char_boundary(*i))
        .any(|i| wildcard(tail, &rest[i..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_one_segment_and_any_depth() {
        assert!(glob_match("nco/*", "nco/nco.xlsx"));
        assert!(!glob_match("nco/*", "nco/sub/nco.xlsx"));
        assert!(glob_match(
            "recognition_results/**/*",
            "recognition_results/2024/03/x.csv"
        ));
        assert!(glob_match(
            "recognition_results/**/*",
            "recognition_results/x.csv"
        ));
        assert!(glob_match("a/*.csv", "a/b.csv"));
        assert!(!glob_match("a/*.csv", "a/b.xlsx"));
    }

    #[test]
    fn the_project_contracts_load_and_are_ordered_by_reference() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        let catalog = Catalog::load(&root).expect("project contracts load");
        let pos = |id: &str| catalog.contracts.iter().position(|c| c.id == id).unwrap();
        assert!(pos("nco") < pos("professions"));
        assert!(pos("centres") < pos("recognition_results"));
        assert!(pos("recognition_results") < pos("certificates"));
        assert!(catalog.contracts.len() >= 17);
    }

    /// The project's pipelines copied to a temporary folder, with `edit` applied to it.
    fn pipelines_with(edit: impl FnOnce(&Path)) -> Result<Catalog, ContractError> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        let dir = std::env::temp_dir().join(format!(
            "nqs-contract-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["codes", "sources", "crosswalks"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
            for f in files_with_extension(&src.join(sub), "toml").unwrap() {
                std::fs::copy(&f, dir.join(sub).join(f.file_name().unwrap())).unwrap();
            }
        }
        std::fs::copy(src.join("providers.toml"), dir.join("providers.toml")).unwrap();
        edit(&dir);
        let catalog = Catalog::load(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        catalog
    }

    fn replace_in(path: &Path, from: &str, to: &str) {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains(from), "{from} not in {}", path.display());
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    #[test]
    fn vintages_and_crosswalks_are_checked_at_load() {
        let catalog = pipelines_with(|_| {}).unwrap();
        assert!(catalog.crosswalks.contains_key("isced_field_sector"));
        let rr = catalog.contract("recognition_results").unwrap();
        let vintages = catalog.vintages(rr.column("region").unwrap()).unwrap();
        let lists: Vec<(&str, Option<i32>, Option<i32>)> = vintages
            .iter()
            .map(|v| (v.list.as_str(), v.from_year, v.until_year))
            .collect();
        assert_eq!(
            lists,
            [
                ("regions", Some(2022), None),
                ("regions-2018", Some(2018), Some(2022)),
                ("regions-before-2018", None, Some(2018)),
            ]
        );
        let message = |e: ContractError| e.to_string();
        let e = pipelines_with(|d| {
            replace_in(
                &d.join("codes/regions-2018.toml"),
                "vintage_of = \"regions\"",
                "vintage_of = \"oblasts\"",
            )
        })
        .unwrap_err();
        assert!(message(e).contains("is a vintage of `oblasts`, which is not in codes/"));
        let e = pipelines_with(|d| {
            replace_in(
                &d.join("codes/regions-2018.toml"),
                "in_force_until = \"2022-06-07\"",
                "in_force_until = \"07.06.2022\"",
            )
        })
        .unwrap_err();
        assert!(message(e).contains("`07.06.2022` is not a date (YYYY-MM-DD)"));
        let e = pipelines_with(|d| {
            replace_in(
                &d.join("sources/recognition_results.toml"),
                "vintage_by = \"decision_date\"",
                "vintage_by = \"result\"",
            )
        })
        .unwrap_err();
        assert!(message(e).contains("vintage_by `result` is not a date or integer column"));
        let e = pipelines_with(|d| {
            replace_in(
                &d.join("crosswalks/isced_field_sector.toml"),
                "to = \"ICT\"",
                "to = \"IT\"",
            )
        })
        .unwrap_err();
        assert!(message(e).contains("`IT` (for `061`) is not a code of the `sectors` list"));
        let e = pipelines_with(|d| {
            replace_in(
                &d.join("crosswalks/isced_field_sector.toml"),
                "from = \"021\"",
                "from = \"011\"",
            )
        })
        .unwrap_err();
        assert!(message(e).contains("`011` is mapped twice"));
    }

    #[test]
    fn personal_columns_get_their_lake_names() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        let catalog = Catalog::load(&root).unwrap();
        let rr = catalog.contract("recognition_results").unwrap();
        assert_eq!(
            rr.column("iin").unwrap().lake_name().as_deref(),
            Some("person_id")
        );
        assert_eq!(rr.column("full_name").unwrap().lake_name(), None);
        assert_eq!(
            rr.column("birth_date").unwrap().lake_name().as_deref(),
            Some("birth_year")
        );
    }

    #[test]
    fn a_reference_to_an_unknown_column_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        std::fs::create_dir_all(dir.path().join("sources")).unwrap();
        std::fs::create_dir_all(dir.path().join("codes")).unwrap();
        std::fs::copy(
            root.join("providers.toml"),
            dir.path().join("providers.toml"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("sources/a.toml"),
            r#"id = "a"
version = 1
title = { kk = "a", ru = "a" }
provider = "ministry"
frequency = "annual"
files = ["a/*"]
partition = "none"
key = ["x"]
[[column]]
name = "x"
type = "string"
references = "b.y"
"#,
        )
        .unwrap();
        let err = Catalog::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("a.toml") && err.contains("b.y"), "{err}");
    }
}
