//! Identity of the function that produced a processing step.

use serde::{Deserialize, Serialize};

/// Who made a processing step: name, version, author, reference and optionally its source text.
///
/// Rust cannot read a function's source at run time, so `source_code` is `None` unless it is
/// given, for instance with [`function_info!`](crate::function_info), which captures source text
/// at compile time. Python-written files carry upstream's captured text (or its error strings such
/// as `"Function not found in globals."`) and are kept verbatim.
///
/// ```
/// use meteaudata_core::FunctionInfo;
/// let info = FunctionInfo::new("despike", "1.2.0", "Lab team", "doi:10.0/xyz");
/// assert_eq!(info.source_code, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FunctionInfo {
    /// Function name.
    pub name: String,
    /// Function version (for built-ins: the crate version).
    pub version: String,
    /// Author.
    pub author: String,
    /// URL, paper, ...
    pub reference: String,
    /// Source text of the function, when known.
    #[serde(default)]
    pub source_code: Option<String>,
}

impl FunctionInfo {
    /// A function identity without source text.
    pub fn new(
        name: impl Into<String>,
        version: impl Into<String>,
        author: impl Into<String>,
        reference: impl Into<String>,
    ) -> Self {
        FunctionInfo {
            name: name.into(),
            version: version.into(),
            author: author.into(),
            reference: reference.into(),
            source_code: None,
        }
    }

    /// The same identity with its source text.
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source_code = Some(source.into());
        self
    }
}

/// Builds a [`FunctionInfo`] for an item and records that item's source text, captured at
/// compile time with `stringify!`.
///
/// ```
/// use meteaudata_core::function_info;
/// let (info, double) = function_info!("double", "1.0", "me", "notes", fn double(x: f64) -> f64 { x * 2.0 });
/// assert_eq!(double(2.0), 4.0);
/// assert!(info.source_code.unwrap().contains("x * 2.0"));
/// ```
#[macro_export]
macro_rules! function_info {
    ($name:expr, $version:expr, $author:expr, $reference:expr, fn $f:ident $($rest:tt)*) => {{
        fn $f $($rest)*
        (
            $crate::FunctionInfo::new($name, $version, $author, $reference)
                .with_source(stringify!(fn $f $($rest)*)),
            $f,
        )
    }};
}
