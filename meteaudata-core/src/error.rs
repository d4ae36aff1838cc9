//! The one error type of meteaudata, with a [`ErrorKind`] callers can match on.

use std::fmt;

/// What went wrong, in a form callers can match on without parsing messages.
///
/// The set grows over time, so matches need a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A signal, series or dataset name breaks the naming grammar.
    InvalidName,
    /// A requested series, signal or key does not exist.
    NotFound,
    /// Two things would end up under one name, or a write raced another.
    Conflict,
    /// The input (data, parameters, options) is not acceptable.
    InvalidInput,
    /// A metadata or data document could not be parsed or does not fit the model.
    Parse,
    /// A storage key breaks the key rules (`dataset/signal/series`).
    InvalidKey,
    /// The operation is not supported by this backend or build.
    Unsupported,
    /// A storage backend failed (I/O, database, ...).
    Backend,
    /// Stored data is damaged or inconsistent.
    Corrupt,
    /// A processing function (transform) failed.
    Transform,
    /// An operating-system I/O error.
    Io,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            ErrorKind::InvalidName => "invalid name",
            ErrorKind::NotFound => "not found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Parse => "parse error",
            ErrorKind::InvalidKey => "invalid key",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Backend => "backend error",
            ErrorKind::Corrupt => "corrupt data",
            ErrorKind::Transform => "transform failed",
            ErrorKind::Io => "i/o error",
        };
        f.write_str(s)
    }
}

/// The error type of every fallible operation in meteaudata.
///
/// Use [`Error::kind`] to branch on the category; the message says what and where.
///
/// ```
/// use meteaudata_core::{Signal, ErrorKind};
/// let err = Signal::new("bad_name", "mg/L").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidName);
/// assert!(err.to_string().contains("bad_name"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A name breaks the naming grammar.
    #[error("invalid name {name:?}: {reason}")]
    InvalidName {
        /// The offending name.
        name: String,
        /// Why it is invalid.
        reason: String,
    },
    /// Something named does not exist.
    #[error("{what} {name:?} not found{available}")]
    NotFound {
        /// What was looked for ("series", "signal", "key", ...).
        what: &'static str,
        /// The name or key that was looked for.
        name: String,
        /// A hint listing what is available (may be empty).
        available: String,
    },
    /// Two things collide.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Input that cannot be accepted.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A document could not be parsed.
    #[error("cannot parse {what}: {message}")]
    Parse {
        /// What was being parsed (a file name, "YAML metadata", ...).
        what: String,
        /// The parser's message.
        message: String,
    },
    /// A storage key is invalid.
    #[error("invalid key {key:?}: {reason}")]
    InvalidKey {
        /// The key.
        key: String,
        /// Why it is invalid.
        reason: String,
    },
    /// Not supported here.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A storage backend failed.
    #[error("backend {backend} failed: {message}")]
    Backend {
        /// The backend type (`memory`, `disk`, `sqlite`, ...).
        backend: String,
        /// What failed.
        message: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
    /// Stored data is damaged.
    #[error("corrupt data in {location}: {message}")]
    Corrupt {
        /// Where (a key or a file).
        location: String,
        /// What is wrong.
        message: String,
    },
    /// A transform failed.
    #[error("transform {function:?} failed: {message}")]
    Transform {
        /// The transform's name.
        function: String,
        /// Its message.
        message: String,
    },
    /// An I/O error, with the path it concerned.
    #[error("i/o error on {path}: {source}")]
    Io {
        /// The path involved.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The category of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidName { .. } => ErrorKind::InvalidName,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::Parse { .. } => ErrorKind::Parse,
            Error::InvalidKey { .. } => ErrorKind::InvalidKey,
            Error::Unsupported(_) => ErrorKind::Unsupported,
            Error::Backend { .. } => ErrorKind::Backend,
            Error::Corrupt { .. } => ErrorKind::Corrupt,
            Error::Transform { .. } => ErrorKind::Transform,
            Error::Io { .. } => ErrorKind::Io,
        }
    }

    pub(crate) fn invalid_name(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidName {
            name: name.into(),
            reason: reason.into(),
        }
    }

    /// A [`ErrorKind::NotFound`] error with a list of what is available.
    pub fn not_found<I, S>(what: &'static str, name: impl Into<String>, available: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let list: Vec<String> = available
            .into_iter()
            .map(|s| format!("{:?}", s.as_ref()))
            .collect();
        let available = if list.is_empty() {
            String::new()
        } else {
            format!("; available: [{}]", list.join(", "))
        };
        Error::NotFound {
            what,
            name: name.into(),
            available,
        }
    }

    /// A [`ErrorKind::Parse`] error.
    pub fn parse(what: impl Into<String>, message: impl fmt::Display) -> Self {
        Error::Parse {
            what: what.into(),
            message: message.to_string(),
        }
    }

    /// A [`ErrorKind::InvalidInput`] error.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput(message.into())
    }

    /// A [`ErrorKind::Backend`] error wrapping a source error.
    pub fn backend<E>(backend: impl Into<String>, message: impl Into<String>, source: E) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        Error::Backend {
            backend: backend.into(),
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// A [`ErrorKind::Io`] error for `path`.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}

/// `Result` with meteaudata's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
