//! `nqs extract` on the committed sample: no combination of the declared quasi-identifiers is
//! shared by fewer than k persons; the extract's pseudonyms match neither the lake's nor another
//! extract's; every selected record is written or counted as suppressed; no identifier leaves;
//! the catalogue and `nqs query` see the extract.

use crate::common::*;
use duckdb::Connection;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const YEAR: &str = "2026";

struct Extracts {
    output: PathBuf,
    /// The first extract, copied aside before the second was written over it.
    first: PathBuf,
    /// The second extract of the same year, in its place.
    second: PathBuf,
    record: serde_json::Value,
}

fn extracts() -> &'static Extracts {
    static OUT: OnceLock<Extracts> = OnceLock::new();
    OUT.get_or_init(|| {
        let output = sample_output("extract", &[2026]);
        let o = nqs(&output, &["extract", "--year", YEAR]);
        assert!(o.status.success(), "{}", stderr(&o));
        let second = output.join(YEAR).join("research/recognitions.parquet");
        let first = output.join("first-recognitions.parquet");
        std::fs::copy(&second, &first).unwrap();
        let o = nqs(&output, &["extract", "--year", YEAR]);
        assert!(o.status.success(), "{}", stderr(&o));
        let record: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(output.join(YEAR).join("research/extract.json")).unwrap(),
        )
        .unwrap();
        Extracts {
            output,
            first,
            second,
            record,
        }
    })
}

/// The declared quasi-identifiers and k, read from the project's own declaration.
fn declared() -> (Vec<String>, u64) {
    let spec: toml::Value = toml::from_str(
        &std::fs::read_to_string(project_root().join("pipelines/extract.toml")).unwrap(),
    )
    .unwrap();
    let qis = spec["quasi_identifier"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap().to_string())
        .collect();
    (qis, spec["k"].as_integer().unwrap() as u64)
}

fn count(conn: &Connection, sql: &str) -> u64 {
    conn.query_row(sql, [], |r| r.get::<_, i64>(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}")) as u64
}

fn parquet(path: &Path) -> String {
    format!("read_parquet('{}')", path.display())
}

fn lake(output: &Path, source: &str) -> String {
    format!(
        "read_parquet('{}/lake/{source}/**/*.parquet', hive_partitioning = false)",
        output.display()
    )
}

#[test]
fn no_combination_of_quasi_identifiers_is_shared_by_fewer_than_k_persons() {
    let e = extracts();
    let (qis, k) = declared();
    assert!(k >= 5, "k is declared at least 5");
    let conn = Connection::open_in_memory().unwrap();
    for file in [&e.first, &e.second] {
        let f = parquet(file);
        let qis = qis.join(", ");
        let small = count(
            &conn,
            &format!(
                "select count(*) from (select {qis} from {f} group by {qis} \
                 having count(distinct person) < {k})"
            ),
        );
        assert_eq!(small, 0, "combinations shared by fewer than {k} persons");
        // The count above must be able to fail: the same records before recoding (exact
        // region and occupation, sex, NQF level and month) have many small combinations.
        let raw_small = count(
            &conn,
            &format!(
                "select count(*) from (select sex, region, nco_code, nqf_level, \
                 strftime(decision_date, '%Y-%m') from {} where year(decision_date) = {YEAR} \
                 group by all having count(distinct person_id) < {k})",
                lake(&e.output, "recognition_results")
            ),
        );
        assert!(
            raw_small > 0,
            "the sample has small combinations to protect"
        );
        // Not everything was withheld: most records keep their sex and region.
        let kept = count(
            &conn,
            &format!("select count(*) from {f} where sex is not null and region is not null"),
        );
        let rows = count(&conn, &format!("select count(*) from {f}"));
        assert!(
            rows > 100 && kept * 2 > rows,
            "{kept} of {rows} keep sex and region"
        );
    }
}

#[test]
fn every_selected_record_is_written_or_counted_as_suppressed() {
    let e = extracts();
    let conn = Connection::open_in_memory().unwrap();
    let in_lake = count(
        &conn,
        &format!(
            "select count(*) from {} where year(decision_date) = {YEAR}",
            lake(&e.output, "recognition_results")
        ),
    );
    let written = count(
        &conn,
        &format!("select count(*) from {}", parquet(&e.second)),
    );
    let r = &e.record;
    assert_eq!(r["records_selected"].as_u64(), Some(in_lake));
    assert_eq!(r["records_written"].as_u64(), Some(written));
    assert_eq!(
        r["records_written"].as_u64().unwrap() + r["records_suppressed"].as_u64().unwrap(),
        in_lake
    );
    // Local suppression leaves few records to drop: fewer than k persons' in all.
    assert!(r["records_suppressed"].as_u64().unwrap() < 5 * 3);
    assert!(r["smallest_combination"].as_u64().unwrap() >= declared().1);
    // The l-diversity measure of the record, recounted from the file.
    let qis = declared().0.join(", ");
    let homogeneous = count(
        &conn,
        &format!(
            "select count(*) from (select 1 from {} group by {qis} \
             having count(distinct result) = 1)",
            parquet(&e.second)
        ),
    );
    assert_eq!(
        r["homogeneous_combinations"]["result"].as_u64(),
        Some(homogeneous)
    );
}

#[test]
fn pseudonyms_match_neither_the_lake_nor_another_extract() {
    let e = extracts();
    let conn = Connection::open_in_memory().unwrap();
    let (first, second) = (parquet(&e.first), parquet(&e.second));
    let persons = count(
        &conn,
        &format!("select count(distinct person) from {first}"),
    );
    assert!(persons > 100);
    assert_eq!(
        persons,
        count(
            &conn,
            &format!("select count(distinct person) from {second}")
        )
    );
    let lake_ids = format!(
        "(select person_id from {} union select person_id from {})",
        lake(&e.output, "recognition_results"),
        lake(&e.output, "certificates")
    );
    for f in [&first, &second] {
        let shared = count(
            &conn,
            &format!("select count(*) from {f} where person in {lake_ids}"),
        );
        assert_eq!(shared, 0, "an extract's pseudonym is a lake pseudonym");
    }
    let shared = count(
        &conn,
        &format!(
            "select count(*) from (select person from {first} intersect select person from {second})"
        ),
    );
    assert_eq!(shared, 0, "two extracts share pseudonyms");
    // Apart from the pseudonyms, the two extracts are the same records in the same order.
    let differ = count(
        &conn,
        &format!(
            "select count(*) from (select * exclude (person) from {first} \
             except all select * exclude (person) from {second})"
        ),
    );
    assert_eq!(differ, 0);
    // Within an extract, one person's records stay linked: the lake's repeat candidates are
    // repeat candidates in the extract too.
    let repeats_extract = count(
        &conn,
        &format!(
            "select count(*) from (select person from {first} group by 1 having count(*) > 1)"
        ),
    );
    assert!(repeats_extract > 0);
}

#[test]
fn only_the_declared_columns_leave_and_no_identifier() {
    let e = extracts();
    let conn = Connection::open_in_memory().unwrap();
    let f = parquet(&e.second);
    let mut stmt = conn
        .prepare(&format!(
            "select column_name from (describe select * from {f})"
        ))
        .unwrap();
    let columns: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        columns,
        [
            "person",
            "region",
            "sex",
            "age_band",
            "nqf_level",
            "nco_group",
            "decision_month",
            "referral",
            "result",
            "score",
            "weeks_to_decision"
        ]
    );
    for c in &columns {
        let digits = count(
            &conn,
            &format!(
                "select count(*) from {f} where regexp_matches(\"{c}\"::varchar, '[0-9]{{12}}')"
            ),
        );
        assert_eq!(digits, 0, "column {c} holds a 12-digit number");
    }
    let exact_dates = count(
        &conn,
        &format!("select count(*) from {f} where length(decision_month) > 7"),
    );
    assert_eq!(
        exact_dates, 0,
        "dates are recoded to the month at the finest"
    );
    let version: String = conn
        .query_row(
            &format!(
                "select decode(value) from parquet_kv_metadata('{}') \
                 where decode(key) = 'nqs_schema_version'",
                e.second.display()
            ),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, nqs::indicators::SCHEMA_VERSION);
}

#[test]
fn the_catalogue_and_nqs_query_see_the_extract() {
    let e = extracts();
    let o = nqs(
        &e.output,
        &[
            "query",
            "select year, count(*) as n from recognitions group by 1",
            "--format",
            "csv",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let written = e.record["records_written"].as_u64().unwrap();
    assert_eq!(stdout(&o), format!("year,n\n{YEAR},{written}\n"));
    let conn = Connection::open(e.output.join("nqs.duckdb")).unwrap();
    conn.execute_batch(&format!("set file_search_path = '{}'", e.output.display()))
        .unwrap();
    assert_eq!(count(&conn, "select count(*) from recognitions"), written);
}

/// The refusals share the sample's output folder (and its lock): one at a time.
static REFUSALS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A pipelines folder of the test's own: the project's, with `extract.toml` edited.
fn pipelines_with_extract(name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nqs-extract-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_tree(&project_root().join("pipelines"), &dir);
    let spec = dir.join("extract.toml");
    let text = std::fs::read_to_string(&spec).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit applies");
    std::fs::write(&spec, edited).unwrap();
    dir
}

#[test]
fn a_column_carrying_the_lake_pseudonym_is_refused() {
    let e = extracts();
    let _one = REFUSALS.lock().unwrap_or_else(|p| p.into_inner());
    let pipelines = pipelines_with_extract("leak", |t| {
        t.replace("sql = \"referral\"", "sql = \"person_id\"")
    });
    let o = nqs_in(&pipelines, &e.output, &["extract", "--year", YEAR]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("column `referral`"), "{err}");
    assert!(err.contains("the lake's pseudonyms"), "{err}");
}

#[test]
fn k_below_the_disclosure_threshold_is_refused() {
    let e = extracts();
    let _one = REFUSALS.lock().unwrap_or_else(|p| p.into_inner());
    let pipelines = pipelines_with_extract("k3", |t| t.replacen("k = 5", "k = 3", 1));
    let o = nqs_in(&pipelines, &e.output, &["extract", "--year", YEAR]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("k = 3 is below the disclosure threshold"),
        "{err}"
    );
    assert!(err.contains("extract.toml"), "{err}");
}
