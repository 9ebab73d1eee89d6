//! Property-based fuzzing (proptest, stable Rust) of the readers and the contract checks:
//! arbitrary bytes and structured-but-mutated extracts (CSV with stray quotes, delimiters,
//! encodings, byte-order marks, NULs and long fields; JSON fragments; XLSX zips with mutated
//! entries) and arbitrary text to the IIN/BIN/date/number parsers and to every source contract.
//!
//! What must hold: nothing panics; a file is refused with a typed error or read, and every row
//! read is accepted or quarantined (rows read = accepted + quarantined + excluded); and the
//! round trips (a valid IIN or BIN built from its parts is accepted, a wrong check digit
//! refused, a date in each accepted form is the same day, a quoted CSV or a workbook gives back
//! its cells).
//!
//! Case counts are small by default so `cargo test --test fuzz` stays fast; `scripts/fuzz.sh
//! SECONDS` runs them with a large `PROPTEST_CASES` until the time is up. Failing inputs that
//! proptest finds are kept in `proptest-regressions/fuzz.txt` and replayed first; each crash
//! found and fixed also has a named regression test at the end of this file.

use chrono::{Datelike, NaiveDate};
use nqs::contract::{Catalog, Contract, TextEncoding};
use nqs::ids;
use nqs::ingest::read::{self, HeaderRow, Layout, RawRow, RawTable};
use nqs::pseudonym::Pseudonymiser;
use nqs::validate::{self, Validator};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::OnceLock;

/// Cases per property unless `PROPTEST_CASES` says otherwise: cheap properties run more.
fn cases(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        // Shrinking a slow end-to-end case can take minutes; a few hundred steps find the core.
        max_shrink_iters: 512,
        // Relative to the package root, where cargo runs integration tests.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/fuzz.txt",
        ))),
        ..Config::default()
    }
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Catalog::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines")).unwrap()
    })
}

fn pseudonymiser() -> &'static Pseudonymiser {
    static P: OnceLock<Pseudonymiser> = OnceLock::new();
    P.get_or_init(Pseudonymiser::sample)
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/// Text a provider's cell may hold, weighted towards what breaks readers: quotes, delimiters,
/// line breaks, NULs, byte-order marks, U+FFFD, Cyrillic and Kazakh letters, spaces.
fn nasty_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => proptest::char::range('0', '9'),
        2 => prop::sample::select(vec![
            '"', '\'', ',', ';', '\t', '\n', '\r', ' ', '\0', '\u{FEFF}', '\u{FFFD}', '.', '-',
            '/', 'T', 'E', '+', '\u{A0}', '№', '«', '»', '—', '\\', '{', '}', '[', ']', ':',
        ]),
        2 => prop::sample::select(vec![
            'а', 'я', 'Ё', 'ё', 'І', 'і', 'ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'Қ', 'Ә', 'Ќ',
            'Љ', 'Ў', 'Ї',
        ]),
        1 => any::<char>(),
    ]
}

fn nasty_text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::collection::vec(nasty_char(), 0..max).prop_map(|v| v.into_iter().collect()),
        // A very long field.
        1 => (nasty_char(), 1000usize..20_000).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

/// A date a generator may write, and the day it is.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    (1900i32..2100, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

/// A valid IIN for `date`, `century_sex` (1-6) and a four-digit serial, if its digits have a
/// check digit at all.
fn build_iin(date: NaiveDate, century_sex: u8, serial: u16) -> Option<String> {
    let first11 = format!(
        "{:02}{:02}{:02}{}{:04}",
        date.year() % 100,
        date.month(),
        date.day(),
        century_sex,
        serial
    );
    let digits: Vec<u8> = first11.bytes().map(|b| b - b'0').collect();
    ids::check_digit(&digits).map(|c| format!("{first11}{c}"))
}

fn century_sex_for(year: i32, male: bool) -> u8 {
    let base = match year {
        ..=1899 => 1,
        1900..=1999 => 3,
        _ => 5,
    };
    if male { base } else { base + 1 }
}

fn valid_iin() -> impl Strategy<Value = (String, NaiveDate, bool)> {
    (
        (1800i32..2100, 1u32..=12, 1u32..=31)
            .prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        any::<bool>(),
        0u16..10_000,
    )
        .prop_filter_map("has a check digit", |(date, male, serial)| {
            build_iin(date, century_sex_for(date.year(), male), serial).map(|i| (i, date, male))
        })
}

fn valid_bin() -> impl Strategy<Value = String> {
    (0u8..100, 1u8..=12, 4u8..=6, 0u8..=3, 0u32..100_000).prop_filter_map(
        "has a check digit",
        |(yy, mm, ty, kind, serial)| {
            let first11 = format!("{yy:02}{mm:02}{ty}{kind}{serial:05}");
            let digits: Vec<u8> = first11.bytes().map(|b| b - b'0').collect();
            ids::check_digit(&digits).map(|c| format!("{first11}{c}"))
        },
    )
}

/// A cell for a contract column: plausible values of every type, mutated ones and noise, so
/// that every check (types, codes, patterns, ranges, IIN/BIN, dates, conditions) both passes and
/// fails.
fn cell_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => valid_iin().prop_map(|(i, _, _)| i),
        2 => valid_bin(),
        2 => valid_iin().prop_map(|(i, _, _)| i[1..].to_string()),
        3 => any_date().prop_map(|d| d.format("%Y-%m-%d").to_string()),
        2 => any_date().prop_map(|d| d.format("%d.%m.%Y").to_string()),
        1 => any_date().prop_map(|d| d.format("%d.%m.%y").to_string()),
        1 => any_date().prop_map(|d| d.format("%d/%m/%Y").to_string()),
        3 => any::<i32>().prop_map(|n| n.to_string()),
        2 => (-1e7f64..1e7).prop_map(|f| f.to_string().replace('.', ",")),
        1 => prop::sample::select(vec![
            "", " ", "true", "false", "да", "жоқ", "M", "F", "1", "0", "NaN", "inf", "-0",
            "1e400", "7,50102E+11", "750102345678.0", "1 064 303,6", "9223372036854775808",
            "00.00.0000", "31.02.2024", "2024-02-30", "99.99.99", "0000-01-01",
        ])
        .prop_map(str::to_string),
        3 => codes_value(),
        3 => nasty_text(24),
    ]
}

/// A code from one of the catalog's lists or a contract's own codes.
fn codes_value() -> impl Strategy<Value = String> {
    let mut all: Vec<String> = catalog()
        .code_lists
        .values()
        .flat_map(|l| l.codes.iter().map(|c| c.code.clone()))
        .collect();
    for c in &catalog().contracts {
        for col in &c.columns {
            all.extend(col.codes.iter().flatten().cloned());
        }
    }
    all.sort();
    all.dedup();
    prop::sample::select(all)
}

/// A header cell for `contract`: a column's name or alias (maybe in other case or padded), or
/// something else.
fn header_cell(contract: &'static Contract) -> impl Strategy<Value = String> {
    let mut names: Vec<String> = Vec::new();
    for c in &contract.columns {
        names.push(c.name.clone());
        names.extend(c.aliases.iter().cloned());
    }
    prop_oneof![
        8 => prop::sample::select(names.clone()),
        1 => prop::sample::select(names).prop_map(|n| format!(" {} ", n.to_uppercase())),
        1 => nasty_text(12),
    ]
}

fn contract_index() -> impl Strategy<Value = usize> {
    0..catalog().contracts.len()
}

/// A table for a random contract: header cells naming its columns (some missing, some twice,
/// some foreign), rows of cell values, sometimes a row of another width.
fn contract_table() -> impl Strategy<Value = (usize, Vec<String>, Vec<Vec<String>>)> {
    contract_index().prop_flat_map(|ci| {
        let contract = &catalog().contracts[ci];
        let width = contract.columns.len();
        let headers = prop_oneof![
            // Every column once, in its order: the common case, where the checks run.
            3 => Just(contract.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>()),
            // Shuffled, some dropped.
            2 => Just(contract.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
                .prop_shuffle()
                .prop_flat_map(move |h| {
                    let n = h.len();
                    (Just(h), 1..=n).prop_map(|(h, k)| h.into_iter().take(k).collect())
                }),
            1 => prop::collection::vec(header_cell(contract), 1..width + 3),
        ];
        headers.prop_flat_map(move |h| {
            let w = h.len();
            let row = prop_oneof![
                12 => prop::collection::vec(cell_value(), w..=w),
                1 => prop::collection::vec(cell_value(), 0..w + 3),
            ];
            (Just(ci), Just(h), prop::collection::vec(row, 0..8))
        })
    })
}

/// CSV text of `rows` with `delimiter`, each field quoted when `quote_all` or when it needs to be.
fn csv_text(rows: &[Vec<String>], delimiter: char, quote_all: bool, crlf: bool) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|f| {
                let needs = f.contains(['"', '\n', '\r', delimiter]);
                if quote_all || needs {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.clone()
                }
            })
            .collect();
        out.push_str(&fields.join(&delimiter.to_string()));
        out.push_str(if crlf { "\r\n" } else { "\n" });
    }
    out
}

#[derive(Debug, Clone, Copy)]
enum Enc {
    Utf8,
    Utf8Bom,
    Win1251,
    Utf16Le(bool),
    Utf16Be(bool),
}

fn encode(text: &str, enc: Enc) -> Vec<u8> {
    let utf16 = |big: bool, bom: bool| {
        let mut out = Vec::new();
        let units = bom
            .then_some(0xFEFF_u16)
            .into_iter()
            .chain(text.encode_utf16());
        for u in units {
            out.extend(if big {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    };
    match enc {
        Enc::Utf8 => text.as_bytes().to_vec(),
        Enc::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        Enc::Win1251 => encoding_rs::WINDOWS_1251.encode(text).0.into_owned(),
        Enc::Utf16Le(bom) => utf16(false, bom),
        Enc::Utf16Be(bom) => utf16(true, bom),
    }
}

fn any_enc() -> impl Strategy<Value = Enc> {
    prop_oneof![
        Just(Enc::Utf8),
        Just(Enc::Utf8Bom),
        Just(Enc::Win1251),
        any::<bool>().prop_map(Enc::Utf16Le),
        any::<bool>().prop_map(Enc::Utf16Be),
    ]
}

fn declared() -> impl Strategy<Value = Option<TextEncoding>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(TextEncoding::Utf8)),
        1 => Just(Some(TextEncoding::Windows1251)),
        1 => Just(Some(TextEncoding::Utf16)),
    ]
}

/// Byte-level mutations of `bytes`: flip, insert, delete, truncate, splice a BOM or a NUL.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    Splice(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
        (
            any::<usize>(),
            prop::sample::select(vec![
                b"\xEF\xBB\xBF".to_vec(),
                b"\xFF\xFE".to_vec(),
                b"\xFE\xFF".to_vec(),
                b"\0".to_vec(),
                b"\"".to_vec(),
                b"\r".to_vec(),
                b"\xA0".to_vec(),
                b"\x8D".to_vec(),
                b"\xD0".to_vec(),
                b"\xED\xA0\x80".to_vec(),
                b"PK\x03\x04".to_vec(),
            ])
        )
            .prop_map(|(i, b)| Mutation::Splice(i, b)),
    ]
}

fn mutate(bytes: &mut Vec<u8>, mutations: &[Mutation]) {
    for m in mutations {
        let len = bytes.len();
        match m {
            Mutation::Flip(i, b) if len > 0 => bytes[i % len] ^= b | 1,
            Mutation::Insert(i, b) => bytes.insert(i % (len + 1), *b),
            Mutation::Delete(i) if len > 0 => {
                bytes.remove(i % len);
            }
            Mutation::Truncate(i) => bytes.truncate(i % (len + 1)),
            Mutation::Splice(i, b) => {
                let at = i % (len + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            _ => {}
        }
    }
}

/// A layout as a contract may declare it (header found, declared or first; spanning rows).
fn layout_parts() -> impl Strategy<Value = (Option<TextEncoding>, u8, u64, usize, bool)> {
    (declared(), 0u8..3, 0u64..30, 1usize..4, any::<bool>())
}

/// Reads `bytes` as `name` with the layout `parts` describes, finding the header by `names`.
fn read_with(
    name: &str,
    bytes: &[u8],
    parts: (Option<TextEncoding>, u8, u64, usize, bool),
    names: &[&str],
) -> Result<RawTable, read::ReadError> {
    let (encoding, header_kind, declared_row, header_rows, merged_cells) = parts;
    let find = |cells: &[String]| cells.iter().filter(|c| names.contains(&c.as_str())).count();
    let header = match header_kind {
        0 => HeaderRow::First,
        1 => HeaderRow::Declared(declared_row),
        _ => HeaderRow::Find(&find),
    };
    let layout = Layout {
        encoding,
        header,
        header_rows,
        sheet: None,
        merged_cells,
    };
    read::read_table_in(Path::new(name), bytes, &layout)
}

/// What every table read must satisfy: each row as wide as the header (a row that is not has
/// its defect said), row numbers rising, encoding defects only on rows read.
fn assert_table_sound(t: &RawTable) -> Result<(), TestCaseError> {
    let mut last = 0u64;
    for row in &t.rows {
        prop_assert_eq!(row.cells.len(), t.headers.len(), "row {}", row.number);
        prop_assert!(
            row.number > last,
            "row numbers rise: {} after {}",
            row.number,
            last
        );
        last = row.number;
        for c in row.cells.iter().flatten() {
            prop_assert!(
                !c.is_empty() && c.trim() == c,
                "cells are trimmed and non-empty"
            );
        }
    }
    for n in t.encoding_defects.keys() {
        prop_assert!(
            t.rows.iter().any(|r| r.number == *n),
            "encoding defect on row {} that was not read",
            n
        );
    }
    Ok(())
}

/// An XLSX workbook holding `rows` on its first sheet, every cell as text.
fn xlsx_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// `xlsx` with the bytes of its entry number `entry` (modulo the count) mutated, rezipped.
fn mutate_xlsx_entry(xlsx: &[u8], entry: usize, mutations: &[Mutation]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let n = archive.len();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..n {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if i == entry % n {
            mutate(&mut data, mutations);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Cell text an XLSX string cell keeps as written (control characters other than tab and
/// line breaks cannot stand in XML 1.0).
fn xml_safe_text(max: usize) -> impl Strategy<Value = String> {
    nasty_text(max).prop_map(|s| {
        s.chars()
            .filter(|c| {
                (!c.is_control() || matches!(c, '\t' | '\n'))
                    && !matches!(c, '\u{FFFE}' | '\u{FFFF}' | '\r')
            })
            .take(500)
            .collect()
    })
}

/// Checks `rows` against `contract` as ingest does and asserts every row accepted or
/// quarantined once.
fn assert_every_row_accounted(
    contract: &Contract,
    headers: &[String],
    rows: &[RawRow],
    defects: &BTreeMap<u64, String>,
) -> Result<(), TestCaseError> {
    let (validator, _) = Validator::new(catalog(), contract, headers, pseudonymiser());
    let (accepted, rejected) = validator.check_rows(rows, defects);
    prop_assert_eq!(
        accepted.numbers.len() + rejected.len(),
        rows.len(),
        "accepted + quarantined = rows read"
    );
    let mut numbers: Vec<u64> = accepted
        .numbers
        .iter()
        .copied()
        .chain(rejected.iter().map(|r| r.number))
        .collect();
    numbers.sort_unstable();
    let mut read: Vec<u64> = rows.iter().map(|r| r.number).collect();
    read.sort_unstable();
    prop_assert_eq!(numbers, read, "each row once");
    for r in &rejected {
        prop_assert!(!r.errors.is_empty(), "a quarantined row says why");
    }
    for col in accepted.columns.iter().flatten() {
        prop_assert_eq!(col.len(), accepted.numbers.len());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// IIN / BIN
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn id_parsers_never_panic_on_any_text(text in nasty_text(40)) {
        let _ = ids::parse_iin(&text);
        let _ = ids::parse_bin(&text);
        let _ = ids::restore_number_form(&text);
        let found = ids::find_iins(&text);
        for r in &found {
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            prop_assert!(ids::parse_iin(&text[r.clone()]).is_ok());
        }
        let withheld = ids::withhold_iins(&text);
        prop_assert!(ids::find_iins(&withheld).is_empty(), "no IIN is left in {}", withheld);
        let masked = pseudonymiser().mask_iins(&text);
        prop_assert!(ids::find_iins(&masked).is_empty());
    }

    #[test]
    fn id_parsers_never_panic_on_digit_strings(text in "[0-9]{9,13}([.,][0-9]{0,3})?([eE][+-]?[0-9]{1,3})?") {
        let _ = ids::parse_iin(&text);
        let _ = ids::parse_bin(&text);
        let _ = ids::restore_number_form(&text);
        let _ = ids::find_iins(&text);
    }

    #[test]
    fn an_iin_built_from_a_date_and_serial_is_accepted_with_its_date_and_sex(
        (iin, date, male) in valid_iin()
    ) {
        let facts = ids::parse_iin(&iin).unwrap();
        prop_assert_eq!(facts.birth_date, date);
        prop_assert_eq!(facts.sex == ids::Sex::Male, male);
        let framed = format!("x {iin} y");
        prop_assert_eq!(ids::find_iins(&framed), vec![2..14]);
        let withheld = ids::withhold_iins(&iin);
        prop_assert_eq!(withheld.as_ref(), ids::IIN_WITHHELD);
        // Inside a longer run of digits it is no IIN.
        let longer = format!("{iin}0");
        prop_assert!(ids::find_iins(&longer).is_empty());
    }

    #[test]
    fn an_iin_with_another_check_digit_is_refused((iin, _, _) in valid_iin(), delta in 1u8..10) {
        let mut bytes = iin.into_bytes();
        bytes[11] = b'0' + (bytes[11] - b'0' + delta) % 10;
        let altered = String::from_utf8(bytes).unwrap();
        let refused = matches!(
            ids::parse_iin(&altered),
            Err(ids::IdError::WrongCheckDigit { .. })
        );
        prop_assert!(refused, "{}", altered);
        prop_assert!(ids::find_iins(&altered).is_empty());
    }

    #[test]
    fn a_bin_built_from_its_parts_is_accepted_and_a_wrong_check_digit_refused(
        bin in valid_bin(), delta in 1u8..10
    ) {
        prop_assert_eq!(ids::parse_bin(&bin), Ok(()));
        // A BIN is never taken for an IIN (digits 5-6 are no day).
        prop_assert!(ids::find_iins(&bin).is_empty());
        let mut bytes = bin.into_bytes();
        bytes[11] = b'0' + (bytes[11] - b'0' + delta) % 10;
        let altered = String::from_utf8(bytes).unwrap();
        let refused = matches!(
            ids::parse_bin(&altered),
            Err(ids::IdError::WrongCheckDigit { .. })
        );
        prop_assert!(refused, "{}", altered);
    }

    #[test]
    fn an_id_that_lost_its_leading_zeros_is_given_them_back(
        (iin, _, _) in valid_iin(), fraction in prop::sample::select(vec!["", ".0", ",0", ".00"])
    ) {
        let stripped = iin.trim_start_matches('0');
        prop_assume!((9..12).contains(&stripped.len()) || !fraction.is_empty());
        let written = format!("{stripped}{fraction}");
        prop_assert_eq!(ids::restore_number_form(&written), Ok(Some(iin.clone())));
    }
}

// ---------------------------------------------------------------------------------------------
// Dates, numbers, booleans
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn value_parsers_never_panic(text in nasty_text(40), pivot in any::<Option<i32>>()) {
        let _ = validate::parse_int(&text);
        let _ = validate::parse_float(&text);
        let _ = validate::parse_bool(&text);
        let _ = validate::parse_date(&text);
        let _ = validate::parse_date_with_pivot(&text, pivot);
    }

    #[test]
    fn date_parsers_never_panic_on_date_shapes(
        text in "[0-9]{1,5}[-./][0-9]{1,5}[-./][0-9]{1,5}([T ][0-9:]{0,8})?",
        pivot in prop_oneof![
            Just(None),
            any::<i32>().prop_map(Some),
            (1900i32..2100).prop_map(Some),
            // The ends of the type, where the window's arithmetic could overflow.
            (i32::MAX - 200..=i32::MAX).prop_map(Some),
            (i32::MIN..=i32::MIN + 200).prop_map(Some),
        ],
    ) {
        let parsed = validate::parse_date_with_pivot(&text, pivot);
        if let Ok(d) = parsed {
            // A date read is one of the forms written.
            let head = text.split(['T', ' ']).next().unwrap();
            prop_assert!(!head.contains('/'), "slashed dates are refused: {}", text);
            prop_assert!(d.year() >= 0 && d.year() <= 99_999);
        }
    }

    #[test]
    fn a_two_digit_year_with_any_pivot_never_panics(
        text in "[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{2}( [0-9:]{0,8})?",
        pivot in prop_oneof![
            any::<i32>(),
            i32::MAX - 200..=i32::MAX,
            i32::MIN..=i32::MIN + 200,
        ],
    ) {
        let _ = validate::parse_date_with_pivot(&text, Some(pivot));
    }

    #[test]
    fn a_date_in_each_accepted_form_is_the_same_day(
        date in (1000i32..=9999, 1u32..=12, 1u32..=31)
            .prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        time in prop::sample::select(vec!["", "T00:00:00", " 12:30", " 0:00:00", "T23:59:59Z"]),
    ) {
        let (y, m, d) = (date.year(), date.month(), date.day());
        for form in [
            format!("{y:04}-{m:02}-{d:02}"),
            format!("{y:04}-{m}-{d}"),
            format!("{d:02}.{m:02}.{y:04}"),
            format!("{d}.{m}.{y:04}"),
        ] {
            let text = format!("  {form}{time} ");
            prop_assert_eq!(validate::parse_date(&text), Ok(date), "{}", text);
        }
        // Slashed, it is refused whichever way round.
        let slashed = format!("{d:02}/{m:02}/{y:04}");
        prop_assert!(validate::parse_date(&slashed).is_err());
    }

    #[test]
    fn a_two_digit_year_is_refused_without_a_pivot_and_read_in_its_window_with_one(
        date in any_date(), pivot in 1900i32..2000,
    ) {
        let text = date.format("%d.%m.%y").to_string();
        prop_assert!(validate::parse_date(&text).is_err());
        let read = validate::parse_date_with_pivot(&text, Some(pivot)).unwrap();
        prop_assert!(read.year() >= pivot && read.year() < pivot + 100);
        prop_assert_eq!(read.year() % 100, date.year() % 100);
        prop_assert_eq!((read.month(), read.day()), (date.month(), date.day()));
    }

    #[test]
    fn whole_numbers_and_decimals_read_back(n in any::<i64>(), f in -1e12f64..1e12) {
        prop_assert_eq!(validate::parse_int(&n.to_string()), Ok(n));
        prop_assert_eq!(validate::parse_float(&n.to_string()), Ok(n as f64));
        prop_assert_eq!(validate::parse_float(&f.to_string()), Ok(f));
        prop_assert_eq!(validate::parse_float(&f.to_string().replace('.', ",")), Ok(f));
    }
}

// ---------------------------------------------------------------------------------------------
// Readers
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn any_bytes_are_read_or_refused_never_a_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        ext in prop::sample::select(vec!["csv", "tsv", "json", "xlsx", "ods", "xls", "pdf"]),
        parts in layout_parts(),
    ) {
        if let Ok(t) = read_with(&format!("x.{ext}"), &bytes, parts, &["a", "b"]) {
            assert_table_sound(&t)?;
        }
    }

    #[test]
    fn mutated_csv_is_read_or_refused_never_a_panic(
        rows in prop::collection::vec(prop::collection::vec(nasty_text(16), 1..6), 1..10),
        delimiter in prop::sample::select(vec![',', ';', '\t', '|']),
        quote_all in any::<bool>(),
        crlf in any::<bool>(),
        enc in any_enc(),
        mutations in prop::collection::vec(mutation(), 0..4),
        parts in layout_parts(),
    ) {
        let text = csv_text(&rows, delimiter, quote_all, crlf);
        let mut bytes = encode(&text, enc);
        mutate(&mut bytes, &mutations);
        let names: Vec<&str> = rows[0].iter().map(String::as_str).collect();
        if let Ok(t) = read_with("x.csv", &bytes, parts, &names) {
            assert_table_sound(&t)?;
        }
    }

    #[test]
    fn quoted_csv_gives_back_its_cells(
        width in 2usize..6,
        rows in prop::collection::vec(prop::collection::vec(
            "[a-zа-яәқ0-9 ,;\t\"'№.-]{0,12}", 6), 1..8),
        delimiter in prop::sample::select(vec![',', ';', '\t']),
        enc in prop_oneof![Just(Enc::Utf8), Just(Enc::Utf8Bom), Just(Enc::Utf16Le(true)), Just(Enc::Utf16Be(true))],
        crlf in any::<bool>(),
    ) {
        let mut rows: Vec<Vec<String>> = rows.into_iter().map(|r| r[..width].to_vec()).collect();
        // A header of distinct names, not blank.
        rows.insert(0, (0..width).map(|i| format!("col{i}")).collect());
        let bytes = encode(&csv_text(&rows, delimiter, true, crlf), enc);
        let t = read::read_table(Path::new("x.csv"), &bytes).unwrap();
        assert_table_sound(&t)?;
        prop_assert_eq!(&t.headers, &rows[0]);
        let expected: Vec<(u64, Vec<Option<String>>)> = rows
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, r)| r.iter().any(|f| !f.trim().is_empty()))
            .map(|(i, r)| {
                let cells = r
                    .iter()
                    .map(|f| Some(f.trim().to_string()).filter(|f| !f.is_empty()))
                    .collect();
                (i as u64 + 1, cells)
            })
            .collect();
        let got: Vec<(u64, Vec<Option<String>>)> =
            t.rows.iter().map(|r| (r.number, r.cells.clone())).collect();
        prop_assert_eq!(got, expected);
        prop_assert!(t.encoding_defects.is_empty());
    }

    #[test]
    fn json_values_are_read_or_refused_never_a_panic(
        value in json_value(),
        wrap in 0u8..3,
        enc in any_enc(),
        mutations in prop::collection::vec(mutation(), 0..3),
        declared in declared(),
    ) {
        let value = match wrap {
            0 => value,
            1 => serde_json::json!({ "rows": value }),
            _ => serde_json::json!([value, {"a": value}]),
        };
        let text = serde_json::to_string(&value).unwrap();
        let mut bytes = encode(&text, enc);
        let clean = bytes.clone();
        mutate(&mut bytes, &mutations);
        let parts = (declared, 0, 0, 1, false);
        if let Ok(t) = read_with("x.json", &bytes, parts, &[]) {
            assert_table_sound(&t)?;
        }
        // Unmutated, undeclared and in UTF-8, an array of records reads one row per record.
        if matches!(enc, Enc::Utf8 | Enc::Utf8Bom)
            && let serde_json::Value::Array(records) = &value
        {
            let t = read::read_table(Path::new("x.json"), &clean).unwrap();
            prop_assert_eq!(t.rows.len(), records.len());
        }
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        nasty_text(16).prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    prop::sample::select(vec!["a", "b", "iin", "date", ""])
                        .prop_map(str::to_string),
                    nasty_text(6),
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(cases(24))]

    #[test]
    fn a_workbook_gives_back_its_cells(
        width in 1usize..5,
        rows in prop::collection::vec(prop::collection::vec(xml_safe_text(12), 5), 1..8),
    ) {
        let mut rows: Vec<Vec<String>> = rows.into_iter().map(|r| r[..width].to_vec()).collect();
        rows.insert(0, (0..width).map(|i| format!("h{i}")).collect());
        let t = read::read_table(Path::new("x.xlsx"), &xlsx_of(&rows)).unwrap();
        assert_table_sound(&t)?;
        prop_assert_eq!(&t.headers, &rows[0]);
        for row in &t.rows {
            let written = &rows[row.number as usize - 1];
            for (c, cell) in row.cells.iter().enumerate() {
                let w = written[c].trim();
                prop_assert_eq!(cell.as_deref(), (!w.is_empty()).then_some(w));
            }
        }
    }

    #[test]
    fn a_workbook_with_a_mutated_entry_is_read_or_refused_never_a_panic(
        rows in prop::collection::vec(prop::collection::vec(xml_safe_text(8), 1..4), 1..5),
        entry in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..4),
        raw_mutations in prop::collection::vec(mutation(), 0..2),
        parts in layout_parts(),
    ) {
        let xlsx = xlsx_of(&rows);
        let mut bytes = mutate_xlsx_entry(&xlsx, entry, &mutations);
        mutate(&mut bytes, &raw_mutations);
        if let Ok(t) = read_with("x.xlsx", &bytes, parts, &["h0"]) {
            assert_table_sound(&t)?;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Contract checks
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(96))]

    /// Every contract's checks, on rows as any reader gives them (rows of another width, cells
    /// of any text, encoding defects on some rows).
    #[test]
    fn every_row_is_accepted_or_quarantined_by_each_contract(
        (ci, headers, rows) in contract_table(),
        defect_rows in prop::collection::btree_set(0u64..10, 0..3),
    ) {
        let contract = &catalog().contracts[ci];
        let rows: Vec<RawRow> = rows
            .into_iter()
            .enumerate()
            .map(|(i, cells)| RawRow {
                number: i as u64 + 2,
                defect: (cells.len() != headers.len()).then(|| "ragged".to_string()),
                cells: if cells.len() == headers.len() {
                    cells.into_iter().map(|c| Some(c.trim().to_string()).filter(|c| !c.is_empty())).collect()
                } else {
                    vec![None; headers.len()]
                },
            })
            .collect();
        let defects = defect_rows
            .into_iter()
            .map(|n| (n, format!("line {n}: bad byte")))
            .collect();
        assert_every_row_accounted(contract, &headers, &rows, &defects)?;
    }
}

proptest! {
    #![proptest_config(cases(24))]

    /// A file of a contract's columns, written in any encoding and delimiter and maybe mutated,
    /// checked end to end as `nqs contract check` checks it.
    #[test]
    fn a_contracts_file_is_refused_or_every_row_accounted_for(
        (ci, headers, rows) in contract_table(),
        delimiter in prop::sample::select(vec![',', ';', '\t']),
        quote_all in any::<bool>(),
        enc in any_enc(),
        mutations in prop::collection::vec(mutation(), 0..3),
        as_json in 0u8..4,
    ) {
        let contract = &catalog().contracts[ci];
        let dir = tempfile::tempdir().unwrap();
        let (name, mut bytes) = if as_json == 0 {
            let records: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::Value::Object(
                        headers.iter().cloned().zip(r.iter().cloned().map(serde_json::Value::String)).collect(),
                    )
                })
                .collect();
            ("extract.json", serde_json::to_vec(&records).unwrap())
        } else {
            let mut all = vec![headers.clone()];
            all.extend(rows.iter().cloned());
            ("extract.csv", encode(&csv_text(&all, delimiter, quote_all, false), enc))
        };
        mutate(&mut bytes, &mutations);
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        match nqs::ingest::check_only(catalog(), contract, &path, None, pseudonymiser()) {
            Ok(c) => {
                let excluded: u64 = c.excluded.values().sum();
                prop_assert_eq!(
                    c.rows_read,
                    c.accepted + c.quarantined + excluded,
                    "rows read = accepted + quarantined + excluded ({:?})",
                    c
                );
            }
            // A typed refusal: its message names something.
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Crashes the fuzzing found, each kept as a named regression test.
// ---------------------------------------------------------------------------------------------

/// Lines ending in a lone `\r` (UTF-16 read as Windows-1251 gives `\r\0\n\0`, an old Mac
/// export gives `\r`): every record was numbered as line 1's next row, so several rows shared a
/// number (fixed in `ingest::read::read_csv`).
#[test]
fn regression_lone_carriage_returns_give_each_row_its_own_number() {
    // As found, the lone carriage returns came from UTF-16 read as Windows-1251; the zero bytes
    // of such a reading now refuse the file (a NUL in the header), so the line ends are written
    // here as an old Mac export writes them.
    let bytes = b"name\raaaaaaaaaaaaa\raa\raaaaaa\r";
    let parts = (Some(TextEncoding::Windows1251), 0, 0, 1, false);
    let t = read_with("x.csv", bytes, parts, &[]).unwrap();
    let numbers: Vec<u64> = t.rows.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [2, 3, 4], "{numbers:?}");
}

/// A two-digit year read by a pivot at the end of `i32` (a typo in a contract's
/// `two_digit_year_pivot`): the window's arithmetic overflowed, a panic in debug builds and a
/// wrapped year in release (fixed in `validate::parse_date_with_pivot`).
#[test]
fn regression_a_pivot_at_the_end_of_i32_is_no_overflow() {
    for pivot in [2_147_483_549, i32::MAX, i32::MIN, i32::MIN + 51] {
        for text in ["0.0.48", "05.10.26", "31.12.99", "1.1.00"] {
            assert!(
                validate::parse_date_with_pivot(text, Some(pivot)).is_err(),
                "{text} by {pivot}"
            );
        }
    }
}
