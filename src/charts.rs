//! Charts for the annual analysis, drawn with plotters as SVG.
//!
//! Every chart is described by a plain serde struct (so the indicator stage can write the spec
//! next to its numbers) and rendered to an SVG string that the report embeds. Text is measured
//! with the same Libertinus Serif bytes that typst embeds, and the SVG names that family, so the
//! letters ә ғ қ ң ө ұ ү һ і come out right on a machine with no system fonts at all.
//!
//! Layout is done by hand on plotters' drawing area rather than through `ChartBuilder`: the
//! report needs wrapped category labels, a legend above the plot and value labels on bars, and
//! one set of drawing rules keeps the three kinds of chart looking alike.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

/// The font family written into the SVG; typst resolves it among the fonts it embeds.
pub const FONT_FAMILY: &str = "Libertinus Serif";

/// Canvas width in SVG pixels. Charts are placed at the full text width of an A4 page
/// (about 16 cm), so one pixel is about 0.16 mm and the font sizes below are chosen for that.
const WIDTH: u32 = 1000;

/// Font sizes as they should appear in the SVG (CSS pixels). plotters divides the requested
/// size by 1.24 when it writes `font-size`, so `font()` multiplies it back.
const TITLE_PX: f64 = 24.0;
const LABEL_PX: f64 = 20.0;
const TICK_PX: f64 = 19.5;
const VALUE_PX: f64 = 18.0;

/// One palette for every chart of the report: dark blue first (it matches the report's accent
/// colour), then hues that stay distinguishable for the common colour-vision deficiencies.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0x1f, 0x4e, 0x79),
    RGBColor(0xe0, 0x7b, 0x39),
    RGBColor(0x3f, 0x8f, 0x5f),
    RGBColor(0x8e, 0x6b, 0xb3),
    RGBColor(0xc9, 0xa2, 0x27),
    RGBColor(0x4a, 0xa3, 0xc8),
    RGBColor(0x8c, 0x8c, 0x8c),
];
const REFERENCE: RGBColor = RGBColor(0xb0, 0x1e, 0x2f);
const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x5a, 0x5a, 0x5a);
const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
const AXIS: RGBColor = RGBColor(0x88, 0x88, 0x88);

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("chart has no data: {0}")]
    Empty(&'static str),
    #[error("series `{series}` has {got} values but the chart has {expected} {axis}")]
    LengthMismatch {
        series: String,
        expected: usize,
        got: usize,
        axis: &'static str,
    },
    #[error("series `{series}` has a value that is not a finite number at position {index}")]
    NotFinite { series: String, index: usize },
    #[error("stacked bars need values of one sign; series `{series}` has a negative value")]
    NegativeStack { series: String },
    #[error("the embedded chart font could not be loaded")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Drawing(String),
}

/// How numbers are written on the chart. kk and ru both use a decimal comma and a space
/// between thousands, which is the default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NumberFormat {
    pub decimals: usize,
    pub decimal_separator: String,
    pub group_separator: String,
}

impl Default for NumberFormat {
    fn default() -> Self {
        Self {
            decimals: 0,
            decimal_separator: ",".into(),
            group_separator: "\u{a0}".into(),
        }
    }
}

impl NumberFormat {
    pub fn format(&self, value: f64) -> String {
        let text = format!("{:.*}", self.decimals, value.abs());
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (text.as_str(), None),
        };
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push_str(&self.group_separator);
            }
            grouped.push(ch);
        }
        // "-0" after rounding reads as an error in a table of rates.
        let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
        let mut out = String::new();
        if negative {
            out.push('\u{2212}');
        }
        out.push_str(&grouped);
        if let Some(frac) = frac {
            out.push_str(&self.decimal_separator);
            out.push_str(frac);
        }
        out
    }
}

/// A named row of values; `None` is a gap (no data, or suppressed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A horizontal (or, on horizontal bar charts, vertical) line such as the national value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceLine {
    pub label: String,
    pub value: f64,
}

/// Values over years: one line per series, an optional reference line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineChart {
    /// Drawn above the plot. Leave it out for report figures: their caption carries the title.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub x_label: Option<String>,
    /// Value-axis title, e.g. «Үлес, %» / «Доля, %».
    #[serde(default)]
    pub y_label: Option<String>,
    pub years: Vec<i32>,
    pub series: Vec<Series>,
    #[serde(default)]
    pub reference: Option<ReferenceLine>,
    /// Written after every value label, e.g. "%".
    #[serde(default)]
    pub value_suffix: String,
    /// Value labels at the points; with more than two series they clutter, so off by default then.
    #[serde(default)]
    pub show_values: Option<bool>,
    #[serde(default)]
    pub y_min: Option<f64>,
    #[serde(default)]
    pub y_max: Option<f64>,
    #[serde(default)]
    pub number_format: NumberFormat,
}

/// Values by category (regions, NQF levels, sectors); grouped when there is more than one series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarChart {
    #[serde(default)]
    pub title: Option<String>,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Bars grow to the right and categories are listed top to bottom: the layout for long
    /// region or sector names.
    #[serde(default)]
    pub horizontal: bool,
    #[serde(default)]
    pub category_label: Option<String>,
    #[serde(default)]
    pub value_label: Option<String>,
    #[serde(default)]
    pub reference: Option<ReferenceLine>,
    #[serde(default)]
    pub value_suffix: String,
    #[serde(default = "yes")]
    pub show_values: bool,
    /// Written where a value is missing, e.g. "<5" for a suppressed count.
    #[serde(default)]
    pub missing_label: Option<String>,
    #[serde(default)]
    pub value_max: Option<f64>,
    #[serde(default)]
    pub number_format: NumberFormat,
}

/// Parts of a whole by category, e.g. support requests answered within 3, 10, 20 working days
/// and late.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackedBarChart {
    #[serde(default)]
    pub title: Option<String>,
    pub categories: Vec<String>,
    /// One series per part, in stacking order.
    pub series: Vec<Series>,
    #[serde(default)]
    pub horizontal: bool,
    #[serde(default)]
    pub category_label: Option<String>,
    #[serde(default)]
    pub value_label: Option<String>,
    /// Scale every bar to 100 % (the labels then show shares).
    #[serde(default)]
    pub percent: bool,
    #[serde(default)]
    pub value_suffix: String,
    #[serde(default = "yes")]
    pub show_values: bool,
    #[serde(default)]
    pub number_format: NumberFormat,
}

fn yes() -> bool {
    true
}

/// Any chart, tagged by `kind`, so a figure in the report context can carry its spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChartSpec {
    Line(LineChart),
    Bar(BarChart),
    StackedBar(StackedBarChart),
}

pub fn render(spec: &ChartSpec) -> Result<String, ChartError> {
    match spec {
        ChartSpec::Line(c) => line_chart(c),
        ChartSpec::Bar(c) => bar_chart(c),
        ChartSpec::StackedBar(c) => stacked_bar_chart(c),
    }
}

fn register_fonts() -> Result<(), ChartError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = DONE.get_or_init(|| {
        let mut regular = false;
        for data in typst_assets::fonts() {
            let Some(info) = typst::text::FontInfo::new(data, 0) else {
                continue;
            };
            if info.family != FONT_FAMILY || info.variant.style != typst::text::FontStyle::Normal {
                continue;
            }
            let style = match info.variant.weight.to_number() {
                400 => FontStyle::Normal,
                700 => FontStyle::Bold,
                _ => continue,
            };
            let is_regular = matches!(style, FontStyle::Normal);
            if plotters::style::register_font(FONT_FAMILY, style, data).is_ok() && is_regular {
                regular = true;
            }
        }
        regular
    });
    if *ok { Ok(()) } else { Err(ChartError::Font) }
}

fn font(px: f64) -> TextStyle<'static> {
    (FONT_FAMILY, px * 1.24).into_font().color(&TEXT)
}

fn bold(px: f64) -> TextStyle<'static> {
    (FONT_FAMILY, px * 1.24, FontStyle::Bold)
        .into_font()
        .color(&TEXT)
}

fn draw_err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Drawing(e.to_string())
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Width in pixels of `text` in `style`, measured with the embedded font (no canvas needed, so
/// layouts can be sized before drawing starts).
fn text_width(text: &str, style: &TextStyle) -> Result<i32, ChartError> {
    Ok(style.font.box_size(text).map_err(draw_err)?.0 as i32)
}

fn text(
    area: &Area,
    s: &str,
    (x, y): (i32, i32),
    style: &TextStyle,
    h: HPos,
    v: VPos,
) -> Result<(), ChartError> {
    area.draw(&Text::new(s.to_string(), (x, y), style.pos(Pos::new(h, v))))
        .map_err(draw_err)
}

/// Greedy word wrap to `max_width` pixels; a single word wider than that keeps its own line.
fn wrap(s: &str, style: &TextStyle, max_width: i32) -> Result<Vec<String>, ChartError> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in s.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || text_width(&candidate, style)? <= max_width {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    Ok(lines)
}

fn check_series(series: &[Series], expected: usize, axis: &'static str) -> Result<(), ChartError> {
    if series.is_empty() {
        return Err(ChartError::Empty("no series"));
    }
    for s in series {
        if s.values.len() != expected {
            return Err(ChartError::LengthMismatch {
                series: s.name.clone(),
                expected,
                got: s.values.len(),
                axis,
            });
        }
        if let Some(index) = s
            .values
            .iter()
            .position(|v| v.is_some_and(|v| !v.is_finite()))
        {
            return Err(ChartError::NotFinite {
                series: s.name.clone(),
                index,
            });
        }
    }
    Ok(())
}

/// Axis bounds and step on "nice" numbers (1, 2, 2.5, 5 × 10^k) so tick labels read cleanly.
fn nice_scale(lo: f64, hi: f64, target_ticks: usize) -> (f64, f64, f64) {
    let (lo, hi) = if (hi - lo).abs() < f64::EPSILON {
        if hi == 0.0 {
            (0.0, 1.0)
        } else {
            (lo.min(0.0), hi.max(0.0) * 1.2 + 1e-9)
        }
    } else {
        (lo, hi)
    };
    let raw = (hi - lo) / target_ticks.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let nlo = (lo / step).floor() * step;
    let nhi = (hi / step).ceil() * step;
    (nlo, nhi, step)
}

fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let n = ((hi - lo) / step).round() as i64;
    (0..=n).map(|i| lo + i as f64 * step).collect()
}

/// Decimals for tick labels: enough to tell neighbouring ticks apart, and no more.
fn tick_format(base: &NumberFormat, step: f64) -> NumberFormat {
    let mut decimals = 0;
    while decimals < 4 && (step * 10f64.powi(decimals as i32)).fract().abs() > 1e-6 {
        decimals += 1;
    }
    NumberFormat {
        decimals,
        ..base.clone()
    }
}

struct LegendItem {
    label: String,
    color: RGBColor,
    dashed: bool,
}

const LEGEND_ROW: i32 = 30;
const LEGEND_SWATCH: i32 = 26;

/// Where each legend item starts, as (x offset from `left`, row); rows wrap at `width`.
fn legend_positions(items: &[LegendItem], width: i32) -> Result<Vec<(i32, i32)>, ChartError> {
    let style = font(LABEL_PX);
    let mut out = Vec::with_capacity(items.len());
    let (mut x, mut row) = (0, 0);
    for item in items {
        let w = LEGEND_SWATCH + 8 + text_width(&item.label, &style)? + 26;
        if x > 0 && x + w > width {
            x = 0;
            row += 1;
        }
        out.push((x, row));
        x += w;
    }
    Ok(out)
}

fn legend_height(items: &[LegendItem], width: i32) -> Result<i32, ChartError> {
    let rows = legend_positions(items, width)?
        .last()
        .map_or(0, |(_, r)| r + 1);
    Ok(if rows == 0 { 0 } else { rows * LEGEND_ROW + 6 })
}

/// Legend in one or more rows under the title; returns the y below it.
fn draw_legend(
    area: &Area,
    items: &[LegendItem],
    top: i32,
    left: i32,
    right: i32,
) -> Result<i32, ChartError> {
    let style = font(LABEL_PX);
    for (item, (dx, row)) in items.iter().zip(legend_positions(items, right - left)?) {
        let x = left + dx;
        let y = top + row * LEGEND_ROW + LEGEND_ROW / 2;
        if item.dashed {
            area.draw(&DashedPathElement::new(
                vec![(x, y), (x + LEGEND_SWATCH, y)],
                7,
                4,
                item.color.stroke_width(3),
            ))
            .map_err(draw_err)?;
        } else {
            area.draw(&Rectangle::new(
                [(x, y - 7), (x + LEGEND_SWATCH, y + 7)],
                item.color.filled(),
            ))
            .map_err(draw_err)?;
        }
        text(
            area,
            &item.label,
            (x + LEGEND_SWATCH + 8, y),
            &style,
            HPos::Left,
            VPos::Center,
        )?;
    }
    Ok(top + legend_height(items, right - left)?)
}

fn draw_title(area: &Area, title: &Option<String>, top: i32) -> Result<i32, ChartError> {
    match title.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => {
            let style = bold(TITLE_PX);
            let lines = wrap(t, &style, WIDTH as i32 - 40)?;
            let mut y = top;
            for line in &lines {
                text(
                    area,
                    line,
                    (WIDTH as i32 / 2, y),
                    &style,
                    HPos::Center,
                    VPos::Top,
                )?;
                y += (TITLE_PX * 1.3) as i32;
            }
            Ok(y + 6)
        }
        None => Ok(top),
    }
}

/// The value axis of a vertical chart: grid lines and tick labels, left of `x0`.
struct ValueAxis {
    lo: f64,
    hi: f64,
    step: f64,
    format: NumberFormat,
}

impl ValueAxis {
    fn new(lo: f64, hi: f64, base: &NumberFormat) -> Self {
        let (lo, hi, step) = nice_scale(lo, hi, 5);
        Self {
            lo,
            hi,
            step,
            format: tick_format(base, step),
        }
    }

    fn map(&self, v: f64, from: i32, to: i32) -> i32 {
        let t = (v - self.lo) / (self.hi - self.lo);
        from + ((to - from) as f64 * t).round() as i32
    }

    fn labels(&self) -> Vec<(f64, String)> {
        ticks(self.lo, self.hi, self.step)
            .into_iter()
            .map(|v| (v, self.format.format(v)))
            .collect()
    }

    fn max_label_width(&self) -> Result<i32, ChartError> {
        let style = font(TICK_PX);
        let mut w = 0;
        for (_, l) in self.labels() {
            w = w.max(text_width(&l, &style)?);
        }
        Ok(w)
    }
}

fn data_range(series: &[Series], reference: Option<&ReferenceLine>) -> Option<(f64, f64)> {
    let mut values = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .chain(reference.map(|r| r.value));
    let first = values.next()?;
    Some(values.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
}

fn svg_document(
    height: u32,
    draw: impl FnOnce(&Area) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    register_fonts()?;
    let mut svg = String::new();
    {
        let backend = SVGBackend::with_string(&mut svg, (WIDTH, height));
        let area = backend.into_drawing_area();
        area.fill(&WHITE).map_err(draw_err)?;
        draw(&area)?;
        area.present().map_err(draw_err)?;
    }
    Ok(svg)
}

fn value_label(format: &NumberFormat, v: f64, suffix: &str) -> String {
    format!("{}{}", format.format(v), suffix)
}

fn draw_rotated_axis_title(area: &Area, label: &str, x: i32, y_mid: i32) -> Result<(), ChartError> {
    let style = font(LABEL_PX)
        .color(&MUTED)
        .transform(FontTransform::Rotate270);
    text(area, label, (x, y_mid), &style, HPos::Center, VPos::Top)
}

pub fn line_chart(chart: &LineChart) -> Result<String, ChartError> {
    if chart.years.is_empty() {
        return Err(ChartError::Empty("no years"));
    }
    check_series(&chart.series, chart.years.len(), "years")?;
    let (mut lo, mut hi) = data_range(&chart.series, chart.reference.as_ref())
        .ok_or(ChartError::Empty("no values"))?;
    // Counts and rates read wrongly against a truncated axis, so zero stays in view unless
    // the caller asks otherwise.
    lo = chart.y_min.unwrap_or(lo.min(0.0));
    hi = chart.y_max.unwrap_or(hi);
    let show_values = chart.show_values.unwrap_or(chart.series.len() <= 2);
    let height = 540;
    svg_document(height, |area| {
        let mut top = draw_title(area, &chart.title, 12)?;
        let mut legend: Vec<LegendItem> = Vec::new();
        if chart.series.len() > 1 || chart.reference.is_some() {
            legend.extend(chart.series.iter().enumerate().map(|(i, s)| LegendItem {
                label: s.name.clone(),
                color: PALETTE[i % PALETTE.len()],
                dashed: false,
            }));
            if let Some(r) = &chart.reference {
                legend.push(LegendItem {
                    label: r.label.clone(),
                    color: REFERENCE,
                    dashed: true,
                });
            }
        }
        top = draw_legend(area, &legend, top, 20, WIDTH as i32 - 20)?;
        let axis = ValueAxis::new(lo, hi, &chart.number_format);
        let left_title = if chart.y_label.is_some() { 34 } else { 0 };
        let x0 = 20 + left_title + axis.max_label_width()? + 12;
        let x1 = WIDTH as i32 - 30;
        let y0 = top + 18;
        let bottom_title = if chart.x_label.is_some() { 34 } else { 0 };
        let y1 = height as i32 - 44 - bottom_title;

        let tick_style = font(TICK_PX).color(&MUTED);
        for (v, l) in axis.labels() {
            let y = axis.map(v, y1, y0);
            let color = if v == 0.0 { AXIS } else { GRID };
            area.draw(&PathElement::new(
                vec![(x0, y), (x1, y)],
                color.stroke_width(1),
            ))
            .map_err(draw_err)?;
            text(
                area,
                &l,
                (x0 - 10, y),
                &tick_style,
                HPos::Right,
                VPos::Center,
            )?;
        }
        if let Some(label) = &chart.y_label {
            draw_rotated_axis_title(area, label, 18, (y0 + y1) / 2)?;
        }
        let n = chart.years.len() as i32;
        // Years sit in the middle of equal slots so the first and last points keep a margin.
        let slot = (x1 - x0) as f64 / n as f64;
        let xs: Vec<i32> = (0..n)
            .map(|i| x0 + (slot * (i as f64 + 0.5)).round() as i32)
            .collect();
        area.draw(&PathElement::new(
            vec![(x0, y1), (x1, y1)],
            AXIS.stroke_width(2),
        ))
        .map_err(draw_err)?;
        for (x, year) in xs.iter().zip(&chart.years) {
            area.draw(&PathElement::new(
                vec![(*x, y1), (*x, y1 + 6)],
                AXIS.stroke_width(1),
            ))
            .map_err(draw_err)?;
            text(
                area,
                &year.to_string(),
                (*x, y1 + 10),
                &font(TICK_PX),
                HPos::Center,
                VPos::Top,
            )?;
        }
        if let Some(label) = &chart.x_label {
            text(
                area,
                label,
                ((x0 + x1) / 2, y1 + 40),
                &font(LABEL_PX).color(&MUTED),
                HPos::Center,
                VPos::Top,
            )?;
        }
        if let Some(r) = &chart.reference {
            let y = axis.map(r.value, y1, y0);
            area.draw(&DashedPathElement::new(
                vec![(x0, y), (x1, y)],
                9,
                6,
                REFERENCE.stroke_width(2),
            ))
            .map_err(draw_err)?;
        }
        let mut labels = Vec::new();
        for (si, s) in chart.series.iter().enumerate() {
            let color = PALETTE[si % PALETTE.len()];
            let points: Vec<Option<(i32, i32)>> = s
                .values
                .iter()
                .zip(&xs)
                .map(|(v, x)| v.map(|v| (*x, axis.map(v, y1, y0))))
                .collect();
            // A missing year breaks the line instead of bridging it.
            for run in points.split(|p| p.is_none()) {
                let run: Vec<(i32, i32)> = run.iter().flatten().copied().collect();
                if run.len() > 1 {
                    area.draw(&PathElement::new(run, color.stroke_width(4)))
                        .map_err(draw_err)?;
                }
            }
            for p in points.iter().flatten() {
                area.draw(&Circle::new(*p, 6, color.filled()))
                    .map_err(draw_err)?;
                area.draw(&Circle::new(*p, 6, WHITE.stroke_width(2)))
                    .map_err(draw_err)?;
            }
            if show_values {
                // With two series the second one's labels go below its points, so they do not
                // collide where the lines run close.
                let below = si == 1;
                for (v, p) in s.values.iter().zip(&points) {
                    if let (Some(v), Some((x, y))) = (v, p) {
                        let (dy, vpos) = if below {
                            (12, VPos::Top)
                        } else {
                            (-12, VPos::Bottom)
                        };
                        let label = value_label(&chart.number_format, *v, &chart.value_suffix);
                        labels.push((label, (*x, y + dy), color, vpos));
                    }
                }
            }
        }
        // Labels last, on white, so no line of another series runs through them.
        for (label, pos, color, vpos) in labels {
            halo_text(
                area,
                &label,
                pos,
                &font(VALUE_PX).color(&color),
                HPos::Center,
                vpos,
            )?;
        }
        Ok(())
    })
}

/// Where the categories and values go, whichever way the bars point.
struct BarGeometry {
    horizontal: bool,
    /// Plot rectangle.
    x0: i32,
    x1: i32,
    y0: i32,
    y1: i32,
    n: usize,
}

impl BarGeometry {
    /// The band of category `i` along the category axis, in pixels.
    fn band(&self, i: usize) -> (f64, f64) {
        let (from, to) = if self.horizontal {
            (self.y0 as f64, self.y1 as f64)
        } else {
            (self.x0 as f64, self.x1 as f64)
        };
        let w = (to - from) / self.n as f64;
        (from + w * i as f64, from + w * (i + 1) as f64)
    }

    fn value(&self, axis: &ValueAxis, v: f64) -> i32 {
        if self.horizontal {
            axis.map(v, self.x0, self.x1)
        } else {
            axis.map(v, self.y1, self.y0)
        }
    }

    /// Rectangle from `a` to `b` along the value axis within band positions `c0..c1`.
    fn rect(&self, c0: i32, c1: i32, a: i32, b: i32) -> [(i32, i32); 2] {
        if self.horizontal {
            [(a.min(b), c0), (a.max(b), c1)]
        } else {
            [(c0, a.min(b)), (c1, a.max(b))]
        }
    }
}

/// Category labels wrapped to fit, decided before the canvas height is.
struct CategoryLabels {
    lines: Vec<Vec<String>>,
    widest: i32,
    max_lines: usize,
}

const LINE_H: i32 = (TICK_PX * 1.2) as i32;

fn category_labels(categories: &[String], max_width: i32) -> Result<CategoryLabels, ChartError> {
    let style = font(TICK_PX);
    let mut lines = Vec::with_capacity(categories.len());
    let mut widest = 0;
    for c in categories {
        let wrapped = wrap(c, &style, max_width)?;
        for l in &wrapped {
            widest = widest.max(text_width(l, &style)?);
        }
        lines.push(wrapped);
    }
    let max_lines = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
    Ok(CategoryLabels {
        lines,
        widest,
        max_lines,
    })
}

/// Everything a bar chart needs to lay itself out, shared by grouped and stacked bars.
struct BarLayout<'a> {
    title: &'a Option<String>,
    labels: CategoryLabels,
    horizontal: bool,
    category_label: &'a Option<String>,
    value_label: &'a Option<String>,
    legend: Vec<LegendItem>,
    lo: f64,
    hi: f64,
    format: &'a NumberFormat,
    /// Room the value labels need beyond the end of the longest bar (horizontal charts).
    end_label_room: i32,
    /// Bars side by side in one category band.
    per_band: usize,
}

impl BarLayout<'_> {
    fn band_height(&self) -> i32 {
        (BAR_THICKNESS * self.per_band as i32 + 14).max(self.labels.max_lines as i32 * LINE_H + 8)
    }

    fn height(&self) -> Result<u32, ChartError> {
        let top = title_height(self.title)? + legend_height(&self.legend, WIDTH as i32 - 40)?;
        let n = self.labels.lines.len() as i32;
        let h = if self.horizontal {
            let bottom = 40 + if self.value_label.is_some() { 34 } else { 0 };
            top + 8 + n * self.band_height() + bottom
        } else {
            let bottom = 20 + if self.category_label.is_some() { 34 } else { 0 };
            top + 26 + 400 + self.labels.max_lines as i32 * LINE_H + bottom
        };
        Ok(h.max(240) as u32)
    }
}

/// Thickness of one horizontal bar; bands grow for wrapped labels, bars do not.
const BAR_THICKNESS: i32 = 24;

/// Horizontal category labels may take this share of the width before they wrap.
const HORIZONTAL_LABEL_SHARE: f64 = 0.42;

fn title_height(title: &Option<String>) -> Result<i32, ChartError> {
    match title.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => {
            let n = wrap(t, &bold(TITLE_PX), WIDTH as i32 - 40)?.len() as i32;
            Ok(12 + n * (TITLE_PX * 1.3) as i32 + 6)
        }
        None => Ok(12),
    }
}

/// Draws frame, axes, category labels and legend; returns the geometry for the bars.
fn bar_frame(
    area: &Area,
    layout: &BarLayout,
    height: u32,
) -> Result<(BarGeometry, ValueAxis), ChartError> {
    let mut top = draw_title(area, layout.title, 12)?;
    top = draw_legend(area, &layout.legend, top, 20, WIDTH as i32 - 20)?;
    let axis = ValueAxis::new(layout.lo, layout.hi, layout.format);
    let cat_style = font(TICK_PX);
    let tick_style = font(TICK_PX).color(&MUTED);
    let n = layout.labels.lines.len();
    let geometry = if layout.horizontal {
        let x0 = 20 + layout.labels.widest + 14;
        let x1 = WIDTH as i32 - 24 - layout.end_label_room;
        let y0 = top + 8;
        let y1 = y0 + n as i32 * layout.band_height();
        BarGeometry {
            horizontal: true,
            x0,
            x1,
            y0,
            y1,
            n,
        }
    } else {
        let left_title = if layout.value_label.is_some() { 34 } else { 0 };
        let x0 = 20 + left_title + axis.max_label_width()? + 12;
        let x1 = WIDTH as i32 - 24;
        let y0 = top + 26;
        let bottom_title = if layout.category_label.is_some() {
            34
        } else {
            0
        };
        let y1 = height as i32 - 20 - bottom_title - layout.labels.max_lines as i32 * LINE_H;
        BarGeometry {
            horizontal: false,
            x0,
            x1,
            y0,
            y1,
            n,
        }
    };
    let g = &geometry;
    for (v, l) in axis.labels() {
        let p = g.value(&axis, v);
        let color = if v == 0.0 { AXIS } else { GRID };
        if g.horizontal {
            area.draw(&PathElement::new(
                vec![(p, g.y0), (p, g.y1)],
                color.stroke_width(1),
            ))
            .map_err(draw_err)?;
            text(
                area,
                &l,
                (p, g.y1 + 8),
                &tick_style,
                HPos::Center,
                VPos::Top,
            )?;
        } else {
            area.draw(&PathElement::new(
                vec![(g.x0, p), (g.x1, p)],
                color.stroke_width(1),
            ))
            .map_err(draw_err)?;
            text(
                area,
                &l,
                (g.x0 - 10, p),
                &tick_style,
                HPos::Right,
                VPos::Center,
            )?;
        }
    }
    for (i, lines) in layout.labels.lines.iter().enumerate() {
        let (b0, b1) = g.band(i);
        let mid = ((b0 + b1) / 2.0).round() as i32;
        if g.horizontal {
            let first = mid - (lines.len() as i32 - 1) * LINE_H / 2;
            for (k, line) in lines.iter().enumerate() {
                text(
                    area,
                    line,
                    (g.x0 - 10, first + k as i32 * LINE_H),
                    &cat_style,
                    HPos::Right,
                    VPos::Center,
                )?;
            }
        } else {
            for (k, line) in lines.iter().enumerate() {
                text(
                    area,
                    line,
                    (mid, g.y1 + 10 + k as i32 * LINE_H),
                    &cat_style,
                    HPos::Center,
                    VPos::Top,
                )?;
            }
        }
    }
    let zero = g.value(&axis, 0f64.clamp(axis.lo, axis.hi));
    let axis_line = if g.horizontal {
        vec![(zero, g.y0), (zero, g.y1)]
    } else {
        vec![(g.x0, zero), (g.x1, zero)]
    };
    area.draw(&PathElement::new(axis_line, AXIS.stroke_width(2)))
        .map_err(draw_err)?;
    let title_style = font(LABEL_PX).color(&MUTED);
    if let Some(label) = layout.value_label {
        if g.horizontal {
            text(
                area,
                label,
                ((g.x0 + g.x1) / 2, g.y1 + 40),
                &title_style,
                HPos::Center,
                VPos::Top,
            )?;
        } else {
            draw_rotated_axis_title(area, label, 18, (g.y0 + g.y1) / 2)?;
        }
    }
    if let (Some(label), false) = (layout.category_label, g.horizontal) {
        text(
            area,
            label,
            ((g.x0 + g.x1) / 2, height as i32 - 34),
            &title_style,
            HPos::Center,
            VPos::Top,
        )?;
    }
    Ok((geometry, axis))
}

/// Text on a white box, so a reference line or grid line running under it stays readable.
fn halo_text(
    area: &Area,
    s: &str,
    (x, y): (i32, i32),
    style: &TextStyle,
    h: HPos,
    v: VPos,
) -> Result<(), ChartError> {
    let w = text_width(s, style)? + 6;
    let th = (VALUE_PX * 1.15) as i32;
    let x0 = match h {
        HPos::Left => x - 3,
        HPos::Center => x - w / 2,
        HPos::Right => x - w + 3,
    };
    let y0 = match v {
        VPos::Top => y - 1,
        VPos::Center => y - th / 2,
        VPos::Bottom => y - th + 1,
    };
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + w, y0 + th)],
        WHITE.filled(),
    ))
    .map_err(draw_err)?;
    text(area, s, (x, y), style, h, v)
}

pub fn bar_chart(chart: &BarChart) -> Result<String, ChartError> {
    if chart.categories.is_empty() {
        return Err(ChartError::Empty("no categories"));
    }
    check_series(&chart.series, chart.categories.len(), "categories")?;
    register_fonts()?;
    let (lo, hi) = data_range(&chart.series, chart.reference.as_ref()).unwrap_or((0.0, 1.0));
    let (lo, hi) = (lo.min(0.0), chart.value_max.unwrap_or(hi.max(0.0)));
    let mut legend: Vec<LegendItem> = Vec::new();
    if chart.series.len() > 1 {
        legend.extend(chart.series.iter().enumerate().map(|(i, s)| LegendItem {
            label: s.name.clone(),
            color: PALETTE[i % PALETTE.len()],
            dashed: false,
        }));
    }
    if let Some(r) = &chart.reference {
        legend.push(LegendItem {
            label: r.label.clone(),
            color: REFERENCE,
            dashed: true,
        });
    }
    let label_for = |v: Option<f64>| match v {
        Some(v) => value_label(&chart.number_format, v, &chart.value_suffix),
        None => chart.missing_label.clone().unwrap_or_default(),
    };
    let value_style = font(VALUE_PX);
    let mut end_label_room = 0;
    if chart.horizontal && chart.show_values {
        for v in chart.series.iter().flat_map(|s| s.values.iter()) {
            end_label_room = end_label_room.max(text_width(&label_for(*v), &value_style)? + 12);
        }
    }
    let max_label = if chart.horizontal {
        (WIDTH as f64 * HORIZONTAL_LABEL_SHARE) as i32
    } else {
        (WIDTH as i32 - 150) / chart.categories.len() as i32 - 8
    };
    let layout = BarLayout {
        title: &chart.title,
        labels: category_labels(&chart.categories, max_label)?,
        horizontal: chart.horizontal,
        category_label: &chart.category_label,
        value_label: &chart.value_label,
        legend,
        lo,
        hi,
        format: &chart.number_format,
        end_label_room,
        per_band: chart.series.len(),
    };
    let height = layout.height()?;
    svg_document(height, |area| {
        let (g, axis) = bar_frame(area, &layout, height)?;
        let zero = g.value(&axis, 0f64.clamp(axis.lo, axis.hi));
        let per_band = layout.per_band;
        let mut labels = Vec::new();
        for i in 0..chart.categories.len() {
            let (b0, b1) = g.band(i);
            let (first, bar_w) = if g.horizontal {
                let w = BAR_THICKNESS as f64;
                ((b0 + b1) / 2.0 - w * per_band as f64 / 2.0, w)
            } else {
                let pad = (b1 - b0) * if per_band > 1 { 0.12 } else { 0.18 };
                (b0 + pad, (b1 - b0 - 2.0 * pad) / per_band as f64)
            };
            for (si, s) in chart.series.iter().enumerate() {
                let c0 = (first + bar_w * si as f64).round() as i32;
                let gap = if per_band > 1 { 2 } else { 0 };
                let c1 = (first + bar_w * (si + 1) as f64).round() as i32 - gap;
                let mid = (c0 + c1) / 2;
                let end = match s.values[i] {
                    Some(v) => {
                        let end = g.value(&axis, v);
                        let color = PALETTE[si % PALETTE.len()];
                        area.draw(&Rectangle::new(g.rect(c0, c1, zero, end), color.filled()))
                            .map_err(draw_err)?;
                        end
                    }
                    None => zero,
                };
                let label = label_for(s.values[i]);
                if chart.show_values && !label.is_empty() {
                    let muted = s.values[i].is_none();
                    let pos = if g.horizontal {
                        (end + 6, mid)
                    } else {
                        (mid, end - 5)
                    };
                    labels.push((label, pos, muted));
                }
            }
        }
        // The reference line goes under the value labels, which sit on white.
        if let Some(r) = &chart.reference {
            let p = g.value(&axis, r.value);
            let line = if g.horizontal {
                vec![(p, g.y0 - 4), (p, g.y1)]
            } else {
                vec![(g.x0, p), (g.x1, p)]
            };
            area.draw(&DashedPathElement::new(
                line,
                9,
                6,
                REFERENCE.stroke_width(3),
            ))
            .map_err(draw_err)?;
        }
        // Side-by-side vertical bars are narrower than their labels: a smaller size, and no
        // white box that would clip the neighbour's label.
        let grouped = !g.horizontal && per_band > 1;
        let style = if grouped {
            font(VALUE_PX * 0.88)
        } else {
            value_style
        };
        for (label, pos, muted) in labels {
            let style = if muted {
                style.color(&MUTED)
            } else {
                style.clone()
            };
            if g.horizontal {
                halo_text(area, &label, pos, &style, HPos::Left, VPos::Center)?;
            } else if grouped {
                text(area, &label, pos, &style, HPos::Center, VPos::Bottom)?;
            } else {
                halo_text(area, &label, pos, &style, HPos::Center, VPos::Bottom)?;
            }
        }
        Ok(())
    })
}

pub fn stacked_bar_chart(chart: &StackedBarChart) -> Result<String, ChartError> {
    if chart.categories.is_empty() {
        return Err(ChartError::Empty("no categories"));
    }
    check_series(&chart.series, chart.categories.len(), "categories")?;
    if let Some(s) = chart
        .series
        .iter()
        .find(|s| s.values.iter().flatten().any(|v| *v < 0.0))
    {
        return Err(ChartError::NegativeStack {
            series: s.name.clone(),
        });
    }
    register_fonts()?;
    let totals: Vec<f64> = (0..chart.categories.len())
        .map(|i| chart.series.iter().filter_map(|s| s.values[i]).sum())
        .collect();
    let scale = |i: usize, v: f64| {
        if chart.percent && totals[i] > 0.0 {
            v / totals[i] * 100.0
        } else {
            v
        }
    };
    let hi = if chart.percent {
        100.0
    } else {
        totals.iter().copied().fold(0.0, f64::max)
    };
    let legend: Vec<LegendItem> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| LegendItem {
            label: s.name.clone(),
            color: PALETTE[i % PALETTE.len()],
            dashed: false,
        })
        .collect();
    let max_label = if chart.horizontal {
        (WIDTH as f64 * HORIZONTAL_LABEL_SHARE) as i32
    } else {
        (WIDTH as i32 - 150) / chart.categories.len() as i32 - 8
    };
    let layout = BarLayout {
        title: &chart.title,
        labels: category_labels(&chart.categories, max_label)?,
        horizontal: chart.horizontal,
        category_label: &chart.category_label,
        value_label: &chart.value_label,
        legend,
        lo: 0.0,
        hi,
        format: &chart.number_format,
        end_label_room: 0,
        per_band: 1,
    };
    let height = layout.height()?;
    svg_document(height, |area| {
        let (g, axis) = bar_frame(area, &layout, height)?;
        let value_style = font(VALUE_PX).color(&WHITE);
        for i in 0..chart.categories.len() {
            let (b0, b1) = g.band(i);
            let pad = (b1 - b0) * 0.16;
            let (c0, c1) = ((b0 + pad).round() as i32, (b1 - pad).round() as i32);
            let mut acc = 0.0;
            for (si, s) in chart.series.iter().enumerate() {
                let Some(v) = s.values[i] else { continue };
                let v = scale(i, v);
                let (a, b) = (g.value(&axis, acc), g.value(&axis, acc + v));
                acc += v;
                let color = PALETTE[si % PALETTE.len()];
                area.draw(&Rectangle::new(g.rect(c0, c1, a, b), color.filled()))
                    .map_err(draw_err)?;
                // A thin white seam keeps neighbouring parts apart in greyscale print.
                let seam = if g.horizontal {
                    vec![(b, c0), (b, c1)]
                } else {
                    vec![(c0, b), (c1, b)]
                };
                area.draw(&PathElement::new(seam, WHITE.stroke_width(1)))
                    .map_err(draw_err)?;
                if !chart.show_values || v <= 0.0 {
                    continue;
                }
                // A label goes inside its part only where it fits; the table beside the
                // figure carries every number anyway.
                let label = value_label(&chart.number_format, v, &chart.value_suffix);
                let w = text_width(&label, &value_style)? + 8;
                let h = (VALUE_PX * 1.3) as i32;
                let along = (b - a).abs();
                let across = c1 - c0;
                let fits = if g.horizontal {
                    along >= w && across >= h
                } else {
                    along >= h && across >= w
                };
                if fits {
                    let centre = if g.horizontal {
                        ((a + b) / 2, (c0 + c1) / 2)
                    } else {
                        ((c0 + c1) / 2, (a + b) / 2)
                    };
                    text(
                        area,
                        &label,
                        centre,
                        &value_style,
                        HPos::Center,
                        VPos::Center,
                    )?;
                }
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> BarChart {
        BarChart {
            title: None,
            categories: vec![
                "Солтүстік Қазақстан облысы".into(),
                "Шығыс Қазақстан облысы".into(),
                "Алматы қ.".into(),
            ],
            series: vec![Series {
                name: "Үлес".into(),
                values: vec![Some(64.5), None, Some(81.25)],
            }],
            horizontal: true,
            category_label: None,
            value_label: Some("Өтті, %".into()),
            reference: Some(ReferenceLine {
                label: "Республика бойынша".into(),
                value: 72.4,
            }),
            value_suffix: "%".into(),
            show_values: true,
            missing_label: Some("<5".into()),
            value_max: Some(100.0),
            number_format: NumberFormat {
                decimals: 1,
                ..Default::default()
            },
        }
    }

    #[test]
    fn numbers_use_decimal_comma_and_grouping() {
        let f = NumberFormat {
            decimals: 1,
            ..Default::default()
        };
        assert_eq!(f.format(1234567.25), "1\u{a0}234\u{a0}567,2");
        assert_eq!(f.format(-0.04), "0,0");
        assert_eq!(f.format(-12.0), "\u{2212}12,0");
        assert_eq!(NumberFormat::default().format(999.0), "999");
    }

    #[test]
    fn same_spec_same_bytes_and_kazakh_text_kept() {
        let a = bar_chart(&regions()).unwrap();
        let b = bar_chart(&regions()).unwrap();
        assert_eq!(a, b);
        assert!(a.contains("Солтүстік Қазақстан"));
        assert!(a.contains("&lt;5"), "missing label is escaped for XML");
        assert!(a.contains(&format!("font-family=\"{FONT_FAMILY}\"")));
    }

    #[test]
    fn mismatched_series_is_an_error_naming_the_series() {
        let mut c = regions();
        c.series[0].values.pop();
        let e = bar_chart(&c).unwrap_err();
        assert!(e.to_string().contains("Үлес"), "{e}");
        let mut c = regions();
        c.series[0].values[0] = Some(f64::NAN);
        assert!(matches!(bar_chart(&c), Err(ChartError::NotFinite { .. })));
    }

    #[test]
    fn spec_round_trips_through_json() {
        let spec = ChartSpec::Bar(regions());
        let json = serde_json::to_string(&spec).unwrap();
        assert!(json.contains("\"kind\":\"bar\""));
        let back: ChartSpec = serde_json::from_str(&json).unwrap();
        assert_eq!(back, spec);
    }

    #[test]
    fn nice_scale_is_round() {
        assert_eq!(nice_scale(0.0, 87.0, 5), (0.0, 100.0, 20.0));
        assert_eq!(nice_scale(0.0, 0.0, 5), (0.0, 1.0, 0.2));
        let (lo, hi, step) = nice_scale(-3.0, 12.0, 5);
        assert!(lo <= -3.0 && hi >= 12.0 && step > 0.0);
    }
}
