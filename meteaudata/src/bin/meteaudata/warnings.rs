//! The library's warnings on stderr: a key skipped because its file is damaged, a series
//! computed in memory instead of streamed… The library reports them through `tracing`; this
//! layer prints each one as `warning: …` and counts them, so that `--strict` can turn any of
//! them into exit code 4.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::sync::Mutex;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// Prints warnings and errors from the library (each text once: a listing may be made twice)
/// and counts them.
struct Printer {
    count: Arc<AtomicUsize>,
    seen: Mutex<HashSet<String>>,
}

/// An event's message and its other fields as `name=value`.
#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }
}

impl<S: Subscriber> Layer<S> for Printer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let level = *event.metadata().level();
        if level > Level::WARN {
            return;
        }
        let mut text = Text::default();
        event.record(&mut text);
        let label = if level == Level::ERROR {
            "error"
        } else {
            "warning"
        };
        let line = format!("{label}: {}{}", text.message, text.fields);
        self.count.fetch_add(1, Ordering::SeqCst);
        let first = self
            .seen
            .lock()
            .map_or(true, |mut seen| seen.insert(line.clone()));
        if first {
            eprintln!("{line}");
        }
    }
}

/// Installs the printer for this process; the counter says how many warnings were printed.
pub fn install() -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let printer = Printer {
        count: Arc::clone(&count),
        seen: Mutex::new(HashSet::new()),
    };
    // Only fails when a subscriber is already set (never in this binary).
    let _ = tracing_subscriber::registry().with(printer).try_init();
    count
}
