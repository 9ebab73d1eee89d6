//! Personal data never leaves ingest. The input cases that once leaked (`tests/cases`) are laid
//! over a copy of the sample as a provider would send them, the whole pipeline runs (ingest,
//! run, the research extract, report), and then the real outputs are read back: the case rows
//! in the lake and the quarantine, and every file written and every line printed, scanned for
//! IINs, phone numbers, e-mails and the input's names.

use crate::common::*;
use nqs::pseudonym::Pseudonymiser;
use polars::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const CASES: [&str; 2] = ["extra-fields-free-text", "iin-in-bin-column"];
const FREE_TEXT_FILE: &str = "support_requests/2026-09.csv";
const ENTREPRENEUR_FILE: &str = "recognition_results/2026/10/160240014226.csv";
/// The individual entrepreneur whose IIN stands in `employer_bin` in ENTREPRENEUR_FILE.
const ENTREPRENEUR_IIN: &str = "850314355010";
/// A person named (in the dative) only inside the free text of FREE_TEXT_FILE's row 5.
const NAME_IN_FREE_TEXT: &str = "Сейткали Арману Ержановичу";

struct Pipeline {
    input: PathBuf,
    out: PathBuf,
    /// Each command run, with what it printed (stdout, then stderr).
    console: Vec<(String, String)>,
}

/// The sample with both cases laid over it, ingested, run and reported once for every test.
fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("nqs-privacy-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let input = root.join("in");
        copy_tree(&project_root().join("datasets/sample"), &input);
        for case in CASES {
            copy_tree(&case_input(case), &input);
        }
        let out = root.join("out");
        let templates = project_root().join("report-templates");
        let commands: [Vec<&str>; 4] = [
            vec!["ingest", input.to_str().unwrap(), "--sample"],
            vec!["run", "--year", "2026", "--as-of", "2026-11-25"],
            vec!["extract", "--year", "2026"],
            vec![
                "report",
                "--year",
                "2026",
                "--as-of",
                "2026-11-25",
                "--templates",
                templates.to_str().unwrap(),
            ],
        ];
        let mut console = Vec::new();
        for args in commands {
            let o = nqs(&out, &args);
            assert!(o.status.success(), "nqs {args:?}: {}", stderr(&o));
            console.push((
                format!("nqs {}", args.join(" ")),
                format!("{}{}", stdout(&o), stderr(&o)),
            ));
        }
        Pipeline {
            input,
            out,
            console,
        }
    })
}

fn case_input(case: &str) -> PathBuf {
    project_root().join("tests/cases").join(case).join("in")
}

fn manifest_entry(file: &str) -> serde_json::Value {
    let path = pipeline().out.join("lake/_manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    manifest["files"][file].clone()
}

/// (rows read, accepted, quarantined, flagged) of one input file.
fn counts(file: &str) -> [u64; 4] {
    let e = manifest_entry(file);
    ["rows_read", "accepted", "quarantined", "flagged"].map(|k| e[k].as_u64().unwrap())
}

/// The cells of the free-text case's row 5 that appear on no other line of its file: if one
/// of them shows up anywhere, it came from that row.
fn cells_of_the_split_row() -> Vec<String> {
    let text =
        std::fs::read_to_string(case_input("extra-fields-free-text").join(FREE_TEXT_FILE)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Line 5 is row 5: the header is row 1.
    let split = lines[4];
    assert_eq!(
        split.split(';').count(),
        14,
        "the case's row 5 has 14 fields"
    );
    split
        .split(';')
        .map(str::trim)
        // Dates are shared with other requests of the lake; everything else is the row's own.
        .filter(|c| c.len() >= 5 && nqs::validate::parse_date(c).is_err())
        .filter(|c| {
            lines
                .iter()
                .enumerate()
                .all(|(i, l)| i == 4 || !l.contains(c))
        })
        .map(String::from)
        .collect()
}

#[test]
fn a_row_split_by_its_free_text_is_quarantined_without_any_of_its_cells() {
    let p = pipeline();
    // Rows read = accepted + quarantined: 11 requests, the split one quarantined.
    assert_eq!(counts(FREE_TEXT_FILE), [11, 10, 1, 0]);

    let q = quarantine_rows_of(
        &pipeline().out.join("lake"),
        "support_requests",
        FREE_TEXT_FILE,
    );
    assert_eq!(q.height(), 1, "{q}");
    assert_eq!(q.column("row").unwrap().i64().unwrap().get(0), Some(5));
    assert_eq!(strs(&q, "column"), vec![Some(String::new())]);
    assert_eq!(strs(&q, "value"), vec![None]);
    let reason = strs(&q, "reason")[0].clone().unwrap();
    assert!(
        reason.starts_with("row has 14 fields, the header has 12"),
        "{reason}"
    );
    assert_eq!(strs(&q, "record"), vec![Some("{}".to_string())]);

    // The other ten are in the lake, and nothing of row 5.
    let accepted = lake_rows_of(
        &pipeline().out.join("lake"),
        "support_requests",
        FREE_TEXT_FILE,
    );
    let rows: Vec<i64> = accepted
        .column("_source_row")
        .unwrap()
        .i64()
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(rows, vec![2, 3, 4, 6, 7, 8, 9, 10, 11, 12]);

    let cells = cells_of_the_split_row();
    assert!(
        cells.iter().any(|c| c.contains("+7 701 555 01 23")) && cells.len() >= 8,
        "{cells:?}"
    );
    let everything = outputs();
    for (place, text) in everything.texts.iter().chain(&p.console) {
        for cell in &cells {
            assert!(!text.contains(cell), "`{cell}` of the split row in {place}");
        }
    }

    // On its own, the file's split row is the first quarantined row the console shows: named
    // by file and row, with the reason and no value.
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    copy_tree(&case_input("extra-fields-free-text"), input.path());
    for json in [false, true] {
        let mut args = vec!["ingest", input.path().to_str().unwrap(), "--sample"];
        if json {
            args.push("--json");
        }
        let o = nqs(out.path(), &args);
        assert!(o.status.success(), "{}", stderr(&o));
        let console = format!("{}{}", stdout(&o), stderr(&o));
        if !json {
            assert!(
                console.contains(&format!(
                    "support_requests: {FREE_TEXT_FILE} row 5: row has 14 fields, the header has 12"
                )),
                "{console}"
            );
        }
        for cell in &cells {
            assert!(!console.contains(cell), "`{cell}` printed: {console}");
        }
        // The second run finds the file unchanged: ingest the first run's lake afresh.
        std::fs::remove_dir_all(out.path().join("lake")).unwrap();
    }
}

#[test]
fn an_entrepreneurs_iin_as_employer_bin_is_accepted_pseudonymised_and_flagged() {
    let p = pipeline();
    // All 11 rows accepted, the one with the IIN flagged.
    assert_eq!(counts(ENTREPRENEUR_FILE), [11, 11, 0, 1]);
    assert_eq!(
        quarantine_rows_of(
            &pipeline().out.join("lake"),
            "recognition_results",
            ENTREPRENEUR_FILE
        )
        .height(),
        0
    );

    let rows = lake_rows_of(
        &pipeline().out.join("lake"),
        "recognition_results",
        ENTREPRENEUR_FILE,
    );
    assert_eq!(rows.height(), 11);
    let ids = strs(&rows, "record_id");
    let employers = strs(&rows, "employer_bin");
    let flags = strs(&rows, "_flags");
    let pseudonym = Pseudonymiser::sample().pseudonym(ENTREPRENEUR_IIN);
    for i in 0..rows.height() {
        let id = ids[i].as_deref().unwrap();
        if id == "160240014226-202609-000027" {
            // The same keyed pseudonym an IIN column gives the person.
            assert_eq!(employers[i].as_deref(), Some(pseudonym.as_str()));
            assert_eq!(flags[i].as_deref(), Some("employer_bin_is_iin"));
        } else {
            // Real BINs are public and stay as sent.
            assert!(
                employers[i]
                    .as_deref()
                    .is_none_or(|b| nqs::ids::parse_bin(b).is_ok()),
                "{id}: {:?}",
                employers[i]
            );
            assert_eq!(flags[i], None, "{id}");
        }
    }
    assert!(employers.iter().flatten().any(|b| b == "140240040013"));

    let everything = outputs();
    for (place, text) in everything.texts.iter().chain(&p.console) {
        assert!(
            !text.contains(ENTREPRENEUR_IIN),
            "the entrepreneur's IIN in {place}"
        );
    }
}

/// Finds what looks like personal data: a valid IIN (check digit and a real date, so a BIN or
/// a pseudonym never counts), a Kazakh mobile number, an e-mail address, or one of the given
/// names.
struct Scanner {
    digits: regex::Regex,
    phone: regex::Regex,
    email: regex::Regex,
    names: Option<regex::Regex>,
}

impl Scanner {
    fn new(names: &[String]) -> Scanner {
        let names: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
        Scanner {
            digits: regex::Regex::new(r"\d+").unwrap(),
            phone: regex::Regex::new(r"\+7[\s(-]*7\d\d[\s)-]*\d{3}[\s-]*\d\d[\s-]*\d\d").unwrap(),
            email: regex::Regex::new(r"[\w.+-]+@[\w-]+\.[\w.]+").unwrap(),
            // Thousands of names: one automaton, allowed to be large.
            names: (!names.is_empty()).then(|| {
                regex::RegexBuilder::new(&names.join("|"))
                    .size_limit(1 << 30)
                    .build()
                    .unwrap()
            }),
        }
    }

    fn find(&self, text: &str) -> Option<String> {
        for m in self.digits.find_iter(text) {
            // The fraction of a decimal number ("12.046082949308") is no identifier.
            let before = &text.as_bytes()[..m.start()];
            let fraction = matches!(before, [.., d, b'.' | b','] if d.is_ascii_digit());
            if m.len() == 12 && !fraction && nqs::ids::parse_iin(m.as_str()).is_ok() {
                return Some(format!("IIN {}", m.as_str()));
            }
        }
        if let Some(m) = self.phone.find(text) {
            return Some(format!("phone {}", m.as_str()));
        }
        if let Some(m) = self.email.find(text) {
            return Some(format!("e-mail {}", m.as_str()));
        }
        let m = self.names.as_ref()?.find(text)?;
        Some(format!("name {}", m.as_str()))
    }
}

#[test]
fn the_scan_recognises_personal_data() {
    let scan = Scanner::new(&["Сапарова Айгүл Қайратқызы".to_string()]);
    let person = iin("900512", 4, 17);
    assert!(scan.find(&format!("x{person}y")).is_some());
    assert!(scan.find(&format!("ИИН {person}.")).is_some());
    assert!(scan.find(ENTREPRENEUR_IIN).is_some());
    assert!(scan.find("+7 701 555 12 34").is_some());
    assert!(scan.find("+77088135437").is_some());
    assert!(scan.find("a.b@mail.kz").is_some());
    assert!(scan.find("ФИО: Сапарова Айгүл Қайратқызы").is_some());
    // Not personal: a pseudonym, a BIN, a wrong check digit, a longer digit run, a fraction.
    let pseudonym = Pseudonymiser::sample().pseudonym(&person);
    assert!(scan.find(&format!("(pseudonym {pseudonym})")).is_none());
    assert!(scan.find(&bin("1503", 7)).is_none());
    assert!(scan.find(&break_check(&person)).is_none());
    assert!(scan.find(&format!("{person}7")).is_none());
    assert!(scan.find(&format!("0.{person}")).is_none());
}

/// Every file the pipeline wrote, read once for all tests.
fn outputs() -> &'static Texts {
    static TEXTS: OnceLock<Texts> = OnceLock::new();
    TEXTS.get_or_init(|| every_text(&pipeline().out))
}

/// The text of every file under a folder, as a reader of that file would see it.
struct Texts {
    /// (file, or file:column for Parquet, and the text).
    texts: Vec<(String, String)>,
    /// How many files of each kind were read.
    kinds: std::collections::BTreeMap<&'static str, usize>,
}

fn every_text(dir: &Path) -> Texts {
    let mut texts = Vec::new();
    let mut kinds = std::collections::BTreeMap::new();
    for (rel, bytes) in snapshot(dir) {
        let path = dir.join(&rel);
        let kind = if rel.ends_with(".parquet") {
            parquet_cells(&path, &rel, &mut texts);
            "parquet"
        } else if rel.ends_with(".xlsx") {
            let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
            for i in 0..zip.len() {
                let mut part = zip.by_index(i).unwrap();
                let mut content = Vec::new();
                part.read_to_end(&mut content).unwrap();
                texts.push((
                    format!("{rel}:{}", part.name().unwrap()),
                    String::from_utf8_lossy(&content).into_owned(),
                ));
            }
            "xlsx"
        } else if rel.ends_with(".pdf") {
            let o = std::process::Command::new("pdftotext")
                .args([path.to_str().unwrap(), "-"])
                .output()
                .expect("pdftotext (poppler-utils) is installed by scripts/setup.sh");
            assert!(o.status.success(), "pdftotext {rel}");
            texts.push((rel.clone(), String::from_utf8_lossy(&o.stdout).into_owned()));
            "pdf"
        } else {
            // JSON, the lock record, anything else: as text.
            texts.push((rel.clone(), String::from_utf8_lossy(&bytes).into_owned()));
            if rel.ends_with(".json") {
                "json"
            } else {
                "other"
            }
        };
        *kinds.entry(kind).or_default() += 1;
    }
    Texts { texts, kinds }
}

/// Every cell of a Parquet file as text, list items one by one.
fn parquet_cells(path: &Path, rel: &str, out: &mut Vec<(String, String)>) {
    let df = read_parquet(path);
    for column in df.get_columns() {
        let s = column.as_materialized_series();
        let s = match s.dtype() {
            DataType::List(_) => s.explode(false).unwrap(),
            _ => s.clone(),
        };
        let s = s.cast(&DataType::String).unwrap();
        for v in s.str().unwrap().into_iter().flatten() {
            out.push((format!("{rel}:{}", column.name()), v.to_string()));
        }
    }
}

/// The names and logins people gave in the input files, whatever their format.
fn input_names(input: &Path) -> Vec<String> {
    let mut names = vec![NAME_IN_FREE_TEXT.to_string()];
    for (rel, bytes) in snapshot(input) {
        let Ok(table) = nqs::ingest::read::read_table(Path::new(&rel), &bytes) else {
            continue;
        };
        for (i, header) in table.headers.iter().enumerate() {
            if !["full_name", "login", "ФИО", "ТАӘ"].contains(&header.as_str()) {
                continue;
            }
            for row in &table.rows {
                if let Some(Some(v)) = row.cells.get(i) {
                    names.push(v.clone());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    // Short values would match ordinary words.
    names.retain(|n| n.chars().count() >= 8);
    names
}

#[test]
fn nothing_written_or_printed_holds_an_iin_phone_email_or_name() {
    let p = pipeline();
    let names = input_names(&p.input);
    assert!(
        names.len() > 1000,
        "found names to look for ({})",
        names.len()
    );
    assert!(names.iter().any(|n| n == "Морозова Татьяна Николаевна"));
    let scan = Scanner::new(&names);

    let everything = outputs();
    // Every kind of output was read: the lake and quarantine, the manifest and run record,
    // the indicators workbook and both PDFs.
    for kind in ["parquet", "json", "xlsx", "pdf"] {
        assert!(
            everything.kinds.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} file scanned: {:?}",
            everything.kinds
        );
    }
    let places: Vec<&str> = everything.texts.iter().map(|(p, _)| p.as_str()).collect();
    for must in [
        "lake/_manifest.json",
        "quarantine/support_requests.parquet:record",
        "lake/_runs/",
        "2026/indicators.xlsx:xl/worksheets/",
        "2026/report-context.kk.json",
        "2026/report-ru.pdf",
    ] {
        assert!(
            places.iter().any(|p| p.starts_with(must)),
            "{must} not scanned"
        );
    }
    assert!(
        everything.texts.len() > 100_000,
        "the scan read the lake ({} texts)",
        everything.texts.len()
    );
    for (place, text) in everything.texts.iter().chain(&p.console) {
        if let Some(found) = scan.find(text) {
            panic!("{found} in {place}: {text}");
        }
    }
}

/// A support request file as the platform exports it, with the given rows.
const SR_HEADER: &str = "request_id;full_name;iin;login;phone;email;subject;description;attachment;created_date;closed_date;category";

#[test]
fn an_iin_in_a_file_name_or_a_kept_text_is_masked_in_every_output() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let person = iin("900512", 4, 17);
    // A sender that names its files by its owner's IIN, and a request id built from an IIN.
    let file = format!("support_requests/{ENTREPRENEUR_IIN}.csv");
    write(
        input.path(),
        &file,
        &format!(
            "{SR_HEADER}\n\
             SR-{ENTREPRENEUR_IIN}-1;Сапарова Айгүл;{person};aigul;+77015551234;a@b.kz;access;;;2026-09-04;2026-09-29;standard\n\
             SR-{ENTREPRENEUR_IIN}-2;Сапарова Айгүл;{person};aigul;+77015551234;a@b.kz;access;;;2026-09-04;2026-09-29;urgent\n"
        ),
    );
    let o = nqs(
        out.path(),
        &["ingest", input.path().to_str().unwrap(), "--sample"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let p = Pseudonymiser::sample();
    let masked = format!("(pseudonym {})", p.pseudonym(ENTREPRENEUR_IIN));
    let shown_file = format!("support_requests/{masked}.csv");
    let console = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        console.contains(&format!("{shown_file} row 3, column `category`")),
        "{console}"
    );

    let lake = out.path().join("lake");
    let manifest = std::fs::read_to_string(lake.join("_manifest.json")).unwrap();
    assert!(manifest.contains(&shown_file), "{manifest}");
    let accepted = read_parquet(&lake.join("support_requests/2026/09/data.parquet"));
    assert_eq!(
        strs(&accepted, "request_id"),
        vec![Some(format!("SR-{masked}-1"))]
    );
    assert_eq!(
        strs(&accepted, "_source_file"),
        vec![Some(shown_file.clone())]
    );
    let q = read_parquet(
        &lake
            .with_file_name("quarantine")
            .join("support_requests.parquet"),
    );
    assert_eq!(strs(&q, "file"), vec![Some(shown_file.clone())]);
    assert!(
        strs(&q, "record")[0]
            .as_deref()
            .unwrap()
            .contains(&format!("SR-{masked}-2"))
    );

    let texts = every_text(out.path());
    for (place, text) in texts
        .texts
        .iter()
        .chain([&("console".to_string(), console)])
    {
        assert!(!text.contains(ENTREPRENEUR_IIN), "{place}: {text}");
        assert!(!text.contains(&person), "{place}: {text}");
    }

    // A file that cannot be read stops the run naming it: the name is printed masked too.
    write(
        input.path(),
        &format!("support_requests/{ENTREPRENEUR_IIN}-2.xlsx"),
        "not a workbook",
    );
    let o = nqs(
        out.path(),
        &["ingest", input.path().to_str().unwrap(), "--sample"],
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("cannot be read"), "{err}");
    assert!(!err.contains(ENTREPRENEUR_IIN), "{err}");
    assert!(err.contains(nqs::ids::IIN_WITHHELD), "{err}");
}
