//! The sweep's chart: total bytes against worst legibility, one filled circle per
//! setting (coloured by encoder settings), the Pareto front as a line, the legibility
//! floor as a dashed line, the default setting marked with a cross and the recommended
//! one with a triangle. SVG or PNG, chosen by the file's extension.

use std::path::Path;
use std::sync::Once;

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{line, Args, Lang};
use crate::sweep::Sweep;

/// Bytes in megabytes, the x axis's unit.
fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// Chart size in pixels (SVG user units).
const SIZE: (u32, u32) = (1100, 700);

/// Why a chart could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The file name asks for a format other than SVG or PNG.
    Format {
        /// The file asked for.
        path: std::path::PathBuf,
    },
    /// Drawing failed (plotters' message).
    Draw(String),
    /// The file could not be written.
    Write {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Draws the sweep's chart into `path` (`.svg` or `.png`), its words in `lang`; a PNG's
/// in English, because its embedded font (DejaVu Sans) has no Chinese glyphs and a CJK
/// font would add megabytes to the binary. An SVG's text is drawn by the viewer's fonts.
pub fn plot(sweep: &Sweep, path: &Path, lang: Lang) -> Result<(), ChartError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let bytes = match extension.as_deref() {
        Some("svg") => {
            let mut svg = String::new();
            draw(
                SVGBackend::with_string(&mut svg, SIZE).into_drawing_area(),
                sweep,
                lang,
            )?;
            svg.into_bytes()
        }
        Some("png") => {
            let mut rgb = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
            draw(
                BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area(),
                sweep,
                Lang::En,
            )?;
            let mut png = Vec::new();
            image::RgbImage::from_raw(SIZE.0, SIZE.1, rgb)
                .expect("buffer sized from the chart size")
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .map_err(|e| ChartError::Draw(e.to_string()))?;
            png
        }
        _ => {
            return Err(ChartError::Format {
                path: path.to_path_buf(),
            })
        }
    };
    std::fs::write(path, bytes).map_err(|source| ChartError::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    sweep: &Sweep,
    lang: Lang,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    // plotters finds fonts by family name in a process-wide table; the text renderer
    // (ab_glyph) draws from this embedded font, so no system font is needed.
    static FONT: Once = Once::new();
    FONT.call_once(|| {
        // DejaVu Sans is a valid font; a failure would only leave the text undrawn.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| ChartError::Draw(e.to_string());

    root.fill(&WHITE).map_err(err)?;
    let results = &sweep.results;
    let (x_min, x_max) = results.iter().fold((f64::MAX, 0f64), |(lo, hi), r| {
        (lo.min(mb(r.total_bytes)), hi.max(mb(r.total_bytes)))
    });
    let (x_min, x_max) = if results.is_empty() {
        (0.0, 1.0)
    } else {
        let pad = ((x_max - x_min) * 0.05).max(0.01);
        ((x_min - pad).max(0.0), x_max + pad)
    };
    let y_low = results
        .iter()
        .map(|r| r.worst_score)
        .fold(sweep.floor, f64::min);
    let y_range = (y_low - 0.02).max(0.0)..1.0;

    let caption = line(
        lang,
        "chart-caption",
        Args::new()
            .num("settings", results.len() as u64)
            .num("files", sweep.files.len() as u64),
    );
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(x_min..x_max, y_range)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(line(lang, "chart-x-axis", Args::new()))
        .y_desc(line(lang, "chart-y-axis", Args::new()))
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .draw()
        .map_err(err)?;

    // The floor, dashed, across the whole width.
    chart
        .draw_series(DashedLineSeries::new(
            [(x_min, sweep.floor), (x_max, sweep.floor)],
            6,
            4,
            RED.stroke_width(1),
        ))
        .map_err(err)?
        .label(line(
            lang,
            "chart-floor",
            Args::new().text("floor", format!("{:.2}", sweep.floor)),
        ))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], RED));

    // The Pareto front, left to right.
    let mut front: Vec<(f64, f64)> = results
        .iter()
        .filter(|r| r.pareto)
        .map(|r| (mb(r.total_bytes), r.worst_score))
        .collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0));
    chart
        .draw_series(LineSeries::new(front, BLACK.stroke_width(2)))
        .map_err(err)?
        .label(line(lang, "chart-front", Args::new()))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLACK.stroke_width(2)));

    plot_families(&mut chart, sweep, lang).map_err(err)?;
    mark_choices(&mut chart, sweep, lang).map_err(err)?;

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// One circle per setting, a colour per family. Legend entries are squares, so the
/// circles on the chart are exactly the settings.
fn plot_families<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    sweep: &Sweep,
    lang: Lang,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let results = &sweep.results;
    let mut families: Vec<String> = Vec::new();
    for r in results {
        let f = r.setting.family_in(lang);
        if !families.contains(&f) {
            families.push(f);
        }
    }
    for (i, name) in families.iter().enumerate() {
        let colour = Palette99::pick(i).mix(0.9);
        let points = results
            .iter()
            .filter(|r| &r.setting.family_in(lang) == name)
            .map(|r| Circle::new((mb(r.total_bytes), r.worst_score), 5, colour.filled()));
        chart
            .draw_series(points)?
            .label(name.clone())
            .legend(move |(x, y)| {
                Rectangle::new([(x + 3, y - 5), (x + 13, y + 5)], colour.filled())
            });
    }
    Ok(())
}

/// The default setting (a cross) and the recommended one (a triangle), named.
fn mark_choices<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    sweep: &Sweep,
    lang: Lang,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let named = |id: &str, label: String| line(lang, id, Args::new().text("setting", label));
    let results = &sweep.results;
    let label_style = ("sans-serif", 14).into_font().color(&BLACK);
    if let Some(d) = results.iter().find(|r| r.default) {
        let at = (mb(d.total_bytes), d.worst_score);
        chart.draw_series([Cross::new(at, 9, BLACK.stroke_width(2))])?;
        chart.draw_series([EmptyElement::at(at)
            + Text::new(
                named("chart-default", d.setting.label_in(lang)),
                (12, -22),
                label_style.clone(),
            )])?;
    }
    if let Some(best) = sweep.recommended() {
        let at = (mb(best.total_bytes), best.worst_score);
        let green = RGBColor(0, 110, 40);
        chart.draw_series([TriangleMarker::new(at, 11, green.stroke_width(2))])?;
        chart.draw_series([EmptyElement::at(at)
            + Text::new(
                named("chart-recommended", best.setting.label_in(lang)),
                (12, 8),
                label_style,
            )])?;
    }
    Ok(())
}
