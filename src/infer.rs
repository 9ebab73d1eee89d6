//! `nqs contract infer`: a draft source contract from one file as a provider sent it — its
//! encoding, where its header is (below title rows, over two rows when merged), footnotes
//! under the table, each column's type, whether it may be blank, code lists, fixed-length
//! codes, candidate keys and references within the file. The draft is a start for the analyst
//! (who names the key and the provider, and reads each column), never a contract applied
//! unseen: every guess is written into the TOML where it can be checked.
//!
//! A column's type is the narrowest one that at least [`SHARE`] of its non-blank cells fit, so
//! that a few bad cells are quarantined by the contract rather than widening it to text.

use crate::contract::Contract;
use crate::ingest::read::{self, HeaderRow, Layout, RawTable, ReadError};
use crate::validate::{parse_date, parse_float, parse_int};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// Share of a column's non-blank cells a type, pattern or code list must fit.
pub const SHARE: f64 = 0.95;
/// Share of blank cells up to which a column is drafted as required.
const REQUIRED_BLANKS: f64 = 0.01;
/// Most codes a column may have to be drafted as a code list.
const MAX_CODES: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum InferError {
    #[error("cannot read {path}: {cause}")]
    Read { path: String, cause: ReadError },
    #[error("{path}: no data rows under the header")]
    NoRows { path: String },
    #[error(
        "{path}: the row taken for the header holds an IIN (personal data), so the file seems to \
         have no header row: add one naming the columns, then draft again"
    )]
    PersonalHeader { path: String },
}

/// What the draft is for.
pub struct InferOptions<'a> {
    /// The source id (also the folder its files are matched in).
    pub id: &'a str,
    /// The provider, an id of `providers.toml`; unset, the draft says to name one.
    pub provider: Option<&'a str>,
}

/// A drafted contract: its TOML and what was found, for the console.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Draft {
    pub toml: String,
    pub rows: usize,
    pub header_rows: usize,
    pub encoding: Option<String>,
    pub candidate_keys: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Iin,
    Bin,
    Date,
    Integer { non_negative: bool },
    Float { non_negative: bool },
    Code(Vec<String>),
    Digits(usize),
    Text,
}

struct ColumnDraft {
    name: String,
    header: String,
    kind: Kind,
    /// Names, phones, free text with IINs: checked, then dropped at ingest.
    personal: bool,
    /// Which of several columns headed alike this is, counting from 1.
    occurrence: Option<usize>,
    required: bool,
    references: Option<String>,
}

/// Drafts a contract for the file at `path` (its bytes in `bytes`).
pub fn infer(path: &Path, bytes: &[u8], opts: &InferOptions) -> Result<Draft, InferError> {
    let shown = crate::ids::withhold_iins(&path.display().to_string()).into_owned();
    let read_with = |header_rows: usize| {
        let layout = Layout {
            header: HeaderRow::Find(&header_score),
            header_rows,
            merged_cells: true,
            ..Layout::default()
        };
        read::read_table_in(path, bytes, &layout).map_err(|cause| InferError::Read {
            path: shown.clone(),
            cause,
        })
    };
    let mut table = read_with(1)?;
    let mut header_rows = 1;
    if merged_header_below(&table) {
        table = read_with(2)?;
        header_rows = 2;
    }
    if table
        .headers
        .iter()
        .any(|h| !crate::ids::find_iins(h).is_empty())
    {
        return Err(InferError::PersonalHeader { path: shown });
    }
    let footer = footnotes(&table);
    let data: Vec<&read::RawRow> = table.rows[..footer.map_or(table.rows.len(), |(at, _)| at)]
        .iter()
        .filter(|r| r.defect.is_none())
        .collect();
    if data.is_empty() {
        return Err(InferError::NoRows { path: shown });
    }
    let mut names = BTreeSet::new();
    let mut columns: Vec<ColumnDraft> = table
        .headers
        .iter()
        .enumerate()
        .map(|(i, header)| {
            let values: Vec<&str> = data
                .iter()
                .filter_map(|r| r.cells.get(i).and_then(|c| c.as_deref()))
                .collect();
            let mut name = column_name(header, i);
            let mut n = 1;
            while !names.insert(name.clone()) {
                n += 1;
                name = format!("{}_{n}", column_name(header, i));
            }
            // Several columns headed alike: each says which one it is.
            let same: Vec<usize> = (0..table.headers.len())
                .filter(|j| table.headers[*j].trim().to_lowercase() == header.trim().to_lowercase())
                .collect();
            let occurrence = (same.len() > 1)
                .then(|| same.iter().position(|j| *j == i).map(|p| p + 1))
                .flatten();
            let mut kind = kind_of(&values);
            let names_like = values.iter().filter(|v| looks_like_a_name(v)).count();
            let with_iins = values.iter().any(|v| !crate::ids::find_iins(v).is_empty());
            let personal = kind != Kind::Iin
                && (personal_header(header)
                    || with_iins
                    || (names_like * 2 >= values.len() && !values.is_empty()));
            if personal {
                kind = Kind::Text;
            }
            ColumnDraft {
                name,
                header: header.trim().to_string(),
                kind,
                personal,
                occurrence,
                // Blank in at most one row in a hundred: a required column with a slip,
                // rather than an optional one.
                required: !values.is_empty()
                    && ((data.len() - values.len()) as f64) <= REQUIRED_BLANKS * data.len() as f64,
                references: None,
            }
        })
        .collect();
    let keys = candidate_keys(&columns, &data);
    references_within(&mut columns, &data, &keys, opts.id);
    let mut iin_seen = false;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Drafted by `nqs contract infer` from {shown}: read every column before use.\n\
         # Rows read: {}; a type, pattern or code list fits at least {:.0} % of a column's cells.",
        data.len(),
        SHARE * 100.0
    );
    let _ = writeln!(out, "id = {}", q(opts.id));
    let _ = writeln!(out, "version = 1");
    let stem = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let stem = crate::ids::withhold_iins(&stem).into_owned();
    let _ = writeln!(out, "title = {{ kk = {}, ru = {} }}", q(&stem), q(&stem));
    match opts.provider {
        Some(p) => {
            let _ = writeln!(out, "provider = {}", q(p));
        }
        None => {
            let _ = writeln!(
                out,
                "# Name the provider (an id of providers.toml): the draft is refused until then.\n\
                 provider = \"name-the-provider\""
            );
        }
    }
    let _ = writeln!(out, "frequency = \"on_change\"");
    let _ = writeln!(out, "files = [{}]", q(&format!("{}/*", opts.id)));
    let _ = writeln!(out, "partition = \"none\"");
    let key: Vec<String> = keys.first().cloned().unwrap_or_default();
    if keys.len() > 1 {
        let others: Vec<String> = keys[1..].iter().map(|k| k.join(" + ")).collect();
        let _ = writeln!(out, "# Other candidate keys: {}", others.join("; "));
    }
    if key.is_empty() {
        let _ = writeln!(
            out,
            "# No column or pair of columns is unique: name the key (rows that repeat it are quarantined)."
        );
    }
    let key_names: Vec<String> = key.iter().map(|k| q(k)).collect::<Vec<_>>();
    let _ = writeln!(out, "key = [{}]", key_names.join(", "));
    if let Some(e) = table.encoding {
        let declared = match e {
            read::Encoding::Utf8 => "utf-8",
            read::Encoding::Windows1251 => "windows-1251",
            read::Encoding::Utf16Le | read::Encoding::Utf16Be => "utf-16",
        };
        let _ = writeln!(out, "encoding = {}", q(declared));
    }
    if header_rows > 1 {
        let _ = writeln!(
            out,
            "# The header spans two rows (merged cells): columns are named by both, joined."
        );
        let _ = writeln!(out, "header_rows = {header_rows}");
    }
    if let Some((_, col)) = footer {
        let first = data.len();
        let text = table.rows[first].cells[col].as_deref().unwrap_or_default();
        // The words before any digit: a note's opening, never a number (an IIN cut short by
        // a length limit would no longer be recognised as one).
        let prefix: String = text
            .chars()
            .take_while(|c| !c.is_ascii_digit())
            .take(20)
            .collect();
        let prefix = prefix.replace('\'', "''");
        if prefix.trim().is_empty() {
            let _ = writeln!(
                out,
                "\n# Rows with one cell under the table from row {} on: declare a [transform] \
                 stop_at if they are notes.",
                table.rows[first].number
            );
        } else {
            let _ = writeln!(
                out,
                "\n# Rows with one cell under the table (notes, footnotes) from row {} on.\n[transform]\nstop_at = {}",
                table.rows[first].number,
                // A transform calls a declared column by its declared name.
                q(&format!("starts_with({}, '{}')", columns[col].name, prefix))
            );
        }
    }
    for c in &columns {
        let _ = writeln!(out, "\n[[column]]\nname = {}", q(&c.name));
        let ty = match &c.kind {
            Kind::Iin => "iin",
            Kind::Bin => "bin",
            Kind::Date => "date",
            Kind::Integer { .. } => "integer",
            Kind::Float { .. } => "float",
            Kind::Code(_) => "code",
            Kind::Digits(_) | Kind::Text => "string",
        };
        let _ = writeln!(out, "type = \"{ty}\"");
        if c.required || key.contains(&c.name) {
            let _ = writeln!(out, "required = true");
        }
        match &c.kind {
            Kind::Iin => {
                let handling = if iin_seen { "drop" } else { "pseudonymise" };
                iin_seen = true;
                let _ = writeln!(out, "personal = \"{handling}\"");
            }
            Kind::Integer { non_negative: true } | Kind::Float { non_negative: true } => {
                let _ = writeln!(out, "min = 0");
            }
            Kind::Code(codes) => {
                let list: Vec<String> = codes.iter().map(|c| q(c)).collect();
                let _ = writeln!(out, "codes = [{}]", list.join(", "));
            }
            Kind::Digits(n) => {
                let _ = writeln!(out, "pattern = {}", q(&format!("^\\d{{{n}}}$")));
            }
            _ => {}
        }
        if c.personal {
            let _ = writeln!(
                out,
                "# People's details (a name, a phone, an IIN in text): checked, never kept.\npersonal = \"drop\""
            );
        }
        if let Some(k) = c.occurrence {
            let _ = writeln!(out, "occurrence = {k}");
        }
        if let Some(r) = &c.references {
            let _ = writeln!(out, "references = {}", q(r));
        }
        if !c.header.is_empty() && c.header != c.name {
            let alias = crate::ids::withhold_iins(&c.header).into_owned();
            let _ = writeln!(out, "aliases = [{}]", q(&alias));
        }
    }
    Ok(Draft {
        toml: out,
        rows: data.len(),
        header_rows,
        encoding: table.encoding.map(|e| e.as_str().to_string()),
        candidate_keys: keys,
    })
}

/// Parses a drafted contract as the catalog would (for tests and `--check`).
pub fn parse_draft(toml_text: &str) -> Result<Contract, toml::de::Error> {
    toml::from_str(toml_text)
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// How much a row looks like a header: its distinct cells that are text, not numbers or dates.
fn header_score(cells: &[String]) -> usize {
    let distinct: BTreeSet<&str> = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty() && parse_float(c).is_err() && parse_date(c).is_err())
        .collect();
    distinct.len()
}

/// Whether the row under a one-row header continues it: the header repeats a cell across
/// columns (a merged cell) or leaves some blank, and the row below fills them with labels or
/// years rather than data.
fn merged_header_below(table: &RawTable) -> bool {
    let Some(next) = table.rows.first() else {
        return false;
    };
    let h = &table.headers;
    let repeats = h
        .windows(2)
        .any(|w| !w[0].trim().is_empty() && w[0] == w[1]);
    let blanks = h.iter().any(|c| c.trim().is_empty());
    if !(repeats || blanks) {
        return false;
    }
    let labels = next.cells.iter().flatten().all(|c| {
        parse_float(c).is_err() || c.parse::<u32>().is_ok_and(|y| (1990..=2100).contains(&y))
    });
    let filled = next.cells.iter().flatten().count();
    labels && filled >= 2
}

/// The first row of a block of rows under the table that fill one cell only (notes,
/// footnotes, a source line), with that cell's column; None when the table ends with data.
fn footnotes(table: &RawTable) -> Option<(usize, usize)> {
    let one_cell = |r: &read::RawRow| {
        let filled: Vec<usize> = (0..r.cells.len())
            .filter(|i| r.cells[*i].is_some())
            .collect();
        (filled.len() == 1 && r.defect.is_none()).then(|| filled[0])
    };
    let mut at = table.rows.len();
    while at > 0 && one_cell(&table.rows[at - 1]).is_some() {
        at -= 1;
    }
    let block = table.rows.len() - at;
    // A narrow table (one or two columns) has rows of one cell as data.
    let wide = table.headers.len() >= 3;
    if !(wide && block > 0 && block <= 5 && at > 0) {
        return None;
    }
    Some((at, one_cell(&table.rows[at])?))
}

/// A column name from a header: transliterated to Latin, lower case, words joined with `_`.
fn column_name(header: &str, i: usize) -> String {
    let mut out = String::new();
    for ch in header.trim().to_lowercase().chars() {
        let t = match ch {
            'а' => "a",
            'ә' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'ғ' => "g",
            'д' => "d",
            'е' | 'ё' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'й' | 'і' => "i",
            'к' | 'қ' => "k",
            'л' => "l",
            'м' => "m",
            'н' | 'ң' => "n",
            'о' | 'ө' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'ұ' | 'ү' => "u",
            'ф' => "f",
            'х' | 'һ' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ы' => "y",
            'э' => "e",
            'ю' => "yu",
            'я' => "ya",
            'ъ' | 'ь' => "",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "_",
        };
        out.push_str(t);
    }
    let words: Vec<&str> = out.split('_').filter(|w| !w.is_empty()).collect();
    let name = words.join("_");
    match name.chars().next() {
        None => format!(
            "column_{}",
            crate::validate::column_letter(i).to_lowercase()
        ),
        Some(c) if c.is_ascii_digit() => format!("c_{name}"),
        Some(_) => name,
    }
}

fn fits(values: &[&str], ok: impl Fn(&str) -> bool) -> bool {
    let n = values.iter().filter(|v| ok(v)).count();
    n as f64 >= SHARE * values.len() as f64
}

fn kind_of(values: &[&str]) -> Kind {
    if values.is_empty() {
        return Kind::Text;
    }
    let digits = |v: &str, n: usize| v.len() == n && v.bytes().all(|b| b.is_ascii_digit());
    // An IIN a spreadsheet stored as a number lost its leading zeros (born 2000–2009): it is
    // still an IIN, and still personal.
    let iin = |v: &str| {
        crate::ids::parse_iin(v).is_ok()
            || crate::ids::restore_number_form(v)
                .ok()
                .flatten()
                .is_some_and(|r| crate::ids::parse_iin(&r).is_ok())
    };
    if fits(values, iin) {
        return Kind::Iin;
    }
    if fits(values, |v| crate::ids::parse_bin(v).is_ok()) {
        return Kind::Bin;
    }
    if fits(values, |v| parse_date(v).is_ok()) {
        return Kind::Date;
    }
    let distinct: BTreeMap<&str, usize> = values.iter().fold(BTreeMap::new(), |mut m, v| {
        *m.entry(*v).or_default() += 1;
        m
    });
    // Codes: few values, each seen more than once (a value seen once among many rows is more
    // likely a typo than a code).
    let repeated: Vec<String> = distinct
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(v, _)| v.to_string())
        .collect();
    let covered: usize = distinct.values().filter(|n| **n > 1).sum();
    let few =
        repeated.len() <= MAX_CODES && values.len() >= 20 && repeated.len() * 5 <= values.len();
    let text_like = values.iter().any(|v| parse_float(v).is_err());
    let leading_zero = values
        .iter()
        .any(|v| v.len() > 1 && v.starts_with('0') && v.bytes().all(|b| b.is_ascii_digit()));
    // A list of codes never holds what may identify a person: a value with an IIN in it, or
    // one shaped like a name (two or three capitalised words).
    let personal_like = repeated
        .iter()
        .any(|v| !crate::ids::find_iins(v).is_empty() || looks_like_a_name(v));
    if few
        && !personal_like
        && covered as f64 >= SHARE * values.len() as f64
        && (text_like || repeated.len() <= 3)
    {
        return Kind::Code(repeated);
    }
    // Fixed-length digit strings are codes (KATO, NCO unit groups), kept as text with their
    // zeros, not numbers.
    let mut lengths: BTreeMap<usize, usize> = BTreeMap::new();
    for v in values {
        *lengths.entry(v.chars().count()).or_default() += 1;
    }
    if let Some((&len, _)) = lengths.iter().max_by_key(|(_, n)| **n)
        && len >= 2
        && (leading_zero || len >= 6)
        && fits(values, |v| digits(v, len))
    {
        return Kind::Digits(len);
    }
    if fits(values, |v| parse_int(v).is_ok()) {
        let non_negative = values
            .iter()
            .filter_map(|v| parse_int(v).ok())
            .all(|n| n >= 0);
        return Kind::Integer { non_negative };
    }
    if fits(values, |v| parse_float(v).is_ok()) {
        let non_negative = values
            .iter()
            .filter_map(|v| parse_float(v).ok())
            .all(|n| n >= 0.0);
        return Kind::Float { non_negative };
    }
    Kind::Text
}

/// Two or three words, each a capital letter then small ones (`Сапарова Айгүл Қайратқызы`).
fn looks_like_a_name(v: &str) -> bool {
    let words: Vec<&str> = v.split_whitespace().collect();
    (2..=3).contains(&words.len())
        && words.iter().all(|w| {
            let mut chars = w.chars();
            chars.next().is_some_and(char::is_uppercase)
                && chars.clone().count() >= 1
                && chars.all(|c| c.is_lowercase() || c == '-')
        })
}

/// A column whose header or values say it holds people's details, which a draft must mark
/// `personal` so that they never reach the lake.
fn personal_header(header: &str) -> bool {
    let h = header.to_lowercase();
    [
        "фио",
        "ф.и.о",
        "фамилия",
        "имя",
        "отчество",
        "исполнитель",
        "телефон",
        "e-mail",
        "email",
        "почта",
        "аты-жөні",
        "тегі",
        "аты",
        "name",
        "phone",
        "адрес",
    ]
    .iter()
    .any(|k| {
        h.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '.')
            .any(|w| w == *k)
    })
}

fn cells_of<'a>(data: &[&'a read::RawRow], i: usize) -> Vec<Option<&'a str>> {
    data.iter()
        .map(|r| r.cells.get(i).and_then(|c| c.as_deref()))
        .collect()
}

/// Columns, then pairs of columns, filled and unique in every row; identifier-like names first.
fn candidate_keys(columns: &[ColumnDraft], data: &[&read::RawRow]) -> Vec<Vec<String>> {
    // Unique where filled, and filled in all but a few rows (a total row under the table).
    let unique = |idx: &[usize]| {
        let mut seen = HashSet::new();
        let mut blank = 0usize;
        for r in data {
            let key: Option<Vec<&str>> = idx
                .iter()
                .map(|i| r.cells.get(*i).and_then(|c| c.as_deref()))
                .collect();
            match key {
                Some(k) => {
                    if !seen.insert(k) {
                        return false;
                    }
                }
                None => blank += 1,
            }
        }
        (blank as f64) <= (1.0 - SHARE) * data.len() as f64
    };
    // Measures and dates are not identifiers, unless named as one.
    let usable = |c: &ColumnDraft| {
        !c.personal
            && match c.kind {
                Kind::Float { .. } | Kind::Iin | Kind::Date => false,
                Kind::Integer { .. } => {
                    let n = c.name.as_str();
                    n == "id"
                        || n.ends_with("_id")
                        || n == "year"
                        || n.contains("code")
                        || n.contains("kod")
                }
                _ => true,
            }
    };
    let mut singles: Vec<usize> = (0..columns.len())
        .filter(|i| usable(&columns[*i]) && unique(&[*i]))
        .collect();
    let id_like = |i: &usize| {
        let n = columns[*i].name.as_str();
        !(n == "id" || n.ends_with("_id") || n.contains("code") || n.contains("kod"))
    };
    singles.sort_by_key(|i| (id_like(i), *i));
    let mut keys: Vec<Vec<String>> = singles
        .iter()
        .map(|i| vec![columns[*i].name.clone()])
        .collect();
    // In a key of several columns, a whole number with few values is a code too (a group
    // number 0–9 beside a region), never a measure.
    let few_values = |i: usize| {
        let distinct: HashSet<&str> = cells_of(data, i).into_iter().flatten().collect();
        distinct.len() <= MAX_CODES
    };
    let n = columns.len().min(8);
    let usable_at: Vec<usize> = (0..n)
        .filter(|i| {
            usable(&columns[*i])
                || (matches!(columns[*i].kind, Kind::Integer { .. })
                    && !columns[*i].personal
                    && few_values(*i))
        })
        .collect();
    let name = |i: &usize| columns[*i].name.clone();
    if keys.is_empty() {
        for (x, a) in usable_at.iter().enumerate() {
            for b in &usable_at[x + 1..] {
                if unique(&[*a, *b]) {
                    keys.push(vec![name(a), name(b)]);
                }
            }
        }
    }
    if keys.is_empty() {
        for (x, a) in usable_at.iter().enumerate() {
            for (y, b) in usable_at.iter().enumerate().skip(x + 1) {
                for c in &usable_at[y + 1..] {
                    if unique(&[*a, *b, *c]) {
                        keys.push(vec![name(a), name(b), name(c)]);
                    }
                }
            }
        }
    }
    keys.truncate(5);
    keys
}

/// A column whose values are (almost all) values of a single-column key of the same file is
/// a reference to it: a parent given by id.
fn references_within(
    columns: &mut [ColumnDraft],
    data: &[&read::RawRow],
    keys: &[Vec<String>],
    id: &str,
) {
    let targets: Vec<usize> = keys
        .iter()
        .filter(|k| k.len() == 1)
        .filter_map(|k| columns.iter().position(|c| c.name == k[0]))
        .collect();
    for i in 0..columns.len() {
        if targets.contains(&i)
            || columns[i].personal
            || matches!(columns[i].kind, Kind::Code(_) | Kind::Date)
        {
            continue;
        }
        let values: Vec<&str> = cells_of(data, i).into_iter().flatten().collect();
        if values.len() < 2 {
            continue;
        }
        for &t in &targets {
            let target: HashSet<&str> = cells_of(data, t).into_iter().flatten().collect();
            if fits(&values, |v| target.contains(v)) {
                let name = columns[t].name.clone();
                columns[i].references = Some(format!("{id}.{name}"));
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_latin_words() {
        assert_eq!(column_name("Регион (КАТО)", 0), "region_kato");
        assert_eq!(column_name("ҰКС коды", 0), "uks_kody");
        assert_eq!(column_name("2024", 0), "c_2024");
        assert_eq!(column_name("  ", 2), "column_c");
        assert_eq!(column_name("PARENT_ID", 0), "parent_id");
    }

    #[test]
    fn people_are_never_codes() {
        assert!(looks_like_a_name("Сапарова Айгүл Қайратқызы"));
        assert!(looks_like_a_name("Иванов Пётр"));
        assert!(!looks_like_a_name("Карагандинская область"));
        assert!(!looks_like_a_name("2 Специалисты-профессионалы"));
        assert!(personal_header("ФИО"));
        assert!(personal_header("Исполнитель"));
        assert!(!personal_header("Регион"));
        let mut v = vec!["Иванов Пётр"; 15];
        v.extend(["Сапарова Айгүл"; 15]);
        assert_ne!(
            kind_of(&v),
            Kind::Code(vec!["Иванов Пётр".into(), "Сапарова Айгүл".into()])
        );
    }

    #[test]
    fn a_type_fits_most_cells_so_the_odd_one_is_quarantined() {
        let numbers: Vec<String> = (0..30).map(|n| (n * 7).to_string()).collect();
        let mut v: Vec<&str> = numbers.iter().map(String::as_str).collect();
        v.push("1x");
        assert_eq!(kind_of(&v), Kind::Integer { non_negative: true });
        let v = ["0713000", "0101000", "0713000", "1304000"];
        assert_eq!(kind_of(&v), Kind::Digits(7));
        let mut v = vec!["M"; 15];
        v.extend(["F"; 14]);
        v.push("Ж");
        assert_eq!(kind_of(&v), Kind::Code(vec!["F".into(), "M".into()]));
        assert_eq!(kind_of(&["2024-01-05", "05.01.2024"]), Kind::Date);
        assert_eq!(kind_of(&["Астана", "12"]), Kind::Text);
    }
}
