//! Progress bars on a terminal, nothing otherwise (pipes, CI, `--quiet`).

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// How often a bar is redrawn by itself.
const TICK: Duration = Duration::from_millis(250);

/// Makes progress bars when stderr is a terminal and output is not quiet.
pub struct Progress {
    enabled: bool,
}

impl Progress {
    /// Progress for this run.
    pub fn new(quiet: bool) -> Self {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// A bar over `len` points (hidden when disabled).
    pub fn points(&self, len: u64, what: &str) -> ProgressBar {
        self.counted(
            len,
            what,
            "{msg:>12} [{bar:30}] {human_pos}/{human_len} points {elapsed} ({eta})",
        )
    }

    /// A bar over `len` bytes (hidden when disabled).
    pub fn bytes(&self, len: u64, what: &str) -> ProgressBar {
        self.counted(
            len,
            what,
            "{msg:>12} [{bar:30}] {bytes}/{total_bytes} {elapsed} ({eta})",
        )
    }

    /// A counter of points whose total is not known (hidden when disabled).
    pub fn spinner_points(&self, what: &str) -> ProgressBar {
        if !self.enabled {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {msg}: {human_pos} points {elapsed} ({per_sec})",
        ) {
            bar.set_style(style);
        }
        bar.set_message(what.to_string());
        // The clock moves while a long step makes no visible progress.
        bar.enable_steady_tick(TICK);
        bar
    }

    fn counted(&self, len: u64, what: &str, template: &str) -> ProgressBar {
        if !self.enabled {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(len);
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        // The clock moves while a long step makes no visible progress.
        bar.enable_steady_tick(TICK);
        bar
    }
}
