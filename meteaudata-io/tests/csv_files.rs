//! The CSV reader on the shapes of file people have: public weather samples, semicolons and
//! decimal commas, text and missing cells, files without a header, BOMs and bad encodings,
//! DST changes under every policy, and errors that name the line.

use arrow_array::{Array, BooleanArray, Int64Array, StringArray, TimestampNanosecondArray};
use meteaudata_core::{naive_to_nanos, ErrorKind, Series, TimeZone};
use meteaudata_io::csv::*;
use proptest::prelude::*;

fn read(text: &str, options: &CsvOptions) -> meteaudata_core::Result<(CsvLayout, Vec<Series>)> {
    let r = CsvReader::from_reader(std::io::Cursor::new(text.to_string()), "test.csv", options)?;
    let layout = r.layout().clone();
    Ok((layout, r.read_all()?))
}

fn times(s: &Series) -> Vec<Option<i64>> {
    let a = s.index().to_arrow();
    let a = a
        .as_any()
        .downcast_ref::<TimestampNanosecondArray>()
        .unwrap()
        .clone();
    a.iter().collect()
}

fn at(s: &str) -> i64 {
    let fmt = if s.len() == 10 {
        "%Y-%m-%d"
    } else {
        "%Y-%m-%d %H:%M"
    };
    let naive = if s.len() == 10 {
        chrono::NaiveDate::parse_from_str(s, fmt)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    } else {
        chrono::NaiveDateTime::parse_from_str(s, fmt).unwrap()
    };
    naive_to_nanos(&naive).unwrap()
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn seattle_weather_with_slashed_dates_and_a_text_column() {
    let r = CsvReader::open(fixture("seattle-weather-2012-01.csv"), &CsvOptions::new()).unwrap();
    let layout = r.layout().clone();
    assert_eq!(layout.time_column, ("date".to_string(), 0));
    assert_eq!(layout.time_format, "%Y/%m/%d");
    let types: Vec<_> = layout
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.column_type))
        .collect();
    assert_eq!(
        types,
        [
            ("precipitation", ColumnType::Float),
            ("temp_max", ColumnType::Float),
            ("temp_min", ColumnType::Float),
            ("wind", ColumnType::Float),
            ("weather", ColumnType::Text),
        ]
    );
    let series = r.read_all().unwrap();
    assert_eq!(series[0].len(), 31);
    assert_eq!(times(&series[0])[0], Some(at("2012-01-01")));
    assert_eq!(times(&series[0])[30], Some(at("2012-01-31")));
    assert_eq!(series[0].index().name(), Some("date"));
    assert_eq!(series[1].f64_values().unwrap().value(18), -1.1);
    let weather = series[4]
        .values()
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert_eq!((weather.value(0), weather.value(13)), ("drizzle", "snow"));
    assert_eq!(series[4].name(), "weather");
}

#[test]
fn seattle_temps_hourly() {
    let r = CsvReader::open(fixture("seattle-temps-2010-01-01.csv"), &CsvOptions::new()).unwrap();
    assert_eq!(r.layout().time_format, "%Y-%m-%d %H:%M:%S%.f");
    let s = r.read_all().unwrap();
    assert_eq!(s[0].len(), 24);
    assert_eq!(times(&s[0])[23], Some(at("2010-01-02 00:00")));
    assert_eq!(s[0].f64_values().unwrap().value(6), 38.6);
}

#[test]
fn semicolons_decimal_commas_and_missing_cells() {
    let text = "Zeit;Durchfluss;Status\n01.02.2012 13:45;1,5;ok\n01.02.2012 14:00;N/A;\n01.02.2012 14:15;-0,25;NULL\n";
    let (layout, s) = read(text, &CsvOptions::new()).unwrap();
    assert_eq!((layout.delimiter, layout.decimal), (b';', ','));
    assert_eq!(layout.time_format, "%d.%m.%Y %H:%M");
    let v = s[0].f64_values().unwrap();
    assert_eq!(v.value(0), 1.5);
    assert!(v.value(1).is_nan());
    assert_eq!(v.value(2), -0.25);
    assert_eq!(times(&s[0])[0], Some(at("2012-02-01 13:45")));
    let status = s[1]
        .values()
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert_eq!((status.value(0), status.null_count()), ("ok", 2));
    // Told otherwise: a custom NA token, a fixed delimiter.
    let (_, s) = read(
        "time,x\n2012-01-01,-\n2012-01-02,2\n",
        &CsvOptions::new().na_token("-"),
    )
    .unwrap();
    assert!(s[0].f64_values().unwrap().value(0).is_nan());
    let e = read(
        "time,x\n2012-01-01,-\n2012-01-02,2\n",
        &CsvOptions::new().column_type("x", ColumnType::Float),
    )
    .unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
}

#[test]
fn integers_booleans_selection_and_renaming() {
    let text = "timestamp\tcount\tflag\tnote\n2020-01-01T00:00:00Z\t3\tTrue\ta\n2020-01-01T00:10:00Z\t-4\tfalse\tb\n";
    let opts = CsvOptions::new()
        .columns(["n", "flag"])
        .rename("count", "n");
    let (layout, s) = read(text, &opts).unwrap();
    assert_eq!(layout.delimiter, b'\t');
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].name(), "n");
    let n = s[0].values().as_any().downcast_ref::<Int64Array>().unwrap();
    assert_eq!(n.values().to_vec(), vec![3, -4]);
    let f = s[1]
        .values()
        .as_any()
        .downcast_ref::<BooleanArray>()
        .unwrap();
    assert_eq!((f.value(0), f.value(1)), (true, false));
    // Offsets make instants, shown in UTC.
    assert_eq!(s[0].index().time_zone(), Some(TimeZone::Utc));
    assert_eq!(times(&s[0])[1], Some(at("2020-01-01 00:10")));
    let e = read(text, &CsvOptions::new().columns(["nope"])).unwrap_err();
    assert!(e.to_string().contains("no column \"nope\""), "{e}");
    let e = read(text, &CsvOptions::new().rename("nope", "x")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn no_header_epochs_and_explicit_formats() {
    let (layout, s) = read(
        "1500000000,1.0\n1500000060,2.0\n",
        &CsvOptions::new()
            .time_format(TimeFormat::Epoch(EpochUnit::Seconds))
            .time_column("0"),
    )
    .unwrap();
    assert!(!layout.header);
    assert_eq!(s[0].name(), "1");
    assert_eq!(times(&s[0])[1], Some(1_500_000_060_000_000_000));
    let (layout, s) = read(
        "2012-01-01 00:00,5\n2012-01-01 01:00,6\n",
        &CsvOptions::new(),
    )
    .unwrap();
    assert!(!layout.header, "a first row holding a date is data");
    assert_eq!(s[0].len(), 2);
    let (_, s) = read(
        "when,v\n04|03|2012 05h,1\n",
        &CsvOptions::new()
            .time_format(TimeFormat::Strftime("%d|%m|%Y %Hh".into()))
            .time_column("when"),
    )
    .unwrap();
    assert_eq!(times(&s[0])[0], Some(at("2012-03-04 05:00")));
}

#[test]
fn encodings_are_reported_with_the_line() {
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(b"time,v\n2012-01-01,1\n");
    let r =
        CsvReader::from_reader(std::io::Cursor::new(bom), "bom.csv", &CsvOptions::new()).unwrap();
    assert_eq!(r.layout().time_column.0, "time");
    let mut latin1 = b"time,v,t\n2012-01-01,1,a\n2012-01-02,2,".to_vec();
    latin1.extend_from_slice(&[b'c', 0xE9, b'\n']);
    let e = CsvReader::from_reader(
        std::io::Cursor::new(latin1),
        "latin1.csv",
        &CsvOptions::new(),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("line 3") && e.to_string().contains("UTF-8"),
        "{e}"
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("time,v\n".bytes().flat_map(|b| [b, 0]))
        .collect();
    let e = CsvReader::from_reader(std::io::Cursor::new(utf16), "u16.csv", &CsvOptions::new())
        .unwrap_err();
    assert!(e.to_string().contains("UTF-16"), "{e}");
    let e = read("time,v\n2012-01-01,1,9\n", &CsvOptions::new()).unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
    assert_eq!(
        read("", &CsvOptions::new()).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let e = read("a,b\nx,1\n", &CsvOptions::new()).unwrap_err();
    assert!(e.to_string().contains("needs a time column"), "{e}");
}

#[test]
fn a_bad_cell_after_the_sample_names_its_line() {
    let mut text = String::from("time,v\n");
    for i in 0..1500 {
        text.push_str(&format!("2012-01-01 00:{:02},{}\n", i % 60, i));
    }
    text.push_str("2012-01-02 00:00,oops\n");
    let e = read(&text, &CsvOptions::new()).unwrap_err();
    assert!(
        e.to_string().contains("line 1502") && e.to_string().contains("oops"),
        "{e}"
    );
    let text = "time,v\n2012-01-01,1\nlater,2\n";
    let e = read(text, &CsvOptions::new().time_column("time")).unwrap_err();
    assert!(e.to_string().contains("line 3"), "{e}");
}

fn paris(text: &str, n: Nonexistent, a: Ambiguous) -> meteaudata_core::Result<Vec<Option<i64>>> {
    let opts = CsvOptions::new()
        .tz("Europe/Paris".parse().unwrap())
        .nonexistent(n)
        .ambiguous(a);
    let (_, s) = read(text, &opts)?;
    Ok(times(&s[0]))
}

#[test]
fn spring_forward_under_each_policy() {
    // 2021-03-28: 02:00-02:59 do not exist in Paris.
    let text = "time,v\n2021-03-28 01:30,1\n2021-03-28 02:30,2\n2021-03-28 03:30,3\n";
    let e = paris(text, Nonexistent::Raise, Ambiguous::Raise).unwrap_err();
    assert!(
        e.to_string().contains("line 3") && e.to_string().contains("does not exist"),
        "{e}"
    );
    let t = paris(text, Nonexistent::NaT, Ambiguous::Raise).unwrap();
    assert_eq!(
        t,
        vec![
            Some(at("2021-03-28 00:30")),
            None,
            Some(at("2021-03-28 01:30"))
        ]
    );
    let t = paris(text, Nonexistent::ShiftForward, Ambiguous::Raise).unwrap();
    assert_eq!(t[1], Some(at("2021-03-28 01:00")));
}

#[test]
fn fall_back_under_each_policy() {
    // 2021-10-31: 02:00-02:59 happen twice in Paris.
    let text =
        "time,v\n2021-10-31 01:30,1\n2021-10-31 02:30,2\n2021-10-31 02:30,3\n2021-10-31 03:30,4\n";
    let e = paris(text, Nonexistent::Raise, Ambiguous::Raise).unwrap_err();
    assert!(
        e.to_string().contains("line 3") && e.to_string().contains("ambiguous"),
        "{e}"
    );
    let t = paris(text, Nonexistent::Raise, Ambiguous::Infer).unwrap();
    assert_eq!(
        t[1..3],
        [Some(at("2021-10-31 00:30")), Some(at("2021-10-31 01:30"))]
    );
    let t = paris(text, Nonexistent::Raise, Ambiguous::Earliest).unwrap();
    assert_eq!(t[1..3], [Some(at("2021-10-31 00:30")); 2]);
    let t = paris(text, Nonexistent::Raise, Ambiguous::Latest).unwrap();
    assert_eq!(t[1..3], [Some(at("2021-10-31 01:30")); 2]);
    // Infer needs the hour repeated.
    let once = "time,v\n2021-10-31 01:30,1\n2021-10-31 02:30,2\n2021-10-31 03:30,4\n";
    assert!(paris(once, Nonexistent::Raise, Ambiguous::Infer).is_err());
}

proptest! {
    /// Chunks of any size give the rows read at once, in order, bit for bit.
    #[test]
    fn chunks_join_to_the_whole(
        cells in prop::collection::vec(prop_oneof![Just(None), (-1e6f64..1e6).prop_map(Some)], 1..300),
        chunk in 1usize..50,
    ) {
        let mut text = String::from("time,v\n");
        for (i, c) in cells.iter().enumerate() {
            let v = c.map_or("NA".to_string(), |x| format!("{x:?}"));
            text.push_str(&format!("2020-01-01 00:00:{:02}.{:03},{v}\n", i / 1000, i % 1000));
        }
        let (_, whole) = read(&text, &CsvOptions::new()).unwrap();
        let mut r = CsvReader::from_reader(std::io::Cursor::new(text), "p.csv", &CsvOptions::new().chunk_rows(chunk)).unwrap();
        let mut parts = Vec::new();
        while let Some(c) = r.next_chunk().unwrap() {
            prop_assert!(c.series[0].len() <= chunk);
            parts.push(c.series[0].clone());
        }
        let joined = Series::concat(&parts).unwrap();
        prop_assert_eq!(&joined, &whole[0]);
        let v = whole[0].f64_values().unwrap();
        for (i, c) in cells.iter().enumerate() {
            match c {
                Some(x) => prop_assert_eq!(v.value(i).to_bits(), x.to_bits()),
                None => prop_assert!(v.value(i).is_nan()),
            }
        }
    }
}

/// Cells at the edge of what a date can be are errors naming their line, never panics; a
/// literal `Z` in an explicit format is matched as written.
#[test]
fn extreme_and_literal_times() {
    for cell in [
        "+262143-12-31T23:00:00-05:00",
        "-262143-01-01T00:30:00+01:00",
        "2500-01-01T00:00:00Z",
    ] {
        let text = format!("time,a\n2020-01-01T00:00:00Z,0\n{cell},1\n");
        let e = read(&text, &CsvOptions::new()).unwrap_err();
        assert!(e.to_string().contains("line 3"), "{cell}: {e}");
    }
    let text = "time,a\n2021-01-01 00:00,0\n+262143-12-31 23:59,1\n";
    for n in [
        Nonexistent::Raise,
        Nonexistent::ShiftForward,
        Nonexistent::NaT,
    ] {
        let opts = CsvOptions::new()
            .tz("America/New_York".parse().unwrap())
            .nonexistent(n)
            .time_format(TimeFormat::Strftime("%Y-%m-%d %H:%M".into()));
        let e = read(text, &opts).unwrap_err();
        assert!(e.to_string().contains("line 3"), "{n:?}: {e}");
    }
    let opts = CsvOptions::new().time_format(TimeFormat::Strftime("%Y-%m-%dT%H:%M:%SZ".into()));
    let (_, s) = read("time,a\n2012-01-01T00:00:00Z,1\n", &opts).unwrap();
    assert_eq!(times(&s[0]), vec![Some(at("2012-01-01"))]);
}

/// Line numbers count every line of the file: CRLF endings (spreadsheet and logger exports),
/// blank lines and quoted line breaks.
#[test]
fn line_numbers_with_crlf_blank_lines_and_quotes() {
    let cases = [
        ("time,a\r\n2012-01-01,1\r\nbad,2\r\n", 3),
        ("time,a\n2012-01-01,1\n\nbad,2\n", 4),
        ("time,a\r\n2012-01-01,1\r\n\r\n\r\nbad,2\r\n", 5),
        ("time,a,n\n2012-01-01,1,\"two\nlines\"\nbad,2,x\n", 4),
        ("time,a\n2012-01-01,1\nbad,2", 3),
        ("time,a,n\r\n2012-01-01,1,\"x\r\n\r\ny\"\r\nbad,2,z\r\n", 5),
    ];
    for (text, line) in cases {
        let e = read(text, &CsvOptions::new().time_column("time")).unwrap_err();
        assert!(
            e.to_string().contains(&format!("line {line}:")),
            "{text:?} should name line {line}: {e}"
        );
    }
}

/// Files at the edges: a header alone, times missing from the whole sample, repeated header
/// names (pandas' `a.1`), a type for a column that is not read, and a huge chunk size.
#[test]
fn edge_files() {
    let (_, s) = read("time,a\n", &CsvOptions::new().time_column("time")).unwrap();
    assert_eq!((s.len(), s[0].len()), (1, 0));
    let mut text = String::from("time,a\n");
    for _ in 0..1200 {
        text.push_str(",1\n");
    }
    text.push_str("2012-01-01 06:00,2\n");
    let (layout, s) = read(&text, &CsvOptions::new().time_column("time")).unwrap();
    assert_eq!(s[0].len(), 1201);
    assert_eq!(times(&s[0])[1200], Some(at("2012-01-01 06:00")));
    assert_eq!(times(&s[0])[0], None);
    assert_eq!(
        layout.time_format, "(no time yet)",
        "no time in the first rows read"
    );
    let (layout, _) = read("time,a,a,a\n2012-01-01,1,2,3\n", &CsvOptions::new()).unwrap();
    let names: Vec<_> = layout.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "a.1", "a.2"]);
    let e = read(
        "time,a\n2012-01-01,1\n",
        &CsvOptions::new().column_type("b", ColumnType::Text),
    )
    .unwrap_err();
    assert!(e.to_string().contains("\"b\""), "{e}");
    let (_, s) = read(
        "time,a\n2012-01-01,1\n",
        &CsvOptions::new().chunk_rows(usize::MAX),
    )
    .unwrap();
    assert_eq!(s[0].len(), 1);
}
