//! save → load gives back an equal model, for arbitrary signals and datasets (every index kind,
//! named zones across DST, nanoseconds, NaN/null/±inf, tricky text, typed parameters) and
//! arbitrary export options.

use meteaudata_archive::{
    load_dataset, load_signal, save_dataset, save_signal, ExportOptions, HeaderName, ValueNames,
};
use meteaudata_testkit::strategies as st;
use proptest::prelude::*;

fn header() -> impl Strategy<Value = HeaderName> {
    prop_oneof![
        st::tricky_text().prop_map(HeaderName::Name),
        prop::collection::vec(st::tricky_text(), 1..4).prop_map(HeaderName::Levels),
    ]
}

fn options() -> impl Strategy<Value = ExportOptions> {
    (
        any::<bool>(),
        prop::sample::select(vec![',', ';', '\t', '|', ' ', '.', '#', '°']),
        prop::option::of(header()),
        prop_oneof![
            Just(ValueNames::Default),
            Just(ValueNames::Auto),
            header().prop_map(ValueNames::All),
        ],
    )
        .prop_map(|(zip, sep, idx, vals)| {
            let o = ExportOptions::new()
                .zip(zip)
                .separator(sep)
                .value_names(vals);
            match idx {
                Some(h) => o.index_name(h),
                None => o,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn signals_round_trip(signal in st::signal(6), opts in options()) {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        let path = save_signal(&signal, &dest, &opts).unwrap();
        let back = load_signal(&path, Some(signal.name())).unwrap();
        prop_assert_eq!(&back, &signal);
        prop_assert_eq!(back.metadata(), signal.metadata());
        // Only the archive (and its folder) were created.
        let names: Vec<_> = std::fs::read_dir(&dest).unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        prop_assert_eq!(names.len(), if opts.is_zip() { 1 } else { 2 }, "{:?}", names);
    }

    #[test]
    fn datasets_round_trip(dataset in st::dataset(4), opts in options()) {
        let dir = tempfile::tempdir().unwrap();
        let path = save_dataset(&dataset, dir.path(), &opts).unwrap();
        let back = load_dataset(&path).unwrap();
        prop_assert_eq!(&back, &dataset);
    }
}
