//! Sample data as the NQS providers really send it: every source contract in
//! `pipelines/sources/` gets files in the formats, encodings, header spellings and date styles
//! met in practice, with a small, counted share of bad rows and a submission log that shows late
//! and missing submissions. The same options always give byte-identical files.

mod activity;
mod bad;
mod calendar;
mod ids;
mod names;
mod nco_data;
mod registers;
mod schema;
mod table;
mod world;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use table::{Col, Row, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// A few MB for five years: the embedded sample.
    Small,
    /// At least a million recognition results a year.
    National,
}

impl Scale {
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Small => "small",
            Scale::National => "national",
        }
    }
}

impl std::str::FromStr for Scale {
    type Err = GenerateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "small" => Ok(Scale::Small),
            "national" => Ok(Scale::National),
            other => Err(GenerateError::Options(format!(
                "unknown scale {other:?}: use small or national"
            ))),
        }
    }
}

#[derive(Clone, Debug)]
pub struct GenerateOptions {
    pub seed: u64,
    pub scale: Scale,
    pub first_year: i32,
    pub last_year: i32,
    /// The extract date: nothing received after it is written. Default `<last_year>-11-20`.
    pub as_of: Option<NaiveDate>,
    pub out: PathBuf,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct GenerateSummary {
    /// Files written, relative to the output folder, in writing order (GENERATED.json included).
    pub files: Vec<PathBuf>,
    pub bytes: u64,
    /// Rows written per source, bad rows included.
    pub rows: BTreeMap<String, u64>,
    /// Injected bad rows per source and kind (`malformed_iin`, `date_order`, ...).
    pub bad_rows: BTreeMap<String, BTreeMap<String, u64>>,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("invalid options: {0}")]
    Options(String),
    #[error("cannot write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write CSV {path}: {message}")]
    Csv { path: PathBuf, message: String },
    #[error("cannot write XLSX {path}: {message}")]
    Xlsx { path: PathBuf, message: String },
}

impl GenerateError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        GenerateError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// A reproducible random stream for one part of the data: parts draw independently, so a change
/// in one source does not reshuffle every other.
pub(crate) fn rng_for(seed: u64, label: &str, n: u64) -> ChaCha8Rng {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for b in label.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= n.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h = (h ^ (h >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ChaCha8Rng::seed_from_u64(h ^ (h >> 29))
}

/// One entry of the platform's submission log.
pub(crate) struct Submission {
    pub provider: &'static str,
    pub sender: String,
    pub source: &'static str,
    pub period: String,
    pub received: NaiveDate,
    pub file: String,
}

/// Where files go, and what was written.
pub(crate) struct Out<'a> {
    root: PathBuf,
    /// The fixed creation date stamped into XLSX properties.
    created: NaiveDate,
    pub summary: GenerateSummary,
    pub submissions: Vec<Submission>,
    pub progress: &'a dyn Fn(&str, u64, u64),
}

impl Out<'_> {
    pub(crate) fn write(
        &mut self,
        source: &str,
        rel: &str,
        cols: &[Col],
        rows: &[Row],
        style: &Style,
    ) -> Result<(), GenerateError> {
        let path = self.root.join(rel);
        let bytes = table::write_file(&path, cols, rows, style, self.created)?;
        self.summary.bytes += bytes;
        self.summary.files.push(PathBuf::from(rel));
        *self.summary.rows.entry(source.to_string()).or_default() += rows.len() as u64;
        Ok(())
    }

    /// Writes a file the generator laid out itself (a publisher's own table shape).
    pub(crate) fn write_raw(
        &mut self,
        source: &str,
        rel: &str,
        bytes: &[u8],
        rows: u64,
    ) -> Result<(), GenerateError> {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| GenerateError::io(dir, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| GenerateError::io(&path, e))?;
        self.summary.bytes += bytes.len() as u64;
        self.summary.files.push(PathBuf::from(rel));
        *self.summary.rows.entry(source.to_string()).or_default() += rows;
        Ok(())
    }

    pub(crate) fn submit(
        &mut self,
        provider: &'static str,
        sender: &str,
        source: &'static str,
        period: String,
        received: NaiveDate,
        file: &str,
    ) {
        self.submissions.push(Submission {
            provider,
            sender: sender.to_string(),
            source,
            period,
            received,
            file: file.to_string(),
        });
    }

    pub(crate) fn bad(&mut self, source: &str, inj: &bad::Injector) {
        bad::merge_counts(&mut self.summary.bad_rows, source, &inj.counts);
    }
}

/// Writes the sample data set into `opts.out` and reports what it wrote. `progress` receives
/// (stage, done, total) as the stages advance.
pub fn generate(
    opts: &GenerateOptions,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<GenerateSummary, GenerateError> {
    if opts.first_year > opts.last_year {
        return Err(GenerateError::Options(format!(
            "first year {} is after last year {}",
            opts.first_year, opts.last_year
        )));
    }
    if opts.first_year < 2016 || opts.last_year > 2090 {
        return Err(GenerateError::Options(format!(
            "years {}..{} are outside 2016..2090",
            opts.first_year, opts.last_year
        )));
    }
    let as_of = match opts.as_of {
        Some(d) => d,
        None => NaiveDate::from_ymd_opt(opts.last_year, 11, 20).expect("valid date"),
    };
    if as_of < NaiveDate::from_ymd_opt(opts.first_year, 2, 1).expect("valid date") {
        return Err(GenerateError::Options(format!(
            "as_of {as_of} leaves no month to write"
        )));
    }
    // Generated deadlines are placed with the production calendar the analysis uses: outside
    // its years the generator would place them on a calendar the analysis does not have.
    let (cal_first, cal_last) = crate::calendar::Calendar::embedded().covered_years();
    if opts.first_year < cal_first || opts.last_year > cal_last || as_of.year() > cal_last {
        return Err(GenerateError::Options(format!(
            "years {}..{} as of {as_of} reach outside the production calendar, which covers \
             {cal_first}-{cal_last} (datasets/calendar)",
            opts.first_year, opts.last_year
        )));
    }
    std::fs::create_dir_all(&opts.out).map_err(|e| GenerateError::io(&opts.out, e))?;

    progress("world", 0, 1);
    let w = world::World::build(
        opts.seed,
        opts.scale,
        opts.first_year,
        opts.last_year,
        as_of,
    );
    progress("world", 1, 1);
    let mut out = Out {
        root: opts.out.clone(),
        created: as_of,
        summary: GenerateSummary::default(),
        submissions: Vec::new(),
        progress,
    };
    registers::write_all(&w, &mut out)?;
    activity::write_all(&w, &mut out)?;
    registers::write_submissions(&w, &mut out)?;

    let manifest = serde_json::json!({
        "seed": opts.seed,
        "scale": opts.scale.as_str(),
        "first_year": opts.first_year,
        "last_year": opts.last_year,
        "as_of": as_of.format("%Y-%m-%d").to_string(),
        "files": out.summary.files.len() + 1,
        "rows": out.summary.rows,
        "bad_rows": out.summary.bad_rows,
    });
    let text = serde_json::to_string_pretty(&manifest).expect("JSON of plain maps") + "\n";
    let path = opts.out.join("GENERATED.json");
    std::fs::write(&path, &text).map_err(|e| GenerateError::io(&path, e))?;
    out.summary.bytes += text.len() as u64;
    out.summary.files.push(PathBuf::from("GENERATED.json"));
    Ok(out.summary)
}
