//! A dataset as archive files: `<dataset>_metadata.yaml` (the dataset fields and every
//! signal's document) and `<dataset>_data/`, which holds each signal as a signal archive
//! would (`<signal>_metadata.yaml`, `<signal>_data/*.csv`). Loading reads the signal
//! documents nested in the dataset document, as Python does.

use meteaudata_core::metadata::{to_sorted_yaml, DatasetMetadata};
use meteaudata_core::{Dataset, Error, Result};
use std::path::Path;

use crate::errors::in_file;
use crate::options::ExportOptions;
use crate::record::dataset_records;
use crate::signal_archive::{data_dir, signal_from_metadata, write_signal};
use crate::sink::{check_component, Sink};

/// Writes every file of `dataset`.
pub(crate) fn write_dataset(
    sink: &mut dyn Sink,
    dataset: &Dataset,
    opts: &ExportOptions,
) -> Result<()> {
    let name = dataset.name();
    check_component(name, "dataset name")?;
    let prefix = format!("{}/", data_dir(name));
    let mut meta = dataset.metadata();
    meta.signals.clear();
    let mut doc = serde_yaml::to_value(&meta).map_err(|e| Error::parse("dataset metadata", e))?;
    sink.add_dir(&data_dir(name))?;
    let mut signals = serde_yaml::Mapping::new();
    for (key, signal) in dataset.signals() {
        let sdoc = write_signal(sink, &prefix, signal, opts)?;
        signals.insert(key.as_str().into(), sdoc);
    }
    if let serde_yaml::Value::Mapping(m) = &mut doc {
        m.insert("signals".into(), serde_yaml::Value::Mapping(signals));
    }
    let yaml = to_sorted_yaml(&doc)?;
    sink.add(&format!("{name}_metadata.yaml"), yaml.as_bytes())
}

/// Reads a dataset from its document text; `root` holds `<dataset>_data/`.
pub(crate) fn read_dataset(yaml: &str, yaml_file: &Path, root: &Path) -> Result<Dataset> {
    let label = yaml_file.display().to_string();
    let records = dataset_records(yaml, &label)?;
    let mut meta = DatasetMetadata::from_yaml(yaml).map_err(|e| in_file(&label, e))?;
    let data = root.join(data_dir(&meta.name));
    if !data.is_dir() {
        return Err(Error::not_found(
            "dataset data folder",
            data.display().to_string(),
            Vec::<String>::new(),
        ));
    }
    let docs = std::mem::take(&mut meta.signals);
    let mut signals = Vec::with_capacity(docs.len());
    for (key, sdoc) in docs {
        check_component(&key, "signal name")?;
        let mut folder = data.join(data_dir(&key));
        if !folder.is_dir() && sdoc.name != key {
            folder = data.join(data_dir(&sdoc.name));
        }
        if !folder.is_dir() {
            return Err(Error::not_found(
                "signal data folder",
                data.join(data_dir(&key)).display().to_string(),
                Vec::<String>::new(),
            ));
        }
        let sig_label = format!("{label} (signal {key})");
        signals.push(signal_from_metadata(
            sdoc,
            records.get(&key),
            &folder,
            &sig_label,
        )?);
    }
    Dataset::from_parts(
        &meta.name,
        meta.description,
        meta.owner,
        meta.purpose,
        meta.project,
        meta.created_on,
        meta.last_updated,
        signals,
    )
    .map_err(|e| in_file(&label, e))
}
