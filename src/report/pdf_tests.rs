//! The annual analysis end to end: both languages rendered from the fixture's contexts
//! (`super::fixture`: `context::build` over the project's catalog, indicators, layout and
//! wording, with invented figures), read back with poppler (pdftotext, pdftoppm, pdffonts,
//! pdfinfo), as a reader at the Ministry would get them. Kept inside the crate rather than under
//! tests/ so that it is built only once the module is, and so it can reach the module's
//! internals.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::report::{self, ReportError};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn templates() -> PathBuf {
    root().join("report-templates")
}

fn context(lang: &str) -> Value {
    super::fixture::context(lang)
}

struct Rendered {
    pdf: Vec<u8>,
    text: String,
    figures: usize,
    warnings: Vec<String>,
}

/// Each language is rendered once per test binary: a debug-build render takes seconds.
fn rendered(lang: &str) -> &'static Rendered {
    static KK: OnceLock<Rendered> = OnceLock::new();
    static RU: OnceLock<Rendered> = OnceLock::new();
    let cell = match lang {
        "kk" => &KK,
        "ru" => &RU,
        _ => unreachable!(),
    };
    cell.get_or_init(|| {
        let ctx = context(lang);
        let files = report::chart_files(&ctx).unwrap();
        let r = report::render(&templates(), lang, &ctx, &files).unwrap_or_else(|e| panic!("{e}"));
        let text = pdftotext(&r.pdf);
        Rendered {
            pdf: r.pdf,
            text,
            figures: files.len(),
            warnings: r.warnings.iter().map(ToString::to_string).collect(),
        }
    })
}

fn tool_missing(name: &str) -> bool {
    Command::new(name).arg("-v").output().is_err()
}

fn pdftotext(pdf: &[u8]) -> String {
    assert!(
        !tool_missing("pdftotext"),
        "pdftotext (poppler-utils) is needed: apt-get install poppler-utils"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// pdftotext breaks lines where the page does; compare with all whitespace squeezed.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

const SECTIONS: [(&str, [&str; 4]); 2] = [
    (
        "kk",
        [
            "Ағымдағы жағдайдың сипаттамасы",
            "Проблемалық мәселелер",
            "Ұсыныстар мен ұсынымдар",
            "Сандық көрсеткіштер",
        ],
    ),
    (
        "ru",
        [
            "Описание текущего состояния",
            "Проблемные вопросы",
            "Предложения и рекомендации",
            "Количественные показатели",
        ],
    ),
];

#[test]
fn four_section_titles_in_the_right_language() {
    for (lang, titles) in SECTIONS {
        let text = &rendered(lang).text;
        for t in titles {
            assert!(text.contains(t), "{lang}: section title `{t}` missing");
        }
        let (_, other) = SECTIONS.iter().find(|(l, _)| *l != lang).unwrap();
        for t in other {
            assert!(
                !text.contains(t),
                "{lang}: the other language's title `{t}` leaked in"
            );
        }
    }
}

#[test]
fn kazakh_letters_survive_in_text_and_charts() {
    let text = &rendered("kk").text;
    for ch in [
        'ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і', 'Ә', 'Қ', 'Ө', 'Ұ', 'Ү', 'І',
    ] {
        assert!(
            text.contains(ch),
            "letter {ch} missing from the Kazakh PDF text"
        );
    }
    // Chart labels are SVG text: they must come through as text too, not as outlines. These
    // sector names are printed by the chart of stale standards by sector only.
    let source = report::render_typst(&templates(), "kk", &context("kk")).unwrap();
    for label in ["Химия өнеркәсібі", "Денсаулық сақтау"] {
        assert!(
            !source.contains(label),
            "`{label}` is in the Typst source, so its presence would not show the chart's text"
        );
        assert!(squeeze(text).contains(label), "sector label of the chart");
    }
    assert!(text.contains("Солтүстік Қазақстан облысы"));
}

#[test]
fn fixed_wording_is_localized() {
    let kk = squeeze(&rendered("kk").text);
    let ru = squeeze(&rendered("ru").text);
    for s in [
        "1-кесте",
        "1-сурет",
        "Мазмұны",
        "1-қосымша",
        "Кәсіптік біліктіліктер жөніндегі ұлттық орган",
        "2025 жылғы 15 желтоқсан",
        "Қазақстан Республикасы Еңбек және халықты әлеуметтік қорғау министрлігі",
    ] {
        assert!(kk.contains(s), "kk: `{s}` missing");
    }
    for s in [
        "Таблица 1",
        "Рисунок 1",
        "Содержание",
        "Приложение 1",
        "Национальный орган по профессиональным квалификациям",
        "15 декабря 2025 г.",
        "Министерство труда и социальной защиты населения Республики Казахстан",
    ] {
        assert!(ru.contains(s), "ru: `{s}` missing");
    }
    for t in [&kk, &ru] {
        for english in ["Figure", "Table ", "Contents", "Section"] {
            assert!(
                !t.contains(english),
                "English `{english}` in a localized report"
            );
        }
    }
}

#[test]
fn markup_in_data_is_printed_not_executed() {
    for (lang, name) in [
        ("kk", "Шебер #sys.exit() *bold* $x$ _әріп_"),
        ("ru", "Шебер #sys.exit() *bold* $x$ _буква_"),
    ] {
        let text = squeeze(&rendered(lang).text);
        assert!(
            text.contains(name),
            "{lang}: centre name not printed literally"
        );
        assert!(
            text.contains("Сапа // Профи = <"),
            "{lang}: comment, heading and label syntax must print"
        );
        assert!(
            text.contains("@home [1]"),
            "{lang}: reference and brackets must print"
        );
    }
}

#[test]
fn withheld_cells_and_provisional_years_are_marked_and_explained() {
    for (lang, primary, secondary, provisional) in [
        (
            "kk",
            "онда 5 адамнан аз топ",
            "қосалқы құпиялылық",
            "Алдын ала деректер",
        ),
        (
            "ru",
            "в нём группа менее 5 человек",
            "вторичная конфиденциальность",
            "Предварительные данные",
        ),
    ] {
        // Lines break anywhere in a footnote: compare with whitespace collapsed.
        let text = &rendered(lang)
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // "<5" in a percent column reads as "less than 5 %": a withheld cell shows no number.
        assert!(
            !text.contains("<5"),
            "{lang}: a withheld cell still prints <5"
        );
        assert!(
            text.contains("…1"),
            "{lang}: no primary-confidential cell marked"
        );
        assert!(
            text.contains("…2"),
            "{lang}: no secondary-confidential cell marked"
        );
        // The explanation repeats on every page of a long table, so it appears more than once.
        assert!(
            text.matches(primary).count() >= 2,
            "{lang}: primary note missing or not repeated"
        );
        assert!(text.contains(secondary), "{lang}: secondary note missing");
        assert!(
            text.contains("2025*"),
            "{lang}: provisional year not marked"
        );
        assert!(
            text.contains(provisional),
            "{lang}: provisional note missing"
        );
    }
}

#[test]
fn long_table_breaks_across_pages_with_repeated_header() {
    // The fixture's catalog lists the cities by district, so each of the layout's two tables by
    // region has 36 rows: more than a page. A page that opens inside such a table repeats the
    // table's caption (the first row of its header) and its column headings before its rows.
    for (lang, header, caption) in [("kk", "Өңір", "-кесте"), ("ru", "Регион", "Таблица ")]
    {
        let pages: Vec<Vec<&str>> = rendered(lang)
            .text
            .split('\u{c}')
            .map(|p| p.lines().map(str::trim).collect())
            .collect();
        let header_at = |p: &[&str]| p.iter().position(|l| *l == header);
        // The table numbers captioned on a page, with the line they stand on.
        let captions = |p: &[&str]| -> Vec<(usize, String)> {
            p.iter()
                .enumerate()
                .filter_map(|(i, l)| {
                    let n = if let Some(rest) = l.strip_prefix(caption) {
                        rest.split_whitespace().next()?.to_string()
                    } else {
                        let (n, _) = l.split_once(caption)?;
                        n.parse::<u32>().ok()?.to_string()
                    };
                    Some((i, n))
                })
                .collect()
        };
        let continued = pages
            .windows(2)
            .filter(|w| {
                let before = captions(&w[0]);
                let Some((at, n)) = captions(&w[1]).into_iter().next() else {
                    return false;
                };
                before.iter().any(|(_, m)| *m == n) && header_at(&w[1]).is_some_and(|h| h > at)
            })
            .count();
        assert!(
            continued >= 2,
            "{lang}: {continued} page(s) open inside a table by region under a repeated header; \
             the two tables longer than a page should give at least 2"
        );
    }
}

#[test]
fn at_least_eight_charts_are_embedded() {
    for lang in ["kk", "ru"] {
        let r = rendered(lang);
        assert!(r.figures >= 8);
        let caption = if lang == "kk" {
            format!("{}-сурет", r.figures)
        } else {
            format!("Рисунок {}", r.figures)
        };
        assert!(
            squeeze(&r.text).contains(&caption),
            "{lang}: last figure caption `{caption}` missing"
        );
    }
}

#[test]
fn declares_pdf_a_and_metadata() {
    for (lang, title) in [
        ("kk", "Ұлттық біліктілік жүйесінің"),
        ("ru", "Информация по итогам анализа"),
    ] {
        let pdf = &rendered(lang).pdf;
        let raw = String::from_utf8_lossy(pdf);
        assert!(
            raw.contains("<pdfaid:part>2</pdfaid:part>"),
            "{lang}: no PDF/A-2 identification in XMP"
        );
        assert!(
            raw.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
            "{lang}: not conformance level B"
        );
        // Accessible as well: tagged PDF/UA-1 (typst 0.15 writes both), so a screen reader
        // gets the structure, the table headers and each chart's alternative text.
        assert!(
            raw.contains("<pdfuaid:part>1</pdfuaid:part>"),
            "{lang}: no PDF/UA-1 identification in XMP"
        );
        assert!(raw.contains("/StructTreeRoot"), "{lang}: not tagged");
        assert!(raw.contains("/Alt"), "{lang}: no alternative text");
        assert!(
            raw.contains(&format!("<dc:language><rdf:Bag><rdf:li>{lang}"))
                || raw.contains(&format!(">{lang}<")),
            "{lang}: document language missing from XMP"
        );
        assert!(
            raw.contains("2025-12-05"),
            "{lang}: document date must be the report date"
        );
        if !tool_missing("pdfinfo") {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("r.pdf");
            std::fs::write(&path, pdf).unwrap();
            let out = Command::new("pdfinfo").arg(&path).output().unwrap();
            let info = String::from_utf8_lossy(&out.stdout);
            assert!(
                info.contains(title),
                "{lang}: title missing from document info:\n{info}"
            );
        }
    }
}

#[test]
fn same_inputs_give_identical_bytes() {
    let ctx = context("ru");
    let files = report::chart_files(&ctx).unwrap();
    let again = report::render_pdf(&templates(), "ru", &ctx, &files).unwrap();
    assert!(
        again == rendered("ru").pdf,
        "two renders of the same context differ"
    );
}

#[test]
fn first_page_is_not_blank() {
    assert!(
        !tool_missing("pdftoppm"),
        "pdftoppm (poppler-utils) is needed"
    );
    for lang in ["kk", "ru"] {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("r.pdf");
        std::fs::write(&pdf, &rendered(lang).pdf).unwrap();
        let prefix = dir.path().join("p");
        let st = Command::new("pdftoppm")
            .args(["-png", "-r", "50", "-f", "1", "-l", "1"])
            .arg(&pdf)
            .arg(&prefix)
            .status()
            .unwrap();
        assert!(st.success());
        let png = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|e| e == "png"))
            .expect("pdftoppm wrote no page");
        let (pixels, channels) = png_pixels(&png);
        // A pixel is ink when it is clearly darker than paper, whatever its colour.
        let ink = pixels
            .chunks(channels)
            .filter(|px| px.iter().take(3).map(|&c| c as u32).sum::<u32>() < 3 * 160)
            .count();
        let share = ink as f64 / (pixels.len() / channels) as f64;
        assert!(
            share > 0.01,
            "{lang}: page 1 is (nearly) blank: {share:.4} of pixels inked"
        );
        assert!(share < 0.5, "{lang}: page 1 is mostly dark: {share:.4}");
    }
}

fn png_pixels(path: &Path) -> (Vec<u8>, usize) {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut reader = png::Decoder::new(file).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    (buf, info.color_type.samples())
}

#[test]
fn only_the_embedded_fonts_are_used() {
    // The style sets `fallback: false`, so a letter missing from Libertinus Serif would show as
    // a box rather than silently come from another font; the fonts in the PDF tell which faces
    // the document really used, and all must be embedded for PDF/A.
    assert!(
        !tool_missing("pdffonts"),
        "pdffonts (poppler-utils) is needed"
    );
    for lang in ["kk", "ru"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.pdf");
        std::fs::write(&path, &rendered(lang).pdf).unwrap();
        let out = Command::new("pdffonts").arg(&path).output().unwrap();
        let listing = String::from_utf8_lossy(&out.stdout);
        let fonts: Vec<&str> = listing.lines().skip(2).collect();
        assert!(!fonts.is_empty(), "{lang}: no fonts listed");
        for f in fonts {
            assert!(
                f.contains("LibertinusSerif-Regular")
                    || f.contains("LibertinusSerif-Bold")
                    || f.contains("DejaVuSansMono"),
                "{lang}: unexpected font (fallback or bold italic?): {f}"
            );
            let cols: Vec<&str> = f.split_whitespace().collect();
            let emb = cols[cols.len() - 5];
            assert_eq!(emb, "yes", "{lang}: font not embedded: {f}");
        }
        assert!(
            !rendered(lang).text.contains('\u{fffd}'),
            "{lang}: replacement characters in the text layer"
        );
    }
}

#[test]
fn renders_without_warnings() {
    for lang in ["kk", "ru"] {
        let w = &rendered(lang).warnings;
        assert!(w.is_empty(), "{lang}: {w:#?}");
    }
    // The tenge sign is not in Libertinus Serif; it must come from the second listed font.
    assert!(rendered("ru").text.contains('₸'));
}

#[test]
fn both_wording_files_have_the_same_keys() {
    fn keys(v: &toml::Value, prefix: &str, out: &mut Vec<String>) {
        if let Some(t) = v.as_table() {
            for (k, v) in t {
                keys(v, &format!("{prefix}{k}."), out);
            }
        } else {
            out.push(prefix.trim_end_matches('.').to_string());
        }
    }
    let load = |lang: &str| {
        let text =
            std::fs::read_to_string(templates().join(format!("wording/{lang}.toml"))).unwrap();
        let mut out = Vec::new();
        keys(&toml::from_str::<toml::Value>(&text).unwrap(), "", &mut out);
        out.sort();
        out
    };
    assert_eq!(load("kk"), load("ru"));
}

#[test]
fn data_never_reaches_typst_unescaped() {
    for lang in ["kk", "ru"] {
        let source = report::render_typst(&templates(), lang, &context(lang)).unwrap();
        assert!(
            !source.contains("#sys.exit()"),
            "{lang}: unescaped data in the Typst source"
        );
        assert!(
            source.contains("\\#sys\\.exit()"),
            "{lang}: escaped form missing"
        );
    }
}

#[test]
fn a_missing_context_field_names_the_template_and_line() {
    let mut ctx = context("ru");
    // Only part 2 prints a problem's text (the summary lists titles).
    ctx["problems"]["items"][0]
        .as_object_mut()
        .unwrap()
        .remove("text");
    let e = report::render_typst(&templates(), "ru", &ctx).unwrap_err();
    match &e {
        ReportError::Template { template, line, .. } => {
            assert_eq!(template, "partials/problems.typ.tera", "{e}");
            assert!(line.is_some(), "{e}");
        }
        other => panic!("expected a template error, got {other}"),
    }
}

#[test]
fn a_typst_error_names_the_generated_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&templates(), dir.path());
    let main = dir.path().join("report.typ.tera");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("{text}\n#this-function-does-not-exist()\n")).unwrap();
    let ctx = context("ru");
    let files = report::chart_files(&ctx).unwrap();
    let e = report::render_pdf(dir.path(), "ru", &ctx, &files).unwrap_err();
    match &e {
        ReportError::Typst(d) => {
            assert!(d[0].message.contains("unknown variable"), "{e}");
            assert!(d[0].line.is_some(), "{e}");
            assert!(
                d[0].source_line
                    .as_deref()
                    .unwrap_or("")
                    .contains("this-function-does-not-exist"),
                "{e}"
            );
        }
        other => panic!("expected a typst error, got {other}"),
    }
}

#[test]
fn context_errors_are_caught_before_rendering() {
    let ctx = context("ru");
    assert!(matches!(
        report::render_pdf(&templates(), "kk", &ctx, &[]),
        Err(ReportError::Context(_))
    ));
    let files = report::chart_files(&ctx).unwrap();
    assert!(matches!(
        report::render_pdf(&templates(), "ru", &ctx, &files[1..]),
        Err(ReportError::Context(_))
    ));
    let mut bad = ctx.clone();
    bad["recommendations"]["items"][0]["answers"] = serde_json::json!(["P99"]);
    let e = report::render_pdf(&templates(), "ru", &bad, &files).unwrap_err();
    assert!(e.to_string().contains("P99"), "{e}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn counts_of_a_year_not_over_are_not_compared_and_changes_follow_the_printed_values() {
    // The fixture's report year is provisional (its values carry OBS_STATUS P).
    let ctx = super::fixture::fixture().context("ru");
    let number = |text: &str| -> Option<f64> {
        let t: String = text
            .chars()
            .filter(|c| c.is_ascii_digit() || matches!(c, ',' | '-' | '−'))
            .collect();
        t.replace(',', ".").replace('−', "-").parse().ok()
    };
    let (mut counts, mut rates) = (0, 0);
    for table in ctx.indicators.groups.iter().flat_map(|g| &g.tables) {
        for row in &table.rows {
            let printed: Vec<Option<f64>> = row
                .values
                .iter()
                .map(|c| match c {
                    super::context::Cell::Value { text, .. } => number(text),
                    super::context::Cell::Withheld { .. } => None,
                })
                .collect();
            let (Some(Some(now)), Some(Some(before))) =
                (printed.last(), printed.get(printed.len().wrapping_sub(2)))
            else {
                continue;
            };
            if row.label.ends_with("ед.") {
                counts += 1;
                assert!(row.change.is_none(), "{}: a count compared", row.label);
            } else if let Some(change) = &row.change {
                rates += 1;
                let shown = number(change.text.split(' ').next().unwrap()).unwrap();
                assert!(
                    (shown - (now - before)).abs() < 1e-6,
                    "{}: change {} from {before} to {now}",
                    row.label,
                    change.text
                );
            }
        }
    }
    assert!(counts > 5 && rates > 5, "{counts} counts, {rates} rates");
}
