//! Files as providers really send them: their encodings and their short dates. The cases in
//! `tests/cases/mixed-encoding` and `tests/cases/two-digit-year`, and files of the sample
//! re-sent in other encodings or with other dates (built below from the sample's own files),
//! are laid over a copy of the sample and ingested with the real binary; the lake, the
//! quarantine and the manifest are then read back.

use crate::common::*;
use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const STRAY_BYTE_FILE: &str = "standards/standards_MT.csv";
const SHORT_YEAR_FILE: &str = "registrations/registrations_2026-10.csv";
/// Sample files re-sent in UTF-16 (Kazakh and Russian text).
const UTF16LE_FILE: &str = "standards/standards_MF.csv";
const UTF16BE_FILE: &str = "standards/standards_MKI.csv";
/// A sample file in Windows-1251 whose header is Russian (`№ заявления;ИИН;ФИО;…`).
const CP1251_FILE: &str = "recognition_results/2022/02/071040015756.csv";
/// A Windows-1251 sample file re-sent with one byte of KZ-1048 (Қ at 0x8D) on line 3.
const KZ1048_FILE: &str = "recognition_results/2022/03/071040015756.csv";
/// A sample file re-sent with a slashed short date on line 2.
const SLASHED_FILE: &str = "registrations/registrations_2022-01.csv";

struct Ingested {
    input: PathBuf,
    out: PathBuf,
}

fn case_input(case: &str) -> PathBuf {
    project_root().join("tests/cases").join(case).join("in")
}

fn sample(rel: &str) -> Vec<u8> {
    std::fs::read(project_root().join("datasets/sample").join(rel)).unwrap()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    std::iter::once(0xFEFF_u16)
        .chain(text.encode_utf16())
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

/// Where `needle` first stands on line `line` (from 1) of `bytes`.
fn offset_on_line(bytes: &[u8], line: usize, needle: &[u8]) -> usize {
    let start = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(line - 2)
        .map_or(0, |(i, _)| i + 1);
    start
        + bytes[start..]
            .windows(needle.len())
            .position(|w| w == needle)
            .expect("needle on the line")
}

/// The KZ-1048 file's bytes and the offset of its one KZ-1048 byte.
fn kz1048_file() -> (Vec<u8>, usize) {
    let mut bytes = sample(KZ1048_FILE);
    // The first letter of line 3's name (a capital Cyrillic letter, 0xC0–0xDF in 1251).
    let semi = offset_on_line(&bytes, 3, b";");
    let at = semi + 1 + bytes[semi + 1..].iter().position(|b| *b == b';').unwrap() + 1;
    assert!((0xC0..=0xDF).contains(&bytes[at]), "a capital letter");
    bytes[at] = 0x8D;
    (bytes, at)
}

/// The sample, the two cases and the re-sent files, ingested once with the project's contracts.
fn ingested() -> &'static Ingested {
    static INGESTED: OnceLock<Ingested> = OnceLock::new();
    INGESTED.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("nqs-encodings-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let input = root.join("in");
        copy_tree(&project_root().join("datasets/sample"), &input);
        for case in ["mixed-encoding", "two-digit-year"] {
            copy_tree(&case_input(case), &input);
        }
        let text = |rel| String::from_utf8(sample(rel)).unwrap();
        std::fs::write(input.join(UTF16LE_FILE), utf16(&text(UTF16LE_FILE), false)).unwrap();
        std::fs::write(input.join(UTF16BE_FILE), utf16(&text(UTF16BE_FILE), true)).unwrap();
        std::fs::write(input.join(KZ1048_FILE), kz1048_file().0).unwrap();
        let slashed = text(SLASHED_FILE).replacen(",2022-01-05,", ",5/1/22,", 1);
        assert_ne!(slashed, text(SLASHED_FILE));
        std::fs::write(input.join(SLASHED_FILE), slashed).unwrap();
        let out = root.join("out");
        let o = nqs(&out, &["ingest", input.to_str().unwrap(), "--sample"]);
        assert!(o.status.success(), "nqs ingest: {}", stderr(&o));
        Ingested { input, out }
    })
}

fn manifest_entry(out: &Path, file: &str) -> serde_json::Value {
    let path = out.join("lake/_manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    manifest["files"][file].clone()
}

/// (encoding, rows read, accepted, quarantined) of one input file.
fn counts(out: &Path, file: &str) -> (String, [u64; 3]) {
    let e = manifest_entry(out, file);
    (
        e["encoding"].as_str().unwrap_or("").to_string(),
        ["rows_read", "accepted", "quarantined"].map(|k| e[k].as_u64().unwrap()),
    )
}

/// (row, column, reason_code, reason) of the quarantined rows of `file`.
fn quarantined(out: &Path, source: &str, file: &str) -> Vec<(i64, String, String, String)> {
    let path = out.join("quarantine").join(format!("{source}.parquet"));
    let df = read_parquet(&path)
        .lazy()
        .filter(col("file").eq(lit(file)))
        .sort(["row"], SortMultipleOptions::default())
        .collect()
        .unwrap();
    let s = |c: &str| -> Vec<String> {
        df.column(c)
            .unwrap()
            .str()
            .unwrap()
            .into_iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect()
    };
    let rows: Vec<i64> = df
        .column("row")
        .unwrap()
        .cast(&DataType::Int64)
        .unwrap()
        .i64()
        .unwrap()
        .into_iter()
        .map(|v| v.unwrap())
        .collect();
    let (column, code, reason) = (s("column"), s("reason_code"), s("reason"));
    (0..rows.len())
        .map(|i| {
            (
                rows[i],
                column[i].clone(),
                code[i].clone(),
                reason[i].clone(),
            )
        })
        .collect()
}

fn strs(df: &DataFrame, column: &str) -> Vec<String> {
    df.column(column)
        .unwrap()
        .str()
        .unwrap()
        .into_iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_stray_byte_in_utf8_quarantines_its_row_and_the_rest_is_read_as_utf8() {
    let out = &ingested().out;
    let bytes = std::fs::read(case_input("mixed-encoding").join(STRAY_BYTE_FILE)).unwrap();
    let at = std::str::from_utf8(&bytes).unwrap_err().valid_up_to();
    assert_eq!(bytes[at], 0xA0);
    let line = 1 + bytes[..at].iter().filter(|b| **b == b'\n').count() as i64;

    assert_eq!(counts(out, STRAY_BYTE_FILE), ("utf-8".into(), [15, 14, 1]));
    let q = quarantined(out, "standards", STRAY_BYTE_FILE);
    assert_eq!(q.len(), 1);
    let (row, column, code, reason) = &q[0];
    assert_eq!(
        (*row, column.as_str(), code.as_str()),
        (line, "developer", "encoding")
    );
    assert_eq!(
        reason,
        &format!("line {line}, byte {at}: 0xA0 is not valid UTF-8")
    );
    // Every other row keeps its Kazakh and Russian text as sent, not as 1251 mojibake.
    let text = String::from_utf8_lossy(&bytes);
    let lake = lake_rows_of(&out.join("lake"), "standards", STRAY_BYTE_FILE);
    assert_eq!(lake.height(), 14);
    for name in strs(&lake, "name_kk") {
        assert!(text.contains(&name), "{name} is not in the file");
    }
    assert!(strs(&lake, "name_kk").iter().any(|n| n.contains('ә')));
}

#[test]
fn a_two_digit_year_is_refused_as_not_a_date_and_never_lands_in_year_26() {
    let out = &ingested().out;
    assert_eq!(
        counts(out, SHORT_YEAR_FILE),
        ("utf-8".into(), [222, 221, 1])
    );
    let q = quarantined(out, "registrations", SHORT_YEAR_FILE);
    assert_eq!(q.len(), 1);
    let (row, column, code, reason) = &q[0];
    assert_eq!(
        (*row, column.as_str(), code.as_str()),
        (16, "trigger_date", "not_a_date")
    );
    assert!(
        reason.contains("`05.10.26` has a two-digit year"),
        "{reason}"
    );
    let partitions = manifest_entry(out, SHORT_YEAR_FILE)["partitions"].clone();
    assert_eq!(partitions, serde_json::json!(["2026"]));
    assert!(!out.join("lake/registrations/26").exists());
    assert!(!out.join("lake/registrations/0026").exists());
}

#[test]
fn a_slashed_short_date_is_refused_as_a_two_digit_year() {
    let out = &ingested().out;
    assert_eq!(counts(out, SLASHED_FILE), ("utf-8".into(), [87, 86, 1]));
    let q = quarantined(out, "registrations", SLASHED_FILE);
    let (row, column, code, reason) = &q[0];
    assert_eq!(
        (*row, column.as_str(), code.as_str()),
        (2, "trigger_date", "not_a_date")
    );
    assert!(reason.contains("`5/1/22` has a two-digit year"), "{reason}");
}

#[test]
fn utf16_files_are_read_by_their_byte_order_mark_and_recorded_so() {
    let out = &ingested().out;
    for (file, encoding, rows) in [(UTF16LE_FILE, "utf-16le", 8), (UTF16BE_FILE, "utf-16be", 4)] {
        assert_eq!(
            counts(out, file),
            (encoding.into(), [rows, rows, 0]),
            "{file}"
        );
        let text = String::from_utf8(sample(file)).unwrap();
        let lake = lake_rows_of(&out.join("lake"), "standards", file);
        let names = strs(&lake, "name_kk");
        assert_eq!(names.len() as u64, rows);
        for name in &names {
            assert!(
                text.contains(name.as_str()),
                "{file}: {name} is not in the file"
            );
        }
        assert!(
            names
                .iter()
                .any(|n| n.contains(['ә', 'ұ', 'қ', 'ғ', 'ү', 'ө']))
        );
    }
}

#[test]
fn a_windows_1251_file_with_russian_text_is_read_and_recorded_so() {
    let out = &ingested().out;
    assert_eq!(counts(out, CP1251_FILE), ("windows-1251".into(), [4, 4, 0]));
    // Its Russian header names are matched to the contract's columns only if read right.
    let e = manifest_entry(out, CP1251_FILE);
    assert_eq!(e["missing_columns"], serde_json::json!([]));
    assert_eq!(e["ignored_columns"], serde_json::json!([]));
}

#[test]
fn a_kazakh_letter_of_another_code_page_in_a_1251_file_quarantines_its_row() {
    let out = &ingested().out;
    let (_, at) = kz1048_file();
    assert_eq!(counts(out, KZ1048_FILE), ("windows-1251".into(), [5, 4, 1]));
    let q = quarantined(out, "recognition_results", KZ1048_FILE);
    let (row, column, code, reason) = &q[0];
    assert_eq!(
        (*row, column.as_str(), code.as_str()),
        (3, "full_name", "encoding")
    );
    assert!(
        reason.starts_with(&format!(
            "line 3, byte {at}: 0x8D is no Kazakh or Russian letter"
        )),
        "{reason}"
    );
}

#[test]
fn nqs_sql_prints_dates_before_1970() {
    let out = &ingested().out;
    let o = nqs(
        out,
        &[
            "sql",
            "select date '1965-03-01' as d, min(registration_date) as first from registrations",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("1965-03-01"), "{}", stdout(&o));
    assert!(stdout(&o).contains("2022-01-0"), "{}", stdout(&o));
}

#[test]
fn a_declared_pivot_reads_the_two_digit_year_in_its_window() {
    let Ingested { input, .. } = ingested();
    let root = input.parent().unwrap().join("pivot");
    let _ = std::fs::remove_dir_all(&root);
    let pipelines = root.join("pipelines");
    copy_tree(&project_root().join("pipelines"), &pipelines);
    let contract = pipelines.join("sources/registrations.toml");
    let text = std::fs::read_to_string(&contract).unwrap();
    let text = text.replacen(
        "partition = \"year\"",
        "partition = \"year\"\ntwo_digit_year_pivot = 1950",
        1,
    );
    std::fs::write(&contract, text).unwrap();
    let out = root.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_nqs"))
        .arg("--pipelines")
        .arg(&pipelines)
        .arg("--output")
        .arg(&out)
        .args(["ingest", input.to_str().unwrap(), "--sample"])
        .env_remove("NQS_PSEUDONYM_KEY")
        .env_remove("NQS_PSEUDONYM_KEY_FILE")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        counts(&out, SHORT_YEAR_FILE),
        ("utf-8".into(), [222, 222, 0])
    );
    let lake = lake_rows_of(&out.join("lake"), "registrations", SHORT_YEAR_FILE);
    let row16 = lake
        .lazy()
        .filter(col("_source_row").cast(DataType::Int64).eq(lit(16i64)))
        .select([col("registration_date").cast(DataType::String)])
        .collect()
        .unwrap();
    assert_eq!(strs(&row16, "registration_date"), vec!["2026-10-05"]);
    // Only the dotted form has a known order: the slashed one is still refused.
    assert_eq!(counts(&out, SLASHED_FILE).1[2], 1);
}
