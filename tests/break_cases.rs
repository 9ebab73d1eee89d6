//! Inputs a break-it session found mishandled (tests/fixtures/break, its README lists each):
//! personal data in drafted contracts and on the console, rows silently left out by a
//! transform, a year of vacancies counted twice, contracts a draft could not load.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

fn case(rel: &str) -> PathBuf {
    project_root().join("tests/fixtures/break").join(rel)
}

/// Everything a command printed, both streams.
fn printed(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

fn assert_no_iin(text: &str) {
    assert!(
        nqs::ids::find_iins(text).is_empty(),
        "an IIN is printed:\n{text}"
    );
}

fn infer(file: &Path) -> Output {
    nqs(
        Path::new("unused"),
        &[
            "contract",
            "infer",
            file.to_str().unwrap(),
            "--provider",
            "statistics",
        ],
    )
}

#[test]
fn a_file_whose_header_row_is_an_iin_is_refused_without_printing_it() {
    let o = infer(&case("iin_header/iin_header.csv"));
    assert!(!o.status.success());
    let text = printed(&o);
    assert!(text.contains("seems to have no header row"), "{text}");
    assert_no_iin(&text);
}

#[test]
fn names_and_iins_in_text_are_never_drafted_as_codes_and_a_footnote_rule_stops_before_digits() {
    let o = infer(&case("iin_values/iin_values.csv"));
    assert!(o.status.success(), "{}", stderr(&o));
    let draft = stdout(&o);
    assert_no_iin(&draft);
    for name in ["Иванов", "Петрова", "Сидоров"] {
        assert!(!draft.contains(name), "{name} in the draft:\n{draft}");
    }
    // Both the names and the comments quoting IINs are kept out of the lake.
    assert_eq!(draft.matches("personal = \"drop\"").count(), 2, "{draft}");
    assert!(draft.contains("'Составил: '"), "{draft}");
    assert!(!draft.contains("'Составил: 7"), "{draft}");
}

#[test]
fn iins_a_spreadsheet_stored_as_numbers_are_drafted_as_iins_to_pseudonymise() {
    let o = infer(&case("iin_as_number/results.xlsx"));
    assert!(o.status.success(), "{}", stderr(&o));
    let draft = stdout(&o);
    let iin = draft
        .split("[[column]]")
        .find(|c| c.contains("name = \"iin\""))
        .unwrap_or_else(|| panic!("no iin column:\n{draft}"));
    assert!(iin.contains("type = \"iin\""), "{iin}");
    assert!(iin.contains("personal = \"pseudonymise\""), "{iin}");
    assert_no_iin(&draft);
}

#[test]
fn contract_check_pseudonymises_with_a_key_no_one_has() {
    // A sample recognition file with a wrong check digit in row 3: the reason shows the value
    // as a pseudonym, which must differ from run to run (a fresh key each time), so that it
    // can be neither reversed nor linked.
    let file = project_root().join("datasets/sample/recognition_results/2022/01/060540014791.csv");
    let pseudonym = |o: &Output| -> String {
        let text = stdout(o);
        let at = text
            .find("(pseudonym ")
            .unwrap_or_else(|| panic!("no pseudonym:\n{text}"));
        text[at..at + 43].to_string()
    };
    let run = || {
        let o = nqs(
            Path::new("unused"),
            &[
                "contract",
                "check",
                file.to_str().unwrap(),
                "--source",
                "recognition_results",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert_no_iin(&printed(&o));
        o
    };
    assert_ne!(pseudonym(&run()), pseudonym(&run()));
}

#[test]
fn a_transform_error_names_the_step_never_a_cell() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(case("transform/name_in_error.toml")).unwrap();
    let p = pipelines_with(dir.path(), &[("name_in_error", &text)]);
    let o = nqs_in(
        &p,
        &dir.path().join("out"),
        &[
            "contract",
            "check",
            case("transform/t.csv").to_str().unwrap(),
            "--source",
            "name_in_error",
        ],
    );
    assert!(!o.status.success());
    let text = printed(&o);
    assert!(text.contains("`transform.derive `x`` failed"), "{text}");
    assert!(!text.contains("Имя"), "{text}");
    assert_no_iin(&text);
}

#[test]
fn an_unpivot_may_not_name_a_column_the_file_has() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(case("transform/unpivot_value_collides.toml")).unwrap();
    let p = pipelines_with(dir.path(), &[("unpivot_value_collides", &text)]);
    let o = nqs_in(
        &p,
        &dir.path().join("out"),
        &[
            "contract",
            "check",
            case("transform/t.csv").to_str().unwrap(),
            "--source",
            "unpivot_value_collides",
        ],
    );
    assert!(!o.status.success());
    let text = printed(&o);
    assert!(
        text.contains("`code` is already a column of the file (`Код`)"),
        "{text}"
    );
}

#[test]
fn a_region_or_group_the_lists_do_not_know_is_quarantined_not_left_out() {
    for (file, quarantined) in [
        // `Карагандинская обл.`: the region's 10 groups × 5 years.
        ("employment_variants/employment_region_abbrev_2025.xlsx", 50),
        // `1. Руководители…`: read as group 1 (a dot after the digit).
        ("employment_variants/employment_spelling_2025.xlsx", 0),
    ] {
        let o = nqs(
            Path::new("unused"),
            &[
                "--json",
                "contract",
                "check",
                case(file).to_str().unwrap(),
                "--source",
                "employment",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let c: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(c["quarantined"], quarantined, "{file}: {c:#}");
        // Only the country block (55) and the regions' total rows (20) are left out.
        assert_eq!(c["excluded"]["filter"], 75, "{file}: {c:#}");
        assert_eq!(
            c["accepted"].as_u64().unwrap() + c["quarantined"].as_u64().unwrap(),
            200,
            "{file}"
        );
    }
}

#[test]
fn a_year_of_vacancies_sent_by_month_and_as_a_whole_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    copy_tree(
        &project_root().join("tests/fixtures/published/vacancies"),
        &input.join("vacancies"),
    );
    std::fs::copy(
        case("vacancies_mixed_periods/vacancies_2025_year.csv"),
        input.join("vacancies/vacancies_2025_year.csv"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = nqs(&out, &["ingest", input.to_str().unwrap(), "--sample"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = nqs(
        &out,
        &[
            "sql",
            "--year",
            "2025",
            "select vacancies from vacancies_at_year() \
             where year = 2025 and nco_unit = '2512' and region = '710000000'",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // The whole year's figure, not it plus its months (500 + 452).
    assert_eq!(stdout(&o).lines().nth(1), Some("500"), "{}", stdout(&o));
}

#[test]
fn a_draft_without_a_key_is_refused_until_one_is_named_and_headers_alike_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let o = infer(&case("empty_key/wages_2025.csv"));
    assert!(o.status.success(), "{}", stderr(&o));
    let no_key = stdout(&o);
    assert!(no_key.contains("key = []"), "{no_key}");
    let o = infer(&case("dup_headers/dup_headers.csv"));
    assert!(o.status.success(), "{}", stderr(&o));
    let alike = stdout(&o);
    assert!(alike.contains("occurrence = 2"), "{alike}");
    let p = pipelines_with(dir.path(), &[("wages", &no_key), ("dup_headers", &alike)]);
    let check = |file: &str, source: &str| {
        nqs_in(
            &p,
            &dir.path().join("out"),
            &[
                "--json",
                "contract",
                "check",
                case(file).to_str().unwrap(),
                "--source",
                source,
            ],
        )
    };
    let o = check("dup_headers/dup_headers.csv", "dup_headers");
    let text = printed(&o);
    assert!(!o.status.success(), "{text}");
    assert!(text.contains("`key` names no column"), "{text}");
    // With the key named, the draft of the file with two `score` columns reads its own file.
    std::fs::write(
        p.join("sources/wages.toml"),
        no_key.replace(
            "key = []",
            "key = [\"region\", \"gruppa\", \"zarplata_tenge\"]",
        ),
    )
    .unwrap();
    let o = check("dup_headers/dup_headers.csv", "dup_headers");
    assert!(o.status.success(), "{}", printed(&o));
    let c: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(c["quarantined"], 0, "{c:#}\n{alike}");
}
