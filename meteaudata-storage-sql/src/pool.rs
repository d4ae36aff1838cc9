//! A small blocking connection pool: connections are opened on demand up to a limit, reused,
//! and dropped when they fail at the connection level.

use std::sync::{Condvar, Mutex, PoisonError};

use meteaudata_core::Result;

/// Opens one connection.
pub(crate) type Connect<C> = Box<dyn Fn() -> Result<C> + Send + Sync>;

pub(crate) struct Pool<C> {
    state: Mutex<State<C>>,
    freed: Condvar,
    max: usize,
    connect: Connect<C>,
}

struct State<C> {
    idle: Vec<C>,
    open: usize,
}

impl<C> std::fmt::Debug for Pool<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Pool")
            .field("open", &s.open)
            .field("idle", &s.idle.len())
            .field("max", &self.max)
            .finish()
    }
}

impl<C> Pool<C> {
    pub(crate) fn new(max: usize, first: C, connect: Connect<C>) -> Self {
        Pool {
            state: Mutex::new(State {
                idle: vec![first],
                open: 1,
            }),
            freed: Condvar::new(),
            max: max.max(1),
            connect,
        }
    }

    /// Runs `f` with a connection. `keep` decides from the connection and the result whether
    /// the connection is still usable (connection-level failures drop it).
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut C) -> Result<T>,
        keep: impl FnOnce(&mut C, &Result<T>) -> bool,
    ) -> Result<T> {
        let mut conn = self.take()?;
        let out = f(&mut conn);
        let keep = keep(&mut conn, &out);
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if keep {
            s.idle.push(conn);
        } else {
            s.open -= 1;
        }
        drop(s);
        self.freed.notify_one();
        out
    }

    fn take(&self) -> Result<C> {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(c) = s.idle.pop() {
                return Ok(c);
            }
            if s.open < self.max {
                s.open += 1;
                drop(s);
                return match (self.connect)() {
                    Ok(c) => Ok(c),
                    Err(e) => {
                        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
                        s.open -= 1;
                        drop(s);
                        self.freed.notify_one();
                        Err(e)
                    }
                };
            }
            s = self.freed.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Closes every idle connection.
    pub(crate) fn close_idle(&self) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let n = s.idle.len();
        s.idle.clear();
        s.open -= n;
    }
}
