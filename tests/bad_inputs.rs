//! The bad-input corpus (`tests/bad-inputs/<case>/`, its README lists each): files cut short,
//! in the wrong or a mixed encoding, with byte-order marks, the wrong delimiter, columns
//! missing, extra or renamed, wrong types, impossible dates, broken IINs, unknown codes,
//! duplicate keys, references to absent centres, empty, huge, NUL-filled, very wide and very
//! long files, ZIPs and CSVs posing as workbooks, JSON that is no array, and formula, Typst and
//! HTML strings in every text column. Each case's `in/` is ingested with the real binary, with
//! the corpus's own contracts (`_contracts/`) and, unless the case says `base = false`, the
//! centres of `_base/`; its `expected.toml` pins the outcome. Inputs too big or too binary to
//! commit are built here (`generate`).
//!
//! Every case must: end with exit code 0 or 1 (never a panic); on success, have rows read =
//! accepted + quarantined by the `--json` summary and by the lake and quarantine read back; on
//! failure, name the file (and the row or column where the case pins one) and leave no lake.

use crate::common::*;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

const CORPUS: &str = "tests/bad-inputs";

/// The strings that must stay text wherever nqs writes them.
const INJECTIONS: &[&str] = &[
    "=HYPERLINK(\"http://x\",\"y\")",
    "+cmd",
    "@SUM(1)",
    "#set page(width: 1cm)",
    "<script>alert(1)</script>",
    "-2+3",
    "=1+1",
];

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    kind: String,
    what: String,
    /// Inputs built by this test (see [`generate`]).
    generate: Option<String>,
    /// Whether `_base/` (the centres results refer to) is ingested with the case.
    #[serde(default = "yes")]
    base: bool,
    /// Lines added to a contract's top level, by contract id.
    #[serde(default)]
    contract: BTreeMap<String, String>,
    /// None while a case is being drafted: the test then prints what happened.
    outcome: Option<Outcome>,
}

fn yes() -> bool {
    true
}

#[derive(serde::Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Outcome {
    /// 0: ingested (rows accepted or quarantined); 1: refused.
    exit: i32,
    /// The source whose counts are pinned (`results` unless said).
    #[serde(default = "results")]
    source: String,
    read: Option<u64>,
    accepted: Option<u64>,
    quarantined: Option<u64>,
    flagged: Option<u64>,
    /// Quarantined rows by their first error's `reason_code`.
    #[serde(default)]
    reasons: BTreeMap<String, u64>,
    /// The rows quarantined, as a spreadsheet numbers them.
    rows: Option<Vec<i64>>,
    /// Texts the quarantine's reasons must hold (any row).
    #[serde(default)]
    reason_text: Vec<String>,
    /// Declared columns the summary lists as missing from the file.
    #[serde(default)]
    missing_columns: Vec<String>,
    /// For a refused file: texts the error must hold (file, row, column, cause).
    #[serde(default)]
    error: Vec<String>,
}

fn results() -> String {
    "results".into()
}

fn cases() -> Vec<(String, PathBuf)> {
    let root = project_root().join(CORPUS);
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("expected.toml").is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    out
}

/// The corpus's pipelines folder, with a case's additions to its contracts.
fn pipelines(dir: &Path, additions: &BTreeMap<String, String>) -> PathBuf {
    let root = project_root().join(CORPUS).join("_contracts");
    let mut contracts = Vec::new();
    for id in ["centres", "results"] {
        let mut text = std::fs::read_to_string(root.join(format!("{id}.toml"))).unwrap();
        if let Some(extra) = additions.get(id) {
            text = text.replacen("\n[[column]]", &format!("\n{extra}\n\n[[column]]"), 1);
        }
        contracts.push((id, text));
    }
    let contracts: Vec<(&str, &str)> = contracts.iter().map(|(i, t)| (*i, t.as_str())).collect();
    let p = pipelines_with(dir, &contracts);
    // Ingest reads the schedule of deadlines too.
    std::fs::copy(
        project_root().join("pipelines/schedule.toml"),
        p.join("schedule.toml"),
    )
    .unwrap();
    p
}

const HEADER: &[&str] = &[
    "record_id",
    "iin",
    "birth_date",
    "region",
    "occupation",
    "centre_bin",
    "application_date",
    "decision_date",
    "score",
    "nqf_level",
    "comment",
];

/// A valid results row (`i` from 1), as `_base/` and the committed cases have them.
fn good_row(i: u32) -> Vec<String> {
    let centres = ["150240000016", "150240000204", "150240003000"];
    let iin = iin("850314", 3, 100 * i + 7);
    vec![
        format!("R-{i:04}"),
        iin,
        "1985-03-14".into(),
        "710000000".into(),
        "7212".into(),
        centres[i as usize % 3].into(),
        "2026-03-02".into(),
        "2026-03-20".into(),
        "87.5".into(),
        "4".into(),
        "Сварщик".into(),
    ]
}

fn xlsx_bytes() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 1..=20u32 {
        for (c, v) in good_row(i).iter().enumerate() {
            sheet.write_string(i, c as u16, v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = ::zip::ZipWriter::new(&mut buf);
        for (name, text) in files {
            z.start_file(*name, ::zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// Builds the inputs a case names in `generate` under `input`.
fn generate(what: &str, input: &Path) {
    let results = input.join("results");
    std::fs::create_dir_all(&results).unwrap();
    let line = |cells: &[String]| cells.join(",") + "\n";
    let header = HEADER.join(",") + "\n";
    match what {
        "xlsx_cut" => {
            let bytes = xlsx_bytes();
            std::fs::write(results.join("r.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
        }
        "huge_field" => {
            let mut f =
                std::io::BufWriter::new(std::fs::File::create(results.join("r.csv")).unwrap());
            f.write_all(header.as_bytes()).unwrap();
            f.write_all(line(&good_row(1)).as_bytes()).unwrap();
            let mut row = good_row(2);
            row[10] = String::new();
            let text = line(&row);
            f.write_all(text.trim_end().as_bytes()).unwrap();
            let chunk = vec![b'x'; 1 << 20];
            for _ in 0..100 {
                f.write_all(&chunk).unwrap();
            }
            f.write_all(b"\n").unwrap();
            f.write_all(line(&good_row(3)).as_bytes()).unwrap();
        }
        "wide" => {
            let extra = 10_000 - HEADER.len();
            let mut text = HEADER.join(",");
            for c in 0..extra {
                text.push_str(&format!(",x{c}"));
            }
            text.push('\n');
            for i in 1..=3 {
                text.push_str(&good_row(i).join(","));
                text.push_str(&",v".repeat(extra));
                text.push('\n');
            }
            std::fs::write(results.join("r.csv"), text).unwrap();
        }
        "long_row" => {
            let mut text = header.clone();
            text.push_str(&line(&good_row(1)));
            text.push_str(&"y,".repeat(200_000));
            text.push('\n');
            text.push_str(&line(&good_row(3)));
            std::fs::write(results.join("r.csv"), text).unwrap();
        }
        "zip_as_xlsx" => {
            let bytes = zip_of(&[("readme.txt", "not a workbook")]);
            std::fs::write(results.join("r.xlsx"), bytes).unwrap();
        }
        "xlsx_no_sheet" => {
            let bytes = zip_of(&[
                (
                    "[Content_Types].xml",
                    r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#,
                ),
                (
                    "_rels/.rels",
                    r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
                ),
                (
                    "xl/workbook.xml",
                    r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets/></workbook>"#,
                ),
                (
                    "xl/_rels/workbook.xml.rels",
                    r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>"#,
                ),
            ]);
            std::fs::write(results.join("r.xlsx"), bytes).unwrap();
        }
        // The inputs are committed; the checks are in `injection_stays_text`.
        "injection" => {}
        other => panic!("no generator `{other}`"),
    }
}

/// What one case did.
struct Ran {
    output: Output,
    out: PathBuf,
}

fn run_case(name: &str, dir: &Path, tmp: &Path) -> (Expected, Ran) {
    let expected: Expected =
        toml::from_str(&std::fs::read_to_string(dir.join("expected.toml")).unwrap())
            .unwrap_or_else(|e| panic!("{name}/expected.toml: {e}"));
    let input = tmp.join("in");
    let committed = dir.join("in");
    if committed.is_dir() {
        copy_tree(&committed, &input);
    }
    std::fs::create_dir_all(&input).unwrap();
    if expected.base {
        copy_tree(&project_root().join(CORPUS).join("_base"), &input);
    }
    if let Some(g) = &expected.generate {
        generate(g, &input);
    }
    let p = pipelines(tmp, &expected.contract);
    let out = tmp.join("out");
    let output = nqs_in(
        &p,
        &out,
        &["--json", "ingest", input.to_str().unwrap(), "--sample"],
    );
    (expected, Ran { output, out })
}

fn frame_or_empty(path: &Path) -> Option<DataFrame> {
    path.is_file().then(|| read_parquet(path))
}

/// Rows of a source in the lake (every partition).
fn lake_height(lake: &Path, source: &str) -> u64 {
    parquet_files(&lake.join(source))
        .iter()
        .map(|p| read_parquet(p).height() as u64)
        .sum()
}

/// What a case did, in `expected.toml`'s terms, for drafting its outcome.
fn observed(code: i32, ran: &Ran) -> String {
    let o = &ran.output;
    if code == 1 {
        return format!("[outcome]\nexit = 1\n# {}", stderr(o).replace('\n', "\n# "));
    }
    let summary: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap_or_default();
    let s = &summary["sources"]["results"];
    let mut text = format!(
        "[outcome]\nexit = 0\nread = {}\naccepted = {}\nquarantined = {}\nflagged = {}\n",
        s["rows_read"], s["accepted"], s["quarantined"], s["flagged"]
    );
    if let Some(q) = frame_or_empty(&ran.out.join("quarantine/results.parquet")) {
        let codes = strs(&q, "reason_code");
        let reasons = strs(&q, "reason");
        let rows = q.column("row").unwrap().cast(&DataType::Int64).unwrap();
        let rows = rows.i64().unwrap();
        for i in 0..q.height() {
            text.push_str(&format!(
                "# row {:?} {:?}: {:?}\n",
                rows.get(i),
                codes[i],
                reasons[i]
                    .as_deref()
                    .map(|r| r.chars().take(200).collect::<String>())
            ));
        }
    }
    text.push_str(&format!(
        "# missing {} ignored {}",
        s["missing_columns"],
        s["ignored_columns"]
            .to_string()
            .chars()
            .take(200)
            .collect::<String>()
    ));
    text
}

/// Checks one case; returns what differs from its `expected.toml`.
fn check(name: &str, expected: &Expected, ran: &Ran) -> Vec<String> {
    let mut bad = Vec::new();
    let o = &ran.output;
    let err = stderr(o);
    let code = o.status.code();
    if !matches!(code, Some(0 | 1)) || err.contains("panicked") {
        return vec![format!("exit {code:?} (a panic?):\n{err}")];
    }
    let code = code.unwrap();
    let Some(want) = &expected.outcome else {
        return vec![observed(code, ran)];
    };
    if code != want.exit {
        bad.push(format!(
            "exit {code}, expected {}; stderr:\n{err}\nstdout: {}",
            want.exit,
            stdout(o).chars().take(2000).collect::<String>()
        ));
        return bad;
    }
    let lake = ran.out.join("lake");
    if code == 1 {
        assert!(err.starts_with("error: "), "{name}: {err}");
        for text in &want.error {
            if !err.contains(text.as_str()) {
                bad.push(format!("the error lacks `{text}`:\n{err}"));
            }
        }
        if want.error.is_empty() {
            bad.push(format!("a refusal pins no text: {err}"));
        }
        // A refused run leaves the lake as it was: here, none.
        if !parquet_files(&lake).is_empty() {
            bad.push("a refused run wrote the lake".into());
        }
        return bad;
    }
    let summary: serde_json::Value = match serde_json::from_str(&stdout(o)) {
        Ok(v) => v,
        Err(e) => return vec![format!("--json summary unreadable: {e}")],
    };
    let quarantine_dir = lake.with_file_name("quarantine");
    for (source, s) in summary["sources"].as_object().unwrap() {
        let n = |k: &str| s[k].as_u64().unwrap_or(0);
        let excluded: u64 = s["excluded"]
            .as_object()
            .map_or(0, |m| m.values().filter_map(|v| v.as_u64()).sum());
        if n("rows_read") != n("accepted") + n("quarantined") + excluded {
            bad.push(format!("{source}: counts do not add up: {s}"));
        }
        let in_lake = lake_height(&lake, source);
        if in_lake != n("accepted") {
            bad.push(format!(
                "{source}: {in_lake} rows in the lake, {} accepted",
                n("accepted")
            ));
        }
        let q = frame_or_empty(&quarantine_dir.join(format!("{source}.parquet")))
            .map_or(0, |df| df.height() as u64);
        if q != n("quarantined") {
            bad.push(format!(
                "{source}: {q} rows in the quarantine, {} quarantined",
                n("quarantined")
            ));
        }
    }
    let s = &summary["sources"][&want.source];
    for (key, pinned) in [
        ("rows_read", want.read),
        ("accepted", want.accepted),
        ("quarantined", want.quarantined),
        ("flagged", want.flagged),
    ] {
        if let Some(v) = pinned
            && s[key].as_u64() != Some(v)
        {
            bad.push(format!("{key} = {}, expected {v}", s[key]));
        }
    }
    for column in &want.missing_columns {
        let listed = s["missing_columns"]
            .as_object()
            .is_some_and(|m| m.values().any(|v| v.to_string().contains(column.as_str())));
        if !listed {
            bad.push(format!(
                "`{column}` not listed missing: {}",
                s["missing_columns"]
            ));
        }
    }
    let q = frame_or_empty(&quarantine_dir.join(format!("{}.parquet", want.source)));
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    let mut rows: Vec<i64> = Vec::new();
    let mut texts = String::new();
    if let Some(q) = &q {
        for code in strs(q, "reason_code").into_iter().flatten() {
            *reasons.entry(code).or_default() += 1;
        }
        rows = q
            .column("row")
            .unwrap()
            .cast(&DataType::Int64)
            .unwrap()
            .i64()
            .unwrap()
            .into_iter()
            .flatten()
            .collect();
        rows.sort();
        texts = strs(q, "reason")
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n");
    }
    if reasons != want.reasons {
        bad.push(format!(
            "reason codes {reasons:?}, expected {:?}",
            want.reasons
        ));
    }
    if let Some(r) = &want.rows
        && &rows != r
    {
        bad.push(format!("quarantined rows {rows:?}, expected {r:?}"));
    }
    for t in &want.reason_text {
        if !texts.contains(t.as_str()) {
            bad.push(format!("no reason holds `{t}`:\n{texts}"));
        }
    }
    bad
}

/// The formula, Typst and HTML strings are kept as sent in the lake and stay text in the XLSX
/// `nqs query` writes: no `<f>` element, each string a text cell.
fn injection_stays_text(ran: &Ran, tmp: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    let lake = ran.out.join("lake");
    let mut kept: Vec<String> = Vec::new();
    for source in ["results", "centres"] {
        for p in parquet_files(&lake.join(source)) {
            let df = read_parquet(&p);
            for c in ["record_id", "comment", "name", "note"] {
                if df.column(c).is_ok() {
                    kept.extend(strs(&df, c).into_iter().flatten());
                }
            }
        }
    }
    for s in INJECTIONS {
        if kept.iter().filter(|k| k == s).count() < 2 {
            bad.push(format!("`{s}` is not kept as sent in the lake"));
        }
    }
    for (i, sql) in [
        "select record_id, comment from results order by record_id",
        "select name, note from centres order by name",
    ]
    .iter()
    .enumerate()
    {
        let xlsx = tmp.join(format!("q{i}.xlsx"));
        let o = nqs_in(
            &tmp.join("pipelines"),
            &ran.out,
            &[
                "query",
                "--lake",
                sql,
                "--format",
                "xlsx",
                "--out",
                xlsx.to_str().unwrap(),
            ],
        );
        if !o.status.success() {
            bad.push(format!("nqs query --format xlsx: {}", stderr(&o)));
            continue;
        }
        bad.extend(xlsx_has_no_formula(&xlsx));
        use calamine::{Data, Reader};
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
        let name = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&name).unwrap();
        let cells: Vec<&Data> = range.rows().skip(1).flatten().collect();
        for s in INJECTIONS {
            if !cells.iter().any(|c| matches!(c, Data::String(t) if t == s)) {
                bad.push(format!("`{s}` is not a text cell of {}", xlsx.display()));
            }
        }
    }
    bad
}

/// Problems with an XLSX's sheets: any formula (`<f>`) element.
fn xlsx_has_no_formula(path: &Path) -> Vec<String> {
    let mut z = ::zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut bad = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if !name.starts_with("xl/worksheets/") {
            continue;
        }
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut f, &mut xml).unwrap();
        if xml.contains("<f>") || xml.contains("<f ") {
            bad.push(format!("{} holds a formula in {}", path.display(), name));
        }
    }
    bad
}

#[test]
fn every_bad_input_has_its_pinned_outcome_and_none_panics() {
    let cases = cases();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let only = std::env::var("NQS_BAD_INPUT").ok();
    let failures: Vec<String> = {
        use rayon::prelude::*;
        cases
            .par_iter()
            .filter(|(name, _)| only.as_deref().is_none_or(|o| o == name))
            .filter_map(|(name, dir)| {
                let tmp = tempfile::tempdir().unwrap();
                let (expected, ran) = run_case(name, dir, tmp.path());
                let mut bad = check(name, &expected, &ran);
                if expected.generate.as_deref() == Some("injection") && bad.is_empty() {
                    bad.extend(injection_stays_text(&ran, tmp.path()));
                }
                (!bad.is_empty()).then(|| {
                    format!(
                        "{name} ({}: {}):\n  {}",
                        expected.kind,
                        expected.what,
                        bad.join("\n  ")
                    )
                })
            })
            .collect()
    };
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// A centre's name is the one provider string that reaches the report (the idle centres a
/// finding names): an accredited centre named with every formula, Typst and HTML string, laid
/// over a copy of the sample (`_report/`), shows in the PDF as sent, and the
/// `indicators.xlsx` of the run holds no formula.
#[test]
fn formula_typst_and_html_strings_in_a_centre_name_reach_the_report_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    copy_tree(&project_root().join("datasets/sample"), &input);
    copy_tree(&project_root().join(CORPUS).join("_report"), &input);
    let out = tmp.path().join("out");
    for args in [
        vec!["ingest", input.to_str().unwrap(), "--sample"],
        vec!["run", "--year", "2026", "--as-of", SAMPLE_AS_OF],
        // One language: both are rendered by the same templates.
        vec!["report", "--year", "2026", "--lang", "ru"],
    ] {
        let o = nqs(&out, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
    let name = "=HYPERLINK(\"http://x\",\"y\") +cmd @SUM(1) #set page(width: 1cm) \
                <script>alert(1)</script>";
    let squeezed = |t: &str| t.split_whitespace().collect::<String>();
    let text = pdf_text(&out.join("2026/report-ru.pdf"));
    assert!(
        squeezed(&text).contains(&squeezed(name)),
        "report-ru.pdf does not show the centre's name as sent"
    );
    let problems = xlsx_has_no_formula(&out.join("2026/indicators.xlsx"));
    assert!(problems.is_empty(), "{problems:?}");
}
