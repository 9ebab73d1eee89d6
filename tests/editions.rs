//! Editions on the sample: `nqs publish` freezes what is sent; a provider's corrected file then
//! shows as revised figures in the next report while the published edition stays byte for byte
//! as it was; the next year's report follows up the published recommendations, with the
//! Ministry's decision the analyst recorded; analysts' commentary cites figures that are checked.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `nqs` with the given templates folder (a copy holding the year's notes).
fn nqs_t(templates: &Path, output: &Path, args: &[&str]) -> Output {
    nqs_with(&project_root().join("pipelines"), templates, output, args)
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    stdout(&o)
}

fn pdf_text(path: &Path) -> String {
    let o = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(o.status.success());
    // Words broken at line ends and non-breaking spaces read as one text.
    String::from_utf8_lossy(&o.stdout)
        .replace('\u{a0}', " ")
        .replace("-\n", "")
        .replace('\n', " ")
}

/// How many pages carry the draft mark (read in raw order, whitespace dropped: the mark is set
/// diagonally behind the text).
fn marked_pages(path: &Path) -> usize {
    let o = Command::new("pdftotext")
        .arg("-raw")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&o.stdout)
        .split('\u{c}')
        .filter(|page| {
            page.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .contains("ПРОЕКТ")
        })
        .count()
}

fn pages(path: &Path) -> usize {
    let o = Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("pdfinfo runs");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count")
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The first 2025 recognition file (a UTF-8 CSV) of the input with a passed assessment.
fn a_2025_results_file(input: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = walk(&input.join("recognition_results/2025"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        // UTF-8 files only (some centres send Windows-1251).
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains(",passed,")))
        .collect();
    files.sort();
    files.into_iter().next().expect("a 2025 CSV of results")
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn publish_freezes_revisions_are_flagged_and_the_next_year_follows_up() {
    let dir = std::env::temp_dir().join(format!("nqs-editions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let input = dir.join("in");
    let out = dir.join("out");
    let templates = dir.join("templates");
    copy_tree(&project_root().join("datasets/sample"), &input);
    copy_tree(&project_root().join("report-templates"), &templates);

    ok(nqs_t(
        &templates,
        &out,
        &["ingest", input.to_str().unwrap(), "--sample"],
    ));
    ok(nqs_t(
        &templates,
        &out,
        &["run", "--year", "2025", "--as-of", "2025-12-05"],
    ));
    // A draft carries the mark on its pages; the title page says it was not sent.
    ok(nqs_t(&templates, &out, &["report", "--year", "2025"]));
    let draft_pdf = out.join("2025/report-ru.pdf");
    assert_eq!(
        marked_pages(&draft_pdf),
        pages(&draft_pdf),
        "the draft mark on every page"
    );
    let draft = pdf_text(&draft_pdf);
    assert!(draft.contains("проект, уполномоченному органу не направлялся"));

    let printed = ok(nqs_t(
        &templates,
        &out,
        &["publish", "--year", "2025", "--as-of", "2025-12-05"],
    ));
    assert!(printed.contains("edition 1 of 2025"), "{printed}");
    let edition = out.join("editions/2025/1");
    for name in [
        "report-kk.pdf",
        "report-ru.pdf",
        "indicators.parquet",
        "findings.json",
        "run.json",
        "indicators.sdmx.csv",
        "structure.xml",
        "dictionary.md",
        "manifest.json",
        "edition.json",
    ] {
        assert!(edition.join(name).is_file(), "{name} in the edition");
    }
    let record = json(&edition.join("edition.json"));
    assert_eq!(record["as_of"], "2025-12-05");
    let recs = record["recommendations"].as_array().unwrap();
    assert!(!recs.is_empty());
    assert!(
        recs.iter()
            .all(|r| r["id"].as_str().unwrap().starts_with("2025."))
    );
    // Checksums in the record are those of the files.
    for (name, sha) in record["files"].as_object().unwrap() {
        use sha2::Digest;
        let bytes = std::fs::read(edition.join(name)).unwrap();
        assert_eq!(
            hex::encode(sha2::Sha256::digest(&bytes)),
            sha.as_str().unwrap()
        );
    }
    let published_ru = pdf_text(&edition.join("report-ru.pdf"));
    assert_eq!(
        marked_pages(&edition.join("report-ru.pdf")),
        0,
        "an edition is not marked"
    );
    let title = Command::new("pdftotext")
        .args(["-layout", "-f", "1", "-l", "1"])
        .arg(edition.join("report-ru.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let title = String::from_utf8_lossy(&title.stdout).to_string();
    assert!(
        title
            .lines()
            .any(|l| l.trim_start().starts_with("Редакция") && l.trim_end().ends_with(" 1")),
        "the edition number on the title page: {title}"
    );
    assert!(!published_ru.contains("не направлялся"));
    assert!(
        std::fs::metadata(edition.join("report-ru.pdf"))
            .unwrap()
            .permissions()
            .readonly()
    );
    let frozen = snapshot(&edition);

    // Publishing the same figures again is refused.
    let again = nqs_t(
        &templates,
        &out,
        &["publish", "--year", "2025", "--as-of", "2025-12-05"],
    );
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already holds these figures"),
        "{}",
        stderr(&again)
    );

    // A provider corrects a 2025 file: every pass becomes a fail.
    let file = a_2025_results_file(&input);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace(",passed,", ",failed,")).unwrap();
    ok(nqs_t(
        &templates,
        &out,
        &["ingest", input.to_str().unwrap(), "--sample"],
    ));
    let ran = ok(nqs_t(
        &templates,
        &out,
        &["--json", "run", "--year", "2025", "--as-of", "2025-12-05"],
    ));
    // The disclosure audit covers differencing between editions: a count of persons the
    // correction moved by fewer than 5 is withheld now, so the two editions do not together
    // publish the small group the correction concerned.
    let ran: serde_json::Value = serde_json::from_str(&ran).unwrap();
    assert!(
        ran["disclosure"]["by_rule"]["edition_difference"]
            .as_u64()
            .unwrap_or(0)
            > 0,
        "{}",
        ran["disclosure"]
    );
    // Every group of persons a cell publishes: a count's value, a share's or rate's numerator
    // and denominator.
    let person_counts: Vec<String> = std::fs::read_dir(project_root().join("pipelines/indicators"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "toml")
                && !p.to_string_lossy().ends_with(".test.toml")
        })
        .filter_map(|p| {
            let h: toml::Value = toml::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (h.get("counts_persons").and_then(|v| v.as_bool()) == Some(true)
                && h.get("units").is_none())
            .then(|| h["id"].as_str().unwrap().to_string())
        })
        .collect();
    type Groups = std::collections::BTreeMap<(String, i64, String, String, &'static str), f64>;
    let cells = |dir: &Path| -> Groups {
        let df = read_parquet(&dir.join("indicators.parquet"));
        let col = |n: &str| strs(&df, n);
        let (ids, bs, vs) = (
            col("indicator_id"),
            col("breakdown"),
            col("breakdown_value"),
        );
        let years: Vec<Option<i32>> = df
            .column("year")
            .unwrap()
            .i32()
            .unwrap()
            .into_iter()
            .collect();
        let floats = |n: &str| -> Vec<Option<f64>> {
            df.column(n).unwrap().f64().unwrap().into_iter().collect()
        };
        let parts = [
            ("value", floats("value")),
            ("numerator", floats("numerator")),
            ("denominator", floats("denominator")),
        ];
        let mut out = Groups::new();
        for i in 0..df.height() {
            let (Some(id), Some(y), Some(b), Some(v)) =
                (ids[i].clone(), years[i], bs[i].clone(), vs[i].clone())
            else {
                continue;
            };
            // A share's value is a percentage, not a group: its parts are.
            let has_parts = parts[1].1[i].is_some();
            for (name, column) in &parts {
                if let Some(x) = column[i]
                    && (*name != "value" || !has_parts)
                {
                    out.insert((id.clone(), y as i64, b.clone(), v.clone(), *name), x);
                }
            }
        }
        out
    };
    let (then, now) = (cells(&edition), cells(&out.join("2025")));
    let mut compared = 0;
    for (key, v) in &now {
        if let Some(p) = then.get(key)
            && person_counts.contains(&key.0)
        {
            let d = (v - p).abs();
            assert!(d == 0.0 || d >= 5.0, "{key:?}: {p} then, {v} now");
            compared += 1;
        }
    }
    assert!(compared > 100, "{compared}");
    ok(nqs_t(&templates, &out, &["report", "--year", "2025"]));
    let context = json(&out.join("2025/report-context.ru.json"));
    let groups = context["revisions"].as_array().unwrap();
    let reason = "поставщик представил исправленные данные: Результаты признания квалификаций";
    let group = groups
        .iter()
        .find(|g| g["reason"].as_str().unwrap().contains(reason))
        .unwrap_or_else(|| panic!("a revision for the corrected file: {groups:?}"));
    assert!(
        group["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(
                |i| i["indicator"] == "Доля успешно прошедших признание квалификации"
                    && i["year"] == 2025
            ),
        "{group:?}"
    );
    let revised = pdf_text(&out.join("2025/report-ru.pdf"));
    assert!(revised.contains("Пересмотренные данные"));
    assert!(revised.contains(reason));
    assert!(revised.contains('†'), "revised cells are marked");
    assert_eq!(
        snapshot(&edition),
        frozen,
        "the published edition is unchanged"
    );

    // The corrected figures can be published as edition 2; edition 1 stays as it was.
    let printed = ok(nqs_t(
        &templates,
        &out,
        &["publish", "--year", "2025", "--as-of", "2025-12-05"],
    ));
    assert!(printed.contains("edition 2 of 2025"), "{printed}");
    assert_eq!(snapshot(&edition), frozen);

    // The next year: the analyst records the Ministry's decision on the first recommendation
    // of the latest edition and writes a commentary citing a figure.
    let record2 = json(&out.join("editions/2025/2/edition.json"));
    let first = record2["recommendations"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let year_dir = templates.join("years/2026");
    std::fs::create_dir_all(&year_dir).unwrap();
    std::fs::write(
        year_dir.join("decisions.toml"),
        format!(
            "[[decision]]\nrecommendation = \"{first}\"\nkk = \"Ұсыным 2026 жылғы жұмыс жоспарына енгізілді.\"\nru = \"Рекомендация включена в план работы на 2026 год.\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        year_dir.join("commentary.toml"),
        "[state]\nkk = \"Биыл бағалаудан сәтті өткендердің үлесі {recognition_pass_rate} құрады.\"\nru = \"В отчётном году доля успешно прошедших оценку составила {recognition_pass_rate}.\"\n",
    )
    .unwrap();
    ok(nqs_t(
        &templates,
        &out,
        &["run", "--year", "2026", "--as-of", "2026-11-25"],
    ));
    ok(nqs_t(&templates, &out, &["report", "--year", "2026"]));
    let context = json(&out.join("2026/report-context.ru.json"));
    let follow = &context["follow_up"];
    assert_eq!(follow["year"], 2025);
    assert_eq!(follow["edition"], 2);
    let items = follow["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        record2["recommendations"].as_array().unwrap().len()
    );
    assert_eq!(
        items[0]["decision"],
        "Рекомендация включена в план работы на 2026 год."
    );
    assert!(items.iter().all(|i| i["status_text"].as_str().is_some()));
    let next = pdf_text(&out.join("2026/report-ru.pdf"));
    assert!(next.contains("Рассмотрение рекомендаций информации за 2025 год"));
    assert!(next.contains("Рекомендация включена в план работы на 2026 год."));
    let rate = context["commentary"]["state"].as_str().unwrap().to_string();
    assert!(
        rate.starts_with("В отчётном году доля успешно прошедших оценку составила ")
            && rate.ends_with("%.")
            && !rate.contains('{'),
        "{rate}"
    );
    assert!(next.contains(&rate.replace('\u{a0}', " ")));
    let kk = pdf_text(&out.join("2026/report-kk.pdf"));
    assert!(kk.contains("2025 жылғы ақпарат ұсынымдарының қаралуы"));
    assert!(kk.contains("Ұсыным 2026 жылғы жұмыс жоспарына енгізілді."));

    // A commentary that misquotes a figure, or a decision on an unknown recommendation, stops
    // the report with the file named.
    std::fs::write(
        year_dir.join("commentary.toml"),
        "[state]\nkk = \"{recognition_pass_rate = 1,0 %}\"\nru = \"{recognition_pass_rate = 1,0 %}\"\n",
    )
    .unwrap();
    let bad = nqs_t(&templates, &out, &["report", "--year", "2026"]);
    assert!(!bad.status.success());
    let e = stderr(&bad);
    assert!(
        e.contains("commentary.toml") && e.contains("but the tables print"),
        "{e}"
    );
    std::fs::remove_file(year_dir.join("commentary.toml")).unwrap();
    std::fs::write(
        year_dir.join("decisions.toml"),
        "[[decision]]\nrecommendation = \"2025.no_such_rule.1\"\nkk = \"x\"\nru = \"x\"\n",
    )
    .unwrap();
    let bad = nqs_t(&templates, &out, &["report", "--year", "2026"]);
    assert!(!bad.status.success());
    let e = stderr(&bad);
    assert!(
        e.contains("decisions.toml") && e.contains("2025.no_such_rule.1"),
        "{e}"
    );

    // Remove the read-only edition folders before cleaning up.
    for d in ["1", "2"] {
        let p = out.join("editions/2025").join(d);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Para. 21: an edition after 15 December is refused without a reason, and keeps the reason
/// given (in `edition.json`, in what `publish` prints and in the editions `schedule` lists).
#[test]
fn publish_after_the_deadline_needs_a_reason_and_keeps_it() {
    let out = sample_output("late-publish", &[2026]);
    let refused = nqs(
        &out,
        &["publish", "--year", "2026", "--as-of", "2026-12-16"],
    );
    assert!(!refused.status.success(), "{}", stdout(&refused));
    let e = stderr(&refused);
    assert!(
        e.contains("due to the Ministry by 2026-12-15")
            && e.contains("made on 2026-12-16")
            && e.contains("--late \"")
            && !e.contains("panicked"),
        "{e}"
    );
    assert!(
        !out.join("editions").exists(),
        "a refused edition leaves nothing behind"
    );
    let empty = nqs(
        &out,
        &[
            "publish",
            "--year",
            "2026",
            "--as-of",
            "2026-12-16",
            "--late",
            " ",
        ],
    );
    assert!(!empty.status.success());
    assert!(
        stderr(&empty).contains("empty reason"),
        "{}",
        stderr(&empty)
    );

    // Due by 15 December, the schedule tells what is left: run, then send.
    let due = ok(nqs(
        &out,
        &["schedule", "--year", "2026", "--as-of", "2026-12-01"],
    ));
    assert!(
        due.contains("Still due for 2026, as of 2026-12-01:"),
        "{due}"
    );
    assert!(due.contains("run the pipeline by 2026-12-08"), "{due}");
    assert!(
        due.contains("send the edition by 2026-12-15: `nqs publish --year 2026`"),
        "{due}"
    );
    let overdue = ok(nqs(
        &out,
        &["schedule", "--year", "2026", "--as-of", "2026-12-16"],
    ));
    assert!(
        overdue.contains("the edition was due by 2026-12-15")
            && overdue.contains("--late \"reason\""),
        "{overdue}"
    );

    let reason = "the November extract of the Ministry of Labour arrived on 14 December";
    let printed = ok(nqs(
        &out,
        &[
            "publish",
            "--year",
            "2026",
            "--as-of",
            "2026-12-16",
            "--late",
            reason,
        ],
    ));
    assert!(printed.contains("edition 1 of 2026"), "{printed}");
    assert!(
        printed.contains(&format!("late: 1 day after the deadline of 2026-12-15; the reason kept in edition.json: {reason}")),
        "{printed}"
    );
    let record = json(&out.join("editions/2026/1/edition.json"));
    assert_eq!(record["published"], "2026-12-16");
    assert_eq!(record["late"]["deadline"], "2026-12-15");
    assert_eq!(record["late"]["days_late"], 1);
    assert_eq!(record["late"]["reason"], reason);

    let listed = ok(nqs(
        &out,
        &["schedule", "--year", "2026", "--as-of", "2026-12-17"],
    ));
    assert!(
        listed.contains(&format!(
            "Edition 1 sent on 2026-12-16, 1 day after the deadline: {reason}"
        )),
        "{listed}"
    );
    assert!(!listed.contains("the edition was due by"), "{listed}");
    // As of a day before it was published, the edition was not sent yet.
    let before = ok(nqs(
        &out,
        &["schedule", "--year", "2026", "--as-of", "2026-12-10"],
    ));
    assert!(!before.contains("Edition 1 sent"), "{before}");

    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(
        out.join("editions/2026/1"),
        std::fs::Permissions::from_mode(0o755),
    );
    let _ = std::fs::remove_dir_all(&out);
}
