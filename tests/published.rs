//! Files in the shapes their publishers use (tests/fixtures/published, see its README), read
//! through contracts alone: the occupations classifier as an HR directory exports it (two
//! vintages, parents by internal id), KATO (`;`, UTF-8 with a BOM, parents by id), the
//! Bureau's wide employment table (title rows, merged two-row header, region merged down its
//! block, totals, footnotes, `-` and `x` marks), wages in Windows-1251 with decimal commas,
//! graduates under a title with a total row, vacancies by month. Then `nqs contract infer` on
//! each, tried with `nqs contract check`.

use crate::common::*;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    project_root().join("tests/fixtures/published")
}

fn query(out: &Path, sql: &str) -> Vec<Vec<String>> {
    let o = nqs(out, &["sql", sql]);
    assert!(o.status.success(), "{sql}: {}", stderr(&o));
    stdout(&o)
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn rows_numbers(lake: &Path, source: &str, file: &str) -> Vec<i64> {
    quarantine_rows_of(lake, source, file)
        .column("row")
        .unwrap()
        .cast(&polars::prelude::DataType::Int64)
        .unwrap()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect()
}

#[test]
fn published_classifiers_and_statistics_are_read_through_contracts_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = nqs(
        &out,
        &["--json", "ingest", fixtures().to_str().unwrap(), "--sample"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // (source, rows read, accepted, quarantined, excluded by the transform's filter, by stop_at)
    for (source, read, accepted, quarantined, filtered, cut) in [
        // 254 rows: 20 of the older vintage filtered out; two parents by an id no row has, one
        // Kazakh name missing.
        ("nco", 254, 231, 3, 20, 0),
        // The pre-2018 `51…` code is no region of the list; one name missing.
        ("kato", 412, 410, 2, 0, 0),
        // 55 rows × 5 years = 275 cells; the country block (55) and the regions' total rows
        // (20) filtered, the two footnote rows cut.
        ("employment", 277, 200, 0, 75, 2),
        ("wages", 40, 39, 1, 0, 0),
        ("graduates", 31, 30, 0, 0, 1),
        ("vacancies", 60, 59, 1, 0, 0),
    ] {
        let s = &report["sources"][source];
        assert_eq!(s["rows_read"], read, "{source}");
        assert_eq!(s["accepted"], accepted, "{source}");
        assert_eq!(s["quarantined"], quarantined, "{source}");
        let excluded = |step: &str| s["excluded"][step].as_u64().unwrap_or(0);
        assert_eq!(excluded("filter"), filtered, "{source}");
        assert_eq!(excluded("stop_at"), cut, "{source}");
    }
    let lake = out.join("lake");
    assert_eq!(
        rows_numbers(&lake, "nco", "nco/occupations_classifier.xlsx"),
        [63, 94, 231]
    );
    assert_eq!(rows_numbers(&lake, "kato", "kato/kato.csv"), [215, 343]);
    assert_eq!(
        rows_numbers(&lake, "wages", "labour_wages/wages_by_occupation_2025.csv"),
        [19]
    );
    assert_eq!(
        rows_numbers(&lake, "vacancies", "vacancies/vacancies_2025.csv"),
        [54]
    );

    // The parent by internal id became the parent's code; the level comes from the code's
    // shape; a code typed with a space (row 18) is read in the classifier's form.
    assert_eq!(
        query(
            &out,
            "select code, coalesce(parent_code, ''), level from nco \
             where code in ('0', '01', '2512', '2512-1-002') order by code"
        ),
        [
            ["0", "", "major"],
            ["01", "0", "sub_major"],
            ["2512", "251", "unit"],
            ["2512-1-002", "2512", "occupation"],
        ]
    );
    assert_eq!(
        query(&out, "select count(*) from nco where length(code) = 6"),
        [["0"]],
        "no code of the older vintage reaches the lake"
    );
    // Any KATO code rolls up to its region; `1127 40100` is read without its space.
    assert_eq!(
        query(
            &out,
            "select code, parent_code, region, level from kato where code = '112740100'"
        ),
        [["112740100", "112700000", "110000000", "settlement"]]
    );
    // The wide table, long: a value, the Bureau's `-` (no data) and `x` (confidential) marks
    // as SDMX statuses with no value, the `2025*` column read as 2025.
    assert_eq!(
        query(
            &out,
            "select year, region, nco_major, coalesce(employed_thousands::varchar, ''), \
             obs_status, conf_status, _source_row from employment \
             where (year, region, nco_major) in \
               ((2024, '350000000', '2'), (2021, '710000000', '6'), (2025, '550000000', '0')) \
             order by year"
        ),
        [
            ["2021", "710000000", "6", "", "M", "F", "22"],
            ["2024", "350000000", "2", "120.5", "A", "F", "29"],
            ["2025", "550000000", "0", "", "A", "C", "48"],
        ]
    );
    assert_eq!(
        query(
            &out,
            "select count(distinct region), count(distinct year), count(*) filter (where employed_thousands is not null) from employment"
        ),
        [["4", "5", "198"]]
    );
    // Windows-1251, `1 064 303,6`, the year from the file's name.
    assert_eq!(
        query(
            &out,
            "select year, region, nco_major, avg_wage_kzt from wages where _source_row = 2"
        ),
        [["2025", "710000000", "1", "1064303.6"]]
    );
    // Specialities keep their leading zeros; regions named in Russian found in the code list;
    // the `Итого` row is not data.
    assert_eq!(
        query(
            &out,
            "select sum(graduates), sum(state_funded), min(speciality), count(distinct region) from graduates"
        ),
        [["14653", "10267", "01140100", "4"]]
    );
    assert_eq!(
        query(
            &out,
            "select count(*), sum(vacancies) from vacancies where period = '2025-03'"
        ),
        [["19", "2749"]]
    );
    // Across the 2018 and 2022 reforms (pipelines/shared/reforms.sql): the 20 regions of today
    // compare as 16 territories over five years; a village rolls up through its region.
    let o = nqs(
        &out,
        &[
            "sql",
            "--year",
            "2025",
            "select count(distinct comparable_region(code)), \
             comparable_region('100000000'), comparable_region('612937500'), \
             comparable_region('790000000'), comparable_region('750000000') from kato",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).lines().nth(1).unwrap(),
        "16\t630000000\t510000000\t510000000\t750000000"
    );
}

/// The rows of `nqs contract check --json` quarantined, by number.
fn quarantined_rows(check: &serde_json::Value) -> Vec<u64> {
    check["examples"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            let text = e.as_str()?.strip_prefix("row ")?;
            text.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

#[test]
fn inferred_contracts_accept_most_rows_and_still_quarantine_the_planted_ones() {
    let dir = tempfile::tempdir().unwrap();
    // A pipelines folder of its own: the providers, the code lists and nothing but drafts.
    let pipelines = pipelines_with(dir.path(), &[]);
    let out = dir.path().join("out");
    // (file, id, rows the draft must still quarantine)
    let cases: [(&str, &str, &[u64]); 6] = [
        // Parents named by an id no row has; a blank Kazakh name.
        (
            "nco/occupations_classifier.xlsx",
            "directory",
            &[63, 94, 231],
        ),
        // A code with a space in it; a blank name.
        ("kato/kato.csv", "kato", &[34, 215]),
        // The `-` and `x` marks in year columns (read as numbers).
        (
            "labour_employment/employment_by_occupation_2025.xlsx",
            "employment",
            &[22, 48],
        ),
        // A Cyrillic `З` in a wage.
        ("labour_wages/wages_by_occupation_2025.csv", "wages", &[19]),
        // The `Итого` row under the table.
        (
            "graduates/graduates_by_speciality_2025.xlsx",
            "graduates",
            &[34],
        ),
        // Month 13.
        ("vacancies/vacancies_2025.csv", "vacancies", &[54]),
    ];
    for (file, id, planted) in cases {
        let path = fixtures().join(file);
        let o = nqs_in(
            &pipelines,
            &out,
            &[
                "contract",
                "infer",
                path.to_str().unwrap(),
                "--id",
                id,
                "--provider",
                "statistics",
            ],
        );
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        let draft = stdout(&o);
        assert!(!draft.contains("key = []"), "{file}: no key found\n{draft}");
        std::fs::write(pipelines.join(format!("sources/{id}.toml")), &draft).unwrap();
        let o = nqs_in(
            &pipelines,
            &out,
            &[
                "--json",
                "contract",
                "check",
                path.to_str().unwrap(),
                "--source",
                id,
            ],
        );
        assert!(o.status.success(), "{file}: {}\n{draft}", stderr(&o));
        let check: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let accepted = check["accepted"].as_u64().unwrap();
        let kept = accepted + check["quarantined"].as_u64().unwrap();
        assert!(
            accepted as f64 >= 0.95 * kept as f64,
            "{file}: {accepted} of {kept} accepted\n{draft}\n{check:#}"
        );
        assert_eq!(quarantined_rows(&check), planted, "{file}\n{draft}");
    }
    // Nothing was written: check reads, it does not ingest.
    assert!(!out.join("lake").exists());
}

#[test]
fn a_draft_says_what_it_found() {
    let o = nqs(
        Path::new("unused"),
        &[
            "contract",
            "infer",
            fixtures()
                .join("labour_employment/employment_by_occupation_2025.xlsx")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let draft = stdout(&o);
    for expected in [
        // Two header rows, joined; the footnotes cut; the provider left to name.
        "header_rows = 2",
        "stop_at = ",
        "starts_with(region, 'Примечание",
        "aliases = [\"Годы 2021\"]",
        "provider = \"name-the-provider\"",
        "id = \"employment_by_occupation\"",
    ] {
        assert!(draft.contains(expected), "{expected}\n{draft}");
    }
    let e = stderr(&o);
    assert!(e.contains("nqs contract check"), "{e}");
}
