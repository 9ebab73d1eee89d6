//! The research extract's declaration, `pipelines/extract.toml` ([`Spec`]), and where its
//! files go: what the data dictionary and the catalogue need to describe an extract without
//! depending on how [`crate::extract::extract`] makes one.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The extract's declaration, in the pipelines folder.
pub const SPEC_FILE: &str = "extract.toml";
/// The extract's folder inside `output/<YEAR>/`.
pub const DIR: &str = "research";

/// Text in the three languages of the dictionary.
pub type Wording = crate::contract::Titles;

/// `pipelines/extract.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// No combination of quasi-identifiers is shared by fewer than `k` persons (at least the
    /// disclosure threshold, `min_persons` of `disclosure.toml`).
    pub k: usize,
    /// Global recoding stops once the records left to local suppression are at most this
    /// share of all records (0 to 1), or no coarser declared level is left.
    pub max_local_suppression_share: f64,
    pub table: TableSpec,
    pub person: PersonSpec,
    #[serde(rename = "quasi_identifier")]
    pub quasi_identifiers: Vec<QuasiIdentifier>,
    #[serde(rename = "column", default)]
    pub columns: Vec<Column>,
    /// Kept columns whose value an outsider must not learn from a person's combination
    /// (l-diversity, measured: see [`super::ExtractSummary::homogeneous_combinations`]).
    #[serde(default)]
    pub sensitive: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// The table's name: the file `<name>.parquet` and the catalogue's view.
    pub name: String,
    pub title: Wording,
    pub description: Wording,
    /// DuckDB SQL giving the records before recoding; must have a column `person_id`.
    pub rows: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonSpec {
    /// The pseudonym column's name in the extract.
    pub name: String,
    pub description: Wording,
}

/// A quasi-identifier: a variable an outsider may know of a person (sex, age, region, ...).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QuasiIdentifier {
    pub name: String,
    /// SQL expressions over the rows, finest first; each is a text value.
    pub levels: Vec<String>,
    #[serde(default)]
    pub codes: Vec<String>,
    /// The code list the values come from (`pipelines/codes/<id>.toml` or a source).
    #[serde(default)]
    pub codes_from: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    pub description: Wording,
}

/// A column kept as it is (not a quasi-identifier).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub name: String,
    pub sql: String,
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub unit: Option<String>,
    pub description: Wording,
}

/// Why the declaration could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Spec { path: PathBuf, message: String },
    #[error(transparent)]
    Disclosure(#[from] crate::disclosure::DisclosureError),
}

impl Spec {
    /// Reads and checks `pipelines/extract.toml`.
    ///
    /// Errors: [`SpecError::Read`], [`SpecError::Spec`] (syntax, no quasi-identifier,
    /// a level list empty, names repeated or not plain identifiers, k below `min_persons`).
    pub fn load(pipelines: &Path) -> Result<Spec, SpecError> {
        let path = pipelines.join(SPEC_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| SpecError::Read {
            path: path.clone(),
            source,
        })?;
        let bad = |message: String| SpecError::Spec {
            path: path.clone(),
            message,
        };
        let spec: Spec = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let policy = crate::disclosure::Policy::load(pipelines)?;
        if (spec.k as f64) < policy.min_persons {
            return Err(bad(format!(
                "k = {} is below the disclosure threshold min_persons = {} of disclosure.toml",
                spec.k, policy.min_persons
            )));
        }
        if !(0.0..=1.0).contains(&spec.max_local_suppression_share) {
            return Err(bad(format!(
                "max_local_suppression_share = {} must be between 0 and 1",
                spec.max_local_suppression_share
            )));
        }
        if spec.quasi_identifiers.is_empty() {
            return Err(bad("no [[quasi_identifier]] is declared".into()));
        }
        for q in &spec.quasi_identifiers {
            if q.levels.is_empty() {
                return Err(bad(format!("quasi-identifier `{}` has no levels", q.name)));
            }
        }
        for name in &spec.sensitive {
            if !spec.columns.iter().any(|c| &c.name == name) {
                return Err(bad(format!("sensitive = [\"{name}\"] names no [[column]]")));
            }
        }
        let columns = spec.output_columns();
        let mut seen = std::collections::HashSet::new();
        for name in &columns {
            if !seen.insert(*name) {
                return Err(bad(format!("the column name `{name}` is declared twice")));
            }
        }
        for name in columns.into_iter().chain([spec.table.name.as_str()]) {
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(bad(format!(
                    "`{name}` is not a plain name (lower-case letters, digits, _)"
                )));
            }
        }
        Ok(spec)
    }

    /// The extract's columns in order: the person, the quasi-identifiers, the kept columns.
    pub fn output_columns(&self) -> Vec<&str> {
        std::iter::once(self.person.name.as_str())
            .chain(self.quasi_identifiers.iter().map(|q| q.name.as_str()))
            .chain(self.columns.iter().map(|c| c.name.as_str()))
            .collect()
    }

    /// The quasi-identifiers' names.
    pub fn quasi_identifier_names(&self) -> Vec<&str> {
        self.quasi_identifiers
            .iter()
            .map(|q| q.name.as_str())
            .collect()
    }
}
