//! `meteaudata`: import, inspect, process, convert and replay environmental time series with
//! their full processing history, on any backend (disk directory, SQLite, PostgreSQL,
//! MySQL/MariaDB) or archive (Python meteaudata's zip or folder).
//!
//! Exit codes: 0 success; 1 `replay` found a series that does not reproduce; 2 bad usage;
//! 3 something named was not found; 4 invalid input or data; 5 storage, file or other error;
//! 6 a conflict: another writer took a signal or series number first (nothing of this run
//! was stored; run it again: `import` does so by itself, up to 5 times), or a name is
//! already taken.

mod chunks;
mod export;
mod import;
mod listing;
mod ops;
mod out;
mod pictures;
mod progress;
mod prov;
mod replay;
mod snapshots;
mod target;
mod versions;
mod warnings;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use meteaudata::processing::{
    AverageSignals, LinearInterpolation, NormalizeIndexToNumericDelta, PredictFromPreviousPoint,
    ReferenceTime, ReplaceRanges, Resample, Subset,
};
use meteaudata::{DataProvenance, DatasetProcessOptions, ErrorKind, ProcessOptions};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::ops::bound_from_text;
use crate::out::{say, say_raw};
use crate::progress::Progress;
use crate::replay::Verdict;
use crate::target::Target;

/// Provenance-tracking time series: import, inspect, process, convert, replay.
///
/// TARGET is a disk backend directory (`./store`), a database URL (`sqlite:///data.db`,
/// `postgresql://user@127.0.0.1/db`, `mysql://root@127.0.0.1/db`), or an archive
/// (`reactor.zip`, or a folder as `archive:./reactor`).
#[derive(Parser)]
#[command(name = "meteaudata", version, about, long_about = None)]
struct Cli {
    /// No progress bars.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Fail (exit code 4) when the library warned about anything, such as a damaged file
    /// left out of a listing; warnings are printed on stderr either way.
    #[arg(long, global = true)]
    strict: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import CSV files (a time column and value columns) as signals of a dataset.
    Import(Box<ImportCmd>),
    /// List datasets, signals and series with their lengths and time ranges.
    Ls {
        /// Where to look.
        target: String,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Show how one series was made: its full processing history.
    Inspect {
        /// Where to look.
        target: String,
        /// Full series name (`CODa#1_RESAMPLED#1`).
        series: String,
        /// Machine-readable output (the metadata document).
        #[arg(long)]
        json: bool,
    },
    /// Apply a built-in transform to named series and save the result with its history.
    Process(ProcessCmd),
    /// Copy datasets between backends and archives, or write them as plain CSV (`--csv`).
    Export(ExportCmd),
    /// The same as `export` (backend ↔ backend ↔ archive).
    Convert(ExportCmd),
    /// Draw series, signals or a whole dataset as an offline SVG or HTML file.
    Plot(pictures::PlotCmd),
    /// Draw the lineage graph of a series, a signal or a dataset (SVG, HTML or DOT).
    Lineage(pictures::LineageCmd),
    /// The kept versions of a stored series (number, content hash, points, time).
    Versions {
        /// Where to look (a backend: directory or URL).
        target: String,
        /// Full series name (`CODa#1_RAW#1`).
        series: String,
        /// The dataset holding it (default: the only one).
        #[arg(long)]
        dataset: Option<String>,
        /// Machine-readable output: a JSON array of {version, hash, points, created}.
        #[arg(long)]
        json: bool,
    },
    /// Take a snapshot (a named set of every series' current version) of a backend; list,
    /// show or delete snapshots. `export --snapshot NAME` reads the series as recorded.
    Snapshot {
        /// The backend (directory or URL).
        target: String,
        /// The snapshot's name (letters, digits, `.`, `_`, `-`); without `--list`, `--show`
        /// or `--delete`, a new snapshot of it is taken.
        name: Option<String>,
        /// Only the series of this dataset (repeatable; default: every dataset).
        #[arg(long)]
        dataset: Vec<String>,
        /// List the snapshots (name, time, number of series).
        #[arg(long, conflicts_with_all = ["show", "delete"])]
        list: bool,
        /// Show what snapshot NAME recorded: each series' key, version, points and hash.
        #[arg(long, requires = "name", conflicts_with = "delete")]
        show: bool,
        /// Delete snapshot NAME (the versions it kept become prunable).
        #[arg(long, requires = "name")]
        delete: bool,
        /// Machine-readable output (JSON).
        #[arg(long)]
        json: bool,
    },
    /// Write the lineage of a dataset, or of one series and what it was made from, as a W3C
    /// PROV-JSON document.
    Prov {
        /// Where to look.
        target: String,
        /// The JSON file to write.
        output: PathBuf,
        /// Only this series (full name, `CODa#1_RESAMPLED#1`) and the series it was made from.
        #[arg(long)]
        series: Option<String>,
        /// The dataset (default: the only one).
        #[arg(long)]
        dataset: Option<String>,
    },
    /// Re-run the history of every derived series from its raw inputs; exit 1 on mismatch.
    Replay {
        /// Where to look.
        target: String,
        /// Only this dataset.
        #[arg(long)]
        dataset: Option<String>,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// Replay each step from the stored versions of its inputs that it recorded (by
        /// content hash), even after they were overwritten.
        #[arg(long)]
        pinned: bool,
    },
}

#[derive(Args)]
struct ImportCmd {
    /// CSV files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Where to import into.
    #[arg(long)]
    to: String,
    /// Dataset to create or add to.
    #[arg(long)]
    dataset: String,
    /// Name of the time column (default: the column named like a time, `time`, `date`,
    /// `timestamp`…, else the first column holding dates throughout).
    #[arg(long)]
    time_column: Option<String>,
    /// How times are written: `auto` (ISO, `2012/01/01 00:00`, `01.02.2012`, slashed dates,
    /// date only), `epoch-s`, `epoch-ms`, `epoch-us`, `epoch-ns`, or a strftime format such
    /// as `%d/%m/%Y %H:%M`.
    #[arg(long, default_value = "auto", value_name = "FORMAT")]
    time_format: String,
    /// Read slashed dates with the year last day first (`01/02/2012` is 1 February).
    #[arg(long)]
    dayfirst: bool,
    /// Time zone of timestamps written without an offset (`Europe/Paris`, `UTC`,
    /// `UTC-05:00`); without it they stay naive.
    #[arg(long)]
    tz: Option<String>,
    /// Times a spring-forward change skips (with --tz): `raise`, `shift-forward` (the first
    /// time after the gap) or `nat` (a missing time).
    #[arg(long, default_value = "raise", value_name = "POLICY")]
    nonexistent: String,
    /// Times a fall-back change repeats (with --tz): `raise`, `infer` (from the order of the
    /// rows), `earliest` or `latest`.
    #[arg(long, default_value = "raise", value_name = "POLICY")]
    ambiguous: String,
    /// Units of every value column.
    #[arg(long, default_value = "unit")]
    units: String,
    /// Units of one column, as COLUMN=UNIT (repeatable).
    #[arg(long = "unit", value_name = "COLUMN=UNIT")]
    unit_for: Vec<String>,
    /// Field delimiter (default: sniffed among `,` `;` tab `|`).
    #[arg(long)]
    delimiter: Option<char>,
    /// Decimal separator, `.` or `,` (default: `,` when numbers are written with decimal
    /// commas and the delimiter is not a comma).
    #[arg(long)]
    decimal: Option<char>,
    /// Whether the first row names the columns: `auto` (yes unless it holds a number or a
    /// date), `yes` or `no` (columns are then named 0, 1, …).
    #[arg(long, default_value = "auto", value_name = "auto|yes|no")]
    header: String,
    /// A cell read as missing besides pandas' tokens (`NA`, `N/A`, `NaN`, `null`, empty…);
    /// repeatable, for example `--na -`.
    #[arg(long, value_name = "TOKEN", allow_hyphen_values = true)]
    na: Vec<String>,
    /// Value columns to import (names after --rename), comma-separated; default: all.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    columns: Vec<String>,
    /// A new name for a column, OLD=NEW (repeatable).
    #[arg(long, value_name = "OLD=NEW")]
    rename: Vec<String>,
    /// The type of a column instead of the inferred one, COLUMN=float|int|bool|text
    /// (repeatable).
    #[arg(long = "type", value_name = "COLUMN=TYPE")]
    types: Vec<String>,
    /// Provenance: where the data comes from (a repository, a URL, a file server).
    #[arg(long)]
    source_repository: Option<String>,
    /// Provenance and dataset: the project the data belongs to.
    #[arg(long)]
    project: Option<String>,
    /// Provenance: where the measurements were taken (a site, a reactor, a station).
    #[arg(long)]
    location: Option<String>,
    /// Provenance: the instrument or sensor.
    #[arg(long)]
    equipment: Option<String>,
    /// Provenance: the measured parameter (default: the column's name).
    #[arg(long)]
    parameter: Option<String>,
    /// Provenance and dataset: why the data was collected.
    #[arg(long)]
    purpose: Option<String>,
    /// Provenance: an identifier of the metadata record the data comes with.
    #[arg(long)]
    metadata_id: Option<String>,
    /// Dataset description.
    #[arg(long)]
    description: Option<String>,
    /// Dataset owner.
    #[arg(long)]
    owner: Option<String>,
}

#[derive(Args)]
struct ProcessCmd {
    /// Where the dataset is (results are saved back there unless `--to` is given).
    target: String,
    /// Dataset (optional when the target holds one).
    #[arg(long)]
    dataset: Option<String>,
    /// Input series, full names (repeatable).
    #[arg(short, long = "input", required = true)]
    inputs: Vec<String>,
    /// Custom output name (one per output).
    #[arg(long = "output-name")]
    output_names: Vec<String>,
    /// Replace the latest version instead of adding a new one.
    #[arg(long)]
    overwrite: bool,
    /// Save the result here instead of back into the target.
    #[arg(long)]
    to: Option<String>,
    #[command(subcommand)]
    op: OpCmd,
}

#[derive(Subcommand)]
enum OpCmd {
    /// Mean of the values in each time bin.
    Resample {
        /// pandas alias: `15min`, `h`, `D`, `W-MON`, `ME`, ...
        #[arg(long)]
        frequency: String,
    },
    /// Fill gaps linearly.
    Interpolate,
    /// Keep a label range (inclusive) or, with `--rank-based`, a position range.
    Subset {
        /// First label kept (a time such as `2024-01-01 06:00`, or a number); default: the
        /// first point.
        #[arg(long)]
        start: Option<String>,
        /// Last label kept (inclusive); default: the last point.
        #[arg(long)]
        end: Option<String>,
        /// Read --start and --end as 0-based positions (end excluded, as a Python slice).
        #[arg(long)]
        rank_based: bool,
    },
    /// Replace label ranges (inclusive) with a value (NaN by default).
    Replace {
        /// START,END (repeatable).
        #[arg(long = "range", value_name = "START,END", required = true)]
        ranges: Vec<String>,
        /// Why the values are replaced (recorded in the processing step).
        #[arg(long, default_value = "")]
        reason: String,
        /// The value put in place (default: NaN, a missing value).
        #[arg(long)]
        value: Option<f64>,
    },
    /// One-step forecast from the previous point.
    Predict,
    /// Datetime index → elapsed time in a unit.
    Normalize {
        /// `s`, `min`, `h`, `d`, ...
        #[arg(long, default_value = "s")]
        unit: String,
        /// Reference instant (default: the first timestamp).
        #[arg(long)]
        reference: Option<String>,
    },
    /// Average of several signals' series into a new AVERAGE signal.
    Average {
        /// Allow different units (the first input's unit is kept).
        #[arg(long)]
        no_check_units: bool,
    },
}

#[derive(Args)]
struct ExportCmd {
    /// Where to read.
    source: String,
    /// Where to write (a directory of CSV files with `--csv`).
    destination: String,
    /// Only this dataset.
    #[arg(long)]
    dataset: Option<String>,
    /// Write plain CSV files (index, value) instead.
    #[arg(long)]
    csv: bool,
    /// Take version N of a series instead of its latest, as SERIES=N (repeatable; a
    /// backend with versions).
    #[arg(long = "version", value_name = "SERIES=N")]
    versions: Vec<String>,
    /// Take each series as it was at this time: its latest version saved then (RFC 3339, or
    /// YYYY-MM-DD [HH:MM[:SS]] in UTC); series saved only later are left out.
    #[arg(long, value_name = "TIME")]
    as_of: Option<String>,
    /// Take every series as snapshot NAME recorded it (see `meteaudata snapshot`).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["versions", "as_of"])]
    snapshot: Option<String>,
}

/// `OLD=NEW` pairs of a repeatable option.
fn pairs<'a>(option: &str, values: &'a [String]) -> Result<Vec<(&'a str, &'a str)>> {
    values
        .iter()
        .map(|v| {
            v.split_once('=')
                .map(|(a, b)| (a.trim(), b.trim()))
                .with_context(|| format!("--{option} expects A=B, got {v:?}"))
        })
        .collect()
}

/// How `import` reads its files, from its options.
fn csv_options(c: &ImportCmd) -> Result<meteaudata::io::csv::CsvOptions> {
    use meteaudata::io::csv::{Ambiguous, CsvOptions, Nonexistent, TimeFormat};
    let mut o = CsvOptions::new()
        .time_format(c.time_format.parse::<TimeFormat>()?)
        .dayfirst(c.dayfirst)
        .nonexistent(c.nonexistent.parse::<Nonexistent>()?)
        .ambiguous(c.ambiguous.parse::<Ambiguous>()?);
    if let Some(d) = c.delimiter {
        o = o.delimiter(u8::try_from(d).context("the delimiter must be one ASCII character")?);
    }
    if let Some(d) = c.decimal {
        if d != '.' && d != ',' {
            bail!("--decimal must be . or ,");
        }
        o = o.decimal(d);
    }
    match c.header.as_str() {
        "auto" => {}
        "yes" => o = o.header(true),
        "no" => o = o.header(false),
        h => bail!("--header expects auto, yes or no, got {h:?}"),
    }
    if let Some(t) = &c.time_column {
        o = o.time_column(t);
    }
    if let Some(z) = &c.tz {
        o = o.tz(z.parse::<meteaudata::TimeZone>()?);
    }
    for t in &c.na {
        o = o.na_token(t);
    }
    if !c.columns.is_empty() {
        o = o.columns(c.columns.iter().map(|s| s.trim()));
    }
    for (a, b) in pairs("rename", &c.rename)? {
        o = o.rename(a, b);
    }
    for (col, t) in pairs("type", &c.types)? {
        o = o.column_type(col, t.parse()?);
    }
    Ok(o)
}

/// Runs of `import` when another process takes a signal number first.
const IMPORT_ATTEMPTS: u32 = 5;

/// One run of `import`: the new signals added to `existing` (or a new dataset) and saved;
/// returns the dataset and each new series with its number of points.
fn import_once(
    target: &Target,
    existing: Option<meteaudata::Dataset>,
    args: &import::ImportArgs<'_>,
    streamable: bool,
    progress: &Progress,
) -> Result<(meteaudata::Dataset, Vec<(String, u64)>)> {
    let (mut dataset, imported) = match (target, streamable) {
        (Target::Backend { backend, .. }, true) => {
            import::import_streamed(existing, args, backend, progress)?
        }
        _ => {
            let backend = match target {
                Target::Backend { backend, .. } => Some(backend),
                Target::Archive(_) => None,
            };
            let (dataset, added) = import::import(existing, args, backend, progress)?;
            let mut imported = Vec::new();
            for name in &added {
                for (k, ts) in dataset.signal(name)?.time_series() {
                    imported.push((k.clone(), ts.series()?.len() as u64));
                }
            }
            (dataset, imported)
        }
    };
    target.save(&mut dataset)?;
    Ok((dataset, imported))
}

fn run(cli: Cli) -> Result<ExitCode> {
    let progress = Progress::new(cli.quiet);
    match cli.command {
        Command::Import(c) => {
            let target = Target::parse(&c.to)?;
            let args = import::ImportArgs {
                files: &c.files,
                dataset: &c.dataset,
                csv: csv_options(&c)?,
                units: &c.units,
                unit_for: &c.unit_for,
                provenance: DataProvenance {
                    source_repository: c.source_repository,
                    project: c.project.clone(),
                    location: c.location,
                    equipment: c.equipment,
                    parameter: c.parameter,
                    purpose: c.purpose.clone(),
                    metadata_id: c.metadata_id,
                },
                description: c.description.as_deref(),
                owner: c.owner.as_deref(),
                purpose: c.purpose.as_deref(),
                project: c.project.as_deref(),
            };
            let streamable = match &target {
                Target::Backend { .. } => {
                    let mut all = true;
                    for f in &c.files {
                        all &= import::streamable(f, &args.csv)?;
                    }
                    all
                }
                Target::Archive(_) => false,
            };
            // Another process may take a signal number first (`Conflict`): a failed run leaves
            // nothing behind, so it starts again from what the store holds then.
            let mut attempt = 1;
            let (dataset, imported) = loop {
                let existing = target.dataset(Some(&c.dataset)).ok();
                let run = import_once(&target, existing, &args, streamable, &progress);
                match run {
                    Err(e) if attempt < IMPORT_ATTEMPTS && exit_code(&e) == 6 => {
                        eprintln!("{e:#}; importing again ({attempt} of {IMPORT_ATTEMPTS})");
                        attempt += 1;
                    }
                    other => break other?,
                }
            };
            for (series, points) in &imported {
                let signal = meteaudata::naming::SeriesName::parse(series).signal;
                let units = &dataset.signal(&signal)?.units;
                say!("imported {series}: {points} points [{units}]");
            }
            say!("dataset {} in {}", dataset.name(), target.describe());
        }
        Command::Ls { target, json } => {
            let t = Target::existing(&target)?;
            let datasets = t.datasets()?;
            if datasets.is_empty() {
                eprintln!("{} holds no dataset", t.describe());
            }
            say_raw!("{}", listing::ls(&datasets, json)?);
            if json {
                say!();
            }
        }
        Command::Inspect {
            target,
            series,
            json,
        } => {
            let t = Target::existing(&target)?;
            say_raw!("{}", listing::inspect(&t.datasets()?, &series, json)?);
            if json {
                say!();
            }
        }
        Command::Process(c) => {
            let source = Target::existing_writable(&c.target)?;
            let mut dataset = source.dataset(c.dataset.as_deref())?;
            let inputs: Vec<&str> = c.inputs.iter().map(String::as_str).collect();
            // A moving clock while the transform runs (stored series stream through it).
            let clock = progress.spinner_points(&format!("processing {}", inputs.join(", ")));
            let hook = {
                let bar = clock.clone();
                meteaudata::ProgressHook::new(move |points| bar.set_position(points))
            };
            let outputs = match c.op {
                OpCmd::Average { no_check_units } => {
                    let mut o = DatasetProcessOptions::new().overwrite(c.overwrite);
                    if !c.output_names.is_empty() {
                        o = o.output_signal_names(c.output_names.clone());
                    }
                    dataset.process(
                        &inputs,
                        &AverageSignals::new().check_units(!no_check_units),
                        o,
                    )?
                }
                op => {
                    let signal_name = meteaudata::naming::SeriesName::parse(inputs[0]).signal;
                    if inputs
                        .iter()
                        .any(|i| meteaudata::naming::SeriesName::parse(i).signal != signal_name)
                    {
                        bail!("a univariate transform works on series of one signal; use `average` across signals");
                    }
                    let transform: Box<dyn meteaudata::Transform> = match op {
                        OpCmd::Resample { frequency } => Box::new(Resample::new(&frequency)?),
                        OpCmd::Interpolate => Box::new(LinearInterpolation),
                        OpCmd::Subset {
                            start,
                            end,
                            rank_based,
                        } => Box::new(if rank_based {
                            let pos = |v: Option<String>| -> Result<Option<i64>> {
                                v.map(|t| {
                                    t.parse::<i64>().with_context(|| {
                                        format!("--rank-based needs integer positions, got {t:?}")
                                    })
                                })
                                .transpose()
                            };
                            Subset::by_position(pos(start)?, pos(end)?)
                        } else {
                            Subset::by_label(
                                bound_from_text(start.as_deref()),
                                bound_from_text(end.as_deref()),
                            )
                        }),
                        OpCmd::Replace {
                            ranges,
                            reason,
                            value,
                        } => {
                            let pairs = ranges
                                .iter()
                                .map(|r| match r.split_once(',') {
                                    Some((a, b)) => Ok((
                                        bound_from_text(Some(a.trim())),
                                        bound_from_text(Some(b.trim())),
                                    )),
                                    None => bail!("--range expects START,END, got {r:?}"),
                                })
                                .collect::<Result<Vec<_>>>()?;
                            let mut t = ReplaceRanges::new(pairs, reason);
                            if let Some(v) = value {
                                t = t.with_value(v);
                            }
                            Box::new(t)
                        }
                        OpCmd::Predict => Box::new(PredictFromPreviousPoint),
                        OpCmd::Normalize { unit, reference } => {
                            let mut t = NormalizeIndexToNumericDelta::new(&unit)?;
                            if let Some(r) = reference {
                                t = t.with_reference(ReferenceTime::from(r));
                            }
                            Box::new(t)
                        }
                        OpCmd::Average { .. } => unreachable!("handled above"),
                    };
                    let mut o = ProcessOptions::new().overwrite(c.overwrite).progress(hook);
                    if !c.output_names.is_empty() {
                        o = o.output_names(c.output_names.clone());
                    }
                    dataset
                        .signal_mut(&signal_name)?
                        .process(&inputs, transform.as_ref(), o)?
                }
            };
            let dest = match &c.to {
                Some(t) => Target::parse(t)?,
                None => source,
            };
            dest.save(&mut dataset)?;
            clock.finish_and_clear();
            for o in &outputs {
                say!("created {o}");
            }
        }
        Command::Export(c) | Command::Convert(c) => {
            let source = Target::existing(&c.source)?;
            let mut datasets = match (&c.snapshot, &c.dataset) {
                (Some(name), only) => snapshots::datasets(&source, name, only.as_deref())?,
                (None, Some(d)) => vec![source.dataset(Some(d))?],
                (None, None) => source.datasets()?,
            };
            let pick = versions::Pick {
                exact: pairs("version", &c.versions)?
                    .into_iter()
                    .map(|(s, n)| {
                        n.parse::<u64>()
                            .map(|n| (s.to_string(), n))
                            .with_context(|| {
                                format!("--version {s}={n}: N must be a version number")
                            })
                    })
                    .collect::<Result<_>>()?,
                as_of: c.as_of.as_deref().map(versions::parse_time).transpose()?,
            };
            // Older versions are read into memory (the latest ones stream).
            let older = !pick.is_latest() || c.snapshot.is_some();
            if !pick.is_latest() {
                let Target::Backend { backend, .. } = &source else {
                    bail!("--version and --as-of need a backend source (an archive holds one version)");
                };
                for d in &mut datasets {
                    for line in versions::apply(d, backend, &pick)? {
                        say!("{}: {line}", d.name());
                    }
                }
            }
            if c.csv {
                let files =
                    export::csv_out(&datasets, std::path::Path::new(&c.destination), &progress)?;
                say!("wrote {} CSV files under {}", files.len(), c.destination);
            } else {
                let dest = Target::parse(&c.destination)?;
                if matches!(dest, Target::Archive(_)) && datasets.len() > 1 {
                    bail!("an archive holds one dataset; choose one with --dataset");
                }
                for mut d in datasets {
                    match (&source, &dest) {
                        // Backend to backend: series stream, chunk by chunk.
                        (
                            Target::Backend { backend: from, .. },
                            Target::Backend { backend: to, .. },
                        ) if !older => {
                            export::copy_streamed(&mut d, from, to, &progress)?;
                        }
                        _ => {
                            // Data must be in memory before the backend attachment changes.
                            for s in d.signals().values() {
                                for ts in s.time_series().values() {
                                    ts.series()?;
                                }
                            }
                            dest.save(&mut d)?;
                        }
                    }
                    say!("exported {} to {}", d.name(), dest.describe());
                }
            }
        }
        Command::Plot(c) => pictures::plot(&c)?,
        Command::Lineage(c) => pictures::lineage(&c)?,
        Command::Versions {
            target,
            series,
            dataset,
            json,
        } => {
            let t = Target::existing(&target)?;
            let (key, list) = versions::versions(&t, dataset.as_deref(), &series)?;
            if json {
                say!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                say_raw!("{}", versions::table(&key, &list));
            }
        }
        Command::Snapshot {
            target,
            name,
            dataset,
            list,
            show,
            delete,
            json,
        } => {
            let t = Target::existing(&target)?;
            match (name, list, show, delete) {
                (_, true, _, _) => {
                    let all = snapshots::list(&t)?;
                    if json {
                        let docs: Vec<_> = all.iter().map(snapshots::json).collect();
                        say!("{}", serde_json::to_string_pretty(&docs)?);
                    } else {
                        say_raw!("{}", snapshots::table(&all));
                    }
                }
                (Some(n), _, true, _) => {
                    let s = snapshots::load(&t, &n)?;
                    if json {
                        say!("{}", serde_json::to_string_pretty(&snapshots::json(&s))?);
                    } else {
                        say_raw!("{}", snapshots::show(&s));
                    }
                }
                (Some(n), _, _, true) => {
                    snapshots::delete(&t, &n)?;
                    say!("deleted snapshot {n}");
                }
                (Some(n), _, _, _) => {
                    let s = snapshots::take(&t, &n, &dataset)?;
                    if json {
                        say!("{}", serde_json::to_string_pretty(&snapshots::json(&s))?);
                    } else {
                        say!("snapshot {n}: {} series", s.entries().len());
                    }
                }
                (None, ..) => bail!("snapshot: give a NAME to take, or --list"),
            }
        }
        Command::Prov {
            target,
            output,
            series,
            dataset,
        } => {
            let t = Target::existing(&target)?;
            let summary = prov::write(&t, dataset.as_deref(), series.as_deref(), &output)?;
            say!("wrote {} (PROV-JSON: {summary})", output.display());
        }
        Command::Replay {
            target,
            dataset,
            json,
            pinned,
        } => {
            let t = Target::existing(&target)?;
            let datasets = match dataset {
                Some(d) => vec![t.dataset(Some(&d))?],
                None => t.datasets()?,
            };
            let mut failed = 0;
            let mut rows = Vec::new();
            for d in &datasets {
                for (name, verdict) in replay::replay(d, &progress, pinned)? {
                    failed += usize::from(verdict.is_failure());
                    let (status, detail) = match &verdict {
                        Verdict::Match => ("match", String::new()),
                        Verdict::MatchPinned(w) => ("match", w.clone()),
                        Verdict::Changed(w) => ("CHANGED", w.clone()),
                        Verdict::Mismatch(w) => ("MISMATCH", w.clone()),
                        Verdict::Skipped(w) => ("skipped", w.clone()),
                        Verdict::Failed(w) => ("FAILED", w.clone()),
                    };
                    if !json {
                        say!(
                            "{status:<9} {}/{name}{}{detail}",
                            d.name(),
                            if detail.is_empty() { "" } else { "  " }
                        );
                    }
                    rows.push(serde_json::json!({"dataset": d.name(), "series": name, "status": status, "detail": detail}));
                }
            }
            if json {
                say!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                say!(
                    "{} series replayed, {} did not reproduce",
                    rows.len(),
                    failed
                );
            }
            if failed > 0 {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn exit_code(err: &anyhow::Error) -> u8 {
    let kind = err
        .chain()
        .find_map(|e| e.downcast_ref::<meteaudata::Error>())
        .map(meteaudata::Error::kind);
    let missing_file = err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
    });
    if missing_file && kind.is_none_or(|k| k == ErrorKind::Io) {
        return 3;
    }
    match kind {
        Some(ErrorKind::NotFound) => 3,
        Some(
            ErrorKind::InvalidName
            | ErrorKind::InvalidInput
            | ErrorKind::Parse
            | ErrorKind::InvalidKey
            | ErrorKind::Transform,
        ) => 4,
        Some(ErrorKind::Conflict) => 6,
        _ => 5,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let warned = warnings::install();
    let strict = cli.strict;
    match run(cli) {
        Ok(code) if strict && warned.load(std::sync::atomic::Ordering::SeqCst) > 0 => {
            eprintln!("error: warnings were printed and --strict is set");
            if code == ExitCode::SUCCESS {
                ExitCode::from(4)
            } else {
                code
            }
        }
        Ok(code) => code,
        Err(err) if out::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(exit_code(&err))
        }
    }
}
