//! The report's declared structure (`report-templates/layout.toml`): the key figures of part 1
//! and, for section 4, one group per topic with its extra tables and charts. Loading checks
//! every indicator, breakdown and wording key it names, and places every indicator: one whose
//! topic no group declares goes to the declared "other indicators" group, with a warning that
//! names its file, never only into the methodology annex.

use crate::indicators::Indicator;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layout's file name in the templates folder.
pub const LAYOUT_FILE: &str = "layout.toml";

#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("cannot read {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Indicators whose national value of the report year opens the report.
    pub key_figures: Vec<String>,
    #[serde(rename = "group")]
    pub groups: Vec<Group>,
    pub other: Other,
}

/// One topic's part of section 4.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// The `topic` of the indicator headers it places; its title is `[context.topics]`.
    pub topic: String,
    #[serde(default, rename = "table")]
    pub tables: Vec<Table>,
    #[serde(default, rename = "chart")]
    pub charts: Vec<Chart>,
}

/// Where the indicators of undeclared topics go.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Other {
    /// Wording key of the group's and table's title.
    pub title: String,
}

/// A table beyond the topic's own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "snake_case")]
pub enum Table {
    /// The indicator by region (KATO) over five years, the national value first.
    ByRegion { indicator: String, title: String },
}

/// A chart of the group.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "snake_case")]
pub enum Chart {
    /// National values over the five years, one line per series.
    Lines {
        caption: String,
        series: Vec<SeriesRef>,
        /// A literal axis title, e.g. "%".
        #[serde(default)]
        y_label: Option<String>,
        /// An axis title from the wording.
        #[serde(default)]
        y_label_key: Option<String>,
    },
    /// The report year's values over a breakdown, largest first, with the national line.
    Bars {
        indicator: String,
        breakdown: String,
        caption: String,
        #[serde(default)]
        horizontal: bool,
    },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesRef {
    pub indicator: String,
    /// Wording key of the series' name in the legend.
    pub name: String,
}

impl Chart {
    pub fn caption(&self) -> &str {
        match self {
            Chart::Lines { caption, .. } | Chart::Bars { caption, .. } => caption,
        }
    }

    /// The SVG's file name, from the caption key (`fig_pass_region` → `fig-pass-region.svg`).
    pub fn file(&self) -> String {
        format!("{}.svg", self.caption().replace('_', "-"))
    }
}

/// Section 4 as it will be printed: the declared groups that have indicators, then, when some
/// indicator's topic is not declared, the "other" group.
#[derive(Debug, Clone)]
pub struct Placement<'a> {
    pub groups: Vec<(&'a Group, Vec<&'a Indicator>)>,
    pub other: Vec<&'a Indicator>,
    /// One per indicator placed under "other", naming its file and topic.
    pub warnings: Vec<String>,
}

impl Layout {
    /// Reads `layout.toml` of a templates folder and checks it against the indicators.
    pub fn load(templates: &Path, indicators: &[Indicator]) -> Result<Layout, LayoutError> {
        let path = templates.join(LAYOUT_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| LayoutError::Io {
            path: path.clone(),
            source,
        })?;
        let layout: Layout = toml::from_str(&text).map_err(|e| LayoutError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
        layout
            .check(indicators)
            .map_err(|message| LayoutError::Invalid { path, message })?;
        Ok(layout)
    }

    fn check(&self, indicators: &[Indicator]) -> Result<(), String> {
        let find = |id: &str| {
            indicators
                .iter()
                .find(|i| i.header.id == id)
                .ok_or_else(|| format!("indicator `{id}` is not defined in pipelines/indicators"))
        };
        for id in &self.key_figures {
            find(id)?;
        }
        let mut topics = BTreeSet::new();
        let mut files = BTreeSet::new();
        for g in &self.groups {
            if !topics.insert(g.topic.as_str()) {
                return Err(format!("topic `{}` has two groups", g.topic));
            }
            for t in &g.tables {
                let Table::ByRegion { indicator, .. } = t;
                let ind = find(indicator)?;
                if !ind.header.breakdowns.iter().any(|b| b == "region") {
                    return Err(format!(
                        "table by region of `{indicator}`: the indicator has no `region` breakdown"
                    ));
                }
            }
            for c in &g.charts {
                if !files.insert(c.file()) {
                    return Err(format!("caption `{}` is used by two charts", c.caption()));
                }
                match c {
                    Chart::Lines { series, .. } => {
                        if series.is_empty() {
                            return Err(format!("chart `{}` has no series", c.caption()));
                        }
                        for s in series {
                            find(&s.indicator)?;
                        }
                    }
                    Chart::Bars {
                        indicator,
                        breakdown,
                        ..
                    } => {
                        let ind = find(indicator)?;
                        if breakdown == "total" || !ind.header.breakdowns.contains(breakdown) {
                            return Err(format!(
                                "chart `{}`: `{indicator}` has no breakdown `{breakdown}`",
                                c.caption()
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Every indicator in its group, in the indicators' order; the undeclared topics' in
    /// "other".
    pub fn place<'a>(&'a self, indicators: &'a [Indicator]) -> Placement<'a> {
        let groups = self
            .groups
            .iter()
            .map(|g| {
                let members = indicators
                    .iter()
                    .filter(|i| i.header.topic == g.topic)
                    .collect::<Vec<_>>();
                (g, members)
            })
            .filter(|(_, members)| !members.is_empty())
            .collect();
        let other: Vec<&Indicator> = indicators
            .iter()
            .filter(|i| !self.groups.iter().any(|g| g.topic == i.header.topic))
            .collect();
        let warnings = other
            .iter()
            .map(|i| {
                format!(
                    "indicator `{}` ({}) has topic `{}`, which no group of {LAYOUT_FILE} places: \
                     it is shown in the \"other indicators\" table",
                    i.header.id,
                    i.path.display(),
                    i.header.topic
                )
            })
            .collect();
        Placement {
            groups,
            other,
            warnings,
        }
    }

    /// The wording keys of `[context]` the layout names (captions, titles, series, axes).
    pub fn wording_keys(&self) -> Vec<String> {
        let mut keys = vec![self.other.title.clone()];
        for g in &self.groups {
            keys.push(format!("topics.{}", g.topic));
            for t in &g.tables {
                let Table::ByRegion { title, .. } = t;
                keys.push(title.clone());
            }
            for c in &g.charts {
                keys.push(c.caption().to_string());
                match c {
                    Chart::Lines {
                        series,
                        y_label_key,
                        ..
                    } => {
                        keys.extend(series.iter().map(|s| s.name.clone()));
                        keys.extend(y_label_key.clone());
                    }
                    Chart::Bars { .. } => {}
                }
            }
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Catalog;

    fn project_indicators() -> Vec<Indicator> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        let catalog = Catalog::load(&root).unwrap();
        crate::indicators::load(&root.join("indicators"), &catalog).unwrap()
    }

    #[test]
    fn the_project_layout_places_every_indicator() {
        let indicators = project_indicators();
        let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("report-templates");
        let layout = Layout::load(&templates, &indicators).unwrap();
        let placed = layout.place(&indicators);
        assert!(placed.other.is_empty(), "{:?}", placed.warnings);
        let n: usize = placed.groups.iter().map(|(_, m)| m.len()).sum();
        assert_eq!(n, indicators.len());
    }

    #[test]
    fn an_undeclared_topic_goes_to_other_with_a_warning() {
        let mut indicators = project_indicators();
        indicators[0].header.topic = "brand_new".into();
        let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("report-templates");
        let layout = Layout::load(&templates, &indicators).unwrap();
        let placed = layout.place(&indicators);
        assert_eq!(placed.other.len(), 1);
        assert!(
            placed.warnings[0].contains(".sql"),
            "{}",
            placed.warnings[0]
        );
        assert!(placed.warnings[0].contains("brand_new"));
    }

    #[test]
    fn a_name_the_indicators_lack_is_refused() {
        let indicators = project_indicators();
        let mut layout: Layout = toml::from_str(
            &std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("report-templates/layout.toml"),
            )
            .unwrap(),
        )
        .unwrap();
        layout.key_figures.push("no_such_indicator".into());
        let e = layout.check(&indicators).unwrap_err();
        assert!(e.contains("no_such_indicator"), "{e}");
        layout.key_figures.pop();
        layout.groups[0].charts.push(Chart::Bars {
            indicator: "standards_in_force".into(),
            breakdown: "planet".into(),
            caption: "fig_new".into(),
            horizontal: true,
        });
        let e = layout.check(&indicators).unwrap_err();
        assert!(e.contains("planet"), "{e}");
    }
}
