//! Rewriting lineage when a signal is renamed, so histories always name their real inputs.

use crate::naming::{series_name, SeriesName};
use crate::ProcessingStep;

/// Rewrites every input name that belongs to signal `old` (its part before the last `_` is
/// `old`) to the same series under signal `new`.
pub(crate) fn rewrite_signal_prefix<'a, I>(steps: I, old: &str, new: &str)
where
    I: IntoIterator<Item = &'a mut ProcessingStep>,
{
    if old == new {
        return;
    }
    for step in steps {
        for name in &mut step.input_series_names {
            let parsed = SeriesName::parse(name);
            if parsed.signal == old {
                *name = match parsed.number {
                    Some(n) => series_name(new, &parsed.base, n),
                    None => format!("{new}_{}", parsed.base),
                };
            }
        }
    }
}
