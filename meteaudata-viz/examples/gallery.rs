//! Writes example pages of every picture this crate makes into a folder (default
//! `target/gallery`): `cargo run -p meteaudata-viz --example gallery -- <folder>`.
//!
//! `cargo xtask screenshots` runs this and renders the pages to PNG with headless Chromium.

use std::path::PathBuf;

use meteaudata_core::Result;
use meteaudata_viz::display::Tree;
use meteaudata_viz::lineage::Lineage;
use meteaudata_viz::{
    interactive_dataset, interactive_signal, plot_dataset, plot_series, plot_signal, write_display,
    write_lineage, write_plot, PlotOptions, PlotlyJs,
};

#[path = "support/demo_data.rs"]
mod demo_data;

fn main() -> Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/gallery"));
    std::fs::create_dir_all(&dir).map_err(|e| meteaudata_core::Error::io(&dir, e))?;
    let size = PlotOptions::new().size(1150, 560);

    let temperature = demo_data::temperature()?;
    let tank = demo_data::tank()?;
    let plant = demo_data::cod_nh4()?;

    let raw = temperature.get("Temperature#1_RAW#1")?;
    write_plot(
        dir.join("01_series_raw.html"),
        &plot_series(raw, &size)?,
        "A raw series",
    )?;
    let pred = temperature.get("Temperature#1_PREV-PRED#1")?;
    write_plot(
        dir.join("02_series_prediction.html"),
        &plot_series(pred, &size)?,
        "A prediction, shifted one step",
    )?;
    let dated: Vec<&str> = temperature
        .all_time_series()
        .into_iter()
        .filter(|n| !n.ends_with("NORM#1"))
        .collect();
    write_plot(
        dir.join("03_signal_multi.html"),
        &plot_signal(&temperature, &dated, &size)?,
        "Series of a signal",
    )?;
    write_plot(
        dir.join("04_signal_subplots.html"),
        &plot_signal(
            &temperature,
            &[
                "Temperature#1_RAW#1",
                "Temperature#1_RESAMPLED#1",
                "Temperature#1_NORM#1",
            ],
            &PlotOptions::new().size(1150, 760),
        )?,
        "Dates and a normalised index",
    )?;
    write_plot(
        dir.join("05_dataset.html"),
        &plot_dataset(
            &tank,
            &["Temperature#1", "pH#1"],
            &["RAW", "LIN-INT"],
            &PlotOptions::new().size(1150, 640),
        )?,
        "A dataset",
    )?;
    // The same figures, interactive (plotly.js in the page).
    interactive_signal(&temperature, &dated, &PlotOptions::new())?
        .to_html_page(&PlotlyJs::Inline)
        .write(dir.join("07_signal_interactive.html"))?;
    interactive_dataset(
        &tank,
        &["Temperature#1", "pH#1"],
        &["RAW", "LIN-INT"],
        &PlotOptions::new().size(1150, 640),
    )?
    .to_html_page(&PlotlyJs::Inline)
    .write(dir.join("08_dataset_interactive.html"))?;
    let big = demo_data::large(1_000_000)?;
    write_plot(
        dir.join("06_large_series.html"),
        &plot_series(
            big.get("Flow#1_RAW#1")?,
            &size.clone().title("One million points, decimated"),
        )?,
        "One million points",
    )?;

    write_lineage(
        dir.join("10_lineage_average.html"),
        None,
        &Lineage::of_series_in_dataset(&plant, "AVG#1_RAW#1")?,
    )?;
    write_lineage(
        dir.join("10_lineage_average.svg"),
        None,
        &Lineage::of_series_in_dataset(&plant, "AVG#1_RAW#1")?,
    )?;
    write_lineage(
        dir.join("10_lineage_average.dot"),
        None,
        &Lineage::of_series_in_dataset(&plant, "AVG#1_RAW#1")?,
    )?;
    write_lineage(
        dir.join("11_lineage_dataset.html"),
        None,
        &Lineage::of_dataset(&plant),
    )?;
    write_lineage(
        dir.join("12_lineage_external.html"),
        None,
        &Lineage::of_signal(plant.signal("AVG#1")?),
    )?;

    write_display(
        dir.join("20_display_signal.txt"),
        &temperature,
        2,
        "Temperature",
    )?;
    write_display(
        dir.join("21_display_dataset.html"),
        &tank,
        3,
        "tank_monitoring metadata",
    )?;
    println!("{}", Tree::new(&tank, 1));
    println!("gallery written to {}", dir.display());
    Ok(())
}
