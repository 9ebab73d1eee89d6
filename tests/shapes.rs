//! Files in the shapes providers really send them: a title above the header, a header naming
//! a column twice, multi-line fields and blank lines, ids a spreadsheet stored as numbers. The
//! cases of `tests/cases` and variants built here are laid over a copy of the sample, ingested
//! with the real binary, and the lake, the quarantine, the manifest and the console are read
//! back.

use crate::common::*;
use nqs::pseudonym::Pseudonymiser;
use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const TITLE_ROW_FILE: &str = "centres/centres_2026-10.xlsx";
const ROW_NUMBERS_FILE: &str = "support_requests/2026-09.csv";
const DUPLICATE_HEADER_FILE: &str = "recognition_results/2026/10/160240014226.csv";
const IIN_AS_NUMBER_FILE: &str = "recognition_results/2026/10/120940015163.xlsx";
/// Sample file given two title lines above its header, and its employers' BINs as numbers.
const TITLED_FILE: &str = "recognition_results/2026/10/060540014791.csv";
/// Sample file whose first IIN is written in scientific notation.
const SCIENTIFIC_FILE: &str = "recognition_results/2026/10/061040012660.csv";
/// Sample file rebuilt with a multi-line field, blank lines and a bad code.
const MULTILINE_FILE: &str = "support_requests/2026-07.csv";
/// What the sample's 061040012660.csv holds on row 2, and what replaces it there.
const SCIENTIFIC_IIN: &str = "900409371000";
const SCIENTIFIC_FORM: &str = "9.00409E+11";

struct Run {
    root: PathBuf,
    output: Output,
}

impl Run {
    fn lake(&self) -> PathBuf {
        self.root.join("out/lake")
    }

    fn console(&self) -> String {
        format!("{}{}", stdout(&self.output), stderr(&self.output))
    }

    /// (rows read, accepted, quarantined, flagged) of one input file.
    fn counts(&self, file: &str) -> [u64; 4] {
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(self.lake().join("_manifest.json")).unwrap(),
        )
        .unwrap();
        let e = &manifest["files"][file];
        assert!(e.is_object(), "{file} is in the manifest");
        ["rows_read", "accepted", "quarantined", "flagged"].map(|k| e[k].as_u64().unwrap())
    }
}

fn ints(df: &DataFrame, column: &str) -> Vec<i64> {
    df.column(column)
        .unwrap()
        .i64()
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect()
}

fn case_input(case: &str) -> PathBuf {
    project_root().join("tests/cases").join(case).join("in")
}

/// A fresh folder holding a copy of the sample as `in/`.
fn sample_copy(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("nqs-shapes-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_tree(&project_root().join("datasets/sample"), &root.join("in"));
    root
}

/// `nqs ingest` of `root/in` into `root/out`, with the given pipelines folder.
fn ingest(root: &Path, pipelines: &Path) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_nqs"))
        .arg("--pipelines")
        .arg(pipelines)
        .arg("--output")
        .arg(root.join("out"))
        .args(["ingest", root.join("in").to_str().unwrap(), "--sample"])
        .env_remove("NQS_PSEUDONYM_KEY")
        .env_remove("NQS_PSEUDONYM_KEY_FILE")
        .output()
        .expect("the nqs binary runs");
    Run {
        root: root.to_path_buf(),
        output,
    }
}

/// The project's pipelines copied into `root/pipelines`, with `edit` applied to one contract.
fn pipelines_with(root: &Path, contract: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let dir = root.join("pipelines");
    copy_tree(&project_root().join("pipelines"), &dir);
    let path = dir.join("sources").join(contract);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit applies to {contract}");
    std::fs::write(&path, edited).unwrap();
    dir
}

fn sample_text(rel: &str) -> String {
    std::fs::read_to_string(project_root().join("datasets/sample").join(rel)).unwrap()
}

/// The first data lines of a sample CSV that split into the header's fields on plain commas.
fn plain_lines(rel: &str, n: usize) -> Vec<Vec<String>> {
    let text = sample_text(rel);
    let width = text.lines().next().unwrap().split(',').count();
    let lines: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .filter(|l| !l.contains('"') && l.split(',').count() == width)
        .take(n)
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert_eq!(lines.len(), n, "{rel} has {n} plain lines");
    lines
}

/// The sample with the cases that ingest cleanly, and variants of each kind, laid over it.
fn shapes() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let root = sample_copy("cases");
        let input = root.join("in");
        // The case's workbook replaces the centre's CSV of the same month.
        std::fs::remove_file(input.join(IIN_AS_NUMBER_FILE.replace(".xlsx", ".csv"))).unwrap();
        for case in ["title-row", "row-numbers", "iin-as-number"] {
            copy_tree(&case_input(case), &input);
        }

        // Two title lines above the header; the employers' BINs as numbers (leading zero lost).
        let titled = sample_text(TITLED_FILE).replace(",070340039315,", ",70340039315,");
        assert!(titled.contains(",70340039315,"));
        write(
            &input,
            TITLED_FILE,
            &format!(
                "Результаты признания квалификаций\nЦентр 060540014791, октябрь 2026,,,\n{titled}"
            ),
        );

        let scientific = sample_text(SCIENTIFIC_FILE).replacen(
            &format!(",{SCIENTIFIC_IIN},"),
            &format!(",{SCIENTIFIC_FORM},"),
            1,
        );
        assert!(scientific.lines().nth(1).unwrap().contains(SCIENTIFIC_FORM));
        write(&input, SCIENTIFIC_FILE, &scientific);

        // Row 2 spans four lines (one of them empty, inside the quotes), row 3 is blank, row
        // 5 has a code outside the list.
        let header = sample_text(MULTILINE_FILE)
            .lines()
            .next()
            .unwrap()
            .to_string();
        let mut lines = plain_lines(MULTILINE_FILE, 3);
        lines[0][0] = "SR-202607-90001".into();
        lines[0][7] = "\"Первая строка\nвторая строка\n\nчетвёртая\"".into();
        lines[2][6] = "zzz".into();
        let rows: Vec<String> = lines.iter().map(|l| l.join(",")).collect();
        write(
            &input,
            MULTILINE_FILE,
            &format!("{header}\n{}\n\n{}\n{}\n", rows[0], rows[1], rows[2]),
        );

        let run = ingest(&root, &project_root().join("pipelines"));
        assert!(run.output.status.success(), "{}", run.console());
        run
    })
}

#[test]
fn a_title_row_above_the_header_is_skipped() {
    let run = shapes();
    // Before: the title was taken for the header, all 21 rows quarantined "columns missing".
    assert_eq!(run.counts(TITLE_ROW_FILE), [20, 20, 0, 0]);
    let rows = lake_rows_of(&run.lake(), "centres", TITLE_ROW_FILE);
    assert_eq!(rows.height(), 20);
    // The header is sheet row 2, so the first centre is row 3.
    assert_eq!(ints(&rows, "_source_row"), (3..23).collect::<Vec<i64>>());
}

#[test]
fn two_title_lines_above_a_csv_header_are_skipped() {
    let run = shapes();
    let [read, accepted, quarantined, _] = run.counts(TITLED_FILE);
    assert_eq!((read, accepted, quarantined), (6, 6, 0));
    let rows = lake_rows_of(&run.lake(), "recognition_results", TITLED_FILE);
    assert_eq!(ints(&rows, "_source_row"), (4..10).collect::<Vec<i64>>());
}

#[test]
fn a_bin_stored_as_a_number_gets_its_zero_back_and_is_flagged() {
    let run = shapes();
    let rows = lake_rows_of(&run.lake(), "recognition_results", TITLED_FILE);
    let bins = strs(&rows, "employer_bin");
    let flags = strs(&rows, "_flags");
    let restored: Vec<usize> = (0..rows.height())
        .filter(|i| bins[*i].as_deref() == Some("070340039315"))
        .collect();
    assert_eq!(restored.len(), 2, "{bins:?}");
    for (i, row_flags) in flags.iter().enumerate() {
        let flagged = row_flags
            .as_deref()
            .is_some_and(|f| f.split(',').any(|f| f == "employer_bin_zeros_restored"));
        assert_eq!(flagged, restored.contains(&i), "row {i}: {row_flags:?}");
    }
    assert_eq!(run.counts(TITLED_FILE)[3], 2);
}

#[test]
fn ids_stored_as_numbers_are_restored_pseudonymised_and_flagged() {
    let run = shapes();
    // Before: 8 of 13 rows quarantined, "must be exactly 12 digits".
    assert_eq!(run.counts(IIN_AS_NUMBER_FILE), [13, 13, 0, 8]);
    let table = nqs::ingest::read::read_table(
        Path::new(IIN_AS_NUMBER_FILE),
        &std::fs::read(case_input("iin-as-number").join(IIN_AS_NUMBER_FILE)).unwrap(),
    )
    .unwrap();
    let iin_at = table.headers.iter().position(|h| h == "iin").unwrap();
    let short: Vec<String> = table
        .rows
        .iter()
        .filter_map(|r| r.cells[iin_at].clone())
        .filter(|iin| iin.len() < 12)
        .collect();
    assert!(!short.is_empty(), "the case has IINs that lost their zeros");
    // The restored IIN gets the pseudonym the person has in every other file.
    let p = Pseudonymiser::sample();
    let rows = lake_rows_of(&run.lake(), "recognition_results", IIN_AS_NUMBER_FILE);
    let people = strs(&rows, "person_id");
    let flags = strs(&rows, "_flags");
    for iin in &short {
        let pseudonym = p.pseudonym(&format!("{iin:0>12}"));
        let i = people
            .iter()
            .position(|id| id.as_deref() == Some(pseudonym.as_str()))
            .unwrap_or_else(|| panic!("the IIN of {} digits is in the lake", iin.len()));
        assert!(
            flags[i]
                .as_deref()
                .unwrap_or("")
                .contains("iin_zeros_restored"),
            "{:?}",
            flags[i]
        );
    }
    // A restored BIN still finds its centre or employer.
    assert!(
        strs(&rows, "employer_bin")
            .iter()
            .any(|b| b.as_deref().is_some_and(|b| b.starts_with("000")))
    );
}

#[test]
fn an_iin_in_scientific_notation_is_quarantined_with_a_hint_and_not_shown() {
    let run = shapes();
    let [read, accepted, quarantined, _] = run.counts(SCIENTIFIC_FILE);
    assert_eq!((read, accepted, quarantined), (21, 20, 1));
    let q = quarantine_rows_of(&run.lake(), "recognition_results", SCIENTIFIC_FILE);
    assert_eq!(ints(&q, "row"), vec![2]);
    assert_eq!(strs(&q, "column"), vec![Some("iin".to_string())]);
    let reason = strs(&q, "reason")[0].clone().unwrap();
    assert!(
        reason.contains("scientific notation") && reason.contains("re-export the column as text"),
        "{reason}"
    );
    let value = strs(&q, "value")[0].clone().unwrap();
    assert!(value.starts_with("(pseudonym "), "{value}");
    for column in ["value", "reason", "all_errors", "record"] {
        for v in strs(&q, column).into_iter().flatten() {
            assert!(!v.contains("9.00409") && !v.contains(SCIENTIFIC_IIN), "{v}");
        }
    }
    let console = run.console();
    assert!(!console.contains("9.00409") && !console.contains(SCIENTIFIC_IIN));
}

#[test]
fn row_numbers_are_the_rows_a_spreadsheet_shows() {
    let run = shapes();
    // The case: a quoted field with line breaks (lines 3-5), a blank line (row 7), then an
    // unknown code on the request a spreadsheet shows on row 11 (before: reported on row 10).
    let q = quarantine_rows_of(&run.lake(), "support_requests", ROW_NUMBERS_FILE);
    assert_eq!(ints(&q, "row"), vec![11]);
    assert_eq!(strs(&q, "column"), vec![Some("subject".to_string())]);
    assert_eq!(run.counts(ROW_NUMBERS_FILE)[..3], [11, 10, 1]);
}

#[test]
fn a_multi_line_field_and_a_blank_line_do_not_shift_row_numbers() {
    let run = shapes();
    assert_eq!(run.counts(MULTILINE_FILE)[..3], [3, 2, 1]);
    let q = quarantine_rows_of(&run.lake(), "support_requests", MULTILINE_FILE);
    assert_eq!(ints(&q, "row"), vec![5]);
    assert_eq!(strs(&q, "column"), vec![Some("subject".to_string())]);
    let rows = lake_rows_of(&run.lake(), "support_requests", MULTILINE_FILE);
    assert_eq!(ints(&rows, "_source_row"), vec![2, 4]);
    assert_eq!(
        strs(&rows, "request_id")[0].as_deref(),
        Some("SR-202607-90001")
    );
}

#[test]
fn a_header_naming_a_column_twice_stops_the_run_naming_both_columns() {
    let root = sample_copy("duplicate");
    copy_tree(&case_input("duplicate-header"), &root.join("in"));
    let run = ingest(&root, &project_root().join("pipelines"));
    assert!(!run.output.status.success());
    let err = stderr(&run.output);
    assert!(
        err.contains(DUPLICATE_HEADER_FILE)
            && err.contains("columns S and T")
            && err.contains("both headed `score`")
            && err.contains("occurrence"),
        "{err}"
    );
    // Nothing of the run reached the lake.
    assert!(!run.lake().join("_manifest.json").exists());
}

#[test]
fn a_header_naming_a_column_twice_is_read_as_the_contract_says() {
    let root = sample_copy("occurrence");
    copy_tree(&case_input("duplicate-header"), &root.join("in"));
    let pipelines = pipelines_with(&root, "recognition_results.toml", |t| {
        t.replace(
            "name = \"score\"\ntype = \"float\"\n",
            "name = \"score\"\ntype = \"float\"\noccurrence = 2\n",
        )
    });
    let run = ingest(&root, &pipelines);
    assert!(run.output.status.success(), "{}", run.console());
    let rows = lake_rows_of(&run.lake(), "recognition_results", DUPLICATE_HEADER_FILE);
    let ids = strs(&rows, "record_id");
    let at = ids
        .iter()
        .position(|r| r.as_deref() == Some("160240014226-202609-000027"))
        .unwrap();
    // The theory part is 50.6, the final score (the second `score` column) 70.6.
    let score = rows.column("score").unwrap().f64().unwrap().get(at);
    assert_eq!(score, Some(70.6));
}

#[test]
fn a_declared_header_row_is_used_even_where_a_row_above_looks_like_a_header() {
    let root = std::env::temp_dir().join(format!("nqs-shapes-declared-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let text = sample_text(MULTILINE_FILE);
    let header = text.lines().next().unwrap();
    let data_rows = text
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("SR-"))
        .count() as u64;
    // A template's header line and a note above the real header on line 3.
    write(
        &root.join("in"),
        MULTILINE_FILE,
        &format!("{header}\nВыгрузка от 01.08.2026\n{text}"),
    );
    let pipelines = pipelines_with(&root, "support_requests.toml", |t| {
        t.replacen("\nkey = ", "\nheader_row = 3\nkey = ", 1)
    });
    let run = ingest(&root, &pipelines);
    assert!(run.output.status.success(), "{}", run.console());
    let [read, accepted, quarantined, _] = run.counts(MULTILINE_FILE);
    assert_eq!((read, accepted, quarantined), (data_rows, data_rows, 0));
    let rows = lake_rows_of(&run.lake(), "support_requests", MULTILINE_FILE);
    assert_eq!(ints(&rows, "_source_row")[0], 4);
}
