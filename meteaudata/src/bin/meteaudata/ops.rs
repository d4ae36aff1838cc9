//! The built-in transforms, built from command-line arguments or from a recorded step
//! ([`meteaudata::processing::registry`]).

pub use meteaudata::processing::registry::{from_step, Builtin as Op};
use meteaudata::processing::Bound;

/// A bound typed on the command line: a number when it parses as one, text otherwise.
pub fn bound_from_text(text: Option<&str>) -> Bound {
    match text {
        None => Bound::Open,
        Some(t) => match (t.parse::<i64>(), t.parse::<f64>()) {
            (Ok(i), _) => Bound::Int(i),
            (_, Ok(f)) => Bound::Float(f),
            _ => Bound::Text(t.to_string()),
        },
    }
}
