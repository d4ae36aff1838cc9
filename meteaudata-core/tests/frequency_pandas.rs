//! The frequency grammar against pandas itself: every alias, compound offset and bad text
//! below is given to `pandas.tseries.frequencies.to_offset` in the reference environment, and
//! our canonical text must be its `freqstr` (or both must refuse it).

mod common;

use meteaudata_core::Frequency;

const TEXTS: &[&str] = &[
    "15min",
    "1D",
    "2D",
    "W",
    "2W",
    "W-MON",
    "ME",
    "QE-NOV",
    "YS",
    "0.5h",
    "1.5D",
    "1h30min",
    "2D12h",
    "1h1s",
    "1h 30min",
    "30min1h",
    "1.5h30min",
    "1Min30s",
    "1h0min",
    "0h30min",
    "1D1D",
    "1us500ns",
    "12h12h",
    "23h60min",
    "1D12h12h",
    "1h1D",
    "2h0.5h",
    "h30min",
    "1h 1h",
    "0.5D12h",
    "1h 30 min",
    "1h+30min",
    "1D30min30min",
    "6h1D18h",
    "1.5D12h",
    "36h12h",
    "1ME1D",
    "1W1D",
    "1h30",
    "1h-30min",
    "bogus",
];

#[test]
fn canonical_text_is_pandas_freqstr() {
    let Some(python) = common::python() else {
        return;
    };
    let script = format!(
        "import warnings\nwarnings.simplefilter('ignore')\nfrom pandas.tseries.frequencies import to_offset\nfor s in {TEXTS:?}:\n    try:\n        print(to_offset(s).freqstr)\n    except Exception:\n        print('ERROR')\n"
    );
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pandas: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(pandas.len(), TEXTS.len());
    for (text, want) in TEXTS.iter().zip(pandas) {
        let ours = Frequency::parse(text).map_or("ERROR".to_string(), |f| f.to_string());
        assert_eq!(ours, want, "{text:?}");
    }
}
