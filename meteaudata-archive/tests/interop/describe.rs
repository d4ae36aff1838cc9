//! The description of a loaded or built model, in the JSON shape interop.py produces, and the
//! comparison of two descriptions with the documented Python differences allowed.

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type, TimestampNanosecondType};
use arrow_array::{Array, DictionaryArray, StringArray};
use arrow_schema::DataType;
use meteaudata_core::{parse_float, parse_timedelta, Dataset, Index, IndexData, Series, Signal};
use serde_json::{json, Value};

fn index(idx: &Index) -> Value {
    let (kind, labels): (&str, Vec<Value>) = match idx.data() {
        IndexData::DateTime { values, .. } => {
            ("datetime", values.iter().map(|v| json!(v)).collect())
        }
        IndexData::Range { .. } => (
            "range",
            (0..idx.len())
                .map(|i| json!(idx.label(i).parse::<i64>().unwrap()))
                .collect(),
        ),
        IndexData::Int(a) => ("int", a.iter().map(|v| json!(v)).collect()),
        IndexData::Float(a) => (
            "float",
            a.iter()
                .map(|v| {
                    v.filter(|x| !x.is_nan())
                        .map_or(Value::Null, |x| json!(format!("{x:?}")))
                })
                .collect(),
        ),
        IndexData::String(a) => ("string", a.iter().map(|v| json!(v)).collect()),
        IndexData::Period(a) => ("period", a.iter().map(|v| json!(v)).collect()),
        IndexData::Categorical { values, .. } => (
            "categorical",
            (0..idx.len())
                .map(|i| {
                    if values.is_null(i) {
                        Value::Null
                    } else {
                        json!(idx.label(i))
                    }
                })
                .collect(),
        ),
        IndexData::Timedelta(a) => ("timedelta", a.iter().map(|v| json!(v)).collect()),
        _ => ("other", vec![]),
    };
    json!({
        "kind": kind,
        "name": idx.name(),
        "freq": idx.frequency(),
        "tz": idx.time_zone().map(|z| z.to_string()),
        "labels": labels,
    })
}

fn values(s: &Series) -> Value {
    let v = s.values();
    let mut tz = Value::Null;
    let (family, vals): (&str, Vec<Value>) = match v.data_type() {
        DataType::Float64 => (
            "float",
            v.as_primitive::<Float64Type>()
                .iter()
                .map(|x| {
                    x.filter(|f| !f.is_nan())
                        .map_or(Value::Null, |f| json!(format!("{f:?}")))
                })
                .collect(),
        ),
        DataType::Float32 => (
            "float",
            v.as_primitive::<Float32Type>()
                .iter()
                .map(|x| {
                    x.filter(|f| !f.is_nan())
                        .map_or(Value::Null, |f| json!(format!("{:?}", f as f64)))
                })
                .collect(),
        ),
        DataType::Int64 => (
            "int",
            v.as_primitive::<Int64Type>()
                .iter()
                .map(|x| json!(x))
                .collect(),
        ),
        DataType::Int32 => (
            "int",
            v.as_primitive::<Int32Type>()
                .iter()
                .map(|x| json!(x))
                .collect(),
        ),
        DataType::Boolean => ("bool", v.as_boolean().iter().map(|x| json!(x)).collect()),
        DataType::Utf8 => (
            "string",
            v.as_string::<i32>().iter().map(|x| json!(x)).collect(),
        ),
        DataType::Dictionary(_, _) => {
            let d = v
                .as_any()
                .downcast_ref::<DictionaryArray<Int32Type>>()
                .unwrap();
            let cats = d.values().as_any().downcast_ref::<StringArray>().unwrap();
            (
                "category",
                d.keys()
                    .iter()
                    .map(|k| k.map_or(Value::Null, |k| json!(cats.value(k as usize))))
                    .collect(),
            )
        }
        DataType::Timestamp(_, z) => {
            tz = z.as_ref().map_or(Value::Null, |z| {
                json!(z.parse::<meteaudata_core::TimeZone>().unwrap().to_string())
            });
            (
                "datetime",
                v.as_primitive::<TimestampNanosecondType>()
                    .iter()
                    .map(|x| json!(x))
                    .collect(),
            )
        }
        other => panic!("unexpected values {other}"),
    };
    json!({"family": family, "tz": tz, "values": vals})
}

fn signal(s: &Signal) -> Value {
    let p = &s.provenance;
    let mut series = serde_json::Map::new();
    for (k, ts) in s.time_series() {
        let data = ts.series().unwrap();
        let steps: Vec<Value> = ts
            .processing_steps
            .iter()
            .map(|st| {
                let params = st.parameters.as_ref().map(|p| {
                    let mut keys: Vec<&String> = p.iter().map(|(k, _)| k).collect();
                    keys.sort();
                    keys
                });
                json!({
                    "type": serde_json::to_value(st.step_type).unwrap(),
                    "suffix": st.suffix,
                    "function": st.function_info.name,
                    "inputs": st.input_series_names,
                    "description": st.description,
                    "parameters": params,
                })
            })
            .collect();
        series.insert(
            k.clone(),
            json!({"index": index(data.index()), "values": values(data), "steps": steps}),
        );
    }
    json!({
        "name": s.name(),
        "units": s.units,
        "provenance": {
            "source_repository": p.source_repository, "project": p.project,
            "location": p.location, "equipment": p.equipment, "parameter": p.parameter,
            "purpose": p.purpose, "metadata_id": p.metadata_id,
        },
        "series": series,
    })
}

pub fn describe_signal(s: &Signal) -> Value {
    json!({"kind": "signal", "signal": signal(s)})
}

pub fn describe_dataset(d: &Dataset) -> Value {
    let signals: serde_json::Map<String, Value> = d
        .signals()
        .iter()
        .map(|(k, s)| (k.clone(), signal(s)))
        .collect();
    json!({
        "kind": "dataset", "name": d.name(), "description": d.description, "owner": d.owner,
        "purpose": d.purpose, "project": d.project, "signals": signals,
    })
}

/// Which side loaded the archive.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    /// Python wrote it, we loaded it.
    PythonWrites,
    /// We wrote it, Python loaded it.
    RustWrites,
}

fn same_float_text(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(x), Some(y)) => match (parse_float(x), parse_float(y)) {
            (Some(p), Some(q)) => p.to_bits() == q.to_bits(),
            _ => false,
        },
        _ => a == b,
    }
}

fn same_list(a: &Value, b: &Value, float: bool) -> bool {
    match (a.as_array(), b.as_array()) {
        (Some(x), Some(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(p, q)| if float { same_float_text(p, q) } else { p == q })
        }
        _ => false,
    }
}

fn named_zone(tz: &Value) -> bool {
    tz.as_str()
        .is_some_and(|z| z != "UTC" && !z.starts_with("UTC"))
}

fn compare_index(e: &Value, a: &Value, dir: Direction) -> Result<(), String> {
    let ek = e["kind"].as_str().unwrap_or("");
    let ak = a["kind"].as_str().unwrap_or("");
    if e["name"] != a["name"] {
        return Err(format!("index name {} vs {}", e["name"], a["name"]));
    }
    if e["tz"] != a["tz"] {
        return Err(format!("zone {} vs {}", e["tz"], a["tz"]));
    }
    // Python 0.12.1 leaves a TimedeltaIndex as text (M4).
    if dir == Direction::RustWrites && ek == "timedelta" && ak == "string" {
        let parsed: Vec<Value> = a["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| json!(parse_timedelta(l.as_str().unwrap_or("")).ok()))
            .collect();
        return if Value::Array(parsed) == e["labels"] {
            Ok(())
        } else {
            Err(format!(
                "timedelta labels {} vs {}",
                e["labels"], a["labels"]
            ))
        };
    }
    // pandas 3 reads consecutive integers back as a RangeIndex; Python does not apply the
    // recorded dtype to an empty index (it comes back as text).
    let empty = |v: &Value| v["labels"].as_array().is_some_and(|l| l.is_empty());
    let kinds_ok = ek == ak
        || matches!((ek, ak), ("int", "range") | ("range", "int"))
        || (dir == Direction::RustWrites && empty(e) && empty(a) && ak == "string");
    if !kinds_ok {
        return Err(format!("index kind {ek} vs {ak}"));
    }
    if e["freq"] != a["freq"] {
        let dropped = dir == Direction::RustWrites
            && a["freq"].is_null()
            && (named_zone(&e["tz"]) || e["labels"].as_array().is_some_and(|l| l.is_empty()));
        if !dropped {
            return Err(format!("frequency {} vs {}", e["freq"], a["freq"]));
        }
    }
    if !same_list(&e["labels"], &a["labels"], ek == "float") {
        return Err(format!("labels {} vs {}", e["labels"], a["labels"]));
    }
    Ok(())
}

fn compare_values(e: &Value, a: &Value) -> Result<(), String> {
    if e["family"] != a["family"] || e["tz"] != a["tz"] {
        return Err(format!(
            "values {}/{} vs {}/{}",
            e["family"], e["tz"], a["family"], a["tz"]
        ));
    }
    if !same_list(&e["values"], &a["values"], e["family"] == "float") {
        return Err(format!("values {} vs {}", e["values"], a["values"]));
    }
    Ok(())
}

fn compare_signal(e: &Value, a: &Value, dir: Direction) -> Result<(), String> {
    for f in ["name", "units", "provenance"] {
        if e[f] != a[f] {
            return Err(format!("{f}: {} vs {}", e[f], a[f]));
        }
    }
    let es = e["series"].as_object().unwrap();
    let as_ = a["series"].as_object().ok_or("no series")?;
    let mut ek: Vec<&String> = es.keys().collect();
    let mut ak: Vec<&String> = as_.keys().collect();
    ek.sort();
    ak.sort();
    if ek != ak {
        return Err(format!("series {ek:?} vs {ak:?}"));
    }
    for (k, ev) in es {
        let av = &as_[k];
        compare_index(&ev["index"], &av["index"], dir).map_err(|m| format!("{k}: {m}"))?;
        compare_values(&ev["values"], &av["values"]).map_err(|m| format!("{k}: {m}"))?;
        if ev["steps"] != av["steps"] {
            return Err(format!("{k}: steps {} vs {}", ev["steps"], av["steps"]));
        }
    }
    Ok(())
}

/// Compares the description `e` of what was saved with `a`, that of what was loaded.
pub fn compare(e: &Value, a: &Value, dir: Direction) -> Result<(), String> {
    if e["kind"] != a["kind"] {
        return Err(format!("kind {} vs {}", e["kind"], a["kind"]));
    }
    if e["kind"] == "signal" {
        return compare_signal(&e["signal"], &a["signal"], dir);
    }
    for f in ["name", "description", "owner", "purpose", "project"] {
        if e[f] != a[f] {
            return Err(format!("{f}: {} vs {}", e[f], a[f]));
        }
    }
    let es = e["signals"].as_object().unwrap();
    let as_ = a["signals"].as_object().ok_or("no signals")?;
    if es.len() != as_.len() {
        return Err(format!("signals {:?} vs {:?}", es.keys(), as_.keys()));
    }
    for (k, ev) in es {
        let av = as_.get(k).ok_or_else(|| format!("signal {k} missing"))?;
        compare_signal(ev, av, dir).map_err(|m| format!("signal {k}: {m}"))?;
    }
    Ok(())
}
