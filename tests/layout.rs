//! The sample report's layout, read from word positions (`pdftotext -bbox-layout`) in both
//! editions: no heading and no table caption in the bottom tenth of a page (left there, it would
//! be separated from what it introduces), and no page under half full before the annexes
//! (except the title page and the body's last page, which the conclusion ends).

use crate::common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One ingest, run and report of the sample for this file.
fn reports() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("nqs-layout-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let sample = project_root().join("datasets/sample");
        for args in [
            vec!["ingest", sample.to_str().unwrap(), "--sample"],
            vec!["run", "--year", "2026", "--as-of", "2026-11-25"],
            vec!["report", "--year", "2026"],
        ] {
            let o = nqs(&dir, &args);
            assert!(o.status.success(), "{}", stderr(&o));
        }
        dir
    })
}

/// A line of text on a page: its top and bottom (points from the page's top), its text and
/// its height (the font size, roughly).
struct Line {
    top: f64,
    bottom: f64,
    text: String,
}

struct Page {
    height: f64,
    lines: Vec<Line>,
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let at = tag.find(&key).expect("the attribute") + key.len();
    tag[at..].split('"').next().unwrap().parse().unwrap()
}

/// The pages of a PDF with their lines, the draft mark (set large, behind the text) left out.
fn pages(pdf: &Path) -> Vec<Page> {
    let o = std::process::Command::new("pdftotext")
        .arg("-bbox-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/setup.sh");
    assert!(o.status.success());
    let html = String::from_utf8_lossy(&o.stdout).to_string();
    let word = regex::Regex::new(r#"<word ([^>]*)>([^<]*)</word>"#).unwrap();
    html.split("<page ")
        .skip(1)
        .map(|page| {
            let height = attr(page, "height");
            let lines = page
                .split("<line ")
                .skip(1)
                .filter_map(|line| {
                    let words: Vec<(f64, f64, &str)> = word
                        .captures_iter(line)
                        .map(|c| {
                            let tag = c.get(1).unwrap().as_str();
                            (
                                attr(tag, "yMin"),
                                attr(tag, "yMax"),
                                c.get(2).unwrap().as_str(),
                            )
                        })
                        .filter(|(top, bottom, _)| bottom - top < 30.0)
                        .collect();
                    if words.is_empty() {
                        return None;
                    }
                    Some(Line {
                        top: words.iter().map(|w| w.0).fold(f64::MAX, f64::min),
                        bottom: words.iter().map(|w| w.1).fold(0.0, f64::max),
                        text: words.iter().map(|w| w.2).collect::<Vec<_>>().join(" "),
                    })
                })
                .collect();
            Page { height, lines }
        })
        .collect()
}

// The text area of an A4 page as `report-templates/style.typ` sets it: 24 mm from the top,
// 22 mm from the bottom; the running header and the page number stand outside it.
const MM: f64 = 72.0 / 25.4;
const TEXT_TOP: f64 = 24.0 * MM;

fn check(lang: &str) {
    let pdf = reports().join(format!("2026/report-{lang}.pdf"));
    let pages = pages(&pdf);
    let caption = regex::Regex::new(r"^(Таблица \d+ —|\d+-кесте —)").unwrap();
    let numbered = regex::Regex::new(r"^\d+(\.\d+)*\.\s+\p{L}").unwrap();
    let annex = if lang == "kk" {
        "1-қосымша"
    } else {
        "Приложение 1"
    };
    let first_annex = pages
        .iter()
        .position(|p| p.lines.iter().any(|l| l.text == annex))
        .expect("the annexes");
    let mut problems = Vec::new();
    for (i, page) in pages.iter().enumerate().skip(1) {
        let text_bottom = page.height - 22.0 * MM;
        let body: Vec<&Line> = page
            .lines
            .iter()
            .filter(|l| l.top > TEXT_TOP - 6.0 && l.bottom < text_bottom + 6.0)
            .collect();
        for l in &body {
            // Headings are set at 12.5 pt and more (body text 11 pt, captions 10 pt).
            let heading = l.bottom - l.top > 13.5
                && (numbered.is_match(&l.text) || l.text.chars().any(char::is_alphabetic));
            if (heading || caption.is_match(&l.text)) && l.top > page.height * 0.9 {
                problems.push(format!(
                    "page {}: \"{}\" in the bottom tenth",
                    i + 1,
                    l.text
                ));
            }
        }
        let last_body_page = i + 1 == first_annex;
        if i < first_annex && !last_body_page {
            let lowest = body.iter().map(|l| l.bottom).fold(TEXT_TOP, f64::max);
            let fill = (lowest - TEXT_TOP) / (text_bottom - TEXT_TOP);
            if fill < 0.5 {
                problems.push(format!(
                    "page {}: {:.0} % full, before the annexes",
                    i + 1,
                    fill * 100.0
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{lang}: {}", problems.join("; "));
}

#[test]
fn no_stranded_heading_or_caption_and_no_half_empty_page_in_russian() {
    check("ru");
}

#[test]
fn no_stranded_heading_or_caption_and_no_half_empty_page_in_kazakh() {
    check("kk");
}

#[test]
fn the_reader_finds_captions_and_headings_by_size() {
    // The reader itself: the sample's pages have lines, captions are found, the annexes start.
    let pdf = reports().join("2026/report-ru.pdf");
    let pages = pages(&pdf);
    assert!(pages.len() > 20);
    let caption = regex::Regex::new(r"^Таблица \d+ —").unwrap();
    assert!(
        pages
            .iter()
            .flat_map(|p| &p.lines)
            .filter(|l| caption.is_match(&l.text))
            .count()
            >= 10
    );
    let headings = pages
        .iter()
        .flat_map(|p| &p.lines)
        .filter(|l| l.bottom - l.top > 13.5 && l.text.starts_with("4.1."))
        .count();
    assert_eq!(headings, 1, "the heading 4.1 is read as a heading");
}
