//! The PROV-JSON export (`meteaudata_core::prov`), validated against the W3C PROV-JSON schema.
//!
//! The schema in `tests/fixtures/prov-json-schema.json` is the JSON Schema (draft 04) linked
//! from section 2.3 of the W3C Member Submission "PROV-JSON" (the address
//! https://www.w3.org/submissions/prov-json/schema). It was taken unmodified (SHA-256
//! 9cf7be7497718f41e40bd65f018cf6c9b815f9d7ca90a2c602d4b99322fd62d5) from the Python package
//! `prov` 3.2.3 on PyPI, file `prov/tests/schemas/prov-json.schema.json` of its wheel
//! `prov-3.2.3-py3-none-any.whl`, where it is vendored byte for byte (pretty-printed) for
//! offline validation, as that folder's README.md says. License: W3C Software and Document
//! License (https://www.w3.org/copyright/software-license-2023/), copyright World Wide Web
//! Consortium; the `prov` package itself is MIT. The schema misspells `wasEndedBy` as
//! `wasEndedby` and defines `prov:startTime` outside `properties`; neither matters here (no
//! `wasEndedBy` record is written, and start times are typed literals, which the schema
//! accepts as attribute values).

use chrono::{NaiveDate, TimeDelta};
use meteaudata_core::prov::{
    activity_id, agent_id, dataset_prov, pinned_series_id, series_id, series_prov,
};
use meteaudata_core::*;
use serde_json::Value;

const SCHEMA: &str = include_str!("fixtures/prov-json-schema.json");

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the PROV-JSON schema compiles")
}

/// Asserts `doc` is valid PROV-JSON, listing every error otherwise.
fn assert_valid(doc: &Value) {
    let v = validator();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid PROV-JSON:\n{}\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(doc).unwrap()
    );
}

fn section<'a>(doc: &'a Value, name: &str) -> &'a serde_json::Map<String, Value> {
    doc.get(name)
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("no {name} section in {doc:#}"))
}

fn count(doc: &Value, name: &str) -> usize {
    doc.get(name)
        .and_then(Value::as_object)
        .map_or(0, serde_json::Map::len)
}

/// The records of a relation section whose attribute `key` is `value`.
fn records_with<'a>(doc: &'a Value, relation: &str, key: &str, value: &str) -> Vec<&'a Value> {
    section(doc, relation)
        .values()
        .filter(|r| r[key] == value)
        .collect()
}

const DS: &str = "reactor";
const RAW_A: &str = "CODa#1_RAW#1";
const RAW_B: &str = "CODb#1_RAW#1";
const SCALED: &str = "CODa#1_SCALED#1";
const SHIFTED: &str = "CODa#1_SHIFTED#1";
const SUM: &str = "SUM#1_SUM#1";

fn raw(values: Vec<f64>) -> Series {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let index = Index::date_range(start, values.len(), TimeDelta::minutes(10), None)
        .unwrap()
        .with_frequency("10min");
    Series::from_f64("RAW", index, values).unwrap()
}

/// A univariate transform applying `f` to every value, recorded as function `name` with
/// suffix `suffix`.
fn map_values(
    name: &'static str,
    suffix: &'static str,
    f: fn(f64) -> f64,
) -> impl Fn(&[Series]) -> Result<Vec<TransformOutput>> {
    move |inputs: &[Series]| {
        let s = &inputs[0];
        let vals: Vec<f64> = s
            .f64_values()
            .unwrap()
            .values()
            .iter()
            .map(|v| f(*v))
            .collect();
        let step = ProcessingStep::new(
            ProcessingType::Transformation,
            format!("{name} every value"),
            FunctionInfo::new(name, "1.0", "Lab team", format!("notes/{name}.md")),
            suffix,
        )
        .with_parameters(Parameters::new().with("function", name).with("window", 3));
        Ok(vec![TransformOutput::new(
            Series::from_f64(suffix, s.index().clone(), vals)?,
            step,
        )])
    }
}

/// The sum of two series, as a new signal `SUM` (a dataset-level, two-input step).
fn sum(signals: &[Signal], names: &[String]) -> Result<Vec<Signal>> {
    let a = signals[0].get(&names[0])?.series()?;
    let b = signals[1].get(&names[1])?.series()?;
    let (va, vb) = (a.f64_values().unwrap(), b.f64_values().unwrap());
    let vals: Vec<f64> = va
        .values()
        .iter()
        .zip(vb.values())
        .map(|(x, y)| x + y)
        .collect();
    let step = ProcessingStep::new(
        ProcessingType::DimensionalityReduction,
        "sum of two signals",
        FunctionInfo::new("sum", "1.0", "Lab team", "-"),
        "SUM",
    )
    .with_inputs(names.iter().cloned());
    let mut out = Signal::new("SUM", "mg/L")?;
    out.add(
        TimeSeries::new(Series::from_f64("SUM", a.index().clone(), vals)?).with_steps(vec![step]),
    )?;
    Ok(vec![out])
}

/// `reactor`: two raw series, `SCALED` from the first, `SHIFTED` from `SCALED`, and `SUM`
/// of both raw series.
fn reactor() -> Dataset {
    let a = Signal::new("CODa", "mg/L")
        .unwrap()
        .with_series(raw(vec![10.0, 11.0, 12.5, 13.0, 12.0, 11.5]))
        .unwrap();
    let b = Signal::new("CODb", "mg/L")
        .unwrap()
        .with_series(raw(vec![12.0, 13.0, 13.5, 14.0, 14.5, 13.0]))
        .unwrap();
    let mut ds = Dataset::new(DS).unwrap().with_signals([a, b]).unwrap();
    let sig = ds.signal_mut("CODa#1").unwrap();
    let out = sig
        .process(
            &[RAW_A],
            &map_values("scale", "SCALED", |v| v * 2.0),
            ProcessOptions::new(),
        )
        .unwrap();
    assert_eq!(out, [SCALED]);
    let out = sig
        .process(
            &[SCALED],
            &map_values("shift", "SHIFTED", |v| v + 1.0),
            ProcessOptions::new(),
        )
        .unwrap();
    assert_eq!(out, [SHIFTED]);
    let out = ds
        .process(&[RAW_A, RAW_B], &sum, DatasetProcessOptions::new())
        .unwrap();
    assert_eq!(out, ["SUM#1"]);
    ds
}

fn time_series<'a>(ds: &'a Dataset, name: &str) -> &'a TimeSeries {
    let signal = naming::SeriesName::parse(name).signal;
    ds.signal(&signal).unwrap().get(name).unwrap()
}

#[test]
fn the_schema_is_the_official_one_and_rejects_broken_documents() {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
    assert_eq!(schema["description"], "Schema for a PROV-JSON document");
    let v = validator();
    // A usage without its entity, an unknown section, and an id that is no URI are rejected.
    assert!(!v.is_valid(&serde_json::json!({"used": {"_:u1": {"prov:activity": "ex:a"}}})));
    assert!(!v.is_valid(&serde_json::json!({"uses": {}})));
    assert!(!v.is_valid(&serde_json::json!({"used": {"_:u1": {"prov:entity": "not a uri"}}})));
    assert!(v.is_valid(&serde_json::json!({"used": {"_:u1": {"prov:entity": "ex:e"}}})));
}

#[test]
fn dataset_document_is_valid_prov_json_with_every_record() {
    let ds = reactor();
    let doc = dataset_prov(&ds).unwrap();
    assert_valid(&doc);

    assert_eq!(
        section(&doc, "prefix")["meteaudata"],
        prov::METEAUDATA_NAMESPACE
    );
    assert_eq!(
        section(&doc, "prefix")["prov"],
        "http://www.w3.org/ns/prov#"
    );
    assert_eq!(
        section(&doc, "prefix")["xsd"],
        "http://www.w3.org/2001/XMLSchema#"
    );

    // Five series, three steps (SHIFTED's history repeats SCALED's step: one activity), three
    // functions.
    assert_eq!(count(&doc, "entity"), 5);
    assert_eq!(count(&doc, "activity"), 3);
    assert_eq!(count(&doc, "agent"), 3);
    assert_eq!(count(&doc, "wasGeneratedBy"), 3);
    assert_eq!(count(&doc, "used"), 4);
    assert_eq!(count(&doc, "wasDerivedFrom"), 4);
    assert_eq!(count(&doc, "wasAssociatedWith"), 3);
    let mut sections: Vec<&String> = doc.as_object().unwrap().keys().collect();
    sections.sort();
    assert_eq!(
        sections,
        [
            "activity",
            "agent",
            "entity",
            "prefix",
            "used",
            "wasAssociatedWith",
            "wasDerivedFrom",
            "wasGeneratedBy"
        ]
    );

    let entities = section(&doc, "entity");
    for name in [RAW_A, RAW_B, SCALED, SHIFTED, SUM] {
        let e = &entities[&series_id(DS, name)];
        let ts = time_series(&ds, name);
        let series = ts.series().unwrap();
        assert_eq!(e["prov:label"], name);
        assert_eq!(
            e["meteaudata:contentHash"],
            series.content_hash().unwrap().to_string()
        );
        assert_eq!(e["meteaudata:points"], series.len() as u64);
        assert_eq!(e["meteaudata:valuesDtype"], "float64");
        assert_eq!(e["prov:type"]["$"], "meteaudata:TimeSeries");
        assert_eq!(e["meteaudata:units"], "mg/L");
    }
    assert_eq!(
        series_id(DS, SCALED),
        "meteaudata:reactor/CODa%231_SCALED%231"
    );

    // Activities: one per step, id from the output series and the step's index in its history.
    let scaled_step = activity_id(DS, SCALED, 0);
    let shifted_step = activity_id(DS, SHIFTED, 1);
    let sum_step = activity_id(DS, SUM, 0);
    let activities = section(&doc, "activity");
    let mut ids: Vec<&String> = activities.keys().collect();
    ids.sort();
    let mut expected = vec![&scaled_step, &shifted_step, &sum_step];
    expected.sort();
    assert_eq!(ids, expected);
    for (act, series) in [
        (&scaled_step, SCALED),
        (&shifted_step, SHIFTED),
        (&sum_step, SUM),
    ] {
        let step = time_series(&ds, series).processing_steps.last().unwrap();
        let a = &activities[act.as_str()];
        assert_eq!(a["prov:startTime"]["$"], step.run_datetime.to_string());
        assert_eq!(a["prov:startTime"]["type"], "xsd:dateTime");
        assert_eq!(
            a["prov:type"]["$"],
            format!("meteaudata:{}", step.step_type.as_str())
        );
        assert_eq!(a["meteaudata:description"], step.description.as_str());
        assert_eq!(a["meteaudata:suffix"], step.suffix.as_str());
        match &step.parameters {
            Some(p) => {
                let text = a["meteaudata:parameters"].as_str().unwrap();
                let back: Parameters = serde_json::from_str(text).unwrap();
                assert_eq!(&back, p);
            }
            None => assert!(a.get("meteaudata:parameters").is_none()),
        }
    }
    assert_eq!(
        activities[scaled_step.as_str()]["meteaudata:parameters"],
        r#"{"function":"scale","window":3}"#
    );

    // Agents: the functions, software agents with author and reference.
    let agents = section(&doc, "agent");
    let scale = &agents["meteaudata:function/scale/1.0"];
    assert_eq!(scale["prov:type"]["$"], "prov:SoftwareAgent");
    assert_eq!(scale["meteaudata:author"], "Lab team");
    assert_eq!(scale["meteaudata:reference"], "notes/scale.md");
    let info = &time_series(&ds, SUM).processing_steps[0].function_info;
    assert!(agents.contains_key(&agent_id(info)));

    // used / wasGeneratedBy / wasDerivedFrom / wasAssociatedWith link the right ids.
    let used = records_with(&doc, "used", "prov:activity", &scaled_step);
    assert_eq!(used.len(), 1);
    assert_eq!(used[0]["prov:entity"], series_id(DS, RAW_A));
    let pinned = time_series(&ds, RAW_A)
        .series()
        .unwrap()
        .content_hash()
        .unwrap()
        .to_string();
    assert_eq!(used[0]["meteaudata:contentHash"], pinned);
    let used = records_with(&doc, "used", "prov:activity", &shifted_step);
    assert_eq!(used.len(), 1);
    assert_eq!(used[0]["prov:entity"], series_id(DS, SCALED));
    let mut sum_inputs: Vec<(u64, String)> = records_with(&doc, "used", "prov:activity", &sum_step)
        .iter()
        .map(|u| {
            (
                u["meteaudata:inputIndex"].as_u64().unwrap(),
                u["prov:entity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    sum_inputs.sort();
    assert_eq!(
        sum_inputs,
        [(0, series_id(DS, RAW_A)), (1, series_id(DS, RAW_B))]
    );
    for (series, act) in [
        (SCALED, &scaled_step),
        (SHIFTED, &shifted_step),
        (SUM, &sum_step),
    ] {
        let generated = records_with(
            &doc,
            "wasGeneratedBy",
            "prov:entity",
            &series_id(DS, series),
        );
        assert_eq!(generated.len(), 1);
        assert_eq!(generated[0]["prov:activity"], act.as_str());
        let associated = records_with(&doc, "wasAssociatedWith", "prov:activity", act);
        assert_eq!(associated.len(), 1);
    }
    let derived = records_with(
        &doc,
        "wasDerivedFrom",
        "prov:generatedEntity",
        &series_id(DS, SHIFTED),
    );
    assert_eq!(derived.len(), 1);
    assert_eq!(derived[0]["prov:usedEntity"], series_id(DS, SCALED));
    assert_eq!(derived[0]["prov:activity"], shifted_step.as_str());
    assert_eq!(
        records_with(
            &doc,
            "wasDerivedFrom",
            "prov:generatedEntity",
            &series_id(DS, SUM)
        )
        .len(),
        2
    );
    // Raw series are made by no step.
    assert!(records_with(&doc, "wasGeneratedBy", "prov:entity", &series_id(DS, RAW_A)).is_empty());
    // Relation ids are blank nodes, unique by construction (they are object keys).
    for relation in [
        "used",
        "wasGeneratedBy",
        "wasDerivedFrom",
        "wasAssociatedWith",
    ] {
        assert!(section(&doc, relation).keys().all(|k| k.starts_with("_:")));
    }
}

#[test]
fn series_document_holds_only_the_series_and_its_ancestors() {
    let ds = reactor();
    let doc = series_prov(&ds, SCALED).unwrap();
    assert_valid(&doc);
    assert_eq!(count(&doc, "entity"), 2);
    assert_eq!(count(&doc, "activity"), 1);
    assert_eq!(count(&doc, "agent"), 1);
    assert_eq!(count(&doc, "used"), 1);
    assert_eq!(count(&doc, "wasGeneratedBy"), 1);
    assert_eq!(count(&doc, "wasDerivedFrom"), 1);
    assert_eq!(count(&doc, "wasAssociatedWith"), 1);
    let text = serde_json::to_string(&doc).unwrap();
    assert!(!text.contains("SHIFTED"), "{text}");
    assert!(!text.contains("CODb"), "{text}");
    assert!(section(&doc, "entity").contains_key(&series_id(DS, RAW_A)));

    // The second derived series: its history holds both steps, each one activity.
    let doc = series_prov(&ds, SHIFTED).unwrap();
    assert_valid(&doc);
    assert_eq!(count(&doc, "entity"), 3);
    assert_eq!(count(&doc, "activity"), 2);
    assert!(section(&doc, "activity").contains_key(&activity_id(DS, SCALED, 0)));
    assert!(section(&doc, "activity").contains_key(&activity_id(DS, SHIFTED, 1)));

    // A raw series alone: one entity, nothing else.
    let doc = series_prov(&ds, RAW_B).unwrap();
    assert_valid(&doc);
    let mut sections: Vec<&String> = doc.as_object().unwrap().keys().collect();
    sections.sort();
    assert_eq!(sections, ["entity", "prefix"]);

    let err = series_prov(&ds, "CODa#1_NOPE#1").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("CODa#1_NOPE#1"), "{err}");
    assert!(err.to_string().contains(SCALED), "{err}");
}

#[test]
fn output_is_byte_identical_on_two_runs() {
    let ds = reactor();
    let first = serde_json::to_string_pretty(&dataset_prov(&ds).unwrap()).unwrap();
    let second = serde_json::to_string_pretty(&dataset_prov(&ds).unwrap()).unwrap();
    assert_eq!(first, second);
    // A clone (another map, other allocations) gives the same bytes too.
    let third = serde_json::to_string_pretty(&dataset_prov(&ds.clone()).unwrap()).unwrap();
    assert_eq!(first, third);
    let one = serde_json::to_string(&series_prov(&ds, SHIFTED).unwrap()).unwrap();
    let two = serde_json::to_string(&series_prov(&ds, SHIFTED).unwrap()).unwrap();
    assert_eq!(one, two);
}

#[test]
fn a_replaced_input_appears_as_its_pinned_version() {
    let mut ds = reactor();
    let old = time_series(&ds, RAW_A)
        .series()
        .unwrap()
        .content_hash()
        .unwrap();
    // The step pinned the raw series' content when it ran.
    let step = &time_series(&ds, SCALED).processing_steps[0];
    let pins = step.pins.as_ref().expect("process pins the inputs");
    assert_eq!(pins.inputs[0].name, RAW_A);
    assert_eq!(pins.inputs[0].hash, old);

    // The raw data is then corrected in place.
    let corrected = raw(vec![10.0, 11.0, 12.0, 13.0, 12.0, 11.5]);
    let new = corrected.content_hash().unwrap();
    assert_ne!(new, old);
    ds.signal_mut("CODa#1")
        .unwrap()
        .get_mut(RAW_A)
        .unwrap()
        .set_series(corrected);

    let doc = dataset_prov(&ds).unwrap();
    assert_valid(&doc);
    let pinned_id = pinned_series_id(DS, RAW_A, &old);
    assert_eq!(
        pinned_id,
        format!(
            "meteaudata:reactor/CODa%231_RAW%231@{}",
            &old.to_string()[..16]
        )
    );
    let entities = section(&doc, "entity");
    // The five series and the version both steps that read CODa#1_RAW#1 recorded.
    assert_eq!(entities.len(), 6);
    let pinned = &entities[&pinned_id];
    assert_eq!(pinned["meteaudata:contentHash"], old.to_string());
    assert_eq!(
        pinned["prov:label"],
        format!("{RAW_A}@{}", &old.to_string()[..16])
    );
    assert_eq!(
        entities[&series_id(DS, RAW_A)]["meteaudata:contentHash"],
        new.to_string()
    );

    // Both steps that read it used the pinned version, not the current one.
    let scaled_used = records_with(&doc, "used", "prov:activity", &activity_id(DS, SCALED, 0));
    assert_eq!(scaled_used[0]["prov:entity"], pinned_id.as_str());
    let sum_used = records_with(&doc, "used", "prov:entity", &pinned_id);
    assert_eq!(sum_used.len(), 2);
    assert!(records_with(&doc, "used", "prov:entity", &series_id(DS, RAW_A)).is_empty());
    // The current version is a revision of the pinned one (one record for both steps).
    let revisions = records_with(&doc, "wasDerivedFrom", "prov:usedEntity", &pinned_id)
        .into_iter()
        .filter(|d| d.get("prov:activity").is_none())
        .collect::<Vec<_>>();
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0]["prov:generatedEntity"], series_id(DS, RAW_A));
    assert_eq!(revisions[0]["prov:type"]["$"], "prov:Revision");
    assert_eq!(count(&doc, "wasDerivedFrom"), 5);
    assert_eq!(count(&doc, "used"), 4);

    // The lineage of SHIFTED shows it too; the one of CODb's raw series does not.
    let doc = series_prov(&ds, SHIFTED).unwrap();
    assert_valid(&doc);
    assert!(section(&doc, "entity").contains_key(&pinned_id));
    let doc = series_prov(&ds, RAW_B).unwrap();
    assert!(!section(&doc, "entity").contains_key(&pinned_id));
}

#[test]
fn removed_inputs_and_export_renames() {
    let mut ds = reactor();
    // An export rename after SHIFTED's own step computes nothing: the step stays the shift.
    let mut rename = ProcessingStep::new(
        ProcessingType::ExportRename,
        "renamed on export",
        FunctionInfo::new("export", "1.0", "me", "-"),
        "SHIFTED",
    )
    .with_inputs([SHIFTED]);
    rename.run_datetime = "2024-02-01T00:00:00".parse().unwrap();
    ds.signal_mut("CODa#1")
        .unwrap()
        .get_mut(SHIFTED)
        .unwrap()
        .processing_steps
        .push(rename);
    // SCALED is removed: SHIFTED still names it as its input.
    ds.signal_mut("CODa#1").unwrap().remove(SCALED).unwrap();

    let doc = series_prov(&ds, SHIFTED).unwrap();
    assert_valid(&doc);
    let activities = section(&doc, "activity");
    assert_eq!(activities.len(), 1);
    assert!(activities.contains_key(&activity_id(DS, SHIFTED, 1)));
    let scaled = &section(&doc, "entity")[&series_id(DS, SCALED)];
    assert_eq!(scaled["meteaudata:missing"], true);
    assert!(scaled.get("meteaudata:contentHash").is_none());
    // Its own history is gone with it: RAW is no longer an ancestor.
    assert_eq!(count(&doc, "entity"), 2);
    assert!(!section(&doc, "agent").contains_key("meteaudata:function/export/1.0"));

    let doc = dataset_prov(&ds).unwrap();
    assert_valid(&doc);
    assert_eq!(count(&doc, "entity"), 5);
    assert_eq!(count(&doc, "activity"), 2);
}
