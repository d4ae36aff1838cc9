//! Bytes as a CSV file read by meteaudata-io's `CsvReader`, every chunk to the end.
//!
//! The first byte picks the options (so the fuzzer explores them too; the seeds start with
//! one): bits 0-1 the chunk size (65536, 1, 3, 100 rows), bit 2 a zone (Europe/Paris, which has
//! DST changes), bits 3-4 the ambiguous-time policy, bits 5-6 the nonexistent-time policy, bit
//! 7: a second byte follows, whose bits 0-2 pick the time format (auto, epoch s/ms/us/ns,
//! `%d/%m/%Y %H:%M`, `%Y-%m-%dT%H:%M:%S%z`), bit 3 `dayfirst`, bits 4-5 the header (no / yes),
//! bit 6 the delimiter `;` and bit 7 the decimal comma.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meteaudata_core::TimeZone;
use meteaudata_io::csv::{Ambiguous, CsvOptions, CsvReader, EpochUnit, Nonexistent, TimeFormat};

fn options(data: &[u8]) -> Option<(CsvOptions, &[u8])> {
    let (&sel, mut rest) = data.split_first()?;
    let mut o = CsvOptions::new().chunk_rows([1 << 16, 1, 3, 100][usize::from(sel & 3)]);
    if sel & 4 != 0 {
        o = o.tz("Europe/Paris".parse::<TimeZone>().ok()?);
    }
    o = o.ambiguous(
        [
            Ambiguous::Raise,
            Ambiguous::Infer,
            Ambiguous::Earliest,
            Ambiguous::Latest,
        ][usize::from((sel >> 3) & 3)],
    );
    o = o.nonexistent(
        [
            Nonexistent::Raise,
            Nonexistent::ShiftForward,
            Nonexistent::NaT,
            Nonexistent::Raise,
        ][usize::from((sel >> 5) & 3)],
    );
    if sel & 0x80 != 0 {
        let (&ext, more) = rest.split_first()?;
        rest = more;
        let format = match ext & 7 {
            1 => TimeFormat::Epoch(EpochUnit::Seconds),
            2 => TimeFormat::Epoch(EpochUnit::Millis),
            3 => TimeFormat::Epoch(EpochUnit::Micros),
            4 => TimeFormat::Epoch(EpochUnit::Nanos),
            5 => TimeFormat::Strftime("%d/%m/%Y %H:%M".into()),
            6 => TimeFormat::Strftime("%Y-%m-%dT%H:%M:%S%z".into()),
            _ => TimeFormat::Auto,
        };
        o = o.time_format(format).dayfirst(ext & 8 != 0);
        match (ext >> 4) & 3 {
            1 => o = o.header(false),
            2 => o = o.header(true),
            _ => {}
        }
        if ext & 0x40 != 0 {
            o = o.delimiter(b';');
        }
        if ext & 0x80 != 0 {
            o = o.decimal(',');
        }
    }
    Some((o, rest))
}

fuzz_target!(|data: &[u8]| {
    let Some((options, text)) = options(data) else {
        return;
    };
    let input = std::io::Cursor::new(text.to_vec());
    let Ok(mut reader) = CsvReader::from_reader(input, "fuzz.csv", &options) else {
        return;
    };
    while let Ok(Some(chunk)) = reader.next_chunk() {
        if let Some(first) = chunk.series.first() {
            for s in &chunk.series {
                assert_eq!(
                    s.len(),
                    first.len(),
                    "the series of one chunk share an index"
                );
            }
        }
    }
});
