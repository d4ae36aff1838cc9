//! Standard output that ends quietly when the reader goes away (`meteaudata ls | head -1`):
//! a closed pipe is an error like any other here, which `main` turns into a silent success
//! instead of the panic `println!` gives.

use std::io::Write;

/// Writes `args` to standard output and flushes it.
pub fn write(args: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)?;
    out.flush()
}

/// Whether `err` comes from writing to a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `println!` that returns an error instead of panicking on a closed pipe.
macro_rules! say {
    () => {
        $crate::out::write(format_args!("\n"))?
    };
    ($($arg:tt)*) => {
        $crate::out::write(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

/// `print!` that returns an error instead of panicking on a closed pipe.
macro_rules! say_raw {
    ($($arg:tt)*) => {
        $crate::out::write(format_args!($($arg)*))?
    };
}

pub(crate) use {say, say_raw};
