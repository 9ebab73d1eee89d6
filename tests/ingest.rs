//! Ingest end to end: the real binary on small extracts, the lake read back.

use crate::common::*;
use polars::prelude::*;
use std::path::Path;

const RR_HEADER: &str = "record_id,iin,full_name,phone,email,sex,birth_date,region,centre_bin,profession_id,nco_code,nqf_level,referral,employer_bin,application_date,assessment_date,decision_date,result,score";

struct Fixture {
    centre: String,
    other_centre: String,
}

/// Reference sources every recognition row needs: the NCO, a profession, two centres.
fn reference_sources(dir: &Path) -> Fixture {
    write(
        dir,
        "nco/nco.csv",
        "ID,PARENT_ID,CODE,NAME_RU,NAME_KZ,IS_ACTUAL\n\
         17,,2,Специалисты,Мамандар,1\n\
         3,17,25,Специалисты по ИКТ,АКТ мамандары,1\n\
         40,3,251,Разработчики,Әзірлеушілер,1\n\
         8,40,2512,Разработчики программного обеспечения,Бағдарламалық жасақтама әзірлеушілері,1\n\
         9,8,2512-1-001,Программист,Бағдарламашы,1\n\
         10,8,251201,Программист (до 2017 г.),Бағдарламашы,0\n",
    );
    write(
        dir,
        "professions/professions_2024-H1.csv",
        "as_of,profession_id,name_kk,name_ru,nco_code,sector,nqf_levels,included_date\n\
         2024-06-30,P00001,Бағдарламашы,Программист,2512-1-001,ICT,4|5|6,2020-01-15\n",
    );
    let centre = bin("1503", 101);
    let other_centre = bin("1604", 202);
    write(
        dir,
        "centres/centres_2024-01.csv",
        &format!(
            "as_of,centre_bin,name,region,sectors,accreditation_no,accreditation_date,accreditation_expiry,status,founder_bins\n\
             2024-01-31,{centre},\"ТОО \"\"Центр #1\"\"\",710000000,ICT|CON,KZ-001,2021-05-01,2026-05-01,accredited,\n\
             2024-01-31,{other_centre},Центр 2,750000000,ICT,KZ-002,2022-05-01,,accredited,\n"
        ),
    );
    Fixture {
        centre,
        other_centre,
    }
}

fn rr_row(
    id: &str,
    iin: &str,
    sex: &str,
    birth: &str,
    centre: &str,
    overrides: &[(&str, &str)],
) -> String {
    let mut fields: Vec<(&str, String)> = vec![
        ("record_id", id.into()),
        ("iin", iin.into()),
        ("full_name", "Сапарова Айгүл Қайратқызы".into()),
        ("phone", "+7 701 555 12 34".into()),
        ("email", "aigul@example.kz".into()),
        ("sex", sex.into()),
        ("birth_date", birth.into()),
        ("region", "710000000".into()),
        ("centre_bin", centre.into()),
        ("profession_id", "P00001".into()),
        ("nco_code", "2512-1-001".into()),
        ("nqf_level", "5".into()),
        ("referral", "voluntary".into()),
        ("employer_bin", "".into()),
        ("application_date", "2024-03-01".into()),
        ("assessment_date", "2024-03-10".into()),
        ("decision_date", "2024-03-12".into()),
        ("result", "passed".into()),
        ("score", "\"87,5\"".into()),
    ];
    for (k, v) in overrides {
        fields.iter_mut().find(|(n, _)| n == k).unwrap().1 = v.to_string();
    }
    fields
        .into_iter()
        .map(|(_, v)| v)
        .collect::<Vec<_>>()
        .join(",")
}

/// One recognition file with one row of every kind of defect, and the reason each must give.
fn recognition_file(dir: &Path, fx: &Fixture) -> Vec<(&'static str, &'static str)> {
    let woman = iin("900512", 4, 17);
    let man = iin("880101", 3, 55);
    let c = fx.centre.as_str();
    let rows = [
        rr_row("R1", &woman, "F", "1990-05-12", c, &[]),
        rr_row(
            "R2",
            &man,
            "M",
            "1988-01-01",
            &fx.other_centre,
            &[("decision_date", "12.03.2024")],
        ),
        // Flags only: the IIN says 1990-05-12, female.
        rr_row("R3", &iin("900512", 4, 31), "F", "1990-06-12", c, &[]),
        rr_row("R4", &iin("900512", 4, 44), "M", "1990-05-12", c, &[]),
        // Rejections.
        rr_row("R5", "90051240017", "F", "1990-05-12", c, &[]),
        rr_row("R6", &break_check(&woman), "F", "1990-05-12", c, &[]),
        rr_row(
            "R7",
            &woman,
            "F",
            "1990-05-12",
            c,
            &[("region", "999999999")],
        ),
        rr_row("R8", &woman, "F", "1990-05-12", &bin("1701", 909), &[]),
        rr_row("R9", &woman, "F", "1990-05-12", c, &[("result", "")]),
        rr_row(
            "R10",
            &woman,
            "F",
            "1990-05-12",
            c,
            &[("application_date", "2024-13-01")],
        ),
        rr_row(
            "R11",
            &woman,
            "F",
            "1990-05-12",
            c,
            &[("decision_date", "2024-02-01")],
        ),
        rr_row("R1", &woman, "F", "1990-05-12", c, &[]),
        rr_row("R13", &woman, "F", "1990-05-12", c, &[("nqf_level", "9")]),
        rr_row(
            "R14",
            &woman,
            "F",
            "1990-05-12",
            c,
            &[("nqf_level", "пять")],
        ),
        rr_row(
            "R15",
            &woman,
            "F",
            "1990-05-12",
            c,
            &[("referral", "court")],
        ),
        rr_row(
            "R16",
            &woman,
            "F",
            "1990-05-12",
            c,
            &[("centre_bin", &break_check(c))],
        ),
        rr_row(
            "R17",
            &woman,
            "F",
            "1990-05-12",
            c,
            &[("profession_id", "P99999")],
        ),
        "R18,short,row".to_string(),
    ];
    write(
        dir,
        "recognition_results/2024/03/centre.csv",
        &format!("{RR_HEADER}\n{}\n", rows.join("\n")),
    );
    vec![
        ("R5", "iin: IIN must be exactly 12 digits"),
        ("R6", "iin: IIN wrong check digit"),
        ("R7", "region: not a code of the `regions` list"),
        ("R8", "centre_bin: not found in `centres.centre_bin`"),
        ("R9", "result: required value is missing"),
        ("R10", "application_date: `2024-13-01` is not a date"),
        (
            "R11",
            "decision_date: 2024-02-01 is before `application_date` 2024-03-01",
        ),
        (
            "R1",
            "record_id: duplicate key: also in recognition_results/2024/03/centre.csv row 2",
        ),
        ("R13", "nqf_level: 9 is above the maximum 8"),
        ("R14", "nqf_level: `пять` is not a whole number"),
        (
            "R15",
            "referral: not an allowed code (allowed: employer, voluntary)",
        ),
        ("R16", "centre_bin: BIN wrong check digit"),
        (
            "R17",
            "profession_id: not found in `professions.profession_id`",
        ),
        ("R18", "row has 3 fields, the header has 19"),
    ]
}

fn quarantine(lake: &Path, source: &str) -> DataFrame {
    read_parquet(
        &lake
            .with_file_name("quarantine")
            .join(format!("{source}.parquet")),
    )
}

#[test]
fn every_kind_of_bad_row_is_quarantined_with_its_reason_and_counts_add_up() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let fx = reference_sources(input.path());
    let expected = recognition_file(input.path(), &fx);

    let o = nqs(
        out.path(),
        &["ingest", input.path().to_str().unwrap(), "--sample"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // The console names file, row, column and value of the first bad rows.
    assert!(
        stdout(&o).contains("recognition_results/2024/03/centre.csv row 6, column `iin`"),
        "{}",
        stdout(&o)
    );
    let lake = out.path().join("lake");

    let q = quarantine(&lake, "recognition_results");
    let rows = q.column("row").unwrap().i64().unwrap().clone();
    let columns = q.column("column").unwrap().str().unwrap().clone();
    let reasons = q.column("reason").unwrap().str().unwrap().clone();
    let records = q.column("record").unwrap().str().unwrap().clone();
    assert_eq!(q.height(), expected.len(), "{q}");
    for (i, (id, want)) in expected.iter().enumerate() {
        // Rows are numbered as in a spreadsheet: header row 1, R1 row 2, so R5 is row 6.
        let got = if columns.get(i).unwrap().is_empty() {
            reasons.get(i).unwrap().to_string()
        } else {
            format!("{}: {}", columns.get(i).unwrap(), reasons.get(i).unwrap())
        };
        assert!(
            got.starts_with(want),
            "row {} ({id}): got `{got}`, want `{want}`",
            rows.get(i).unwrap()
        );
        if *id != "R18" {
            assert!(
                records.get(i).unwrap().contains(&format!("\"{id}\"")),
                "{}",
                records.get(i).unwrap()
            );
        }
    }

    let accepted = read_parquet(&lake.join("recognition_results/2024/03/data.parquet"));
    assert_eq!(accepted.height(), 4);
    let flags: Vec<Option<&str>> = accepted
        .column("_flags")
        .unwrap()
        .str()
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        flags,
        vec![
            None,
            None,
            Some("iin_birth_date_mismatch"),
            Some("iin_sex_mismatch")
        ]
    );
    // DD.MM.YYYY and decimal commas are understood.
    let scores: Vec<Option<f64>> = accepted
        .column("score")
        .unwrap()
        .f64()
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(scores[0], Some(87.5));
    assert!(accepted.column("birth_year").is_ok());
    for gone in ["iin", "full_name", "phone", "email", "birth_date"] {
        assert!(
            accepted.column(gone).is_err(),
            "{gone} must not reach the lake"
        );
    }

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(lake.join("_manifest.json")).unwrap())
            .unwrap();
    let files = manifest["files"].as_object().unwrap();
    assert_eq!(files.len(), 4);
    for (name, f) in files {
        let read = f["rows_read"].as_u64().unwrap();
        let ok = f["accepted"].as_u64().unwrap();
        let bad = f["quarantined"].as_u64().unwrap();
        // The NCO file's row of the older vintage is left out by its contract's filter.
        let excluded = f["excluded"].as_u64().unwrap();
        assert_eq!(read, ok + bad + excluded, "{name}");
        assert_eq!(excluded, u64::from(name == "nco/nco.csv"), "{name}");
        assert_eq!(f["sha256"].as_str().unwrap().len(), 64);
        let version = if name == "nco/nco.csv" { 3 } else { 1 };
        assert_eq!(f["contract_version"], version, "{name}");
    }
    let rr = &files["recognition_results/2024/03/centre.csv"];
    assert_eq!(rr["rows_read"], 18);
    assert_eq!(rr["flagged"], 2);
}

#[test]
fn an_unreadable_file_fails_naming_it_and_leaves_the_lake_as_it_was() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    reference_sources(input.path());
    let o = nqs(
        out.path(),
        &["ingest", input.path().to_str().unwrap(), "--sample"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot(&out.path().join("lake"));

    write(
        input.path(),
        "standards/standards.xlsx",
        "this is not a workbook",
    );
    write(
        input.path(),
        "councils/councils.csv",
        "council_id,kind,sector,name_kk,name_ru,state_body,established_date\nC1,national,,Ұлттық кеңес,Национальный совет,МТСЗН,2019-01-01\n",
    );
    let o = nqs(
        out.path(),
        &["ingest", input.path().to_str().unwrap(), "--sample"],
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("standards/standards.xlsx"), "{err}");
    assert!(err.contains("cannot be read"), "{err}");
    assert!(err.contains("left as it was"), "{err}");
    assert_eq!(before, snapshot(&out.path().join("lake")));
}

#[test]
fn ingesting_the_same_files_twice_changes_nothing_and_a_resubmission_replaces_its_rows() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let fx = reference_sources(input.path());
    recognition_file(input.path(), &fx);
    let dir = input.path().to_str().unwrap();
    assert!(
        nqs(out.path(), &["ingest", dir, "--sample"])
            .status
            .success()
    );
    let lake = out.path().join("lake");
    let data = |s: &[(String, Vec<u8>)]| -> Vec<(String, Vec<u8>)> {
        s.iter()
            .filter(|(p, _)| !p.starts_with("_runs"))
            .cloned()
            .collect()
    };
    let first = data(&snapshot(&lake));

    let o = nqs(out.path(), &["ingest", dir, "--sample", "--json"]);
    assert!(o.status.success());
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        report["sources"]["recognition_results"]["files_unchanged"],
        1
    );
    assert_eq!(
        report["sources"]["recognition_results"]["files_ingested"],
        0
    );
    assert_eq!(first, data(&snapshot(&lake)));

    // A corrected file under the same name replaces the earlier rows, nothing doubles.
    let woman = iin("900512", 4, 17);
    write(
        input.path(),
        "recognition_results/2024/03/centre.csv",
        &format!(
            "{RR_HEADER}\n{}\n",
            rr_row("R1", &woman, "F", "1990-05-12", &fx.centre, &[])
        ),
    );
    assert!(
        nqs(out.path(), &["ingest", dir, "--sample"])
            .status
            .success()
    );
    let accepted = read_parquet(&lake.join("recognition_results/2024/03/data.parquet"));
    assert_eq!(accepted.height(), 1);
    assert!(
        !lake
            .with_file_name("quarantine")
            .join("recognition_results.parquet")
            .exists()
    );
}

#[test]
fn the_key_is_required_outside_sample_mode_and_a_lake_refuses_another_key() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    reference_sources(input.path());
    let dir = input.path().to_str().unwrap();
    let o = nqs(out.path(), &["ingest", dir]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("NQS_PSEUDONYM_KEY"), "{}", stderr(&o));

    assert!(
        nqs(out.path(), &["ingest", dir, "--sample"])
            .status
            .success()
    );
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_nqs"))
        .args([
            "--pipelines",
            project_root().join("pipelines").to_str().unwrap(),
        ])
        .args(["--output", out.path().to_str().unwrap(), "ingest", dir])
        .env(
            "NQS_PSEUDONYM_KEY",
            "another-key-that-is-long-enough-to-be-accepted",
        )
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("another key"), "{}", stderr(&o));
}

#[test]
fn windows_1251_semicolon_files_with_russian_headers_are_read() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    reference_sources(input.path());
    // The Bureau's wage table: Russian headers, `;`, decimal comma, thousands by spaces, the
    // year in the file's name, the major group as code and name in one cell.
    let text = "Регион (КАТО);Группа занятий;Средняя заработная плата, тенге\r\n\
                710000000;2 Специалисты-профессионалы;450 000,5\r\n";
    let (bytes, _, errors) = encoding_rs::WINDOWS_1251.encode(text);
    assert!(!errors);
    let path = input.path().join("labour_wages/wages_2024.csv");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    let o = nqs(
        out.path(),
        &["ingest", input.path().to_str().unwrap(), "--sample"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let df = read_parquet(&out.path().join("lake/wages/2024/data.parquet"));
    assert_eq!(strs(&df, "nco_major"), ["2"]);
    assert_eq!(
        df.column("avg_wage_kzt").unwrap().f64().unwrap().get(0),
        Some(450000.5)
    );
    let manifest = std::fs::read_to_string(out.path().join("lake/_manifest.json")).unwrap();
    assert!(manifest.contains("windows-1251"));
}

#[test]
fn a_second_run_on_a_locked_output_names_the_holder_and_a_stale_lock_is_cleared() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    reference_sources(input.path());
    let dir = input.path().to_str().unwrap();
    // This test process holds the lock, as a long ingest would; the binary is the second.
    let held = nqs::lock::OutputLock::acquire(out.path(), "nqs ingest (held by the test)").unwrap();
    let o = nqs(out.path(), &["ingest", dir, "--sample"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(&format!("process {}", std::process::id())),
        "{err}"
    );
    assert!(err.contains("held by the test"), "{err}");
    drop(held);

    // A record left by a process that died without unlocking.
    std::fs::write(
        out.path().join(".nqs.lock"),
        r#"{"pid":999999999,"command":"nqs ingest","started":"2026-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let o = nqs(out.path(), &["ingest", dir, "--sample"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("stale lock"), "{}", stderr(&o));
}

#[test]
fn chunked_ingest_gives_the_same_lake_as_one_pass() {
    let input = tempfile::tempdir().unwrap();
    let fx = reference_sources(input.path());
    recognition_file(input.path(), &fx);
    // A second month and a file with a duplicate of the first month's R1 in another chunk.
    let woman = iin("900512", 4, 17);
    write(
        input.path(),
        "recognition_results/2024/04/centre.csv",
        &format!(
            "{RR_HEADER}\n{}\n{}\n",
            rr_row(
                "R40",
                &woman,
                "F",
                "1990-05-12",
                &fx.centre,
                &[("decision_date", "2024-04-02")]
            ),
            rr_row("R1", &woman, "F", "1990-05-12", &fx.centre, &[]),
        ),
    );
    let dir = input.path().to_str().unwrap();
    let one = tempfile::tempdir().unwrap();
    let many = tempfile::tempdir().unwrap();
    assert!(
        nqs(one.path(), &["ingest", dir, "--sample"])
            .status
            .success()
    );
    let o = nqs(
        many.path(),
        &["ingest", dir, "--sample", "--chunk-files", "1"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let data = |d: &Path| -> Vec<(String, Vec<u8>)> {
        snapshot(&d.join("lake"))
            .into_iter()
            .filter(|(p, _)| p.ends_with(".parquet"))
            .collect()
    };
    assert_eq!(data(one.path()), data(many.path()));
    let q = quarantine(&many.path().join("lake"), "recognition_results");
    assert_eq!(q.height(), 15, "{q}");
    // The duplicate in the other chunk names where the key was first accepted.
    let reasons = strs(&q, "reason");
    let again = "duplicate key: also in recognition_results/2024/03/centre.csv row 2";
    assert_eq!(
        reasons.iter().filter(|r| *r == again).count(),
        2,
        "{reasons:?}"
    );

    // A later run: a key an earlier run accepted is a duplicate, named where it stands; a new
    // key is not.
    write(
        input.path(),
        "recognition_results/2024/05/centre.csv",
        &format!(
            "{RR_HEADER}\n{}\n{}\n",
            rr_row(
                "R41",
                &woman,
                "F",
                "1990-05-12",
                &fx.centre,
                &[("decision_date", "2024-05-02")]
            ),
            rr_row(
                "R40",
                &woman,
                "F",
                "1990-05-12",
                &fx.centre,
                &[("decision_date", "2024-05-03")]
            ),
        ),
    );
    let o = nqs(many.path(), &["ingest", dir, "--sample", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let q = quarantine(&many.path().join("lake"), "recognition_results");
    assert_eq!(q.height(), 16, "{q}");
    assert!(
        strs(&q, "reason").contains(
            &"duplicate key: also in recognition_results/2024/04/centre.csv row 2".into()
        ),
        "{q}"
    );
    let may = read_parquet(
        &many
            .path()
            .join("lake/recognition_results/2024/05/data.parquet"),
    );
    assert_eq!(strs(&may, "record_id"), ["R41"]);
}

/// The reason code each of `recognition_file`'s rejected rows must get, in quarantine order.
const EXPECTED_CODES: [(&str, &str, &str); 14] = [
    ("R5", "iin", "iin"),
    ("R6", "iin", "iin"),
    ("R7", "region", "unknown_code"),
    ("R8", "centre_bin", "reference"),
    ("R9", "result", "required"),
    ("R10", "application_date", "not_a_date"),
    ("R11", "decision_date", "date_order"),
    ("R1", "record_id", "duplicate_key"),
    ("R13", "nqf_level", "out_of_range"),
    ("R14", "nqf_level", "not_a_number"),
    ("R15", "referral", "unknown_code"),
    ("R16", "centre_bin", "bin"),
    ("R17", "profession_id", "reference"),
    ("R18", "", "row_shape"),
];

/// Ingests the recognition fixture into a new lake; returns (input, output) folders.
fn ingested_fixture() -> (tempfile::TempDir, tempfile::TempDir, std::process::Output) {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let fx = reference_sources(input.path());
    recognition_file(input.path(), &fx);
    let o = nqs(
        out.path(),
        &["ingest", input.path().to_str().unwrap(), "--sample"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    (input, out, o)
}

fn strs(df: &DataFrame, column: &str) -> Vec<String> {
    df.column(column)
        .unwrap()
        .str()
        .unwrap()
        .into_iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect()
}

#[test]
fn every_quarantined_row_stores_the_code_of_the_check_it_failed() {
    let (_input, out, o) = ingested_fixture();
    let q = quarantine(&out.path().join("lake"), "recognition_results");
    let names: Vec<String> = q.get_column_names().iter().map(|s| s.to_string()).collect();
    assert_eq!(names, nqs::quarantine::COLUMNS, "the quarantine's columns");
    let got: Vec<(String, String)> = strs(&q, "column")
        .into_iter()
        .zip(strs(&q, "reason_code"))
        .collect();
    let want: Vec<(String, String)> = EXPECTED_CODES
        .iter()
        .map(|(_, c, code)| (c.to_string(), code.to_string()))
        .collect();
    assert_eq!(got, want);

    // The console sums rows by source, column and code: two IINs, two unknown codes in
    // different columns, two references in different columns.
    let console = stdout(&o);
    let line = |column: &str, code: &str, rows: u64| {
        console.lines().any(|l| {
            l.split_whitespace().collect::<Vec<_>>()
                == ["recognition_results", column, code, &rows.to_string()]
        })
    };
    assert!(line("iin", "iin", 2), "{console}");
    assert!(line("region", "unknown_code", 1), "{console}");
    assert!(line("referral", "unknown_code", 1), "{console}");
    assert!(line("centre_bin", "reference", 1), "{console}");
    assert!(line("centre_bin", "bin", 1), "{console}");
    assert!(
        console
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["recognition_results", "(whole", "row)", "row_shape", "1"]),
        "{console}"
    );
}

#[test]
fn the_report_groups_the_quarantine_by_code_and_column_never_by_message() {
    let (_input, out, _) = ingested_fixture();
    let lake = out.path().join("lake");
    let before = nqs::connection::quarantine_reasons(&lake).unwrap();
    let rr = &before["recognition_results"];
    let total: u64 = rr.iter().map(|r| r.rows).sum();
    assert_eq!(total, EXPECTED_CODES.len() as u64);
    let iin = rr
        .iter()
        .find(|r| r.column == "iin" && r.code == nqs::quarantine::ReasonCode::Iin)
        .expect("the IIN group");
    assert_eq!(iin.rows, 2);
    assert_eq!(rr[0], *iin, "most rows first");

    // Every message reworded, each differently: the grouping does not move.
    let path = lake
        .with_file_name("quarantine")
        .join("recognition_results.parquet");
    let mut q = read_parquet(&path);
    for column in ["reason", "all_errors"] {
        let reworded: Vec<String> = (0..q.height())
            .map(|i| format!("reworded message {i}"))
            .collect();
        q.replace(column, Series::new(column.into(), reworded))
            .unwrap();
    }
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut q)
        .unwrap();
    assert_eq!(nqs::connection::quarantine_reasons(&lake).unwrap(), before);
}

#[test]
fn a_quarantine_without_reason_codes_is_refused_not_completed() {
    let (input, out, _) = ingested_fixture();
    let lake = out.path().join("lake");
    // As an nqs before reason codes wrote it.
    let path = lake
        .with_file_name("quarantine")
        .join("recognition_results.parquet");
    let mut q = read_parquet(&path).drop("reason_code").unwrap();
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut q)
        .unwrap();
    let err = nqs::connection::quarantine_reasons(&lake).unwrap_err();
    assert!(err.to_string().contains("another version of nqs"), "{err}");

    // A new file of the same source has the quarantine rewritten: refused, lake untouched.
    let before = snapshot(&lake);
    let woman = iin("900512", 4, 17);
    write(
        input.path(),
        "recognition_results/2024/04/centre.csv",
        &format!(
            "{RR_HEADER}\n{}\n",
            rr_row("R40", &woman, "F", "1990-05-12", "123", &[])
        ),
    );
    let o = nqs(
        out.path(),
        &["ingest", input.path().to_str().unwrap(), "--sample"],
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("another version of nqs"), "{err}");
    assert!(err.contains("recognition_results.parquet"), "{err}");
    assert_eq!(before, snapshot(&lake));
}
