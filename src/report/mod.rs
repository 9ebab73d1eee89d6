//! The annual analysis as PDF: tera templates produce Typst markup, typst compiles it in-process
//! with fonts embedded in the binary, and typst-pdf writes PDF/A-2b, tagged as PDF/UA-1.
//!
//! Everything the report says in words lives in `report-templates/` (the templates and
//! `wording/<lang>.toml`); this module only wires the stages together, escapes data, and turns
//! failures into errors that name the template line or the Typst source line.
//!
//! Output is a pure function of (templates, language, context, files): the PDF date comes from
//! the context's `report_date`, the document identifier from the year and language, so two runs
//! on the same inputs give byte-identical files.

pub mod context;
mod escape;
#[cfg(test)]
mod fixture;
pub mod layout;
pub mod notes;
#[cfg(test)]
mod pdf_tests;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value as Json;
use tera::{Kwargs, State, Tera, Value};
use typst::diag::{Severity, SourceDiagnostic, Warned};
use typst::foundations::{Datetime, Smart};
use typst::text::Font;
use typst::{World, WorldExt};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

pub use escape::{markup as escape_markup, number as escape_number, string as escape_string};

use crate::charts::{self, ChartError, ChartSpec, NumberFormat};
use crate::quarantine::ReasonCode;

/// The languages the platform works in (para. 5), and so the report.
pub const LANGS: [&str; 2] = ["kk", "ru"];

/// The entry template, relative to the templates folder.
pub const MAIN_TEMPLATE: &str = "report.typ.tera";

/// Templates whose output is Typst; tera escapes every `{{ }}` in them for Typst markup unless
/// the value went through one of the `typ*` filters (which mark their output safe).
const TEMPLATE_SUFFIX: &str = ".typ.tera";

/// The generated source's path inside the Typst world; figure files sit beside it.
const MAIN_PATH: &str = "/report.typ";

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot read {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("unsupported report language `{0}` (expected one of kk, ru)")]
    Lang(String),
    #[error("wording file {}: {message}", path.display())]
    Wording { path: PathBuf, message: String },
    #[error("report context: {0}")]
    Context(String),
    #[error("template {template}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Template {
        template: String,
        line: Option<usize>,
        message: String,
        /// tera's own rendering of the error, with the offending source excerpt.
        detail: String,
    },
    #[error("typst could not compile the report:\n{}", format_diagnostics(.0))]
    Typst(Vec<TypstDiagnostic>),
    #[error("PDF export failed:\n{}", format_diagnostics(.0))]
    Pdf(Vec<TypstDiagnostic>),
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// The run record `nqs run` left (or its absence).
    #[error(transparent)]
    RunRecord(#[from] crate::connection::ConnectionError),
    #[error(transparent)]
    Layout(#[from] layout::LayoutError),
    #[error(transparent)]
    Indicators(#[from] crate::indicators::IndicatorError),
    #[error("reading the indicator tables")]
    Outputs(#[from] crate::indicators::OutputError),
    #[error("reading the findings")]
    Findings(#[from] crate::findings::FindingsError),
    #[error("the data dictionary")]
    Dictionary(#[from] crate::dictionary::DictionaryError),
    #[error("reading the lake's manifest")]
    Lake(#[from] crate::lake::LakeError),
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Notes(#[from] notes::NotesError),
    #[error(
        "the {lang} edition uses \"{avoid}\", which {TERMBASE_FILE} asks to avoid: write \"{instead}\" (\"…{excerpt}…\")"
    )]
    Termbase {
        lang: String,
        avoid: String,
        instead: String,
        excerpt: String,
    },
    #[error("reading the published editions")]
    Edition(#[source] Box<crate::edition::EditionError>),
    #[error(
        "the figures of {year} were computed as of {run}, not {asked}: run `nqs run --year {year} --as-of {asked}` first, or leave --as-of out"
    )]
    AsOf {
        asked: chrono::NaiveDate,
        run: chrono::NaiveDate,
        year: i32,
    },
}

/// One Typst error or warning, located in the generated source.
#[derive(Debug, Clone, PartialEq)]
pub struct TypstDiagnostic {
    pub message: String,
    pub hints: Vec<String>,
    /// 1-based line in the generated Typst source (see [`render_typst`] to get that source).
    pub line: Option<usize>,
    pub source_line: Option<String>,
}

impl std::fmt::Display for TypstDiagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message)?,
            None => write!(f, "{}", self.message)?,
        }
        if let Some(src) = &self.source_line {
            write!(f, "\n    | {}", src.trim_end())?;
        }
        for h in &self.hints {
            write!(f, "\n    hint: {h}")?;
        }
        Ok(())
    }
}

fn format_diagnostics(d: &[TypstDiagnostic]) -> String {
    d.iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a render produced besides the PDF; the source is worth keeping next to the PDF when a
/// template is being changed.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub typst_source: String,
    pub pages: usize,
    pub warnings: Vec<TypstDiagnostic>,
}

/// Renders the report for `lang` to PDF/A-2b + PDF/UA-1 bytes. `files` are made available to the Typst
/// source by name (the SVG charts the context's figures refer to).
pub fn render_pdf(
    templates: &Path,
    lang: &str,
    context: &Json,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<u8>, ReportError> {
    Ok(render(templates, lang, context, files)?.pdf)
}

/// Like [`render_pdf`], returning the generated Typst source and typst's warnings too.
pub fn render(
    templates: &Path,
    lang: &str,
    context: &Json,
    files: &[(String, Vec<u8>)],
) -> Result<Rendered, ReportError> {
    let meta = Meta::from_context(lang, context)?;
    check_figure_files(context, files)?;
    check_recommendations(context)?;
    let source = render_typst(templates, lang, context)?;
    check_termbase(templates, lang, &source)?;
    let modules = typst_modules(templates)?;
    let (pdf, pages, warnings) = compile(&source, &modules, &meta, files)?;
    Ok(Rendered {
        pdf,
        typst_source: source,
        pages,
        warnings,
    })
}

/// The termbase, in the templates folder (optional).
pub const TERMBASE_FILE: &str = "termbase.toml";

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Termbase {
    #[serde(default)]
    term: Vec<Term>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Term {
    lang: String,
    avoid: String,
    #[serde(rename = "use")]
    instead: String,
}

/// Holds the text of `lang`'s edition to the termbase: no term it asks to avoid, in any case.
fn check_termbase(templates: &Path, lang: &str, source: &str) -> Result<(), ReportError> {
    let path = templates.join(TERMBASE_FILE);
    let text = match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(ReportError::Io { path, source }),
        Ok(t) => t,
    };
    let base: Termbase = toml::from_str(&text).map_err(|e| ReportError::Wording {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let lower = source.to_lowercase();
    for t in base.term.iter().filter(|t| t.lang == lang) {
        if let Some(at) = lower.find(&t.avoid.to_lowercase()) {
            let from = lower[..at]
                .char_indices()
                .rev()
                .nth(40)
                .map_or(0, |(i, _)| i);
            let to = lower[at..]
                .char_indices()
                .nth(t.avoid.chars().count() + 40)
                .map_or(lower.len(), |(i, _)| at + i);
            return Err(ReportError::Termbase {
                lang: lang.to_string(),
                avoid: t.avoid.clone(),
                instead: t.instead.clone(),
                excerpt: lower[from..to].replace('\n', " "),
            });
        }
    }
    Ok(())
}

/// The tera stage alone: the Typst source for `lang`.
pub fn render_typst(templates: &Path, lang: &str, context: &Json) -> Result<String, ReportError> {
    let meta = Meta::from_context(lang, context)?;
    let wording = load_wording(templates, lang)?;
    let number_format = number_format(
        &wording,
        &templates.join("wording").join(format!("{lang}.toml")),
    )?;
    let tera = load_templates(templates, &wording, number_format)?;
    let mut ctx =
        tera::Context::from_serialize(context).map_err(|e| ReportError::Context(e.to_string()))?;
    ctx.insert("wording", &wording);
    ctx.insert("meta", &meta.to_json());
    tera.render(MAIN_TEMPLATE, &ctx).map_err(template_error)
}

/// SVG files for the figures whose context entry carries a `chart` spec, named by their `file`.
/// Figures without a spec must have their file supplied by the caller.
pub fn chart_files(context: &Json) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let mut out = Vec::new();
    for fig in figures(context) {
        let Some(spec) = fig.get("chart") else {
            continue;
        };
        let file = fig
            .get("file")
            .and_then(Json::as_str)
            .ok_or_else(|| ReportError::Context("a figure with a chart has no `file`".into()))?;
        let spec: ChartSpec = serde_json::from_value(spec.clone())
            .map_err(|e| ReportError::Context(format!("figure {file}: chart spec: {e}")))?;
        out.push((file.to_string(), charts::render(&spec)?.into_bytes()));
    }
    Ok(out)
}

/// Facts the Rust side derives from the context: validated once here so that the templates
/// and the PDF metadata agree.
struct Meta {
    lang: String,
    year: i64,
    date: (i32, u8, u8),
}

impl Meta {
    fn from_context(lang: &str, context: &Json) -> Result<Self, ReportError> {
        if !LANGS.contains(&lang) {
            return Err(ReportError::Lang(lang.to_string()));
        }
        if let Some(declared) = context.get("lang").and_then(Json::as_str)
            && declared != lang
        {
            return Err(ReportError::Context(format!(
                "context is written in `{declared}` but the report was asked for in `{lang}`"
            )));
        }
        let year = context
            .get("year")
            .and_then(Json::as_i64)
            .ok_or_else(|| ReportError::Context("`year` is missing or not an integer".into()))?;
        let date = context
            .get("report_date")
            .and_then(Json::as_str)
            .ok_or_else(|| ReportError::Context("`report_date` is missing".into()))?;
        let date = parse_date(date).ok_or_else(|| {
            ReportError::Context(format!("`report_date` `{date}` is not a YYYY-MM-DD date"))
        })?;
        Ok(Self {
            lang: lang.to_string(),
            year,
            date,
        })
    }

    fn to_json(&self) -> Json {
        serde_json::json!({
            "lang": self.lang,
            "year": self.year,
            "date": { "year": self.date.0, "month": self.date.1, "day": self.date.2 },
        })
    }

    fn pdf_options(&self) -> Result<typst_pdf::PdfOptions, ReportError> {
        // PDF/A-2b for archiving and PDF/UA-1 for accessibility (tagged structure, table headers,
        // alternative text of every chart): typst 0.15 enforces both at once.
        let standards = typst_pdf::PdfStandards::new(&[
            typst_pdf::PdfStandard::A_2b,
            typst_pdf::PdfStandard::Ua_1,
        ])
        .map_err(|e| ReportError::Pdf(vec![plain_diagnostic(e.message().to_string())]))?;
        let (y, m, d) = self.date;
        let timestamp = Datetime::from_ymd(y, m, d).map(typst_pdf::Timestamp::new_utc);
        Ok(typst_pdf::PdfOptions {
            // A stable identifier keeps the PDF's /ID (and so its bytes) the same across runs.
            ident: Smart::Custom(format!("nqs-annual-analysis-{}-{}", self.year, self.lang)),
            timestamp,
            standards,
            ..Default::default()
        })
    }
}

fn parse_date(s: &str) -> Option<(i32, u8, u8)> {
    let mut parts = s.splitn(3, '-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    (s.len() == 10 && (1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// The figures of section 4, wherever the groups put them.
fn figures(context: &Json) -> impl Iterator<Item = &Json> {
    context
        .pointer("/indicators/groups")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|g| g.get("figures").and_then(Json::as_array))
        .flatten()
}

/// A recommendation that points at a problem the report does not contain would print a dangling
/// reference; better to stop with the ids.
fn check_recommendations(context: &Json) -> Result<(), ReportError> {
    let ids: BTreeSet<&str> = context
        .pointer("/problems/items")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("id").and_then(Json::as_str))
        .collect();
    for r in context
        .pointer("/recommendations/items")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        for a in r
            .get("answers")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let a = a.as_str().unwrap_or_default();
            if !ids.contains(a) {
                let rid = r.get("id").and_then(Json::as_str).unwrap_or("?");
                return Err(ReportError::Context(format!(
                    "recommendation {rid} answers problem `{a}`, which is not among the problems"
                )));
            }
        }
    }
    Ok(())
}

fn check_figure_files(context: &Json, files: &[(String, Vec<u8>)]) -> Result<(), ReportError> {
    let have: BTreeSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for fig in figures(context) {
        let file = fig
            .get("file")
            .and_then(Json::as_str)
            .ok_or_else(|| ReportError::Context("a figure has no `file`".into()))?;
        if !have.contains(file) {
            return Err(ReportError::Context(format!(
                "figure file `{file}` was not supplied (render chart specs with `chart_files`)"
            )));
        }
    }
    Ok(())
}

pub fn load_wording(templates: &Path, lang: &str) -> Result<Json, ReportError> {
    let path = templates.join("wording").join(format!("{lang}.toml"));
    let text = std::fs::read_to_string(&path).map_err(|source| ReportError::Io {
        path: path.clone(),
        source,
    })?;
    let value: toml::Value = toml::from_str(&text).map_err(|e| ReportError::Wording {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let wording = serde_json::to_value(value).map_err(|e| ReportError::Wording {
        path: path.clone(),
        message: e.to_string(),
    })?;
    check_reason_wording(&wording).map_err(|message| ReportError::Wording { path, message })?;
    Ok(wording)
}

/// Every reason code needs a name in `[context.reasons]`, and every name there a code: a
/// missing one would print the bare code in the annex, a stray one is a code that no longer
/// exists (or a typo).
fn check_reason_wording(wording: &Json) -> Result<(), String> {
    let named = wording
        .pointer("/context/reasons")
        .and_then(Json::as_object)
        .ok_or("[context.reasons] is missing: it names every quarantine reason code")?;
    for code in ReasonCode::ALL {
        match named.get(code.as_str()).and_then(Json::as_str) {
            Some(text) if !text.trim().is_empty() => {}
            _ => return Err(format!("[context.reasons] has no text for `{code}`")),
        }
    }
    if let Some(stray) = named.keys().find(|k| ReasonCode::parse(k).is_none()) {
        return Err(format!(
            "[context.reasons] names `{stray}`, which is not a quarantine reason code"
        ));
    }
    Ok(())
}

fn number_format(wording: &Json, path: &Path) -> Result<NumberFormat, ReportError> {
    let get = |key: &str| {
        wording
            .pointer(&format!("/numbers/{key}"))
            .and_then(Json::as_str)
            .map(str::to_string)
            .ok_or_else(|| ReportError::Wording {
                path: path.to_path_buf(),
                message: format!("[numbers] {key} is missing"),
            })
    };
    Ok(NumberFormat {
        decimals: 0,
        decimal_separator: get("decimal_separator")?,
        group_separator: get("group_separator")?,
    })
}

fn template_files(
    dir: &Path,
    base: &Path,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), ReportError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ReportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            template_files(&path, base, out)?;
        } else if path.to_string_lossy().ends_with(TEMPLATE_SUFFIX) {
            let name = path
                .strip_prefix(base)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((name, path));
        }
    }
    Ok(())
}

fn load_templates(dir: &Path, wording: &Json, numbers: NumberFormat) -> Result<Tera, ReportError> {
    let mut tera = Tera::new();
    tera.set_escape_fn(|input, out| out.write_all(escape::markup(input).as_bytes()));
    tera.autoescape_on([TEMPLATE_SUFFIX]);
    register_filters(&mut tera, wording, numbers);
    let mut files = Vec::new();
    template_files(dir, dir, &mut files)?;
    let mut sources = Vec::new();
    for (name, path) in files {
        let text =
            std::fs::read_to_string(&path).map_err(|source| ReportError::Io { path, source })?;
        sources.push((name, text));
    }
    tera.add_raw_templates(sources).map_err(template_error)?;
    if !tera.contains_template(MAIN_TEMPLATE) {
        return Err(ReportError::Template {
            template: MAIN_TEMPLATE.into(),
            line: None,
            message: format!("not found in {}", dir.display()),
            detail: String::new(),
        });
    }
    Ok(tera)
}

fn as_text(v: &Value) -> String {
    if let Some(s) = v.as_str() {
        s.to_string()
    } else if v.is_none() || v.is_undefined() {
        String::new()
    } else {
        v.to_string()
    }
}

fn register_filters(tera: &mut Tera, wording: &Json, numbers: NumberFormat) {
    // Text for markup positions: body text, `[...]` blocks, table cells.
    tera.register_filter("typ", |v: Value, _: Kwargs, _: &State| {
        Value::safe_string(&escape::markup(&as_text(&v)))
    });
    // Text between double quotes in Typst code.
    tera.register_filter("typ_str", |v: Value, _: Kwargs, _: &State| {
        Value::safe_string(&escape::string(&as_text(&v)))
    });
    // A number (or null) in Typst code; a string here is a template bug, not data to print.
    tera.register_filter(
        "typ_num",
        |v: Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
            if v.is_none() || v.is_undefined() {
                return Ok(Value::safe_string("none"));
            }
            match v.as_f64() {
                Some(n) if v.is_number() => Ok(Value::safe_string(&escape::number(Some(n)))),
                _ => Err(tera::Error::message(format!(
                    "typ_num expects a number, got {}",
                    v.name()
                ))),
            }
        },
    );
    tera.register_filter(
        "typ_int",
        |v: Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
            match v.as_i64() {
                Some(n) => Ok(Value::safe_string(&n.to_string())),
                None => Err(tera::Error::message(format!(
                    "typ_int expects an integer, got {}",
                    v.name()
                ))),
            }
        },
    );
    // Numbers written the report language's way: `{{ n | num(decimals=1) }}`.
    tera.register_filter(
        "num",
        move |v: Value, kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let decimals: usize = kwargs.get("decimals")?.unwrap_or(0);
            let Some(n) = v.as_f64().filter(|_| v.is_number()) else {
                return Err(tera::Error::message(format!(
                    "num expects a number, got {}",
                    v.name()
                )));
            };
            let f = NumberFormat {
                decimals,
                ..numbers.clone()
            };
            Ok(Value::safe_string(&escape::markup(&f.format(n))))
        },
    );
    // ISO dates written out with the month names and pattern from the wording file.
    let months: Vec<String> = wording
        .pointer("/dates/months")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let pattern = wording
        .pointer("/dates/long")
        .and_then(Json::as_str)
        .unwrap_or("{day}.{month_number}.{year}")
        .to_string();
    tera.register_filter(
        "date_long",
        move |v: Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let s = as_text(&v);
            let (y, m, d) = parse_date(&s).ok_or_else(|| {
                tera::Error::message(format!("date_long expects YYYY-MM-DD, got `{s}`"))
            })?;
            let month = months
                .get(m as usize - 1)
                .cloned()
                .ok_or_else(|| tera::Error::message("wording [dates] months needs 12 names"))?;
            let text = pattern
                .replace("{year}", &y.to_string())
                .replace("{month_number}", &format!("{m:02}"))
                .replace("{month}", &month)
                .replace("{day}", &d.to_string());
            Ok(Value::safe_string(&escape::markup(&text)))
        },
    );
}

fn template_error(e: tera::Error) -> ReportError {
    let detail = e.to_string();
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            ReportError::Template {
                template: r.filename().to_string(),
                line: Some(r.span().start_line),
                message: r.message().to_string(),
                detail,
            }
        }
        _ => {
            let mut message = detail.clone();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                message.push_str(&format!(": {s}"));
                source = s.source();
            }
            ReportError::Template {
                template: MAIN_TEMPLATE.into(),
                line: None,
                message,
                detail,
            }
        }
    }
}

/// Fonts parsed once per process; `Font` is reference-counted, so each render clones cheaply.
fn fonts() -> &'static [Font] {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS.get_or_init(|| {
        typst_assets::fonts()
            .flat_map(|data| Font::iter(typst::foundations::Bytes::new(data)))
            .collect()
    })
}

fn plain_diagnostic(message: String) -> TypstDiagnostic {
    TypstDiagnostic {
        message,
        hints: Vec::new(),
        line: None,
        source_line: None,
    }
}

fn diagnostic(world: &dyn World, source: &str, d: &SourceDiagnostic) -> TypstDiagnostic {
    let main = world.main();
    let mut line = None;
    let mut source_line = None;
    if d.span.id() == Some(main)
        && let Some(range) = world.range(d.span)
    {
        let n = source[..range.start.min(source.len())]
            .matches('\n')
            .count();
        line = Some(n + 1);
        source_line = source.lines().nth(n).map(str::to_string);
    }
    TypstDiagnostic {
        message: d.message.to_string(),
        hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
        line,
        source_line,
    }
}

/// Plain Typst files beside the templates (the style module), importable from the report.
fn typst_modules(templates: &Path) -> Result<Vec<(String, String)>, ReportError> {
    let entries = std::fs::read_dir(templates).map_err(|source| ReportError::Io {
        path: templates.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if path.extension().is_some_and(|e| e == "typ") {
            let text = std::fs::read_to_string(&path).map_err(|source| ReportError::Io {
                path: path.clone(),
                source,
            })?;
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            out.push((format!("/{name}"), text));
        }
    }
    out.sort();
    Ok(out)
}

fn compile(
    source: &str,
    modules: &[(String, String)],
    meta: &Meta,
    files: &[(String, Vec<u8>)],
) -> Result<(Vec<u8>, usize, Vec<TypstDiagnostic>), ReportError> {
    let options = meta.pdf_options()?;
    let engine = TypstEngine::builder()
        .main_file((MAIN_PATH, source.to_string()))
        .with_static_source_file_resolver(modules.iter().map(|(p, t)| (p.as_str(), t.clone())))
        .fonts(fonts().iter().cloned())
        .with_static_file_resolver(
            files
                .iter()
                .map(|(name, bytes)| (name.as_str(), bytes.clone())),
        )
        .build();
    let result = engine.with_world(|world| {
        let Warned { output, warnings } = typst::compile::<PagedDocument>(world);
        let warnings: Vec<TypstDiagnostic> = warnings
            .iter()
            .filter(|w| w.severity == Severity::Warning)
            .map(|w| diagnostic(world, source, w))
            .collect();
        let doc = output.map_err(|errs| {
            ReportError::Typst(errs.iter().map(|e| diagnostic(world, source, e)).collect())
        })?;
        let pdf = typst_pdf::pdf(&doc, &options).map_err(|errs| {
            ReportError::Pdf(errs.iter().map(|e| diagnostic(world, source, e)).collect())
        })?;
        Ok((pdf, doc.pages().len(), warnings))
    });
    match result {
        Ok(inner) => inner,
        Err(e) => Err(ReportError::Typst(vec![plain_diagnostic(e.to_string())])),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_termbase_refuses_a_term_to_avoid_in_its_language_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(super::TERMBASE_FILE),
            "[[term]]\nlang = \"kk\"\navoid = \"кері қайтарылды\"\nuse = \"кері қайтарып алынды\"\n",
        )
        .unwrap();
        let text = "7 құжат Кері қайтарылды.";
        let e = super::check_termbase(dir.path(), "kk", text).unwrap_err();
        assert!(e.to_string().contains("кері қайтарып алынды"), "{e}");
        assert!(super::check_termbase(dir.path(), "ru", text).is_ok());
        assert!(super::check_termbase(dir.path(), "kk", "7 құжат кері қайтарып алынды.").is_ok());
        // The project's own termbase holds the project's own templates.
        let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("report-templates");
        assert!(real.join(super::TERMBASE_FILE).is_file());
    }

    use super::*;

    #[test]
    fn dates_are_strict() {
        assert_eq!(parse_date("2025-12-05"), Some((2025, 12, 5)));
        assert_eq!(parse_date("2025-13-05"), None);
        assert_eq!(parse_date("5.12.2025"), None);
    }

    /// Typst itself judges the escaping: each adversarial string goes in once as markup and once
    /// as a string literal, and the document asserts that the markup's text equals the string
    /// and the string has the input's length. A construct that escaped into markup or code
    /// would either fail to compile or change the text.
    #[test]
    fn typst_reads_escaped_data_back_verbatim() {
        let inputs = [
            "#sys.exit() *bold* _it_ $x^2$ `raw` <lbl> @ref // comment /* block */",
            "= Heading",
            "- item",
            "+ item",
            "/ Term: description",
            "1. enum",
            "2025. жыл",
            "-5 and --- and -- and ... and ~ and -?",
            r"back\slash \u{41} and \n and \",
            r#""quotes" 'single' «ёлочки»"#,
            "https://example.kz/path",
            "[brackets] {braces} #{code} #(1 + 2)",
            "ends with #",
            "ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І",
            "*",
            "]",
            "a_b*c",
            "ТОО «Шебер #sys.exit() *bold* $x$ _әріп_»",
        ];
        let mut doc = String::from(
            "#let plain(it) = if type(it) == str { it } else if it.has(\"text\") { it.text } \
             else if it.has(\"children\") { it.children.map(plain).sum(default: \"\") } \
             else if it.func() == [ ].func() { \" \" } else { panic(repr(it)) }\n",
        );
        for input in inputs {
            doc.push_str(&format!(
                "#{{ let s = \"{}\"; assert.eq(s.len(), {}); assert.eq(plain([{}]), s) }}\n",
                escape::string(input),
                input.len(),
                escape::markup(input),
            ));
        }
        let engine = TypstEngine::builder()
            .main_file((MAIN_PATH, doc.clone()))
            .fonts(fonts().iter().cloned())
            .build();
        let result = engine.with_world(|world| {
            typst::compile::<PagedDocument>(world)
                .output
                .map(|_| ())
                .map_err(|errs| {
                    errs.iter()
                        .map(|e| diagnostic(world, &doc, e).to_string())
                        .collect::<Vec<_>>()
                })
        });
        if let Err(errs) = result.unwrap() {
            panic!("escaping failed:\n{}", errs.join("\n"));
        }
    }

    /// With font fallback off, a letter no embedded font has would print as a box; PDF/A
    /// refuses that, and the error must say which text and where.
    #[test]
    fn a_letter_no_font_has_stops_the_export() {
        let meta = Meta {
            lang: "kk".into(),
            year: 2025,
            date: (2025, 12, 5),
        };
        let src = "#set text(font: \"Libertinus Serif\", fallback: false)\nҚазақ 漢";
        match compile(src, &[], &meta, &[]) {
            Err(ReportError::Pdf(d)) => {
                assert!(d[0].message.contains('漢'), "{}", d[0]);
                assert_eq!(d[0].line, Some(2));
            }
            other => panic!("expected a PDF/A error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_language_is_refused_before_touching_files() {
        let e = render_typst(Path::new("/nonexistent"), "en", &serde_json::json!({})).unwrap_err();
        assert!(matches!(e, ReportError::Lang(_)), "{e}");
    }

    #[test]
    fn each_language_names_every_reason_code_and_no_other() {
        let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("report-templates");
        for lang in LANGS {
            let wording = load_wording(&templates, lang).unwrap();
            for code in ReasonCode::ALL {
                let text = wording["context"]["reasons"][code.as_str()].as_str();
                assert!(text.is_some_and(|t| !t.is_empty()), "{lang}: {code}");
            }
        }
        // The check itself: a code without text, a text without a code, no table at all.
        let named = |pairs: &[(&str, &str)]| {
            let reasons: serde_json::Map<String, Json> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Json::from(*v)))
                .collect();
            serde_json::json!({ "context": { "reasons": reasons } })
        };
        let all: Vec<(&str, &str)> = ReasonCode::ALL.iter().map(|c| (c.as_str(), "x")).collect();
        assert_eq!(check_reason_wording(&named(&all)), Ok(()));
        let e = check_reason_wording(&named(&all[1..])).unwrap_err();
        assert!(e.contains(ReasonCode::ALL[0].as_str()), "{e}");
        let mut stray = all.clone();
        stray.push(("other", "прочие"));
        let e = check_reason_wording(&named(&stray)).unwrap_err();
        assert!(e.contains("`other`"), "{e}");
        let mut blank = all.clone();
        blank[3].1 = " ";
        assert!(check_reason_wording(&named(&blank)).is_err());
        assert!(check_reason_wording(&serde_json::json!({ "context": {} })).is_err());
    }
}

/// One PDF the report stage wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportFile {
    pub lang: String,
    pub path: PathBuf,
    pub bytes: usize,
    pub pages: usize,
    pub charts: usize,
    pub seconds: f64,
}

/// What `nqs report` wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportSummary {
    pub period: crate::period::Period,
    pub files: Vec<ReportFile>,
    /// Said once per report, e.g. an indicator whose topic no section of the layout places.
    pub warnings: Vec<String>,
}

/// The report stage: the annual analysis of `year` in each of `langs`, from what `nqs run`
/// wrote in `output/<year>/` (indicators, findings, run record), the lake's manifest and
/// quarantine, the published editions, the analysts' notes and the templates, written to
/// `output/<year>/report-<lang>.pdf` with a draft mark on every page (`nqs publish` renders the
/// edition sent). The judging day is the run's (`run.json`); `as_of`, when given, must agree
/// with it, so the report never judges from another day than its figures.
pub fn report(
    project: &crate::project::Project,
    year: i32,
    as_of: Option<chrono::NaiveDate>,
    langs: &[String],
) -> Result<ReportSummary, ReportError> {
    render_into(project, year, as_of, langs, &project.year_dir(year), None)
}

/// Renders the report of `year` into `dir`: a draft when `edition` is `None`, else edition
/// number `edition`, unmarked. `nqs report` and `nqs publish` differ only here.
pub fn render_into(
    project: &crate::project::Project,
    year: i32,
    as_of: Option<chrono::NaiveDate>,
    langs: &[String],
    out: &Path,
    edition: Option<u32>,
) -> Result<ReportSummary, ReportError> {
    use crate::connection::RunRecord;
    let record = RunRecord::read(project, year)?;
    if let Some(day) = as_of
        && day != record.as_of
    {
        return Err(ReportError::AsOf {
            asked: day,
            run: record.as_of,
            year,
        });
    }
    let period = record.period();
    for l in langs {
        if !LANGS.contains(&l.as_str()) {
            return Err(ReportError::Lang(l.clone()));
        }
    }
    let indicators = project.indicators()?;
    let book = crate::findings::Rulebook::load(project.pipelines(), &project.catalog, &indicators)?;
    let dir = project.year_dir(year);
    let rows = crate::indicators::read_outputs(&dir)?;
    let findings = crate::findings::read_outputs(&dir)?;
    let layout = layout::Layout::load(project.templates(), &indicators)?;
    let warnings = layout.place(&indicators).warnings;
    // The lake as the run saw it: a later ingest changes none of what this report prints.
    let lake = crate::connection::LakeState::read(project, year)?;
    let (manifest, reasons) = (&lake.manifest, &lake.quarantine);
    let notes = notes::load(project.templates(), year)?;
    let edition_err = |e| ReportError::Edition(Box::new(e));
    let revisions = crate::edition::revisions(project.output(), year, &rows, &indicators, manifest)
        .map_err(edition_err)?;
    let follow_up = match crate::edition::latest(project.output(), year - 1).map_err(edition_err)? {
        None => None,
        Some(last) => {
            let items = crate::edition::follow_up(&last, &findings, &rows, &notes.decisions)
                .map_err(|message| notes::NotesError {
                    path: notes.decisions_path.clone(),
                    message,
                })?;
            Some((last.edition, items))
        }
    };
    // Submissions of the year due by the judging day and never received make its figures
    // incomplete; the tables drawing on their sources say so.
    let missing = &lake.missing;
    let labels = |b: &str, v: &str, l: &str| {
        let l = if l == "kk" {
            crate::findings::Lang::Kk
        } else {
            crate::findings::Lang::Ru
        };
        book.label(b, v, l)
    };
    let deadline = project
        .schedule
        .report_deadline(year)
        .ok_or_else(|| ReportError::Context("the report deadline in schedule.toml".into()))?;
    // The published tables as declared: `nqs run` checked its files against them, and a research
    // extract (not part of the report) never stops the report.
    let dictionary =
        crate::dictionary::Dictionary::load(project.pipelines(), &project.catalog, &indicators)?;
    let inputs = context::Inputs {
        period,
        deadline,
        catalog: &project.catalog,
        indicators: &indicators,
        layout: &layout,
        rows: &rows,
        findings: &findings,
        manifest,
        reasons,
        labels: &labels,
        edition,
        dictionary: &dictionary,
        notes: &notes,
        revisions: &revisions,
        follow_up: follow_up.as_ref().map(|(e, items)| (e, items.as_slice())),
        missing,
    };
    let mut files = Vec::new();
    for l in langs {
        let started = std::time::Instant::now();
        let wording = load_wording(project.templates(), l)?;
        check_layout_wording(&layout, &wording, project.templates(), l)?;
        let context = context::build(&inputs, l, &wording)
            .map_err(|message| notes::NotesError {
                path: notes.commentary_path.clone(),
                message,
            })?
            .to_json();
        let write = |path: PathBuf, bytes: &[u8]| {
            crate::atomic::write_atomic(&path, bytes)
                .map_err(|source| ReportError::Write { path, source })
        };
        write(
            out.join(format!("report-context.{l}.json")),
            serde_json::to_string_pretty(&context)
                .expect("the context serialises")
                .as_bytes(),
        )?;
        let charts = chart_files(&context)?;
        let rendered = render(project.templates(), l, &context, &charts)?;
        let path = out.join(format!("report-{l}.pdf"));
        write(path.clone(), &rendered.pdf)?;
        files.push(ReportFile {
            lang: l.clone(),
            path,
            bytes: rendered.pdf.len(),
            pages: rendered.pages,
            charts: charts.len(),
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    Ok(ReportSummary {
        period,
        files,
        warnings,
    })
}

/// Every caption, title and series name the layout names has wording in the language.
fn check_layout_wording(
    layout: &layout::Layout,
    wording: &Json,
    templates: &Path,
    lang: &str,
) -> Result<(), ReportError> {
    for key in layout.wording_keys() {
        let mut v = &wording["context"];
        for part in key.split('.') {
            v = &v[part];
        }
        if !v.is_string() {
            return Err(ReportError::Wording {
                path: templates.join("wording").join(format!("{lang}.toml")),
                message: format!(
                    "[context] has no `{key}`, which {} names",
                    layout::LAYOUT_FILE
                ),
            });
        }
    }
    Ok(())
}
