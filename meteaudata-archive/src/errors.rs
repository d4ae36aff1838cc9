//! Putting the file an error happened in into the error, without changing its kind.

use meteaudata_core::Error;

/// `err` with `file` added to where it says it happened.
pub(crate) fn in_file(file: &str, err: Error) -> Error {
    match err {
        Error::Parse { what, message } if !what.contains(file) => Error::Parse {
            what: format!("{file} ({what})"),
            message,
        },
        Error::Corrupt { location, message } if !location.contains(file) => Error::Corrupt {
            location: format!("{file} ({location})"),
            message,
        },
        Error::InvalidInput(m) if !m.contains(file) => Error::InvalidInput(format!("{file}: {m}")),
        Error::InvalidName { name, reason } => Error::InvalidName {
            name,
            reason: format!("{reason} (in {file})"),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use meteaudata_core::ErrorKind;

    #[test]
    fn kind_is_kept() {
        let e = in_file(
            "x.csv",
            Error::Corrupt {
                location: "index".into(),
                message: "short".into(),
            },
        );
        assert_eq!(e.kind(), ErrorKind::Corrupt);
        assert!(e.to_string().contains("x.csv (index)"));
        let e = in_file("x.csv", Error::parse("timestamp", "bad"));
        assert_eq!(e.kind(), ErrorKind::Parse);
        assert!(e.to_string().contains("x.csv"));
    }
}
