//! The engine as one path: a new indicator with a new topic reaches section 4 of both PDFs
//! through the declared layout, and two runs on the same lake, with different DuckDB thread
//! counts, write identical outputs.

use crate::common::*;
use std::path::Path;
use std::process::Command;

fn pdftotext(path: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed: make setup");
    assert!(o.status.success());
    String::from_utf8(o.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

const NEW_DEFINITION: &str = r#"id = "zz_levels_with_descriptors"
topic = "qualification_frameworks_new"
title = { kk = "Дескрипторлары бар деңгейлер тексерісі", ru = "Проверка уровней с дескрипторами" }
definition = { kk = "Сынақ көрсеткіші.", ru = "Проверочный показатель." }
formula = "count(nqf_levels)"
unit = "count"
breakdowns = ["total"]
sources = ["nqf_levels"]
"#;

const NEW_QUERY: &str = r#"select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from nqf_levels) as value, null as numerator, null as denominator
from report_years y
"#;

#[test]
fn an_indicator_with_a_new_topic_is_tabled_in_section_four_of_both_reports() {
    let dir = tempfile::tempdir().unwrap();
    let pipelines = dir.path().join("pipelines");
    copy_tree(&project_root().join("pipelines"), &pipelines);
    let indicators = pipelines.join("indicators");
    std::fs::write(
        indicators.join("zz_levels_with_descriptors.toml"),
        NEW_DEFINITION,
    )
    .unwrap();
    std::fs::write(indicators.join("zz_levels_with_descriptors.sql"), NEW_QUERY).unwrap();
    let out = dir.path().join("out");
    let sample = project_root().join("datasets/sample");
    for args in [
        vec!["ingest", sample.to_str().unwrap(), "--sample"],
        vec!["run", "--year", "2026", "--as-of", "2026-11-25"],
    ] {
        let o = nqs_in(&pipelines, &out, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    let o = nqs_in(&pipelines, &out, &["report", "--year", "2026"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let warning = stderr(&o);
    assert!(
        warning.contains("zz_levels_with_descriptors.sql")
            && warning.contains("qualification_frameworks_new"),
        "the warning names the file and the topic: {warning}"
    );
    for (lang, section4, annex, other, title) in [
        (
            "kk",
            "Сандық көрсеткіштер",
            "Көрсеткіштерді есептеу әдістемесі",
            "Басқа көрсеткіштер",
            "Дескрипторлары бар деңгейлер тексерісі",
        ),
        (
            "ru",
            "Количественные показатели",
            "Методика расчёта показателей",
            "Прочие показатели",
            "Проверка уровней с дескрипторами",
        ),
    ] {
        let text = pdftotext(&out.join(format!("2026/report-{lang}.pdf")));
        // The outline names the sections first; the body's section 4 runs from its last
        // heading to the methodology annex.
        let start = text
            .rfind(section4)
            .unwrap_or_else(|| panic!("{lang}: no section 4"));
        let end = text[start..]
            .find(annex)
            .map(|i| start + i)
            .unwrap_or_else(|| panic!("{lang}: no methodology annex heading `{annex}`"));
        let body = &text[start..end];
        assert!(
            body.contains(other),
            "{lang}: no «{other}» group in section 4"
        );
        assert!(
            body.contains(title),
            "{lang}: the new indicator is not tabled in section 4"
        );
    }
}

#[test]
fn two_runs_with_different_thread_counts_write_identical_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sample = project_root().join("datasets/sample");
    let pipelines = project_root().join("pipelines");
    let o = nqs_in(
        &pipelines,
        &out,
        &["ingest", sample.to_str().unwrap(), "--sample"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut outputs = Vec::new();
    for threads in ["1", "4"] {
        let o = nqs_in(
            &pipelines,
            &out,
            &[
                "--threads",
                threads,
                "run",
                "--year",
                "2026",
                "--as-of",
                "2026-11-25",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        outputs.push(snapshot(&out.join("2026")));
    }
    let names = |s: &[(String, Vec<u8>)]| s.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&outputs[0]), names(&outputs[1]));
    assert!(
        names(&outputs[0])
            .iter()
            .any(|n| n.ends_with("indicators.parquet"))
    );
    for ((name, a), (_, b)) in outputs[0].iter().zip(&outputs[1]) {
        assert!(a == b, "{name} differs between --threads 1 and --threads 4");
    }
}

#[test]
fn the_yearly_run_refuses_what_is_missing_and_then_runs_every_stage() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let pipelines = project_root().join("pipelines");
    let sample = project_root().join("datasets/sample");
    let yearly = |inbox: &Path, key: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_nqs"));
        cmd.arg("--pipelines")
            .arg(&pipelines)
            .arg("--output")
            .arg(&out)
            .arg("--templates")
            .arg(project_root().join("report-templates"))
            .args(["--as-of", "2026-11-25", "yearly", "--inbox"])
            .arg(inbox)
            .env_remove("NQS_PSEUDONYM_KEY")
            .env_remove("NQS_PSEUDONYM_KEY_FILE");
        if let Some(key) = key {
            cmd.env("NQS_PSEUDONYM_KEY", key);
        }
        cmd.output().unwrap()
    };
    let o = yearly(&dir.path().join("no-such-inbox"), None);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no-such-inbox") && stderr(&o).contains("NQS_INBOX"),
        "{}",
        stderr(&o)
    );
    let o = yearly(&sample, None);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("NQS_PSEUDONYM_KEY"), "{}", stderr(&o));
    assert!(
        parquet_files(&out.join("lake")).is_empty(),
        "nothing is written without a key"
    );
    let o = yearly(&sample, Some("a-test-key-for-the-yearly-run-0123456789"));
    // The sample has para. 7 submissions missing as of 25 November: done, with them missing.
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("submissions are missing (exit status 3)"),
        "{}",
        stderr(&o)
    );
    let text = stdout(&o);
    assert!(text.contains("Late or missing:"), "{text}");
    for file in [
        "run.json",
        "indicators.parquet",
        "report-kk.pdf",
        "report-ru.pdf",
    ] {
        assert!(out.join("2026").join(file).is_file(), "{file} missing");
    }
    assert!(text.contains("Annual analysis of 2026"), "{text}");
    let record = std::fs::read_to_string(out.join("2026/run.json")).unwrap();
    assert!(record.contains("\"as_of\": \"2026-11-25\""), "{record}");

    // The timer fires again with nothing new in the inbox: the same exit status, and the lake
    // and every output the same, byte for byte (no new ingest record either).
    let before = snapshot(&out);
    let again = yearly(&sample, Some("a-test-key-for-the-yearly-run-0123456789"));
    assert_eq!(again.status.code(), Some(3), "{}", stderr(&again));
    let after = snapshot(&out);
    let names = |s: &[(String, Vec<u8>)]| s.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&before), names(&after), "files added or removed");
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "{name} changed on a run with nothing new");
    }
}

/// Sources the Rules name (para. 9.4 expertise of standards, 9.5 trainings, 14 incidents,
/// 8 placement of information on the platform), added with files under `pipelines/` only,
/// reach the lake, their indicators and the report.
#[test]
fn sources_added_through_contracts_alone_reach_the_lake_the_indicators_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    copy_tree(&project_root().join("datasets/sample"), &input);
    // The sample carries these extracts too (`make sample` adds them); laid over it again so the
    // test reads exactly the fixtures.
    copy_tree(&project_root().join("tests/fixtures/new-sources"), &input);
    let out = dir.path().join("out");
    let pipelines = project_root().join("pipelines");
    let o = nqs_in(
        &pipelines,
        &out,
        &["--json", "ingest", input.to_str().unwrap(), "--sample"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for (source, read, accepted) in [
        ("standard_expertise", 7, 6),
        ("trainings", 6, 5),
        ("platform_incidents", 6, 5),
        ("platform_placements", 10, 9),
    ] {
        let s = &report["sources"][source];
        assert_eq!(s["rows_read"], read, "{source}");
        assert_eq!(s["accepted"], accepted, "{source}");
        assert_eq!(
            s["quarantined"],
            read - accepted,
            "{source}: the planted bad row"
        );
        assert!(!parquet_files(&out.join("lake").join(source)).is_empty());
    }
    for args in [
        vec!["run", "--year", "2026", "--as-of", "2026-11-25"],
        vec!["report", "--year", "2026"],
    ] {
        let o = nqs_in(&pipelines, &out, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    let table = read_parquet(&out.join("2026/indicators.parquet"));
    let value = |id: &str| {
        let ids = table.column("indicator_id").unwrap().str().unwrap();
        let years = table.column("year").unwrap().i32().unwrap();
        let breakdowns = table.column("breakdown").unwrap().str().unwrap();
        let values = table.column("value").unwrap().f64().unwrap();
        (0..table.height())
            .find(|&i| {
                ids.get(i) == Some(id)
                    && years.get(i) == Some(2026)
                    && breakdowns.get(i) == Some("total")
            })
            .and_then(|i| values.get(i))
    };
    assert_eq!(value("trainings_held"), Some(4.0));
    assert_eq!(value("platform_incidents_detected"), Some(4.0));
    assert_eq!(value("standards_expertise_median_days"), Some(35.0));
    // Placed in 2026 after 3, 5, 7, 10, 14, 21 and 23 days (the last received in December 2025);
    // the row placed before it was received is quarantined.
    assert_eq!(value("placements_median_days"), Some(10.0));
    // Received and still not placed on the judging day: the July programmes register and the
    // October recognition results.
    assert_eq!(value("placements_pending"), Some(2.0));
    // 600 minutes down of the 473,760 from 1 January to the judging day, 25 November.
    let availability = value("platform_availability_share").unwrap();
    assert!((availability - 100.0 * 473_160.0 / 473_760.0).abs() < 1e-9);
    let text = pdftotext(&out.join("2026/report-ru.pdf"));
    let start = text.rfind("Количественные показатели").unwrap();
    let end = start + text[start..].find("Методика расчёта показателей").unwrap();
    let section4 = &text[start..end];
    for title in [
        "Проведённые обучения по разработке базовых инструментов НСК",
        "Технические сбои цифровой платформы",
        "Доступность цифровой платформы, %",
        "Срок экспертизы профессионального стандарта, дней (медиана)",
        "Срок размещения информации на цифровой платформе, дней (медиана)",
        "Информация, не размещённая на цифровой платформе на конец года",
    ] {
        assert!(section4.contains(title), "«{title}» not in section 4");
    }
    // The row reads the five years, 2026's value last: 99,9 % (one decimal).
    let row: String = section4[section4.find("Доступность цифровой платформы, %").unwrap()..]
        .chars()
        .take(80)
        .collect();
    assert!(row.contains("99,9 %"), "{row}");
    // Para. 8's placement figures in the Kazakh report too, 2026's median last in its row.
    let text = pdftotext(&out.join("2026/report-kk.pdf"));
    let start = text.rfind("Сандық көрсеткіштер").unwrap();
    let end = start
        + text[start..]
            .find("Көрсеткіштерді есептеу әдістемесі")
            .unwrap();
    let section4 = &text[start..end];
    for title in [
        "Ақпаратты цифрлық платформада орналастыру мерзімі, күн (медиана)",
        "Жыл соңында цифрлық платформада орналастырылмаған ақпарат",
    ] {
        assert!(section4.contains(title), "«{title}» not in section 4");
    }
    // A median of whole days prints as whole days: the row as the table was given it (the PDF's
    // reading order of a table's cells is the tagged structure's, not the row's).
    let context: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("2026/report-context.kk.json")).unwrap(),
    )
    .unwrap();
    let row = context["indicators"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["tables"].as_array().unwrap())
        .flat_map(|t| t["rows"].as_array().unwrap())
        .find(|r| {
            r["label"]
                .as_str()
                .unwrap()
                .starts_with("Ақпаратты цифрлық платформада орналастыру мерзімі")
        })
        .expect("the placement median's row");
    let last = row["values"].as_array().unwrap().last().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(last, "10", "{row}");
    assert!(section4.contains(" 10 "), "the figure is printed");
}
