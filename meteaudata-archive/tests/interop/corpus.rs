//! The generated corpus: case specifications (plain JSON both languages build from), drawn
//! from a seeded generator so that every index kind and value dtype appears, with NaN, nulls,
//! zones across DST, processed histories and 3-signal datasets with an average.

use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// SplitMix64: small, seeded, reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexSpec {
    pub kind: String,
    pub labels: Vec<Value>,
    pub name: Option<String>,
    pub freq: Option<String>,
    pub tz: Option<String>,
    pub start: Option<i64>,
    pub stop: Option<i64>,
    pub step: Option<i64>,
    pub categories: Option<Vec<String>>,
    pub ordered: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValuesSpec {
    pub dtype: String,
    pub data: Vec<Value>,
    pub tz: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignalSpec {
    pub name: String,
    pub units: String,
    pub provenance: BTreeMap<String, Option<String>>,
    pub index: IndexSpec,
    pub values: ValuesSpec,
    pub process: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatasetSpec {
    pub name: String,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub purpose: Option<String>,
    pub project: Option<String>,
    pub average: bool,
}

/// Python's `save` arguments for the Python-writes direction.
#[derive(Debug, Clone, Serialize)]
pub struct SaveSpec {
    pub zip: bool,
    pub separator: String,
    pub index_name: Option<Value>,
    pub value_names: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub id: String,
    pub kind: String,
    pub signals: Vec<SignalSpec>,
    pub dataset: Option<DatasetSpec>,
    pub save: SaveSpec,
}

pub const INDEX_KINDS: [&str; 13] = [
    "dt_naive_freq",
    "dt_naive_irregular",
    "dt_utc_freq",
    "dt_named_single",
    "dt_named_dst",
    "dt_fixed",
    "range",
    "int",
    "float",
    "string",
    "categorical",
    "period",
    "timedelta",
];

pub const DTYPES: [&str; 11] = [
    "float64",
    "float32",
    "int64",
    "int32",
    "Int64",
    "bool",
    "boolean",
    "str",
    "category",
    "datetime",
    "datetime_tz",
];

const SEC: i64 = 1_000_000_000;
const HOUR: i64 = 3600 * SEC;
/// 2024-01-10 00:00 UTC.
const JAN: i64 = 1_704_844_800 * SEC;
/// 2024-03-10 04:00 UTC, three hours before Toronto's spring-forward.
const DST: i64 = 1_710_043_200 * SEC;

fn text(rng: &mut Rng) -> String {
    let parts = [
        "a", "b,c", "q\"x", "é", "µS/cm", "l\nm", " sp", "x;y", "°C", "zz", "T",
    ];
    let n = 1 + rng.below(2);
    (0..n)
        .map(|_| *rng.pick(&parts))
        .collect::<Vec<_>>()
        .join("")
}

fn unique_texts(rng: &mut Rng, n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    while out.len() < n {
        let t = format!("{}{}", text(rng), out.len());
        out.push(t);
    }
    out
}

pub fn index(rng: &mut Rng, kind: &str, n: usize) -> IndexSpec {
    let mut s = IndexSpec {
        kind: "datetime".into(),
        labels: vec![],
        name: if rng.chance(1, 3) {
            Some("time".into())
        } else {
            None
        },
        freq: None,
        tz: None,
        start: None,
        stop: None,
        step: None,
        categories: None,
        ordered: None,
    };
    let regular = |start: i64, step: i64| -> Vec<Value> {
        (0..n as i64).map(|i| json!(start + i * step)).collect()
    };
    match kind {
        "dt_naive_freq" => {
            let (f, step) = *rng.pick(&[
                ("h", HOUR),
                ("15min", 900 * SEC),
                ("D", 24 * HOUR),
                ("s", SEC),
            ]);
            s.freq = Some(f.into());
            s.labels = regular(JAN + rng.below(1000) as i64 * HOUR, step);
        }
        "dt_naive_irregular" => {
            let mut t = JAN;
            let unit = *rng.pick(&[SEC, 1_000_000, 1_000, 1]);
            for _ in 0..n {
                t += 1 + rng.below(100_000) as i64 * unit;
                s.labels.push(json!(t));
            }
        }
        "dt_utc_freq" => {
            s.tz = Some("UTC".into());
            s.freq = Some("h".into());
            s.labels = regular(JAN, HOUR);
        }
        "dt_named_single" => {
            s.tz = Some(
                rng.pick(&["America/Toronto", "Europe/Paris", "Asia/Kolkata"])
                    .to_string(),
            );
            s.freq = Some("h".into());
            s.labels = regular(JAN, HOUR);
        }
        "dt_named_dst" => {
            s.tz = Some("America/Toronto".into());
            if rng.chance(1, 2) {
                s.freq = Some("h".into());
            }
            s.labels = regular(DST, HOUR);
        }
        "dt_fixed" => {
            s.tz = Some(rng.pick(&["UTC-05:00", "UTC+05:45"]).to_string());
            s.freq = Some("15min".into());
            s.labels = regular(JAN, 900 * SEC);
        }
        "range" => {
            s.kind = "range".into();
            let start = rng.below(20) as i64 - 10;
            let step = *rng.pick(&[1i64, 2, 5, -1, -3]);
            s.start = Some(start);
            s.stop = Some(start + step * n as i64);
            s.step = Some(step);
            s.labels = regular(start, step);
        }
        "int" => {
            s.kind = "int".into();
            let mut v = rng.below(1000) as i64 - 500;
            for _ in 0..n {
                v += 2 + rng.below(50) as i64;
                s.labels.push(json!(v));
            }
        }
        "float" => {
            s.kind = "float".into();
            let mut v = -3.25;
            for _ in 0..n {
                v += 0.125 * (1 + rng.below(20)) as f64 + 1e-9;
                s.labels.push(json!(v));
            }
        }
        "string" => {
            s.kind = "string".into();
            s.labels = unique_texts(rng, n).into_iter().map(Value::from).collect();
        }
        "categorical" => {
            s.kind = "categorical".into();
            let mut cats = vec!["lo".to_string(), "mid".into(), "hi".into()];
            if rng.chance(1, 2) {
                cats.reverse();
            }
            s.labels = (0..n).map(|_| json!(rng.pick(&cats))).collect();
            s.categories = Some(cats);
            s.ordered = Some(rng.chance(1, 2));
        }
        "period" => {
            s.kind = "period".into();
            s.freq = Some("M".into());
            s.labels = (0..n)
                .map(|i| json!(format!("{}-{:02}", 2024 + i / 12, i % 12 + 1)))
                .collect();
        }
        "timedelta" => {
            s.kind = "timedelta".into();
            if rng.chance(1, 2) {
                s.freq = Some("30s".into());
                s.labels = regular(0, 30 * SEC);
            } else {
                let mut t = -(rng.below(100) as i64) * SEC;
                for _ in 0..n {
                    t += 1 + rng.below(1_000_000) as i64 * 1_000;
                    s.labels.push(json!(t));
                }
            }
        }
        other => panic!("unknown index kind {other}"),
    }
    s
}

pub fn values(rng: &mut Rng, dtype: &str, n: usize) -> ValuesSpec {
    let mut tz = None;
    let data: Vec<Value> = (0..n)
        .map(|_| {
            let miss = rng.chance(1, 6);
            match dtype {
                "float64" | "float32" => {
                    if miss {
                        Value::Null
                    } else if rng.chance(1, 10) {
                        json!(f64::MAX / 3.0)
                    } else {
                        json!((rng.below(200_000) as f64 - 100_000.0) / 64.0 + 0.1)
                    }
                }
                "int64" => json!(rng.next() as i64 / 2),
                "int32" => json!(rng.next() as i32),
                "Int64" => {
                    if miss {
                        Value::Null
                    } else {
                        json!(rng.below(1 << 40) as i64 - (1 << 39))
                    }
                }
                "bool" => json!(rng.chance(1, 2)),
                "boolean" => {
                    if miss {
                        Value::Null
                    } else {
                        json!(rng.chance(1, 2))
                    }
                }
                "str" => {
                    if miss {
                        Value::Null
                    } else {
                        json!(text(rng))
                    }
                }
                "category" => json!(rng.pick(&["x", "y", "z,w"])),
                "datetime" | "datetime_tz" => {
                    if miss {
                        Value::Null
                    } else {
                        json!(DST + rng.below(48) as i64 * 1800 * SEC + rng.below(3) as i64 * 1_000)
                    }
                }
                other => panic!("unknown dtype {other}"),
            }
        })
        .collect();
    let dtype = match dtype {
        "datetime_tz" => {
            tz = Some("America/Toronto".to_string());
            "datetime"
        }
        d => d,
    };
    ValuesSpec {
        dtype: dtype.into(),
        data,
        tz,
    }
}

fn provenance(rng: &mut Rng, tag: &str) -> BTreeMap<String, Option<String>> {
    let fields = [
        "source_repository",
        "project",
        "location",
        "equipment",
        "parameter",
        "purpose",
        "metadata_id",
    ];
    fields
        .iter()
        .map(|f| {
            let v = (!rng.chance(1, 4)).then(|| format!("{f} {tag} {}", text(rng)));
            (f.to_string(), v)
        })
        .collect()
}

fn signal(rng: &mut Rng, name: &str, kind: &str, dtype: &str, n: usize) -> SignalSpec {
    SignalSpec {
        name: name.into(),
        units: rng.pick(&["mg/L", "°C", "unit", "m³/h"]).to_string(),
        provenance: provenance(rng, name),
        index: index(rng, kind, n),
        values: values(rng, dtype, n),
        process: None,
    }
}

fn python_save(rng: &mut Rng, i: usize, dataset: bool) -> SaveSpec {
    let (sep, idx, val): (&str, Option<Value>, Option<Value>) = match i % 7 {
        0 => (",", None, None),
        1 => (";", None, None),
        2 => (",", Some(json!("timestamp")), None),
        3 => (",", Some(json!(["Time", "local"])), Some(json!(["T", "u"]))),
        4 => (",", None, Some(json!("auto"))),
        5 => ("\t", None, Some(json!("Temp"))),
        _ => ("|", Some(json!(["a", "b", "c"])), Some(json!("V"))),
    };
    SaveSpec {
        zip: dataset || rng.chance(1, 2),
        separator: sep.into(),
        index_name: idx,
        value_names: val,
    }
}

/// Whether Python writes multi-line headers with these options.
fn multiline(save: &SaveSpec, signals: &[SignalSpec]) -> bool {
    save.index_name.as_ref().is_some_and(Value::is_array)
        || save.value_names.as_ref().is_some_and(Value::is_array)
        || (save.value_names == Some(json!("auto")) && signals.iter().any(|s| s.units != "unit"))
}

/// Empty data, or string labels (whose header lines may hold text or nothing as values).
fn undetectable_header(s: &SignalSpec) -> bool {
    s.index.labels.is_empty() || s.index.kind == "string"
}

/// The corpus: every index kind, every dtype, processed histories, datasets, then random mixes.
pub fn corpus(seed: u64, extra: usize) -> Vec<Case> {
    let mut rng = Rng::new(seed);
    let mut cases = Vec::new();
    let mut push = |rng: &mut Rng, signals: Vec<SignalSpec>, dataset: Option<DatasetSpec>| {
        let i = cases.len();
        let kind = if dataset.is_some() {
            "dataset"
        } else {
            "signal"
        };
        let mut save = python_save(rng, i, dataset.is_some());
        if multiline(&save, &signals) && signals.iter().any(undetectable_header) {
            // Documented limit (docs/compatibility-archive.md): without our record, the header
            // lines of a Python file are found by parsing, which cannot tell them from data
            // when every cell is text, nor when there is no data at all.
            save.index_name = None;
            save.value_names = None;
        }
        cases.push(Case {
            id: format!("c{i:03}"),
            kind: kind.into(),
            signals,
            dataset,
            save,
        });
    };
    let len = |rng: &mut Rng| {
        if rng.chance(1, 10) {
            0
        } else {
            1 + rng.below(7) as usize
        }
    };
    for (k, kind) in INDEX_KINDS.iter().enumerate() {
        let n = len(&mut rng);
        let s = signal(
            &mut rng,
            &format!("Idx{k}"),
            kind,
            DTYPES[k % DTYPES.len()],
            n,
        );
        push(&mut rng, vec![s], None);
    }
    for (d, dtype) in DTYPES.iter().enumerate() {
        let kind = INDEX_KINDS[(d * 5 + 3) % INDEX_KINDS.len()];
        let n = 1 + rng.below(7) as usize;
        let s = signal(&mut rng, &format!("Dt{d}"), kind, dtype, n);
        push(&mut rng, vec![s], None);
    }
    for p in 0..6 {
        let kind = if p % 2 == 0 {
            "dt_naive_freq"
        } else {
            "dt_utc_freq"
        };
        let mut s = signal(&mut rng, &format!("Proc{p}"), kind, "float64", 6 + p);
        if kind == "dt_naive_freq" {
            s.index.freq = Some("h".into());
            s.index.labels = (0..s.index.labels.len() as i64)
                .map(|i| json!(JAN + i * HOUR))
                .collect();
        }
        s.process = Some(rng.pick(&["2h", "3h", "30min"]).to_string());
        push(&mut rng, vec![s], None);
    }
    for d in 0..6 {
        let n = 2 + rng.below(6) as usize;
        let average = d % 2 == 0;
        let mut signals = Vec::new();
        if average {
            let a = signal(&mut rng, "CODa", "dt_naive_freq", "float64", n);
            let mut b = signal(&mut rng, "CODb", "dt_naive_freq", "float64", n);
            b.index = a.index.clone();
            b.units = a.units.clone();
            signals.push(a);
            signals.push(b);
        } else {
            for (j, kind) in ["dt_named_dst", "range", "string"].iter().enumerate() {
                let dtype = *rng.pick(&DTYPES);
                signals.push(signal(&mut rng, &format!("S{j}"), kind, dtype, n));
            }
        }
        let ds = DatasetSpec {
            name: format!("plant{d}"),
            description: Some(format!("generated {}", text(&mut rng))),
            owner: rng.chance(1, 2).then(|| "Research team".into()),
            purpose: Some("interop".into()),
            project: rng.chance(1, 2).then(|| text(&mut rng)),
            average,
        };
        push(&mut rng, signals, Some(ds));
    }
    for e in 0..extra {
        let kind = *rng.pick(&INDEX_KINDS);
        let dtype = *rng.pick(&DTYPES);
        let n = len(&mut rng);
        let s = signal(&mut rng, &format!("Mix{e}"), kind, dtype, n);
        push(&mut rng, vec![s], None);
    }
    cases
}
