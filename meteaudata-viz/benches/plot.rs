//! Benchmark: a plot of 10^7 points must be written in under a second and be under 1 MB.
//! Run with `cargo bench -p meteaudata-viz`; prints the figures.

use std::time::Instant;

use meteaudata_viz::{plot_series, PlotOptions};

#[path = "../examples/support/demo_data.rs"]
mod demo_data;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n = 10_000_000;
    let t0 = Instant::now();
    let signal = demo_data::large(n)?;
    let build = t0.elapsed();
    let ts = signal.get("Flow#1_RAW#1")?;
    let dir = tempfile::tempdir()?;
    let mut report = Vec::new();
    for (ext, name) in [("svg", "SVG"), ("html", "HTML page")] {
        let path = dir.path().join(format!("plot.{ext}"));
        let t = Instant::now();
        let svg = plot_series(ts, &PlotOptions::new())?;
        meteaudata_viz::write_plot(&path, &svg, "ten million points")?;
        let elapsed = t.elapsed();
        let size = std::fs::metadata(&path)?.len();
        report.push((name, elapsed, size));
    }
    println!("data: {n} points built in {:.2} s", build.as_secs_f64());
    for (name, elapsed, size) in &report {
        println!(
            "plot 10^7 points → {name}: {:.3} s, {:.0} KB",
            elapsed.as_secs_f64(),
            *size as f64 / 1024.0
        );
    }
    for (name, elapsed, size) in report {
        if elapsed.as_secs_f64() >= 1.0 || size >= 1_000_000 {
            return Err(format!(
                "{name}: over budget ({:.3} s, {size} bytes)",
                elapsed.as_secs_f64()
            )
            .into());
        }
    }
    Ok(())
}
